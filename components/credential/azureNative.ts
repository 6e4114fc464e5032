import { readFileSync } from "node:fs";
import type { TokenCredential } from "@azure/core-auth";
import type { DefaultAzureCredentialOptions } from "@azure/identity";
import { AzureCloud } from "./types";
import { CredentialSettingsError } from "./errors";
import { displayValue, FILE_PATH_SHAPE } from "../common/redact";
import { readSetting, type Setting, type SettingsReader } from "./settings";

/**
 * The credential settings `@pulumi/azure-native` users already have, read as azure-native's provider
 * reads them (pulumi-azure-native `provider/pkg/provider/auth_azidentity.go`, `readAuthConfig`): stack
 * config `azure-native:<key>` first, then the environment variable. Mapped onto the same
 * `@azure/identity` credentials azure-native builds with azidentity, in azure-native's order:
 * `useDefaultAzureCredential`, then a client certificate, a client secret, OIDC, managed identity.
 * Used only when no bring-your-own token and no explicit `acr-tokens:credential` is set (those keep
 * precedence); with none of these set, the caller falls back to DefaultAzureCredential, which also
 * covers azure-native's last resort, the Azure CLI.
 */

/** The azure-native config key (without `azure-native:`) and the environment variables behind each setting. */
export const AZURE_NATIVE_SETTINGS = {
  clientId: ["ARM_CLIENT_ID"],
  clientSecret: ["ARM_CLIENT_SECRET"],
  clientCertificatePath: ["ARM_CLIENT_CERTIFICATE_PATH"],
  clientCertificatePassword: ["ARM_CLIENT_CERTIFICATE_PASSWORD"],
  tenantId: ["ARM_TENANT_ID"],
  subscriptionId: ["ARM_SUBSCRIPTION_ID"],
  auxiliaryTenantIds: ["ARM_AUXILIARY_TENANT_IDS"],
  environment: ["ARM_ENVIRONMENT", "AZURE_ENVIRONMENT"],
  useDefaultAzureCredential: ["ARM_USE_DEFAULT_AZURE_CREDENTIAL"],
  useOidc: ["ARM_USE_OIDC"],
  oidcToken: ["ARM_OIDC_TOKEN"],
  oidcTokenFilePath: ["ARM_OIDC_TOKEN_FILE_PATH"],
  oidcRequestUrl: ["ACTIONS_ID_TOKEN_REQUEST_URL"],
  oidcRequestToken: ["ACTIONS_ID_TOKEN_REQUEST_TOKEN"],
  oidcAudience: ["ARM_OIDC_AUDIENCE"],
  useMsi: ["ARM_USE_MSI"],
} as const;
export type AzureNativeSettingName = keyof typeof AZURE_NATIVE_SETTINGS;

/** Reads one azure-native setting: `azure-native:<key>` stack config, then its environment variables. */
export function readAzureNativeSetting(settings: SettingsReader, key: AzureNativeSettingName): Setting | undefined {
  return readSetting(settings, key, AZURE_NATIVE_SETTINGS[key], "azure-native");
}

/** The identity class each azure-native method maps to; also the `source` shown in logs. */
export type AzureNativeMethod = "DefaultAzureCredential" | "ClientCertificateCredential" | "ClientSecretCredential" | "ClientAssertionCredential" | "ManagedIdentityCredential";

/** An azure-native authentication method found in config/env, ready to build (no network call until used). */
export interface AzureNativeCredentialPlan {
  method: AzureNativeMethod;
  /** Names of the settings it was built from (config keys or variables, never values), for the log line. */
  from: string[];
  tenantId?: string;
  create(options: DefaultAzureCredentialOptions): Promise<TokenCredential>;
}

/** azure-native's switches (`useMsi`, `useOidc`, …) are on only for "true", in any case. */
const isOn = (s: Setting | undefined): s is Setting => s?.value.toLowerCase() === "true";

/** The names of the settings that are set, for {@link AzureNativeCredentialPlan.from}. */
const namesOf = (...settings: Array<Setting | undefined>): string[] => settings.flatMap((s) => (s ? [s.name] : []));

/** `both` names for a setting in messages: `ARM_TENANT_ID (or stack config azure-native:tenantId)`. */
function both(key: AzureNativeSettingName): string {
  return `${AZURE_NATIVE_SETTINGS[key][0]} (or stack config azure-native:${key})`;
}

function missing(method: string, trigger: Setting, key: AzureNativeSettingName): CredentialSettingsError {
  return new CredentialSettingsError(
    `${trigger.source} is set, so the azure-native ${method} credential is used, but ${both(key)} is missing. Set it as for azure-native ` +
      `(see README "Authentication"), or unset ${trigger.name} to use another credential.`,
  );
}

