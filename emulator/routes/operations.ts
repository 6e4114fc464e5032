import { ArmError, resourceNotFound } from "../errors";
import type { Route, RouteContext, RouteResult } from "./context";
import { REGISTRY_ROUTE, requireRegistry, requireSubscription } from "./lookup";

/**
 * LRO status and result URLs (../shared/acr/README.md §4):
 * - `GET {resource}/operationStatuses/{id}` → 200 `{"status": …}` repeating the
 *   Azure-AsyncOperation header; a failed operation adds ARM's `error`. The registry must still
 *   exist: after it was deleted the service answered ParentResourceNotFound (recorded).
 * - `GET /subscriptions/{sub}/providers/Microsoft.ContainerRegistry/locations/{region}/operationResults/{id}`
 *   → 202 + Location while in progress, 200 with an empty body when done (recorded).
 */

function status(ctx: RouteContext): RouteResult {
  requireRegistry(ctx, true, false);
  const op = ctx.env.operations.get(ctx.params.operationId);
  if (!op || !ctx.path.toLowerCase().startsWith(`${(op.statusUnder ?? op.resourceId).toLowerCase()}/operationstatuses/`)) throw resourceNotFound(ctx.params.operationId);
  const s = ctx.env.operations.poll(op);
  if (op.result !== undefined) return locationPoll(ctx, s, op.result);
  const body: Record<string, unknown> = { status: s };
  if (s === "Failed") body.error = { code: "InternalServerError", message: "The operation failed on the service side (injected lroFailed fault)." };
  const headers: Record<string, string> = {
    "Azure-AsyncOperation": `${ctx.origin}${ctx.path}?api-version=${ctx.apiVersion}`,
  };
  if (ctx.env.retryAfterSeconds !== undefined && !op.done) headers["Retry-After"] = String(ctx.env.retryAfterSeconds);
  return { status: 200, body, headers };
}

/**
 * A `Location`-polled operation with a result (generateCredentials answered 202, the REST spec's
 * final-state-via location): 202 + Location while in progress, then 200 with the result. Never recorded.
 */
function locationPoll(ctx: RouteContext, s: string, body: unknown): RouteResult {
  if (s === "Failed") throw new ArmError(500, "InternalServerError", "The operation failed on the service side (injected lroFailed fault).");
  if (s === "Succeeded") return { status: 200, body };
  const headers: Record<string, string> = { Location: `${ctx.origin}${ctx.path}?api-version=${ctx.apiVersion}` };
  if (ctx.env.retryAfterSeconds !== undefined) headers["Retry-After"] = String(ctx.env.retryAfterSeconds);
  return { status: 202, body: null, headers };
}

function result(ctx: RouteContext): RouteResult {
  requireSubscription(ctx);
  const op = ctx.env.operations.get(ctx.params.operationId);
  if (!op) throw resourceNotFound(ctx.params.operationId);
  const s = ctx.env.operations.poll(op);
  if (s === "Failed") throw new ArmError(500, "InternalServerError", "The operation failed on the service side (injected lroFailed fault).");
  if (s === "Succeeded") return { status: 200 };
  const headers: Record<string, string> = { Location: `${ctx.origin}${ctx.path}?api-version=${ctx.apiVersion}` };
  if (ctx.env.retryAfterSeconds !== undefined) headers["Retry-After"] = String(ctx.env.retryAfterSeconds);
  return { status: 202, body: null, headers };
}

export const operationRoutes: Route[] = [
  { method: "GET", pattern: `${REGISTRY_ROUTE}/tokens/{tokenName}/operationStatuses/{operationId}`, family: "tokens", operation: "operations.status", action: "Microsoft.ContainerRegistry/registries/tokens/read", handler: status },
  { method: "GET", pattern: `${REGISTRY_ROUTE}/scopeMaps/{scopeMapName}/operationStatuses/{operationId}`, family: "scopeMaps", operation: "operations.status", action: "Microsoft.ContainerRegistry/registries/scopeMaps/read", handler: status },
  { method: "GET", pattern: `${REGISTRY_ROUTE}/operationStatuses/{operationId}`, family: "registries", operation: "operations.status", action: "Microsoft.ContainerRegistry/registries/read", handler: status },
  {
    method: "GET",
    pattern: "/subscriptions/{subscriptionId}/providers/Microsoft.ContainerRegistry/locations/{location}/operationResults/{operationId}",
    family: "operationResults",
    operation: "operations.result",
    roleCheck: "skip",
    action: "Microsoft.ContainerRegistry/locations/operationResults/read",
    handler: result,
  },
];
