import * as pulumi from "@pulumi/pulumi";
import type { Checked, ValidationProblem } from "../common/problems";

/** `name` of {@link InvalidArgumentsError}; compare names rather than classes so checks survive duplicate package copies. */
export const InvalidArgumentsErrorName = "InvalidArgumentsError";

/**
 * The arguments of a component are invalid. Thrown before any resource is registered, so before any
 * Azure call; lists every problem found, one per line, each starting with the component and its
 * resource name: `ScopeMap "ci": repositories["app"] has unknown action "content/reed". …`.
 *
 * It is a `pulumi.InputPropertiesError`, so the engine can attribute each problem to its property.
 */
export class InvalidArgumentsError extends pulumi.InputPropertiesError {
  /** Stable across copies of this package, for `err.name === InvalidArgumentsErrorName` checks. */
  override readonly name = InvalidArgumentsErrorName;
  /** The component type, e.g. `ScopeMap`. */
  readonly component: string;
  /** The Pulumi resource name of the component. */
  readonly resourceName: string;
  /** Every problem, in the order found. */
  readonly problems: readonly ValidationProblem[];

  constructor(component: string, resourceName: string, problems: readonly ValidationProblem[]) {
    super({
      message: problems.map((p) => `${component} ${JSON.stringify(resourceName)}: ${p.message}`).join("\n"),
      errors: problems.map((p) => ({ propertyPath: p.propertyPath, reason: p.message })),
    });
    this.component = component;
    this.resourceName = resourceName;
    this.problems = problems;
  }
}

/** Throws an {@link InvalidArgumentsError} listing `problems`, if there are any. */
export function throwIfInvalid(component: string, resourceName: string, problems: readonly ValidationProblem[]): void {
  if (problems.length > 0) {
    throw new InvalidArgumentsError(component, resourceName, problems);
  }
}

/** One problem in a provider's words: `TokenPassword: <message>` (a `check` failure's reason). */
export function providerReason(resourceType: string, problem: ValidationProblem): string {
  return `${resourceType}: ${problem.message}`;
}

/**
 * Throws, in the words of the provider's `check`, when inputs that reached a provider method
 * unchecked (a direct call, not through the engine) break a rule.
 */
export function throwIfInvalidInputs(resourceType: string, problems: readonly ValidationProblem[]): void {
  if (problems.length > 0) throw new Error(problems.map((p) => providerReason(resourceType, p)).join(" "));
}

/**
 * The one place a rule's result becomes a provider's `check` answer (the dynamic providers and the
 * provider plugin alike): the normalised inputs, and each problem as a `{ property, reason }`
 * failure, which the engine prints against the property.
 */
export function checkResult(
  resourceType: string,
  checked: Checked<Record<string, unknown>> & { plan: Record<string, unknown> },
): { inputs: Record<string, unknown>; failures: pulumi.dynamic.CheckFailure[] } {
  return {
    inputs: checked.plan,
    failures: checked.problems.map((p) => ({ property: p.propertyPath, reason: providerReason(resourceType, p) })),
  };
}
