import type { TokenCredential } from "@azure/core-auth";
import { rememberEnvSecrets, scrub } from "../common/redact";
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
 * error stays the `cause`; its message is quoted in short (see {@link shortIdentityDetail}) and only
 * after the package's redaction rule scrubbed it (Entra echoes what it was sent), with the CA fix when
 * a TLS certificate was not trusted.
 *
 * Internal. Exported for testing.
 */
export function describeIdentityFailure(error: unknown, kind: IdentityCredentialKind, scopes: readonly string[], credentialClass?: string): Error {
  const name = error instanceof Error ? error.name : "";
  // Scrubbed (components/common/redact.ts): Entra quotes what it was given, e.g. "Application with identifier
  // '<AZURE_CLIENT_ID>' was not found", which is the client secret when the two variables are swapped.
  rememberEnvSecrets(process.env);
  const detail = scrub(shortIdentityDetail(error));
  const cls = credentialClass ?? IDENTITY_CLASS[kind];
  if (UNAVAILABLE.has(name)) {
    const which =
      kind === CredentialKind.Default
        ? `none of the sources DefaultAzureCredential tries is configured (service principal: AZURE_CLIENT_ID with AZURE_CLIENT_SECRET or a certificate and AZURE_TENANT_ID; ` +
          `workload identity: AZURE_FEDERATED_TOKEN_FILE; a managed identity; 'az login')`
        : `the selected credential "${kind}" (${cls}) is not available here`;
    return new NoCredentialError(
      `No Azure credential: set ACR_TOKENS_ACCESS_TOKEN (optionally ACR_TOKENS_SUBSCRIPTION_ID), or sign in with 'az login', or configure a service principal, ` +
        `workload identity or managed identity (choose one with acr-tokens:credential / ACR_TOKENS_CREDENTIAL). A stack set up for azure-native (ARM_CLIENT_ID, ` +
        `ARM_CLIENT_SECRET, ARM_TENANT_ID, or azure-native:* config) is used as it is. See README "Authentication". ` +
        `Here ${which}. ${cls} said: ${detail}${tlsTrustHint(error)}`,
      { cause: error },
    );
  }
  return new CredentialAuthenticationError(
    cls,
    `${cls} could not get a token for ${scopes.join(" ")}: ${detail}${tlsTrustHint(error)} Check the credential's settings (client id, secret or certificate, tenant, ` +
      `acr-tokens:cloud / acr-tokens:authorityHost), or use another one (acr-tokens:credential / ACR_TOKENS_CREDENTIAL, or ACR_TOKENS_ACCESS_TOKEN). See README "Authentication".`,
    { cause: error },
  );
}

/** At most this many characters of one credential's reason: the rest (MSAL's error dump, headers, links) helps nobody. */
const REASON_LIMIT = 160;

/**
 * An identity error in one short line, ending with a period: for a chain (DefaultAzureCredential's
 * AggregateAuthenticationError), the first sentence of each credential's reason; otherwise the
 * message's first sentences up to a few hundred characters. Links and MSAL's header/timestamp dumps
 * are dropped; the full error stays the `cause`.
 */
function shortIdentityDetail(error: unknown): string {
  const firstSentences = (text: string, limit: number): string => {
    const clean = text
      .replace(/https?:\/\/\S+/g, "")
      .replace(/To troubleshoot, visit\s*\.?|See\s+for details\.?/gi, "")
      .replace(/\s+/g, " ")
      .replace(/^(CredentialUnavailableError|AuthenticationError|Error): /, "")
      .trim();
    const cut = clean.length > limit ? `${clean.slice(0, limit).replace(/\s+\S*$/, "")}…` : clean;
    return cut.replace(/(To troubleshoot, visit|See|More details:?)\s*(for details\.?)?\s*$/i, "").replace(/[\s.,;:]+$/, "");
  };
  const inner = (error as { errors?: unknown } | undefined)?.errors;
  const errors = Array.isArray(inner) ? (inner as unknown[]) : undefined;
  if (errors && errors.length > 0) {
    const reasons = errors.map((e) => firstSentences((e instanceof Error ? e.message : String(e)).split(/(?<=\.)\s/)[0] ?? "", REASON_LIMIT));
    return `${reasons.join("; ")}.`;
  }
  return `${firstSentences(error instanceof Error ? error.message : String(error), 2 * REASON_LIMIT)}.`;
}

/** Node's codes for a TLS certificate nobody on this machine vouches for (a private CA, the emulator, a TLS-inspecting proxy). */
const UNTRUSTED_CERTIFICATE = /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_GET_ISSUER_CERT|CERT_UNTRUSTED|unable to verify the first certificate|self[- ]signed certificate/i;

/**
 * The fix for an untrusted TLS certificate (" Trust its CA: …"), or "" when `error` is not one.
 *
 * Internal. Exported for testing.
 */
export function tlsTrustHint(error: unknown): string {
  const texts: string[] = [];
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof Error) texts.push(e.message, String((e as { code?: unknown }).code ?? ""));
    for (const inner of (e as { errors?: unknown[] }).errors ?? []) if (inner instanceof Error) texts.push(inner.message);
  }
  return texts.some((t) => UNTRUSTED_CERTIFICATE.test(t))
    ? " The server's TLS certificate is not trusted here: set ACR_TOKENS_CA_CERT_FILE (or stack config acr-tokens:caCertFile) to a PEM file of its CA certificate (the emulator prints it as caCertPath)."
    : "";
}
