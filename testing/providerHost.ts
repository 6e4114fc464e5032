import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as pulumi from "@pulumi/pulumi";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { EngineService } from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engproto from "@pulumi/pulumi/proto/engine_pb";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as statusproto from "@pulumi/pulumi/proto/status_pb";
import type { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";

/**
 * Drives the dynamic-provider host that ships in @pulumi/pulumi (`cmd/dynamic-provider`) over gRPC,
 * as the Pulumi engine does (../shared/research/dynamic-provider-harness.md): Configure with the stack
 * config (secure values as secret sentinels, which the host unwraps), then Check/Diff/Create/Read/
 * Update/Delete with secrets stripped from inputs (the engine sends none: acceptSecrets=false), and
 * the engine's `annotateSecrets` plus `additionalSecretOutputs` applied to outputs.
 *
 * Everything the host prints is captured (stdout after the port line, stderr) for secret scans.
 */

export const REPO_ROOT = path.resolve(__dirname, "..");
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const PROVIDER_KEY = "__provider";

/** A secret as it travels over gRPC (and as outputs are stored by the engine). */
export interface SecretValue<T = unknown> {
  [SIG_KEY]: typeof SECRET_SIG;
  value: T;
}
export type Props = Record<string, unknown>;

/** Wraps a value as a secret sentinel (for Configure values and secret inputs). */
export function secret<T>(value: T): SecretValue<T> {
  return { [SIG_KEY]: SECRET_SIG, value };
}

/** True when `v` is a secret sentinel. */
export function isSecret(v: unknown): v is SecretValue {
  return typeof v === "object" && v !== null && (v as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** The plain value of a (possibly secret) value. */
export function reveal<T = unknown>(v: unknown): T {
  return (isSecret(v) ? v.value : v) as T;
}

/** Removes secret markers recursively, as the engine does for a provider that does not accept secrets. */
export function stripSecrets(v: unknown): unknown {
  if (isSecret(v)) return stripSecrets(v.value);
  if (Array.isArray(v)) return v.map(stripSecrets);
  if (typeof v === "object" && v !== null) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, stripSecrets(x)]));
  }
  return v;
}

/** Drops `undefined` recursively: the engine never sends it, and Struct.fromJavaScript refuses it. */
export function definedOnly<T>(v: T): T {
  if (Array.isArray(v)) return v.map(definedOnly) as T;
  if (typeof v === "object" && v !== null && !(v instanceof Date)) {
    return Object.fromEntries(
      Object.entries(v)
        .filter(([, x]) => x !== undefined)
        .map(([k, x]) => [k, definedOnly(x)]),
    ) as T;
  }
  return v;
}

function toStruct(props: Props): Struct {
  return Struct.fromJavaScript(definedOnly(props) as Record<string, never>);
}

/** Props as the engine sends them: to a provider that does not accept secrets, markers stripped; then a Struct. */
function toWire(props: Props, acceptsSecrets = false): Struct {
  return toStruct((acceptsSecrets ? props : stripSecrets(props)) as Props);
}

function fromStruct(s: Struct | undefined): Props {
  return (s?.toJavaScript() ?? {}) as Props;
}

/**
 * Marks the outputs named in `keys` secret, as the engine does after a step: its annotateSecrets (an
 * output whose same-named input was secret) plus the resource's `additionalSecretOutputs`.
 */
export function markSecrets(outs: Props, keys: Iterable<string>): Props {
  const result = { ...outs };
  for (const k of keys) {
    if (result[k] !== undefined && !isSecret(result[k])) result[k] = secret(result[k]);
  }
  return result;
}

function secretKeysOf(props: Props): string[] {
  return Object.entries(props)
    .filter(([, v]) => isSecret(v))
    .map(([k]) => k);
}

/** A failed RPC: the host's message, the gRPC code, and for a partially failed create the ErrorResourceInitFailed details. */
export class HostCallError extends Error {
  override readonly name = "HostCallError";
  constructor(
    message: string,
    readonly code: number,
    readonly initFailure?: { id: string; properties: Props; reasons: string[] },
  ) {
    super(message);
  }
}

