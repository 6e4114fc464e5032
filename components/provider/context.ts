import type { ContainerRegistryManagementClient } from "@azure/arm-containerregistry";
import { currentTime, resolveCredential } from "../credential";
import type { CredentialKind, ResolvedCredential } from "../credential/types";
import { armClientFor } from "../arm/client";
import { providerConfig } from "./dynamic/config";
import type { TokenRef } from "../arm/ids";

/**
 * The credential for one provider call, resolved at call time from the stack config given to
 * `configure` and the environment. The credential module memoizes it per process and settings, so
 * every resource of a run shares one credential and one token. Never stored, never returned.
 */
function credentialFor(resourceType: string, selector: CredentialKind | undefined): Promise<ResolvedCredential> {
  return resolveCredential({
    config: providerConfig(resourceType),
    env: process.env,
    ...(selector !== undefined ? { credentialSelector: selector } : {}),
  });
}

/** What one provider call on a token works with, resolved once per call. */
export interface ArmSession {
  ref: TokenRef;
  /** Names the resource in messages (`TokenPassword password1 of token "ci" (registry "r")`). */
  label: string;
  resolved: ResolvedCredential;
  /** The process-wide client of `resolved` for the token's subscription. */
  client: ContainerRegistryManagementClient;
}

/** The credential ({@link credentialFor}) and its ARM client for one provider call on the token `ref`. */
export async function armSession(resourceType: string, ref: TokenRef, label: string, selector: CredentialKind | undefined): Promise<ArmSession> {
  const resolved = await credentialFor(resourceType, selector);
  return { ref, label, resolved, client: armClientFor(resolved, ref.subscriptionId) };
}

/** "Now" for expiry computations: the credential module's clock (ACR_TOKENS_CLOCK_FILE in tests, else the system clock). */
export function now(resourceType: string): Date {
  providerConfig(resourceType);
  return currentTime({ env: process.env });
}
