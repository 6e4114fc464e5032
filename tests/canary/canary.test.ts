import * as assert from "node:assert/strict";
import { main } from "../../cli";
import { EmulatorHarness, isSecret as isRunSecret, redacted, reveal as revealRun, secret as runSecret, type RunResult } from "../../testing/harness";
import { ProviderHost, isSecret, reveal, secret, withProvider, type Props } from "../../testing/providerHost";
import { recordFigure } from "../faults/figures";
import { malformations } from "../faults/malformed";
import { secretSamples } from "../common/secretSamples";
import { setProcessEnv } from "../cli/helpers";
import { PASSWORD_TYPE, REGISTRY, RG, createPassword, providerTexts, startTestBed, type ProviderTestBed } from "../provider/setup";

/** The sentinel's recognisable claim: the object id it is minted for. */
const SENTINEL_OID = "5e171e15-ca4a-4b1e-8e4e-5e171e15ca4a";

/**
 * Secret-hygiene canary: the package's main flows run with a sentinel bring-your-own token (minted by
 * the emulator for a recognisable object id), with every debug log the processes honour switched on,
 * and everything they produce is captured and searched for the token, its payload and signature
 * parts, and every password generated on the way. The mini-up harness flows (quickstart up, refresh,
 * out-of-band regeneration, up, destroy) run with the sentinel as `acr-tokens:accessToken` too; their
 * errors, plain state, non-secret outputs and hosts' output join the scan.
 *
 * Debug logging of the dynamic-provider host: it has no verbosity flag of its own (`-v=9` and
 * `--logtostderr` are the engine's), and `pulumi.log` goes to the engine, which is absent here. What
 * a host process honours is: AZURE_LOG_LEVEL=verbose (@azure/logger: every pipeline step, request
 * and response, headers after redaction, retries, LRO polls), DEBUG=* (the `debug` module, which
 * @azure/logger also feeds), GRPC_VERBOSITY=DEBUG with GRPC_TRACE=all (grpc-js, which carries the
 * create response holding the password), and PULUMI_DEBUG_PROMISE_LEAKS=true (the SDK's leak report).
 */
