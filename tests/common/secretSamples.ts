import { randomBytes } from "node:crypto";

/** Secret-shaped values of every kind the package may meet, generated fresh each run (none is live). */
export function secretSamples(count = 20): Array<{ kind: string; value: string }> {
  const out: Array<{ kind: string; value: string }> = [];
  const b64 = (n: number) => randomBytes(n).toString("base64");
  const b64url = (n: number) => randomBytes(n).toString("base64url");
  for (let i = 0; i < count; i++) {
    // ACR passwords: 52 base64 characters with "+ACR" inside.
    out.push({ kind: "ACR password", value: `${b64(30).slice(0, 42)}+ACR${b64(6).slice(0, 6)}`.replace(/=/g, "A") });
    // Entra client secrets: 40 characters, "~" at index 4 or so.
    out.push({ kind: "client secret", value: `${b64url(3).slice(0, 3)}8Q~${b64url(30).slice(0, 34)}` });
    out.push({ kind: "JWT", value: `eyJ${b64url(24)}.eyJ${b64url(60)}.${b64url(64)}` });
    out.push({ kind: "hex key", value: randomBytes(20 + (i % 12)).toString("hex") });
    out.push({ kind: "storage key", value: b64(64) });
  }
  return out;
}

