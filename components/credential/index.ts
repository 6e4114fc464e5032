import { createHmac, randomBytes } from "node:crypto";
import type { TlsSettings } from "@azure/core-rest-pipeline";
import { CredentialKind, type CredentialSettingsSource, type ResolvedCredential } from "./types";
import { resolveCloud, type ResolvedCloud } from "./clouds";
import { AccessTokenCredential, precheckAccessToken, readAccessToken, type ParsedAccessToken } from "./accessToken";
import { createIdentityCredential, describeIdentityFailure, IDENTITY_CLASS, identityOptions, type IdentityCredentialKind } from "./identity";
import { RefreshingCredential } from "./refreshingCredential";
import { CredentialSettingsError } from "./errors";
import { CaCertificateCache } from "./caCertificates";
import { currentTime } from "../common/clock";
import { displayValue, refuseNetworkDebug, rememberEnvSecrets, rememberSecret } from "../common/redact";
import { isTenantId, parseDuration, readSetting, settingsReader, type Setting, type SettingsReader } from "./settings";
import { subscriptionFromSetting, subscriptionIdProblem, type SubscriptionOrigin } from "./subscription";
import { AZURE_NATIVE_SETTINGS, azureNativeAuxiliaryTenants, azureNativeCredential, readAzureNativeSetting, type AzureNativeCredentialPlan } from "./azureNative";

export * from "./types";
export * from "./errors";
export { explainAuthFailure, type AuthFailureDetails } from "./authFailure";
export { AccessTokenCredential } from "./accessToken";
export { RefreshingCredential, type RefreshingCredentialOptions } from "./refreshingCredential";
export { CLOUDS } from "./clouds";

/** The default margin a bring-your-own token must stay valid for: 5 minutes. */
export const DEFAULT_ACCESS_TOKEN_MIN_VALIDITY_MS = 300_000;

/**
 * Resolves the credential for ARM calls, once per process per settings, from stack config (through
 * the provider's `configure`) and the environment. Makes no network call: a bring-your-own token is
 * pre-checked (expiry, audience, tenant, margin) and either served or refused with an
 * {@link AccessTokenError}; an @azure/identity credential is built and wrapped for token reuse, and
 * fails on first use with a {@link NoCredentialError} when nothing is configured.
 *
 * Settings (stack config `acr-tokens:<name>` beats `ACR_TOKENS_*`, which beats `AZURE_CLI_*`):
 * accessToken / ACR_TOKENS_ACCESS_TOKEN / ACR_TOKENS_ACCESS_TOKEN_FILE / AZURE_CLI_ACCESS_TOKEN;
 * subscriptionId / ACR_TOKENS_SUBSCRIPTION_ID / AZURE_CLI_SUBSCRIPTION_ID; tenantId / ACR_TOKENS_TENANT_ID /
 * AZURE_CLI_TENANT_ID; accessTokenMinValidity / ACR_TOKENS_ACCESS_TOKEN_MIN_VALIDITY; credential /
 * ACR_TOKENS_CREDENTIAL (the `credentialSelector` input beats both); cloud / ACR_TOKENS_CLOUD; armEndpoint /
 * ACR_TOKENS_ARM_ENDPOINT; armAudience / ACR_TOKENS_ARM_AUDIENCE; authorityHost / AZURE_AUTHORITY_HOST;
 * caCertFile / ACR_TOKENS_CA_CERT_FILE; additionallyAllowedTenants / ACR_TOKENS_ADDITIONALLY_ALLOWED_TENANTS.
 *
 * Order: a bring-your-own token; else the credential an explicit selector names; else the one
 * azure-native's settings (`azure-native:*` config, `ARM_*`) configure (see azureNative.ts); else
 * DefaultAzureCredential. The azure-native subscription, tenant, environment and auxiliary tenants
 * apply after the package's own settings.
 */
