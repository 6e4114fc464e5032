import { AzureCloud } from "./types";
import { CredentialSettingsError } from "./errors";
import { describe, displayValue } from "../common/redact";
import { readSetting, type SettingsReader } from "./settings";
import { azureNativeCloud } from "./azureNative";

/** What the module needs to know about one Azure cloud. */
export interface CloudDefinition {
  /** Azure Resource Manager endpoint, without a trailing slash. */
  armEndpoint: string;
  /**
   * Audiences ARM accepts in a bearer token, without the trailing slash (ARM accepts both spellings).
   * The first one is the one scopes are built from.
   */
  audiences: string[];
  /** Entra ID authority host. */
  authorityHost: string;
}

/**
 * The known clouds, as `az cloud show` lists them (`endpoints.resourceManager`,
 * `endpoints.activeDirectoryResourceId`, `endpoints.activeDirectory`). `az account get-access-token`
 * issues tokens for the `management.core…` audience by default, the SDKs for the `management…` one.
 */
export const CLOUDS: Readonly<Record<AzureCloud, CloudDefinition>> = {
  [AzureCloud.AzureCloud]: {
    armEndpoint: "https://management.azure.com",
    audiences: ["https://management.azure.com", "https://management.core.windows.net"],
    authorityHost: "https://login.microsoftonline.com",
  },
  [AzureCloud.AzureChinaCloud]: {
    armEndpoint: "https://management.chinacloudapi.cn",
    audiences: ["https://management.chinacloudapi.cn", "https://management.core.chinacloudapi.cn"],
    authorityHost: "https://login.chinacloudapi.cn",
  },
  [AzureCloud.AzureUSGovernment]: {
    armEndpoint: "https://management.usgovcloudapi.net",
    audiences: ["https://management.usgovcloudapi.net", "https://management.core.usgovcloudapi.net"],
    authorityHost: "https://login.microsoftonline.us",
  },
};

/**
 * Authority hosts MSAL knows without instance discovery metadata from the network (its built-in
 * cloud metadata). For these the module leaves instance discovery on, because it is also authority
 * validation: MSAL refuses to send a credential to an authority Entra ID does not vouch for.
 * Any other host (Azure Stack, ADFS, the acr-tokens emulator) gets `disableInstanceDiscovery: true`:
 * MSAL would otherwise ask https://login.microsoftonline.com/common/discovery/instance about it and
 * fail (or hang offline) before sending a single request to that host.
 */
const KNOWN_AUTHORITY_HOSTS = new Set([
  "login.microsoftonline.com",
  "login.microsoft.com",
  "login.windows.net",
  "sts.windows.net",
  "login.chinacloudapi.cn",
  "login.partner.microsoftonline.cn",
  "login.microsoftonline.us",
  "login.usgovcloudapi.net",
]);

/** The cloud settings in effect for one resolution. */
export interface ResolvedCloud {
  /** A known cloud's name, or `"custom"` when an ARM endpoint was configured. */
  name: AzureCloud | "custom";
  armEndpoint: string;
  audiences: string[];
  /** `<first audience>/.default`: the scope to ask any credential for (the SDK does not derive it from the endpoint correctly). */
  scopes: string[];
  authorityHost: string;
  /** True when the authority host is one MSAL validates itself (see {@link KNOWN_AUTHORITY_HOSTS}). */
  knownAuthorityHost: boolean;
  /** Where each value came from, for messages (`ACR_TOKENS_CLOUD`, `default`…). */
  sources: { cloud: string; armEndpoint: string; audiences: string; authorityHost: string };
}

/** Removes trailing slashes: ARM treats `https://management.azure.com/` and `https://management.azure.com` alike. */
export function trimSlashes(url: string): string {
  return url.replace(/\/+$/, "");
}

/** True when `audience` (a token's `aud`) is one of `audiences`, ignoring case and trailing slashes. */
export function isAudienceOf(audience: string, audiences: readonly string[]): boolean {
  const a = trimSlashes(audience).toLowerCase();
  return audiences.some((x) => trimSlashes(x).toLowerCase() === a);
}

