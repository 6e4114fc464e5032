import * as pulumi from "@pulumi/pulumi";
import { PasswordSlot } from "./arm/types";
import { show } from "./common/redact";

/**
 * Which resource of this program owns each password slot of each token. Two owners of one slot churn
 * forever (every `refresh` + `up` regenerates one and kills the other's password), so the second claim
 * fails the program with an error naming both resources and the fix. Claims are made once the token id
 * is known (at once for a plain id; when the token's id resolves otherwise), per Pulumi run: the
 * registry is scoped to the run's resource monitor, so separate runs in one process (tests) do not meet.
 *
 * Only one program is seen: the same slot owned from two stacks (or by a resource outside Pulumi) is
 * reported by `pulumi refresh` as drift, not here (README "Limits").
 */
const byRun = new WeakMap<object, Map<string, string>>();
const fallbackRun = {};

/** The owner label of a component's children: `RotatingTokenPassword "ci"` for its two TokenPasswords. */
const ownerLabels = new WeakMap<pulumi.Resource, string>();

/** Names `component` as the owner of the TokenPasswords created with it as their parent. Internal. */
export function labelSlotOwner(component: pulumi.Resource, label: string): void {
  ownerLabels.set(component, label);
}

/** `name`d resource's label, e.g. `TokenPassword "ci-pull"` or `RotatingTokenPassword "ci" (its child TokenPassword "ci-password1")`. */
export function ownerLabel(name: string, parent: pulumi.Resource | undefined): string {
  const owner = parent ? ownerLabels.get(parent) : undefined;
  return owner ? `${owner} (its child TokenPassword "${name}")` : `TokenPassword "${name}"`;
}

/** The registry of the current Pulumi run. */
function claims(): Map<string, string> {
  let run: object = fallbackRun;
  try {
    run = (pulumi.runtime as unknown as { getMonitor(): object | undefined }).getMonitor() ?? fallbackRun;
  } catch {
    // no monitor (not inside a Pulumi run): one registry for the process
  }
  let map = byRun.get(run);
  if (!map) {
    map = new Map();
    byRun.set(run, map);
  }
  return map;
}

/** `name` of {@link DuplicateSlotOwnerError}. */
export const DuplicateSlotOwnerErrorName = "DuplicateSlotOwnerError";

/** Two resources of one program own the same password slot of the same token. */
export class DuplicateSlotOwnerError extends Error {
  override readonly name = DuplicateSlotOwnerErrorName;
}

/**
 * Claims `slot` of `tokenId` for `owner`. Throws a {@link DuplicateSlotOwnerError} when another
 * resource of this run claimed it. Token ids compare case-insensitively (ARM ids do).
 */
export function claimSlot(tokenId: string, slot: string, owner: string): void {
  const key = `${tokenId.replace(/\/+$/, "").toLowerCase()}#${slot.toLowerCase()}`;
  const map = claims();
  const first = map.get(key);
  if (first === undefined || first === owner) {
    map.set(key, owner);
    return;
  }
  // An Output's value reaches here unchecked (the provider's check judges it later): through the redaction rule.
  const token = show(tokenId.split("/").pop() ?? tokenId);
  const slotText = (Object.values(PasswordSlot) as string[]).includes(slot) ? slot : show(slot);
  const other = slot === "password1" ? "password2" : "password1";
  throw new DuplicateSlotOwnerError(
    `${owner} and ${first} both own ${slotText} of token ${token}: each run would regenerate one and kill the other's password, forever. ` +
      `Give each resource its own slot (slot: "${other}" on one of them), or remove one; a RotatingTokenPassword owns both slots of its token, so nothing else may own either.`,
  );
}

/**
 * Claims the slot once `tokenId` and `slot` are known: synchronously for plain values (the error then
 * comes from the constructor), else when the Outputs resolve (the error fails the run). Unknown values
 * (preview of a token not yet created) claim nothing.
 */
export function claimSlotWhenKnown(tokenId: pulumi.Input<string>, slot: pulumi.Input<string> | undefined, owner: string): pulumi.Output<void> | undefined {
  if (typeof tokenId === "string" && (slot === undefined || typeof slot === "string")) {
    claimSlot(tokenId, slot ?? "password1", owner);
    return undefined;
  }
  return pulumi.all([tokenId, slot]).apply(([id, s]) => {
    if (typeof id === "string" && id !== "") claimSlot(id, typeof s === "string" ? s : "password1", owner);
  });
}
