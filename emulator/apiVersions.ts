/**
 * The api-versions each route family accepts.
 *
 * Sources: ../shared/acr/README.md §1 (the `api-supported-versions` header recorded on token and
 * scope-map routes in 2023), the recordings (2019-05-01-preview, 2020-11-01-preview,
 * 2021-06-01-preview, 2021-08-01-preview, 2022-02-01-preview, 2022-09-01 for resources), the
 * Azure CLI 2.45 probe (../shared/research/az-cli-peer.md: 2020-11-01-preview, 2022-02-01-preview,
 * 2021-04-01, 2019-11-01, 2015-01-01) and `@azure/arm-containerregistry` 12 (2025-11-01).
 * Versions published after the 2023 recording are listed from the public REST specs;
 * whether the service still accepts every old preview is UNCERTAIN.
 */

/** Token, scope-map, generateCredentials and their operation routes. */
export const ACR_TOKEN_API_VERSIONS = [
  "2019-05-01-preview",
  "2020-11-01-preview",
  "2021-06-01-preview",
  "2021-08-01-preview",
  "2021-12-01-preview",
  "2022-02-01-preview",
  "2022-12-01",
  "2023-01-01-preview",
  "2023-06-01-preview",
  "2023-07-01",
  "2023-08-01-preview",
  "2023-11-01-preview",
  "2024-11-01-preview",
  "2025-03-01-preview",
  "2025-04-01",
  "2025-05-01-preview",
  "2025-06-01-preview",
  "2025-11-01",
] as const;

/**
 * Connected-registry routes. The list up to 2024-11-01-preview is the `api-supported-versions`
 * header the service sent on them in 2023 (test_acr_connectedregistry.2023-12-12); the 2021
 * recording listed only 2020-11-01-preview, 2021-06-01-preview and 2021-08-01-preview (the az CLI
 * sends 2021-08-01-preview). 2025-11-01 is `@azure/arm-containerregistry` 12's default; the versions
 * between 2024-11-01-preview and it are UNCERTAIN (taken from the token list, not observed here).
 */
export const ACR_CONNECTED_REGISTRY_API_VERSIONS = [
  "2020-11-01-preview",
  "2021-06-01-preview",
  "2021-08-01-preview",
  "2021-12-01-preview",
  "2022-02-01-preview",
  "2023-01-01-preview",
  "2023-06-01-preview",
  "2023-08-01-preview",
  "2023-11-01-preview",
  "2024-11-01-preview",
  "2025-03-01-preview",
  "2025-04-01",
  "2025-05-01-preview",
  "2025-06-01-preview",
  "2025-11-01",
] as const;

/** Registry routes (the registry resource itself has a longer history than tokens). */
export const ACR_REGISTRY_API_VERSIONS = [
  "2017-10-01",
  "2019-05-01",
  "2019-12-01-preview",
  "2020-11-01-preview",
  "2021-06-01-preview",
  "2021-08-01-preview",
  "2021-09-01",
  "2021-12-01-preview",
  "2022-02-01-preview",
  "2022-12-01",
  "2023-01-01-preview",
  "2023-06-01-preview",
  "2023-07-01",
  "2023-08-01-preview",
  "2023-11-01-preview",
  "2024-11-01-preview",
  "2025-03-01-preview",
  "2025-04-01",
  "2025-05-01-preview",
  "2025-06-01-preview",
  "2025-11-01",
] as const;

/** Microsoft.Resources: resource groups and the generic resource list. */
export const RESOURCES_API_VERSIONS = [
  "2019-05-10",
  "2019-07-01",
  "2019-08-01",
  "2019-10-01",
  "2020-06-01",
  "2020-10-01",
  "2021-01-01",
  "2021-04-01",
  "2022-09-01",
  "2023-07-01",
  "2024-03-01",
  "2024-07-01",
  "2024-11-01",
  "2025-04-01",
] as const;

/** `GET /subscriptions[/{id}]`. */
export const SUBSCRIPTIONS_API_VERSIONS = ["2016-06-01", "2019-06-01", "2019-11-01", "2020-01-01", "2021-01-01", "2022-12-01"] as const;

/** `GET /metadata/endpoints`. */
export const METADATA_API_VERSIONS = ["2015-01-01", "2019-05-01", "2020-06-01", "2022-09-01"] as const;

/** A route family: the versions it accepts and how a refusal is worded. */
export interface ApiVersionFamily {
  versions: readonly string[];
  /** The ARM resource type named in refusals. */
  resourceType: string;
  /** True for provider (RP) routes, which ARM refuses with NoRegisteredProviderFound. */
  providerRoute: boolean;
  /** Sent as `api-supported-versions` (ACR routes only, as recorded). */
  advertise: boolean;
}

