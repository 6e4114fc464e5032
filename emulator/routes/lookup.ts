import {
  invalidBody,
  parentResourceNotFound,
  resourceGroupNotFound,
  subscriptionNotFound,
  topLevelResourceNotFound,
} from "../errors";
import { idOf, registryId, resourceGroupId, sameId, subscriptionId } from "../ids";
import type { RegistryRecord, ResourceGroupRecord, SubscriptionRecord } from "../store/types";
import type { RouteContext } from "./context";

/** The route pattern of a resource group's registries. */
export const REGISTRIES_ROUTE = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ContainerRegistry/registries";
/** The route pattern of one registry, the parent of the child routes; `requireRegistry` resolves its parameters. */
export const REGISTRY_ROUTE = `${REGISTRIES_ROUTE}/{registryName}`;

/**
 * Resolves the parents named in the path in ARM's order (subscription, resource group, registry),
 * answering the error ARM answers for the first one missing. Names match case-insensitively.
 */

export function requireSubscription(ctx: RouteContext): SubscriptionRecord {
  const id = ctx.params.subscriptionId;
  const sub = ctx.env.store.subscriptions.get(subscriptionId(id));
  if (!sub) throw subscriptionNotFound(id);
  return sub;
}

export function requireResourceGroup(ctx: RouteContext): ResourceGroupRecord {
  const sub = requireSubscription(ctx);
  const name = ctx.params.resourceGroupName;
  const rg = ctx.env.store.resourceGroups.get(resourceGroupId(sub.subscriptionId, name));
  if (!rg) throw resourceGroupNotFound(name);
  return rg;
}

/**
 * The registry of the path; `nested` answers ParentResourceNotFound (as recorded for child routes).
 * Pending operations on the registry complete first, except for status polls (`settle` false).
 */
export function requireRegistry(ctx: RouteContext, nested: boolean, settle = true): RegistryRecord {
  const rg = requireResourceGroup(ctx);
  const name = ctx.params.registryName;
  const id = registryId(rg.subscriptionId, rg.name, name);
  if (settle) ctx.env.operations.settle(id);
  const reg = ctx.env.store.registries.get(id);
  if (!reg) throw nested ? parentResourceNotFound(name) : topLevelResourceNotFound("Microsoft.ContainerRegistry/registries", name, rg.name);
  return reg;
}

/**
 * The name in a child-resource id a request body points to (`properties.scopeMapId`, a sync or client
 * token id, `parent.id`), checked to be a `{segment}` id of this registry (ids compare
 * case-insensitively); a 400 naming `target` when it is malformed or in another registry.
 */
export function childNameOf(reg: RegistryRecord, id: string, segment: "scopeMaps" | "tokens" | "connectedRegistries", kind: string, target: string): string {
  const at = id.toLowerCase().lastIndexOf(`/${segment.toLowerCase()}/`);
  const name = at < 0 ? "" : id.slice(at + segment.length + 2);
  if (!/^[^/]+$/.test(name)) throw invalidBody(`'${target}' '${id}' is not a ${kind} id (…/registries/{registry}/${segment}/{name}).`, target);
  if (!sameId(id.slice(0, at), idOf.registry(reg))) throw invalidBody(`'${target}' must name a ${kind} of registry '${reg.name}'; '${id}' is in another registry.`, target);
  return name;
}
