import { currentTime, resolveCredential } from "../credential";
import type { CredentialKind, ResolvedCredential } from "../credential/types";
import { providerConfig } from "./config";

/**
 * The credential for one provider call, resolved at call time from the stack config given to
 * `configure` and the environment. The credential module memoizes it per process and settings, so
 * every resource of a run shares one credential and one token. Never stored, never returned.
 */
export function credentialFor(resourceType: string, selector: CredentialKind | undefined): Promise<ResolvedCredential> {
  return resolveCredential({
    config: providerConfig(resourceType),
    env: process.env,
    ...(selector !== undefined ? { credentialSelector: selector } : {}),
  });
}

/** "Now" for expiry computations: the credential module's clock (ACR_TOKENS_CLOCK_FILE in tests, else the system clock). */
export function now(resourceType: string): Date {
  providerConfig(resourceType);
  return currentTime({ env: process.env });
}
