/**
 * What a repository-scoped token may do at the registry: the scope map's ACR actions turned into
 * the registry's (data-plane) actions, intersected with the scope a client asks for.
 *
 * Sources of each rule:
 * - ACR action → data-plane action: the action table of the ACR docs page "Create a token with
 *   repository-scoped permissions" (content/read "Pull artifacts", content/write "Use with content/read
 *   to push artifacts", content/delete "Delete a repository or delete manifests", metadata/read "List
 *   tags or manifests", metadata/write "Enable or disable read, write, or delete operations"), with the
 *   data-plane action names the Azure CLI requests from ACR's `/oauth2/token`
 *   (azure-cli `command_modules/acr/_docker_utils.py`, `RepoAccessTokenPermission`: `pull`,
 *   `metadata_read`, `metadata_write`, `delete`; `push` is the distribution token spec's).
 * - Scope syntax `repository:<name>:<action>[,<action>]` and `registry:catalog:*`: the distribution
 *   token-auth spec (docs/spec/auth/scope.md), which ACR's "Access Tokens - Get From Login" REST
 *   reference follows (../shared/research/real-engine.md, "ACR data plane").
 * - "Grant the intersection, not an error": the distribution token spec (docs/spec/auth/token.md: the
 *   token server returns a token holding only the access the client is allowed).
 * - Wildcards: a scope-map repository `team/*` covers every repository under `team/` at any depth, and
 *   `*` (the built-in `_repositories_*` maps) every repository (ACR docs, "wildcards in scope maps";
 *   the depth rule is UNCERTAIN, the docs show one level only).
 */

/** The data-plane actions a repository scope may carry. */
export type RegistryAction = "pull" | "push" | "delete" | "metadata_read" | "metadata_write";

/** ACR scope-map action (the part after `repositories/<repo>/`) → the data-plane action it grants. */
export const ACR_TO_REGISTRY_ACTION: Readonly<Record<string, RegistryAction>> = {
  "content/read": "pull",
  "content/write": "push",
  "content/delete": "delete",
  "metadata/read": "metadata_read",
  "metadata/write": "metadata_write",
};

const ALL_ACTIONS: readonly RegistryAction[] = ["pull", "push", "delete", "metadata_read", "metadata_write"];

/** One requested or granted resource scope, as in the JWT `access` claim. */
export interface ResourceAccess {
  type: string;
  name: string;
  actions: string[];
}

/** Parses `scope` query values (`repository:app:pull,push`, `registry:catalog:*`); malformed ones are dropped. */
export function parseScopes(values: readonly string[]): ResourceAccess[] {
  const out: ResourceAccess[] = [];
  for (const value of values) {
    // Several scopes may come space-separated in one parameter (distribution token spec).
    for (const scope of value.split(" ").filter(Boolean)) {
      const first = scope.indexOf(":");
      const last = scope.lastIndexOf(":");
      if (first <= 0 || last <= first) continue;
      const type = scope.slice(0, first);
      const name = scope.slice(first + 1, last);
      const actions = scope.slice(last + 1).split(",").filter(Boolean);
      if (name === "" || actions.length === 0) continue;
      out.push({ type, name, actions });
    }
  }
  return out;
}

/** True when the scope-map repository pattern covers `repository`. */
export function repositoryMatches(pattern: string, repository: string): boolean {
  const p = pattern.toLowerCase();
  const r = repository.toLowerCase();
  if (p === "*") return true;
  if (p.endsWith("/*")) return r.startsWith(p.slice(0, -1));
  return p === r;
}

/** The data-plane actions the scope map's `actions` allow on `repository`. */
export function allowedActions(scopeMapActions: readonly string[], repository: string): Set<RegistryAction> {
  const allowed = new Set<RegistryAction>();
  for (const action of scopeMapActions) {
    // repositories/<repo>/<group>/<verb>; <repo> itself may contain slashes.
    const m = /^repositories\/(.+)\/(content\/(?:read|write|delete)|metadata\/(?:read|write))$/i.exec(action);
    if (!m) continue;
    if (!repositoryMatches(m[1], repository)) continue;
    allowed.add(ACR_TO_REGISTRY_ACTION[m[2].toLowerCase()]);
  }
  return allowed;
}

/**
 * The `access` claim for a token whose scope map holds `scopeMapActions`, asked for `requested`:
 * per repository, the requested actions the map allows (`*` asks for every one). Scopes granting
 * nothing are left out.
 *
 * - A client asking `pull` on a repository whose map also allows `metadata/read` gets
 *   `metadata_read` as well: tools that list tags with a pull scope (Flux, skopeo) work exactly when
 *   the token has metadata/read, as on ACR (Azure/acr#690). UNCERTAIN: how ACR shapes the claim.
 * - `registry:catalog:*` is granted only to maps that allow metadata/read on every repository (`*`,
 *   as `_repositories_admin` does): the registry lists all repositories and cannot filter the list.
 *   UNCERTAIN: ACR's own rule for repository-scoped tokens was not found.
 */
export function grantAccess(scopeMapActions: readonly string[], requested: readonly ResourceAccess[]): ResourceAccess[] {
  const granted: ResourceAccess[] = [];
  for (const req of requested) {
    if (req.type === "repository") {
      const allowed = allowedActions(scopeMapActions, req.name);
      const asked = new Set<string>(req.actions.includes("*") ? ALL_ACTIONS : req.actions);
      if (asked.has("pull") && allowed.has("metadata_read")) asked.add("metadata_read");
      const actions = ALL_ACTIONS.filter((a) => asked.has(a) && allowed.has(a));
      if (actions.length > 0) granted.push({ type: "repository", name: req.name, actions });
    } else if (req.type === "registry" && req.name === "catalog" && req.actions.includes("*")) {
      if (scopeMapActions.some((a) => /^repositories\/\*\/metadata\/read$/i.test(a))) {
        granted.push({ type: "registry", name: "catalog", actions: ["*"] });
      }
    }
  }
  return granted;
}
