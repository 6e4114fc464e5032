import type { TokenCredential } from "@azure/core-auth";
import type { TlsSettings } from "@azure/core-rest-pipeline";

/**
 * The contract of the credential module (components/credential/), used by the dynamic providers
 * (components/provider/) and the `acr-tokens check` CLI (cli/). The credential is resolved when a
 * provider method or the CLI runs — from stack config passed to the provider's `configure`, or from the
 * environment — and is never captured by a serialized provider, never an input, never in state,
 * logs or error messages.
 */

/** Named `@azure/identity` credentials a user may select (`acr-tokens:credential`, `ACR_TOKENS_CREDENTIAL`, or the `credential` input). */
export const CredentialKind = {
  /** Bring your own access token (config/env); chosen automatically when one is set. */
  AccessToken: "accessToken",
  /** `DefaultAzureCredential` (environment, workload identity, managed identity, Azure CLI …). The default without a BYO token. */
  Default: "default",
  /** `EnvironmentCredential` (AZURE_CLIENT_ID/AZURE_CLIENT_SECRET/AZURE_TENANT_ID, or a certificate). */
  Environment: "environment",
  /** `WorkloadIdentityCredential` (OIDC federation: AZURE_FEDERATED_TOKEN_FILE). */
  WorkloadIdentity: "workloadIdentity",
  /** `ManagedIdentityCredential` (system- or user-assigned; AZURE_CLIENT_ID selects a user-assigned one). */
  ManagedIdentity: "managedIdentity",
  /** `AzureCliCredential` (`az login`). */
  AzureCli: "azureCli",
} as const;
export type CredentialKind = (typeof CredentialKind)[keyof typeof CredentialKind];

/** Known clouds. */
export const AzureCloud = {
  /** Azure public cloud: `management.azure.com`, `login.microsoftonline.com`. */
  AzureCloud: "AzureCloud",
  /** Azure operated by 21Vianet: `management.chinacloudapi.cn`, `login.chinacloudapi.cn`. */
  AzureChinaCloud: "AzureChinaCloud",
  /** Azure Government: `management.usgovcloudapi.net`, `login.microsoftonline.us`. */
  AzureUSGovernment: "AzureUSGovernment",
} as const;
export type AzureCloud = (typeof AzureCloud)[keyof typeof AzureCloud];

/** Where settings are read from: stack config (namespaced keys such as `acr-tokens:accessToken`, already unwrapped) and the environment. */
export interface CredentialSettingsSource {
  /** Stack config values by full key (`acr-tokens:accessToken`); what a dynamic provider's `configure` received. */
  config?: { get(key: string): string | undefined };
  /** Defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** The `credential` input of a resource, if any (a selector, never a secret). */
  credentialSelector?: CredentialKind;
  /** Current time (tests inject the emulator's clock). Defaults to `ACR_TOKENS_CLOCK_FILE` if set, else Date.now. */
  now?: () => Date;
  /**
   * Receives the module's messages: `info` names the credential source (never a value), `warn` is called
   * once per process for a bring-your-own token that cannot be pre-checked. Default: nothing is logged
   * (the warnings are also in {@link ResolvedCredential.warnings}).
   */
  logger?: CredentialLogger;
}

/** Where the credential module writes its messages (e.g. `pulumi.log` in a provider, stderr in the CLI). */
export interface CredentialLogger {
  info?(message: string): void;
  warn?(message: string): void;
}

/** What a resolved credential carries. No field holds a secret except inside `credential`. */
export interface ResolvedCredential {
  /** For every ARM call; caches and refreshes (identity) or serves the BYO token with pre-checks. */
  credential: TokenCredential;
  /** Human-readable source, safe to log: e.g. `access token from ACR_TOKENS_ACCESS_TOKEN`, `DefaultAzureCredential`. */
  source: string;
  kind: CredentialKind;
  /** ARM endpoint, e.g. `https://management.azure.com` (or the emulator's). */
  armEndpoint: string;
  /** Scopes to request, following the cloud (`https://management.azure.com/.default`). */
  scopes: string[];
  /**
   * Subscription id, when configured or taken from `az account get-access-token` JSON. A supplied value
   * that is not a GUID (a subscription name, a resource path) is refused where it is used: reading this
   * field then throws a `CredentialSettingsError` naming the setting and the fix, before any ARM call.
   * (The providers take the subscription from the token id and never read it.)
   */
  subscriptionId?: string;
  /** Tenant id, when configured or taken from the token. */
  tenantId?: string;
  /** How many network token acquisitions this credential has made (0 for BYO tokens). */
  readonly acquisitions: number;
  /** The resolved cloud: a known cloud name, or `"custom"` when `armEndpoint` was configured. */
  cloud: AzureCloud | "custom";
  /** ARM audiences a token must carry for this cloud (without the trailing slash), the first one giving {@link scopes}. */
  audiences: string[];
  /** Warnings for the caller to show (e.g. a BYO token that is not a JWT, so nothing could be pre-checked). Never a secret. */
  warnings: string[];
  /**
   * Extra trust for TLS (from `acr-tokens:caCertFile` / `ACR_TOKENS_CA_CERT_FILE`: Node's default roots plus that PEM),
   * already given to the identity credential; pass it as `tlsOptions` to the ARM client too. Undefined when not configured.
   */
  tlsOptions?: TlsSettings;
}
