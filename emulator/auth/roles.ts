/*
 * Azure RBAC, reduced to what the emulator's routes need: a few role definitions (actions and
 * notActions with `*` wildcards, matched case-insensitively as ARM does) and scope coverage by
 * case-insensitive prefix on path-segment boundaries.
 */

/** A role definition: a principal may perform an action it matches in `actions` and not in `notActions`. */
export interface RoleDefinition {
  name: string;
  actions: readonly string[];
  notActions: readonly string[];
}

/** The roles `assignRole` accepts, by lower-case name. */
export const ROLE_DEFINITIONS: ReadonlyMap<string, RoleDefinition> = new Map(
  (
    [
      { name: "Owner", actions: ["*"], notActions: [] },
      // Azure's built-in Contributor: everything except managing access.
      {
        name: "Contributor",
        actions: ["*"],
        notActions: [
          "Microsoft.Authorization/*/Delete",
          "Microsoft.Authorization/*/Write",
          "Microsoft.Authorization/elevateAccess/Action",
        ],
      },
      { name: "Reader", actions: ["*/read"], notActions: [] },
      // A custom role for a token-managing pipeline: read the registry, manage its tokens and scope maps,
      // generate passwords. Also the reads the Azure CLI performs to find a registry.
      {
        name: "AcrTokenManager",
        actions: [
          "Microsoft.ContainerRegistry/registries/read",
          "Microsoft.ContainerRegistry/registries/tokens/*",
          "Microsoft.ContainerRegistry/registries/scopeMaps/*",
          "Microsoft.ContainerRegistry/registries/generateCredentials/action",
          "Microsoft.ContainerRegistry/locations/operationResults/read",
          "Microsoft.Resources/subscriptions/read",
          "Microsoft.Resources/subscriptions/resources/read",
          "Microsoft.Resources/subscriptions/resourceGroups/read",
        ],
        notActions: [],
      },
    ] satisfies RoleDefinition[]
  ).map((r) => [r.name.toLowerCase(), r]),
);

/** The role definition named `role` (case-insensitive), or undefined. */
export function findRole(role: string): RoleDefinition | undefined {
  return ROLE_DEFINITIONS.get(role.toLowerCase());
}

/** True when `role` permits `action`. */
export function roleAllows(role: RoleDefinition, action: string): boolean {
  return role.actions.some((p) => actionMatches(p, action)) && !role.notActions.some((p) => actionMatches(p, action));
}

/** ARM action pattern match: `*` matches any run of characters (slashes included), case-insensitive. */
function actionMatches(pattern: string, action: string): boolean {
  const source = pattern
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${source}$`, "i").test(action);
}

/** True when an assignment at `assignmentScope` covers `resourceScope` (same path or below it, case-insensitive). */
export function scopeCovers(assignmentScope: string, resourceScope: string): boolean {
  const a = normalizeScope(assignmentScope);
  const r = normalizeScope(resourceScope);
  return a === "" || r === a || r.startsWith(`${a}/`);
}

function normalizeScope(scope: string): string {
  return scope.toLowerCase().replace(/\/+$/, "");
}
