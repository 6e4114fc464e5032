import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";

/**
 * `value` marked secret as both hosts send it to the engine (the SDK's wire marker: the dynamic-provider
 * host and the provider plugin, which answers Configure with acceptSecrets, use the same one); null or
 * undefined stays null (an imported password, which Azure cannot give back).
 */
export function secret<T>(value: T): { [specialSigKey]: string; value: T } | null {
  return value === null || value === undefined ? null : { [specialSigKey]: specialSecretSig, value };
}
