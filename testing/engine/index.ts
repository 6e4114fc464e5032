/**
 * Runs programs through the REAL Pulumi engine: the CLI built by `tools/pulumi/build.sh` (into
 * `.pulumi-cli/bin`), driven by the Automation API (`@pulumi/pulumi/automation`) with inline programs,
 * against the acr-tokens emulator. Nothing reaches the network: a local `file://` backend, the
 * passphrase secrets provider, `PULUMI_HOME` in a temporary folder (holding the azure-native stand-in,
 * installed with `pulumi plugin install --file`), no update checks, no plugin downloads.
 *
 * The test-side counterpart of harness/ (the mini engine): same emulator, same programs.
 */
import { execFile } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import type { ContainerRegistryManagementClient } from "@azure/arm-containerregistry";
import {
  LocalWorkspace,
  PulumiCommand,
  type ConfigMap,
  type DestroyResult,
  type EngineEvent,
  type OpType,
  type OutputMap,
  type PreviewResult,
  type PulumiFn,
  type RefreshResult,
  type Stack,
  type UpResult,
} from "@pulumi/pulumi/automation";
import { startEmulator, type Emulator } from "acr-tokens-emulator";
import { armClient, registrySnapshot } from "../emulator";
import { AZURE_NATIVE_VERSION } from "./azureNativePlugin";

const run = promisify(execFile);

export const REPO_ROOT = path.resolve(__dirname, "../..");
/** The folder laid out like the CLI's release archive's parent: `bin/pulumi`, `bin/pulumi-resource-pulumi-nodejs`. */
export const CLI_ROOT = process.env["PULUMI_CLI_DIR"] ?? path.join(REPO_ROOT, ".pulumi-cli");
export const CLI_BIN = path.join(CLI_ROOT, "bin");
/** The one command that builds the CLI (idempotent). */
export const CLI_BUILD_COMMAND = "tools/pulumi/build.sh";
/** Project folders of the stacks: inside the repository, so plugins started there resolve `acr-tokens` and `@pulumi/pulumi` as in a user's project. */
const WORK_ROOT = path.join(REPO_ROOT, ".pulumi-work");
const PASSPHRASE = "acr-tokens engine tests";
/** Ten years: the access token must outlive every move of the emulator clock a scenario makes. */
const TOKEN_LIFETIME_S = 10 * 365 * 86_400;

/** The CLI version tools/go.mod pins (the one the build stamps into `.pulumi-cli/version`). */
export function pinnedCliVersion(): string {
  const goMod = readFileSync(path.join(REPO_ROOT, "tools/go.mod"), "utf8");
  const m = /^(?:require)?\s*github\.com\/pulumi\/pulumi\/pkg\/v3 (v\S+)$/m.exec(goMod);
  if (!m) throw new Error("tools/go.mod does not require github.com/pulumi/pulumi/pkg/v3");
  return m[1];
}

/** True when `.pulumi-cli` holds the CLI at the pinned version (and the dynamic-provider launcher). */
export function cliBuilt(): boolean {
  const stamp = path.join(CLI_ROOT, "version");
  return (
    existsSync(path.join(CLI_BIN, "pulumi")) &&
    existsSync(path.join(CLI_BIN, "pulumi-resource-pulumi-nodejs")) &&
    existsSync(stamp) &&
    readFileSync(stamp, "utf8").trim() === pinnedCliVersion()
  );
}

/**
 * Declares an engine suite: runs `body` when the CLI is built; otherwise under `CI=true` registers one
 * failing test, and elsewhere prints loudly what is skipped and the build command, and registers the
 * suite's tests as pending (never counted as passed).
 */
