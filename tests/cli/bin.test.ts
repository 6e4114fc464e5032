import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createServer } from "node:net";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { CheckReport } from "../../cli";
import { assertNoSecret, DAY, RG, startCliTestBed, type CliTestBed } from "./helpers";

const ROOT = path.resolve(__dirname, "../..");

describe("acr-tokens as a process", function () {
  // A real `node` process that compiles the CLI through ts-node before it runs: seconds, not milliseconds.
  this.timeout(30_000);

  let bed: CliTestBed;
  before(async () => {
    bed = await startCliTestBed();
  });
  after(async () => {
    await bed?.close();
  });

  it("the shipped shim runs cli/index's run() from dist/", () => {
    const shim = readFileSync(path.join(ROOT, "bin/acr-tokens.js"), "utf8");
    assert.match(shim, /^#!\/usr\/bin\/env node\n/);
    assert.match(shim, /\nrequire\("\.\.\/dist\/cli\/index\.js"\)\.run\(\);\n$/);
  });

  it("exits 1 for a flagged token and writes one JSON document to a piped stdout, nothing to stderr", async () => {
    const registry = await bed.newRegistry();
    await bed.createToken(registry, "piped-token");
    await bed.generatePassword(registry, "piped-token", "password1", 2 * DAY);
    const env = { PATH: process.env.PATH, ...bed.env() };
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      execFile(
        process.execPath,
        ["-r", "ts-node/register", path.join(__dirname, "fixtures/acr-tokens.ts"), "check", "--registry", registry, "-g", RG, "--output", "json"],
        { cwd: ROOT, env, encoding: "utf8" },
        (err, out, errOut) => {
          if (err && typeof err.code !== "number") reject(err);
          else resolve({ code: err ? (err.code as number) : 0, stdout: out, stderr: errOut });
        },
      );
    });
    assert.equal(stderr, "");
    assert.equal(code, 1);
    const report = JSON.parse(stdout) as CheckReport;
    assert.equal(stdout, `${JSON.stringify(report, null, 2)}\n`, "stdout is exactly one JSON document");
    assert.deepEqual(report.tokens.map((t) => [t.name, t.flags]), [["piped-token", ["expiring", "expiring-password"]]]);
    assertNoSecret([stdout, stderr], bed.secrets);
  });

  /** Runs the command as a process; `killedAfter` is set when it had to be killed at `timeoutMs`. */
  function runProcess(argv: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string; killed: boolean; ms: number }> {
    const started = Date.now();
    return new Promise((resolve) => {
      execFile(process.execPath, ["-r", "ts-node/register", path.join(__dirname, "fixtures/acr-tokens.ts"), ...argv], { cwd: ROOT, env, encoding: "utf8", timeout: timeoutMs }, (err, out, errOut) => {
        const killed = err !== null && (err as { killed?: boolean }).killed === true;
        resolve({ code: err ? (typeof err.code === "number" ? err.code : null) : 0, stdout: out, stderr: errOut, killed, ms: Date.now() - started });
      });
    });
  }

  it("exits as soon as it has reported a connection failure: no per-attempt timer keeps it alive for ACR_TOKENS_ARM_TIMEOUT_MS", async () => {
    // A loopback port nobody listens on: every attempt is refused at once.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, "127.0.0.1", () => {
        const { port: p } = server.address() as { port: number };
        server.close(() => resolve(p));
      });
    });
    const env = { PATH: process.env.PATH, ...bed.env({ ACR_TOKENS_ARM_ENDPOINT: `https://127.0.0.1:${port}`, ACR_TOKENS_RETRY_DELAY_MS: "0", ACR_TOKENS_ARM_TIMEOUT_MS: "120000" }) };
    // Killed at 25 s: far below the 120 s timeout the old timer held the process for, far above a ts-node start.
    const run = await runProcess(["check", "--registry", "someregistry", "-g", RG], env, 25_000);
    assert.equal(run.killed, false, `the process was still alive ${run.ms} ms after start (a timer outlived its request)`);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /could not reach ARM at https:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    assertNoSecret([run.stdout, run.stderr], bed.secrets);
  });

  it("refuses to run under NODE_DEBUG=https as a process too, and prints no token", async () => {
    const env = { PATH: process.env.PATH, ...bed.env({ NODE_DEBUG: "https,tls" }) };
    const run = await runProcess(["check", "--registry", "someregistry", "-g", RG], env, 25_000);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^acr-tokens check: NODE_DEBUG includes "https", "tls", which makes Node print every HTTPS request's headers/);
    const token = (env as NodeJS.ProcessEnv).ACR_TOKENS_ACCESS_TOKEN ?? "";
    assert.ok(token.length > 0 && !run.stderr.includes(token.split(".")[1]!), "the token's payload reached stderr");
    assertNoSecret([run.stdout, run.stderr], bed.secrets);
  });
});
