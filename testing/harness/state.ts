import { definedOnly, isSecret, markSecrets, reveal, secret, stripSecrets, type Props, type SecretValue } from "../providerHost";

export { definedOnly, isSecret, markSecrets, reveal, secret, stripSecrets, type Props, type SecretValue };

/** Pulumi's wire marker for "unknown during preview" (`rpc.unknownValue`). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const RESOURCE_REFERENCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";

/** How the harness carries out a resource's registration. */
export type ResourceKind = "azure-native" | "dynamic" | "component" | "other";

/** What happened (or, in a preview, would happen) to one resource, keyed by URN in a plan. */
export type Operation = "create" | "update" | "replace" | "delete" | "same";

/** One resource as the harness keeps it between runs: the engine's checkpoint entry, in memory. */
export interface ResourceState {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly kind: ResourceKind;
  readonly custom: boolean;
  /** Provider id ("" for components). */
  readonly id: string;
  /** Stored inputs: the program's (after `ignoreChanges`), the provider's checked inputs, or what a refresh wrote back. */
  readonly inputs: Props;
  /** Stored outputs; secrets stay wrapped in the wire sentinel (the engine stores them encrypted). */
  readonly outputs: Props;
  /** Parent URN ("" for the stack itself). */
  readonly parent: string;
  /** URNs this resource depends on (`dependsOn` and the resources its inputs came from). */
  readonly dependencies: readonly string[];
  readonly ignoreChanges: readonly string[];
  readonly additionalSecretOutputs: readonly string[];
  readonly deleteBeforeReplace: boolean;
}

/** A stack's state: resources in dependency order (a resource after everything it depends on). */
export interface StackState {
  readonly resources: readonly ResourceState[];
  /** The stack outputs of the last run (secrets wrapped). */
  readonly outputs: Props;
}

/** The state of a stack that was never deployed. */
export function emptyState(): StackState {
  return { resources: [], outputs: {} };
}

/** Deep equality of JSON-like values (secret wrappers compared by their plain values, as the engine diffs). */
export function deepEqual(a: unknown, b: unknown): boolean {
  a = isSecret(a) ? a.value : a;
  b = isSecret(b) ? b.value : b;
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (typeof a === "object" && a !== null && typeof b === "object" && b !== null) {
    const ka = Object.keys(a).filter((k) => (a as Props)[k] !== undefined);
    const kb = Object.keys(b).filter((k) => (b as Props)[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual((a as Props)[k], (b as Props)[k]));
  }
  return false;
}

/**
 * Wire-form inputs as a provider that does not accept resource references receives them: a resource
 * reference becomes its id (custom resources) or URN (components), as the engine sends it.
 */
export function withoutResourceReferences(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutResourceReferences);
  if (typeof v === "object" && v !== null) {
    const o = v as Props;
    if (o[SIG_KEY] === RESOURCE_REFERENCE_SIG) return typeof o["id"] === "string" && o["id"] !== "" ? o["id"] : o["urn"];
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, withoutResourceReferences(x)]));
  }
  return v;
}

type PathStep = string | number;

/** Parses an `ignoreChanges` path: `credentials`, `credentials.passwords`, `actions[0]`, `tags["a.b"]`. */
export function parsePropertyPath(path: string): PathStep[] {
  const steps: PathStep[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(path)) !== null) {
    if (m[1] !== undefined) steps.push(m[1]);
    else if (m[2] !== undefined) steps.push(Number(m[2]));
    else steps.push(JSON.parse(`"${m[3]}"`) as string);
  }
  return steps;
}

function getAt(v: unknown, steps: PathStep[]): { found: boolean; value?: unknown } {
  let cur: unknown = v;
  for (const s of steps) {
    if (typeof cur !== "object" || cur === null || !(s in (cur as Props))) return { found: false };
    cur = (cur as Props)[s as string];
  }
  return { found: true, value: cur };
}

function setAt(v: Props, steps: PathStep[], value: unknown, remove: boolean): void {
  let cur: unknown = v;
  for (const s of steps.slice(0, -1)) {
    const next = (cur as Props)[s as string];
    if (typeof next !== "object" || next === null) {
      if (remove) return;
      (cur as Props)[s as string] = typeof s === "number" ? [] : {};
    }
    cur = (cur as Props)[s as string];
  }
  const last = steps[steps.length - 1] as string;
  if (remove) delete (cur as Props)[last];
  else (cur as Props)[last] = value;
}

/**
 * The engine's `processIgnoreChanges`: for each path, the new inputs take the old inputs' value, or
 * lose the property when the old inputs did not have it. Applied before Check and Diff.
 */
export function applyIgnoreChanges(news: Props, olds: Props, ignoreChanges: readonly string[]): Props {
  const result = structuredClone(news);
  for (const path of ignoreChanges) {
    const steps = parsePropertyPath(path);
    if (steps.length === 0) continue;
    const old = getAt(olds, steps);
    setAt(result, steps, old.found ? structuredClone(old.value) : undefined, !old.found);
  }
  return result;
}

/**
 * The state as the engine would show it with `pulumi stack export` without `--show-secrets`: every
 * secret replaced by `"[secret]"`. Tests scan this for leaked passwords.
 */
export function redacted(state: StackState): unknown {
  const mask = (v: unknown): unknown => {
    if (isSecret(v)) return "[secret]";
    if (Array.isArray(v)) return v.map(mask);
    if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mask(x)]));
    return v;
  };
  return mask(state);
}