/** The tenant/client pair every service-principal method needs, or the error naming the one that is missing. */
function principal(settings: SettingsReader, method: string, trigger: Setting): { tenant: Setting; client: Setting } {
  const tenant = readAzureNativeSetting(settings, "tenantId");
  const client = readAzureNativeSetting(settings, "clientId");
  if (!client) throw missing(method, trigger, "clientId");
  if (!tenant) throw missing(method, trigger, "tenantId");
  return { tenant, client };
}

/**
 * The azure-native authentication method configured in `settings`, or undefined when none is.
 * Throws a {@link CredentialSettingsError} naming the missing setting when a method is half
 * configured (a client secret without a tenant id, `useOidc` without a token), as azure-native refuses it.
 */
export function azureNativeCredential(settings: SettingsReader): AzureNativeCredentialPlan | undefined {
  const useDefault = readAzureNativeSetting(settings, "useDefaultAzureCredential");
  if (isOn(useDefault)) {
    const tenant = readAzureNativeSetting(settings, "tenantId");
    return {
      method: "DefaultAzureCredential",
      from: namesOf(useDefault, tenant),
      ...(tenant ? { tenantId: tenant.value } : {}),
      create: async (options) => new (await import("@azure/identity")).DefaultAzureCredential(tenant ? { ...options, tenantId: tenant.value } : options),
    };
  }

  const certPath = readAzureNativeSetting(settings, "clientCertificatePath");
  if (certPath) {
    const { tenant, client } = principal(settings, "client certificate", certPath);
    const password = readAzureNativeSetting(settings, "clientCertificatePassword");
    checkPemCertificate(certPath);
    return {
      method: "ClientCertificateCredential",
      from: namesOf(client, certPath, password, tenant),
      tenantId: tenant.value,
      create: async (options) =>
        new (await import("@azure/identity")).ClientCertificateCredential(
          tenant.value,
          client.value,
          { certificatePath: certPath.value, ...(password ? { certificatePassword: password.value } : {}) },
          withoutTenant(options),
        ),
    };
  }

  const secret = readAzureNativeSetting(settings, "clientSecret");
  if (secret) {
    const { tenant, client } = principal(settings, "client secret", secret);
    return {
      method: "ClientSecretCredential",
      from: namesOf(client, secret, tenant),
      tenantId: tenant.value,
      create: async (options) => new (await import("@azure/identity")).ClientSecretCredential(tenant.value, client.value, secret.value, withoutTenant(options)),
    };
  }

  const useOidc = readAzureNativeSetting(settings, "useOidc");
  if (isOn(useOidc)) {
    const { tenant, client } = principal(settings, "OIDC", useOidc);
    const assertion = oidcAssertion(settings, useOidc);
    return {
      method: "ClientAssertionCredential",
      from: [...namesOf(useOidc, client, tenant), ...assertion.from],
      tenantId: tenant.value,
      create: async (options) =>
        new (await import("@azure/identity")).ClientAssertionCredential(tenant.value, client.value, assertion.get, withoutTenant(options)),
    };
  }

  const useMsi = readAzureNativeSetting(settings, "useMsi");
  if (isOn(useMsi)) {
    const client = readAzureNativeSetting(settings, "clientId");
    return {
      method: "ManagedIdentityCredential",
      from: namesOf(useMsi, client),
      create: async (options) => {
        const { ManagedIdentityCredential } = await import("@azure/identity");
        const transport = options.tlsOptions ? { tlsOptions: options.tlsOptions } : {};
        return client ? new ManagedIdentityCredential({ clientId: client.value, ...transport }) : new ManagedIdentityCredential(transport);
      },
    };
  }
  return undefined;
}

function withoutTenant(options: DefaultAzureCredentialOptions): DefaultAzureCredentialOptions {
  const { tenantId: _ignored, ...rest } = options;
  return rest;
}

/**
 * Where the OIDC token comes from, in azure-native's order: the token itself, a file, or GitHub
 * Actions' token endpoint (request URL + request token).
 */
function oidcAssertion(settings: SettingsReader, trigger: Setting): { from: string[]; get: () => Promise<string> } {
  const token = readAzureNativeSetting(settings, "oidcToken");
  if (token) return { from: [token.name], get: async () => token.value };
  const file = readAzureNativeSetting(settings, "oidcTokenFilePath");
  if (file) {
    return {
      from: [file.name],
      get: async () => {
        try {
          return readFileSync(file.value, "utf8").trim();
        } catch (err) {
          throw new CredentialSettingsError(
            `${file.source} names a file that cannot be read (${displayValue(file.value, FILE_PATH_SHAPE).text}: ${(err as NodeJS.ErrnoException).code ?? "error"}). Point it at the OIDC token file.`,
          );
        }
      },
    };
  }
  const url = readAzureNativeSetting(settings, "oidcRequestUrl");
  const bearer = readAzureNativeSetting(settings, "oidcRequestToken");
  if (url && bearer) {
    const audience = readAzureNativeSetting(settings, "oidcAudience")?.value ?? "api://AzureADTokenExchange";
    return { from: [url.name, bearer.name], get: () => githubOidcToken(url, bearer.value, audience) };
  }
  if (url || bearer) throw missing("OIDC", url ?? bearer!, url ? "oidcRequestToken" : "oidcRequestUrl");
  throw new CredentialSettingsError(
    `${trigger.source} is "true", so the azure-native OIDC credential is used, but no OIDC token is set. Set ${both("oidcToken")}, ` +
      `${both("oidcTokenFilePath")}, or run in GitHub Actions with \`permissions: id-token: write\` (ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN).`,
  );
}