describe("canary: no token or password anywhere, with debug logging on", function () {
  // Spawns the dynamic-provider host under ts-node with full logging, and the harness's hosts for the
  // mini-up flows (program runs and closure serialization take several seconds on 2 cores).
  this.timeout(120_000);

  let bed: ProviderTestBed;
  let host: ProviderHost;
  let harness: EmulatorHarness | undefined;
  let sentinel: string;
  const passwords: string[] = [];
  /** Every captured text, by where it came from. */
  const captured: Array<{ where: string; text: string }> = [];

  before(async () => {
    bed = await startTestBed();
    sentinel = bed.emu.issueToken({ objectId: SENTINEL_OID, expiresInSeconds: 6 * 3600 });
    host = await ProviderHost.start({
      env: bed.hostEnv({
        AZURE_LOG_LEVEL: "verbose",
        DEBUG: "*",
        GRPC_VERBOSITY: "DEBUG",
        GRPC_TRACE: "all",
        PULUMI_DEBUG_PROMISE_LEAKS: "true",
        ACR_TOKENS_RETRY_DELAY_MS: "0",
      }),
    });
    await host.configure({ "acr-tokens:accessToken": secret(sentinel) });
  });
  after(async () => {
    await host?.close();
    await harness?.close();
    await bed?.close();
  });

  const keepOutputs = (where: string, outs: Props) => {
    assert.ok(isSecret(outs["password"]), `${where}: the password output must be secret`);
    if (typeof reveal(outs["password"]) === "string") passwords.push(reveal<string>(outs["password"]));
    captured.push({ where: `${where}: non-secret outputs`, text: JSON.stringify(Object.fromEntries(Object.entries(outs).filter(([, v]) => !isSecret(v)))) });
  };
  const keepError = async (where: string, p: Promise<unknown>) => {
    await assert.rejects(p, (err: Error) => {
      captured.push({ where: `${where}: error`, text: `${err.name}: ${err.message}\n${err.stack ?? ""}` });
      return true;
    });
  };

  it("runs the flows: create both slots, read, update, delete, failures, throttling, the check CLI", async () => {
    const tokenId = await bed.createToken("canary-token");
    const one = await createPassword(host, "canary-1", { tokenId, slot: "password1", expiresInDays: 30 });
    keepOutputs("create password1", one.outs);
    // Throttled and reset on the way: retries are logged verbosely.
    bed.emu.faults.add({ method: "POST", route: /generateCredentials$/, fault: { kind: "status", status: 429, retryAfterSeconds: 0 } });
    bed.emu.faults.add({ method: "POST", route: /generateCredentials$/, fault: { kind: "reset" } });
    const two = await createPassword(host, "canary-2", { tokenId, slot: "password2" });
    keepOutputs("create password2", two.outs);
    keepOutputs("read", (await host.read(PASSWORD_TYPE, "canary-1", one.id, one.outs, one.inputs, ["password"])).outs);
    keepOutputs("update", (await host.update(PASSWORD_TYPE, "canary-1", one.id, one.outs, { ...one.inputs, credential: "accessToken" }, ["password"])).outs);
    await host.delete(PASSWORD_TYPE, "canary-2", two.id, two.outs);
    // Failures: ARM 404, ARM 500s beyond the retries, a check failure.
    await keepError("create on a missing token", createPassword(host, "canary-missing", { tokenId: bed.tokenId("no-such-token") }));
    bed.emu.faults.add({ method: "POST", route: /generateCredentials$/, count: 4, fault: { kind: "status", status: 500 } });
    await keepError("create through a 500 burst", createPassword(host, "canary-500", { tokenId }));
    const { password: providerText } = await providerTexts();
    const checked = await host.check(PASSWORD_TYPE, "canary-bad", {}, withProvider(providerText, { tokenId: "not-an-id", slot: "password9" }));
    captured.push({ where: "check failures", text: JSON.stringify(checked.failures) });
    bed.emu.faults.add({ method: "GET", route: "/tokens/canary-token", count: 4, fault: { kind: "status", status: 500 } });
    await keepError("delete through a 500 burst", host.delete(PASSWORD_TYPE, "canary-1", one.id, one.outs));
    captured.push({ where: "__provider text", text: providerText });

    // The check CLI at its most verbose (progress on, JSON), with the sentinel in its environment.
    for (const [output, isTTY] of [["json", true], ["table", true]] as const) {
      let stdout = "";
      let stderr = "";
      const code = await main(["check", "--registry", REGISTRY, "-g", RG, "--output", output], {
        stdout: { write: (s: string) => (stdout += s) },
        stderr: { write: (s: string) => (stderr += s) },
        env: {
          ACR_TOKENS_ACCESS_TOKEN: sentinel,
          ACR_TOKENS_ARM_ENDPOINT: bed.emu.armEndpoint,
          ACR_TOKENS_CA_CERT_FILE: bed.emu.caCertPath,
          ACR_TOKENS_SUBSCRIPTION_ID: bed.emu.subscriptionId,
          ACR_TOKENS_CLOCK_FILE: bed.clockFile,
        },
        isTTY,
      });
      assert.ok(code === 0 || code === 1, `check exited ${code}: ${stderr}`);
      captured.push({ where: `check CLI --output ${output} stdout`, text: stdout }, { where: `check CLI --output ${output} stderr`, text: stderr });
    }
    let cliError = "";
    await main(["check", "--registry", REGISTRY, "-g", RG], {
      stdout: { write: () => undefined },
      stderr: { write: (s: string) => (cliError += s) },
      env: { ACR_TOKENS_ACCESS_TOKEN: bed.emu.issueToken({ objectId: SENTINEL_OID, untrustedSignature: true }), ACR_TOKENS_ARM_ENDPOINT: bed.emu.armEndpoint, ACR_TOKENS_CA_CERT_FILE: bed.emu.caCertPath, ACR_TOKENS_SUBSCRIPTION_ID: bed.emu.subscriptionId },
      isTTY: true,
    });
    captured.push({ where: "check CLI refused-token stderr", text: cliError });
    assert.equal(passwords.length >= 3, true, "passwords were generated and captured for the search");
  });

  it("runs the mini-up flows with the sentinel as acr-tokens:accessToken: quickstart up, refresh, out-of-band regeneration, up, destroy", async () => {
    harness = EmulatorHarness.start(bed.emu, "acr-tokens-canary");
    const session = harness.session({
      program: "examples/quickstart/index.ts",
      config: { registryName: REGISTRY, resourceGroupName: RG, "acr-tokens:accessToken": runSecret(sentinel) },
    });
    const keepRun = (where: string, r: RunResult) => {
      if (r.outputs["password"] !== undefined) assert.ok(isRunSecret(r.outputs["password"]), `${where}: the password stack output must be secret`);
      const password = revealRun<unknown>(r.outputs["password"]);
      if (typeof password === "string") passwords.push(password);
      captured.push(
        { where: `${where}: errors`, text: JSON.stringify(r.errors) },
        { where: `${where}: plain state`, text: JSON.stringify(redacted(r.state)) },
        { where: `${where}: non-secret outputs`, text: JSON.stringify(Object.fromEntries(Object.entries(r.outputs).filter(([, v]) => !isRunSecret(v)))) },
      );
    };
    const mark = bed.emu.requests.length;
    keepRun("harness up", await session.up());
    keepRun("harness refresh", await session.refresh());
    // Out of band: someone regenerates the slot in the portal; the value is a password to look for too.
    const tokenId = bed.tokenId("app-pull");
    const oob = await harness.arm.registries.generateCredentials(RG, REGISTRY, { tokenId, name: "password1" }, { updateIntervalInMs: 0 });
    for (const p of oob.passwords ?? []) if (p.value) passwords.push(p.value);
    keepRun("harness refresh after regeneration", await session.refresh({ allowErrors: true }));
    keepRun("harness up after regeneration", await session.up({ allowErrors: true }));
    keepRun("harness destroy", await session.destroy());
    assert.deepEqual(session.state.resources, [], "destroy removed everything");
    // The sentinel really drove the TokenPassword steps (azure-native steps use the harness's own client).
    assert.ok(
      bed.emu.requests.slice(mark).some((r) => r.principal === SENTINEL_OID && r.operation === "registries.generateCredentials"),
      "the sentinel token generated the quickstart's password",
    );
    captured.push({ where: "harness hosts stdout/stderr", text: await harness.hostOutput() });
    recordFigure("canary", "harness flows", 5);
  });

  it("NODE_DEBUG=http,https,net,tls (Node would print request options with the bearer token): the provider host refuses before any request", async () => {
    const debugHost = await ProviderHost.start({ env: bed.hostEnv({ NODE_DEBUG: "http,https,net,tls", ACR_TOKENS_RETRY_DELAY_MS: "0" }) });
    try {
      await debugHost.configure({ "acr-tokens:accessToken": secret(sentinel) });
      const tokenId = await bed.createToken("canary-debug");
      const mark = bed.emu.requests.length;
      await assert.rejects(createPassword(debugHost, "canary-debug", { tokenId, slot: "password1" }), (err: Error) => {
        assert.match(err.message, /NODE_DEBUG includes "http", "https", "net", "tls", which makes Node print every HTTPS request's headers.*Nothing was sent/);
        captured.push({ where: "NODE_DEBUG host: error", text: `${err.message}\n${err.stack ?? ""}` });
        return true;
      });
      assert.deepEqual(bed.emu.requests.slice(mark).filter((r) => r.principal === SENTINEL_OID), [], "a request was sent under NODE_DEBUG");
    } finally {
      await debugHost.close();
      captured.push({ where: "NODE_DEBUG host stdout", text: debugHost.stdout }, { where: "NODE_DEBUG host stderr", text: debugHost.stderr });
    }
    recordFigure("canary", "NODE_DEBUG refusals", 1);
  });

  it("malformed success answers to generateCredentials (generated truncations, wrappers, trailing bytes): the live password is in no error or output", async () => {
    const tokenId = await bed.createToken("canary-malformed");
    const bodies = [...malformations()];
    // Random cut points and random garbage on top of the fixed set.
    for (let i = 0; i < 20; i++) {
      const at = Math.random();
      const junk = Buffer.from(Array.from({ length: 1 + (i % 7) }, () => 32 + Math.floor(Math.random() * 95))).toString("latin1");
      bodies.push({ name: `random cut ${i}`, mangle: (j: string) => `${j.slice(0, Math.floor(j.length * at))}${i % 2 ? junk : ""}` });
    }
    for (const [i, m] of bodies.entries()) {
      bed.emu.faults.add({
        method: "POST",
        route: /generateCredentials$/,
        fault: {
          kind: "mangleBody",
          mangle: (json: string) => {
            for (const x of json.matchAll(/"value":"([^"]+)"/g)) passwords.push(x[1]!);
            return m.mangle(json);
          },
          ...(m.contentType ? { contentType: m.contentType } : {}),
        },
      });
      try {
        const made = await createPassword(host, `canary-malformed-${i}`, { tokenId, slot: i % 2 ? "password1" : "password2" });
        keepOutputs(`malformed body ${m.name}`, made.outs);
      } catch (err) {
        captured.push({ where: `malformed body ${m.name}: error`, text: `${(err as Error).message}\n${(err as Error).stack ?? ""}` });
      }
    }
    recordFigure("canary", "malformed success bodies", bodies.length);
  });

  it("secrets placed in every wrong setting, generated (kinds x settings x surfaces): described, never quoted", async () => {
    const kinds = [{ kind: "sentinel token", value: sentinel }, ...secretSamples(1).filter((s) => s.kind !== "JWT")];
    for (const k of kinds) passwords.push(k.value); // searched for like the passwords (by name only)
    const envSettings = [
      "ACR_TOKENS_CA_CERT_FILE", "ACR_TOKENS_CLOCK_FILE", "ACR_TOKENS_ARM_TIMEOUT_MS", "ACR_TOKENS_RETRY_DELAY_MS", "ACR_TOKENS_MAX_RETRY_AFTER_SECONDS",
      "ACR_TOKENS_LRO_POLL_INTERVAL_MS", "ACR_TOKENS_CLOUD", "ACR_TOKENS_ARM_ENDPOINT", "ACR_TOKENS_ARM_AUDIENCE", "AZURE_AUTHORITY_HOST", "ACR_TOKENS_TENANT_ID",
      "ACR_TOKENS_SUBSCRIPTION_ID", "ACR_TOKENS_CREDENTIAL", "ACR_TOKENS_ACCESS_TOKEN_FILE", "ACR_TOKENS_ACCESS_TOKEN_MIN_VALIDITY", "ACR_TOKENS_ADDITIONALLY_ALLOWED_TENANTS",
    ];
    const configSettings = ["caCertFile", "cloud", "armEndpoint", "armAudience", "authorityHost", "tenantId", "subscriptionId", "credential", "accessTokenMinValidity", "additionallyAllowedTenants"];
    let placements = 0;
    const base = {
      ACR_TOKENS_ACCESS_TOKEN: sentinel,
      ACR_TOKENS_ARM_ENDPOINT: bed.emu.armEndpoint,
      ACR_TOKENS_CA_CERT_FILE: bed.emu.caCertPath,
      ACR_TOKENS_SUBSCRIPTION_ID: bed.emu.subscriptionId,
      ACR_TOKENS_CLOCK_FILE: bed.clockFile,
      ACR_TOKENS_RETRY_DELAY_MS: "0",
    };
    // The check CLI: each setting in the environment (process.env too: the retry settings and @azure/identity read it).
    for (const k of kinds) {
      for (const name of envSettings) {
        const env = { ...base, [name]: k.value };
        const restore = setProcessEnv(Object.fromEntries(Object.entries(env).filter(([n]) => n.startsWith("ACR_TOKENS_") && n !== "ACR_TOKENS_ACCESS_TOKEN")));
        let stderr = "";
        let stdout = "";
        try {
          await main(["check", "--registry", REGISTRY, "-g", RG], { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env, isTTY: false });
        } finally {
          restore();
        }
        captured.push({ where: `CLI with ${k.kind} in ${name}`, text: `${stdout}\n${stderr}` });
        placements++;
      }
      // AZURE_CLIENT_ID and AZURE_CLIENT_SECRET swapped: Entra's "application ... was not found" must not quote the secret.
      const restore = setProcessEnv({ AZURE_CLIENT_ID: k.value, AZURE_CLIENT_SECRET: "0b1f6471-1bf0-4dda-aec3-cb9272f09590", AZURE_TENANT_ID: bed.emu.tenantId, AZURE_AUTHORITY_HOST: bed.emu.authorityHost });
      let stderr = "";
      try {
        const { ACR_TOKENS_ACCESS_TOKEN: _drop, ...rest } = base;
        await main(["check", "--registry", REGISTRY, "-g", RG], { stdout: { write: () => undefined }, stderr: { write: (t: string) => (stderr += t) }, env: { ...rest, ACR_TOKENS_CREDENTIAL: "environment" }, isTTY: false });
      } finally {
        restore();
      }
      assert.match(stderr, /EnvironmentCredential could not get a token/, "the swapped variables did not reach Entra");
      captured.push({ where: `CLI with ${k.kind} in AZURE_CLIENT_ID (swapped)`, text: stderr });
      placements++;
    }
    // The provider host: each setting in stack config, next to the sentinel as acr-tokens:accessToken.
    const tokenId = await bed.createToken("canary-settings");
    for (const k of kinds) {
      for (const name of configSettings) {
        await host.configure({ "acr-tokens:accessToken": secret(sentinel), [`acr-tokens:${name}`]: k.value });
        try {
          const made = await createPassword(host, `canary-setting-${name}`, { tokenId, slot: "password1" });
          keepOutputs(`host with ${k.kind} in acr-tokens:${name}`, made.outs);
        } catch (err) {
          captured.push({ where: `host with ${k.kind} in acr-tokens:${name}: error`, text: `${(err as Error).message}\n${(err as Error).stack ?? ""}` });
        }
        placements++;
      }
    }
    await host.configure({ "acr-tokens:accessToken": secret(sentinel) });
    recordFigure("canary", "wrong-setting placements", placements);
  });

  it("finds neither the sentinel (token, payload, signature) nor any password in anything captured", async () => {
    captured.push({ where: "host stdout", text: host.stdout }, { where: "host stderr", text: host.stderr });
    captured.push({ where: "emulator request log", text: JSON.stringify(bed.emu.requests) });
    // The logging really was on: the scan covers verbose Azure SDK and grpc output, not an empty stream.
    assert.match(host.stderr, /azure:core-rest-pipeline/, "AZURE_LOG_LEVEL=verbose output was captured");
    assert.ok(bed.emu.requests.some((r) => r.principal === SENTINEL_OID), "the sentinel token was the one used");

    const [, payload, signature] = sentinel.split(".");
    const needles = [
      { name: "the sentinel token", value: sentinel },
      { name: "the sentinel's payload", value: payload! },
      { name: "the sentinel's signature", value: signature! },
      ...passwords.map((value, i) => ({ name: `generated password #${i + 1}`, value })),
    ];
    const leaks: string[] = [];
    for (const { where, text } of captured) {
      for (const n of needles) if (text.includes(n.value)) leaks.push(`${n.name} in ${where}`); // names only, never the value
    }
    assert.deepEqual(leaks, []);
    const bytes = captured.reduce((n, c) => n + Buffer.byteLength(c.text), 0);
    // The spawned provider host (the emulator and the CLI run in the test process); the harness's hosts
    // are covered by the "harness flows" figure.
    recordFigure("canary", "processes", 1);
    recordFigure("canary", "streams", captured.length);
    recordFigure("canary", "bytes", bytes);
    recordFigure("canary", "sentinels", needles.length);
  });
});
