import { isRestError } from "@azure/core-rest-pipeline";
import { describeBody, oneLine, redactError, show } from "../common/redact";
import { explainAuthFailure } from "../credential";
import { tlsTrustHint } from "../credential/identity";
import type { ResolvedCredential } from "../credential/types";

/** `name` of {@link ArmRequestError}; compare names rather than classes so checks survive duplicate package copies. */
export const ArmRequestErrorName = "ArmRequestError";

/**
 * An ARM call made by a provider failed. Carries what is needed to act on it and to open a support
 * case — the HTTP status, ARM's `error.code` and the `x-ms-request-id` — and the original error as
 * `cause`. Never a header value (the request's `Authorization` among them) or a response body:
 * only ARM's one-line `error.message`.
 */
export class ArmRequestError extends Error {
  override readonly name = ArmRequestErrorName;
  /** HTTP status, or undefined when no answer came (network failure). */
  readonly statusCode: number | undefined;
  /** ARM `error.code`, e.g. `ResourceNotFound`. */
  readonly code: string | undefined;
  /** `x-ms-request-id` of the failed response. */
  readonly requestId: string | undefined;
  /** The SDK operation, e.g. `registries.generateCredentials`. */
  readonly operation: string;

  constructor(
    message: string,
    details: { statusCode?: number; code?: string; requestId?: string; operation: string; cause: unknown },
  ) {
    super(message, { cause: details.cause });
    this.statusCode = details.statusCode;
    this.code = details.code;
    this.requestId = details.requestId;
    this.operation = details.operation;
  }
}

/** `name` of {@link RetryAfterTooLongError}. */
export const RetryAfterTooLongErrorName = "RetryAfterTooLongError";

/**
 * ARM (or a gateway) answered 429/503 with a `Retry-After` longer than the provider waits for
 * (`ACR_TOKENS_MAX_RETRY_AFTER_SECONDS`). Thrown by the pipeline's throttle guard; {@link wrapArmError}
 * prefixes the resource and operation.
 */
export class RetryAfterTooLongError extends Error {
  override readonly name = RetryAfterTooLongErrorName;
  constructor(
    readonly statusCode: number,
    readonly retryAfterMs: number,
    readonly maxRetryAfterSeconds: number,
    readonly requestId: string | undefined,
  ) {
    super(
      `ARM answered ${statusCode}${requestId ? ` (x-ms-request-id ${requestId})` : ""} and asked to retry after ` +
        `${Math.ceil(retryAfterMs / 1000)} s, longer than the ${maxRetryAfterSeconds} s this provider waits. ` +
        "The subscription is being throttled: run `pulumi up` again later, or raise ACR_TOKENS_MAX_RETRY_AFTER_SECONDS to wait longer.",
    );
  }
}

/** `name` of {@link ArmTimeoutError}. */
export const ArmTimeoutErrorName = "ArmTimeoutError";

/**
 * One ARM request got no answer within `ACR_TOKENS_ARM_TIMEOUT_MS`. Not retried: the request may
 * still run in Azure, and a retry would race it.
 */
export class ArmTimeoutError extends Error {
  override readonly name = ArmTimeoutErrorName;
  constructor(
    readonly method: string,
    readonly timeoutMs: number,
    cause: unknown,
  ) {
    super(
      `no answer from ARM to a ${method} request within ${timeoutMs} ms (ACR_TOKENS_ARM_TIMEOUT_MS). ` +
        "Check the network and the ARM endpoint, or raise ACR_TOKENS_ARM_TIMEOUT_MS; then run `pulumi up` again.",
      { cause },
    );
  }
}

/** What an ARM error code or request id looks like: `ResourceNotFound`, `ECONNREFUSED`, a GUID. */
const ARM_IDENTIFIER = /^[A-Za-z0-9][\w.:/-]{0,127}$/;

/**
 * An identifier from an ARM answer (`error.code` from its body, `x-ms-request-id` from its headers), for
 * a message and an error's fields: kept when the redaction rule would quote it ({@link show} with
 * {@link ARM_IDENTIFIER}), else undefined — a malformed answer's field (an echoed body, a token) never
 * reaches a message or a field. Internal. Exported for the pipeline's own errors (client.ts).
 */
export function armIdentifier(value: unknown): string | undefined {
  return typeof value === "string" && show(value, { shape: ARM_IDENTIFIER, maxLength: 128 }).startsWith('"') ? value : undefined;
}

/** The HTTP status of an ARM answer (a RestError or an ArmRequestError), e.g. 404 for a token that is gone. */
export function statusOf(err: unknown): number | undefined {
  if (isRestError(err)) return err.statusCode;
  if (err instanceof Error && err.name === ArmRequestErrorName) return (err as ArmRequestError).statusCode;
  return undefined;
}

/**
 * Wraps a failure of one ARM call, once. `label` names the resource (`TokenPassword for token "ci"`).
 * - An ARM answer (RestError with a status) becomes an {@link ArmRequestError}. A 401/403 is explained by
 *   the credential module's `explainAuthFailure` (for a bring-your-own token: what is wrong with it and
 *   the `az account get-access-token` command that fixes it), and that typed error is returned.
 * - No answer (connection refused, TLS, DNS) becomes an ArmRequestError naming the endpoint.
 * - Anything else (the credential's own pre-check errors, which already say what to do) is returned unchanged.
 */
