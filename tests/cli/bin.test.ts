import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
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
});
