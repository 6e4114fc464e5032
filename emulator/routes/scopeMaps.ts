import {
  invalidBody,
  invalidResourceName,
  invalidScopeMapAction,
  resourceNotFound,
  scopeMapInUse,
  skuNotSupported,
  systemScopeMapReadOnly,
  tooManyScopeMapActions,
} from "../errors";
import { atLeast, FIELDS_SINCE, requiresPremium } from "../apiVersions";
import { idOf, sameId, scopeMapId } from "../ids";
import type { RegistryRecord, ScopeMapRecord } from "../store/types";
import { formatTicks, ticksFromClock } from "../timestamps";
import {
  acceptedDelete,
  asyncOperationHeaders,
  bodyObject,
  newSystemData,
  optionalString,
  pageOf,
  propertiesOf,
  type Route,
  type RouteContext,
  type RouteResult,
} from "./context";
import { REGISTRY_ROUTE, requireRegistry } from "./lookup";

/**
 * Scope maps: PUT answers 200 synchronously (every recording), PATCH 201 + Azure-AsyncOperation
 * (`Updating` → `Succeeded`), DELETE 202 + Location, GET and list; the built-in `_repositories_*`
 * maps are listed and readable but refuse PUT, PATCH and DELETE.
 */

const SCOPE_MAP_NAME = /^[a-zA-Z0-9_-]{5,50}$/;
/** UNCERTAIN: no public source gives the service's limit; the task sets 500. */
const MAX_ACTIONS = 500;
const MAX_DESCRIPTION = 256;
const REPOSITORY_ACTIONS = ["content/read", "content/write", "content/delete", "metadata/read", "metadata/write"];
const GATEWAY_ACTIONS = ["config/read", "config/write", "message/read", "message/write"];
const PATH_SEGMENT = /^[a-zA-Z0-9*][a-zA-Z0-9._*-]*$/;

/** The wire form (fields in the recorded order; `description` only when set). */
function scopeMapBody(m: ScopeMapRecord, apiVersion: string): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  if (m.description !== undefined) properties.description = m.description;
  properties.type = m.type;
  properties.creationDate = m.creationDate;
  properties.provisioningState = m.provisioningState;
  properties.actions = m.actions;
  const body: Record<string, unknown> = { type: "Microsoft.ContainerRegistry/registries/scopeMaps", id: idOf.scopeMap(m), name: m.name };
  if (m.systemData && atLeast(apiVersion, FIELDS_SINCE.systemData)) body.systemData = m.systemData;
  body.properties = properties;
  return body;
}

/** Checks one action string; returns the reason it is invalid, or undefined. */
function actionProblem(action: string): string | undefined {
  const parts = action.split("/");
  if (parts.length < 4) return "it needs at least four '/'-separated parts";
  const verb = parts.slice(-2).join("/");
  const target = parts.slice(1, -2);
  if (target.some((s) => !PATH_SEGMENT.test(s))) return "the repository or gateway name has an empty or invalid segment";
  if (parts[0] === "repositories") return REPOSITORY_ACTIONS.includes(verb) ? undefined : `'${verb}' is not a repository action`;
  if (parts[0] === "gateway") {
    if (target.length !== 1) return "a gateway action names exactly one connected registry";
    return GATEWAY_ACTIONS.includes(verb) ? undefined : `'${verb}' is not a gateway action`;
  }
  return `it must start with 'repositories/' or 'gateway/'`;
}

function parseActions(p: Record<string, unknown>, required: boolean): string[] | undefined {
  const v = p.actions;
  if (v === undefined || v === null) {
    if (required) throw invalidBody("'properties.actions' is required: list at least one action such as 'repositories/app/content/read'.", "properties.actions");
    return undefined;
  }
  if (!Array.isArray(v)) throw invalidBody("'properties.actions' must be an array of strings.", "properties.actions");
  if (v.length === 0) throw invalidBody("'properties.actions' must list at least one action.", "properties.actions");
  if (v.length > MAX_ACTIONS) throw tooManyScopeMapActions(v.length, MAX_ACTIONS);
  for (const a of v) {
    if (typeof a !== "string") throw invalidBody("'properties.actions' must be an array of strings.", "properties.actions");
    const problem = actionProblem(a);
    if (problem) throw invalidScopeMapAction(a, problem);
  }
  return v as string[];
}

function parseDescription(p: Record<string, unknown>): string | undefined {
  const d = optionalString(p, "description", "properties.description");
  if (d !== undefined && d.length > MAX_DESCRIPTION) {
    throw invalidBody(`'properties.description' is ${d.length} characters; the maximum is ${MAX_DESCRIPTION}.`, "properties.description");
  }
  return d;
}

/** Refuses tokens/scope maps where the api-version's era required Premium (see apiVersions.ts). */
export function checkSku(ctx: RouteContext, reg: RegistryRecord): void {
  if (reg.sku !== "Premium" && requiresPremium(ctx.apiVersion)) throw skuNotSupported(reg.name, reg.sku, ctx.apiVersion);
}

function checkName(name: string): void {
  if (!SCOPE_MAP_NAME.test(name)) throw invalidResourceName("scope map", name, "use 5-50 letters, digits, hyphens and underscores");
}

