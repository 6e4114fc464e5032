import { randomUUID } from "node:crypto";
import { invalidBody, invalidResourceName, resourceGroupNotFound } from "../errors";
import { idOf, resourceGroupId } from "../ids";
import type { ResourceGroupRecord } from "../store/types";
import { bodyObject, optionalString, optionalTags, page, type Route, type RouteContext, type RouteResult } from "./context";
import { requireSubscription } from "./lookup";
import { deleteRegistryTree } from "./registries";

/**
 * Microsoft.Resources resource groups: PUT (201 new / 200 existing), GET, HEAD, list, DELETE
 * (202 + Location, then 200). Names match case-insensitively everywhere (the Azure CLI
 * lower-cases the group it reads out of ids); ids in bodies keep the casing the group was created with.
 */

const RG_NAME = /^[-\w._()]{1,90}$/u;

function resourceGroupBody(g: ResourceGroupRecord): Record<string, unknown> {
  return {
    id: idOf.resourceGroup(g),
    name: g.name,
    type: "Microsoft.Resources/resourceGroups",
    location: g.location,
    tags: g.tags,
    properties: { provisioningState: "Succeeded" },
  };
}

function put(ctx: RouteContext): RouteResult {
  const sub = requireSubscription(ctx);
  const name = ctx.params.resourceGroupName;
  if (!RG_NAME.test(name) || name.endsWith(".")) {
    throw invalidResourceName("resource group", name, "use 1-90 letters, digits, underscores, hyphens, periods (not at the end) and parentheses");
  }
  const body = bodyObject(ctx);
  const location = optionalString(body, "location", "location");
  if (!location) throw invalidBody("The 'location' property is required for a resource group, e.g. \"eastus\".", "location");
  const tags = optionalTags(body) ?? {};
  const id = resourceGroupId(sub.subscriptionId, name);
  const existing = ctx.env.store.resourceGroups.get(id);
  const record: ResourceGroupRecord = { subscriptionId: sub.subscriptionId, name: existing?.name ?? name, location: existing?.location ?? location.toLowerCase().replace(/\s+/g, ""), tags };
  ctx.env.store.resourceGroups.put(id, record);
  return { status: existing ? 200 : 201, body: resourceGroupBody(record) };
}

function find(ctx: RouteContext): ResourceGroupRecord {
  const sub = requireSubscription(ctx);
  const g = ctx.env.store.resourceGroups.get(resourceGroupId(sub.subscriptionId, ctx.params.resourceGroupName));
  if (!g) throw resourceGroupNotFound(ctx.params.resourceGroupName);
  return g;
}

function get(ctx: RouteContext): RouteResult {
  return { status: 200, body: resourceGroupBody(find(ctx)) };
}

/** HEAD (`az group exists`): 204 when present, 404 without a body otherwise. */
function head(ctx: RouteContext): RouteResult {
  const sub = requireSubscription(ctx);
  const g = ctx.env.store.resourceGroups.get(resourceGroupId(sub.subscriptionId, ctx.params.resourceGroupName));
  return { status: g ? 204 : 404 };
}

function list(ctx: RouteContext): RouteResult {
  const sub = requireSubscription(ctx);
  return { status: 200, body: page(ctx, ctx.env.store.resourceGroups.list(`/subscriptions/${sub.subscriptionId}`).map(resourceGroupBody)) };
}

/** Deletes the group and everything in it; answers 202 + Location like ARM, whose poll answers 200. */
function remove(ctx: RouteContext): RouteResult {
  const g = find(ctx);
  const id = idOf.resourceGroup(g);
  for (const r of ctx.env.store.registries.list(id)) deleteRegistryTree(ctx.env.store, idOf.registry(r));
  ctx.env.store.resourceGroups.delete(id);
  const token = `RESOURCEGROUPDELETIONJOB-${randomUUID().replace(/-/g, "").slice(0, 12).toUpperCase()}`;
  return {
    status: 202,
    headers: { Location: `${ctx.origin}/subscriptions/${g.subscriptionId}/operationresults/${token}?api-version=${ctx.apiVersion}` },
  };
}

/** The resource-group deletion poll: the deletion above is already done. */
function deletionResult(ctx: RouteContext): RouteResult {
  requireSubscription(ctx);
  return { status: 200 };
}

const G = "Microsoft.Resources/subscriptions/resourceGroups";
const RG = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}";

export const resourceGroupRoutes: Route[] = [
  { method: "PUT", pattern: RG, family: "resourceGroups", operation: "resourceGroups.createOrUpdate", action: `${G}/write`, takesBody: true, handler: put },
  { method: "GET", pattern: RG, family: "resourceGroups", operation: "resourceGroups.get", action: `${G}/read`, handler: get },
  { method: "HEAD", pattern: RG, family: "resourceGroups", operation: "resourceGroups.checkExistence", action: `${G}/read`, handler: head },
  { method: "DELETE", pattern: RG, family: "resourceGroups", operation: "resourceGroups.delete", action: `${G}/delete`, handler: remove },
  { method: "GET", pattern: "/subscriptions/{subscriptionId}/resourceGroups", family: "resourceGroups", operation: "resourceGroups.list", action: `${G}/read`, handler: list },
  { method: "GET", pattern: "/subscriptions/{subscriptionId}/operationresults/{operationId}", family: "resourceGroups", operation: "resourceGroups.deleteResult", roleCheck: "skip", action: `${G}/read`, handler: deletionResult },
];
