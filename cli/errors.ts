/**
 * The CLI's own error: the command line is wrong. Everything else that stops a check (credential,
 * ARM, registry not found) keeps the class the credential module or the provider's ARM wrapping gave it.
 */

/** `name` of {@link UsageError}. */
export const UsageErrorName = "UsageError";

/**
 * The command line is wrong: an unknown option, a missing or malformed value. The message says what is
 * wrong and how to write it instead; its first sentence is stable (tests and CI logs match on it).
 * The CLI exits 2 and points at `--help`.
 */
export class UsageError extends Error {
  override readonly name = UsageErrorName;
}

/** `name` of {@link CheckTargetError}. */
export const CheckTargetErrorName = "CheckTargetError";

/**
 * The registry to check cannot be found, or the subscription to look in is unknown. Found before any
 * token is read; the CLI exits 2.
 */
export class CheckTargetError extends Error {
  override readonly name = CheckTargetErrorName;
}
