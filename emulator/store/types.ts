/**
 * The emulator's state: plain records keyed by ARM id (case-insensitive), behind a small
 * interface so a backend can be swapped (Azurite's `IBlobMetadataStore` pattern). Password
 * *values* are never stored: the real service shows them once, in the generateCredentials
 * response, and so does the emulator; no password reaches memory snapshots or `--state` files.
 * (A `--state` file does keep the emulator's own token-signing key: see jsonFile.ts.)
 */

/** ARM `systemData`. Times use ACR's `+00:00` form. */
export interface SystemData {
  createdBy: string;
  createdByType: "User" | "Application" | "ManagedIdentity" | "Key";
  createdAt: string;
  lastModifiedBy: string;
  lastModifiedByType: "User" | "Application" | "ManagedIdentity" | "Key";
  lastModifiedAt: string;
}

export interface SubscriptionRecord {
  subscriptionId: string;
  tenantId: string;
  displayName: string;
}

export interface ResourceGroupRecord {
  subscriptionId: string;
  /** The name with the casing it was created with (ARM keeps it; lookups ignore case). */
  name: string;
  location: string;
  tags: Record<string, string>;
}

export type RegistrySku = "Basic" | "Standard" | "Premium";

export interface RegistryRecord {
  subscriptionId: string;
  /** The resource group's own casing (ids in bodies use it). */
  resourceGroup: string;
  name: string;
  location: string;
  sku: RegistrySku;
  tags: Record<string, string>;
  /** `Z` form, as recorded for registries. */
  creationDate: string;
  provisioningState: ProvisioningState;
  adminUserEnabled: boolean;
  anonymousPullEnabled: boolean;
  dataEndpointEnabled: boolean;
  publicNetworkAccess: "Enabled" | "Disabled";
  systemData: SystemData;
}

export type ProvisioningState = "Creating" | "Updating" | "Deleting" | "Succeeded" | "Failed" | "Canceled";

export interface ScopeMapRecord {
  /** ARM id of the parent registry. */
  registryId: string;
  name: string;
  description?: string;
  /** "UserDefined" for maps made through the API, "SystemDefined" for the built-in `_repositories_*` maps. */
  type: "UserDefined" | "SystemDefined";
  actions: string[];
  creationDate: string;
  provisioningState: ProvisioningState;
  systemData?: SystemData;
}

export type PasswordName = "password1" | "password2";

export interface PasswordRecord {
  name: PasswordName;
  /** `+00:00` form with seven fractional digits. */
  creationTime: string;
  /** The expiry as the service echoes it (offset form), when one was given. */
  expiry?: string;
}

export interface TokenRecord {
  registryId: string;
  name: string;
  scopeMapId?: string;
  status: "enabled" | "disabled";
  creationDate: string;
  provisioningState: ProvisioningState;
  passwords: PasswordRecord[];
  systemData: SystemData;
}

export type ConnectedRegistryMode = "ReadWrite" | "ReadOnly" | "Registry" | "Mirror";

/**
 * A connected registry (`registries/{r}/connectedRegistries/{name}`), as the recordings show it:
 * never activated by a real on-premises instance, so `connectionState` is `Offline` and only the
 * `deactivate` action changes `activation`.
 */
export interface ConnectedRegistryRecord {
  registryId: string;
  name: string;
  mode: ConnectedRegistryMode;
  activation: "Active" | "Inactive";
  /** ARM id of the parent connected registry; absent when the parent is the cloud registry itself. */
  parentId?: string;
  /** The sync token (`parent.syncProperties.tokenId`), a token of the same registry. */
  syncTokenId: string;
  /** Cron expression, e.g. `* * * * *`. */
  schedule?: string;
  /** ISO 8601 duration, e.g. `PT4H`. */
  syncWindow?: string;
  /** ISO 8601 duration, e.g. `P2D`. */
  messageTtl: string;
  /** Tokens clients of the connected registry use; absent when never set. */
  clientTokenIds?: string[];
  logLevel: string;
  auditLogStatus: string;
  /** Repository:tag:action patterns to notify on; absent when never set. */
  notificationsList?: string[];
  provisioningState: ProvisioningState;
  systemData: SystemData;
}

/** One kind of record, keyed by ARM id (compared case-insensitively), in insertion order. */
export interface Collection<T> {
  get(id: string): T | undefined;
  put(id: string, value: T): void;
  delete(id: string): boolean;
  /** Records whose id is directly or indirectly below `parentId` (all when omitted). */
  list(parentId?: string): T[];
  /**
   * Up to `limit` records directly below `parentId` (e.g. a registry's tokens), in insertion order,
   * after the cursor `after` (0 for the first page); `next` is the cursor of the following page, absent
   * on the last. Costs O(log n + limit): a page of a large collection does not copy the collection.
   */
  page(parentId: string, after: number, limit: number): { items: T[]; next?: number };
}

/** Everything the emulator keeps. */
export interface EmulatorStore {
  readonly subscriptions: Collection<SubscriptionRecord>;
  readonly resourceGroups: Collection<ResourceGroupRecord>;
  readonly registries: Collection<RegistryRecord>;
  readonly scopeMaps: Collection<ScopeMapRecord>;
  readonly tokens: Collection<TokenRecord>;
  readonly connectedRegistries: Collection<ConnectedRegistryRecord>;
  /** Persists pending changes (atomic write for the JSON backend; nothing in memory). */
  flush(): void;
}

/** The serialized form of a store (the `--state` file). */
export interface StateSnapshot {
  version: 1;
  subscriptions: SubscriptionRecord[];
  resourceGroups: ResourceGroupRecord[];
  registries: RegistryRecord[];
  scopeMaps: ScopeMapRecord[];
  tokens: TokenRecord[];
  /** Absent in state files written before connected registries were emulated. */
  connectedRegistries?: ConnectedRegistryRecord[];
}
