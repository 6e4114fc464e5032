import type { TokenCredential } from "@azure/core-auth";
import type { TlsSettings } from "@azure/core-rest-pipeline";
import type { DefaultAzureCredentialOptions } from "@azure/identity";
import { CredentialKind } from "./types";
import type { ResolvedCloud } from "./clouds";
import { CredentialAuthenticationError, NoCredentialError } from "./errors";

/** The @azure/identity kinds (every CredentialKind but the bring-your-own token). */
export type IdentityCredentialKind = Exclude<CredentialKind, typeof CredentialKind.AccessToken>;

/** The class each kind builds; also the `source` shown in logs and messages. */
export const IDENTITY_CLASS: Readonly<Record<IdentityCredentialKind, string>> = {
  [CredentialKind.Default]: "DefaultAzureCredential",
  [CredentialKind.Environment]: "EnvironmentCredential",
  [CredentialKind.WorkloadIdentity]: "WorkloadIdentityCredential",
  [CredentialKind.ManagedIdentity]: "ManagedIdentityCredential",
  [CredentialKind.AzureCli]: "AzureCliCredential",
};

/** What the identity credentials are built with (no secret: those stay in the environment @azure/identity reads). */
export interface IdentityCredentialSettings {
  kind: IdentityCredentialKind;
  cloud: ResolvedCloud;
  /** Configured tenant, passed to the credentials that take one. */
  tenantId?: string;
  /** Only when configured. */
  additionallyAllowedTenants?: string[];
  /** Only when configured. */
  tlsOptions?: TlsSettings;
  /** `AZURE_CLIENT_ID` as the environment has it, selecting a user-assigned managed identity. */
  managedIdentityClientId?: string;
}

/**
 * The options every Entra-based credential gets. `authorityHost` always follows the cloud (the SDK's
 * default is the public cloud's, whatever the ARM endpoint). `disableInstanceDiscovery` only for an
 * authority host MSAL does not know (see clouds.ts): required for the emulator, Azure Stack and ADFS,
 * and left off for real clouds, where instance discovery costs no request (MSAL has their metadata
 * built in) and validates the authority. `tlsOptions` and `additionallyAllowedTenants` only when configured.
 *
 * Internal. Exported for testing.
 */
export function identityOptions(settings: IdentityCredentialSettings): DefaultAzureCredentialOptions {
  const options: DefaultAzureCredentialOptions = { authorityHost: settings.cloud.authorityHost };
  if (!settings.cloud.knownAuthorityHost) options.disableInstanceDiscovery = true;
  if (settings.tlsOptions) options.tlsOptions = settings.tlsOptions;
  if (settings.additionallyAllowedTenants) options.additionallyAllowedTenants = settings.additionallyAllowedTenants;
  if (settings.tenantId) options.tenantId = settings.tenantId;
  return options;
}

/**
 * Builds the selected @azure/identity credential. Construction makes no network call; the credentials
 * read their own environment variables (`process.env`, not `CredentialSettingsSource.env`).
 * @azure/identity is loaded here, on first use, not when the module is imported: it takes about 0.4 s
 * to load, which a bring-your-own-token run or a Pulumi program importing the components never needs.
 */
export async function createIdentityCredential(settings: IdentityCredentialSettings): Promise<TokenCredential> {
  const { AzureCliCredential, DefaultAzureCredential, EnvironmentCredential, ManagedIdentityCredential, WorkloadIdentityCredential } =
    await import("@azure/identity");
  const options = identityOptions(settings);
  const { tenantId, ...withoutTenant } = options;
  switch (settings.kind) {
    case CredentialKind.Default:
      return new DefaultAzureCredential(options);
    case CredentialKind.Environment:
      // EnvironmentCredential takes its tenant from AZURE_TENANT_ID only.
      return new EnvironmentCredential(withoutTenant);
    case CredentialKind.WorkloadIdentity:
      return new WorkloadIdentityCredential(tenantId ? { ...withoutTenant, tenantId } : withoutTenant);
    case CredentialKind.ManagedIdentity: {
      // A managed identity has no tenant or authority to choose; only transport options apply.
      // Note: msal-node fixes the managed-identity source (endpoint, HTTP client) on the first MI request of
      // the process and never re-reads it, and its MI token cache is process-wide too.
      const miOptions = settings.tlsOptions ? { tlsOptions: settings.tlsOptions } : {};
      return settings.managedIdentityClientId
        ? new ManagedIdentityCredential({ clientId: settings.managedIdentityClientId, ...miOptions })
        : new ManagedIdentityCredential(miOptions);
    }
    case CredentialKind.AzureCli:
      // A subprocess (`az account get-access-token`): no authority host or TLS options.
      return new AzureCliCredential({
        ...(tenantId ? { tenantId } : {}),
        ...(settings.additionallyAllowedTenants ? { additionallyAllowedTenants: settings.additionallyAllowedTenants } : {}),
      });
  }
}

const UNAVAILABLE = new Set(["CredentialUnavailableError", "AggregateAuthenticationError"]);

/**
 * Translates an @azure/identity failure: "not configured here" (CredentialUnavailableError, or a chain
 * where every credential was unavailable) becomes {@link NoCredentialError} with the fix; anything else
 * (the authority refused a configured credential) a {@link CredentialAuthenticationError}. The identity
 * error stays the `cause`, and its message (which @azure/identity keeps free of secrets) is quoted.
 *
 * Internal. Exported for testing.
 */
export function describeIdentityFailure(error: unknown, kind: IdentityCredentialKind, scopes: readonly string[], credentialClass?: string): Error {
  const name = error instanceof Error ? error.name : "";
  // One line, ending with a period: identity messages span lines ("More details:") and may end with ",".
  const detail = `${(error instanceof Error ? error.message : String(error)).replace(/\s+/g, " ").trim().replace(/[\s.,;:]+$/, "")}.`;
  const cls = credentialClass ?? IDENTITY_CLASS[kind];
  if (UNAVAILABLE.has(name)) {
    const which =
      kind === CredentialKind.Default
        ? `none of the sources DefaultAzureCredential tries is configured (service principal: AZURE_CLIENT_ID with AZURE_CLIENT_SECRET or a certificate and AZURE_TENANT_ID; ` +
          `workload identity: AZURE_FEDERATED_TOKEN_FILE; a managed identity; 'az login')`
        : `the selected credential "${kind}" (${cls}) is not available here`;
    return new NoCredentialError(
      `No Azure credential: set ACR_TOKENS_ACCESS_TOKEN (optionally ACR_TOKENS_SUBSCRIPTION_ID), or sign in with 'az login', or configure a service principal, ` +
        `workload identity or managed identity (choose one with acr-tokens:credential / ACR_TOKENS_CREDENTIAL). See README "Authentication". ` +
        `Here ${which}. ${cls} said: ${detail}`,
      { cause: error },
    );
  }
  return new CredentialAuthenticationError(
    cls,
    `${cls} could not get a token for ${scopes.join(" ")}: ${detail} Check the credential's settings (client id, secret or certificate, tenant, ` +
      `acr-tokens:cloud / acr-tokens:authorityHost), or use another one (acr-tokens:credential / ACR_TOKENS_CREDENTIAL, or ACR_TOKENS_ACCESS_TOKEN). See README "Authentication".`,
    { cause: error },
  );
}
