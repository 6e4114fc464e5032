import { checkScope } from "./actions";
import { checkUserScopeMapName } from "../arm/names";
import type { Checked } from "../common/problems";
import { checkRegistry, type RegistryCoordinates, type RegistryInput } from "./registry";

/** `ScopeMapArgs` with every Input resolved. */
export interface ScopeMapInput extends RegistryInput {
  readonly scopeMapName?: string;
  readonly repositories?: Readonly<Record<string, readonly string[]>>;
  readonly gateways?: Readonly<Record<string, readonly string[]>>;
  readonly description?: string;
}

/** What a valid `ScopeMapArgs` becomes: exactly the values sent to azure-native. */
export interface ScopeMapPlan {
  readonly registry: RegistryCoordinates;
  readonly scopeMapName: string;
  readonly actions: string[];
  readonly description?: string;
}

/**
 * Checks the scope map's name (default: the resource `name`); it must not be a built-in map's name.
 * Internal. Exported for testing.
 */
export function checkScopeMapName(name: string, scopeMapName: string | undefined): Checked<string> {
  const value = scopeMapName ?? name;
  const problems = checkUserScopeMapName(
    value,
    scopeMapName === undefined ? { propertyPath: "scopeMapName", defaultedFrom: "the resource name" } : { propertyPath: "scopeMapName" },
  );
  return problems.length > 0 ? { problems } : { plan: value, problems };
}

/**
 * Validates resolved `ScopeMapArgs` of the resource `name`, all rules at once. Returns the plan, or
 * every problem found. Internal. Exported for testing.
 */
export function planScopeMap(name: string, input: ScopeMapInput): Checked<ScopeMapPlan> {
  const registry = checkRegistry(input);
  const scopeMapName = checkScopeMapName(name, input.scopeMapName);
  const scope = checkScope(input);
  const problems = [...registry.problems, ...scopeMapName.problems, ...scope.problems];
  if (problems.length > 0 || registry.registry === undefined || scopeMapName.plan === undefined) {
    return { problems };
  }
  return {
    plan: {
      registry: registry.registry,
      scopeMapName: scopeMapName.plan,
      actions: scope.actions,
      ...(input.description === undefined ? {} : { description: input.description }),
    },
    problems: [],
  };
}
