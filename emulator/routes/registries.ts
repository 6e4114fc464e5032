import { atLeast, FIELDS_SINCE } from "../apiVersions";
import { invalidBody, invalidResourceName, registryNameInUse } from "../errors";
import { idOf, registryId, scopeMapId } from "../ids";
import type { EmulatorStore, RegistryRecord, RegistrySku, ScopeMapRecord } from "../store/types";
import { formatTicks, ticksFromClock } from "../timestamps";
import {
  asyncOperationHeaders,
  bodyObject,
  newSystemData,
  optionalString,
  optionalTags,
  page,
  propertiesOf,
  type Route,
  type RouteContext,
  type RouteEnv,
  type RouteResult,
} from "./context";
import { REGISTRIES_ROUTE, REGISTRY_ROUTE, requireRegistry, requireResourceGroup, requireSubscription } from "./lookup";

/** Registry routes: PUT (LRO), PATCH, GET, list by resource group and subscription, DELETE. */

const REGISTRY_NAME = /^[a-zA-Z0-9]{5,50}$/;
const SKUS: readonly RegistrySku[] = ["Basic", "Standard", "Premium"];

/**
 * The built-in scope maps every registry has (../shared/acr/README.md §7). Their action lists and
 * descriptions are UNCERTAIN (not in the spec or recordings); these follow the portal's wording.
 */
const SYSTEM_SCOPE_MAPS: ReadonlyArray<{ name: string; description: string; actions: string[] }> = [
  {
    name: "_repositories_admin",
    description: "Can perform all read, write and delete operations on the registry",
    actions: [
      "repositories/*/metadata/read",
      "repositories/*/metadata/write",
      "repositories/*/content/read",
      "repositories/*/content/write",
      "repositories/*/content/delete",
    ],
  },
  { name: "_repositories_pull", description: "Can pull any repository of the registry", actions: ["repositories/*/content/read"] },
  {
    name: "_repositories_push",
    description: "Can push to any repository of the registry",
    actions: ["repositories/*/content/read", "repositories/*/content/write"],
  },
];

/** The wire form of a registry, with the fields each api-version carried (see FIELDS_SINCE). */
function registryBody(r: RegistryRecord, apiVersion: string, env?: RouteEnv): Record<string, unknown> {
  const since = (k: keyof typeof FIELDS_SINCE) => atLeast(apiVersion, FIELDS_SINCE[k]);
  const policies: Record<string, unknown> = {
    quarantinePolicy: { status: "disabled" },
    trustPolicy: { type: "Notary", status: "disabled" },
    retentionPolicy: { days: 7, lastUpdatedTime: plusOffset(r.creationDate), status: "disabled" },
  };
  if (since("registryExportPolicy")) policies.exportPolicy = { status: "enabled" };
  if (since("registrySoftDelete")) {
    policies.azureADAuthenticationAsArmPolicy = { status: "enabled" };
    policies.softDeletePolicy = { retentionDays: 7, lastUpdatedTime: plusOffset(r.creationDate), status: "disabled" };
  }
  const properties: Record<string, unknown> = {
    // With the data plane on, the address its clients reach (emulator/dataplane); else the service's form.
    loginServer: env?.dataPlane?.loginServerOf(r) ?? `${r.name.toLowerCase()}.azurecr.io`,
    creationDate: r.creationDate,
    provisioningState: r.provisioningState,
    adminUserEnabled: r.adminUserEnabled,
  };
  if (r.sku === "Premium") {
    properties.networkRuleSet = since("registrySoftDelete") ? { defaultAction: "Allow", ipRules: [] } : { defaultAction: "Allow", virtualNetworkRules: [], ipRules: [] };
  }
  properties.policies = policies;
  if (since("registryPrivateLink")) {
    properties.encryption = { status: "disabled" };
    properties.dataEndpointEnabled = r.dataEndpointEnabled;
    properties.dataEndpointHostNames = r.dataEndpointEnabled ? [`${r.name.toLowerCase()}.${r.location}.data.azurecr.io`] : [];
    properties.privateEndpointConnections = [];
    properties.publicNetworkAccess = r.publicNetworkAccess;
  }
  if (since("registryZoneRedundancy")) {
    properties.networkRuleBypassOptions = "AzureServices";
    properties.zoneRedundancy = "Disabled";
  }
  if (since("registryExportPolicy")) properties.anonymousPullEnabled = r.anonymousPullEnabled;
  const body: Record<string, unknown> = {
    sku: { name: r.sku, tier: r.sku },
    type: "Microsoft.ContainerRegistry/registries",
    id: idOf.registry(r),
    name: r.name,
    location: r.location,
    tags: r.tags,
  };
  if (since("systemData")) body.systemData = r.systemData;
  body.properties = properties;
  return body;
}

