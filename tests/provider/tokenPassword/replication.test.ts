import * as assert from "node:assert/strict";
import { createServer } from "node:net";
import { FAST_LRO, armClient, useEmulator } from "../../../testing/emulator";
import { armSession, type ProviderContext } from "../../../components/arm/session";
import { resolveCredential } from "../../../components/credential";
import { PasswordSlot } from "../../../components/arm/types";
import { createPassword } from "../../../components/provider/tokenPassword/crud";
import { isLoopbackHost, replicationWaitSettings, replicationWarning, waitForReplication } from "../../../components/provider/tokenPassword/replication";

/**
 * The providers' wait for a new password to log in (components/provider/tokenPassword/replication.ts),
 * against the emulator's data plane with a 60 s replication delay (no registry server needed: the wait
 * only asks /oauth2/token). Time passes through the emulator clock, never a sleep.
 */
describe("provider: waiting for a new password to replicate", () => {
  const RG = "rg-repl";
  const REG = "replregistry";
  const emulator = useEmulator({ dataPlane: { replicationDelaySeconds: 60 }, seed: { resourceGroups: [{ name: RG }], registries: [{ resourceGroup: RG, name: REG }] } });
  const registryId = () => `/subscriptions/${emulator().subscriptionId}/resourceGroups/${RG}/providers/Microsoft.ContainerRegistry/registries/${REG}`;
  let n = 0;

  async function freshPassword(): Promise<{ username: string; password: string }> {
    const sdk = armClient(emulator());
    const name = `repl-${++n}x`;
    await sdk.tokens.create(RG, REG, name, { scopeMapId: `${registryId()}/scopeMaps/_repositories_pull`, status: "enabled" }, FAST_LRO);
    const r = await sdk.registries.generateCredentials(RG, REG, { tokenId: `${registryId()}/tokens/${name}`, name: "password1" }, FAST_LRO);
    return { username: name, password: r.passwords!.find((p) => p.name === "password1")!.value! };
  }
  const base = () => ({
    loginServer: emulator().dataPlane!.loginServer(REG)!,
    armEndpoint: emulator().armEndpoint,
    tlsSettings: { ca: emulator().caCertPem },
    now: () => emulator().clock.now(),
  });
  /** A sleep that moves the emulator clock instead of waiting. */
  const sleeps: number[] = [];
  const clockSleep = async (ms: number) => {
    sleeps.push(ms);
    emulator().clock.advance(ms);
  };
  beforeEach(() => (sleeps.length = 0));

  it("polls until the password logs in: 60 s of delay at a 5 s poll is 13 attempts", async () => {
    const creds = await freshPassword();
    const outcome = await waitForReplication({ ...base(), ...creds, settings: { waitSeconds: 90, pollMs: 5000 }, sleep: clockSleep });
    assert.deepEqual(outcome, { kind: "authenticated", attempts: 13 });
    assert.deepEqual(sleeps, Array(12).fill(5000));
    const reasons = emulator().dataPlane!.requests.filter((e) => e.user === creds.username).map((e) => e.reason ?? "ok");
    assert.deepEqual(reasons, [...Array(12).fill("not-replicated"), "ok"]);
  });

  it("gives up at the bound, on the clock, with a warning that names the setting and not the password", async () => {
    const creds = await freshPassword();
    const outcome = await waitForReplication({ ...base(), ...creds, settings: { waitSeconds: 20, pollMs: 5000 }, sleep: clockSleep });
    assert.deepEqual(outcome, { kind: "timedOut", attempts: 5, waitSeconds: 20 });
    const warning = replicationWarning(outcome, "TokenPassword password1", base().loginServer)!;
    assert.match(warning, /within 20 s .*ACR_TOKENS_REPLICATION_WAIT_SECONDS/);
    assert.ok(!warning.includes(creds.password));
  });

  it("ends on a clock that never moves, even with no pause between attempts", async () => {
    const creds = await freshPassword();
    emulator().dataPlane!.replicationDelaySeconds = 3600;
    try {
      const outcome = await waitForReplication({ ...base(), ...creds, now: () => new Date(0), settings: { waitSeconds: 3, pollMs: 0 }, sleep: async () => undefined });
      assert.deepEqual(outcome, { kind: "timedOut", attempts: 4, waitSeconds: 3 });
    } finally {
      emulator().dataPlane!.replicationDelaySeconds = 60;
    }
  });

  it("stops at once when the registry answers something else than 401, or cannot be reached", async () => {
    const creds = await freshPassword();
    // A registry firewall refusing the runner answers 403.
    const gone = await waitForReplication({ ...base(), ...creds, settings: { waitSeconds: 60, pollMs: 5000 }, sleep: clockSleep, httpClient: { sendRequest: async (req) => ({ status: 403, headers: req.headers, request: req }) } });
    assert.deepEqual(gone, { kind: "unreachable", attempts: 1, why: "HTTP 403" });
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", () => r()));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const refused = await waitForReplication({ ...base(), ...creds, loginServer: `127.0.0.1:${port}`, settings: { waitSeconds: 60, pollMs: 5000 }, sleep: clockSleep });
    assert.equal(refused.kind, "unreachable");
    assert.deepEqual(sleeps, []);
    assert.match(replicationWarning(refused, "TokenPassword password1", `127.0.0.1:${port}`)!, /could not check the new password .*ACR_TOKENS_REPLICATION_WAIT_SECONDS=0/);
  });

  it("is off at 0, and never asks a non-loopback login server when ARM is on loopback", async () => {
    const creds = await freshPassword();
    const fail = { sendRequest: async () => assert.fail("no request expected") };
    assert.deepEqual(await waitForReplication({ ...base(), ...creds, settings: { waitSeconds: 0, pollMs: 5000 }, httpClient: fail }), { kind: "off" });
    const skipped = await waitForReplication({ ...base(), ...creds, loginServer: "replregistry.azurecr.io", settings: { waitSeconds: 60, pollMs: 5000 }, httpClient: fail });
    assert.equal(skipped.kind, "skipped");
  });

  it("reads its settings from the environment, refusing bad values with the variable's name", () => {
    assert.deepEqual(replicationWaitSettings({}), { waitSeconds: 90, pollMs: 5000 });
    assert.deepEqual(replicationWaitSettings({ ACR_TOKENS_REPLICATION_WAIT_SECONDS: "0", ACR_TOKENS_REPLICATION_POLL_MS: " 250 " }), { waitSeconds: 0, pollMs: 250 });
    assert.throws(() => replicationWaitSettings({ ACR_TOKENS_REPLICATION_WAIT_SECONDS: "-1" }), /ACR_TOKENS_REPLICATION_WAIT_SECONDS is "-1"/);
    assert.throws(() => replicationWaitSettings({ ACR_TOKENS_REPLICATION_POLL_MS: "1.5" }), /ACR_TOKENS_REPLICATION_POLL_MS/);
    assert.throws(() => replicationWaitSettings({ ACR_TOKENS_REPLICATION_WAIT_SECONDS: "3601" }), /from 0 to 3600/);
    // A secret pasted into the wrong variable is described by the redaction rule, never quoted.
    for (const pasted of ["hunter2!pass", "aB3dE5fG7hJ9kL1mN2pQ4"]) {
      assert.throws(
        () => replicationWaitSettings({ ACR_TOKENS_REPLICATION_POLL_MS: pasted }),
        (err: Error) => !err.message.includes(pasted) && /ACR_TOKENS_REPLICATION_POLL_MS is an? \d+-character value.*not shown/.test(err.message),
      );
    }
  });

  it("never quotes a secret set in one of its variables (the redaction rule), and still names the variable", () => {
    // A short password with symbols: not random-looking, so only the setting's allow-listed shape keeps it out.
    const secret = "hunter2!Pass#word";
    assert.throws(
      () => replicationWaitSettings({ ACR_TOKENS_REPLICATION_POLL_MS: secret }),
      (err: Error) => {
        assert.match(err.message, /^ACR_TOKENS_REPLICATION_POLL_MS is a 17-character value [^,]*\(not shown: it may be a secret\), which is not a whole number of milliseconds from 0 to 600000/);
        assert.ok(!err.message.includes(secret), "the message quotes the value");
        return true;
      },
    );
  });

  it("knows loopback hosts", () => {
    for (const h of ["127.0.0.1:443", "127.1.2.3", "[::1]:5000", "localhost:80", "LOCALHOST"]) assert.equal(isLoopbackHost(h), true, h);
    for (const h of ["myregistry.azurecr.io", "10.0.0.1:443", "[::2]", "localhost.example.com"]) assert.equal(isLoopbackHost(h), false, h);
  });
});

