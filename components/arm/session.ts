import type { ContainerRegistryManagementClient, Token } from "@azure/arm-containerregistry";
import type { ResolvedCredential } from "../credential/types";
import { armClientFor } from "./client";
import { statusOf, wrapArmError } from "./errors";
import type { TokenRef } from "./ids";

/** What one call on a token works with, resolved once per call. */
export interface ArmSession {
  ref: TokenRef;
  /** Names the resource in messages (`TokenPassword password1 of token "ci" (registry "r")`). */
  label: string;
  resolved: ResolvedCredential;
  /** The process-wide client of `resolved` for the token's subscription. */
  client: ContainerRegistryManagementClient;
}

/** The session for calls on the token `ref` with the credential `resolved` (its process-wide client, see {@link armClientFor}). */
export function armSession(ref: TokenRef, label: string, resolved: ResolvedCredential): ArmSession {
  return { ref, label, resolved, client: armClientFor(resolved, ref.subscriptionId) };
}

/**
 * One GET of the session's token: undefined when ARM answers 404 (the token is gone), any other
 * failure wrapped by {@link wrapArmError} for the session's label. The read (and delete) of both providers start with it.
 */
export async function getToken({ client, ref, label, resolved }: ArmSession): Promise<Token | undefined> {
  try {
    return await client.tokens.get(ref.resourceGroupName, ref.registryName, ref.tokenName);
  } catch (err) {
    if (statusOf(err) === 404) return undefined;
    throw wrapArmError(err, label, "tokens.get", resolved);
  }
}
