import type { ContainerRegistryManagementClient } from "@azure/arm-containerregistry";
import type { ProviderHost } from "../providerHost";
import { deleteAzureNative, diffAzureNative, isAzureNativeType, putAzureNative, readAzureNative } from "./azureNative";
import {
  UNKNOWN,
  applyIgnoreChanges,
  deepEqual,
  markSecrets,
  withoutResourceReferences,
  type Operation,
  type Props,
  type ResourceKind,
  type ResourceState,
  type StackState,
} from "./state";

/**
 * The step logic of the harness: what the Pulumi engine decides and does for each registration
 * (create, same, update, replace, delete) and for refresh and destroy, with azure-native's semantics
 * for its containerregistry resources and the real dynamic-provider host for dynamic resources.
 */

/** Where the steps go: the ARM client for azure-native resources, the host for dynamic ones. */
export interface StepContext {
  arm: ContainerRegistryManagementClient;
  /** The dynamic-provider host configured with the run's stack config (started on first use). */
  host(): Promise<ProviderHost>;
}

/** One registration as the program sent it (options read from the gRPC request). */
export interface Registration {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  parent: string;
  dependencies: string[];
  /** Wire-form inputs: secrets as sentinels, unknowns (preview) as the unknown marker. */
  inputs: Props;
  ignoreChanges: string[];
  additionalSecretOutputs: string[];
  deleteBeforeReplace: boolean;
}

/** A failed step: the URN and the provider's (or the harness's) message. */
export interface StepError {
  urn: string;
  message: string;
}

