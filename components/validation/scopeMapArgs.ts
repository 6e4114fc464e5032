import { checkScope } from "./actions";
import { checkUserScopeMapName } from "./names";
import type { ValidationProblem } from "./problems";
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
 * Validates resolved `ScopeMapArgs` of the resource `name`. Returns the plan, or every problem found.
 * Internal. Exported for testing.
 */
export function planScopeMap(
  name: string,
  input: ScopeMapInput,
): { plan: ScopeMapPlan; problems: [] } | { plan?: undefined; problems: ValidationProblem[] } {
  const { registry, problems } = checkRegistry(input);
  const scopeMapName = input.scopeMapName ?? name;
  problems.push(
    ...checkUserScopeMapName(
      scopeMapName,
      input.scopeMapName === undefined ? { propertyPath: "scopeMapName", defaultedFrom: "the resource name" } : { propertyPath: "scopeMapName" },
    ),
  );
  const scope = checkScope(input);
  problems.push(...scope.problems);
  if (problems.length > 0 || registry === undefined) {
    return { problems };
  }
  return {
    plan: {
      registry,
      scopeMapName,
      actions: scope.actions,
      ...(input.description === undefined ? {} : { description: input.description }),
    },
    problems: [],
  };
}