export async function resolveCredential(source: CredentialSettingsSource = {}): Promise<ResolvedCredential> {
  // Node's own network debug output would print the bearer token: nothing is resolved or sent under it.
  const ownEnv = source.env !== undefined && source.env !== process.env ? source.env : undefined;
  refuseNetworkDebug(process.env);
  if (ownEnv) refuseNetworkDebug(ownEnv);
  // Secrets in the environment are scrubbed from every message of this process (components/common/redact.ts).
  rememberEnvSecrets(process.env);
  if (ownEnv) rememberEnvSecrets(ownEnv);
  const settings = settingsReader(source);
  const now = (): Date => currentTime(source);
  const cloud = resolveCloud(settings);
  const subscription = readSetting(settings, "subscriptionId", ["ACR_TOKENS_SUBSCRIPTION_ID", "AZURE_CLI_SUBSCRIPTION_ID"]);
  const tenant = readSetting(settings, "tenantId", ["ACR_TOKENS_TENANT_ID", "AZURE_CLI_TENANT_ID"]);
  // The subscription is checked where it is read (see subscription.ts), the tenant here: it is used at once.
  if (tenant) checkTenantId(tenant);
  const selector = readSelector(source, settings);
  const tlsSetting = readSetting(settings, "caCertFile", ["ACR_TOKENS_CA_CERT_FILE"]);
  const ca = tlsSetting ? caCertificates.read(tlsSetting) : undefined;
  const tlsOptions = ca?.tlsOptions;
  const allowedSetting = readSetting(settings, "additionallyAllowedTenants", ["ACR_TOKENS_ADDITIONALLY_ALLOWED_TENANTS"]);
  const additionallyAllowedTenants =
    allowedSetting?.value.split(/[,;]/).map((t) => t.trim()).filter((t) => t !== "") ?? azureNativeAuxiliaryTenants(settings);
  const azureNativeSubscription = readAzureNativeSetting(settings, "subscriptionId");

  const explicitIdentity = selector && selector.kind !== CredentialKind.AccessToken;
  const parsed = explicitIdentity ? undefined : readAccessToken(settings);

  if (parsed || selector?.kind === CredentialKind.AccessToken) {
    if (!parsed) {
      throw new CredentialSettingsError(
        `The credential "accessToken" is selected by ${selector!.source}, but no access token is set. Set ACR_TOKENS_ACCESS_TOKEN ` +
          `(or stack config acr-tokens:accessToken, ACR_TOKENS_ACCESS_TOKEN_FILE, AZURE_CLI_ACCESS_TOKEN), or select another credential.`,
      );
    }
    rememberSecret(parsed.token);
    const minValidity = readSetting(settings, "accessTokenMinValidity", ["ACR_TOKENS_ACCESS_TOKEN_MIN_VALIDITY"]);
    const minValidityMs = minValidity ? parseDuration(minValidity) : DEFAULT_ACCESS_TOKEN_MIN_VALIDITY_MS;
    const key = memoKey({
      kind: "accessToken",
      origin: parsed.origin,
      token: keyed(parsed.token),
      cloud,
      subscription,
      tenant,
      minValidityMs,
      tls: ca?.key,
    });
    // Pre-checks run on every resolution, memoized or not: time has moved since the last one.
    const warnings = precheckAccessToken(parsed, { now: now().getTime(), minValidityMs, cloud, ...(tenant ? { tenant } : {}) });
    const memo = memoized.get(key);
    if (memo) return memo;
    const resolved = byoCredential(parsed, cloud, { subscription, tenant, now, warnings, tlsOptions, azureNativeSubscription });
    remember(key, resolved);
    source.logger?.info?.(`acr-tokens: using the ${resolved.source}`);
    for (const warning of warnings) source.logger?.warn?.(warning);
    return resolved;
  }

  const azureNative = selector ? undefined : azureNativeCredential(settings);
  const kind: IdentityCredentialKind = selector ? (selector.kind as IdentityCredentialKind) : azureNative ? azureNativeKind(azureNative) : CredentialKind.Default;
  const identityTenant = tenant?.value ?? azureNative?.tenantId ?? readAzureNativeSetting(settings, "tenantId")?.value;
  const managedIdentityClientId = process.env.AZURE_CLIENT_ID?.trim() || undefined;
  const key = memoKey({
    kind,
    azureNative: azureNative ? keyed(azureNativeValues(settings)) : undefined,
    cloud,
    subscription,
    azureNativeSubscription,
    tenant: identityTenant,
    additionallyAllowedTenants,
    tls: ca?.key,
    // @azure/identity reads process.env itself (secrets included): a change of its variables is a new credential.
    identityEnv: keyed(identityEnvironment()),
  });
  const memo = memoized.get(key);
  if (memo) return memo;
  const identitySettings = {
    kind,
    cloud,
    ...(identityTenant ? { tenantId: identityTenant } : {}),
    ...(additionallyAllowedTenants ? { additionallyAllowedTenants } : {}),
    ...(tlsOptions ? { tlsOptions } : {}),
    ...(managedIdentityClientId ? { managedIdentityClientId } : {}),
  };
  const sourceName = azureNative ? `${azureNative.method} from azure-native settings (${azureNative.from.join(", ")})` : IDENTITY_CLASS[kind];
  const wrapper = new RefreshingCredential({
    create: () => (azureNative ? azureNative.create(identityOptions(identitySettings)) : createIdentityCredential(identitySettings)),
    now,
    describeFailure: (error) => describeIdentityFailure(error, kind, cloud.scopes, azureNative?.method),
  });
  const resolved: ResolvedCredential = {
    credential: wrapper,
    source: sourceName,
    kind,
    cloud: cloud.name,
    armEndpoint: cloud.armEndpoint,
    audiences: [...cloud.audiences],
    scopes: [...cloud.scopes],
    warnings: [],
    get acquisitions() {
      return wrapper.acquisitions;
    },
    ...(identityTenant ? { tenantId: identityTenant } : {}),
    ...(tlsOptions ? { tlsOptions } : {}),
  };
  const subscriptionSetting = subscription ?? azureNativeSubscription;
  withSubscription(resolved, subscriptionSetting ? subscriptionFromSetting(subscriptionSetting) : undefined);
  remember(key, resolved);
  source.logger?.info?.(
    `acr-tokens: using ${resolved.source}${selector ? ` (selected by ${selector.source})` : ""} for ${cloud.armEndpoint}, authority ${cloud.authorityHost}`,
  );
  return resolved;
}

