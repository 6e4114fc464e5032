import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import * as armErrors from "./armErrors";
import type { IdentityContext } from "./context";
import { handleEntra } from "./entra";
import { decodeJwt, signingKeyFromPem, signingKeyToPem, verifyJwtSignature } from "./jwt";
import { handleManagedIdentity } from "./managedIdentity";
import { PrincipalDirectory } from "./principals";
import { findRole, roleAllows, scopeCovers } from "./roles";
import { stsIssuer, TokenIssuer } from "./tokenIssuer";
import type {
  AuthFailure,
  IdentityKeys,
  IdentityService,
  IdentityServiceOptions,
  IdentityStats,
  IssueTokenOptions,
  Principal,
  PrincipalSeed,
  RoleAssignment,
} from "./types";

/** Object id of the principal `issueToken` mints for when no `objectId` is given. */
export const DEFAULT_TEST_OBJECT_ID = "00000000-0000-4000-8000-00000000a11c";

/** Clock skew ARM tolerates on `nbf` (Microsoft.IdentityModel's default, 5 minutes). */
const NOT_BEFORE_SKEW_MS = 5 * 60_000;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Creates the emulator's identity service: token issuance (Entra ID client credentials, ADFS, managed
 * identity, `issueToken`), ARM-style bearer-token validation and role assignments. Each instance has
 * its own RSA signing key, so tokens of one emulator are rejected by another, unless it is started
 * with another's `exportKeys()` (a restart from a state file).
 *
 * @param options - The emulator's tenant, clock, seeded principals, whether role assignments are enforced, and optionally the keys to reuse.
 */
export function createIdentityService(options: IdentityServiceOptions): IdentityService {
  return new EmulatorIdentityService(options);
}

class EmulatorIdentityService implements IdentityService {
  readonly managedIdentityHeader: string;
  readonly stats: IdentityStats = {
    entra: 0,
    adfs: 0,
    appService: 0,
    cloudShell: 0,
    imds: 0,
    issueToken: 0,
    authenticated: 0,
    rejected: 0,
    forbidden: 0,
  };
  private readonly ctx: IdentityContext;
  private readonly directory: PrincipalDirectory;
  private readonly issuer: TokenIssuer;
  private baseUrl: string | undefined;

  constructor(private readonly options: IdentityServiceOptions) {
    if (typeof options.tenantId !== "string" || !GUID.test(options.tenantId)) {
      throw new Error(`createIdentityService: [tenantId] "${String(options.tenantId)}" is not a GUID; pass the emulator's tenant id.`);
    }
    if (typeof options.clock?.now !== "function") {
      throw new Error("createIdentityService: [clock] is required (an object with now(): Date, e.g. a ManualClock).");
    }
    if (options.managedIdentityHeader !== undefined && options.managedIdentityHeader.length < 16) {
      throw new Error("createIdentityService: [managedIdentityHeader] must be at least 16 characters; omit it for a random one.");
    }
    this.managedIdentityHeader = options.managedIdentityHeader ?? randomBytes(24).toString("base64url");
    this.directory = new PrincipalDirectory(options.tenantId);
    this.issuer = new TokenIssuer(
      options.clock,
      options.signingKeyPem !== undefined ? signingKeyFromPem(options.signingKeyPem, "createIdentityService [signingKeyPem]") : undefined,
    );
    for (const seed of options.principals ?? []) this.directory.add(seed);
    this.ctx = {
      clock: options.clock,
      issuer: this.issuer,
      directory: this.directory,
      stats: this.stats,
      managedIdentityHeader: this.managedIdentityHeader,
    };
  }

  setBaseUrl(baseUrl: string): void {
    let url: URL;
    try {
      url = new URL(baseUrl);
    } catch {
      throw new Error(`identity.setBaseUrl: "${baseUrl}" is not a URL; pass the server's origin, e.g. https://127.0.0.1:41234.`);
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      throw new Error(`identity.setBaseUrl: "${baseUrl}" must be an http or https origin.`);
    }
    this.baseUrl = url.origin;
  }

