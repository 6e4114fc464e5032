import {
  parentResourceNotFound,
  resourceGroupNotFound,
  subscriptionNotFound,
  topLevelResourceNotFound,
} from "../errors";
import { registryId, resourceGroupId, subscriptionId } from "../ids";
import type { RegistryRecord, ResourceGroupRecord, SubscriptionRecord } from "../store/types";
import type { RouteContext } from "./context";

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
