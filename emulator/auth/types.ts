import type { IncomingMessage, ServerResponse } from "node:http";
import type { Clock } from "../clock";

/**
 * The contract between the emulator's HTTP pipeline (emulator/server.ts) and its identity
 * service (emulator/auth/). The pipeline owns the server, the request log and routing; the identity
 * service owns token issuance (Entra ID, managed identity, issueToken), bearer-token validation as
 * ARM does it, and role assignments.
 */

/** Who called: derived from a validated bearer token's claims. Never holds the token itself. */
export interface Principal {
  /** `oid` claim. */
  objectId: string;
  /** `tid` claim. */
  tenantId: string;
  /** `appid`/`azp` claim, when the token was issued to an application. */
  clientId?: string;
  /** How the token was obtained, for the request log. */
  kind: "servicePrincipal" | "managedIdentity" | "user";
}

/** A role assignment: a principal may act on resources at or below `scope`. */
export interface RoleAssignment {
  /** Object id of the principal. */
  principalObjectId: string;
  /** An ARM scope: `/subscriptions/{id}`, a resource group id, or a resource id (case-insensitive prefix match). */
  scope: string;
  /** Built-in role name: `Owner`, `Contributor`, `Reader`, `AcrTokenManager` (write on tokens/scope maps/generateCredentials). */
  role: string;
}

/** A service principal or managed identity known to the emulator (from the seed file or the API). */
export interface PrincipalSeed {
  clientId: string;
  /** Client secret for the client-credentials grant; absent for managed identities. */
  clientSecret?: string;
  /** Defaults to a stable UUID derived from clientId. */
  objectId?: string;
  /** Defaults to the emulator's tenant. */
  tenantId?: string;
  /** True: this identity is served by the managed-identity endpoint (system-assigned when it is the first one). */
  managedIdentity?: boolean;
  /** Role assignments for this principal. */
  roles?: Array<{ scope: string; role: string }>;
  /**
   * ARM id of a user-assigned managed identity
   * (`/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}`):
   * lets managed-identity requests select it with `mi_res_id`/`msi_res_id`, and becomes the token's `xms_mirid` claim.
   */
  resourceId?: string;
  /**
   * Federated identity credentials trusted for the client-assertion grant (`WorkloadIdentityCredential`):
   * an assertion whose `iss` and `sub` match one entry, and whose `aud` holds one of its audiences
   * (default `api://AzureADTokenExchange`), is accepted in place of a client secret.
   */
  federatedCredentials?: Array<{ issuer: string; subject: string; audiences?: string[] }>;
}

/** Options of `issueToken` (tests mint bring-your-own tokens with it). */
export interface IssueTokenOptions {
  /** `aud` claim. Default `https://management.azure.com/`. */
  audience?: string;
  /** Lifetime from the emulator clock's now. Default 3600. Negative: already expired. */
  expiresInSeconds?: number;
  /** `nbf` offset from now in seconds. Default 0 (ARM allows 5 minutes of skew). */
  notBeforeInSeconds?: number;
  /** `tid` claim. Default: the tenant of the principal `clientId` names, else the emulator's tenant. */
  tenantId?: string;
  /** `oid` claim. Default: the object id of the principal `clientId` names, else a fixed test principal (`DEFAULT_TEST_OBJECT_ID`). */
  objectId?: string;
  /** `appid`/`azp` claims. Absent: a user token (`idtyp: "user"`, principal kind `user`). */
  clientId?: string;
  /** Sign with a key the emulator does not trust (to test signature failures). */
  untrustedSignature?: boolean;
}

/** An ARM-shaped authentication or authorization failure. */
export interface AuthFailure {
  status: 401 | 403;
  /** ARM error code: AuthenticationFailed, InvalidAuthenticationToken, ExpiredAuthenticationToken, InvalidAuthenticationTokenAudience, InvalidAuthenticationTokenTenant, AuthorizationFailed … */
  code: string;
  message: string;
  /** Value for the `WWW-Authenticate` header on 401s. */
  wwwAuthenticate?: string;
}

