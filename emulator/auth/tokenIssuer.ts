import { randomBytes, type KeyObject } from "node:crypto";
import type { Clock } from "../clock";
import { createSigningKey, publicJwk, signJwt, type PublicJwk, type SigningKey } from "./jwt";

/** Who a token is issued to, and how. */
export interface TokenSubject {
  tenantId: string;
  objectId: string;
  /** Application (client) id: `appid` and `azp` claims. Absent for a user token minted by `issueToken`. */
  clientId?: string;
  /** `servicePrincipal` and `managedIdentity` tokens carry `idtyp: "app"`; `user` tokens `idtyp: "user"`. */
  kind: "servicePrincipal" | "managedIdentity" | "user";
  /** `appidacr`: "1" client secret, "2" certificate or assertion (also managed identities), "0" public client. */
  clientAuthMethod?: "0" | "1" | "2";
  /** ARM id of the managed identity (`xms_mirid`). */
  managedIdentityResourceId?: string;
}

/** Claims of an ARM access token as Entra issues it (v1.0 tokens: ARM's `accessTokenAcceptedVersion` is 1). */
export interface AccessTokenClaims {
  aud: string;
  iss: string;
  iat: number;
  nbf: number;
  exp: number;
  aio: string;
  appid?: string;
  appidacr?: string;
  azp?: string;
  idp: string;
  idtyp: "app" | "user";
  oid: string;
  rh: string;
  sub: string;
  tid: string;
  uti: string;
  ver: "1.0";
  xms_mirid?: string;
}

export interface MintOptions {
  audience: string;
  /** Lifetime from now, in seconds (negative: already expired). */
  lifetimeSeconds: number;
  /** `nbf` offset from now, in seconds. Default 0. */
  notBeforeSeconds?: number;
  /** Sign with a key nobody trusts. */
  untrusted?: boolean;
}

/** The issuer Entra puts in v1.0 access tokens; ARM compares it with the subscription's tenant. */
export function stsIssuer(tenantId: string): string {
  return `https://sts.windows.net/${tenantId}/`;
}

/** Mints access tokens with the emulator's signing key, timed by the emulator clock. */
export class TokenIssuer {
  // Generated on first use (RSA-2048 generation costs tens of milliseconds; many tests never need a key).
  private signingKey: SigningKey | undefined;
  private untrustedKey: SigningKey | undefined;
  private trusted: ReadonlyMap<string, KeyObject> | undefined;

  /** @param signingKey - A key to sign with (one kept in a state file); default: one generated on first use. */
  constructor(
    private readonly clock: Clock,
    signingKey?: SigningKey,
  ) {
    this.signingKey = signingKey;
  }

  /** The key tokens are signed with (generated now if no token was minted yet). */
  get key(): SigningKey {
    return (this.signingKey ??= createSigningKey());
  }

  /** Keys `authenticate` trusts, by `kid`. */
  get trustedKeys(): ReadonlyMap<string, KeyObject> {
    return (this.trusted ??= new Map([[this.key.kid, this.key.publicKey]]));
  }

  /** The JWKS document (`{ keys: [...] }`) of the trusted key. */
  jwks(): { keys: PublicJwk[] } {
    return { keys: [publicJwk(this.key)] };
  }

  /** Current emulator time in epoch seconds. */
  nowSeconds(): number {
    return Math.floor(this.clock.now().getTime() / 1000);
  }

  /** Signs a token for `subject`; returns it with its `exp` (epoch seconds). */
  mint(subject: TokenSubject, options: MintOptions): { token: string; claims: AccessTokenClaims } {
    const now = this.nowSeconds();
    const claims: AccessTokenClaims = {
      aud: options.audience,
      iss: stsIssuer(subject.tenantId),
      iat: now,
      nbf: now + (options.notBeforeSeconds ?? 0),
      exp: now + options.lifetimeSeconds,
      aio: randomBytes(24).toString("base64url"),
      ...(subject.clientId !== undefined
        ? { appid: subject.clientId, appidacr: subject.clientAuthMethod ?? "1", azp: subject.clientId }
        : {}),
      idp: stsIssuer(subject.tenantId),
      idtyp: subject.kind === "user" ? "user" : "app",
      oid: subject.objectId,
      rh: `0.${randomBytes(12).toString("base64url")}.`,
      sub: subject.objectId,
      tid: subject.tenantId,
      uti: randomBytes(16).toString("base64url"),
      ver: "1.0",
      ...(subject.managedIdentityResourceId !== undefined ? { xms_mirid: subject.managedIdentityResourceId } : {}),
    };
    // A throwaway key for signature-failure tests, created once on first use.
    const key = options.untrusted ? (this.untrustedKey ??= createSigningKey()) : this.key;
    return { token: signJwt(key, claims), claims };
  }
}
