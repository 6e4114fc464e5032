import { subscriptionId } from "../ids";
import type { SubscriptionRecord } from "../store/types";
import { page, type Route, type RouteContext, type RouteResult } from "./context";
import { requireSubscription } from "./lookup";

/** `GET /subscriptions` (the caller's tenant only) and `GET /subscriptions/{id}`, as `az login` reads them. */

function subscriptionBody(s: SubscriptionRecord): Record<string, unknown> {
  return {
    id: subscriptionId(s.subscriptionId),
    authorizationSource: "RoleBased",
    managedByTenants: [],
    subscriptionId: s.subscriptionId,
    tenantId: s.tenantId,
    displayName: s.displayName,
    state: "Enabled",
    subscriptionPolicies: { locationPlacementId: "Public_2014-09-01", quotaId: "PayAsYouGo_2014-09-01", spendingLimit: "Off" },
  };
}

function list(ctx: RouteContext): RouteResult {
  const tenant = ctx.principal?.tenantId ?? ctx.env.tenantId;
  const subs = ctx.env.store.subscriptions.list().filter((s) => s.tenantId.toLowerCase() === tenant.toLowerCase());
  const p = page(ctx, subs.map(subscriptionBody));
  return { status: 200, body: { ...p, count: { type: "Total", value: subs.length } } };
}

function get(ctx: RouteContext): RouteResult {
  return { status: 200, body: subscriptionBody(requireSubscription(ctx)) };
}

export const subscriptionRoutes: Route[] = [
  { method: "GET", pattern: "/subscriptions", family: "subscriptions", operation: "subscriptions.list", roleCheck: "skip", action: "Microsoft.Resources/subscriptions/read", handler: list },
  { method: "GET", pattern: "/subscriptions/{subscriptionId}", family: "subscriptions", operation: "subscriptions.get", action: "Microsoft.Resources/subscriptions/read", handler: get },
];