/** The CredentialKind an azure-native method reports as (`ResolvedCredential.kind`). */
function azureNativeKind(plan: AzureNativeCredentialPlan): IdentityCredentialKind {
  if (plan.method === "DefaultAzureCredential") return CredentialKind.Default;
  if (plan.method === "ManagedIdentityCredential") return CredentialKind.ManagedIdentity;
  return CredentialKind.Environment;
}

/** Every azure-native setting's value, as one string (hashed before use as a memo key, never logged). */
function azureNativeValues(settings: SettingsReader): string {
  return JSON.stringify(Object.keys(AZURE_NATIVE_SETTINGS).map((k) => readAzureNativeSetting(settings, k as keyof typeof AZURE_NATIVE_SETTINGS)?.value ?? null));
}

function byoCredential(
  parsed: ParsedAccessToken,
  cloud: ResolvedCloud,
  extra: {
    subscription: Setting | undefined;
    tenant: Setting | undefined;
    now: () => Date;
    warnings: string[];
    tlsOptions: TlsSettings | undefined;
    azureNativeSubscription: Setting | undefined;
  },
): ResolvedCredential {
  const credential = new AccessTokenCredential(parsed, {
    cloud,
    now: () => extra.now().getTime(),
    ...(extra.tenant ? { tenant: extra.tenant } : {}),
  });
  const subscription: SubscriptionOrigin | undefined = extra.subscription
    ? subscriptionFromSetting(extra.subscription)
    : parsed.subscriptionId !== undefined
      ? {
          value: parsed.subscriptionId,
          source: `The "subscription" field of the access token JSON from ${parsed.origin.where}`,
          settingName: "ACR_TOKENS_SUBSCRIPTION_ID",
        }
      : extra.azureNativeSubscription
        ? subscriptionFromSetting(extra.azureNativeSubscription)
        : undefined;
  const tenantId = extra.tenant?.value ?? parsed.tenantId;
  const resolved: ResolvedCredential = {
    credential,
    source: `access token from ${parsed.origin.where}`,
    kind: CredentialKind.AccessToken,
    cloud: cloud.name,
    armEndpoint: cloud.armEndpoint,
    audiences: [...cloud.audiences],
    scopes: [...cloud.scopes],
    warnings: extra.warnings,
    acquisitions: 0,
    ...(tenantId ? { tenantId } : {}),
    ...(extra.tlsOptions ? { tlsOptions: extra.tlsOptions } : {}),
  };
  return withSubscription(resolved, subscription);
}

