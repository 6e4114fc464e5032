import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DEFAULT_LRO_IN_PROGRESS_POLLS, startEmulator, type Emulator } from "acr-tokens-emulator";
import { AzCli, findAz } from "../testing/azCli";
import { armClient } from "../testing/emulator";
import type { ProviderHost } from "../testing/providerHost";
import { USAGE, describeOnly, parseArgs, runs, type Flags } from "./args";
import { compiledProject } from "./compiledProject";
import { enginePreview, engineUnavailable, engineUpDestroy, startEngineBed } from "./engine";
import { buildPackage, measureImports, measureMocksProgram, REPO_ROOT } from "./imports";
import {
  PASSWORD_TYPE,
  REGISTRY,
  RG,
  armSince,
  assertSameCalls,
  azLifecycle,
  createTokens,
  describeOps,
  hostCreate,
  hostEnv,
  hostLifecycle,
  hostWarmUp,
  mapPool,
  progress,
  rawSdkLifecycleInChild,
  startHost,
  timed,
  tokenIdOf,
  tokenPasswordProviderText,
} from "./lifecycle";
import { floorRun, protocolFloorProviderText, type FloorRun } from "./protocolFloor";
import { abbaRatio, formatMarkdown, formatTable, pairedRatios, summarize, toJson, type Figure, type Summary, type Target } from "./stats";
import { measureCheckAtScale } from "./checkScale";
import { measureThroughput } from "./throughput";
import { missingRegistryTools, REGISTRY_CLIENTS_INSTALL } from "../testing/registryClients";
import { measureRotationPulls, type RotationPullsResult } from "../testing/harness/rotationPulls";

/**
 * `npm run bench [-- --json] [-- --quick]`: side-by-side figures against the Azure CLI and the
 * physical minimum (issue #8), all against the local emulator. Progress goes to stderr; stdout gets
 * the table (or, with --json, exactly one JSON object). The table is also written as markdown to
 * bench/results/latest.md (gitignored). Not part of `npm test`.
 */

interface Plan {
  /** Passwords per lifecycle run on our side and the raw SDK's. */
  passwords: number;
  lifecycleRuns: number;
  /** az passwords per run, sequential and at parallelism 10; each run's time is scaled to 100 passwords. */
  azSequentialSample: number;
  azParallelSample: number;
  importRuns: number;
  mocksRuns: number;
  throughputRuns: number;
  throughputRequests: number;
  /** Passwords per run of the lifecycle with added ARM latency (each run's time is scaled to 100). */
  latencyPasswords: number;
  /** Runs of ours next to the protocol floor (each: ours, floor, floor, ours). */
  floorRuns: number;
  /** Runs of `pulumi up` + `destroy` of 100 passwords through the real engine, each followed by an az sample. */
  engineRuns: number;
  /** Runs of each `pulumi preview` (ours, then azure-native). */
  previewRuns: number;
  /**
   * Tokens of the preview program: 1,000 in the full plan. The quick plan previews 100: on a loaded
   * 2-core machine a preview's time grew faster than its size (100 tokens ≈ 20 s, 200 ≈ 80 s).
   */
  previewTokens: number;
  /** Runs of `acr-tokens check` over CHECK_SCALE_TOKENS tokens. */
  checkScaleRuns: number;
}

const FULL: Plan = {
  passwords: 100,
  lifecycleRuns: 3,
  azSequentialSample: 4,
  azParallelSample: 10,
  importRuns: 7,
  mocksRuns: 2,
  throughputRuns: 3,
  throughputRequests: 3000,
  latencyPasswords: 20,
  floorRuns: 5,
  engineRuns: 3,
  previewRuns: 2,
  previewTokens: 1000,
  checkScaleRuns: 3,
};
const QUICK: Plan = {
  passwords: 100,
  lifecycleRuns: 2,
  azSequentialSample: 2,
  azParallelSample: 10,
  importRuns: 3,
  mocksRuns: 1,
  throughputRuns: 2,
  throughputRequests: 1000,
  latencyPasswords: 10,
  floorRuns: 2,
  engineRuns: 1,
  previewRuns: 1,
  previewTokens: 100,
  checkScaleRuns: 1,
};
const PARALLEL = 10;
/**
 * Latency added to every ARM request for the "at ARM latency" ratio. Deliberately low: ARM's front
 * door alone takes longer from outside Azure, and the recorded az sessions in ../shared/acr/recordings
 * show consecutive requests about half a second apart. A low value keeps the ratio pessimistic.
 */
const ARM_LATENCY_MS = 20;
const MOCK_TOKENS = 1000;
/** Tokens in the registry `acr-tokens check` reads for the scale figures: ACR Premium's limit (issue 16). */
const CHECK_SCALE_TOKENS = 50_000;
/** RotatingTokenPassword period of the rotation-pulls figure: a short one, so the year holds 52 turns. */
const ROTATION_PERIOD_DAYS = 7;
/** Client id of the emulator's system-assigned managed identity that az's MSI_ENDPOINT requests get tokens for. */
const AZ_IDENTITY = "7c1f0f64-3a52-4f5e-9d67-0a4e2c1b9d10";
const BENCH_APP = "5a0c3f7e-1b2d-4c6e-8f90-b3c4d5e6f708";

