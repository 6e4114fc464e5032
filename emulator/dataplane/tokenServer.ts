import { createPrivateKey, randomUUID, sign, X509Certificate, type KeyObject } from "node:crypto";
import { generate } from "selfsigned";
import type { Clock } from "../clock";
import { tokenId } from "../ids";
import type { PasswordCheck, PasswordDigests } from "../passwords";
import type { EmulatorStore } from "../store/types";
import { grantAccess, parseScopes, type ResourceAccess } from "./scopes";

/**
 * ACR's `/oauth2/token` on a login server ("Access Tokens - Get From Login": HTTP Basic auth with a
 * token's name and password, `service` and repeated `scope` in the query, 200 `{access_token}`), and
 * the key that signs the access tokens: ES256 JWTs in the distribution token format (`iss`, `aud` =
 * service, `exp`/`nbf`, `access` claim) with the signing certificate in `x5c`, which the registry
 * server checks against its rootcertbundle.
 */

/** JWT issuer, as in the access tokens ACR issues. */
export const ISSUER = "Azure Container Registry";
/** Lifetime of an access token. UNCERTAIN: ACR's own lifetime was not recorded; the distribution default client refreshes after 60 s anyway. */
export const ACCESS_TOKEN_SECONDS = 300;

/** The key pair and self-signed certificate access tokens are signed with (one per emulator run). */
export interface TokenSigner {
  certPem: string;
  sign(claims: object): string;
}

/** Creates an ES256 signing key with a self-signed certificate (valid 10 years from yesterday, host time). */
export async function createTokenSigner(): Promise<TokenSigner> {
  const now = Date.now();
  const pems = await generate([{ name: "commonName", value: "acr-tokens emulator token signing" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate: new Date(now - 86_400_000),
    notAfterDate: new Date(now + 3650 * 86_400_000),
  });
  const key: KeyObject = createPrivateKey(pems.private);
  const x5c = [new X509Certificate(pems.cert).raw.toString("base64")];
  return {
    certPem: pems.cert,
    sign(claims) {
      const header = { typ: "JWT", alg: "ES256", x5c };
      const input = `${b64(header)}.${b64(claims)}`;
      // JOSE wants ECDSA signatures as r||s (IEEE P1363), not DER.
      const sig = sign("sha256", Buffer.from(input), { key, dsaEncoding: "ieee-p1363" });
      return `${input}.${sig.toString("base64url")}`;
    },
  };
}

function b64(v: object): string {
  return Buffer.from(JSON.stringify(v)).toString("base64url");
}

/** What the token endpoint needs. */
export interface TokenServerDeps {
  store: EmulatorStore;
  clock: Clock;
  passwords: PasswordDigests;
  signer: TokenSigner;
  replicationDelayMs: () => number;
}

/** The outcome of one token request (the reason is for the emulator's log and message; never a secret). */
export type TokenOutcome =
  | { status: 200; body: { access_token: string }; user: string; granted: ResourceAccess[] }
  | { status: 400 | 401; body: { errors: Array<{ code: string; message: string }> }; user?: string; reason: string };

const REASONS: Record<Exclude<PasswordCheck, { ok: true }>["reason"], string> = {
  "token-not-found": "no token of that name exists in this registry",
  "token-disabled": "the token is disabled",
  "no-matching-password": "the password matches none of the token's current passwords (wrong, regenerated or deleted)",
  expired: "the password has expired",
  "not-replicated": "the password is new and has not replicated yet (ACR: up to 60 s after generation); retry shortly",
};

/**
 * Answers `GET /oauth2/token` (Basic auth) or `POST /oauth2/token` (`grant_type=password` form) for the
 * registry `registryId` whose login server is `service`.
 */
export function issueAccessToken(deps: TokenServerDeps, registryId: string, service: string, credentials: { user: string; password: string } | undefined, scopes: readonly string[]): TokenOutcome {
  if (!credentials) {
    return unauthorized("no credentials: send the token name and password with HTTP Basic authentication", undefined, "no-credentials");
  }
  const id = tokenId(registryId, credentials.user);
  const check = deps.passwords.check(deps.store, deps.clock, id, credentials.password, deps.replicationDelayMs());
  if (!check.ok) return unauthorized(REASONS[check.reason], credentials.user, check.reason);
  const token = deps.store.tokens.get(id);
  const map = token?.scopeMapId ? deps.store.scopeMaps.get(token.scopeMapId) : undefined;
  const granted = grantAccess(map?.actions ?? [], parseScopes(scopes));
  const nowS = Math.floor(Date.now() / 1000);
  // exp/nbf use the host clock: the registry server checks them against its own (real) time, while the
  // credential checks above follow the emulator clock.
  const claims = {
    jti: randomUUID(),
    sub: token?.name ?? credentials.user,
    nbf: nowS - 10,
    iat: nowS,
    exp: nowS + ACCESS_TOKEN_SECONDS,
    iss: ISSUER,
    aud: service,
    version: "1.0",
    grant_type: "password",
    access: granted,
  };
  return { status: 200, body: { access_token: deps.signer.sign(claims) }, user: credentials.user, granted };
}

function unauthorized(why: string, user: string | undefined, reason: string): TokenOutcome {
  return { status: 401, body: { errors: [{ code: "UNAUTHORIZED", message: `authentication required: ${why}.` }] }, user, reason };
}

/** Reads `Authorization: Basic base64(user:password)`; undefined when absent or malformed. */
export function basicCredentials(header: string | undefined): { user: string; password: string } | undefined {
  if (!header) return undefined;
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m) return undefined;
  const text = Buffer.from(m[1], "base64").toString("utf8");
  const colon = text.indexOf(":");
  if (colon <= 0) return undefined;
  return { user: text.slice(0, colon), password: text.slice(colon + 1) };
}