export interface IdentityServiceOptions {
  tenantId: string;
  clock: Clock;
  principals?: PrincipalSeed[];
  /** When true (default false), every principal needs a role assignment covering the request's scope. */
  enforceRoleAssignments?: boolean;
  /** Value clients must send in `x-identity-header` to the App Service managed-identity route. Default: random per instance. */
  managedIdentityHeader?: string;
  /** PKCS#8 PEM of the RSA key tokens are signed with (from {@link IdentityService.exportKeys}). Default: generated per instance. */
  signingKeyPem?: string;
}

/**
 * What makes tokens of one identity service valid for another: its signing key and managed-identity
 * header. The emulator keeps them in its state file (`statePath`) so a restart accepts earlier tokens.
 */
export interface IdentityKeys {
  /** PKCS#8 PEM of the RSA token-signing key. */
  signingKeyPem: string;
  /** The App Service managed-identity header secret. */
  managedIdentityHeader: string;
}

/** Tokens issued per surface, and bearer-token checks, since the service was created. */
export interface IdentityStats {
  /** `POST /{tenant}/oauth2/v2.0/token` and `/{tenant}/oauth2/token` (client secret or client assertion). */
  entra: number;
  /** `POST /adfs/oauth2/token`. */
  adfs: number;
  /** `GET /msi/token` with `x-identity-header` (App Service, `IDENTITY_ENDPOINT`/`IDENTITY_HEADER`). */
  appService: number;
  /** `POST /msi/token` with `Metadata: true` (Cloud Shell form; the Azure CLI's `MSI_ENDPOINT`). */
  cloudShell: number;
  /** `GET /metadata/identity/oauth2/token` (IMDS form). */
  imds: number;
  /** `issueToken(...)` calls (bring-your-own tokens minted by tests). */
  issueToken: number;
  /** `authenticate` calls that returned a principal. */
  authenticated: number;
  /** `authenticate` calls that returned a 401. */
  rejected: number;
  /** `authorize` calls that returned a 403. */
  forbidden: number;
}

export interface IdentityService {
  /** Secret the App Service managed-identity route expects in `x-identity-header` (export it as `IDENTITY_HEADER`). */
  readonly managedIdentityHeader?: string;
  /** Live counters (read-only view); see {@link IdentityStats}. */
  readonly stats?: Readonly<IdentityStats>;
  /** Base URL of the server once it listens (e.g. `https://127.0.0.1:41234`); set by the pipeline before serving. */
  setBaseUrl(baseUrl: string): void;
  /** Mints a JWT signed by the emulator's key. */
  issueToken(options?: IssueTokenOptions): string;
  /**
   * Handles Entra ID (`/{tenant}/v2.0/.well-known/openid-configuration`, `/{tenant}/oauth2/v2.0/token`,
   * `/{tenant}/discovery/v2.0/keys`, the `/adfs/...` equivalents if supported) and managed-identity routes
   * (`/msi/token` GET and POST, `/metadata/identity/oauth2/token`). Returns false when the path is not one of them.
   * Never writes a token or secret anywhere but the response.
   */
  handle(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): Promise<boolean>;
  /** Validates an ARM request's `Authorization` header (signature, exp, nbf, audience, tenant). */
  authenticate(authorizationHeader: string | undefined, subscriptionTenantId: string): Principal | AuthFailure;
  /** Checks role assignments (only when enforced). `action` is the ARM operation, e.g. `Microsoft.ContainerRegistry/registries/tokens/write`. */
  authorize(principal: Principal, scope: string, action: string): AuthFailure | undefined;
  addPrincipal(seed: PrincipalSeed): void;
  assignRole(assignment: RoleAssignment): void;
  /** The signing key and managed-identity header, to start another instance that accepts this one's tokens. */
  exportKeys(): IdentityKeys;
}
