import * as grpc from "@grpc/grpc-js";
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import * as resproto from "@pulumi/pulumi/proto/resource_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { invokeAzureNative } from "./azureNative";
import type { Deployment, StepContext } from "./engine";
import { definedOnly, stripSecrets, type Props, type SecretValue } from "./state";

/**
 * Runs a Pulumi program module in this process under the SDK's mock runtime, with a monitor that
 * hands every registration to a {@link Deployment} instead of answering with canned values.
 *
 * `pulumi.runtime.setMocks` hides resource options from its callbacks (ignoreChanges,
 * additionalSecretOutputs, deleteBeforeReplace, dependencies, parent) and component outputs, so the
 * monitor is a subclass of the SDK's own `MockMonitor` that reads them from the gRPC requests, and is
 * installed the way `setMocks` installs its monitor. `@pulumi/pulumi` is pinned (3.270.0) because
 * this relies on its internal modules.
 */

/** Internal SDK functions that `setMocks` and the language host use (untyped in the published .d.ts). */
interface SdkInternals {
  setMockOptions(monitor: unknown, project: string, stack: string, preview: boolean): void;
  waitForRPCs(): Promise<void>;
  getStore(): Record<string, unknown>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdk: SdkInternals = { ...require("@pulumi/pulumi/runtime/settings"), getStore: require("@pulumi/pulumi/runtime/state").getStore };

/** The URN the engine gives a resource: the parent's qualified type is prefixed, except for the root stack's. */
function urnOf(project: string, stack: string, parent: string, type: string, name: string): string {
  const parentType = parent ? parent.split("::")[2] : "";
  const qualified = parentType && parentType !== "pulumi:pulumi:Stack" ? `${parentType}$${type}` : type;
  return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/** Stack config: `key` (the program's project namespace) or `namespace:key`; secure values wrapped with `secret()`. */
export type StackConfig = Record<string, string | SecretValue<string>>;

/** Turns `key` into `<project>:key` (as `pulumi config set key` stores it). */
export function namespacedConfig(project: string, config: StackConfig): Props {
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k.includes(":") ? k : `${project}:${k}`, v]));
}

/** Error the SDK treats as "the engine ended the deployment": the program's pending outputs are left unresolved instead of rejected. */
function engineStopped(message: string): grpc.ServiceError {
  return Object.assign(new Error(message), { code: grpc.status.UNAVAILABLE, details: message, metadata: new grpc.Metadata() });
}

type Callback<T> = (err: grpc.ServiceError | Error | null, resp?: T) => void;

class HarnessMonitor extends MockMonitor {
  private readonly inflight = new Set<Promise<unknown>>();
  private stopped: ((reason: unknown) => void) | undefined;
  /** Settles when a step fails (the engine would stop the program). */
  readonly stop = new Promise<never>((_, reject) => (this.stopped = reject));

  constructor(
    private readonly deployment: Deployment,
    private readonly ctx: StepContext,
    private readonly project: string,
    private readonly stack: string,
  ) {
    super({
      newResource: () => {
        throw new Error("harness: unreachable (registerResource is overridden)");
      },
      call: () => {
        throw new Error("harness: unreachable (invoke is overridden)");
      },
    });
    this.stop.catch(() => undefined);
  }