function current(ctx: RouteContext, reg: RegistryRecord): { id: string; map: ScopeMapRecord | undefined } {
  const id = scopeMapId(idOf.registry(reg), ctx.params.scopeMapName);
  ctx.env.operations.settle(id);
  return { id, map: ctx.env.store.scopeMaps.get(id) };
}

function put(ctx: RouteContext): RouteResult {
  const reg = requireRegistry(ctx, true);
  checkSku(ctx, reg);
  const name = ctx.params.scopeMapName;
  const { id, map } = current(ctx, reg);
  if (map?.type === "SystemDefined") throw systemScopeMapReadOnly(map.name, "PUT");
  checkName(name);
  const props = propertiesOf(bodyObject(ctx), true);
  const actions = parseActions(props, true) ?? [];
  const description = parseDescription(props);
  const record: ScopeMapRecord = {
    registryId: idOf.registry(reg),
    name: map?.name ?? name,
    type: "UserDefined",
    actions,
    creationDate: map?.creationDate ?? formatTicks(ticksFromClock(ctx.env.clock.now())),
    provisioningState: "Succeeded",
    systemData: newSystemData(ctx),
  };
  if (description !== undefined) record.description = description;
  ctx.env.store.scopeMaps.put(id, record);
  return { status: 200, body: scopeMapBody(record, ctx.apiVersion) };
}

function patch(ctx: RouteContext): RouteResult {
  const reg = requireRegistry(ctx, true);
  checkSku(ctx, reg);
  const { id, map } = current(ctx, reg);
  if (!map) throw resourceNotFound(ctx.params.scopeMapName);
  if (map.type === "SystemDefined") throw systemScopeMapReadOnly(map.name, "PATCH");
  const props = propertiesOf(bodyObject(ctx), false);
  const actions = parseActions(props, false);
  const description = parseDescription(props);
  const previous = map.provisioningState;
  const updated: ScopeMapRecord = {
    ...map,
    actions: actions ?? map.actions,
    provisioningState: "Updating",
    systemData: newSystemData(ctx),
  };
  if (description !== undefined) updated.description = description;
  ctx.env.store.scopeMaps.put(id, updated);
  const op = ctx.env.operations.start({
    prefix: "token",
    resourceId: id,
    inProgress: "Updating",
    polls: ctx.env.inProgressPolls,
    failed: ctx.lroFailed,
    finish: (outcome) => {
      const m = ctx.env.store.scopeMaps.get(id);
      if (m) ctx.env.store.scopeMaps.put(id, { ...m, provisioningState: outcome === "Succeeded" ? "Succeeded" : previous === "Succeeded" ? "Failed" : previous });
    },
  });
  return { status: 201, body: scopeMapBody(updated, ctx.apiVersion), headers: asyncOperationHeaders(ctx, id, op.id) };
}

function get(ctx: RouteContext): RouteResult {
  const reg = requireRegistry(ctx, true);
  const { map } = current(ctx, reg);
  if (!map) throw resourceNotFound(ctx.params.scopeMapName);
  return { status: 200, body: scopeMapBody(map, ctx.apiVersion) };
}

function list(ctx: RouteContext): RouteResult {
  const reg = requireRegistry(ctx, true);
  // Built-in maps come first, as recorded: they are stored when the registry is created, before any user map.
  return { status: 200, body: pageOf(ctx, ctx.env.store.scopeMaps, idOf.registry(reg), (m) => scopeMapBody(m, ctx.apiVersion)) };
}

/** DELETE: 202 + Location as recorded; 204 when absent; 409 while tokens use the map. */
function remove(ctx: RouteContext): RouteResult {
  const reg = requireRegistry(ctx, true);
  checkSku(ctx, reg);
  const { id, map } = current(ctx, reg);
  if (!map) return { status: 204 };
  if (map.type === "SystemDefined") throw systemScopeMapReadOnly(map.name, "DELETE");
  const users = ctx.env.store.tokens.list(idOf.registry(reg)).filter((t) => t.scopeMapId !== undefined && sameId(t.scopeMapId, id));
  if (users.length > 0) throw scopeMapInUse(map.name, users.map((t) => t.name));
  return acceptedDelete(ctx, reg, id, () => ctx.env.store.scopeMaps.delete(id));
}

const S = "Microsoft.ContainerRegistry/registries/scopeMaps";

export const scopeMapRoutes: Route[] = [
  { method: "PUT", pattern: `${REGISTRY_ROUTE}/scopeMaps/{scopeMapName}`, family: "scopeMaps", operation: "scopeMaps.create", action: `${S}/write`, takesBody: true, handler: put },
  { method: "PATCH", pattern: `${REGISTRY_ROUTE}/scopeMaps/{scopeMapName}`, family: "scopeMaps", operation: "scopeMaps.update", action: `${S}/write`, takesBody: true, handler: patch },
  { method: "GET", pattern: `${REGISTRY_ROUTE}/scopeMaps/{scopeMapName}`, family: "scopeMaps", operation: "scopeMaps.get", action: `${S}/read`, handler: get },
  { method: "DELETE", pattern: `${REGISTRY_ROUTE}/scopeMaps/{scopeMapName}`, family: "scopeMaps", operation: "scopeMaps.delete", action: `${S}/delete`, handler: remove },
  { method: "GET", pattern: `${REGISTRY_ROUTE}/scopeMaps`, family: "scopeMaps", operation: "scopeMaps.list", action: `${S}/read`, handler: list },
];
