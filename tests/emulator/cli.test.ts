import assert from "node:assert/strict";
import { execFile, spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { parseCli, UsageError } from "../../emulator/cli";

const ROOT = join(__dirname, "..", "..");

/** Spawns the CLI from source (ts-node), as `emulator/bin/acr-tokens-emulator.js` runs it from emulator/dist/. */
function spawnCli(args: string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ["-r", "ts-node/register", "--conditions=acr-tokens-source", join(ROOT, "emulator", "cli.ts"), ...args], {
    cwd: ROOT,
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" },
  });
}

async function get(url: string, ca: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    request(url, { ca, agent: false }, (res) => {
      let text = "";
      res.on("data", (c: Buffer) => (text += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    })
      .on("error", reject)
      .end();
  });
}

describe("emulator CLI", function () {
  // Spawned node processes compile the emulator with ts-node at start-up (about 1-3 s on 2 cores).
  this.timeout(20_000);

  it("prints exactly one JSON line with the endpoints, serves, logs to stderr, and exits 0 on SIGTERM", async () => {
    const child = spawnCli(["--port", "0"]);
    const lines = createInterface({ input: child.stdout });
    const stderr: string[] = [];
    child.stderr.on("data", (c: Buffer) => stderr.push(c.toString()));
    const [first] = (await once(lines, "line")) as [string];
    const info = JSON.parse(first) as Record<string, string>;
    assert.deepEqual(Object.keys(info).sort(), ["armEndpoint", "authorityHost", "caCertPath", "managedIdentityEndpoint", "subscriptionId", "tenantId"]);
    assert.match(info.armEndpoint, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(info.managedIdentityEndpoint, `${info.armEndpoint}/msi/token`);
    const ca = readFileSync(info.caCertPath, "utf8");
    const res = await get(`${info.armEndpoint}/metadata/endpoints?api-version=2015-01-01`, ca);
    assert.equal(res.status, 200);
    const more: string[] = [];
    lines.on("line", (l) => more.push(l));
    child.kill("SIGTERM");
    const [code] = (await once(child, "exit")) as [number | null];
    assert.equal(code, 0);
    assert.deepEqual(more, [], "nothing but the one JSON line on stdout");
    assert.match(stderr.join(""), /GET \/metadata\/endpoints api-version=2015-01-01 200 /);
  });

  it("prints the usage on stderr and exits 2 on a bad flag", async () => {
    const child = spawnCli(["--colour", "blue"]);
    let err = "";
    let out = "";
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    const [code] = (await once(child, "exit")) as [number | null];
    assert.equal(code, 2);
    assert.match(err, /Unknown option '--colour'/);
    assert.match(err, /Usage: acr-tokens-emulator/);
    assert.equal(out, "");
  });

  it("parses flags into emulator options and rejects bad values before starting", () => {
    assert.deepEqual(parseCli(["--port", "8443", "--http", "--seed", "s.json", "--state", "st.json", "--start-time", "2030-01-01T00:00:00Z", "--clock-file", "c.txt"]).options, {
      port: 8443,
      protocol: "http",
      seed: "s.json",
      statePath: "st.json",
      startTime: "2030-01-01T00:00:00Z",
      clockFile: "c.txt",
    });
    assert.throws(() => parseCli(["--port", "-1"]), UsageError);
    assert.throws(() => parseCli(["--port", "70000"]), /--port must be an integer from 0 to 65535/);
    assert.throws(() => parseCli(["--start-time", "soon"]), /--start-time must be an ISO 8601/);
    assert.throws(() => parseCli(["extra"]), UsageError);
  });

  it("ships a bin that answers --version with the emulator package's version and runs the compiled CLI", async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "emulator", "package.json"), "utf8")) as { version: string; bin: Record<string, string> };
    const bin = join(ROOT, "emulator", pkg.bin["acr-tokens-emulator"]!);
    const version = await promisify(execFile)(process.execPath, [bin, "--version"]);
    assert.equal(version.stdout, `${pkg.version}\n`);
    // A bad flag reaches the compiled CLI (dist/cli.js), which exits 2 with the usage.
    const bad = await promisify(execFile)(process.execPath, [bin, "--no-such-flag"]).then(
      () => assert.fail("a bad flag exited 0"),
      (e: { code: number; stderr: string }) => e,
    );
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /Usage: acr-tokens-emulator/);
  });
});
