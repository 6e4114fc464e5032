import type { ContainerRegistryManagementClient, Token } from "@azure/arm-containerregistry";
import { currentTime } from "../common/clock";
import { resolveCredential } from "../credential";
import type { CredentialKind, CredentialLogger, CredentialSettingsSource, ResolvedCredential } from "../credential/types";
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

/**
 * What a provider's core needs from the host that runs it, and nothing about that host: the clock
 * and an ARM session per token. The dynamic-provider adapter (`provider/dynamic/context.ts`) builds
 * one from the stack config the engine handed to `configure`; a provider plugin or a test builds its own.
 */
export interface ProviderContext {
  /** "Now", for every expiry and rotation decision. */
  now(): Date;
  /**
   * The credential and ARM client for calls on the token `ref`; `label` names the resource in
   * messages, `selector` is the resource's `credential` input, if any.
   */
  session(ref: TokenRef, label: string, selector?: CredentialKind): Promise<ArmSession>;
  /** Shows a warning to the user (e.g. a new password published before it was seen to log in); optional. */
  warn?(message: string): void;
}

/**
 * The {@link ProviderContext} of one provider call from its settings: `config` (stack config keys such
 * as `acr-tokens:accessToken`, from whatever host configured the provider), the environment and the
 * package clock. The credential is resolved at call time; the credential module memoizes it per
 * process and settings, so every resource of a run shares one credential and one token. Never stored,
 * never returned. The dynamic-provider adapter and the provider plugin both build theirs with it.
 */
export function settingsContext(config: NonNullable<CredentialSettingsSource["config"]>, logger?: CredentialLogger): ProviderContext {
  return {
    now: () => currentTime({ env: process.env }),
    ...(logger?.warn ? { warn: (message: string) => logger.warn?.(message) } : {}),
    async session(ref, label, selector) {
      const resolved = await resolveCredential({
        config,
        env: process.env,
        ...(logger ? { logger } : {}),
        ...(selector !== undefined ? { credentialSelector: selector } : {}),
      });
      return armSession(ref, label, resolved);
    },
  };
}