  /** Waits for every registration and invoke in flight. */
  async drain(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p)).catch(() => undefined);
    return p;
  }

  override async registerResource(req: resproto.RegisterResourceRequest, callback: Callback<resproto.RegisterResourceResponse>): Promise<void> {
    await this.track(
      (async () => {
        const urn = urnOf(this.project, this.stack, req.getParent(), req.getType(), req.getName());
        try {
          const { id, outputs } = await this.deployment.register({
            urn,
            type: req.getType(),
            name: req.getName(),
            custom: req.getCustom(),
            parent: req.getParent(),
            dependencies: req.getDependenciesList(),
            inputs: (req.getObject()?.toJavaScript() ?? {}) as Props,
            ignoreChanges: req.getIgnorechangesList(),
            additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
            deleteBeforeReplace: req.getDeletebeforereplace(),
          });
          const resp = new resproto.RegisterResourceResponse();
          resp.setUrn(urn);
          resp.setId(id);
          resp.setObject(Struct.fromJavaScript(definedOnly(outputs) as Record<string, never>));
          callback(null, resp);
        } catch (err) {
          this.stopped?.(err);
          callback(engineStopped(err instanceof Error ? err.message : String(err)));
        }
      })(),
    );
  }

  override registerResourceOutputs(req: resproto.RegisterResourceOutputsRequest, callback: Callback<unknown>): void {
    this.deployment.recordOutputs(req.getUrn(), (req.getOutputs()?.toJavaScript() ?? {}) as Props);
    callback(null, {});
  }

  override async invoke(req: resproto.ResourceInvokeRequest, callback: Callback<resproto.ResourceInvokeResponse>): Promise<void> {
    await this.track(
      (async () => {
        try {
          const args = stripSecrets(req.getArgs()?.toJavaScript() ?? {}) as Props;
          const result = await invokeAzureNative(this.ctx.arm, req.getTok(), args);
          const resp = new resproto.ResourceInvokeResponse();
          resp.setReturn(Struct.fromJavaScript(definedOnly(result) as Record<string, never>));
          callback(null, resp);
        } catch (err) {
          this.deployment.fail(`invoke ${req.getTok()}`, err);
          this.stopped?.(err);
          callback(engineStopped(err instanceof Error ? err.message : String(err)));
        }
      })(),
    );
  }

  override async readResource(req: resproto.ReadResourceRequest, callback: Callback<resproto.ReadResourceResponse>): Promise<void> {
    const message = `harness: reading existing resources (${req.getType()} "${req.getName()}" via .get()) is not supported.`;
    this.deployment.fail(req.getName(), new Error(message));
    this.stopped?.(new Error(message));
    callback(engineStopped(message));
  }
}

/** Options of one program execution. */
export interface ExecuteOptions {
  /** Absolute path of the program module (required fresh each run). */
  program: string;
  project: string;
  stack: string;
  /** Namespaced stack config (see {@link namespacedConfig}). */
  config: Props;
  deployment: Deployment;
  ctx: StepContext;
}

/**
 * Runs the program once: config set, the module re-required inside a `pulumi:pulumi:Stack` (as the
 * Node language host does, so its exports become the stack outputs), then waits until every
 * registration has been carried out, or until the first failure (as the engine stops there).
 */
export async function executeProgram(options: ExecuteOptions): Promise<void> {
  const { deployment } = options;
  const monitor = new HarnessMonitor(deployment, options.ctx, options.project, options.stack);
  // What setMocks does, with our monitor.
  sdk.setMockOptions(monitor, options.project, options.stack, deployment.preview);
  const store = sdk.getStore();
  for (const flag of ["supportsSecrets", "supportsResourceReferences", "supportsDeletedWith", "supportsReplaceWith", "supportsAliasSpecs", "supportsTransforms", "supportsInvokeTransforms", "supportsParameterization", "supportsResourceHooks", "supportsErrorHooks"]) {
    store[flag] = true;
  }
  store["supportsOutputValues"] = false;
  store["supportsInvokeDependsOn"] = false;

  const plain: Props = {};
  const secretKeys: string[] = [];
  for (const [k, v] of Object.entries(options.config)) {
    const value = stripSecrets(v);
    plain[k] = typeof value === "string" ? value : JSON.stringify(value);
    if (value !== v) secretKeys.push(k);
  }
  pulumi.runtime.setAllConfig(plain as Record<string, string>, secretKeys);

  const program = require.resolve(options.program);
  const run = pulumi.runtime.runInPulumiStack(async () => {
    delete require.cache[program];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exported = require(program) as Record<string, unknown>;
    return { ...exported };
  });
  try {
    await Promise.race([run, monitor.stop]);
    await Promise.race([sdk.waitForRPCs(), monitor.stop]);
  } catch (err) {
    // A step failed (recorded by the deployment), or the program threw.
    if (deployment.errors.length === 0) deployment.fail(`program ${options.program}`, err);
  }
  run.catch(() => undefined);
  await monitor.drain();
  // The config lives in the SDK's process-wide store: leave none behind for other programs or tests.
  pulumi.runtime.setAllConfig({}, []);
}
