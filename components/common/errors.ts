/**
 * Errors shared by every part of the package. As in @azure/identity, each class sets `name` and
 * exports it as a constant, so `err.name === CredentialSettingsErrorName` works even when two copies
 * of the package are loaded.
 */

/**
 * `{ cause }`, as `new Error(message, options)` takes it: ES2022's `ErrorOptions`, spelled out so that
 * the published declarations type-check under an older `lib` (Pulumi's TypeScript template targets es2020).
 */
export interface CauseOptions {
  cause?: unknown;
}

/** `name` of {@link CredentialSettingsError}. */
export const CredentialSettingsErrorName = "CredentialSettingsError";

/**
 * A setting (stack config `acr-tokens:*` or an `ACR_TOKENS_*` / `AZURE_*` variable) is invalid: an
 * unknown cloud, a malformed URL or duration, an unreadable file, a clock file without a time.
 */
export class CredentialSettingsError extends Error {
  constructor(message: string, options?: CauseOptions) {
    super(message, options);
    this.name = CredentialSettingsErrorName;
  }
}