export const API_FAMILIES = {
  tokens: { versions: ACR_TOKEN_API_VERSIONS, resourceType: "Microsoft.ContainerRegistry/registries/tokens", providerRoute: true, advertise: true },
  scopeMaps: { versions: ACR_TOKEN_API_VERSIONS, resourceType: "Microsoft.ContainerRegistry/registries/scopeMaps", providerRoute: true, advertise: true },
  connectedRegistries: {
    versions: ACR_CONNECTED_REGISTRY_API_VERSIONS,
    resourceType: "Microsoft.ContainerRegistry/registries/connectedRegistries",
    providerRoute: true,
    advertise: true,
  },
  registries: { versions: ACR_REGISTRY_API_VERSIONS, resourceType: "Microsoft.ContainerRegistry/registries", providerRoute: true, advertise: true },
  operationResults: { versions: ACR_TOKEN_API_VERSIONS, resourceType: "Microsoft.ContainerRegistry/locations/operationResults", providerRoute: true, advertise: true },
  resourceGroups: { versions: RESOURCES_API_VERSIONS, resourceType: "Microsoft.Resources/resourceGroups", providerRoute: false, advertise: false },
  resources: { versions: RESOURCES_API_VERSIONS, resourceType: "Microsoft.Resources/resources", providerRoute: false, advertise: false },
  subscriptions: { versions: SUBSCRIPTIONS_API_VERSIONS, resourceType: "Microsoft.Resources/subscriptions", providerRoute: false, advertise: false },
  metadata: { versions: METADATA_API_VERSIONS, resourceType: "metadata/endpoints", providerRoute: false, advertise: false },
} as const satisfies Record<string, ApiVersionFamily>;

export type ApiFamilyName = keyof typeof API_FAMILIES;

/** True when `apiVersion` is in the family (ARM compares api-versions case-insensitively). */
export function isSupported(family: ApiVersionFamily, apiVersion: string): boolean {
  const v = apiVersion.toLowerCase();
  return family.versions.some((s) => s === v);
}

/**
 * True when tokens and scope maps on a non-Premium registry must be refused for this
 * api-version. Tokens became generally available on every SKU in 2023-05; before that the
 * feature was Premium-only and reached through preview api-versions. The emulator refuses
 * non-Premium registries only on those pre-GA previews (every `-preview` version older than
 * 2022-12-01, the first stable version carrying tokens), which reproduces that era for clients
 * pinned to them (the Azure CLI 2.45 sends 2020-11-01-preview, so give it a Premium registry).
 * Whether today's service still refuses on old previews is UNCERTAIN.
 */
export function requiresPremium(apiVersion: string): boolean {
  return apiVersion.endsWith("-preview") && apiVersion < "2022-12-01";
}

/** True when `apiVersion` (a `YYYY-MM-DD[-preview]` string) is dated on or after `date`. */
export function atLeast(apiVersion: string, date: string): boolean {
  return apiVersion.slice(0, 10) >= date;
}

/**
 * Which fields a response carries on a given api-version. The cut-offs come from the
 * recordings (each api-version's answers as recorded); versions between two recorded ones are
 * placed by the date they were published, which is UNCERTAIN for the ones no recording shows.
 */
export const FIELDS_SINCE = {
  /** ARM `systemData` on ACR resources (absent on 2019-05-01-preview and 2019-12-01-preview answers). */
  systemData: "2020-11-01",
  /** `systemData` on the Microsoft.Resources resource list (absent on 2019-07-01 and 2019-10-01). */
  resourcesSystemData: "2020-06-01",
  /** Registry `encryption`, `dataEndpoint*`, `privateEndpointConnections`, `publicNetworkAccess` (absent on 2019-05-01). */
  registryPrivateLink: "2019-12-01",
  /** Registry `networkRuleBypassOptions` and `zoneRedundancy`. */
  registryZoneRedundancy: "2020-11-01",
  /** Registry `exportPolicy` and `anonymousPullEnabled`. */
  registryExportPolicy: "2021-06-01",
  /** Registry `azureADAuthenticationAsArmPolicy`, `softDeletePolicy`; `networkRuleSet.virtualNetworkRules` gone. */
  registrySoftDelete: "2021-12-01",
  /** Registry PUT answered 201 + Azure-AsyncOperation (before: 200 with the registry, synchronously). */
  registryCreateLro: "2021-06-01",
} as const;