export function describeEngine(title: string, body: (this: Mocha.Suite) => void): void {
  describe(`engine: ${title}`, function () {
    if (cliBuilt()) {
      body.call(this);
      return;
    }
    if (process.env["CI"] === "true") {
      it("has the Pulumi CLI built (required under CI=true)", function () {
        throw new Error(`The Pulumi CLI ${pinnedCliVersion()} is not built in ${CLI_BIN}; build it with: ${CLI_BUILD_COMMAND}`);
      });
      return;
    }
    console.warn(
      [
        "",
        `!!! WARNING: the Pulumi CLI ${pinnedCliVersion()} is not built in ${path.relative(REPO_ROOT, CLI_BIN)}.`,
        `!!! SKIPPED (pending): engine: ${title} (runs through the real Pulumi engine).`,
        `!!! Build it with: ${CLI_BUILD_COMMAND}   (under CI=true these tests fail instead)`,
        "",
      ].join("\n"),
    );
    // Register the suite's tests as pending (`it(title)` without a body); useEngineBed registers no hooks.
    const realIt = it;
    (globalThis as { it: unknown }).it = (t: string) => realIt(t);
    try {
      body.call(this);
    } finally {
      (globalThis as { it: unknown }).it = realIt;
    }
  });
}

/**
 * The bed of an engine suite: started before its tests, every stack destroyed after each test,
 * closed after the suite. Registers nothing when the CLI is not built (the suite is pending).
 */
export function useEngineBed(options: EngineBedOptions): () => EngineBed {
  let bed: EngineBed | undefined;
  if (cliBuilt()) {
    before(async () => {
      bed = await EngineBed.start(options);
    });
    afterEach(async () => {
      await bed?.destroyAll();
    });
    after(async () => {
      await bed?.close();
    });
  }
  return () => {
    if (!bed) throw new Error("useEngineBed: call the getter inside a test or hook");
    return bed;
  };
}

/** What an engine bed serves: one emulator holding one Premium registry. */
export interface EngineBedOptions {
  resourceGroup: string;
  registryName: string;
  /**
   * A project folder whose `node_modules/acr-tokens` is the compiled package (bench/compiledProject.ts):
   * the stacks' folders go inside it and the dynamic-provider plugin runs with plain `node`, as in a
   * user's project. Default: folders under `.pulumi-work`, the package's TypeScript source under ts-node.
   */
  compiledProjectDir?: string;
  /** Serve the registry's data plane too (emulator/dataplane: a login server and a real registry server), with no replication delay. */
  dataPlane?: boolean;
}

/** An operation's result with the steps by `<type>::<name>` and everything the CLI printed. */
export interface EngineRun<R> {
  result: R;
  /** The engine's step for each resource, by `<type>::<name>` (the URN's last two parts): the last one reported. */
  steps: Record<string, OpType>;
  /** Every step the engine started, in order (`<type>::<name>` and its op): a replacement shows its create and delete. */
  sequence: Array<{ key: string; op: OpType }>;
  /** Everything the CLI printed (stdout and stderr), for secret scans. */
  output: string;
}

/**
 * One emulator, one temporary PULUMI_HOME (with the azure-native stand-in installed), one file
 * backend, and the stacks made on it. `start()` in a `before` hook, `close()` in `after`.
 */
export class EngineBed {
  readonly arm: ContainerRegistryManagementClient;
  /** The ARM access token the providers use (`ACR_TOKENS_ACCESS_TOKEN`): scanned for in state and output. */
  readonly accessToken: string;
  private readonly stacks: EngineStack[] = [];
  /** ACR_TOKENS_CLOCK_FILE of this process before the bed set it (inline programs read "now" from it). */
  private readonly savedClockFile = process.env["ACR_TOKENS_CLOCK_FILE"];

