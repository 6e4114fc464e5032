import type { ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { startEmulator } from "acr-tokens-emulator";
import { armClient } from "../testing/emulator";
import { withProvider } from "../testing/providerHost";
import {
  PASSWORD_TYPE,
  REGISTRY,
  RG,
  SLOT,
  armSince,
  createTokens,
  describeOps,
  hostEnv,
  hostLifecycle,
  hostWarmUp,
  progress,
  rawSdkLifecycleInChild,
  startHost,
  tokenIdOf,
  tokenPasswordProviderText,
} from "./lifecycle";
import { compiledProject } from "./compiledProject";
import { buildPackage } from "./imports";
import { summarize } from "./stats";

/**
 * `node -r ts-node/register/transpile-only --conditions=acr-tokens-source bench/overheadProbe.ts [--runs N] [--cpu-prof] [--compiled]`: where the time of
 * one password goes on our side (issue #8's overheadVsRawSdk). Not a figure of the bench: a
 * diagnostic. Per round, in one host (after a warm-up): each gRPC call of the sequential lifecycle
 * timed on its own (Check, Create, Read, Delete), the ARM requests each side makes (emulator request
 * log, by operation), the TLS connections each process opens to the emulator, then the bench's own
 * sequential and parallel-10 timings of both sides. `--cpu-prof` writes the host's CPU profile to
 * bench/results/profiles; `--compiled` runs the host on the compiled package (bench/compiledProject.ts)
 * instead of the TypeScript source under ts-node. Prints medians on stderr.
 */

const RESULTS = path.join(__dirname, "results");
const PASSWORDS = 100;

function flag(name: string): boolean {
  return process.argv.includes(name);
}

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/**
 * A preload for the host (NODE_OPTIONS): counts TLS connections the process opens, and on SIGTERM
 * writes the count to a file and exits normally (so `--cpu-prof` writes its profile).
 */
function writePreload(): string {
  mkdirSync(RESULTS, { recursive: true });
  const file = path.join(RESULTS, "probePreload.js");
  writeFileSync(
    file,
    `const tls = require("node:tls");
const { writeFileSync } = require("node:fs");
let connections = 0;
const connect = tls.connect;
tls.connect = function (...args) { connections++; return connect.apply(this, args); };
// Time inside each gRPC handler, and inside each ARM HTTP request (request start to response end).
const stats = { handlers: {}, httpMs: 0, httpCount: 0 };
const { createRequire } = require("node:module");
const hostRequire = createRequire(require.resolve("@pulumi/pulumi/cmd/dynamic-provider", { paths: [process.cwd()] }));
const grpc = hostRequire("@grpc/grpc-js");
const addService = grpc.Server.prototype.addService;
grpc.Server.prototype.addService = function (service, impl) {
  const wrapped = {};
  for (const [name, attrs] of Object.entries(service)) {
    const k = impl[name] ? name : attrs.originalName;
    const fn = impl[k];
    if (typeof fn !== "function") continue;
    wrapped[k] = function (call, callback) {
      const start = performance.now();
      return fn.call(this, call, (...a) => {
        const h = (stats.handlers[k] ??= { n: 0, ms: 0 });
        h.n++; h.ms += performance.now() - start;
        callback(...a);
      });
    };
  }
  return addService.call(this, service, wrapped);
};
const https = require("node:https");
const request = https.request;
https.request = function (...args) {
  const start = performance.now();
  const req = request.apply(this, args);
  req.once("response", (res) => res.once("end", () => { stats.httpMs += performance.now() - start; stats.httpCount++; }));
  return req;
};
const flush = () => writeFileSync(process.env.PROBE_COUNT_FILE, JSON.stringify({ connections, ...stats }));
let stopProfile = (done) => done();
if (process.env.PROBE_CPU_PROFILE) {
  const inspector = require("node:inspector");
  const session = new inspector.Session();
  session.connect();
  session.post("Profiler.enable", () => session.post("Profiler.setSamplingInterval", { interval: 200 }, () => session.post("Profiler.start")));
  stopProfile = (done) => session.post("Profiler.stop", (err, res) => { if (!err) writeFileSync(process.env.PROBE_CPU_PROFILE, JSON.stringify(res.profile)); done(); });
}
process.on("SIGTERM", () => stopProfile(() => { flush(); if (process.env.PROBE_DEBUG) console.error("domain loaded:", process.moduleLoadList.filter((m) => /domain|repl/.test(m))); process.exit(0); }));
process.on("exit", flush);
// SIGUSR2: write the counters so far to PROBE_COUNT_FILE, then start them again from zero.
process.on("SIGUSR2", () => { flush(); connections = 0; stats.handlers = {}; stats.httpMs = 0; stats.httpCount = 0; });
`,
  );
  return file;
}

/** What the preload counted in the host since the last snapshot. */
interface HostCounters {
  connections: number;
  handlers: Record<string, { n: number; ms: number }>;
  httpMs: number;
  httpCount: number;
}

async function main(): Promise<void> {
  const runs = option("--runs", 3);
  const cpuProf = flag("--cpu-prof");
  const compiled = flag("--compiled");
  if (compiled) await buildPackage();
  const projectDir = compiled ? compiledProject() : undefined;
  const emu = await startEmulator({ seed: { resourceGroups: [{ name: RG }], registries: [{ resourceGroup: RG, name: REGISTRY, sku: "Premium" }] } });
  try {
    emu.lro.inProgressPolls = 0;
    const names = Array.from({ length: PASSWORDS }, (_, i) => `probe-token-${String(i).padStart(3, "0")}`);
    const warmName = "probe-token-warm";
    await createTokens(emu, armClient(emu), [...names, warmName]);
    const tokenIds = names.map((n) => tokenIdOf(emu, n));
    const text = await tokenPasswordProviderText();
    const accessToken = emu.issueToken({ expiresInSeconds: 12 * 3600 });
    const countFile = path.join(RESULTS, "probeConnections.txt");
    const preload = writePreload();
    const profDir = path.join(RESULTS, "profiles");
    if (cpuProf) mkdirSync(profDir, { recursive: true });

    const perCall: Record<"check" | "create" | "read" | "delete", number[]> = { check: [], create: [], read: [], delete: [] };
    const floor: number[] = [];
    const hotFloor: number[] = [];
    const seq: number[] = [];
    const raw: number[] = [];
    const par: number[] = [];
    const rawPar: number[] = [];
    for (let run = 0; run < runs; run++) {
      const host = await startHost(
        {
          ...hostEnv(emu, { ACR_TOKENS_ACCESS_TOKEN: accessToken }),
          PROBE_COUNT_FILE: countFile,
          NODE_OPTIONS: `--require ${preload}`,
          ...(cpuProf ? { PROBE_CPU_PROFILE: path.join(profDir, `host-${run}.cpuprofile`) } : {}),
        },
        projectDir,
      );
      try {
        await hostWarmUp(host, text, tokenIdOf(emu, warmName));

        // Each call timed on its own, sequentially, with the ARM requests it caused.
        const hostPid = (host as unknown as { child: ChildProcess }).child.pid!;
        const snapshot = async (): Promise<HostCounters> => {
          process.kill(hostPid, "SIGUSR2");
          await host.pluginVersion(); // the host handles the signal before this call
          return JSON.parse(readFileSync(countFile, "utf8")) as HostCounters;
        };
        await snapshot();
        const mark = emu.requests.length;
        const t = { check: 0, create: 0, read: 0, delete: 0 };
        let pluginInfoMs = 0;
        const lap = async <T>(k: keyof typeof t, fn: () => Promise<T>): Promise<T> => {
          const s = process.hrtime.bigint();
          const r = await fn();
          t[k] += Number(process.hrtime.bigint() - s) / 1e6;
          return r;
        };
        for (const [i, tokenId] of tokenIds.entries()) {
          const name = `p${run}-${i}`;
          const checked = await lap("check", () => host.check(PASSWORD_TYPE, name, {}, withProvider(text, { tokenId, slot: SLOT })));
          const created = await lap("create", () => host.create(PASSWORD_TYPE, name, checked.inputs, ["password"]));
          await lap("read", () => host.read(PASSWORD_TYPE, name, created.id, created.outs));
          await lap("delete", () => host.delete(PASSWORD_TYPE, name, created.id, created.outs));
          // The floor of one gRPC round trip here: GetPluginInfo does no work in the host.
          const s = process.hrtime.bigint();
          await host.pluginVersion();
          pluginInfoMs += Number(process.hrtime.bigint() - s) / 1e6;
        }
        floor.push(pluginInfoMs / PASSWORDS);
        const hot = process.hrtime.bigint();
        for (let i = 0; i < PASSWORDS; i++) await host.pluginVersion();
        hotFloor.push(Number(process.hrtime.bigint() - hot) / 1e6 / PASSWORDS);
        for (const k of Object.keys(t) as Array<keyof typeof t>) perCall[k].push(t[k] / PASSWORDS);
        const inHost = await snapshot();
        const handlers = Object.entries(inHost.handlers)
          .map(([k, h]) => `${k} ${(h.ms / h.n).toFixed(2)} ms ×${h.n}`)
          .join(", ");
        progress(
          `run ${run + 1} inside the host: handlers ${handlers}; ARM HTTP ${(inHost.httpMs / inHost.httpCount).toFixed(2)} ms ×${inHost.httpCount}; ` +
            `${inHost.connections} new TLS connection(s); per password: gRPC calls ${(Object.values(t).reduce((a, b) => a + b, 0) / PASSWORDS).toFixed(2)} ms, ` +
            `handlers ${(Object.values(inHost.handlers).reduce((a, h) => a + h.ms, 0) / PASSWORDS).toFixed(2)} ms, ARM HTTP ${(inHost.httpMs / PASSWORDS).toFixed(2)} ms`,
        );
        if (run === 0) progress(`host ARM requests for ${PASSWORDS} passwords: ${describeOps(armSince(emu, mark))}`);

        seq.push(await hostLifecycle(host, text, tokenIds, 1, `s${run}`));
        const rawMark = emu.requests.length;
        const rawCountFile = path.join(RESULTS, "probeRawConnections.txt");
        raw.push(await rawSdkLifecycleInChild(emu, accessToken, names, warmName, 1, { NODE_OPTIONS: `--require ${preload}`, PROBE_COUNT_FILE: rawCountFile }));
        const inRaw = JSON.parse(readFileSync(rawCountFile, "utf8")) as HostCounters;
        progress(`run ${run + 1} raw child (warm-up + ${PASSWORDS} passwords): ARM HTTP ${(inRaw.httpMs / inRaw.httpCount).toFixed(2)} ms ×${inRaw.httpCount}, ${inRaw.connections} TLS connection(s)`);
        if (run === 0) progress(`raw child ARM requests (warm-up on 1 token + ${PASSWORDS} passwords): ${describeOps(armSince(emu, rawMark))}`);
        par.push(await hostLifecycle(host, text, tokenIds, 10, `q${run}`));
        rawPar.push(await rawSdkLifecycleInChild(emu, accessToken, names, warmName, 10));
      } finally {
        await host.close();
      }
      progress(`run ${run + 1}: seq ours ${seq[run]!.toFixed(3)} s raw ${raw[run]!.toFixed(3)} s; par10 ours ${par[run]!.toFixed(3)} s raw ${rawPar[run]!.toFixed(3)} s`);
    }
    const ms = (xs: number[]) => summarize(xs).median.toFixed(2);
    progress(`per password (ms, median of ${runs}): GetPluginInfo (no work, the round-trip floor) ${ms(floor)} (${ms(hotFloor)} back to back), check ${ms(perCall.check)}, create ${ms(perCall.create)}, read ${ms(perCall.read)}, delete ${ms(perCall.delete)}`);
    progress(`100 passwords sequential: ours ${ms(seq)} s, raw ${ms(raw)} s, ratio ${ms(seq.map((s, i) => s / raw[i]!))}`);
    progress(`100 passwords parallel 10: ours ${ms(par)} s, raw ${ms(rawPar)} s, ratio ${ms(par.map((s, i) => s / rawPar[i]!))}`);
  } finally {
    await emu.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`overheadProbe: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