/** Token requests to Entra ID, ADFS or a managed-identity endpoint since `mark` (network token acquisitions). */
function acquisitionsSince(emu: Emulator, mark: number): number {
  return emu.requests.slice(mark).filter((r) => (r.kind === "entra" || r.kind === "msi") && /token$/i.test(r.path)).length;
}

interface CallCounts {
  create: number;
  read: number;
  delete: number;
  rotation: number;
  byoAcquisitions: number;
  sequences: { create: string; read: string; delete: string; rotation: string };
}

/**
 * ARM calls per operation for 100 passwords through a fresh host with a bring-your-own token, with
 * the emulator's recorded LRO pacing (one in-progress status poll), plus network token acquisitions.
 * Rotation: what the engine does when a password's expiry changes (diff → check → create → delete of
 * the old resource, on the same slot), for 10 passwords.
 */
async function countCalls(emu: Emulator, text: string, tokenIds: string[], accessToken: string, projectDir: string | undefined): Promise<CallCounts> {
  const host = await startHost(hostEnv(emu, { ACR_TOKENS_ACCESS_TOKEN: accessToken }), projectDir);
  try {
    const n = tokenIds.length;
    const start = emu.requests.length;
    let mark = emu.requests.length;
    const states = [];
    for (const [i, tokenId] of tokenIds.entries()) states.push(await hostCreate(host, text, `count-${i}`, { tokenId, slot: "password1" }));
    const creates = armSince(emu, mark);
    mark = emu.requests.length;
    for (const s of states) await host.read(PASSWORD_TYPE, s.name, s.id, s.outs);
    const reads = armSince(emu, mark);
    mark = emu.requests.length;
    for (const s of states) await host.delete(PASSWORD_TYPE, s.name, s.id, s.outs);
    const deletes = armSince(emu, mark);
    const byoAcquisitions = acquisitionsSince(emu, start);

    const rotated = tokenIds.slice(0, 10);
    const olds = [];
    for (const [i, tokenId] of rotated.entries()) olds.push(await hostCreate(host, text, `rotate-${i}`, { tokenId, slot: "password1", expiry: "2099-01-01T00:00:00Z" }));
    mark = emu.requests.length;
    const news = [];
    for (const old of olds) {
      const inputs = { tokenId: old.outs["tokenId"], slot: "password1", expiry: "2099-06-01T00:00:00Z" };
      const diff = await host.diff(PASSWORD_TYPE, old.name, old.id, old.outs, { ...inputs, __provider: text });
      if (diff.replaces.length === 0 || diff.deleteBeforeReplace) throw new Error(`rotation of ${old.name}: expected a create-before-delete replacement, got ${JSON.stringify(diff)}`);
      news.push(await hostCreate(host, text, old.name, inputs));
      await host.delete(PASSWORD_TYPE, old.name, old.id, old.outs);
    }
    const rotations = armSince(emu, mark);
    for (const s of news) await host.delete(PASSWORD_TYPE, s.name, s.id, s.outs);
    return {
      create: creates.length / n,
      read: reads.length / n,
      delete: deletes.length / n,
      rotation: rotations.length / rotated.length,
      byoAcquisitions: (byoAcquisitions * 100) / n,
      sequences: {
        create: describeOps(creates),
        read: describeOps(reads.slice(0, 1)),
        delete: describeOps(deletes.slice(0, deletes.length / n)),
        rotation: describeOps(rotations.slice(0, rotations.length / rotated.length)),
      },
    };
  } finally {
    await host.close();
  }
}

/** Network token acquisitions for 100 passwords created (10 at a time) by a host using a client secret through @azure/identity. */
async function clientSecretAcquisitions(emu: Emulator, text: string, tokenIds: string[], clientSecret: string, projectDir: string | undefined): Promise<number> {
  const host = await startHost(
    hostEnv(emu, { AZURE_CLIENT_ID: BENCH_APP, AZURE_CLIENT_SECRET: clientSecret, AZURE_TENANT_ID: emu.tenantId, AZURE_AUTHORITY_HOST: emu.authorityHost }),
    projectDir,
  );
  try {
    const mark = emu.requests.length;
    const states = await mapPool(tokenIds, PARALLEL, (tokenId, i) => hostCreate(host, text, `secret-${i}`, { tokenId, slot: "password1" }));
    const acquisitions = acquisitionsSince(emu, mark);
    await mapPool(states, PARALLEL, (s) => host.delete(PASSWORD_TYPE, s.name, s.id, s.outs));
    return (acquisitions * 100) / tokenIds.length;
  } finally {
    await host.close();
  }
}

const exact = (v: number): Summary => summarize([v]);
const counted = (key: string, label: string, value: number, minimumKey: string, minimum: number, meaning: string, target?: Target): Figure => ({
  key,
  label,
  unit: "calls",
  summary: exact(value),
  minimum: { key: minimumKey, value: minimum },
  ...(target ? { target } : {}),
  meaning,
});
const timing = (key: string, label: string, unit: string, runs: number[] | null, meaning: string, target?: Target, reason?: string): Figure => ({
  key,
  label,
  unit,
  summary: runs && runs.length > 0 ? summarize(runs) : null,
  ...(reason ? { reason } : {}),
  ...(target ? { target } : {}),
  meaning,
});

