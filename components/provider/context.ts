import type { ArmSession } from "../arm/session";
import type { TokenRef } from "../arm/ids";
import type { CredentialKind } from "../credential/types";

/**
 * What the provider core needs from the host that runs it, and nothing about that host: the clock
 * and an ARM session per token. The dynamic-provider adapter (`dynamic/context.ts`) builds one from
 * the stack config the engine handed to `configure`; a provider plugin or a test builds its own.
 */
export interface ProviderContext {
  /** "Now", for every expiry and rotation decision. */
  now(): Date;
  /**
   * The credential and ARM client for calls on the token `ref`; `label` names the resource in
   * messages, `selector` is the resource's `credential` input, if any.
   */
  session(ref: TokenRef, label: string, selector?: CredentialKind): Promise<ArmSession>;
}