/** createPassword (crud.ts) with the wait on: what it returns already logs in, or the user is warned. */
describe("provider: createPassword waits for the new password before publishing it", () => {
  const RG = "rg-create-repl";
  const REG = "createreplregistry";
  const emulator = useEmulator({ dataPlane: { replicationDelaySeconds: 60 }, seed: { resourceGroups: [{ name: RG }], registries: [{ resourceGroup: RG, name: REG }] } });
  const registryId = () => `/subscriptions/${emulator().subscriptionId}/resourceGroups/${RG}/providers/Microsoft.ContainerRegistry/registries/${REG}`;
  const saved = { wait: process.env.ACR_TOKENS_REPLICATION_WAIT_SECONDS, poll: process.env.ACR_TOKENS_REPLICATION_POLL_MS };
  const warnings: string[] = [];
  before(() => {
    // No real pause; each refused attempt moves the emulator clock by 5 s instead (the default poll).
    process.env.ACR_TOKENS_REPLICATION_POLL_MS = "0";
    emulator().dataPlane!.onTokenRequest = (e) => {
      if (e.reason === "not-replicated") emulator().clock.advance({ seconds: 5 });
    };
  });
  after(() => {
    for (const [k, v] of [["ACR_TOKENS_REPLICATION_WAIT_SECONDS", saved.wait], ["ACR_TOKENS_REPLICATION_POLL_MS", saved.poll]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
  beforeEach(() => (warnings.length = 0));

  const ctx = (): ProviderContext => ({
    now: () => emulator().clock.now(),
    warn: (m) => warnings.push(m),
    session: async (ref, label) =>
      armSession(
        ref,
        label,
        await resolveCredential({ env: { ACR_TOKENS_ACCESS_TOKEN: emulator().issueToken(), ACR_TOKENS_ARM_ENDPOINT: emulator().armEndpoint, ACR_TOKENS_CA_CERT_FILE: emulator().caCertPath } }),
      ),
  });
  async function token(name: string): Promise<string> {
    await armClient(emulator()).tokens.create(RG, REG, name, { scopeMapId: `${registryId()}/scopeMaps/_repositories_pull`, status: "enabled" }, FAST_LRO);
    return `${registryId()}/tokens/${name}`;
  }

  it("returns a password that logs in at once (the default wait, 90 s, covers the documented 60 s)", async () => {
    delete process.env.ACR_TOKENS_REPLICATION_WAIT_SECONDS;
    const tokenId = await token("create-waits");
    const { outs } = await createPassword({ tokenId, slot: PasswordSlot.Password1 }, ctx());
    assert.equal(outs.loginServer, emulator().dataPlane!.loginServer(REG));
    assert.deepEqual(emulator().checkPassword(tokenId, outs.password), { ok: true, slot: "password1" });
    assert.deepEqual(warnings, []);
  });

  it("without the wait returns a password that does not log in yet", async () => {
    process.env.ACR_TOKENS_REPLICATION_WAIT_SECONDS = "0";
    const tokenId = await token("create-nowait");
    const { outs } = await createPassword({ tokenId, slot: PasswordSlot.Password1 }, ctx());
    assert.deepEqual(emulator().checkPassword(tokenId, outs.password), { ok: false, reason: "not-replicated" });
  });

  it("publishes the password anyway at the bound, warning without the password", async () => {
    process.env.ACR_TOKENS_REPLICATION_WAIT_SECONDS = "10";
    const tokenId = await token("create-bound");
    const { outs } = await createPassword({ tokenId, slot: PasswordSlot.Password1 }, ctx());
    assert.equal(typeof outs.password, "string");
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /did not log in at 127\.0\.0\.1:\d+ within 10 s/);
    assert.ok(!warnings[0].includes(outs.password));
  });

  it("refuses a bad wait setting before generating anything", async () => {
    process.env.ACR_TOKENS_REPLICATION_WAIT_SECONDS = "soon";
    const tokenId = await token("create-badsetting");
    const before = emulator().requests.length;
    await assert.rejects(createPassword({ tokenId, slot: PasswordSlot.Password1 }, ctx()), /ACR_TOKENS_REPLICATION_WAIT_SECONDS is "soon"/);
    assert.equal(emulator().requests.slice(before).filter((r) => r.path.endsWith("/generateCredentials")).length, 0);
  });
});