export function kindOf(type: string, custom: boolean): ResourceKind {
  if (!custom) return "component";
  if (type.startsWith("pulumi-nodejs:dynamic")) return "dynamic";
  if (isAzureNativeType(type)) return "azure-native";
  return "other";
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Orders resources so each comes after its parent and its dependencies (stable otherwise): the order
 * of a checkpoint, whose reverse is a safe delete order.
 */
export function dependencyOrder(resources: readonly ResourceState[]): ResourceState[] {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const done = new Set<string>();
  const out: ResourceState[] = [];
  const visit = (r: ResourceState, path: Set<string>) => {
    if (done.has(r.urn) || path.has(r.urn)) return;
    path.add(r.urn);
    for (const dep of [r.parent, ...r.dependencies]) {
      const d = byUrn.get(dep);
      if (d) visit(d, path);
    }
    done.add(r.urn);
    out.push(r);
  };
  for (const r of resources) visit(r, new Set());
  return out;
}

/** Deletes one resource through its provider (components and others have nothing to delete). */
export async function deleteResource(ctx: StepContext, r: ResourceState): Promise<void> {
  if (r.kind === "azure-native") await deleteAzureNative(ctx.arm, r.type, r.name, r.inputs);
  else if (r.kind === "dynamic") await (await ctx.host()).delete(r.type, r.name, r.id, r.outputs);
}

/**
 * One program run's steps. `preview` decides and reports without calling any provider operation that
 * changes something (Check, Diff and reads only), as `pulumi preview` does.
 */
export class Deployment {
  readonly plan: Record<string, Operation> = {};
  readonly errors: StepError[] = [];
  private readonly old: Map<string, ResourceState>;
  private readonly registered = new Map<string, ResourceState | undefined>();
  private readonly replaced: ResourceState[] = [];
  private aborted = false;

  constructor(
    private readonly previous: StackState,
    private readonly ctx: StepContext,
    readonly preview: boolean,
  ) {
    this.old = new Map(previous.resources.map((r) => [r.urn, r]));
  }

  /** Carries out one registration; resolves to the id and wire-form outputs the program receives. */
  async register(reg: Registration): Promise<{ id: string; outputs: Props }> {
    if (this.registered.has(reg.urn)) throw new Error(`harness: duplicate resource URN ${reg.urn}; give each resource a unique name.`);
    this.registered.set(reg.urn, undefined);
    if (this.aborted) {
      throw new Error(`${reg.urn}: not carried out, because an earlier step failed (the engine stops at the first failure).`);
    }
    try {
      const { state, op } = await this.step(reg);
      this.registered.set(reg.urn, state);
      this.plan[reg.urn] = op;
      // An id unknown at preview goes back as "", which the SDK resolves as an unknown id.
      return { id: state.id === UNKNOWN ? "" : state.id, outputs: state.custom ? state.outputs : {} };
    } catch (err) {
      this.aborted = true;
      this.errors.push({ urn: reg.urn, message: errorMessage(err) });
      throw err;
    }
  }

  /** A component's `registerOutputs`. */
  recordOutputs(urn: string, outputs: Props): void {
    const r = this.registered.get(urn);
    if (r) this.registered.set(urn, { ...r, outputs });
  }

  /** Records a failure outside any registration (the program itself threw). */
  fail(urn: string, err: unknown): void {
    this.aborted = true;
    this.errors.push({ urn, message: errorMessage(err) });
  }

  /**
   * After the program: deletes what was replaced and what the program no longer registers (dependents
   * first), unless a step failed, and returns the new state.
   */
  async finish(): Promise<StackState> {
    const kept: ResourceState[] = [];
    if (!this.aborted) {
      const order = this.previous.resources.map((r) => r.urn);
      const doomed = [
        ...this.replaced,
        ...this.previous.resources.filter((r) => !this.registered.has(r.urn)),
      ].sort((a, b) => order.indexOf(b.urn) - order.indexOf(a.urn));
      for (const r of doomed) {
        const isReplacement = this.replaced.includes(r);
        if (!isReplacement) this.plan[r.urn] = "delete";
        if (this.preview) continue;
        try {
          await deleteResource(this.ctx, r);
        } catch (err) {
          this.errors.push({ urn: r.urn, message: errorMessage(err) });
          if (!isReplacement) kept.push(r);
        }
      }
    } else {
      for (const r of this.previous.resources) {
        const now = this.registered.get(r.urn);
        if (now === undefined) kept.push(r);
      }
    }
    const registered = [...this.registered.values()].filter((r): r is ResourceState => r !== undefined);
    const stack = registered.find((r) => r.type === "pulumi:pulumi:Stack");
    const resources = this.preview ? this.previous.resources : dependencyOrder([...registered, ...kept]);
    return { resources, outputs: this.preview ? this.previous.outputs : (stack?.outputs ?? {}) };
  }

  private async step(reg: Registration): Promise<{ state: ResourceState; op: Operation }> {
    const kind = kindOf(reg.type, reg.custom);
    const old = this.old.get(reg.urn);
    const base = {
      urn: reg.urn,
      type: reg.type,
      name: reg.name,
      kind,
      custom: reg.custom,
      parent: reg.parent,
      dependencies: reg.dependencies,
      ignoreChanges: reg.ignoreChanges,
      additionalSecretOutputs: reg.additionalSecretOutputs,
      deleteBeforeReplace: reg.deleteBeforeReplace,
    };
    const program = withoutResourceReferences(reg.inputs) as Props;
    const news = old ? applyIgnoreChanges(program, old.inputs, reg.ignoreChanges) : program;
    switch (kind) {
      case "component":
      case "other": {
        const op: Operation = !old ? "create" : deepEqual(old.inputs, news) ? "same" : "update";
        const outputs = kind === "other" ? news : (old?.outputs ?? {});
        return { state: { ...base, id: old?.id ?? (kind === "other" ? `${reg.name}-id` : ""), inputs: news, outputs }, op };
      }
      case "azure-native":
        return this.azureNativeStep(base, old, news);
      case "dynamic":
        return this.dynamicStep(base, old, news);
    }
  }

  private async azureNativeStep(
    base: Omit<ResourceState, "id" | "inputs" | "outputs">,
    old: ResourceState | undefined,
    news: Props,
  ): Promise<{ state: ResourceState; op: Operation }> {
    const put = async () => {
      const done = await putAzureNative(this.ctx.arm, base.type, base.name, news);
      return { ...base, id: done.id, inputs: news, outputs: markSecrets(done.outputs, base.additionalSecretOutputs) };
    };
    if (!old) {
      if (this.preview) return { state: { ...base, id: UNKNOWN, inputs: news, outputs: news }, op: "create" };
      return { state: await put(), op: "create" };
    }
    const diff = diffAzureNative(base.type, old.inputs, news);
    if (diff.changed.length === 0) return { state: { ...old, ...base, id: old.id, inputs: news, outputs: old.outputs }, op: "same" };
    if (!diff.replace) {
      if (this.preview) return { state: { ...old, ...base, inputs: news, outputs: { ...old.outputs, ...news } }, op: "update" };
      return { state: await put(), op: "update" };
    }
    if (this.preview) return { state: { ...base, id: UNKNOWN, inputs: news, outputs: news }, op: "replace" };
    // A replacement with the same ARM name cannot be created first (the PUT would update the old one).
    const sameArmName = diff.changed.every((k) => k === "location");
    if (base.deleteBeforeReplace || sameArmName) await deleteResource(this.ctx, old);
    else this.replaced.push(old);
    return { state: await put(), op: "replace" };
  }

  private async dynamicStep(
    base: Omit<ResourceState, "id" | "inputs" | "outputs">,
    old: ResourceState | undefined,
    news: Props,
  ): Promise<{ state: ResourceState; op: Operation }> {
    const host = await this.ctx.host();
    const checked = await host.check(base.type, base.name, old?.inputs ?? {}, news);
    if (checked.failures.length > 0) {
      throw new Error(checked.failures.map((f) => `${f.property}: ${f.reason}`).join("; "));
    }
    const inputs = checked.inputs;
    const create = async () => {
      const made = await host.create(base.type, base.name, inputs, [...base.additionalSecretOutputs]);
      return { ...base, id: made.id, inputs, outputs: made.outs };
    };
    if (!old) {
      if (this.preview) return { state: { ...base, id: UNKNOWN, inputs, outputs: inputs }, op: "create" };
      return { state: await create(), op: "create" };
    }
    const diff = await host.diff(base.type, base.name, old.id, old.outputs, inputs);
    if (diff.changes === "none") return { state: { ...old, ...base, id: old.id, inputs, outputs: old.outputs }, op: "same" };
    if (diff.replaces.length === 0) {
      if (this.preview) return { state: { ...old, ...base, inputs, outputs: { ...old.outputs, ...inputs } }, op: "update" };
      const updated = await host.update(base.type, base.name, old.id, old.outputs, inputs, [...base.additionalSecretOutputs]);
      return { state: { ...base, id: old.id, inputs, outputs: updated.outs }, op: "update" };
    }
    if (this.preview) return { state: { ...base, id: UNKNOWN, inputs, outputs: inputs }, op: "replace" };
    if (base.deleteBeforeReplace || diff.deleteBeforeReplace) await deleteResource(this.ctx, old);
    else this.replaced.push(old);
    return { state: await create(), op: "replace" };
  }
}

/** What a refresh found per resource. */
export interface RefreshResult {
  state: StackState;
  plan: Record<string, Operation>;
  errors: StepError[];
}

/**
 * `pulumi refresh`: azure-native resources are read (GET) with inputs realigned as azure-native does;
 * dynamic resources go to the host's Read (id "" removes the resource; returned `inputs` are stored).
 * Components are kept as they are.
 */
export async function refreshState(ctx: StepContext, state: StackState): Promise<RefreshResult> {
  const plan: Record<string, Operation> = {};
  const errors: StepError[] = [];
  const resources: ResourceState[] = [];
  for (const r of state.resources) {
    try {
      let next: ResourceState | undefined = r;
      if (r.kind === "azure-native") {
        const read = await readAzureNative(ctx.arm, r.type, r.name, r.inputs, r.outputs);
        next = read && { ...r, inputs: read.inputs, outputs: markSecrets(read.outputs, r.additionalSecretOutputs) };
      } else if (r.kind === "dynamic") {
        const read = await (await ctx.host()).read(r.type, r.name, r.id, r.outputs, r.inputs, [...r.additionalSecretOutputs]);
        next = read.id === "" ? undefined : { ...r, id: read.id, outputs: read.outs, inputs: read.inputs ?? r.inputs };
      }
      if (!next) {
        plan[r.urn] = "delete";
        continue;
      }
      plan[r.urn] = deepEqual(next.inputs, r.inputs) && deepEqual(next.outputs, r.outputs) ? "same" : "update";
      resources.push(next);
    } catch (err) {
      errors.push({ urn: r.urn, message: errorMessage(err) });
      resources.push(r);
    }
  }
  return { state: { resources, outputs: state.outputs }, plan, errors };
}

/** `pulumi destroy`: deletes every resource, dependents first; what failed to delete stays in state. */
export async function destroyState(ctx: StepContext, state: StackState): Promise<RefreshResult> {
  const plan: Record<string, Operation> = {};
  const errors: StepError[] = [];
  const kept: ResourceState[] = [];
  for (const r of [...state.resources].reverse()) {
    try {
      await deleteResource(ctx, r);
      plan[r.urn] = "delete";
    } catch (err) {
      errors.push({ urn: r.urn, message: errorMessage(err) });
      kept.unshift(r);
    }
  }
  return { state: { resources: kept, outputs: kept.length > 0 ? state.outputs : {} }, plan, errors };
}
