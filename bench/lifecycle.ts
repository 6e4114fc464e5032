import type { ContainerRegistryManagementClient } from "@azure/arm-containerregistry";
import type { Emulator, RequestLogEntry } from "acr-tokens-emulator";
import { TokenPassword } from "../components/tokenPassword";
import { AzCli } from "../testing/azCli";
import { ProviderHost, registerUnderMocks, withProvider, type Props } from "../testing/providerHost";

/**
 * The password lifecycle (create, read, delete) three ways against one emulator: through the real
 * dynamic-provider host as the Pulumi engine drives it, with `@azure/arm-containerregistry` directly
 * (the physical limit of a Node client), and with `az acr token credential generate/delete` and
 * `az acr token show` (what a script would run). Each returns wall seconds; ARM call counts are
 * read from the emulator's request log by the caller.
 */

export const PASSWORD_TYPE = "pulumi-nodejs:dynamic/acr-tokens:TokenPassword";
export const RG = "rg-bench";
export const REGISTRY = "benchregistry";
export const SLOT = "password1";

/** Progress line on stderr (stdout carries only results). */
export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** Runs `fn` over `items` with at most `limit` in flight; resolves in input order. */
export async function mapPool<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Seconds elapsed while `fn` runs. */
export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

let providerText: Promise<string> | undefined;

