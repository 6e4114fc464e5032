import type { ConnectedRegistryRecord, RegistryRecord, ResourceGroupRecord, ScopeMapRecord, SubscriptionRecord, TokenRecord } from "./store/types";

/** ARM resource ids, built with the casing ARM writes in bodies (`resourceGroups`, `Microsoft.ContainerRegistry`). */

const ACR_NAMESPACE = "Microsoft.ContainerRegistry";

export function subscriptionId(sub: string): string {
  return `/subscriptions/${sub}`;
}

export function resourceGroupId(sub: string, rg: string): string {
  return `/subscriptions/${sub}/resourceGroups/${rg}`;
}

export function registryId(sub: string, rg: string, name: string): string {
  return `${resourceGroupId(sub, rg)}/providers/${ACR_NAMESPACE}/registries/${name}`;
}

export function scopeMapId(registry: string, name: string): string {
  return `${registry}/scopeMaps/${name}`;
}

export function tokenId(registry: string, name: string): string {
  return `${registry}/tokens/${name}`;
}

export function connectedRegistryId(registry: string, name: string): string {
  return `${registry}/connectedRegistries/${name}`;
}

/** The id of a stored record. */
export const idOf = {
  subscription: (s: SubscriptionRecord) => subscriptionId(s.subscriptionId),
  resourceGroup: (g: ResourceGroupRecord) => resourceGroupId(g.subscriptionId, g.name),
  registry: (r: RegistryRecord) => registryId(r.subscriptionId, r.resourceGroup, r.name),
  scopeMap: (m: ScopeMapRecord) => scopeMapId(m.registryId, m.name),
  token: (t: TokenRecord) => tokenId(t.registryId, t.name),
  connectedRegistry: (c: ConnectedRegistryRecord) => connectedRegistryId(c.registryId, c.name),
};

/** Case-insensitive id comparison (ARM ids are case-insensitive). */
export function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
