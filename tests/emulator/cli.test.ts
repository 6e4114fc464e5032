import assert from "node:assert/strict";
import { execFile, spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { once } from "node:events";
import { existsSync, readFileSync, statSync } from "node:fs";
import { request } from "node:https";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { mintToken, parseCli, parseTokenCli, USAGE, UsageError } from "../../emulator/cli";

const ROOT = join(__dirname, "..", "..");

/** Spawns the CLI from source (ts-node), as `emulator/bin/acr-tokens-emulator.js` runs it from emulator/dist/. */
function spawnCli(args: string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ["-r", "ts-node/register", "--conditions=acr-tokens-source", join(ROOT, "emulator", "cli.ts"), ...args], {
    cwd: ROOT,
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" },
  });
}

/** Runs the CLI to completion; resolves with its exit code and output. */
async function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnCli(args);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const [code] = (await once(child, "exit")) as [number | null];
  return { code, stdout, stderr };
}

/** Starts the CLI and resolves with its endpoints line once it serves. */
async function serveCli(args: string[]): Promise<{ child: ChildProcessWithoutNullStreams; info: Record<string, string> }> {
  const child = spawnCli(args);
  const [first] = (await once(createInterface({ input: child.stdout }), "line")) as [string];
  return { child, info: JSON.parse(first) as Record<string, string> };
}

async function stop(child: ChildProcessWithoutNullStreams): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill("SIGTERM");
  await once(child, "exit");
}

