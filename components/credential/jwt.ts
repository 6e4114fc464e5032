/**
 * Reads the claims of an access token for pre-checks. Decode only: the signature is never verified
 * (only ARM can judge it, and a pre-check must not make a network call), so nothing here is a
 * security decision; it only turns ARM's later 401 into an earlier, clearer error. Hand-written
 * because no installed library exposes an unverified decode (@azure/identity and MSAL treat access
 * tokens as opaque), and it is a base64url split. Nothing in this file logs or throws with the token.
 */

/** The claims the pre-checks use. All optional: a token may lack any of them. */
export interface AccessTokenClaims {
  /** `exp` in milliseconds since the epoch. */
  expiresOn?: number;
  /** `nbf` in milliseconds since the epoch. */
  notBefore?: number;
  /** `aud`: one or more audiences. */
  audiences: string[];
  /** `tid`: the tenant that issued the token. */
  tenantId?: string;
}

/**
 * Decodes the payload of a JWS compact token (`header.payload.signature`). Returns undefined when the
 * value is not one (an opaque token, an encrypted 5-part JWE, bad base64url or JSON): the caller then
 * treats it as opaque.
 */
export function decodeJwtClaims(token: string): AccessTokenClaims | undefined {
  // A provider process resolves its credential on every call with the same token: decode it once.
  if (lastDecoded?.token === token) return lastDecoded.claims;
  const claims = decode(token);
  lastDecoded = { token, claims };
  return claims;
}

/** The last token decoded and its claims (frozen, so every caller may share them). */
let lastDecoded: { token: string; claims: AccessTokenClaims | undefined } | undefined;

function decode(token: string): AccessTokenClaims | undefined {
  const parts = token.split(".");
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) return undefined;
  const header = parseJsonObject(parts[0]!);
  const payload = parseJsonObject(parts[1]!);
  if (!header || !payload || typeof header["alg"] !== "string") return undefined;

  const claims: AccessTokenClaims = { audiences: [] };
  const seconds = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v * 1000 : undefined);
  const exp = seconds(payload["exp"]);
  if (exp !== undefined) claims.expiresOn = exp;
  const nbf = seconds(payload["nbf"]);
  if (nbf !== undefined) claims.notBefore = nbf;
  const aud = payload["aud"];
  if (typeof aud === "string") claims.audiences = [aud];
  else if (Array.isArray(aud)) claims.audiences = aud.filter((a): a is string => typeof a === "string");
  if (typeof payload["tid"] === "string") claims.tenantId = payload["tid"];
  Object.freeze(claims.audiences);
  return Object.freeze(claims);
}

function parseJsonObject(base64url: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(base64url, "base64url").toString("utf8"));
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