function httpsUrl(value: string, setting: string, what: string, example: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CredentialSettingsError(`${setting} is not a URL: ${displayValue(value).text}. Set it to the ${what}, e.g. ${example}.`);
  }
  if (url.protocol !== "https:") {
    throw new CredentialSettingsError(
      `${setting} must use https, got ${displayValue(value).text}: Azure SDKs send bearer tokens only over TLS. Use the https address of the ${what}, e.g. ${example}.`,
    );
  }
  if (url.username || url.password) {
    // Never quoted, not even in part: `user:password@` is a credential, and the endpoint appears in later messages.
    throw new CredentialSettingsError(
      `${setting} holds a URL with a user name or password in it (${describe(value)}). Credentials never go in the ${what}: ` +
        `remove the "user:password@" part (authentication is the credential's job, see README "Authentication"), e.g. ${example}.`,
    );
  }
  if (url.search || url.hash) {
    throw new CredentialSettingsError(`${setting} must not have a query or fragment, got ${displayValue(value).text}. Set it to the bare ${what}, e.g. ${example}.`);
  }
  return trimSlashes(url.toString());
}

/**
 * Resolves the cloud from `acr-tokens:cloud` / `ACR_TOKENS_CLOUD`, `acr-tokens:armEndpoint` /
 * `ACR_TOKENS_ARM_ENDPOINT`, `acr-tokens:armAudience` / `ACR_TOKENS_ARM_AUDIENCE` (comma-separated) and
 * `acr-tokens:authorityHost` / `AZURE_AUTHORITY_HOST`. A custom endpoint keeps the selected cloud's
 * audiences and authority (the public cloud's unless `cloud` is set) unless those are configured too.
 *
 * Internal. Exported for testing.
 */
export function resolveCloud(settings: SettingsReader): ResolvedCloud {
  // azure-native's environment (`azure-native:environment`, ARM_ENVIRONMENT) applies when the package's own is unset.
  const cloudSetting = readSetting(settings, "cloud", ["ACR_TOKENS_CLOUD"]) ?? azureNativeCloud(settings);
  let cloudName: AzureCloud = AzureCloud.AzureCloud;
  if (cloudSetting) {
    const match = Object.values(AzureCloud).find((c) => c.toLowerCase() === cloudSetting.value.toLowerCase());
    if (!match) {
      throw new CredentialSettingsError(
        `${cloudSetting.source} names an unknown cloud ${displayValue(cloudSetting.value).text}. Valid clouds: ${Object.values(AzureCloud).join(", ")}; ` +
          `for any other ARM endpoint (Azure Stack, the acr-tokens emulator) set acr-tokens:armEndpoint / ACR_TOKENS_ARM_ENDPOINT instead.`,
      );
    }
    cloudName = match;
  }
  const cloud = CLOUDS[cloudName];

  const endpointSetting = readSetting(settings, "armEndpoint", ["ACR_TOKENS_ARM_ENDPOINT"]);
  const armEndpoint = endpointSetting
    ? httpsUrl(endpointSetting.value, endpointSetting.source, "Azure Resource Manager endpoint", "https://management.azure.com")
    : cloud.armEndpoint;

  const audienceSetting = readSetting(settings, "armAudience", ["ACR_TOKENS_ARM_AUDIENCE"]);
  let audiences = cloud.audiences;
  if (audienceSetting) {
    audiences = audienceSetting.value
      .split(",")
      .map((a) => a.trim())
      .filter((a) => a !== "")
      .map((a) => httpsUrl(a, audienceSetting.source, "ARM token audience", "https://management.azure.com/"));
    if (audiences.length === 0) {
      throw new CredentialSettingsError(
        `${audienceSetting.source} lists no audience. Set it to the audience ARM tokens carry, e.g. https://management.azure.com/, or unset it.`,
      );
    }
  }

  const authoritySetting = readSetting(settings, "authorityHost", ["AZURE_AUTHORITY_HOST"]);
  const authorityHost = authoritySetting
    ? httpsUrl(authoritySetting.value, authoritySetting.source, "Entra ID authority host", "https://login.microsoftonline.com")
    : cloud.authorityHost;

  const cloudSource = cloudSetting ? cloudSetting.source : "default";
  return {
    name: endpointSetting ? "custom" : cloudName,
    armEndpoint,
    audiences,
    scopes: [`${audiences[0]}/.default`],
    authorityHost,
    knownAuthorityHost: KNOWN_AUTHORITY_HOSTS.has(new URL(authorityHost).hostname.toLowerCase()),
    sources: {
      cloud: cloudSource,
      armEndpoint: endpointSetting ? endpointSetting.source : cloudSource,
      audiences: audienceSetting ? audienceSetting.source : cloudSource,
      authorityHost: authoritySetting ? authoritySetting.source : cloudSource,
    },
  };
}
