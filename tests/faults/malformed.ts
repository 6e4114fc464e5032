/**
 * Malformed bodies for a successful answer, generated from the real one: truncations at many points,
 * bytes after it, wrappers around it, other encodings and content types. Used by the fault suite and
 * the canary.
 */
export function malformations(): Array<{ name: string; mangle: (json: string) => string; contentType?: string }> {
  const out: Array<{ name: string; mangle: (json: string) => string; contentType?: string }> = [];
  for (const fraction of [0.1, 0.3, 0.5, 0.62, 0.75, 0.85, 0.9, 0.95, 0.99]) {
    out.push({ name: `truncated at ${Math.round(fraction * 100)}%`, mangle: (j) => j.slice(0, Math.floor(j.length * fraction)) });
  }
  for (const tail of ["}", "]", "garbage", "\u0000", "\n{}", " ,", "<!-- cached -->"]) {
    out.push({ name: `trailing ${JSON.stringify(tail)}`, mangle: (j) => `${j}${tail}` });
  }
  for (const [name, wrap] of [
    ["HTML around it", (j: string) => `<html><body><pre>${j}</pre></body></html>`],
    ["an XSSI prefix", (j: string) => `)]}',\n${j}`],
    ["two documents", (j: string) => `${j}${j}`],
    ["single quotes", (j: string) => j.replace(/"/g, "'")],
    ["unquoted keys", (j: string) => j.replace(/"(\w+)":/g, "$1:")],
    ["a BOM and a comment", (j: string) => `\ufeff/* proxy */${j}`],
    ["newlines in the value", (j: string) => j.replace(/"value":"([^"]{10})/, '"value":"$1\n')],
    ["a key dropped", (j: string) => j.replace(/"name":/, "")],
  ] as const) {
    out.push({ name, mangle: wrap });
  }
  out.push({ name: "as text/plain", mangle: (j) => j.slice(0, -2), contentType: "text/plain" });
  out.push({ name: "as XML", mangle: (j) => `<?xml version="1.0"?><r>${j}</r>`, contentType: "application/xml" });
  return out;
}

