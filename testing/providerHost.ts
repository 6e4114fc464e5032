import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as pulumi from "@pulumi/pulumi";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
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

/** Props as the engine sends them to a provider that does not accept secrets: markers stripped, then a Struct. */
function toWire(props: Props): Struct {
  return toStruct(stripSecrets(props) as Props);
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
  ) {
    child.on("exit", () => (this.exited = true));
  }

  /** The host's process id (for diagnostics such as its CPU time). */
  get pid(): number | undefined {
    return this.child.pid;
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
   * Spawns `node -r ts-node/register --conditions=acr-tokens-source <@pulumi/pulumi/cmd/dynamic-provider> 127.0.0.1:1`
   * with cwd = the repo root, as the engine runs it for a program in this repo: the serialized shims
   * resolve `acr-tokens/provider` from the working directory (the package self-reference here; a
   * consumer's node_modules in a real project), and the condition maps it to the TypeScript source.
   * With `runtime: "compiled"`, plain `node <host> 127.0.0.1:1` in `projectDir` (see the options).
   */
  static async start(options: ProviderHostOptions = {}): Promise<ProviderHost> {
    const hostScript = require.resolve("@pulumi/pulumi/cmd/dynamic-provider");
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
    const child = spawn(
      process.execPath,
      compiled ? [hostScript, "127.0.0.1:1"] : ["-r", "ts-node/register", "--conditions=acr-tokens-source", hostScript, "127.0.0.1:1"],
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
    const host = new ProviderHost(child, client);
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
    req.setOlds(toWire(olds));
    req.setNews(toWire(news));
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
    req.setOlds(toWire(olds));
    req.setNews(toWire(news));
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
    req.setProperties(toWire(inputs));
    const res = await this.call<provproto.CreateResponse>((cb) => this.client.create(req, cb));
    const outs = markSecrets(fromStruct(res.getProperties()), [...secretKeysOf(inputs), ...additionalSecretOutputs]);
    return { id: res.getId(), outs };
  }

  async read(type: string, name: string, id: string, state: Props, inputs: Props = {}, additionalSecretOutputs: string[] = []): Promise<{ id: string; outs: Props; inputs?: Props }> {
    const req = new provproto.ReadRequest();
    req.setId(id);
    req.setUrn(urnOf(type, name));
    req.setProperties(toWire(state));
    req.setInputs(toWire(inputs));
    const res = await this.call<provproto.ReadResponse>((cb) => this.client.read(req, cb));
    const outs = markSecrets(fromStruct(res.getProperties()), [...secretKeysOf(state), ...additionalSecretOutputs]);
    const newInputs = res.getInputs();
    return { id: res.getId(), outs, ...(newInputs ? { inputs: fromStruct(newInputs) } : {}) };
  }

  async update(type: string, name: string, id: string, olds: Props, news: Props, additionalSecretOutputs: string[] = []): Promise<{ outs: Props }> {
    const req = new provproto.UpdateRequest();
    req.setId(id);
    req.setUrn(urnOf(type, name));
    req.setOlds(toWire(olds));
    req.setNews(toWire(news));
    const res = await this.call<provproto.UpdateResponse>((cb) => this.client.update(req, cb));
    return { outs: markSecrets(fromStruct(res.getProperties()), [...secretKeysOf(news), ...additionalSecretOutputs]) };
  }

  async delete(type: string, name: string, id: string, state: Props): Promise<void> {
    const req = new provproto.DeleteRequest();
    req.setId(id);
    req.setUrn(urnOf(type, name));
    req.setProperties(toWire(state));
    await this.call<Empty>((cb) => this.client.delete(req, cb));
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
    return gone;
  }

  /** Closes the channel and ends the host. */
  async close(): Promise<void> {
    this.client.close();
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