/** A registry time in the `+00:00` form the policies use (the registry's own creationDate uses `Z`). */
function plusOffset(z: string): string {
  return z.replace(/Z$/, "+00:00");
}

function parseSku(v: unknown): RegistrySku {
  const name = typeof v === "object" && v !== null ? (v as Record<string, unknown>).name : undefined;
  const sku = typeof name === "string" ? SKUS.find((s) => s.toLowerCase() === name.toLowerCase()) : undefined;
  if (!sku) throw invalidBody(`'sku.name' must be one of ${SKUS.join(", ")}, got ${JSON.stringify(name ?? null)}.`, "sku.name");
  return sku;
}

function optionalBool(o: Record<string, unknown>, key: string): boolean | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean") throw invalidBody(`'properties.${key}' must be a boolean.`, `properties.${key}`);
  return v;
}

function applyProperties(r: RegistryRecord, p: Record<string, unknown>): void {
  r.adminUserEnabled = optionalBool(p, "adminUserEnabled") ?? r.adminUserEnabled;
  r.anonymousPullEnabled = optionalBool(p, "anonymousPullEnabled") ?? r.anonymousPullEnabled;
  r.dataEndpointEnabled = optionalBool(p, "dataEndpointEnabled") ?? r.dataEndpointEnabled;
  const pna = optionalString(p, "publicNetworkAccess", "properties.publicNetworkAccess");
  if (pna !== undefined) {
    if (pna !== "Enabled" && pna !== "Disabled") throw invalidBody("'properties.publicNetworkAccess' must be Enabled or Disabled.", "properties.publicNetworkAccess");
    r.publicNetworkAccess = pna;
  }
}

/** Creates a registry record with its built-in scope maps (used by PUT and by the seed). */
export function createRegistry(
  env: RouteEnv,
  r: Omit<RegistryRecord, "creationDate" | "systemData" | "provisioningState"> & { provisioningState?: RegistryRecord["provisioningState"] },
  systemData: RegistryRecord["systemData"],
): RegistryRecord {
  const ticks = ticksFromClock(env.clock.now());
  // creationDate and systemData.createdAt are one instant in real answers (`Z` and `+00:00` forms).
  const at = formatTicks(ticks);
  const record: RegistryRecord = {
    ...r,
    provisioningState: r.provisioningState ?? "Succeeded",
    creationDate: formatTicks(ticks, "Z"),
    systemData: { ...systemData, createdAt: at, lastModifiedAt: at },
  };
  const id = idOf.registry(record);
  env.store.registries.put(id, record);
  for (const m of SYSTEM_SCOPE_MAPS) {
    const map: ScopeMapRecord = {
      registryId: id,
      name: m.name,
      description: m.description,
      type: "SystemDefined",
      actions: [...m.actions],
      creationDate: formatTicks(ticks),
      provisioningState: "Succeeded",
    };
    env.store.scopeMaps.put(scopeMapId(id, m.name), map);
  }
  return record;
}

function put(ctx: RouteContext): RouteResult {
  const rg = requireResourceGroup(ctx);
  const name = ctx.params.registryName;
  if (!REGISTRY_NAME.test(name)) throw invalidResourceName("registry", name, "use 5-50 letters and digits only");
  const body = bodyObject(ctx);
  const location = optionalString(body, "location", "location");
  if (!location) throw invalidBody("The 'location' property is required for a registry, e.g. \"eastus\".", "location");
  const sku = parseSku(body.sku);
  const tags = optionalTags(body);
  const props = propertiesOf(body, false);
  const id = registryId(rg.subscriptionId, rg.name, name);
  ctx.env.operations.settle(id);
  const existing = ctx.env.store.registries.get(id);
  const clash = ctx.env.store.registries.list().find((r) => r.name.toLowerCase() === name.toLowerCase() && idOf.registry(r).toLowerCase() !== id.toLowerCase());
  if (clash) throw registryNameInUse(name);
  if (existing) {
    // An update in place: ARM answers 200 with the resource.
    const updated: RegistryRecord = { ...existing, sku, tags: tags ?? {}, systemData: newSystemData(ctx, existing.systemData) };
    applyProperties(updated, props);
    ctx.env.store.registries.put(id, updated);
    return { status: 200, body: registryBody(updated, ctx.apiVersion, ctx.env) };
  }
  const draft: RegistryRecord = {
    subscriptionId: rg.subscriptionId,
    resourceGroup: rg.name,
    name,
    location: location.toLowerCase().replace(/\s+/g, ""),
    sku,
    tags: tags ?? {},
    creationDate: "",
    provisioningState: "Creating",
    adminUserEnabled: false,
    anonymousPullEnabled: false,
    dataEndpointEnabled: false,
    publicNetworkAccess: "Enabled",
    systemData: newSystemData(ctx),
  };
  applyProperties(draft, props);
  if (!atLeast(ctx.apiVersion, FIELDS_SINCE.registryCreateLro)) {
    // Before 2021-06-01-preview the service answered the create synchronously (recorded 2020).
    return { status: 200, body: registryBody(createRegistry(ctx.env, { ...draft, provisioningState: "Succeeded" }, draft.systemData), ctx.apiVersion, ctx.env) };
  }
  const created = createRegistry(ctx.env, draft, draft.systemData);
  const op = ctx.env.operations.start({
    prefix: "registries",
    resourceId: id,
    inProgress: "Creating",
    polls: ctx.env.inProgressPolls,
    failed: ctx.lroFailed,
    finish: (outcome) => {
      const r = ctx.env.store.registries.get(id);
      if (r) ctx.env.store.registries.put(id, { ...r, provisioningState: outcome });
    },
  });
  return { status: 201, body: registryBody(created, ctx.apiVersion, ctx.env), headers: asyncOperationHeaders(ctx, id, op.id) };
}

