import { connectedRegistryRoutes } from "./connectedRegistries";
import type { Route } from "./context";
import { generateCredentialsRoutes } from "./generateCredentials";
import { metadataRoutes } from "./metadata";
import { operationRoutes } from "./operations";
import { registryRoutes } from "./registries";
import { resourceGroupRoutes } from "./resourceGroups";
import { resourceRoutes } from "./resources";
import { scopeMapRoutes } from "./scopeMaps";
import { subscriptionRoutes } from "./subscriptions";
import { tokenRoutes } from "./tokens";

export type { Route, RouteContext, RouteEnv, RouteResult } from "./context";

/** Every ARM route the emulator serves. */
const ROUTES: readonly Route[] = [
  ...subscriptionRoutes,
  ...resourceGroupRoutes,
  ...resourceRoutes,
  ...registryRoutes,
  ...scopeMapRoutes,
  ...tokenRoutes,
  ...connectedRegistryRoutes,
  ...generateCredentialsRoutes,
  ...operationRoutes,
  ...metadataRoutes,
];

interface Compiled {
  route: Route;
  parts: Array<{ literal: string } | { param: string }>;
}

const COMPILED: Compiled[] = ROUTES.map((route) => ({
  route,
  parts: route.pattern
    .split("/")
    .slice(1)
    .map((p) => (p.startsWith("{") ? { param: p.slice(1, -1) } : { literal: p.toLowerCase() })),
}));

/** The outcome of matching a path: a route, a known path with another method, or nothing. */
export type Match =
  | { kind: "route"; route: Route; params: Record<string, string> }
  | { kind: "method"; allowed: string[] }
  | { kind: "none" };

/** Matches decoded path segments; literal segments compare case-insensitively (ARM does). */
export function matchRoute(method: string, segments: string[]): Match {
  const allowed: string[] = [];
  for (const c of COMPILED) {
    if (c.parts.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < segments.length && ok; i++) {
      const p = c.parts[i];
      if ("literal" in p) ok = p.literal === segments[i].toLowerCase();
      else params[p.param] = segments[i];
    }
    if (!ok) continue;
    if (c.route.method === method) return { kind: "route", route: c.route, params };
    allowed.push(c.route.method);
  }
  return allowed.length > 0 ? { kind: "method", allowed } : { kind: "none" };
}
