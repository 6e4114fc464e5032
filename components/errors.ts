import * as pulumi from "@pulumi/pulumi";
import type { ValidationProblem } from "./validation/problems";

/**
 * The arguments of a component are invalid. Thrown before any resource is registered, so before any
 * Azure call; lists every problem found, one per line, each starting with the component and its
 * resource name: `ScopeMap "ci": repositories["app"] has unknown action "content/reed". …`.
 *
 * It is a `pulumi.InputPropertiesError`, so the engine can attribute each problem to its property.
 */
export class InvalidArgumentsError extends pulumi.InputPropertiesError {
  /** Stable across copies of this package, for `err.name === "InvalidArgumentsError"` checks. */
  override readonly name = "InvalidArgumentsError";
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

/** The result of a pure validation function: a plan, or the problems that prevent one. */
export type Checked<P> = { plan: P; problems: [] } | { plan?: undefined; problems: ValidationProblem[] };

/**
 * Validates a component's arguments with the pure function `check`, before any Azure call:
 * - when every argument is a plain value, synchronously, so the constructor itself throws;
 * - always inside one `apply` over all arguments, whose result (the plan) feeds every child resource,
 *   so arguments that are Outputs are validated as soon as they are known and a bad value fails the
 *   children's registration instead of reaching Azure.
 */
export function validated<A extends object, P>(
  component: string,
  resourceName: string,
  args: A,
  check: (resolved: pulumi.Unwrap<A>) => Checked<P>,
  /**
   * What to pre-check synchronously when `args` holds Outputs: `args` with the not-yet-known parts
   * replaced by what is known about them (e.g. "a ScopeMap instance was given"). `check` may then
   * return no plan and no problems.
   */
  known?: pulumi.Unwrap<A>,
): pulumi.Output<P> {
  const now = isPlain(args) ? (args as pulumi.Unwrap<A>) : isPlain(known) ? known : undefined;
  if (now !== undefined) {
    const problems = check(now).problems;
    if (problems.length > 0) {
      throw new InvalidArgumentsError(component, resourceName, problems);
    }
  }
  return pulumi.output(args).apply<P>((resolved) => {
    const result = check(resolved);
    if (result.plan === undefined) {
      throw new InvalidArgumentsError(component, resourceName, result.problems);
    }
    return result.plan;
  });
}

/** True when `value` holds no Output or Promise at any depth, so it can be checked right now. */
function isPlain(value: unknown): boolean {
  if (pulumi.Output.isInstance(value) || value instanceof Promise) {
    return false;
  }
  if (Array.isArray(value)) {
    return value.every(isPlain);
  }
  if (typeof value === "object" && value !== null) {
    return Object.values(value).every(isPlain);
  }
  return true;
}
