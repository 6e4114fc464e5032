/**
 * The credential module's errors. As in @azure/identity, each class sets `name` and exports it as a
 * constant, so `err.name === AccessTokenErrorName` works even when two copies of the package are loaded.
 * Messages say what is wrong, then the exact fix; they name where a secret came from and never contain it.
 */

import type { ErrorCause } from "../common/errors";
export { CredentialSettingsError, CredentialSettingsErrorName } from "../common/errors";

/** `name` of {@link AccessTokenError}. */
export const AccessTokenErrorName = "AccessTokenError";

/**
 * What is wrong with a bring-your-own access token.
 * - `expired`, `notYetValid` (`nbf` in the future), `expiring`, `audience`, `tenant`, `malformed`: found before any network call.
 * - `rejected` (any other HTTP 401) and `forbidden` (HTTP 403): reported by ARM, see `explainAuthFailure`.
 *   ARM's own 401 codes for expiry, audience and tenant map to `expired`, `audience` and `tenant`.
 */
export type AccessTokenProblem = "expired" | "notYetValid" | "expiring" | "audience" | "tenant" | "malformed" | "rejected" | "forbidden";

/** A bring-your-own access token cannot be used. The message names its source and the fix, never the token. */
export class AccessTokenError extends Error {
  /** What is wrong. */
  readonly problem: AccessTokenProblem;
  /** Where the token came from (`ACR_TOKENS_ACCESS_TOKEN`, `stack config acr-tokens:accessToken` …). */
  readonly tokenSource: string;
  /** The HTTP status ARM answered, when ARM rejected the token. */
  readonly statusCode?: number;
  /** ARM's `error.code`, when ARM rejected the token. */
  readonly armErrorCode?: string;

  constructor(
    problem: AccessTokenProblem,
    tokenSource: string,
    message: string,
    options?: ErrorCause & { statusCode?: number; armErrorCode?: string },
  ) {
    super(message, options);
    this.name = AccessTokenErrorName;
    this.problem = problem;
    this.tokenSource = tokenSource;
    if (options?.statusCode !== undefined) this.statusCode = options.statusCode;
    if (options?.armErrorCode !== undefined) this.armErrorCode = options.armErrorCode;
  }
}

/** `name` of {@link NoCredentialError}. */
export const NoCredentialErrorName = "NoCredentialError";

/** No bring-your-own token is set and no @azure/identity credential is available in this environment. */
export class NoCredentialError extends Error {
  constructor(message: string, options?: ErrorCause) {
    super(message, options);
    this.name = NoCredentialErrorName;
  }
}

/** `name` of {@link CredentialAuthenticationError}. */
export const CredentialAuthenticationErrorName = "CredentialAuthenticationError";

/**
 * An @azure/identity credential is configured but did not work: the authority refused it (`statusCode`
 * undefined, the identity error is the `cause`), or ARM answered 401/403 to its token.
 */
export class CredentialAuthenticationError extends Error {
  /** The credential, as in {@link ResolvedCredential.source}. */
  readonly credentialSource: string;
  /** The HTTP status ARM answered, when ARM rejected the token. */
  readonly statusCode?: number;
  /** ARM's `error.code`, when ARM rejected the token. */
  readonly armErrorCode?: string;

  constructor(credentialSource: string, message: string, options?: ErrorCause & { statusCode?: number; armErrorCode?: string }) {
    super(message, options);
    this.name = CredentialAuthenticationErrorName;
    this.credentialSource = credentialSource;
    if (options?.statusCode !== undefined) this.statusCode = options.statusCode;
    if (options?.armErrorCode !== undefined) this.armErrorCode = options.armErrorCode;
  }
}
