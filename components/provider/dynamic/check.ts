import type * as pulumi from "@pulumi/pulumi";
import type { Checked } from "../../common/problems";
import { providerReason } from "../../validation/errors";

/**
 * The one place a rule's result becomes a dynamic provider's `check` answer: the normalised inputs,
 * and each problem as a `{ property, reason }` failure, which the engine prints against the property.
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