function decodeInitFailure(metadata: grpc.Metadata | undefined): HostCallError["initFailure"] {
  const bin = metadata?.get("grpc-status-details-bin")[0];
  if (!bin || typeof bin === "string") return undefined;
  const status = statusproto.Status.deserializeBinary(new Uint8Array(bin));
  for (const any of status.getDetailsList()) {
    if (any.getTypeName() !== "pulumirpc.ErrorResourceInitFailed") continue;
    const detail = provproto.ErrorResourceInitFailed.deserializeBinary(any.getValue_asU8());
    return { id: detail.getId(), properties: fromStruct(detail.getProperties()), reasons: detail.getReasonsList() };
  }
  return undefined;
}

/** One line a provider sent to the engine's log (`pulumi.log`), as `pulumi up` would show it. */
export interface EngineLogLine {
  severity: "debug" | "info" | "warning" | "error";
  message: string;
  /** The resource the line is about, or "" for none. */
  urn: string;
}

const SEVERITIES: Record<number, EngineLogLine["severity"]> = {
  [engproto.LogSeverity.DEBUG]: "debug",
  [engproto.LogSeverity.INFO]: "info",
  [engproto.LogSeverity.WARNING]: "warning",
  [engproto.LogSeverity.ERROR]: "error",
};

/**
 * The engine's side of the log stream: a gRPC `pulumirpc.Engine` server on loopback whose `Log`
 * calls are kept in `lines`. The host gets its address as the engine address, as from the engine.
 * The other Engine methods are not used by a provider and answer UNIMPLEMENTED.
 */
class EngineLog {
  readonly lines: EngineLogLine[] = [];
  private readonly waiters = new Set<() => void>();