function patch(ctx: RouteContext): RouteResult {
  const reg = requireRegistry(ctx, false);
  const body = bodyObject(ctx);
  const updated: RegistryRecord = { ...reg, systemData: newSystemData(ctx, reg.systemData) };
  if (body.sku !== undefined) updated.sku = parseSku(body.sku);
  const tags = optionalTags(body);
  if (tags) updated.tags = tags;
  applyProperties(updated, propertiesOf(body, false));
  ctx.env.store.registries.put(idOf.registry(reg), updated);
  return { status: 200, body: registryBody(updated, ctx.apiVersion, ctx.env) };
}

function get(ctx: RouteContext): RouteResult {
  return { status: 200, body: registryBody(requireRegistry(ctx, false), ctx.apiVersion, ctx.env) };
}

function listByResourceGroup(ctx: RouteContext): RouteResult {
  const rg = requireResourceGroup(ctx);
  const regs = ctx.env.store.registries.list(`/subscriptions/${rg.subscriptionId}/resourceGroups/${rg.name}`);
  return { status: 200, body: page(ctx, regs.map((r) => registryBody(r, ctx.apiVersion, ctx.env))) };
}

function listBySubscription(ctx: RouteContext): RouteResult {
  const sub = requireSubscription(ctx);
  const regs = ctx.env.store.registries.list(`/subscriptions/${sub.subscriptionId}`);
  return { status: 200, body: page(ctx, regs.map((r) => registryBody(r, ctx.apiVersion, ctx.env))) };
}

/** DELETE answers 200 with an empty body, as recorded (204 when there was nothing to delete). */
function remove(ctx: RouteContext): RouteResult {
  const rg = requireResourceGroup(ctx);
  const id = registryId(rg.subscriptionId, rg.name, ctx.params.registryName);
  ctx.env.operations.settle(id);
  if (!ctx.env.store.registries.get(id)) return { status: 204 };
  deleteRegistryTree(ctx.env.store, id);
  return { status: 200 };
}

/** Deletes a registry with its connected registries, scope maps and tokens. */
export function deleteRegistryTree(store: EmulatorStore, id: string): void {
  for (const c of store.connectedRegistries.list(id)) store.connectedRegistries.delete(idOf.connectedRegistry(c));
  for (const t of store.tokens.list(id)) store.tokens.delete(idOf.token(t));
  for (const m of store.scopeMaps.list(id)) store.scopeMaps.delete(idOf.scopeMap(m));
  store.registries.delete(id);
}

const R = "Microsoft.ContainerRegistry/registries";

export const registryRoutes: Route[] = [
  { method: "PUT", pattern: `${REGISTRY_ROUTE}`, family: "registries", operation: "registries.create", action: `${R}/write`, takesBody: true, handler: put },
  { method: "PATCH", pattern: `${REGISTRY_ROUTE}`, family: "registries", operation: "registries.update", action: `${R}/write`, takesBody: true, handler: patch },
  { method: "GET", pattern: `${REGISTRY_ROUTE}`, family: "registries", operation: "registries.get", action: `${R}/read`, handler: get },
  { method: "DELETE", pattern: `${REGISTRY_ROUTE}`, family: "registries", operation: "registries.delete", action: `${R}/delete`, handler: remove },
  { method: "GET", pattern: REGISTRIES_ROUTE, family: "registries", operation: "registries.listByResourceGroup", action: `${R}/read`, handler: listByResourceGroup },
  {
    method: "GET",
    pattern: "/subscriptions/{subscriptionId}/providers/Microsoft.ContainerRegistry/registries",
    family: "registries",
    operation: "registries.list",
    action: `${R}/read`,
    handler: listBySubscription,
  },
];
