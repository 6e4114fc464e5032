import * as path from "node:path";
import type { ContainerRegistryManagementClient } from "@azure/arm-containerregistry";
import { Deployment, destroyState, refreshState, type StepContext, type StepError } from "./engine";
import type { HostPool } from "./hosts";
import { executeProgram, namespacedConfig, type StackConfig } from "./program";
import type { Operation, Props, StackState } from "./state";

/** Where and how a program runs. */
export interface RunOptions {
  /** The ARM client azure-native resources and invokes go through (pointed at the emulator). */
  arm: ContainerRegistryManagementClient;
  /** The dynamic-provider hosts (one per distinct config). */
  hosts: HostPool;
  /** The program's Pulumi project name: the namespace of its own config keys (`new pulumi.Config()`). */
  project: string;
  /** Stack name. @default "dev" */
  stack?: string;
  /** Stack config: bare keys belong to `project`; `acr-tokens:*` and other namespaces as given. */
  config: StackConfig;
}

/** What a run, preview, refresh or destroy did (or, for a preview, would do). */
export interface RunResult {
  /** The state after the operation (a preview returns the state it was given). */
  state: StackState;
  /** Stack outputs; secrets wrapped (use `reveal` / `isSecret`). Empty for a preview. */
  outputs: Props;
  /** Per URN: create, update, replace, delete or same. */
  plan: Record<string, Operation>;
  /** Failed steps, in order; empty on success. */
  errors: StepError[];
  /** True when the plan has anything but "same" (what `--expect-no-changes` fails on). */
  changes: boolean;
}

function contextOf(options: RunOptions): StepContext {
  const config = namespacedConfig(options.project, options.config);
  return { arm: options.arm, host: () => options.hosts.get(config) };
}

/** Runs the program module, registering into `deployment`, as the run's project, stack and config. */
function execute(program: string, options: RunOptions, deployment: Deployment, ctx: StepContext): Promise<void> {
  return executeProgram({ program: resolveProgram(program), project: options.project, stack: options.stack ?? "dev", config: namespacedConfig(options.project, options.config), deployment, ctx });
}

function result(state: StackState, plan: Record<string, Operation>, errors: StepError[], outputs: Props): RunResult {
  return { state, outputs, plan, errors, changes: Object.values(plan).some((op) => op !== "same") };
}

/**
 * `pulumi up`: runs the program module against `state` and carries out every registration (see
 * harness/index.ts for what is and is not modelled). Never throws for a failed step: see `errors`.
 *
 * @param program - Path of the program module (e.g. `examples/quickstart/index.ts`), resolved from the repository root when relative.
 * @param state - The stack's state before the run ({@link emptyState} for a new stack).
 * @param options - ARM client, hosts, project, stack and config.
 */
export async function runProgram(program: string, state: StackState, options: RunOptions): Promise<RunResult> {
  const ctx = contextOf(options);
  const deployment = new Deployment(state, ctx, false);
  await execute(program, options, deployment, ctx);
  const next = await deployment.finish();
  return result(next, deployment.plan, deployment.errors, next.outputs);
}

/**
 * `pulumi preview` (with `refresh: true`, `pulumi preview --refresh`): the plan only; no provider
 * call that changes anything. The returned state is the given one (a refresh done for the preview is
 * not kept, as with the CLI).
 */
export async function preview(program: string, state: StackState, options: RunOptions & { refresh?: boolean }): Promise<RunResult> {
  const ctx = contextOf(options);
  let base = state;
  const errors: StepError[] = [];
  if (options.refresh) {
    const refreshed = await refreshState(ctx, state);
    base = refreshed.state;
    errors.push(...refreshed.errors);
  }
  const deployment = new Deployment(base, ctx, true);
  await execute(program, options, deployment, ctx);
  await deployment.finish();
  return result(state, deployment.plan, [...errors, ...deployment.errors], {});
}

/** `pulumi refresh`: reads every resource and realigns the state (see {@link refreshState}). */
export async function refresh(state: StackState, options: RunOptions): Promise<RunResult> {
  const done = await refreshState(contextOf(options), state);
  return result(done.state, done.plan, done.errors, done.state.outputs);
}

/** `pulumi destroy`: deletes every resource in state, dependents first. */
export async function destroy(state: StackState, options: RunOptions): Promise<RunResult> {
  const done = await destroyState(contextOf(options), state);
  return result(done.state, done.plan, done.errors, done.state.outputs);
}

const REPO_ROOT = path.resolve(__dirname, "../..");

function resolveProgram(program: string): string {
  return path.isAbsolute(program) ? program : path.join(REPO_ROOT, program);
}