  private constructor(
    readonly emu: Emulator,
    readonly options: EngineBedOptions,
    /** Temporary folder: backend/, home/ (PULUMI_HOME), clock. */
    readonly dir: string,
    readonly workDir: string,
    readonly command: PulumiCommand,
  ) {
    this.accessToken = emu.issueToken({ expiresInSeconds: TOKEN_LIFETIME_S });
    // Inline programs run in this process; RotatingTokenPassword reads "now" there, from the emulator's clock.
    process.env["ACR_TOKENS_CLOCK_FILE"] = emu.clock.mirrorFile;
    const token = this.accessToken;
    this.arm = armClient(emu, { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }) });
  }

  static async start(options: EngineBedOptions): Promise<EngineBed> {
    const dir = mkdtempSync(path.join(tmpdir(), "acr-tokens-engine-"));
    mkdirSync(WORK_ROOT, { recursive: true });
    const workDir = mkdtempSync(path.join(options.compiledProjectDir ?? WORK_ROOT, "stack-"));
    const emu = await startEmulator({
      seed: {
        resourceGroups: [{ name: options.resourceGroup }],
        registries: [{ resourceGroup: options.resourceGroup, name: options.registryName, sku: "Premium" }],
      },
      clockFile: path.join(dir, "clock"),
      ...(options.dataPlane ? { dataPlane: { replicationDelaySeconds: 0 } } : {}),
    });
    const command = await PulumiCommand.get({ root: CLI_ROOT });
    mkdirSync(path.join(dir, "backend"));
    const bed = new EngineBed(emu, options, dir, workDir, command);
    await bed.installStandIn();
    return bed;
  }

  get backendDir(): string {
    return path.join(this.dir, "backend");
  }

  get pulumiHome(): string {
    return path.join(this.dir, "home");
  }

  /** ARM id of a token of the registry. */
  tokenId(name: string): string {
    const { resourceGroup, registryName } = this.options;
    return `/subscriptions/${this.emu.subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ContainerRegistry/registries/${registryName}/tokens/${name}`;
  }

  /** The environment of every CLI run (and so of the plugins it starts). */
  env(): Record<string, string> {
    const emu = this.emu;
    return {
      PATH: `${CLI_BIN}${path.delimiter}${process.env["PATH"] ?? ""}`,
      PULUMI_HOME: this.pulumiHome,
      PULUMI_BACKEND_URL: `file://${this.backendDir}`,
      PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_SKIP_CONFIRMATIONS: "true",
      // The dynamic-provider plugin runs the serialized shims, which load `acr-tokens/provider` from
      // the project folder: the package's TypeScript source, as the tests run it, or the compiled package.
      NODE_OPTIONS: this.options.compiledProjectDir ? "" : "--require ts-node/register/transpile-only --conditions=acr-tokens-source",
      NODE_EXTRA_CA_CERTS: emu.caCertPath,
      ACR_TOKENS_ARM_ENDPOINT: emu.armEndpoint,
      ACR_TOKENS_ACCESS_TOKEN: this.accessToken,
      ACR_TOKENS_CLOCK_FILE: emu.clock.mirrorFile ?? "",
      ACR_TOKENS_LRO_POLL_INTERVAL_MS: "0",
      ARM_SUBSCRIPTION_ID: emu.subscriptionId,
    };
  }

  /** Runs the CLI outside a stack (plugin install, version); returns stdout. */
  async cli(args: string[]): Promise<string> {
    const { stdout } = await run(path.join(CLI_BIN, "pulumi"), args, { env: { ...process.env, ...this.env() }, cwd: this.workDir });
    return stdout;
  }

  /** Writes the stand-in's launcher and installs it as azure-native at the SDK's version. */
  private async installStandIn(): Promise<void> {
    const launcher = path.join(this.dir, "pulumi-resource-azure-native");
    const tsNode = require.resolve("ts-node/register/transpile-only");
    const script = path.join(__dirname, "azureNativePlugin.ts");
    writeFileSync(
      launcher,
      [
        "#!/bin/sh",
        "# acr-tokens' stand-in for the azure-native plugin (testing/engine/azureNativePlugin.ts).",
        // ts-node reads this repository's tsconfig, not the one of the project the engine runs it in.
        `exec env -u NODE_OPTIONS TS_NODE_PROJECT=${JSON.stringify(path.join(REPO_ROOT, "tsconfig.json"))} node --require ${JSON.stringify(tsNode)} ${JSON.stringify(script)} "$@"`,
        "",
      ].join("\n"),
    );
    chmodSync(launcher, 0o755);
    await this.cli(["plugin", "install", "resource", "azure-native", AZURE_NATIVE_VERSION, "--file", launcher]);
  }

  /**
   * A new stack of `project` running `program` (a module path relative to the repository root, run
   * afresh on every operation, or a function), with `config` (bare keys are the project's).
   */
  async stack(options: { project: string; program: string | PulumiFn; config?: Record<string, string>; stackName?: string }): Promise<EngineStack> {
    const program = typeof options.program === "string" ? programFromModule(options.program) : options.program;
    const stackName = options.stackName ?? `s${this.stacks.length + 1}`;
    const stack = await LocalWorkspace.createOrSelectStack(
      { stackName, projectName: options.project, program },
      {
        workDir: this.workDir,
        pulumiHome: this.pulumiHome,
        pulumiCommand: this.command,
        envVars: this.env(),
        secretsProvider: "passphrase",
        projectSettings: { name: options.project, runtime: "nodejs", backend: { url: `file://${this.backendDir}` } },
      },
    );
    const wrapped = new EngineStack(this, stack, options.project);
    if (options.config) await wrapped.setConfig(options.config);
    this.stacks.push(wrapped);
    return wrapped;
  }

  /** Scope maps and tokens of the registry as ARM lists them (passwords by name, creation time and expiry). */
  snapshot(): Promise<unknown> {
    return registrySnapshot(this.arm, this.options.resourceGroup, this.options.registryName);
  }

  /** Destroys every stack that still holds resources (each test leaves the registry as it found it). */
  async destroyAll(): Promise<void> {
    for (const s of this.stacks.splice(0)) {
      if ((await s.resourceCount()) > 0) {
        // A test that failed half-way may leave protected resources behind: unprotect, then destroy.
        await this.cli(["state", "unprotect", "--all", "--yes", "--stack", s.stack.name, "--non-interactive"]);
        await s.destroy();
      }
      await s.stack.workspace.removeStack(s.stack.name);
    }
  }

  async close(): Promise<void> {
    try {
      await this.destroyAll();
    } finally {
      if (this.savedClockFile === undefined) delete process.env["ACR_TOKENS_CLOCK_FILE"];
      else process.env["ACR_TOKENS_CLOCK_FILE"] = this.savedClockFile;
      await this.emu.close();
      rmSync(this.dir, { recursive: true, force: true });
      rmSync(this.workDir, { recursive: true, force: true });
    }
  }
}

