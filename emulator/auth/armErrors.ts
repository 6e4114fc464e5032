import { printable } from "./http";
import type { AuthFailure } from "./types";

/*
 * ARM's authentication (401) and authorization (403) failures, one factory per case, with ARM's
 * wording where it is known from real responses. None of them ever includes the bearer token:
 * only claim values that identify something (audience, issuer, times, ids) are quoted.
 */

/** The audiences ARM accepts, in the order ARM lists them in `InvalidAuthenticationTokenAudience`. */
export const ARM_AUDIENCES = [
  "https://management.core.windows.net/",
  "https://management.core.windows.net",
  "https://management.azure.com/",
  "https://management.azure.com",
] as const;

/** Where a client should get a token, for `authorization_uri`: the emulator's authority for the tenant. */
export type AuthorityUri = (tenantId: string) => string;

function unauthorized(code: string, message: string, authorizationUri: string, description = message): AuthFailure {
  return {
    status: 401,
    code,
    message,
    wwwAuthenticate: `Bearer authorization_uri="${headerSafe(authorizationUri)}", error="invalid_token", error_description="${headerSafe(description)}"`,
  };
}

/** No `Authorization` header at all. */
export function missingAuthorizationHeader(authorizationUri: string): AuthFailure {
  return unauthorized(
    "AuthenticationFailed",
    "Authentication failed. The 'Authorization' header is missing.",
    authorizationUri,
    "The authentication failed because of missing 'Authorization' header.",
  );
}

/** A header that is not `Bearer <token>`. (Real ARM may answer `AuthenticationFailed` here; the project contract uses `InvalidAuthenticationToken`.) */
export function invalidAuthorizationFormat(authorizationUri: string): AuthFailure {
  return unauthorized(
    "InvalidAuthenticationToken",
    "Authentication failed. The 'Authorization' header is provided in an invalid format.",
    authorizationUri,
  );
}

/** A bearer value that is not a well-formed JWT with the claims ARM needs. */
export function invalidToken(authorizationUri: string): AuthFailure {
  return unauthorized("InvalidAuthenticationToken", "The access token is invalid.", authorizationUri);
}

/** A JWT not signed by a key the emulator trusts. */
export function invalidSignature(authorizationUri: string): AuthFailure {
  return unauthorized("InvalidAuthenticationToken", "The access token has invalid signature.", authorizationUri);
}

/** `exp` is not after the emulator's now. */
export function expiredToken(expiresAt: Date, now: Date, authorizationUri: string): AuthFailure {
  return unauthorized(
    "ExpiredAuthenticationToken",
    `The access token expiry UTC time '${dotNetUtc(expiresAt)}' is earlier than current UTC time '${dotNetUtc(now)}'.`,
    authorizationUri,
  );
}

/** `nbf` is later than now plus the allowed clock skew. The wording is modelled on the expiry message (not seen in real traffic). */
export function tokenNotYetValid(notBefore: Date, now: Date, authorizationUri: string): AuthFailure {
  return unauthorized(
    "InvalidAuthenticationToken",
    `The access token validity start UTC time '${dotNetUtc(notBefore)}' is later than current UTC time '${dotNetUtc(now)}'.`,
    authorizationUri,
  );
}

/** `aud` is not one of {@link ARM_AUDIENCES}. */
export function wrongAudience(audience: string, authorizationUri: string): AuthFailure {
  return unauthorized(
    "InvalidAuthenticationTokenAudience",
    `The access token has been obtained for wrong audience or resource '${printable(audience)}'. ` +
      `It should exactly match with one of the allowed audiences ${ARM_AUDIENCES.map((a) => `'${a}'`).join(",")}.`,
    authorizationUri,
  );
}

/** `tid`/`iss` name another tenant than the subscription's. `authorizationUri` is the subscription tenant's authority. */
export function wrongTenant(issuer: string, subscriptionIssuer: string, authorizationUri: string): AuthFailure {
  return unauthorized(
    "InvalidAuthenticationTokenTenant",
    `The access token is from the wrong issuer '${printable(issuer)}'. It must match the tenant '${subscriptionIssuer}' ` +
      `associated with this subscription. Please use the authority (URL) '${authorizationUri}' to get the token. ` +
      "Note, if the subscription is transferred to another tenant there is no impact to the services, but information " +
      "about new tenant could take time to propagate (up to an hour). If you just transferred your subscription and see " +
      "this error message, please try back later.",
    authorizationUri,
  );
}

/** A principal with no role assignment allowing `action` at `scope`. `client` is the app id (or the object id when there is none). */
export function authorizationFailed(client: string, objectId: string, action: string, scope: string): AuthFailure {
  return {
    status: 403,
    code: "AuthorizationFailed",
    message:
      `The client '${client}' with object id '${objectId}' does not have authorization to perform action '${action}' ` +
      `over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
  };
}

/** A UTC time as ARM prints it (.NET invariant culture "M/d/yyyy h:mm:ss tt"), e.g. `11/23/2026 1:22:05 AM`. */
function dotNetUtc(d: Date): string {
  const h24 = d.getUTCHours();
  const h12 = h24 % 12 === 0 ? 12 : h24 % 12;
  const pad = (n: number) => String(n).padStart(2, "0");
  return (
    `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ` +
    `${h12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h24 < 12 ? "AM" : "PM"}`
  );
}

/** Text for a quoted header parameter: printable ASCII without `"` or `\`. */
function headerSafe(value: string): string {
  return value.replace(/[^\x20-\x7e]|["\\]/g, "'");
}
