import * as assert from "node:assert/strict";
import { reveal, type ProviderHost } from "../../testing/providerHost";
import { PASSWORD_TYPE, createPassword } from "../provider/setup";
import { useFaultBed, type PasswordState } from "./bed";
import { recordFaults, recordFigure } from "./figures";
import { assertRegistryMatchesState } from "./invariant";

/**
 * Interrupted runs through the real dynamic-provider host: a bring-your-own token that expires in the
 * middle of 50 creates, the host killed after ARM generated a password but before the engine could
 * write it to state, the emulator restarted from its state file, and a slow ARM under the provider's
 * per-request timeout. After each, and after the run that repairs it, the registry holds exactly the
 * passwords state holds.
 */
describe("faults: expiry mid-run, host killed before the state write, emulator restart, slow ARM", function () {
  // Spawns several dynamic-provider hosts under ts-node (seconds each on 2 cores); 50-create runs.
  this.timeout(90_000);

  const { bed } = useFaultBed({ host: false });
  const state: PasswordState = new Map();
  const tokens: string[] = [];
  /** State entries whose values the emulator can still check (it forgets digests on restart). */
  const checkable = new Set<string>();


  async function up(host: ProviderHost, name: string, token: string, slot: "password1" | "password2" = "password1"): Promise<void> {
    const created = await createPassword(host, name, { tokenId: bed().tokenId(token), slot });
    state.set(name, { id: created.id, outs: created.outs });
    checkable.add(name);
  }

  async function newToken(name: string): Promise<string> {
    await bed().createToken(name);
    tokens.push(name);
    return name;
  }

  it("a BYO token that expires after 25 of 50 creates: the rest fail naming the fix, the 25 are in state, a new token finishes the run", async () => {
    const names = [];
    for (let i = 0; i < 50; i++) names.push(await newToken(`exp-${i}`));
    const host = await bed().startHost({ accessToken: bed().emu.issueToken({ expiresInSeconds: 3600 }) });
    const failures: string[] = [];
    for (const [i, token] of names.entries()) {
      if (i === 25) bed().emu.clock.advance(2 * 3_600_000); // the token's hour passes mid-run
      try {
        await up(host, `${token}-pw`, token);
      } catch (err) {
        failures.push((err as Error).message);
      }
    }
    assert.equal(failures.length, 25);
    for (const message of failures) {
      assert.match(message, /The access token from stack config acr-tokens:accessToken expired at .*Get a new one: .*az account get-access-token/);
    }
    assert.equal(state.size, 25, "every create that succeeded returned its outputs");
    await assertRegistryMatchesState(bed(), names, state);

    // The fix the message names: a fresh token; the next `up` creates what is missing.
    const fresh = await bed().startHost();
    for (const token of names.slice(25)) await up(fresh, `${token}-pw`, token);
    await assertRegistryMatchesState(bed(), names, state);
    recordFigure("faults", "token expired mid-run", 25);
  });

  it("the host killed after ARM generated the password, before the state write: the next up regenerates the slot, so the unseen value is dead", async () => {
    const token = await newToken("crash");
    await up(await bed().startHost(), "crash-keep", token, "password2");
    const doomed = await bed().startHost();
    // (The token id is in the POST's body, not its path; this is the only create in flight.)
    const answered = bed().nextRequest((e) => e.operation === "registries.generateCredentials" && e.status === 200);
    // SIGKILLed as the emulator answers, before the response bytes leave: a crash (no handler, no
    // graceful shutdown), so the engine never sees the value.
    let died: Promise<NodeJS.Signals | null> | undefined;
    bed().onAnswer((e) => {
      if (e.operation === "registries.generateCredentials") died ??= doomed.kill("SIGKILL");
    });
    const attempt = assert.rejects(
      createPassword(doomed, "crash-1", { tokenId: bed().tokenId(token), slot: "password1" }),
      /./,
      "the engine got no create result from the killed host",
    );
    await answered;
    bed().onAnswer(undefined);
    assert.equal(await died, "SIGKILL", "the host died of SIGKILL");
    await attempt;

    // ARM holds a password1 that no state holds: the orphan.
    const orphan = (await bed().sdk.tokens.get("rg-tokens", "tokenregistry", token)).credentials?.passwords?.find((p) => p.name === "password1");
    assert.ok(orphan?.creationTime, "generateCredentials ran in the registry");
    assert.ok(!state.has("crash-1"));

    // The next `up` still declares the resource and has no state for it, so it creates again.
    bed().emu.clock.advance(60_000);
    await up(await bed().startHost(), "crash-1", token, "password1");
    const now = (await bed().sdk.tokens.get("rg-tokens", "tokenregistry", token)).credentials?.passwords?.find((p) => p.name === "password1");
    assert.notEqual(now?.creationTime?.toISOString(), orphan.creationTime.toISOString(), "the orphan's slot was regenerated");
    // Registry == state, and state's password1 logs in: the slot's only valid value is the one state holds.
    await assertRegistryMatchesState(bed(), tokens, state);
    recordFigure("faults", "host killed before state write", 1);
  });

  it("the emulator restarted from its state file mid-run: the same host with the same token finishes the run, earlier passwords survive", async () => {
    const names = [];
    for (let i = 0; i < 6; i++) names.push(await newToken(`restart-${i}`));
    const host = await bed().startHost();
    for (const token of names.slice(0, 3)) await up(host, `${token}-pw`, token);
    const before = await Promise.all(names.slice(0, 3).map((t) => bed().sdk.tokens.get("rg-tokens", "tokenregistry", t)));
    await bed().restart();
    // Digests live in memory only, so values created before the restart cannot be checked by log-in;
    // their slots and creation times are (the invariant compares them with state).
    checkable.clear();
    const after = await Promise.all(names.slice(0, 3).map((t) => bed().sdk.tokens.get("rg-tokens", "tokenregistry", t)));
    assert.deepEqual(
      after.map((t) => t.credentials?.passwords?.map((p) => `${p.name ?? "?"}@${p.creationTime?.toISOString() ?? "?"}`)),
      before.map((t) => t.credentials?.passwords?.map((p) => `${p.name ?? "?"}@${p.creationTime?.toISOString() ?? "?"}`)),
      "passwords made before the restart survive by name and creation time",
    );
    // The restarted emulator keeps its signing key in the state file, so the host's token still works.
    for (const token of names.slice(3)) await up(host, `${token}-pw`, token);
    assert.equal(checkable.size, 3);
    await assertRegistryMatchesState(bed(), tokens, state, { valuesFrom: checkable });
    recordFigure("faults", "emulator restart", 1);
  });

  it("a slow ARM: latency under ACR_TOKENS_ARM_TIMEOUT_MS succeeds; beyond it, one attempt fails naming the setting", async () => {
    const before = bed().emu.faults.counts();
    const token = await newToken("slow-arm");
    // A slow peer by design: the emulator holds these requests for real milliseconds.
    const host = await bed().startHost({ env: { ACR_TOKENS_ARM_TIMEOUT_MS: "1500" } });
    bed().emu.faults.add({ method: "GET", route: /\/registries\/[^/]+$/, fault: { kind: "latency", ms: 300 } });
    bed().emu.faults.add({ method: "POST", route: /\/generateCredentials$/, fault: { kind: "latency", ms: 300 } });
    await up(host, "slow-1", token);
    assert.equal(bed().emu.faults.pending, 0, "both slow requests were answered within the timeout");
    const s = state.get("slow-1")!;
    bed().emu.faults.add({ method: "GET", route: "/tokens/slow-arm", fault: { kind: "latency", ms: 4000 } });
    const mark = bed().emu.requests.length;
    await assert.rejects(
      host.read(PASSWORD_TYPE, "slow-1", s.id, s.outs),
      /TokenPassword password1 of token "slow-arm" .*tokens\.get failed: no answer from ARM to a GET request within 1500 ms \(ACR_TOKENS_ARM_TIMEOUT_MS\).*raise ACR_TOKENS_ARM_TIMEOUT_MS/,
    );
    const gets = bed().emu.requests.slice(mark).filter((r) => r.method === "GET" && r.path.includes("/tokens/slow-arm"));
    assert.ok(gets.length <= 1, "a timed-out attempt is not retried");
    await assertRegistryMatchesState(bed(), tokens, state, { valuesFrom: checkable });
    recordFaults(before, bed().emu.faults.counts());
  });

  it("a timeout during password generation: the create fails naming the setting; the value ARM generated unseen is dead after the next up", async () => {
    const before = bed().emu.faults.counts();
    const token = await newToken("slow-post");
    // A slow peer by design: the emulator holds the POST for real milliseconds, past the host's timeout,
    // and then still generates the password (as ARM would): a value nobody received.
    const host = await bed().startHost({ env: { ACR_TOKENS_ARM_TIMEOUT_MS: "1000" } });
    bed().emu.faults.add({ method: "POST", route: /\/generateCredentials$/, fault: { kind: "latency", ms: 2500 } });
    const generated = bed().nextRequest((e) => e.method === "POST" && e.path.endsWith("/generateCredentials"));
    const mark = bed().emu.requests.length;
    await assert.rejects(
      createPassword(host, "slow-post-1", { tokenId: bed().tokenId(token), slot: "password1" }),
      /no answer from ARM to a POST request within 1000 ms \(ACR_TOKENS_ARM_TIMEOUT_MS\).*raise ACR_TOKENS_ARM_TIMEOUT_MS/s,
    );
    assert.equal((await generated).status, 200, "the emulator generated the password after the client gave up");
    const posts = bed().emu.requests.slice(mark).filter((r) => r.method === "POST" && r.path.endsWith("/generateCredentials"));
    assert.equal(posts.length, 1, "a timed-out POST is not retried (it may have generated a password)");
    const unseen = (await bed().sdk.tokens.get("rg-tokens", "tokenregistry", token)).credentials?.passwords?.find((p) => p.name === "password1");
    assert.ok(unseen?.creationTime, "ARM holds a password1 no state holds");
    assert.ok(!state.has("slow-post-1"));

    // The next `up` (the same host: the timeout is no problem without the latency) creates again.
    bed().emu.clock.advance(60_000);
    await up(host, "slow-post-1", token, "password1");
    const now = (await bed().sdk.tokens.get("rg-tokens", "tokenregistry", token)).credentials?.passwords?.find((p) => p.name === "password1");
    assert.notEqual(now?.creationTime?.toISOString(), unseen.creationTime.toISOString(), "the unseen value's slot was regenerated");
    const s = state.get("slow-post-1")!;
    assert.deepEqual(bed().emu.checkPassword(bed().tokenId(token), reveal<string>(s.outs["password"])), { ok: true, slot: "password1" });
    await assertRegistryMatchesState(bed(), tokens, state, { valuesFrom: checkable });
    recordFigure("faults", "timeout during generateCredentials", 1);
    recordFaults(before, bed().emu.faults.counts());
  });
});