/** The `__provider` text of a real TokenPassword built under mocks (what `pulumi up` stores and hands to the host). */
export function tokenPasswordProviderText(): Promise<string> {
  providerText ??= registerUnderMocks(() => [new TokenPassword("bench-probe", { token: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/unused/tokens/unused" })]).then((seen) => {
    const text = seen.find((r) => r.type === PASSWORD_TYPE)?.providerText;
    if (typeof text !== "string") throw new Error("TokenPassword did not serialize its provider to a string.");
    return text;
  });
  return providerText;
}

/** ARM id of a token of the bench registry. */
export function tokenIdOf(emu: Emulator, name: string): string {
  return `/subscriptions/${emu.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.ContainerRegistry/registries/${REGISTRY}/tokens/${name}`;
}

/** Creates the tokens (bound to `_repositories_pull`, no passwords) that the lifecycles generate passwords for. */
export async function createTokens(emu: Emulator, sdk: ContainerRegistryManagementClient, names: readonly string[], rg = RG, registry = REGISTRY): Promise<void> {
  const scopeMapId = `/subscriptions/${emu.subscriptionId}/resourceGroups/${rg}/providers/Microsoft.ContainerRegistry/registries/${registry}/scopeMaps/_repositories_pull`;
  await mapPool(names, 10, (name) => sdk.tokens.create(rg, registry, name, { scopeMapId, status: "enabled" }, { updateIntervalInMs: 0 }));
}

/** ARM requests in the log since `mark`. */
export function armSince(emu: Emulator, mark: number): RequestLogEntry[] {
  return emu.requests.slice(mark).filter((r) => r.kind === "arm");
}

/** ARM requests of `entries` counted by operation (order of first appearance). */
export function countOps(entries: RequestLogEntry[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of entries) {
    const op = e.operation ?? `${e.method} ${e.path}`;
    counts.set(op, (counts.get(op) ?? 0) + 1);
  }
  return counts;
}

/** Operation names, counted, e.g. "tokens.get ×2, tokens.update". */
export function describeOps(entries: RequestLogEntry[]): string {
  return [...countOps(entries)].map(([op, n]) => (n === 1 ? op : `${op} ×${n}`)).join(", ");
}

/**
 * Throws unless both sides made the same ARM calls (by operation and count): a baseline must make
 * exactly the calls the provider makes, no fewer and no more.
 */
export function assertSameCalls(what: string, ours: RequestLogEntry[], theirs: RequestLogEntry[], baseline = "the raw SDK"): void {
  const a = countOps(ours);
  const b = countOps(theirs);
  const same = a.size === b.size && [...a].every(([op, n]) => b.get(op) === n);
  if (!same) throw new Error(`${what}: ${baseline} made other ARM calls than the provider (ours: ${describeOps(ours)}; ${baseline}: ${describeOps(theirs)}).`);
}

/**
 * CPU seconds (user + system) a process has used so far, from /proc (Linux); undefined elsewhere or
 * when the process is gone. CPU time is steadier than wall time on a loaded machine.
 */
export function cpuSecondsOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const { readFileSync } = require("node:fs") as typeof import("node:fs");
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    // Fields 14 and 15 of stat (utime, stime), in clock ticks of 1/100 s on Linux.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** Environment of a host pointed at the emulator, plus the scenario's credential variables. */
export function hostEnv(emu: Emulator, credential: Record<string, string | undefined>): Record<string, string | undefined> {
  return {
    NODE_EXTRA_CA_CERTS: emu.caCertPath,
    ACR_TOKENS_ARM_ENDPOINT: emu.armEndpoint,
    ACR_TOKENS_LRO_POLL_INTERVAL_MS: "0",
    ...credential,
  };
}

/**
 * Starts and configures a host (the engine's Configure comes before any CRUD call). With
 * `projectDir` (bench/compiledProject.ts), the host runs the compiled package there with plain
 * `node`, as for a user's project; without it, the TypeScript source under ts-node.
 */
export async function startHost(env: Record<string, string | undefined>, projectDir?: string): Promise<ProviderHost> {
  const host = await ProviderHost.start({ env, ...(projectDir ? { projectDir, runtime: "compiled" as const } : {}) });
  await host.configure({});
  return host;
}

/** What the engine keeps per password between steps. */
interface PasswordState {
  name: string;
  id: string;
  outs: Props;
}

/**
 * `up` (Check + Create) of one password through the host. `type` is the resource type the engine
 * names in its requests: TokenPassword's, or the protocol floor's (bench/protocolFloor.ts).
 */
export async function hostCreate(host: ProviderHost, text: string, name: string, inputs: Props, type: string = PASSWORD_TYPE): Promise<PasswordState> {
  const checked = await host.check(type, name, {}, withProvider(text, inputs));
  if (checked.failures.length > 0) throw new Error(`check of ${name} failed: ${checked.failures.map((f) => f.reason).join(" ")}`);
  const { id, outs } = await host.create(type, name, checked.inputs, ["password"]);
  return { name, id, outs };
}

/** One password created, read and deleted: warms a fresh host's connection, credential and login-server cache. */
export async function hostWarmUp(host: ProviderHost, text: string, tokenId: string, type: string = PASSWORD_TYPE): Promise<void> {
  const warm = await hostCreate(host, text, "warm", { tokenId, slot: SLOT }, type);
  await host.read(type, warm.name, warm.id, warm.outs);
  await host.delete(type, warm.name, warm.id, warm.outs);
}

/**
 * Pulumi's phases for N passwords, `parallel` at a time as the engine's `--parallel`: create all
 * (`up`), read all (`refresh`), delete all (`destroy`). Returns wall seconds of the three phases.
 */
export async function hostLifecycle(
  host: ProviderHost,
  text: string,
  tokenIds: readonly string[],
  parallel: number,
  prefix: string,
  type: string = PASSWORD_TYPE,
): Promise<number> {
  let states: PasswordState[] = [];
  return timed(async () => {
    states = await mapPool(tokenIds, parallel, (tokenId, i) => hostCreate(host, text, `${prefix}-${i}`, { tokenId, slot: SLOT }, type));
    await mapPool(states, parallel, async (s) => {
      const read = await host.read(type, s.name, s.id, s.outs);
      if (read.id !== s.id) throw new Error(`refresh of ${s.name} lost the password (read returned id "${read.id}").`);
    });
    await mapPool(states, parallel, (s) => host.delete(type, s.name, s.id, s.outs));
  });
}

/**
 * The same ARM calls made directly with `@azure/arm-containerregistry` in this process, exactly the
 * ones the provider makes: the registry GET for the login server once per registry per process
 * (`loginServers` is that cache, as in the provider: the warm-up fills it, the timed run reuses it),
 * one generateCredentials per password, one token GET per read, and a token GET plus PATCH (with the
 * SDK's LRO poll and final GET) per delete. bench/index.ts checks that both sides' request logs match.
 */
export async function rawSdkLifecycle(
  sdk: ContainerRegistryManagementClient,
  tokenNames: readonly string[],
  tokenId: (name: string) => string,
  parallel: number,
  loginServers: Map<string, string>,
): Promise<number> {
  return timed(async () => {
    await mapPool(tokenNames, parallel, async (name) => {
      if (!loginServers.has(REGISTRY)) {
        const registry = await sdk.registries.get(RG, REGISTRY);
        if (!registry.loginServer) throw new Error("the registry has no login server");
        loginServers.set(REGISTRY, registry.loginServer);
      }
      const result = await sdk.registries.generateCredentials(RG, REGISTRY, { tokenId: tokenId(name), name: SLOT }, { updateIntervalInMs: 0 });
      if (!result.passwords?.some((p) => p.name === SLOT && p.value)) throw new Error(`generateCredentials for ${name} returned no ${SLOT}`);
    });
    await mapPool(tokenNames, parallel, (name) => sdk.tokens.get(RG, REGISTRY, name));
    await mapPool(tokenNames, parallel, async (name) => {
      const token = await sdk.tokens.get(RG, REGISTRY, name);
      const keep = (token.credentials?.passwords ?? []).filter((p) => p.name !== SLOT).map((p) => ({ name: p.name }));
      await sdk.tokens.update(RG, REGISTRY, name, { credentials: { passwords: keep } }, { updateIntervalInMs: 0 });
    });
  });
}

/** Runs one az command; throws with the exit code (never the output, which holds passwords) on failure. */
async function az(cli: AzCli, args: string[]): Promise<void> {
  const result = await cli.run(args);
  if (result.code !== 0) {
    const firstErrorLine = result.stderr.split("\n").find((l) => l.startsWith("ERROR")) ?? "(no ERROR line)";
    throw new Error(`az ${args.slice(0, 4).join(" ")} exited ${result.code}: ${firstErrorLine.replace(/(\s-p\s+)\S+/g, "$1<redacted>")}`);
  }
}

/**
 * What a script does with the Azure CLI, in the same three phases and at the same parallelism:
 * `az acr token credential generate --password1`, `az acr token show`, `az acr token credential delete --password1`.
 */
export async function azLifecycle(cli: AzCli, tokenNames: readonly string[], parallel: number): Promise<number> {
  const common = (name: string) => ["-n", name, "-r", REGISTRY, "-g", RG];
  return timed(async () => {
    await mapPool(tokenNames, parallel, (name) => az(cli, ["acr", "token", "credential", "generate", ...common(name), `--${SLOT}`]));
    await mapPool(tokenNames, parallel, (name) => az(cli, ["acr", "token", "show", ...common(name)]));
    await mapPool(tokenNames, parallel, (name) => az(cli, ["acr", "token", "credential", "delete", ...common(name), `--${SLOT}`]));
  });
}

/**
 * The raw-SDK lifecycle in a child process of its own (bench/rawSdkChild.ts), as the provider host
 * is: returns the seconds the child measured after its warm-up (process start excluded). `extraEnv`
 * is for diagnostics (bench/overheadProbe.ts preloads a counter with it).
 */
export async function rawSdkLifecycleInChild(
  emu: Emulator,
  accessToken: string,
  tokenNames: readonly string[],
  warmName: string,
  parallel: number,
  extraEnv: Record<string, string> = {},
): Promise<number> {
  const { spawn } = await import("node:child_process");
  const path = await import("node:path");
  const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "--conditions=acr-tokens-source", path.join(__dirname, "rawSdkChild.ts")], {
    cwd: path.resolve(__dirname, ".."),
    env: {
      PATH: process.env["PATH"],
      HOME: process.env["HOME"],
      BENCH_ARM_ENDPOINT: emu.armEndpoint,
      BENCH_CA_CERT_FILE: emu.caCertPath,
      BENCH_SUBSCRIPTION_ID: emu.subscriptionId,
      BENCH_TOKEN_NAMES: JSON.stringify(tokenNames),
      BENCH_TOKEN_ID_PREFIX: tokenIdOf(emu, ""),
      BENCH_WARM_TOKEN: warmName,
      BENCH_PARALLEL: String(parallel),
      ...extraEnv,
    },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
  child.stdin.end(accessToken);
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  const seconds = Number(stdout.trim());
  if (code !== 0 || !Number.isFinite(seconds)) throw new Error(`the raw SDK child failed (exit ${String(code)}): ${stderr.trim().split("\n").slice(-2).join(" ")}`);
  return seconds;
}
