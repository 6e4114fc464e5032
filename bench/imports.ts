import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { progress } from "./lifecycle";

/**
 * Figures that need the package as a consumer gets it (compiled JavaScript, not ts-node): the build
 * goes to bench/results/build (gitignored) with the project's own tsconfig.build.json, so the
 * figures are of the current source, not of a stale dist/.
 */

export const REPO_ROOT = path.resolve(__dirname, "..");
export const BUILD_DIR = path.join(REPO_ROOT, "bench", "results", "build");
const PACKAGE_ENTRY = path.join(BUILD_DIR, "components", "index.js");
const MOCKS_PROGRAM = path.join(BUILD_DIR, "bench", "mocksProgram.js");

function run(file: string, args: string[], timeoutMs = 300_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd: REPO_ROOT, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, encoding: "utf8" }, (error, stdout, stderr) => {
      if (error && typeof error.code !== "number") reject(new Error(`${path.basename(file)} did not run: ${error.message}`));
      else resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

/**
 * Compiles the package (components, emulator, cli) and the mocks program into BUILD_DIR. tsc emits
 * even when another part of the tree does not type-check yet; only a missing entry point is fatal.
 */
export async function buildPackage(): Promise<void> {
  progress("compiling the package (tsc -p tsconfig.build.json) into bench/results/build …");
  const tsc = require.resolve("typescript/bin/tsc");
  const result = await run(process.execPath, [tsc, "-p", "tsconfig.build.json", "--outDir", BUILD_DIR, "--incremental", "false", "--declaration", "false", "--sourceMap", "false"]);
  if (result.code !== 0) progress(`tsc reported type errors (emitted anyway): ${result.stdout.split("\n").filter(Boolean).length} lines`);
  const source = readFileSync(path.join(__dirname, "mocksProgram.ts"), "utf8");
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
  mkdirSync(path.dirname(MOCKS_PROGRAM), { recursive: true });
  writeFileSync(MOCKS_PROGRAM, js);
  readFileSync(PACKAGE_ENTRY); // throws if the build produced no entry point
}

/** Seconds a fresh `node` spends in `require(specifier)` (Node's own boot excluded). */
async function importSeconds(specifier: string): Promise<number> {
  const code = `const t=process.hrtime.bigint();require(${JSON.stringify(specifier)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e9))`;
  const result = await run(process.execPath, ["-e", code]);
  if (result.code !== 0) throw new Error(`importing ${specifier} failed: ${result.stderr.trim().split("\n").slice(-3).join(" ")}`);
  return Number(result.stdout);
}

/**
 * Fresh-process import of the package vs `@pulumi/azure-native/containerregistry` alone (the floor:
 * the package needs it and `@pulumi/pulumi`), alternating the two so that both see the same machine load.
 */
export async function measureImports(runs: number): Promise<{ ours: number[]; bare: number[] }> {
  const ours: number[] = [];
  const bare: number[] = [];
  await importSeconds(PACKAGE_ENTRY); // warm the OS file cache for both
  await importSeconds("@pulumi/azure-native/containerregistry");
  for (let i = 0; i < runs; i++) {
    ours.push(await importSeconds(PACKAGE_ENTRY));
    bare.push(await importSeconds("@pulumi/azure-native/containerregistry"));
    progress(`import run ${i + 1}/${runs}: package ${ours[i]!.toFixed(3)} s, azure-native/containerregistry ${bare[i]!.toFixed(3)} s`);
  }
  return { ours, bare };
}

/** One run of the mocks program: wall seconds from process start and the child's own peak RSS. */
export interface MocksRun {
  seconds: number;
  peakRssMiB: number;
  resources: number;
}

/**
 * Runs the N-token program under mocks in fresh child processes, `runs` times each for the package
 * and for the bare azure-native resources, alternating.
 */
export async function measureMocksProgram(runs: number, count: number): Promise<{ ours: MocksRun[]; bare: MocksRun[] }> {
  const once = async (entry: string): Promise<MocksRun> => {
    const result = await run(process.execPath, [MOCKS_PROGRAM, entry, String(count)], 600_000);
    if (result.code !== 0) throw new Error(`the mocks program failed (exit ${result.code}): ${result.stderr.trim().split("\n").slice(-3).join(" ")}`);
    return JSON.parse(result.stdout.trim().split("\n").pop() ?? "") as MocksRun;
  };
  const ours: MocksRun[] = [];
  const bare: MocksRun[] = [];
  for (let i = 0; i < runs; i++) {
    const o = await once(PACKAGE_ENTRY);
    const b = await once("bare");
    ours.push(o);
    bare.push(b);
    progress(
      `mocks run ${i + 1}/${runs}: ${count} RegistryTokens (${o.resources} resources) ${o.seconds.toFixed(2)} s, peak RSS ${o.peakRssMiB.toFixed(0)} MiB; ` +
        `bare azure-native (${b.resources} resources) ${b.seconds.toFixed(2)} s, ${b.peakRssMiB.toFixed(0)} MiB`,
    );
  }
  return { ours, bare };
}
