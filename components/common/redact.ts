/**
 * How a value that may be a secret appears in a message. Every message that quotes a setting, an input
 * or a service answer goes through here, so the rule of what is shown lives in one place.
 */

/**
 * A setting's value for an error message: quoted, unless it looks like a secret pasted into the wrong
 * setting (an access token, `az account get-access-token` JSON, a PEM key, or anything longer than any
 * id, name or URL a non-secret setting holds), which is described by its length instead.
 */
export function displayValue(value: string): { text: string; hidden: boolean } {
  const secretLike = value.length > 128 || /^eyJ[\w-]*\./.test(value) || value.startsWith("{") || value.includes("-----BEGIN");
  return secretLike ? { text: `a ${value.length}-character value (not shown: it may be a secret)`, hidden: true } : { text: `"${value}"`, hidden: false };
}

/** A service message on one line and bounded, so an error never carries a body dump. */
export function oneLine(s: string): string {
  const flat = s.replace(/\s+/g, " ").trim();
  return flat.length > 300 ? `${flat.slice(0, 297)}...` : flat;
}