async function get(url: string, ca: string, token?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    request(url, { ca, agent: false, headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
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

  it("parses seeding, CA and LRO flags, and rejects bad ones naming the fix", () => {
    const { options } = parseCli(["--resource-group", "extra-rg", "--registry", "demo-rg/demoregistry", "--registry", "demo-rg/basicreg1:basic", "--lro-in-progress-polls", "1", "--lro-retry-after", "1", "--generate-credentials-lro", "--ca-cert", "c.pem", "--ca-key", "k.pem"]);
    assert.deepEqual(options.seed, {
      resourceGroups: [{ name: "extra-rg" }, { name: "demo-rg" }],
      registries: [{ resourceGroup: "demo-rg", name: "demoregistry" }, { resourceGroup: "demo-rg", name: "basicreg1", sku: "Basic" }],
    });
    assert.deepEqual(options.lro, { inProgressPolls: 1, retryAfterSeconds: 1, generateCredentials: "accepted" });
    assert.deepEqual(options.tls, { caCertFile: "c.pem", caKeyFile: "k.pem" });
    assert.throws(() => parseCli(["--registry", "demoregistry"]), /--registry takes GROUP\/NAME or GROUP\/NAME:SKU/);
    assert.throws(() => parseCli(["--registry", "rg/ab"]), /registry name is 5-50 letters and digits/);
    assert.throws(() => parseCli(["--registry", "rg/demoregistry:Gold"]), /SKU must be Basic, Standard or Premium/);
    assert.throws(() => parseCli(["--ca-cert", "c.pem"]), /--ca-cert and --ca-key go together/);
    assert.throws(() => parseCli(["--lro-in-progress-polls", "two"]), /--lro-in-progress-polls must be a whole number/);
    assert.throws(() => parseTokenCli([]), /token: --state FILE is required/);
    assert.throws(() => parseTokenCli(["--state", "s.json", "--expires-in", "0"]), /--expires-in must be at least 1 second/);
  });

  it("--help names every flag of both commands", async () => {
    const { code, stdout } = await runCli(["--help"]);
    assert.equal(code, 0);
    assert.equal(stdout, USAGE);
    for (const flag of ["--port", "--host", "--http", "--resource-group", "--registry", "--seed", "--state", "--ca-cert", "--ca-key", "--start-time", "--clock-file", "--lro-in-progress-polls", "--lro-retry-after", "--generate-credentials-lro", "--data-plane", "--replication-delay", "--quiet", "--client-id", "--object-id", "--expires-in", "--audience", "--json"]) {
      assert.match(USAGE, new RegExp(`\\s${flag}\\s`), `the usage lists ${flag}`);
    }
  });

  describe("with --state", function () {
    // Each test spawns two or three CLI processes compiling under ts-node.
    this.timeout(60_000);
    let dir = "";
    before(() => {
      dir = mkdtempSync(join(tmpdir(), "acr-tokens-cli-state-"));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("seeds from flags, mints accepted tokens with 'token', and keeps the CA and tokens across a restart", async () => {
      const state = join(dir, "state.json");
      const first = await serveCli(["--state", state, "--registry", "demo-rg/demoregistry", "--quiet"]);
      let ca = "";
      let token = "";
      const list = (info: Record<string, string>) => `${info.armEndpoint}/subscriptions/${info.subscriptionId}/resourceGroups/demo-rg/providers/Microsoft.ContainerRegistry/registries?api-version=2023-07-01`;
      try {
        assert.equal(first.info.caCertPath, `${resolve(state)}.ca.pem`, "the CA certificate sits next to the state file");
        ca = readFileSync(first.info.caCertPath, "utf8");
        const minted = await runCli(["token", "--state", state]);
        assert.equal(minted.code, 0, minted.stderr);
        token = minted.stdout.trim();
        assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/, "one JWT on stdout");
        const res = await get(list(first.info), ca, token);
        assert.equal(res.status, 200, res.text);
        assert.deepEqual((JSON.parse(res.text) as { value: Array<{ name: string }> }).value.map((r) => r.name), ["demoregistry"]);
        const az = JSON.parse(mintToken({ ...parseTokenCli(["--state", state, "--json", "--expires-in", "600"]) })) as Record<string, unknown>;
        assert.deepEqual(Object.keys(az).sort(), ["accessToken", "expiresOn", "expires_on", "subscription", "tenant", "tokenType"]);
        assert.equal(az.subscription, first.info.subscriptionId);
      } finally {
        await stop(first.child);
      }
      assert.ok(existsSync(`${state}.ca.pem`), "the CA certificate outlives the run");
      assert.equal(statSync(state).mode & 0o777, 0o600, "the state file holding the CA key is private");
      const second = await serveCli(["--state", state, "--quiet"]);
      try {
        assert.equal(readFileSync(second.info.caCertPath, "utf8"), ca, "the same CA after a restart");
        const res = await get(list(second.info), ca, token);
        assert.equal(res.status, 200, "the old CA still verifies the server and the old token is accepted");
      } finally {
        await stop(second.child);
      }
    });

    it("--ca-cert/--ca-key create a CA when both files are missing and reuse it afterwards", async () => {
      const cert = join(dir, "ca.pem");
      const key = join(dir, "ca.key");
      const first = await serveCli(["--ca-cert", cert, "--ca-key", key, "--quiet"]);
      await stop(first.child);
      assert.equal(first.info.caCertPath, resolve(cert));
      assert.equal(statSync(key).mode & 0o777, 0o600);
      const ca = readFileSync(cert, "utf8");
      const second = await serveCli(["--ca-cert", cert, "--ca-key", key, "--quiet"]);
      try {
        assert.equal((await get(`${second.info.armEndpoint}/metadata/endpoints?api-version=2015-01-01`, ca)).status, 200);
      } finally {
        await stop(second.child);
      }
      const half = await runCli(["--ca-cert", cert, "--ca-key", join(dir, "missing.key")]);
      assert.equal(half.code, 1);
      assert.match(half.stderr, /the CA file '.*ca\.pem' exists but '.*missing\.key' does not/);
    });

    it("'token' without a state file, or with one that is not an emulator's, says what to pass", async () => {
      const missing = await runCli(["token", "--state", join(dir, "none.json")]);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /state file '.*none\.json' cannot be read \(ENOENT\)/);
      assert.equal(missing.stdout, "");
    });
  });
});