export function wrapArmError(err: unknown, label: string, operation: string, resolved: ResolvedCredential): Error {
  if (err instanceof Error && err.name === ArmRequestErrorName) return err;
  if (err instanceof Error && (err.name === RetryAfterTooLongErrorName || err.name === ArmTimeoutErrorName)) {
    const status = err.name === RetryAfterTooLongErrorName ? (err as RetryAfterTooLongError).statusCode : undefined;
    const requestId = err.name === RetryAfterTooLongErrorName ? (err as RetryAfterTooLongError).requestId : undefined;
    return new ArmRequestError(`${label}: ${operation} failed: ${err.message}`, {
      ...(status !== undefined ? { statusCode: status } : {}),
      ...(requestId !== undefined ? { requestId } : {}),
      code: err.name === ArmTimeoutErrorName ? "Timeout" : "RetryAfterTooLong",
      operation,
      cause: err,
    });
  }
  if (err instanceof Error && !isRestError(err) && err.message.startsWith(LRO_FAILED_PREFIX)) {
    return new ArmRequestError(
      `${label}: ${operation} was accepted by ARM but its long-running operation ended Failed (${oneLine(err.message.slice(LRO_FAILED_PREFIX.length).replace(/^\.\s*/, ""))}). ` +
        "The change may be partly applied: run `pulumi refresh`, then `pulumi up` (or `pulumi destroy`) again.",
      { code: "LongRunningOperationFailed", operation, cause: err },
    );
  }
  if (!isRestError(err)) {
    if (err instanceof Error && TYPED_ERROR.test(err.name)) return redactError(err);
    if (CREDENTIAL_OPERATIONS.has(operation)) {
      // Thrown while the answer of a credential call was being read (a parser's message quotes the body,
      // which holds the new password): named by kind, never by text, and not kept as the cause.
      return new ArmRequestError(
        `${label}: ${operation} failed while its answer was read (${err instanceof Error ? err.name : typeof err}; the text is not shown: it may hold the password).${CREDENTIAL_RETRY}`,
        { code: "UnreadableResponse", operation, cause: undefined },
      );
    }
    return redactError(err instanceof Error ? err : new Error(`${label}: ${operation} failed: ${oneLine(String(err))}`));
  }

  const requestId = armIdentifier(err.response?.headers.get("x-ms-request-id"));
  const status = err.statusCode;
  const code = armIdentifier(err.code);
  if (status !== undefined && status >= 200 && status < 300) {
    // A success whose body the SDK could not parse (truncated JSON, trailing bytes): the SDK's message
    // quotes the body, and for generateCredentials that is a live password. Described, never quoted;
    // the SDK error (which holds the body) is not kept as the cause.
    const ref = requestId ? ` (x-ms-request-id ${requestId})` : "";
    return new ArmRequestError(
      `${label}: ${operation}: ARM answered ${status}${ref} with ${describeBody(err.response?.bodyAsText ?? undefined)}, which could not be read.` +
        (CREDENTIAL_OPERATIONS.has(operation) ? CREDENTIAL_RETRY : " Run the command again; quote the x-ms-request-id if it persists."),
      { statusCode: status, code: code ?? "UnreadableResponse", requestId, operation, cause: undefined },
    );
  }
  if (status === undefined) {
    return new ArmRequestError(
      `${label}: ${operation} could not reach ARM at ${resolved.armEndpoint} (${code ?? "no response"}). ` +
        `Check the network and the ARM endpoint setting (acr-tokens:cloud / acr-tokens:armEndpoint).${tlsTrustHint(err)}`,
      { code, operation, cause: err },
    );
  }
  const ref = requestId ? ` (x-ms-request-id ${requestId})` : "";
  const armMessage = oneLine(err.message);
  if (status === 401 || status === 403) {
    // The credential module says what is wrong with which credential source and the exact fix; the
    // typed error it returns (AccessTokenError / CredentialAuthenticationError) is kept as is.
    const explained = explainAuthFailure(status, code, resolved, { cause: err, armMessage });
    if (explained) {
      explained.message = `${label}: ${operation} was refused by ARM${ref}. ${explained.message}`;
      return explained;
    }
  }
  return new ArmRequestError(
    `${label}: ${operation} failed: ARM answered ${status}${code ? ` ${code}` : ""}${ref}: ${armMessage}${hintFor(status)}`,
    { statusCode: status, code, requestId, operation, cause: err },
  );
}

/**
 * How `@azure/core-lro` reports an operation that ended `Failed`: a plain Error (no name, code or
 * status to test), "The long-running operation has failed. <code>. <message>".
 */
const LRO_FAILED_PREFIX = "The long-running operation has failed";

/** What to do about a status the pipeline has already retried (or must not retry). */
function hintFor(status: number): string {
  if (status === 409) return " Another change to this token or registry is in progress; wait for it to finish, then run `pulumi up` again.";
  if (status === 429) return " The subscription is throttled and the retries are used up; run `pulumi up` again later.";
  if (status >= 500) return " ARM kept failing after the retries; run `pulumi up` again later, and quote the x-ms-request-id if it persists.";
  return "";
}

/** Calls whose successful answer holds a credential: their answers' text never reaches a message or a cause. */
const CREDENTIAL_OPERATIONS = new Set(["registries.generateCredentials", "registries.listCredentials", "registries.regenerateCredential"]);

/** What to do when a credential call's answer could not be read. */
const CREDENTIAL_RETRY =
  " The slot may hold a new password this run could not read (the previous one stops working then): " +
  "run `pulumi up` again to generate one it can (after `pulumi refresh` when the TokenPassword already exists).";

/** The package's own typed errors (and the SDK's abort), which already say what to do: passed through. */
const TYPED_ERROR = /^(ArmRequestError|RetryAfterTooLongError|ArmTimeoutError|NetworkDebugError|AccessTokenError|CredentialSettingsError|CredentialAuthenticationError|NoCredentialError|AbortError)$/;