  issueToken(options: IssueTokenOptions = {}): string {
    const audience = options.audience ?? "https://management.azure.com/";
    const lifetime = options.expiresInSeconds ?? 3600;
    const notBefore = options.notBeforeInSeconds ?? 0;
    if (typeof audience !== "string" || audience === "") {
      throw new Error("issueToken: [audience] must be a non-empty string, e.g. https://management.azure.com/.");
    }
    for (const [name, value] of [
      ["expiresInSeconds", lifetime],
      ["notBeforeInSeconds", notBefore],
    ] as const) {
      if (typeof value !== "number" || !Number.isFinite(value)) {
        throw new Error(`issueToken: [${name}] must be a finite number of seconds; got ${String(value)}.`);
      }
    }
    for (const [name, value] of [
      ["tenantId", options.tenantId],
      ["objectId", options.objectId],
      ["clientId", options.clientId],
    ] as const) {
      if (value !== undefined && (typeof value !== "string" || value === "")) {
        throw new Error(`issueToken: [${name}] must be a non-empty string when given.`);
      }
    }
    const known = options.clientId !== undefined ? this.directory.byClient(options.clientId) : undefined;
    const { token } = this.issuer.mint(
      {
        tenantId: options.tenantId ?? known?.tenantId ?? this.options.tenantId,
        objectId: options.objectId ?? known?.objectId ?? DEFAULT_TEST_OBJECT_ID,
        ...(options.clientId !== undefined ? { clientId: options.clientId } : {}),
        kind: options.clientId === undefined ? "user" : known?.managedIdentity ? "managedIdentity" : "servicePrincipal",
        ...(known?.resourceId !== undefined ? { managedIdentityResourceId: known.resourceId } : {}),
      },
      {
        audience,
        lifetimeSeconds: Math.trunc(lifetime),
        notBeforeSeconds: Math.trunc(notBefore),
        ...(options.untrustedSignature ? { untrusted: true } : {}),
      },
    );
    this.stats.issueToken++;
    return token;
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): Promise<boolean> {
    return (
      handleManagedIdentity(this.ctx, req, res, url, body) ||
      handleEntra(this.ctx, this.baseUrl ?? originOf(req), req, res, url, body)
    );
  }

  authenticate(authorizationHeader: string | undefined, subscriptionTenantId: string): Principal | AuthFailure {
    const result = this.validate(authorizationHeader, subscriptionTenantId);
    if ("status" in result) this.stats.rejected++;
    else this.stats.authenticated++;
    return result;
  }

  authorize(principal: Principal, scope: string, action: string): AuthFailure | undefined {
    if (!this.options.enforceRoleAssignments) return undefined;
    const assignments = this.directory.assignmentsOf(principal.objectId);
    const allowed = assignments.some((a) => {
      const role = findRole(a.role);
      return role !== undefined && scopeCovers(a.scope, scope) && roleAllows(role, action);
    });
    if (allowed) return undefined;
    // Asynchronous-operation URLs of ACR deletes live at subscription scope
    // (/subscriptions/{id}/providers/Microsoft.ContainerRegistry/locations/{region}/operationResults/{op}),
    // yet a principal whose role covers only a resource group or a registry can poll the deletes it
    // starts in Azure. The emulator does not track who started which operation: any principal with a
    // role assignment in that subscription may poll its operation results.
    const subscription = /^\/subscriptions\/[^/]+/i.exec(scope)?.[0];
    if (
      subscription !== undefined &&
      /\/operationResults\/read$/i.test(action) &&
      /\/locations\/[^/]+\/operationResults\//i.test(scope) &&
      assignments.some((a) => scopeCovers(subscription, a.scope) || scopeCovers(a.scope, subscription))
    ) {
      return undefined;
    }
    this.stats.forbidden++;
    return armErrors.authorizationFailed(principal.clientId ?? principal.objectId, principal.objectId, action, scope);
  }

