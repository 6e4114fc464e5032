import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";

/** A value the dynamic-provider host sends to the engine as a secret (the SDK's wire marker). */
export function secret<T>(value: T): { [specialSigKey]: string; value: T } {
  return { [specialSigKey]: specialSecretSig, value };
}
