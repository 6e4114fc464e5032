import { AccessTokenCredential } from "./accessToken";
import { AccessTokenError, CredentialAuthenticationError } from "./errors";
import { CredentialKind, type ResolvedCredential } from "./types";

/** Optional context for {@link explainAuthFailure}. */
export interface AuthFailureDetails {
  /** The ARM error, kept as `cause`. */
  cause?: unknown;
  /** ARM's `error.message`, from which the subscription's tenant is read for `InvalidAuthenticationTokenTenant`. Not quoted. */
  armMessage?: string;
}

/** ARM's 401 codes that mean the same as a pre-check. */
const PROBLEM_BY_CODE = {
  ExpiredAuthenticationToken: "expired",
  InvalidAuthenticationTokenAudience: "audience",
  InvalidAuthenticationTokenTenant: "tenant",
} as const;

/**
 * Translates an ARM 401/403 into the credential module's kind of message: what is wrong with which
 * credential source and the exact fix. For a bring-your-own token, an {@link AccessTokenError} whose
 * `problem` matches the pre-check of the same meaning (ARM's `ExpiredAuthenticationToken` → `expired`,
 * `InvalidAuthenticationTokenAudience` → `audience`, `InvalidAuthenticationTokenTenant` → `tenant`, other
 * 401s → `rejected`, 403 → `forbidden`); for an @azure/identity credential, a
 * {@link CredentialAuthenticationError}. Undefined for any other status.
 */
export function explainAuthFailure(
  status: number,
  armErrorCode: string | undefined,
  resolved: ResolvedCredential,
  details: AuthFailureDetails = {},
): AccessTokenError | CredentialAuthenticationError | undefined {
  if (status !== 401 && status !== 403) return undefined;
  const code = armErrorCode || (status === 401 ? "AuthenticationFailed" : "AuthorizationFailed");
  const said = `${code}, HTTP ${status}`;
  const errorOptions = { statusCode: status, armErrorCode: code, ...(details.cause !== undefined ? { cause: details.cause } : {}) };
  const roleFix =
    `Grant it a role on the registry that allows Microsoft.ContainerRegistry/registries/tokens/* and registries/generateCredentials/action ` +
    `(for example Contributor; role assignments can take a few minutes to apply)`;

  if (resolved.kind === CredentialKind.AccessToken && resolved.credential instanceof AccessTokenCredential) {
    const byo = resolved.credential;
    const where = byo.origin.where;
    if (status === 403) {
      return new AccessTokenError(
        "forbidden",
        where,
        `The identity of the access token from ${where} is not allowed to do this (${said}). ${roleFix}, or use a token of an identity that has one.`,
        errorOptions,
      );
    }
    const problem = PROBLEM_BY_CODE[code as keyof typeof PROBLEM_BY_CODE] ?? "rejected";
    switch (problem) {
      case "expired":
        return new AccessTokenError(
          problem,
          where,
          `Azure Resource Manager rejected the access token from ${where} as expired (${said}). Get a new one: ${byo.refreshCommand()}.`,
          errorOptions,
        );
      case "audience":
        return new AccessTokenError(
          problem,
          where,
          `Azure Resource Manager rejected the access token from ${where} because of its audience (${said}); ` +
            `it must be issued for ${byo.cloud.audiences.map((a) => `${a}/`).join(" or ")}. Get a token for ARM: ${byo.refreshCommand()}.`,
          errorOptions,
        );
      case "tenant": {
        const expected = /must match the tenant '?https:\/\/sts\.windows\.net\/([0-9A-Za-z.-]+)/i.exec(details.armMessage ?? "")?.[1];
        return new AccessTokenError(
          problem,
          where,
          `Azure Resource Manager rejected the access token from ${where} because it was issued by a tenant that does not own the subscription (${said}). ` +
            `Get a token from the subscription's tenant: ${byo.refreshCommand(expected ?? "<subscription tenant id>")}, and set ACR_TOKENS_TENANT_ID to that tenant.`,
          errorOptions,
        );
      }
      default:
        return new AccessTokenError(
          "rejected",
          where,
          `Azure Resource Manager rejected the access token from ${where} (${said}): it is malformed, revoked, or not issued by Entra ID for this cloud. ` +
            `Get a new one: ${byo.refreshCommand()}.`,
          errorOptions,
        );
    }
  }

  if (status === 403) {
    return new CredentialAuthenticationError(
      resolved.source,
      `The identity of ${resolved.source} is not allowed to do this (${said}). ${roleFix}, or choose another credential (acr-tokens:credential / ACR_TOKENS_CREDENTIAL).`,
      errorOptions,
    );
  }
  return new CredentialAuthenticationError(
    resolved.source,
    `Azure Resource Manager rejected the token of ${resolved.source} (${said}). Check that the identity is in the subscription's tenant ` +
      `(acr-tokens:tenantId / ACR_TOKENS_TENANT_ID) and that the cloud is right (acr-tokens:cloud / ACR_TOKENS_CLOUD, now ${resolved.cloud}).`,
    errorOptions,
  );
}
