import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";

/**
 * The engine's secret marker on the plugin's wire: the plugin answers Configure with acceptSecrets,
 * so secret values arrive marked and a marked value in an answer is stored as a secret (marked by
 * components/provider/wire.ts, as the dynamic provider marks it).
 */

/** A value without secret markers (the provider core works on plain values). */
export function revealSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(revealSecrets);
  if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    if (record[specialSigKey] === specialSecretSig) return revealSecrets(record["value"]);
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, revealSecrets(v)]));
  }
  return value;
}