/** An inline program that runs the module afresh each time (the engine runs the program on every operation). */
export function programFromModule(modulePath: string): PulumiFn {
  const file = require.resolve(path.resolve(REPO_ROOT, modulePath));
  return async () => {
    delete require.cache[file];
    return { ...(require(file) as Record<string, unknown>) };
  };
}

/** Pids of this machine's processes matching `test` (by executable, working directory and parent), from /proc. */
function processesWhere(test: (p: { pid: number; ppid: number; exe: string; cwd: string }) => boolean): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const p = { pid: Number(entry), ppid, exe: safeReadlink(`/proc/${entry}/exe`), cwd: safeReadlink(`/proc/${entry}/cwd`) };
      if (test(p)) out.push(p.pid);
    } catch {
      // the process ended while being read
    }
  }
  return out;
}

function safeReadlink(link: string): string {
  try {
    return readlinkSync(link);
  } catch {
    return "";
  }
}

/** `<type>::<name>` of a URN (its last two parts, the parent types dropped). */
export function keyOfUrn(urn: string): string {
  const parts = urn.split("::");
  return `${parts[2].split("$").pop()}::${parts.slice(3).join("::")}`;
}

/** One stack on an {@link EngineBed}. Every operation returns the engine's steps and the CLI's output. */
export class EngineStack {
  /** When set, the program module (relative to the repository root) the next `up` and `preview` run instead of the stack's first one. */
  program: string | undefined;

  constructor(
    private readonly bed: EngineBed,
    readonly stack: Stack,
    readonly project: string,
  ) {}

  async setConfig(config: Record<string, string>): Promise<void> {
    const map: ConfigMap = Object.fromEntries(Object.entries(config).map(([k, v]) => [k, { value: v }]));
    await this.stack.setAllConfig(map);
  }

  private async observe<R>(op: (hooks: { onOutput: (s: string) => void; onEvent: (e: EngineEvent) => void }) => Promise<R>): Promise<EngineRun<R>> {
    let output = "";
    const steps: Record<string, OpType> = {};
    const sequence: Array<{ key: string; op: OpType }> = [];
    const onEvent = (e: EngineEvent): void => {
      const meta = e.resOutputsEvent?.metadata ?? e.resourcePreEvent?.metadata;
      if (!meta || meta.type === "pulumi:pulumi:Stack" || meta.urn.includes("pulumi:providers:")) return;
      steps[keyOfUrn(meta.urn)] = meta.op;
      if (e.resourcePreEvent) sequence.push({ key: keyOfUrn(meta.urn), op: meta.op });
    };
    try {
      const result = await op({ onOutput: (s) => (output += s), onEvent });
      return { result, steps, sequence, output };
    } catch (err) {
      // The CLI's error holds its stdout and stderr; keep the steps seen for assertions.
      throw Object.assign(err instanceof Error ? err : new Error(String(err)), { steps, sequence, output });
    }
  }