  addPrincipal(seed: PrincipalSeed): void {
    this.directory.add(seed);
  }

  assignRole(assignment: RoleAssignment): void {
    this.directory.assign(assignment);
  }

  exportKeys(): IdentityKeys {
    return { signingKeyPem: signingKeyToPem(this.issuer.key), managedIdentityHeader: this.managedIdentityHeader };
  }

  /** ARM's checks, in ARM's order: header, token shape, signature, expiry, not-before, audience, tenant. */
  private validate(authorizationHeader: string | undefined, subscriptionTenantId: string): Principal | AuthFailure {
    const authority = this.authorityFor(subscriptionTenantId);
    if (authorizationHeader === undefined || authorizationHeader.trim() === "") {
      return armErrors.missingAuthorizationHeader(authority);
    }
    const match = /^Bearer +(\S+)$/i.exec(authorizationHeader.trim());
    if (!match?.[1]) return armErrors.invalidAuthorizationFormat(authority);
    const jwt = decodeJwt(match[1]);
    if (!jwt) return armErrors.invalidToken(authority);
    if (!verifyJwtSignature(jwt, this.issuer.trustedKeys)) return armErrors.invalidSignature(authority);

    const { exp, nbf, aud, iss, tid, oid, appid, azp, idtyp, xms_mirid } = jwt.claims;
    if (
      typeof exp !== "number" ||
      typeof aud !== "string" ||
      typeof iss !== "string" ||
      typeof tid !== "string" ||
      typeof oid !== "string" ||
      (nbf !== undefined && typeof nbf !== "number")
    ) {
      return armErrors.invalidToken(authority);
    }
    const now = this.options.clock.now();
    // No skew on exp (a token is expired from its exp second on): the contract makes a negative
    // issueToken lifetime "already expired". ARM's own tolerance after exp is not documented.
    if (exp * 1000 <= now.getTime()) return armErrors.expiredToken(new Date(exp * 1000), now, authority);
    if (typeof nbf === "number" && nbf * 1000 > now.getTime() + NOT_BEFORE_SKEW_MS) {
      return armErrors.tokenNotYetValid(new Date(nbf * 1000), now, authority);
    }
    if (!(armErrors.ARM_AUDIENCES as readonly string[]).includes(aud)) return armErrors.wrongAudience(aud, authority);

    // ARM accepts the v1.0 issuer (sts.windows.net) and the v2.0 one (login.microsoftonline.com) of the subscription's tenant.
    const sameTenant = tid.toLowerCase() === subscriptionTenantId.toLowerCase();
    const issuerMatches = [stsIssuer(tid), `https://login.microsoftonline.com/${tid}/v2.0`].some(
      (i) => i.toLowerCase() === iss.toLowerCase(),
    );
    if (!sameTenant || !issuerMatches) {
      return armErrors.wrongTenant(iss, stsIssuer(subscriptionTenantId), authority);
    }

    const clientId = typeof appid === "string" ? appid : typeof azp === "string" ? azp : undefined;
    const kind: Principal["kind"] =
      typeof xms_mirid === "string" || this.directory.byObjectId(oid)?.managedIdentity
        ? "managedIdentity"
        : idtyp === "user" || clientId === undefined
          ? "user"
          : "servicePrincipal";
    return { objectId: oid, tenantId: tid, ...(clientId !== undefined ? { clientId } : {}), kind };
  }

  /** The authority a client should get a token from, for `authorization_uri` and ARM's tenant message. */
  private authorityFor(tenantId: string): string {
    return `${this.baseUrl ?? "https://login.microsoftonline.com"}/${tenantId}`;
  }
}

/** The request's own origin, when the pipeline has not called setBaseUrl. */
function originOf(req: IncomingMessage): string {
  const encrypted = (req.socket as { encrypted?: boolean }).encrypted === true;
  return `${encrypted ? "https" : "http"}://${req.headers.host ?? "127.0.0.1"}`;
}