async function main(): Promise<void> {
  const parsed = parseArgs(process.argv.slice(2));
  if ("help" in parsed) {
    process.stdout.write(USAGE);
    return;
  }
  if ("error" in parsed) {
    process.stderr.write(`bench: ${parsed.error}\n${USAGE}`);
    process.exit(2);
  }
  const flags: Flags = parsed.flags;
  const plan = flags.quick ? QUICK : FULL;
  const started = Date.now();
  const machine = {
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    cores: os.cpus().length,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAverage1mAtStart: Number(os.loadavg()[0]!.toFixed(2)),
  };
  progress(`machine: ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, load ${machine.loadAverage1mAtStart}; ${flags.quick ? "quick" : "full"} plan`);

  await buildPackage();
  const projectDir = flags.host === "compiled" ? compiledProject() : undefined;

  const clientSecret = randomBytes(24).toString("base64url");
  const emu = await startEmulator({
    seed: {
      resourceGroups: [{ name: RG }],
      registries: [{ resourceGroup: RG, name: REGISTRY, sku: "Premium" }],
      principals: [
        { clientId: AZ_IDENTITY, managedIdentity: true },
        { clientId: BENCH_APP, clientSecret },
      ],
    },
  });
  const figures: Figure[] = [];
  const extra: Record<string, unknown> = {};
  const notes: string[] = [];
  try {
    const sdk = armClient(emu);
    const names = Array.from({ length: plan.passwords }, (_, i) => `bench-token-${String(i).padStart(3, "0")}`);
    const warmName = "bench-token-warm";
    progress(`creating ${names.length + 1} tokens …`);
    await createTokens(emu, sdk, [...names, warmName]);
    const tokenIds = names.map((n) => tokenIdOf(emu, n));
    const text = await tokenPasswordProviderText();
    const accessToken = emu.issueToken({ expiresInSeconds: 12 * 3600 });
    const byo = { ACR_TOKENS_ACCESS_TOKEN: accessToken };

    // Every part runs with the emulator's default LRO pacing, the one the recordings show: a PUT/PATCH
    // answers Succeeded at the first status poll (emulator/README.md, "LRO pacing"). (With an
    // in-progress poll and no Retry-After, az's poller would sleep 30 s, measuring the sleep.)
    emu.lro.inProgressPolls = DEFAULT_LRO_IN_PROGRESS_POLLS;

    // 1. ARM calls and token acquisitions (deterministic counts, one pass).
    let calls: CallCounts | undefined;
    let secretAcquisitions: number | undefined;
    if (runs(flags, "calls")) {
      progress("counting ARM calls per operation (fresh host, bring-your-own token, recorded LRO pacing) …");
      calls = await countCalls(emu, text, tokenIds, accessToken, projectDir);
      progress("counting token acquisitions with a client secret (@azure/identity) …");
      secretAcquisitions = await clientSecretAcquisitions(emu, text, tokenIds, clientSecret, projectDir);
      extra["armCallSequences"] = calls.sequences;
    }

    // 2. Timed lifecycles (ours, the raw SDK, az in the full bench).
    const needAz = runs(flags, "full") || runs(flags, "engine");
    const azPath = needAz ? findAz() : undefined;
    let cli: AzCli | undefined;
    let azReason: string | undefined;
    if (!needAz) azReason = `--only ${[...flags.only!].join(",")}`;
    else if (!azPath) azReason = "the Azure CLI (az) is not on PATH; install it (sudo apt-get install azure-cli) to measure it";
    else {
      cli = await AzCli.create(azPath, emu);
      progress("warming the az config dir (first command builds its command index) …");
      const warm = await cli.run(["acr", "token", "show", "-n", warmName, "-r", REGISTRY, "-g", RG]);
      if (warm.code !== 0) {
        azReason = `az did not run against the emulator (exit ${warm.code})`;
        cli = undefined;
      }
    }
    const hostStart: number[] = [];
    const ours: number[] = [];
    const raw: number[] = [];
    const azSeq: number[] = [];
    const oursPar: number[] = [];
    const rawPar: number[] = [];
    const azPar: number[] = [];
    const azCallsPerPassword: number[] = [];
    const oursLatency: number[] = [];
    const rawLatency: number[] = [];
    const scale = (sample: number) => 100 / sample;
    for (let run = 0; run < (runs(flags, "lifecycle") ? plan.lifecycleRuns : 0); run++) {
      let host: ProviderHost | undefined;
      try {
        // Both sides warm up on one password (connection, credential, the registry's login server)
        // and then run 100; their ARM calls, warm-up included, must be the same.
        const warmMark = emu.requests.length;
        hostStart.push(
          await timed(async () => {
            host = await startHost(hostEnv(emu, byo), projectDir);
            await hostWarmUp(host, text, tokenIdOf(emu, warmName));
          }),
        );
        const warmCalls = armSince(emu, warmMark);
        const h = host!;
        ours.push(await hostLifecycle(h, text, tokenIds, 1, `seq${run}`));
        const oursCalls = armSince(emu, warmMark);
        let mark = emu.requests.length;
        raw.push(await rawSdkLifecycleInChild(emu, accessToken, names, warmName, 1));
        assertSameCalls("sequential lifecycle", oursCalls, armSince(emu, mark));
        if (cli && runs(flags, "full")) {
          const mark = emu.requests.length;
          azSeq.push((await azLifecycle(cli, names.slice(0, plan.azSequentialSample), 1)) * scale(plan.azSequentialSample));
          azCallsPerPassword.push(armSince(emu, mark).length / plan.azSequentialSample);
        }
        mark = emu.requests.length;
        oursPar.push(await hostLifecycle(h, text, tokenIds, PARALLEL, `par${run}`));
        const oursParCalls = [...warmCalls, ...armSince(emu, mark)];
        mark = emu.requests.length;
        rawPar.push(await rawSdkLifecycleInChild(emu, accessToken, names, warmName, PARALLEL));
        assertSameCalls("lifecycle at parallelism 10", oursParCalls, armSince(emu, mark));
        if (cli && runs(flags, "full")) azPar.push((await azLifecycle(cli, names.slice(0, plan.azParallelSample), PARALLEL)) * scale(plan.azParallelSample));
        // The same sequential lifecycle with every ARM request ARM_LATENCY_MS slower, on both sides.
        emu.faults.add({ route: /^\/subscriptions\//, count: 1_000_000, fault: { kind: "latency", ms: ARM_LATENCY_MS } });
        try {
          const n = plan.latencyPasswords;
          mark = emu.requests.length;
          oursLatency.push((await hostLifecycle(h, text, tokenIds.slice(0, n), 1, `lat${run}`)) * scale(n));
          const oursLatencyCalls = armSince(emu, mark);
          mark = emu.requests.length;
          rawLatency.push((await rawSdkLifecycleInChild(emu, accessToken, names.slice(0, n), warmName, 1)) * scale(n));
          // The raw child warms up again (one password and the registry GET); compare the lifecycle only.
          assertSameCalls("lifecycle at ARM latency", oursLatencyCalls, armSince(emu, mark).slice(-oursLatencyCalls.length));
        } finally {
          emu.faults.clear();
        }
        progress(
          `lifecycle run ${run + 1}/${plan.lifecycleRuns}: host start ${hostStart[run]!.toFixed(2)} s; 100 passwords ours ${ours[run]!.toFixed(2)} s, raw SDK ${raw[run]!.toFixed(2)} s` +
            `; parallel 10: ours ${oursPar[run]!.toFixed(2)} s, raw SDK ${rawPar[run]!.toFixed(2)} s` +
            `; at ${ARM_LATENCY_MS} ms per ARM request: ours ${oursLatency[run]!.toFixed(2)} s, raw SDK ${rawLatency[run]!.toFixed(2)} s (scaled)` +
            (azSeq[run] !== undefined ? `; az ${azSeq[run]!.toFixed(1)} s, parallel 10 ${azPar[run]!.toFixed(1)} s (scaled)` : ""),
        );
      } finally {
        await host?.close();
      }
    }
    // 3. Ours next to the protocol floor: the same host, the same ARM calls, nothing else (bench/protocolFloor.ts).
    const floorRuns: FloorRun[] = [];
    if (runs(flags, "floor")) {
      const floorText = await protocolFloorProviderText();
      for (let run = 0; run < plan.floorRuns; run++) {
        const r = await floorRun(emu, hostEnv(emu, byo), projectDir, { ours: text, floor: floorText }, tokenIds, tokenIdOf(emu, warmName), `floor${run}`);
        floorRuns.push(r);
        progress(
          `protocol floor run ${run + 1}/${plan.floorRuns}: ours ${r.ours[0].toFixed(2)} s, floor ${r.floor[0].toFixed(2)} s, floor ${r.floor[1].toFixed(2)} s, ours ${r.ours[1].toFixed(2)} s` +
            (r.oursCpuSeconds !== undefined && r.floorCpuSeconds !== undefined ? `; host CPU ours ${r.oursCpuSeconds.toFixed(2)} s, floor ${r.floorCpuSeconds.toFixed(2)} s` : ""),
        );
      }
    }

    // 4. The real Pulumi engine: up + destroy of 100 passwords (each run followed by an az sample), and
    // a preview of 1,000 tokens with the package and with azure-native directly.
    const engineReason = runs(flags, "engine") ? engineUnavailable() : `--only ${[...(flags.only ?? [])].join(",")}`;
    const engineUp: number[] = [];
    const engineDown: number[] = [];
    const azBesideEngine: number[] = [];
    const previewOurs: number[] = [];
    const previewBare: number[] = [];
    const previewOursSkip: number[] = [];
    const previewBareSkip: number[] = [];
    if (!engineReason) {
      progress(`real engine: starting a bed (emulator, PULUMI_HOME with the azure-native stand-in) and ${plan.passwords} tokens …`);
      const { bed, tokenIds: engineTokenIds } = await startEngineBed(plan.passwords, projectDir);
      try {
        for (let run = 0; run < plan.engineRuns; run++) {
          const r = await engineUpDestroy(bed, engineTokenIds, run);
          engineUp.push(r.upSeconds);
          engineDown.push(r.destroySeconds);
          extra["engineArmCalls"] = { up: r.upCalls, destroy: r.destroyCalls };
          if (cli) azBesideEngine.push((await azLifecycle(cli, names.slice(0, plan.azSequentialSample), 1)) * scale(plan.azSequentialSample));
          progress(
            `engine run ${run + 1}/${plan.engineRuns}: pulumi up ${r.upSeconds.toFixed(1)} s + destroy ${r.destroySeconds.toFixed(1)} s for ${plan.passwords} passwords` +
              (cli ? `; az ${azBesideEngine[run]!.toFixed(0)} s (scaled)` : ""),
          );
        }
        for (let run = 0; run < plan.previewRuns; run++) {
          previewOurs.push(await enginePreview(bed, plan.previewTokens, "ours", run));
          previewBare.push(await enginePreview(bed, plan.previewTokens, "azureNative", run));
          progress(`engine preview run ${run + 1}/${plan.previewRuns}: ${plan.previewTokens} RegistryTokens ${previewOurs[run]!.toFixed(1)} s, azure-native directly ${previewBare[run]!.toFixed(1)} s`);
        }
        // Information: the same previews without the engine's per-step snapshot (PULUMI_SKIP_CHECKPOINTS).
        for (let run = 0; run < plan.previewRuns; run++) {
          previewOursSkip.push(await enginePreview(bed, plan.previewTokens, "ours", run, { skipCheckpoints: true }));
          previewBareSkip.push(await enginePreview(bed, plan.previewTokens, "azureNative", run, { skipCheckpoints: true }));
          progress(
            `engine preview run ${run + 1}/${plan.previewRuns} with PULUMI_SKIP_CHECKPOINTS=true: ${plan.previewTokens} RegistryTokens ${previewOursSkip[run]!.toFixed(1)} s, ` +
              `azure-native directly ${previewBareSkip[run]!.toFixed(1)} s`,
          );
        }
      } finally {
        await bed.close();
      }
    }
    await cli?.dispose();

    // 5. Emulator throughput, imports, the mocks program.
    let tp: Awaited<ReturnType<typeof measureThroughput>> | undefined;
    let imports: Awaited<ReturnType<typeof measureImports>> | undefined;
    let mocks: Awaited<ReturnType<typeof measureMocksProgram>> | undefined;
    let checkScale: Awaited<ReturnType<typeof measureCheckAtScale>> | undefined;
    if (runs(flags, "full")) {
      progress(`acr-tokens check over ${CHECK_SCALE_TOKENS} tokens (compiled CLI, emulator in a child process) …`);
      checkScale = await measureCheckAtScale({ tokens: CHECK_SCALE_TOKENS, runs: plan.checkScaleRuns });
      progress("emulator throughput (32 SDK clients, emulator in a child process) …");
      tp = await measureThroughput({ runs: plan.throughputRuns, clients: 32, maxRequests: plan.throughputRequests, maxSeconds: 10 });
      progress("fresh-process imports …");
      imports = await measureImports(plan.importRuns);
      progress(`${MOCK_TOKENS} RegistryTokens under the mock runtime (child processes) …`);
      mocks = await measureMocksProgram(plan.mocksRuns, MOCK_TOKENS);
    }
    // Zero-downtime rotation at the registry: a year of daily ups, a pull with the exported password after each.
    let rotationPulls: { wait: RotationPullsResult; noWait: RotationPullsResult } | undefined;
    const rotationDays = flags.quick ? 91 : 365;
    const missingTools = missingRegistryTools();
    const rotationReason = !runs(flags, "full") ? `--only ${[...flags.only!].join(",")}` : missingTools.length > 0 ? `${missingTools.join(" and ")} not installed (${REGISTRY_CLIENTS_INSTALL})` : undefined;
    if (!rotationReason) {
      progress(`rotation: ${rotationDays} daily ups with a consumer pull after each, 60 s replication delay, with the providers' wait …`);
      const wait = await measureRotationPulls({ days: rotationDays, periodDays: ROTATION_PERIOD_DAYS, wait: true });
      progress(`rotation: the same without the wait …`);
      const noWait = await measureRotationPulls({ days: rotationDays, periodDays: ROTATION_PERIOD_DAYS, wait: false });
      rotationPulls = { wait, noWait };
    }

    // Figures.
    if (calls && secretAcquisitions !== undefined) {
      figures.push(
        counted("armCallsPerCreate", "ARM calls per create", calls.create, "minimumArmCallsPerCreate", 1, `100 creates made ${calls.sequences.create}: one POST each, plus one registry GET (login server) per registry per run.`),
        counted("armCallsPerRead", "ARM calls per read", calls.read, "minimumArmCallsPerRead", 1, "A refresh reads each password with one token GET."),
        counted(
          "armCallsPerDelete",
          "ARM calls per delete",
          calls.delete,
          "minimumArmCallsPerDelete",
          2,
          `Deleting: ${calls.sequences.delete}. GET + PATCH of the passwords to keep; ARM answers the PATCH as a long-running operation, which the SDK's poller follows to the end (one status poll, then a final GET), so "deleted" means deleted.`,
          { op: "<=", value: 4 },
        ),
        counted("armCallsPerRotation", "ARM calls per rotation", calls.rotation, "minimumArmCallsPerRotation", 1, `Replacing one slot's password (new expiry): ${calls.sequences.rotation}; the minimum is one generateCredentials POST.`),
        timing("tokenAcquisitionsFor100PasswordsByo", "token fetches, 100 pw, BYO token", "", [calls.byoAcquisitions], "With a token you bring (e.g. from `az account get-access-token`), no call to Entra ID at all.", { op: "==", value: 0 }),
        timing("tokenAcquisitionsFor100PasswordsClientSecret", "token fetches, 100 pw, client secret", "", [secretAcquisitions], "With a service principal, one token serves every password of the run.", { op: "==", value: 1 }),
      );
      extra["tokenAcquisitionsFor100Passwords"] = { byo: calls.byoAcquisitions, clientSecret: secretAcquisitions };
    }
    if (ours.length > 0) {
      figures.push(
        timing("lifecycle100Seconds", "create+read+delete 100 pw (ours)", "s", ours, "`up`, `refresh` and `destroy` of 100 passwords one at a time through the real provider host (host already running)."),
        timing("hostStartSeconds", "provider host start", "s", hostStart, flags.host === "compiled"
            ? "Once per `pulumi up`: spawning the dynamic-provider host on the compiled package and the first password."
            : "Once per `pulumi up`: spawning the dynamic-provider host and the first password (ts-node here: compiled JS in a user's project is faster)."),
      );
      if (runs(flags, "full")) {
        figures.push(
          timing("azCli100Seconds", "same 100 with az CLI", "s", cli ? azSeq : null, `A shell script running az credential generate / token show / credential delete (${plan.azSequentialSample} passwords per run, scaled to 100).`, undefined, azReason),
          timing("speedupVsAzCli", "speed-up vs az (sequential)", "×", cli ? pairedRatios(azSeq, ours) : null, "How many times sooner the same password work finishes than with az in a script.", { op: ">=", value: 50 }, azReason),
          timing("speedupVsAzCliIncludingHostStart", "speed-up vs az incl. host start", "×", cli ? pairedRatios(azSeq, ours.map((o, i) => o + hostStart[i]!)) : null, "The same, charging our side the host start as well.", undefined, azReason),
        );
      }
      figures.push(timing("lifecycle100Parallel10Seconds", "100 pw at parallelism 10 (ours)", "s", oursPar, "As `pulumi up/refresh/destroy` with the default --parallel 10."));
      if (runs(flags, "full")) {
        figures.push(
          timing("azCli100Parallel10Seconds", "100 pw az at parallelism 10", "s", cli ? azPar : null, `az with 10 commands at a time (xargs -P 10; ${plan.azParallelSample} passwords per run, scaled to 100).`, undefined, azReason),
          timing("speedupVsAzCliParallel10", "speed-up vs az (parallel 10)", "×", cli ? pairedRatios(azPar, oursPar) : null, "The speed-up when both sides run 10 at a time.", undefined, azReason),
        );
      }
      figures.push(
        timing("rawSdk100Seconds", "same ARM calls, raw SDK", "s", raw, "The physical limit for a Node client: the same calls with @azure/arm-containerregistry alone, in a process of its own like the host."),
        timing("overheadVsRawSdk", "ours / raw SDK", "×", pairedRatios(ours, raw), "Information: what the Pulumi dynamic-provider protocol and this package together add over bare SDK calls on loopback (the protocol's share: overheadVsProtocolFloor)."),
        timing(
          "providerOverheadMsPerPassword",
          "provider layer cost per password",
          "ms",
          ours.map((o, i) => ((o - raw[i]!) / 100) * 1000),
          "(ours − raw SDK) per password, mostly the 4 engine↔host gRPC round trips: a fixed cost, small next to ARM calls that cross the internet rather than loopback.",
        ),
        timing("lifecycle100AtArmLatencySeconds", `100 pw, ${ARM_LATENCY_MS} ms per ARM request (ours)`, "s", oursLatency, `The sequential lifecycle with every ARM request ${ARM_LATENCY_MS} ms slower (${plan.latencyPasswords} passwords per run, scaled to 100): closer to real ARM, still faster than it.`),
        timing("rawSdk100AtArmLatencySeconds", `same, raw SDK`, "s", rawLatency, `The raw SDK under the same ${ARM_LATENCY_MS} ms per request.`),
        timing("overheadVsRawSdkAtArmLatency", `ours / raw SDK at ${ARM_LATENCY_MS} ms ARM`, "×", pairedRatios(oursLatency, rawLatency), "Information: the provider layer's share once ARM is not on loopback: the same fixed cost per password against calls that take time."),
        timing("rawSdk100Parallel10Seconds", "same ARM calls, raw SDK, parallel 10", "s", rawPar, "The raw SDK with 10 lifecycles in flight, as the engine's --parallel 10."),
        timing("overheadVsRawSdkParallel10", "ours / raw SDK (parallel 10)", "×", pairedRatios(oursPar, rawPar), "The provider layer's cost when 10 passwords are in flight on each side."),
      );
    }
    if (floorRuns.length > 0) {
      const cpuKnown = floorRuns.every((r) => r.oursCpuSeconds !== undefined && r.floorCpuSeconds !== undefined && r.floorCpuSeconds > 0);
      figures.push(
        timing("protocolFloor100Seconds", "same 100, protocol floor", "s", floorRuns.map((r) => (r.floor[0] + r.floor[1]) / 2), "The limit for any dynamic provider doing this work: a minimal one (no validation, fixed token, no drift) making the same ARM calls through the same host, driven the same way."),
        timing("lifecycle100BesideFloorSeconds", "create+read+delete 100 pw (ours, beside the floor)", "s", floorRuns.map((r) => (r.ours[0] + r.ours[1]) / 2), "Our side of that comparison, timed in the same runs (ours, floor, floor, ours)."),
        timing("overheadVsProtocolFloor", "ours / protocol floor", "×", floorRuns.map((r) => abbaRatio(r.ours[0], r.floor[0], r.floor[1], r.ours[1])), "What this package adds to a password's lifecycle beyond what the Pulumi protocol and the ARM calls cost anyway: validation, credential checks, drift, clear errors.", { op: "<=", value: 1.15 }),
        timing(
          "hostCpuVsProtocolFloor",
          "host CPU, ours / protocol floor",
          "×",
          cpuKnown ? floorRuns.map((r) => r.oursCpuSeconds! / r.floorCpuSeconds!) : null,
          "The same comparison in CPU time of the two hosts (steadier than wall time when the machine is busy).",
          undefined,
          cpuKnown ? undefined : "no /proc CPU times on this platform",
        ),
      );
    }
    if (runs(flags, "engine")) {
      const engineTotal = engineUp.map((u, i) => u + engineDown[i]!);
      const azForEngine = ours.length > 0 && azSeq.length > 0 ? azSeq : azBesideEngine;
      const speedupReason = engineReason ?? azReason;
      figures.push(
        timing("engineUp100PasswordsSeconds", "pulumi up + destroy, 100 pw (real engine)", "s", engineReason ? null : engineTotal, `\`pulumi up\` creating ${plan.passwords} TokenPasswords plus the \`pulumi destroy\` removing them, each command timed from start to exit (the real CLI, file backend, default --parallel).`, undefined, engineReason),
        timing("engineUpSeconds", "of which pulumi up", "s", engineReason ? null : engineUp, "The `pulumi up` alone.", undefined, engineReason),
      );
      if (!(ours.length > 0 && runs(flags, "full"))) {
        figures.push(timing("azCli100Seconds", "same 100 with az CLI", "s", cli ? azForEngine : null, `A shell script running az credential generate / token show / credential delete (${plan.azSequentialSample} passwords per run, scaled to 100).`, undefined, azReason));
      }
      figures.push(
        timing(
          "speedupVsAzCliRealEngine",
          "speed-up vs az (real engine)",
          "×",
          !engineReason && cli ? pairedRatios(azBesideEngine, engineTotal) : null,
          "How many times sooner 100 passwords are created and removed with `pulumi up` + `pulumi destroy` than with az in a script (each engine run paired with an az sample taken right after it).",
          { op: ">=", value: 20 },
          speedupReason,
        ),
        timing("enginePreview1000TokensSeconds", `pulumi preview, ${plan.previewTokens} RegistryTokens`, "s", engineReason ? null : previewOurs, `\`pulumi preview\` of a new stack declaring ${plan.previewTokens} RegistryTokens with inline scope maps (the real engine, the azure-native stand-in plugin).`, undefined, engineReason),
        timing("enginePreview1000BareAzureNativeSeconds", "same program with azure-native", "s", engineReason ? null : previewBare, `The same ${plan.previewTokens} ScopeMap + Token pairs declared with azure-native directly.`, undefined, engineReason),
        timing("enginePreviewRatio", "preview ratio (ours / azure-native)", "×", engineReason ? null : pairedRatios(previewOurs, previewBare), "How long a preview of a large program takes with the package, relative to writing the same resources with azure-native. By default most of it is the engine's per-step snapshot, which grows with the square of the resource count (a RegistryToken is 4 resources, the azure-native pair 2).", { op: "<=", value: 0.5 }, engineReason),
        timing(
          "enginePreviewSkipCheckpointsSeconds",
          `same preview, PULUMI_SKIP_CHECKPOINTS=true`,
          "s",
          engineReason ? null : previewOursSkip,
          `The ${plan.previewTokens}-RegistryToken preview with the engine saving its in-memory snapshot once at the end instead of after every step (a preview persists nothing either way).`,
          undefined,
          engineReason,
        ),
        timing(
          "enginePreviewSkipCheckpointsBareAzureNativeSeconds",
          "same with azure-native, PULUMI_SKIP_CHECKPOINTS=true",
          "s",
          engineReason ? null : previewBareSkip,
          "The azure-native program under the same setting.",
          undefined,
          engineReason,
        ),
        timing(
          "enginePreviewRatioSkipCheckpoints",
          "preview ratio without per-step snapshots",
          "×",
          engineReason ? null : pairedRatios(previewOursSkip, previewBareSkip),
          "Information: the package's own share of a large preview, once the engine's per-step snapshot (which grows with the square of the resource count: a RegistryToken is 4 resources, the azure-native pair 2) is out of the way.",
          undefined,
          engineReason,
        ),
      );
    }
    if (tp && imports && mocks) {
      figures.push(
      timing("importSeconds", "import acr-tokens (fresh)", "s", imports.ours, "What `import \"acr-tokens\"` adds to every Pulumi program start."),
      timing("bareAzureNativeContainerregistryImportSeconds", "import azure-native/containerregistry", "s", imports.bare, "The floor: the azure-native submodule the package builds on (with @pulumi/pulumi)."),
      timing("importRatio", "import ratio (ours / bare)", "×", pairedRatios(imports.ours, imports.bare), "Using the package costs about the same start-up as azure-native alone.", { op: "<=", value: 1.2 }),
      timing("mocks1000TokensSeconds", "1,000 RegistryTokens under mocks", "s", mocks.ours.map((m) => m.seconds), "Unit-testing (or previewing) a program with 1,000 tokens, each with its inline scope map: 4,000 resources (process start to last registration).", { op: "<", value: 10 }),
      timing("mocks1000TokensPeakRssMiB", "peak RSS, 1,000 tokens under mocks", "MiB", mocks.ours.map((m) => m.peakRssMiB), "Memory such a test or preview needs.", { op: "<", value: 1024 }),
      timing("mocks1000BareAzureNativeSeconds", "same with bare azure-native", "s", mocks.bare.map((m) => m.seconds), "The baseline: the same 1,000 ScopeMap+Token pairs written with azure-native directly (with its API-version aliases), under the same mocks."),
      timing("mocks1000BareAzureNativePeakRssMiB", "peak RSS, bare azure-native", "MiB", mocks.bare.map((m) => m.peakRssMiB), "Memory of that baseline."),
      timing("emulatorRequestsPerSecond", "emulator requests/s (32 clients)", "req/s", tp.map((r) => r.requestsPerSecond), "How much CI traffic one local emulator absorbs (client SDK cost included)."),
      timing("emulatorP99Ms", "emulator p99 latency (32 clients)", "ms", tp.map((r) => r.p99Ms), "Worst-case wait per ARM call under that load, as the SDK sees it."),
      );
    }
    if (checkScale) {
      figures.push(
        timing("checkCli50kSeconds", "acr-tokens check, 50,000 tokens", "s", checkScale.map((r) => r.seconds), "A CI job's `acr-tokens check -o json` over a registry at ACR Premium's 50,000-token limit (500 pages), process start to exit, emulator in another process.", { op: "<", value: 30 }),
        timing("checkCli50kPeakRssMiB", "peak RSS, check of 50,000 tokens", "MiB", checkScale.map((r) => r.peakRssMiB), "Memory that check needs (the whole report is built before it is printed).", { op: "<", value: 500 }),
      );
    }
    if (runs(flags, "full")) {
      figures.push(
        timing(
          "rotationYearFailedPulls",
          "failed pulls, a year of rotation",
          "pulls",
          rotationPulls ? [rotationPulls.wait.failedPulls] : null,
          `RotatingTokenPassword (${ROTATION_PERIOD_DAYS}-day period), ${rotationDays} daily ups, a 60 s password replication delay: a consumer always using the exported password pulls after every up (${rotationPulls ? `${rotationPulls.wait.pulls} pulls, ${rotationPulls.wait.turns} turns` : "not run"}); the providers wait until each new password logs in.`,
          { op: "==", value: 0 },
          rotationReason,
        ),
        timing(
          "rotationYearFailedPullsWithoutWait",
          "same, without the providers' wait",
          "pulls",
          rotationPulls ? [rotationPulls.noWait.failedPulls] : null,
          "ACR_TOKENS_REPLICATION_WAIT_SECONDS=0: the pull right after each new password fails until it has replicated.",
          undefined,
          rotationReason,
        ),
      );
    }
    if (azCallsPerPassword.length > 0) {
      figures.push(timing("azCliArmCallsPerPassword", "az ARM calls per password lifecycle", "calls", azCallsPerPassword, "ARM calls az makes per generate + show + delete (registry LIST before each generate; its own LRO poll)."));
    }
    extra["plan"] = { ...plan, parallel: PARALLEL, host: flags.host, only: flags.only ? [...flags.only] : null, mockTokens: MOCK_TOKENS, checkScaleTokens: CHECK_SCALE_TOKENS, lroInProgressPolls: DEFAULT_LRO_IN_PROGRESS_POLLS };
    notes.push(
      `Every part runs with the emulator's default LRO pacing, the recorded one: a PATCH answers Succeeded at the first status poll.`,
      flags.only
        ? `Only ${[...flags.only].join(", ")} (--only). Every ratio is taken within one run.`
        : `az timings: ${plan.azSequentialSample} passwords per run sequentially and ${plan.azParallelSample} at parallelism 10, each scaled to 100; ours: 100 per run. Every ratio is taken within one run.`,
    );
  } finally {
    await emu.close();
  }

  const date = new Date().toISOString();
  const header = `acr-tokens benchmark — ${date} — ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, load average ${machine.loadAverage1mAtStart} at start — ${flags.quick ? "quick" : "full"} plan${flags.only ? ` (${describeOnly(flags)})` : ""}, host on the ${flags.host === "compiled" ? "compiled package" : "TypeScript source (ts-node)"}, ${((Date.now() - started) / 1000).toFixed(0)} s`;
  const markdown = [`### ${header}`, "", formatMarkdown(figures), "", ...notes.map((n) => `- ${n}`), ""].join("\n");
  const resultsDir = path.join(REPO_ROOT, "bench", "results");
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(path.join(resultsDir, "latest.md"), markdown);
  progress("wrote bench/results/latest.md");
  const table = `${header}\n\n${formatTable(figures)}\n\n${notes.map((n) => `* ${n}`).join("\n")}\n`;
  if (flags.json) {
    // The table goes to stderr, so a --json run still shows it to a person.
    process.stderr.write(table);
    process.stdout.write(`${JSON.stringify(toJson(figures, { date, machine, benchSeconds: (Date.now() - started) / 1000, ...extra, notes }))}\n`);
  } else {
    process.stdout.write(table);
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