  private programOption(): { program?: PulumiFn } {
    return this.program === undefined ? {} : { program: programFromModule(this.program) };
  }

  /** `pulumi up`; `replace` lists URNs to replace (`--replace`). */
  up(options: { parallel?: number; replace?: string[] } = {}): Promise<EngineRun<UpResult>> {
    return this.observe((hooks) => this.stack.up({ ...hooks, ...this.programOption(), ...options }));
  }

  preview(options: { refresh?: boolean; expectNoChanges?: boolean } = {}): Promise<EngineRun<PreviewResult>> {
    return this.observe((hooks) => this.stack.preview({ ...hooks, ...this.programOption(), ...options }));
  }

  /** `pulumi refresh`; `clearPendingCreates` drops creates an interrupted run left pending (`--clear-pending-creates`). */
  refresh(options: { clearPendingCreates?: boolean } = {}): Promise<EngineRun<RefreshResult>> {
    return this.observe((hooks) => this.stack.refresh({ ...hooks, ...options }));
  }

  /**
   * Starts `pulumi up` and returns at once: the running operation, an `interrupt()` sending the CLI
   * SIGINT (as ^C does, through the Automation API's abort signal), and a `kill()` sending SIGKILL to
   * the CLI and to the plugins it started (the processes whose parent is the CLI), by pid.
   */
  startUp(): { running: Promise<EngineRun<UpResult>>; output: () => string; interrupt: () => void; kill: () => number[] } {
    const abort = new AbortController();
    let seen = "";
    const running = this.observe((hooks) =>
      this.stack.up({ ...hooks, ...this.programOption(), onOutput: (s) => (hooks.onOutput(s), (seen += s)), signal: abort.signal }),
    );
    running.catch(() => undefined);
    return {
      running,
      output: () => seen,
      interrupt: () => abort.abort(),
      kill: () => {
        const cli = processesWhere((p) => p.exe === path.join(CLI_BIN, "pulumi") && p.cwd === this.bed.workDir);
        const children = processesWhere((p) => cli.includes(p.ppid));
        const killed = [...cli, ...children];
        for (const pid of killed) process.kill(pid, "SIGKILL");
        return killed;
      },
    };
  }

  /** The checkpoint's pending operations (what an interrupted run left): type and URN. */
  pendingOperations(): Array<{ type: string; urn: string }> {
    const checkpoint = JSON.parse(this.checkpointText()) as { checkpoint?: { latest?: { pending_operations?: Array<{ type: string; resource: { urn: string } }> } } };
    return (checkpoint.checkpoint?.latest?.pending_operations ?? []).map((op) => ({ type: op.type, urn: op.resource.urn }));
  }

  destroy(): Promise<EngineRun<DestroyResult>> {
    return this.observe((hooks) => this.stack.destroy(hooks));
  }

  outputs(): Promise<OutputMap> {
    return this.stack.outputs();
  }

  /** The checkpoint file as the file backend stores it (secrets encrypted with the passphrase). */
  checkpointText(): string {
    const dir = path.join(this.bed.backendDir, ".pulumi", "stacks", this.project);
    const file = readdirSync(dir).find((f) => f === `${this.stack.name}.json`);
    if (!file) throw new Error(`no checkpoint for stack ${this.stack.name} in ${dir}`);
    return readFileSync(path.join(dir, file), "utf8");
  }

  /** The stack's resources (from `pulumi stack export`). */
  async resources(): Promise<Array<{ urn: string; type: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown>; protect?: boolean }>> {
    const deployment = await this.stack.exportStack();
    return ((deployment.deployment as { resources?: unknown[] } | undefined)?.resources ?? []) as never;
  }

  async resourceCount(): Promise<number> {
    return (await this.resources()).filter((r) => r.type !== "pulumi:pulumi:Stack" && !r.type.startsWith("pulumi:providers:")).length;
  }
}
