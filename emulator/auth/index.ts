/**
 * The emulator's identity service: what Entra ID, managed identity and ARM's token validation do,
 * on the emulator's own origin. Routes served by `handle` (everything else returns false):
 *
 * - Entra ID, for `ClientSecretCredential`, `EnvironmentCredential`, `WorkloadIdentityCredential` and
 *   `DefaultAzureCredential` with `authorityHost: <origin>` and `disableInstanceDiscovery: true`:
 *   `GET /{tenant}/v2.0/.well-known/openid-configuration`, `GET /{tenant}/.well-known/openid-configuration`,
 *   `GET /{tenant}/discovery/v2.0/keys`, `GET /{tenant}/discovery/keys`, `POST /{tenant}/oauth2/v2.0/token`
 *   (scope `{ARM}/.default`), `POST /{tenant}/oauth2/token` (v1, `resource`).
 * - ADFS, for `az login --service-principal --tenant adfs` with the cloud's AD endpoint `<origin>/adfs`:
 *   `GET /adfs/.well-known/openid-configuration` (also `/adfs/adfs/...`), `POST /adfs/oauth2/token`, `GET /adfs/discovery/keys`.
 * - Managed identity: `GET /msi/token` (App Service: `IDENTITY_ENDPOINT=<origin>/msi/token`,
 *   `IDENTITY_HEADER=identity.managedIdentityHeader`), `POST /msi/token` (Cloud Shell / Azure CLI:
 *   `MSI_ENDPOINT=<origin>/msi/token`), `GET /metadata/identity/oauth2/token[/]` (IMDS:
 *   `AZURE_POD_IDENTITY_AUTHORITY_HOST=<origin>`).
 *
 * Tokens are RS256 JWTs (v1.0 claims as Entra issues them for ARM) signed with a key generated per
 * instance (or given as `signingKeyPem`, see `exportKeys`) and timed by the emulator clock; `authenticate` and `authorize` answer as ARM does.
 */
export { createIdentityService, DEFAULT_TEST_OBJECT_ID } from "./identityService";
export { ARM_AUDIENCES } from "./armErrors";
export { ROLE_DEFINITIONS } from "./roles";
export { defaultObjectId } from "./principals";
export type {
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
