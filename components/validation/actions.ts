import { GatewayAction, RepositoryAction } from "../arm/types";
import { CONNECTED_REGISTRY_NAME, checkName } from "../arm/names";
import { entryPath, nearest, quote, type ValidationProblem } from "../common/problems";

/** The most actions one scope map may hold. */
export const MAX_SCOPE_MAP_ACTIONS = 500;

const REPOSITORY_ACTIONS: readonly string[] = Object.values(RepositoryAction);
const GATEWAY_ACTIONS: readonly string[] = Object.values(GatewayAction);

/**
 * One path component of a repository name, from the Docker distribution reference grammar:
 * lower-case alphanumerics separated by one `.`, one or two `_`, or any number of `-`.
 */
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
/** distribution's limit for a whole repository name. */
const MAX_REPOSITORY_LENGTH = 255;

/** Repository → actions and connected registry → actions, as given (resolved) in the program. */
export interface ScopeInput {
  readonly repositories?: Readonly<Record<string, readonly string[]>>;
  readonly gateways?: Readonly<Record<string, readonly string[]>>;
}

/** The canonical action list, plus every problem found on the way. */
export interface ScopeCheck {
  /** `repositories/<repo>/<action>` and `gateway/<name>/<action>`, de-duplicated and sorted. */
  readonly actions: string[];
  readonly problems: ValidationProblem[];
}

/**
 * Validates a scope (repository and gateway grants) and builds its canonical action list: the same
 * grants in any key or action order give the same list, so reordering the program causes no diff.
 * Internal. Exported for testing.
 */
export function checkScope(scope: ScopeInput): ScopeCheck {
  const problems: ValidationProblem[] = [];
  const actions = new Set<string>();
  for (const [repository, granted] of Object.entries(scope.repositories ?? {})) {
    const path = entryPath("repositories", repository);
    problems.push(...checkRepositoryName(repository, path));
    for (const action of checkActions(granted, path, "repository")) {
      actions.add(`repositories/${repository}/${action}`);
    }
  }
  for (const [gateway, granted] of Object.entries(scope.gateways ?? {})) {
    const path = entryPath("gateways", gateway);
    problems.push(...checkName(CONNECTED_REGISTRY_NAME, gateway, { propertyPath: path, keyed: true }));
    for (const action of checkActions(granted, path, "gateway")) {
      actions.add(`gateway/${gateway}/${action}`);
    }
  }
  const entries = Object.keys(scope.repositories ?? {}).length + Object.keys(scope.gateways ?? {}).length;
  if (entries === 0) {
    problems.push({
      propertyPath: "repositories",
      message:
        "repositories and gateways are both empty; a scope map needs at least one action. " +
        `Add a repository, e.g. repositories: { "app": [${quote(RepositoryAction.ContentRead)}] }.`,
    });
  }
  if (actions.size > MAX_SCOPE_MAP_ACTIONS) {
    problems.push({
      propertyPath: "repositories",
      message:
        `repositories and gateways grant ${actions.size} distinct actions; a scope map holds at most ${MAX_SCOPE_MAP_ACTIONS}. ` +
        'Grant a path prefix with a wildcard (e.g. "team/*"), or split the repositories across several scope maps and tokens.',
    });
  }
  return { actions: [...actions].sort(), problems };

  /** Records the problems of one action list and returns its valid actions. */
  function checkActions(granted: unknown, path: string, kind: "repository" | "gateway"): string[] {
    const allowed = kind === "repository" ? REPOSITORY_ACTIONS : GATEWAY_ACTIONS;
    const other = kind === "repository" ? GATEWAY_ACTIONS : REPOSITORY_ACTIONS;
    const allowedText = `Allowed: ${allowed.join(", ")}.`;
    if (!Array.isArray(granted) || granted.length === 0) {
      problems.push({
        propertyPath: path,
        message: `${path} has no actions. Give at least one; ${allowedText}`,
      });
      return [];
    }
    const valid: string[] = [];
    for (const action of granted as unknown[]) {
      if (typeof action === "string" && allowed.includes(action)) {
        valid.push(action);
      } else if (typeof action === "string" && other.includes(action)) {
        const [home, otherKind] =
          kind === "repository" ? ['gateways["<connected registry>"]', "connected registries"] : ['repositories["<repository>"]', "repositories"];
        problems.push({
          propertyPath: path,
          message:
            `${path} has ${kind === "repository" ? "gateway" : "repository"} action ${quote(action)}, which applies to ${otherKind}, not ${kind === "repository" ? "repositories" : "connected registries"}. ` +
            `Move it to ${home}. ${allowedText}`,
        });
      } else {
        const text = typeof action === "string" ? action : String(action);
        // A full action string ("repositories/app/content/read") given as an action: suggest its tail.
        const tail = /^(?:repositories|gateway)\/.+?\/([a-z]+\/[a-z]+)$/i.exec(text)?.[1];
        const suggestion = nearest(tail ?? text, allowed);
        problems.push({
          propertyPath: path,
          message:
            `${path} has unknown action ${quote(text)}.` +
            (suggestion === undefined ? "" : ` Did you mean ${quote(suggestion)}?`) +
            ` ${allowedText}`,
        });
      }
    }
    return valid;
  }
}

/**
 * A repository name per the Docker distribution grammar (lower-case path components joined by `/`),
 * optionally ending in `/*`, the wildcard ACR scope maps accept for every repository under a prefix.
 * Internal. Exported for testing.
 */
export function checkRepositoryName(repository: string, propertyPath: string): ValidationProblem[] {
  const rule =
    'Repository names are lower-case path components ("a-z", "0-9", separated by ".", "_", "__" or "-") joined by "/", ' +
    'optionally ending in "/*" for every repository under that prefix.';
  const problem = (reason: string, fix: string): ValidationProblem[] => [
    { propertyPath, message: `${propertyPath} is not a valid repository name: ${reason}. ${rule}${fix}` },
  ];
  if (repository === "*" || repository === "/*") {
    return problem(
      "a wildcard needs a path prefix",
      ' Use a prefix such as "team/*", or, for every repository, RegistryToken scopeMap "_repositories_pull", "_repositories_push" or "_repositories_admin".',
    );
  }
  const path = repository.endsWith("/*") ? repository.slice(0, -2) : repository;
  if (path.length === 0) {
    return problem("it is empty", ' Use the repository path, e.g. "app" or "team/app".');
  }
  if (repository.length > MAX_REPOSITORY_LENGTH) {
    return problem(`it is ${repository.length} characters long (at most ${MAX_REPOSITORY_LENGTH})`, "");
  }
  if (path !== path.toLowerCase() && path.toLowerCase().split("/").every((c) => PATH_COMPONENT.test(c))) {
    return problem("it has upper-case letters", ` Use ${quote(repository.toLowerCase())}.`);
  }
  const badComponents = path.split("/").filter((c) => !PATH_COMPONENT.test(c));
  if (badComponents.length > 0) {
    return problem(`path component${badComponents.length === 1 ? "" : "s"} ${badComponents.map(quote).join(", ")} ${badComponents.length === 1 ? "does" : "do"} not match`, "");
  }
  return [];
}