/**
 * Sets `resolved.subscriptionId` from what supplied it: the value when it is a subscription id; else a
 * getter that throws the {@link CredentialSettingsError} naming the setting and the fix, so the check
 * applies exactly where the subscription is used (`acr-tokens check` without `--subscription`), before
 * any ARM call, and never fails a provider, which takes the subscription from the token id.
 */
function withSubscription(resolved: ResolvedCredential, origin: SubscriptionOrigin | undefined): ResolvedCredential {
  if (!origin) return resolved;
  if (!subscriptionIdProblem(origin)) {
    resolved.subscriptionId = origin.value.trim();
    return resolved;
  }
  // Not enumerable: copying (`{...resolved}`), JSON or logging the object must not throw; only a
  // read of the field itself does.
  Object.defineProperty(resolved, "subscriptionId", {
    enumerable: false,
    get(): never {
      throw subscriptionIdProblem(origin)!;
    },
  });
  return resolved;
}

function readSelector(source: CredentialSettingsSource, settings: SettingsReader): { kind: CredentialKind; source: string } | undefined {
  const setting: Setting | undefined =
    source.credentialSelector !== undefined
      ? { value: String(source.credentialSelector), source: `the credential input`, name: "credential" }
      : readSetting(settings, "credential", ["ACR_TOKENS_CREDENTIAL"]);
  if (!setting) return undefined;
  const kind = Object.values(CredentialKind).find((k) => k.toLowerCase() === setting.value.trim().toLowerCase());
  if (!kind) {
    throw new CredentialSettingsError(
      `${setting.source} names an unknown credential ${displayValue(setting.value).text}. Valid credentials: ${Object.values(CredentialKind).join(", ")}.`,
    );
  }
  return { kind, source: setting.source };
}

/** A tenant is a GUID or a domain name (`contoso.onmicrosoft.com`), both of which @azure/identity accepts. */
function checkTenantId(setting: Setting): void {
  // A secret-looking value is refused before any message could quote it.
  if (!isTenantId(setting.value)) {
    throw new CredentialSettingsError(
      `${setting.source} is not a valid tenant id: ${displayValue(setting.value).text}. Use the id alone (a GUID such as 00000000-0000-0000-0000-000000000000, ` +
        `or the tenant's domain such as contoso.onmicrosoft.com), not a resource path or a URL.`,
    );
  }
}

/** The CA files of `caCertFile`, re-read only when they change (see caCertificates.ts). */
const caCertificates = new CaCertificateCache();

/** The variables @azure/identity reads, as one string (hashed before use as a key, never logged). */
function identityEnvironment(): string {
  return JSON.stringify(
    Object.entries(process.env)
      .filter(([name]) => /^(AZURE_|IDENTITY_|MSI_|IMDS_)/.test(name))
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}

// Memo keys hold secrets only as an HMAC under a key that lives in this process alone.
const keyingSecret = randomBytes(32);
function keyed(secret: string): string {
  // Every call of a provider process keys the same token: compute its HMAC once (bench: overheadVsProtocolFloor).
  if (lastKeyed?.secret !== secret) lastKeyed = { secret, key: createHmac("sha256", keyingSecret).update(secret).digest("base64url") };
  return lastKeyed.key;
}
let lastKeyed: { secret: string; key: string } | undefined;

function memoKey(parts: Record<string, unknown>): string {
  return JSON.stringify(parts);
}

const memoized = new Map<string, ResolvedCredential>();

/**
 * A provider process sees one or two settings; a long-lived process that rotates tokens would
 * otherwise keep every old token alive here, so only the most recent few are kept.
 */
const MEMO_LIMIT = 16;

function remember(key: string, resolved: ResolvedCredential): void {
  memoized.set(key, resolved);
  while (memoized.size > MEMO_LIMIT) memoized.delete(memoized.keys().next().value!);
}

/**
 * Forgets every resolved credential, so the next resolution builds new ones.
 *
 * Internal. Exported for testing.
 */
export function clearCredentialCache(): void {
  memoized.clear();
}
