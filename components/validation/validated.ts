import * as pulumi from "@pulumi/pulumi";
import { throwIfInvalid } from "./errors";
import type { Checked } from "../common/problems";

/** A checked value: plain when every argument it came from was plain, otherwise an Output. */
export type Valid<P> = P | pulumi.Output<P>;

/**
 * Validates one group of a component's arguments with the pure function `check`, before any Azure
 * call, and returns the checked value for the children:
 * - when every argument of the group is a plain value, synchronously, so the constructor throws, and
 *   the checked value is returned as it is: a plain input costs a child nothing, where an Output input
 *   costs it an apply chain and a serialization await per property;
 * - otherwise inside one `apply` over the group, whose result feeds the children, so Output arguments
 *   are validated as soon as they are known and a bad value fails the children's registration instead
 *   of reaching Azure.
 * Groups are kept small (the registry, a name, the grants) so that one argument unknown during a
 * preview (e.g. the name of a registry this program creates) leaves the others checked and shown.
 */
export function validated<A extends object, P>(
  component: string,
  resourceName: string,
  args: A,
  check: (resolved: pulumi.Unwrap<A>) => Checked<P>,
): Valid<P> {
  if (isPlain(args)) {
    const result = check(args as pulumi.Unwrap<A>);
    throwIfInvalid(component, resourceName, result.problems);
    if (result.plan !== undefined) return result.plan;
  }
  return pulumi.output(args).apply<P>((resolved) => {
    const result = check(resolved);
    throwIfInvalid(component, resourceName, result.problems);
    if (result.plan === undefined) {
      throw new Error(`${component} ${JSON.stringify(resourceName)}: validation produced no value (a bug in acr-tokens).`);
    }
    return result.plan;
  });
}

/** `f` of a checked value: applied now when it is plain, inside an apply when it is an Output. */
export function mapValid<P, R>(value: Valid<P>, f: (plain: P) => R): Valid<R> {
  return pulumi.Output.isInstance(value) ? (value as pulumi.Output<P>).apply((v) => f(v as P)) : f(value as P);
}

/** True when `value` holds no Output or Promise at any depth, so it can be checked right now. */
export function isPlain(value: unknown): boolean {
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