/**
 * GitHub Actions' ID-token exchange, as azure-native does it (GET the request URL with `audience`,
 * bearer = the request token, answer `{"value": …}`). Hand-written: @azure/identity has no credential
 * for this endpoint. The answer is never quoted in an error: it holds a token.
 */
async function githubOidcToken(url: Setting, bearer: string, audience: string): Promise<string> {
  const target = new URL(url.value);
  target.searchParams.set("audience", audience);
  const response = await fetch(target, { headers: { Accept: "application/json", Authorization: `Bearer ${bearer}` } });
  const fix = `Check ${url.source} and ACTIONS_ID_TOKEN_REQUEST_TOKEN (the job needs \`permissions: id-token: write\`).`;
  if (!response.ok) throw new CredentialSettingsError(`The OIDC token request to ${url.source} answered HTTP ${response.status}. ${fix}`);
  const body = (await response.json().catch(() => undefined)) as { value?: unknown } | undefined;
  if (typeof body?.value !== "string" || body.value === "") {
    throw new CredentialSettingsError(`The OIDC token request to ${url.source} did not answer a JSON object with a "value" token. ${fix}`);
  }
  return body.value;
}

/** @azure/identity reads PEM only; azure-native documents a PFX file. Refused here with the conversion command, before any request. */
function checkPemCertificate(setting: Setting): void {
  let text: string;
  try {
    text = readFileSync(setting.value, "latin1");
  } catch (err) {
    throw new CredentialSettingsError(
      `${setting.source} names a file that cannot be read (${displayValue(setting.value, FILE_PATH_SHAPE).text}: ${(err as NodeJS.ErrnoException).code ?? "error"}). Point it at the service principal's certificate.`,
    );
  }
  if (!text.includes("-----BEGIN") || !/PRIVATE KEY-----/.test(text)) {
    throw new CredentialSettingsError(
      `${setting.source} (${displayValue(setting.value, FILE_PATH_SHAPE).text}) is not a PEM file with a certificate and its private key, which @azure/identity needs (azure-native also reads PFX). ` +
        `Convert it: openssl pkcs12 -in cert.pfx -out cert.pem -nodes, and point ${setting.name} at cert.pem.`,
    );
  }
}

/** azure-native's cloud names (`public`, `usgovernment`, `china`, and the `az cloud` names it also accepts). */
const AZURE_NATIVE_CLOUDS: Readonly<Record<string, AzureCloud>> = {
  public: AzureCloud.AzureCloud,
  azurecloud: AzureCloud.AzureCloud,
  usgov: AzureCloud.AzureUSGovernment,
  usgovernment: AzureCloud.AzureUSGovernment,
  azureusgovernment: AzureCloud.AzureUSGovernment,
  azureusgovernmentcloud: AzureCloud.AzureUSGovernment,
  china: AzureCloud.AzureChinaCloud,
  azurechinacloud: AzureCloud.AzureChinaCloud,
};

/** The cloud named by `azure-native:environment` / `ARM_ENVIRONMENT` / `AZURE_ENVIRONMENT`, as an acr-tokens cloud setting. */
export function azureNativeCloud(settings: SettingsReader): Setting | undefined {
  const env = readAzureNativeSetting(settings, "environment");
  if (!env) return undefined;
  const cloud = AZURE_NATIVE_CLOUDS[env.value.toLowerCase()];
  if (!cloud) {
    throw new CredentialSettingsError(
      `${env.source} names an unknown Azure environment ${displayValue(env.value).text}. azure-native's values: public, usgovernment, china.`,
    );
  }
  return { value: cloud, source: env.source, name: env.name };
}

/** `azure-native:auxiliaryTenantIds` / `ARM_AUXILIARY_TENANT_IDS` (a JSON array, as azure-native parses it), for `additionallyAllowedTenants`. */
export function azureNativeAuxiliaryTenants(settings: SettingsReader): string[] | undefined {
  const aux = readAzureNativeSetting(settings, "auxiliaryTenantIds");
  if (!aux) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(aux.value);
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || !parsed.every((t) => typeof t === "string")) {
    throw new CredentialSettingsError(`${aux.source} is not a JSON array of tenant ids, as azure-native reads it: e.g. ["00000000-0000-0000-0000-000000000000"].`);
  }
  return parsed as string[];
}