  /** Resolves once a line matching `predicate` has arrived (lines are sent asynchronously by the host). */
  waitFor(predicate: (line: EngineLogLine) => boolean, timeoutMs: number): Promise<EngineLogLine> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.lines.find(predicate);
        if (!found) return false;
        clearTimeout(timer);
        this.waiters.delete(onLine);
        resolve(found);
        return true;
      };
      const onLine = (): void => void check();
      const timer = setTimeout(() => {
        this.waiters.delete(onLine);
        reject(new Error(`no such line in the engine log within ${timeoutMs} ms; it has: ${JSON.stringify(this.lines)}`));
      }, timeoutMs);
      if (!check()) this.waiters.add(onLine);
    });
  }
  private constructor(
    private readonly server: grpc.Server,
    readonly address: string,
  ) {}

  static async start(): Promise<EngineLog> {
    const server = new grpc.Server();
    let log!: EngineLog;
    const unimplemented: grpc.handleUnaryCall<unknown, unknown> = (_call, cb) => cb({ code: grpc.status.UNIMPLEMENTED, details: "not an engine" }, null);
    server.addService(EngineService, {
      log: (call: grpc.ServerUnaryCall<engproto.LogRequest, Empty>, cb: grpc.sendUnaryData<Empty>) => {
        const req = call.request;
        log.lines.push({ severity: SEVERITIES[req.getSeverity()] ?? "info", message: req.getMessage(), urn: req.getUrn() });
        cb(null, new Empty());
        for (const waiter of [...log.waiters]) waiter();
      },
      getRootResource: unimplemented,
      setRootResource: unimplemented,
      startDebugging: unimplemented,
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    log = new EngineLog(server, `127.0.0.1:${port}`);
    return log;
  }

  close(): void {
    this.server.forceShutdown();
  }
}

export interface ProviderHostOptions {
  /** Extra environment for the host (on top of a minimal base; `undefined` removes a variable). */
  env?: Record<string, string | undefined>;
  /** Pulumi project name (`PULUMI_NODEJS_PROJECT`). Default `acr-tokens-test`. */
  project?: string;
  /**
   * The host's working directory, where the serialized shims resolve `acr-tokens/provider` from
   * (a project that installed the package). Default: the repo root, with ts-node and the
   * `acr-tokens-source` condition so that it resolves to the TypeScript source.
   */
  projectDir?: string;
  /**
   * `"source"` (default): `node -r ts-node/register --conditions=acr-tokens-source`, the provider's
   * TypeScript source. `"compiled"`: plain `node`, as the engine runs the host for a user's project;
   * `projectDir` must then resolve `acr-tokens/provider` to compiled JavaScript.
   */
  runtime?: "source" | "compiled";
  /**
   * Start a provider plugin executable instead of the dynamic-provider host, as the engine starts
   * `pulumi-resource-<name>`: `<executable> <engineAddress>` (default the engine-log server; Construct needs a
   * live one). Such a plugin accepts secrets (acr-tokens' does), so requests keep the secret markers
   * the engine then sends instead of stripping them.
   */
  plugin?: { executable: string; engineAddress?: string };
}

/**
 * One running host. Start one per test file or per config scenario (a host configures each provider
 * once per process, even when that configure failed), and `close()` it in `after`.
 */
export class ProviderHost {
  private stdoutText = "";
  private stderrText = "";
  private exited = false;

  private constructor(
    private readonly child: ChildProcess,
    private readonly client: ResourceProviderClient,
    private readonly engineLog: EngineLog,
    /** Whether requests keep secret markers (a plugin that accepts secrets) or have them stripped (the dynamic host). */
    private readonly acceptsSecrets = false,
  ) {
    child.on("exit", () => (this.exited = true));
  }

  /** The host's process id (for diagnostics such as its CPU time). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Every line the host's providers sent to the engine's log (`pulumi.log`), in order. */
  get log(): readonly EngineLogLine[] {
    return this.engineLog.lines;
  }

  /** Waits (up to `timeoutMs`) for a log line matching `predicate`: the host sends its lines asynchronously. */
  waitForLog(predicate: (line: EngineLogLine) => boolean, timeoutMs = 10_000): Promise<EngineLogLine> {
    return this.engineLog.waitFor(predicate, timeoutMs);
  }

  /** Everything the host wrote to stdout after the port line. */
  get stdout(): string {
    return this.stdoutText;
  }

  /** Everything the host wrote to stderr (provider stack traces, serializer warnings). */
  get stderr(): string {
    return this.stderrText;
  }

  /**
   * Spawns `node -r ts-node/register --conditions=acr-tokens-source <@pulumi/pulumi/cmd/dynamic-provider> <engine log address>`
   * with cwd = the repo root, as the engine runs it for a program in this repo: the serialized shims
   * resolve `acr-tokens/provider` from the working directory (the package self-reference here; a
   * consumer's node_modules in a real project), and the condition maps it to the TypeScript source.
   * With `runtime: "compiled"`, plain `node <host> <engine log address>` in `projectDir` (see the options).
   * The engine address is a loopback server that keeps the host's `pulumi.log` lines ({@link log}).
   */
  static async start(options: ProviderHostOptions = {}): Promise<ProviderHost> {
    // The host of the project's own @pulumi/pulumi, as the engine starts it (the repo's copy when the project has none).
    const hostScript = require.resolve("@pulumi/pulumi/cmd/dynamic-provider", { paths: [options.projectDir ?? REPO_ROOT] });
    const env: NodeJS.ProcessEnv = {
      PATH: process.env["PATH"],
      HOME: process.env["HOME"],
      PULUMI_NODEJS_PROJECT: options.project ?? "acr-tokens-test",
    };
    const compiled = options.runtime === "compiled";
    if (!compiled) env["TS_NODE_TRANSPILE_ONLY"] = "true";
    for (const [k, v] of Object.entries(options.env ?? {})) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
    const engineLog = await EngineLog.start();
    const plugin = options.plugin;
    const child = plugin
      ? spawn(plugin.executable, [plugin.engineAddress ?? engineLog.address], { cwd: options.projectDir ?? REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] })
      : spawn(
          process.execPath,
          compiled ? [hostScript, engineLog.address] : ["-r", "ts-node/register", "--conditions=acr-tokens-source", hostScript, engineLog.address],
          { cwd: options.projectDir ?? REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] },
        );
    let early = "";
    const port = await new Promise<number>((resolve, reject) => {
      let first = "";
      const onData = (chunk: Buffer) => {
        first += chunk.toString("utf8");
        const nl = first.indexOf("\n");
        if (nl < 0) return;
        child.stdout!.off("data", onData);
        const line = first.slice(0, nl).trim();
        early = first.slice(nl + 1);
        if (/^\d+$/.test(line)) resolve(Number(line));
        else reject(new Error(`dynamic-provider host printed "${line}" instead of its port`));
      };
      child.stdout!.on("data", onData);
      child.stderr!.on("data", (c: Buffer) => (early += c.toString("utf8")));
      child.once("exit", (code) => reject(new Error(`dynamic-provider host exited with ${code} before printing its port: ${early}`)));
      child.once("error", reject);
    });
    const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const host = new ProviderHost(child, client, engineLog, plugin !== undefined);
    host.stdoutText = early;
    child.stdout!.on("data", (c: Buffer) => (host.stdoutText += c.toString("utf8")));
    child.stderr!.on("data", (c: Buffer) => (host.stderrText += c.toString("utf8")));
    return host;
  }

  private call<Res>(send: (cb: (err: grpc.ServiceError | null, res: Res) => void) => grpc.ClientUnaryCall): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      send((err, res) => {
        if (err) reject(new HostCallError(err.details, err.code, decodeInitFailure(err.metadata)));
        else resolve(res);
      });
    });
  }

  /** Configure with namespaced stack config (`acr-tokens:accessToken`); wrap secure values with {@link secret}. */
  async configure(config: Props): Promise<void> {
    const req = new provproto.ConfigureRequest();
    req.setArgs(toStruct(config));
    req.setAcceptsecrets(true);
    req.setAcceptresources(true);
    await this.call<provproto.ConfigureResponse>((cb) => this.client.configure(req, cb));
  }

  async check(type: string, name: string, olds: Props, news: Props): Promise<{ inputs: Props; failures: Array<{ property: string; reason: string }> }> {
    const req = new provproto.CheckRequest();
    req.setUrn(urnOf(type, name));
    req.setName(name);
    req.setType(type);
    req.setOlds(toWire(olds, this.acceptsSecrets));
    req.setNews(toWire(news, this.acceptsSecrets));
    const res = await this.call<provproto.CheckResponse>((cb) => this.client.check(req, cb));
    return {
      inputs: markSecrets(fromStruct(res.getInputs()), secretKeysOf(news)),
      failures: res.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  async diff(type: string, name: string, id: string, olds: Props, news: Props): Promise<{ changes: "some" | "none" | "unknown"; replaces: string[]; deleteBeforeReplace: boolean }> {
    const req = new provproto.DiffRequest();
    req.setId(id);
    req.setUrn(urnOf(type, name));
    req.setOlds(toWire(olds, this.acceptsSecrets));
    req.setNews(toWire(news, this.acceptsSecrets));
    const res = await this.call<provproto.DiffResponse>((cb) => this.client.diff(req, cb));
    const c = res.getChanges();
    const D = provproto.DiffResponse.DiffChanges;
    return {
      changes: c === D.DIFF_SOME ? "some" : c === D.DIFF_NONE ? "none" : "unknown",
      replaces: res.getReplacesList(),
      deleteBeforeReplace: res.getDeletebeforereplace(),
    };
  }

  /** Create; `additionalSecretOutputs` as the resource registered them. Outputs keep secret markers. */
  async create(type: string, name: string, inputs: Props, additionalSecretOutputs: string[] = []): Promise<{ id: string; outs: Props }> {
    const req = new provproto.CreateRequest();
    req.setUrn(urnOf(type, name));
    req.setName(name);
    req.setType(type);
    req.setProperties(toWire(inputs, this.acceptsSecrets));
    const res = await this.call<provproto.CreateResponse>((cb) => this.client.create(req, cb));
    const outs = markSecrets(fromStruct(res.getProperties()), [...secretKeysOf(inputs), ...additionalSecretOutputs]);
    return { id: res.getId(), outs };
  }

  async read(type: string, name: string, id: string, state: Props, inputs: Props = {}, additionalSecretOutputs: string[] = []): Promise<{ id: string; outs: Props; inputs?: Props }> {
    const req = new provproto.ReadRequest();
    req.setId(id);
    req.setUrn(urnOf(type, name));
    req.setProperties(toWire(state, this.acceptsSecrets));
    req.setInputs(toWire(inputs, this.acceptsSecrets));
    const res = await this.call<provproto.ReadResponse>((cb) => this.client.read(req, cb));
    const outs = markSecrets(fromStruct(res.getProperties()), [...secretKeysOf(state), ...additionalSecretOutputs]);
    const newInputs = res.getInputs();
    return { id: res.getId(), outs, ...(newInputs ? { inputs: fromStruct(newInputs) } : {}) };
  }

  async update(type: string, name: string, id: string, olds: Props, news: Props, additionalSecretOutputs: string[] = []): Promise<{ outs: Props }> {
    const req = new provproto.UpdateRequest();
    req.setId(id);
    req.setUrn(urnOf(type, name));
    req.setOlds(toWire(olds, this.acceptsSecrets));
    req.setNews(toWire(news, this.acceptsSecrets));
    const res = await this.call<provproto.UpdateResponse>((cb) => this.client.update(req, cb));
    return { outs: markSecrets(fromStruct(res.getProperties()), [...secretKeysOf(news), ...additionalSecretOutputs]) };
  }

  async delete(type: string, name: string, id: string, state: Props): Promise<void> {
    const req = new provproto.DeleteRequest();
    req.setId(id);
    req.setUrn(urnOf(type, name));
    req.setProperties(toWire(state, this.acceptsSecrets));
    await this.call<Empty>((cb) => this.client.delete(req, cb));
  }

  /** GetSchema (version 0): the package schema as the plugin serves it, parsed. */
  async schema(): Promise<Record<string, unknown>> {
    const req = new provproto.GetSchemaRequest();
    const res = await this.call<provproto.GetSchemaResponse>((cb) => this.client.getSchema(req, cb));
    return JSON.parse(res.getSchema()) as Record<string, unknown>;
  }

  /**
   * Construct a component, as the engine does for a program in another language: the plugin registers
   * the children with the monitor at `monitorEndpoint` (a fake in tests) and returns the component's
   * URN and outputs (secret markers kept).
   */
  async construct(
    type: string,
    name: string,
    inputs: Props,
    monitorEndpoint: string,
    options: { providers?: Record<string, string>; dryRun?: boolean } = {},
  ): Promise<{ urn: string; state: Props }> {
    const req = new provproto.ConstructRequest();
    req.setProject("acr-tokens-test");
    req.setStack("test");
    req.setType(type);
    req.setName(name);
    req.setInputs(toStruct(inputs));
    req.setMonitorendpoint(monitorEndpoint);
    req.setDryrun(options.dryRun ?? false);
    req.setParallel(1);
    for (const [pkg, ref] of Object.entries(options.providers ?? {})) req.getProvidersMap().set(pkg, ref);
    const res = await this.call<provproto.ConstructResponse>((cb) => this.client.construct(req, cb));
    return { urn: res.getUrn(), state: fromStruct(res.getState()) };
  }

  async pluginVersion(): Promise<string> {
    const res = await this.call<PluginInfo>((cb) => this.client.getPluginInfo(new Empty(), cb));
    return res.getVersion();
  }

  /**
   * Sends `signal` to the host at once (synchronously, so a caller can kill it at an exact moment) and
   * resolves with the signal it died of. SIGKILL is a crash: no handler runs, nothing is flushed.
   */
  kill(signal: NodeJS.Signals): Promise<NodeJS.Signals | null> {
    const gone = new Promise<NodeJS.Signals | null>((resolve) => this.child.once("exit", (_code, sig) => resolve(sig)));
    this.child.kill(signal);
    this.client.close();
    void gone.then(() => this.engineLog.close());
    return gone;
  }

  /** Closes the channel and ends the host. */
  async close(): Promise<void> {
    this.client.close();
    this.engineLog.close();
    if (!this.exited) {
      const gone = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
      this.child.kill("SIGTERM");
      await gone;
    }
  }
}

function urnOf(type: string, name: string): string {
  return `urn:pulumi:test::acr-tokens-test::${type}::${name}`;
}

/** What a dynamic resource registered under mocks: its type token, its inputs (with `__provider`), its options. */
export interface RegisteredDynamicResource {
  type: string;
  name: string;
  inputs: Props;
  providerText: unknown;
}

/**
 * Builds dynamic resources under `pulumi.runtime.setMocks` and returns what they registered, in
 * particular the `__provider` text the SDK serialized — the exact string a real `pulumi up` stores
 * in state and hands to the host. (Resets the process-wide mocks: test files that use mocks set their
 * own before use.)
 */
export async function registerUnderMocks(build: () => pulumi.Resource[]): Promise<RegisteredDynamicResource[]> {
  const seen: RegisteredDynamicResource[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        seen.push({ type: args.type, name: args.name, inputs: args.inputs as Props, providerText: (args.inputs as Props)[PROVIDER_KEY] });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call() {
        throw new Error("Mock call not implemented");
      },
    },
    "acr-tokens-test",
    "test",
    false,
  );
  const resources = build();
  await Promise.all(resources.map((r) => new Promise<void>((resolve) => r.urn.apply(() => resolve()))));
  return seen;
}

/** The property bag a host call needs: the inputs plus the serialized provider. */
export function withProvider(providerText: string, props: Props): Props {
  return { ...props, [PROVIDER_KEY]: providerText };
}
