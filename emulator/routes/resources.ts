import { atLeast, FIELDS_SINCE } from "../apiVersions";
import { ArmError } from "../errors";
import { idOf } from "../ids";
import type { RegistryRecord } from "../store/types";
import { page, type Route, type RouteContext, type RouteResult } from "./context";
import { requireResourceGroup, requireSubscription } from "./lookup";

/**
 * The generic resource list (`GET /subscriptions/{sub}[/resourceGroups/{rg}]/resources`), which the
 * Azure CLI calls before most `az acr` commands to find a registry's resource group:
 * `$filter=resourceType eq 'Microsoft.ContainerRegistry/registries'`, optionally
 * `and name eq '…'`. Items carry `id, name, type, sku, location, tags, systemData` as recorded
 * (systemData times in the `Z` form here). Only tracked top-level resources (registries) are listed.
 */

const CLAUSE = /^\s*(resourceType|name)\s+eq\s+'([^']*)'\s*$/i;

interface Filter {
  resourceType?: string;
  name?: string;
}

/** Parses the filters ARM supports here; anything else is refused as ARM does. */
function parseFilter(raw: string | null): Filter {
  if (raw === null || raw.trim() === "") return {};
  const out: Filter = {};
  for (const clause of raw.split(/\s+and\s+/i)) {
    const m = CLAUSE.exec(clause);
    if (!m) {
      // UNCERTAIN wording: ARM's message for unsupported filters varies.
      throw new ArmError(400, "InvalidFilterInQueryString", `Invalid $filter '${raw}'. The emulator supports "resourceType eq '<type>'" and "name eq '<name>'" joined with "and".`);
    }
    out[m[1].toLowerCase() === "name" ? "name" : "resourceType"] = m[2];
  }
  return out;
}

function item(r: RegistryRecord, apiVersion: string): Record<string, unknown> {
  const z = (s: string) => s.replace(/\+00:00$/, "Z");
  const out: Record<string, unknown> = {
    id: idOf.registry(r),
    name: r.name,
    type: "Microsoft.ContainerRegistry/registries",
    sku: { name: r.sku, tier: r.sku },
    location: r.location,
    tags: r.tags,
  };
  if (atLeast(apiVersion, FIELDS_SINCE.resourcesSystemData)) {
    out.systemData = { ...r.systemData, createdAt: z(r.systemData.createdAt), lastModifiedAt: z(r.systemData.lastModifiedAt) };
  }
  return out;
}

function listUnder(ctx: RouteContext, scope: string): RouteResult {
  const f = parseFilter(ctx.query.get("$filter"));
  const regs = ctx.env.store.registries.list(scope).filter(
    (r) =>
      (f.resourceType === undefined || f.resourceType.toLowerCase() === "microsoft.containerregistry/registries") &&
      (f.name === undefined || f.name.toLowerCase() === r.name.toLowerCase()) &&
      ctx.mayAccess(idOf.registry(r), "Microsoft.ContainerRegistry/registries/read"),
  );
  return { status: 200, body: page(ctx, regs.map((r) => item(r, ctx.apiVersion))) };
}

export const resourceRoutes: Route[] = [
  {
    method: "GET",
    pattern: "/subscriptions/{subscriptionId}/resources",
    family: "resources",
    operation: "resources.list",
    action: "Microsoft.Resources/subscriptions/resources/read",
    roleCheck: "filter",
    handler: (ctx) => listUnder(ctx, `/subscriptions/${requireSubscription(ctx).subscriptionId}`),
  },
  {
    method: "GET",
    pattern: "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/resources",
    family: "resources",
    operation: "resources.listByResourceGroup",
    action: "Microsoft.Resources/subscriptions/resourceGroups/resources/read",
    roleCheck: "filter",
    handler: (ctx) => {
      const g = requireResourceGroup(ctx);
      return listUnder(ctx, idOf.resourceGroup(g));
    },
  },
];
