/**
 * Errors shared by every part of the package. As in @azure/identity, each class sets `name` and
 * exports it as a constant, so `err.name === CredentialSettingsErrorName` works even when two copies
 * of the package are loaded.
 */

/**
 * The options of an error's constructor: the `cause`. Spelled out instead of the ES2022 lib's
 * `ErrorOptions`, which a consumer compiling with an older `lib` does not have (these classes are public).
 */
export interface ErrorCause {
  cause?: unknown;
}

/** `name` of {@link CredentialSettingsError}. */
export const CredentialSettingsErrorName = "CredentialSettingsError";

/**
 * A setting (stack config `acr-tokens:*` or an `ACR_TOKENS_*` / `AZURE_*` variable) is invalid: an
 * unknown cloud, a malformed URL or duration, an unreadable file, a clock file without a time.
 */
export class CredentialSettingsError extends Error {
  constructor(message: string, options?: ErrorCause) {
    super(message, options);
    this.name = CredentialSettingsErrorName;
  }
}
