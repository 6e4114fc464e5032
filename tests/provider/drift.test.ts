import * as assert from "node:assert/strict";
import { ContainerRegistryManagementClient } from "@azure/arm-containerregistry";
import { ProviderHost, reveal, secret, withProvider, type Props } from "../../testing/providerHost";
import { PASSWORD_TYPE, REGISTRY, RG, SETTINGS_TYPE, armOperationsSince, createPassword, providerTexts, startTestBed, type ProviderTestBed } from "./setup";

const DAY_MS = 86_400_000;

/**
 * Drift of a TokenPassword, through the real dynamic-provider host against the emulator: what Read
 * (one GET of the token) records after an out-of-band change or the passing of time, what Diff then
 * plans (olds = the refreshed outputs, as the engine sends them), and that carrying out the plan
 * (create the new password, then delete the old: the engine's default order, also on the same slot)
 * leaves a password that logs in (emulator checkPassword).
 * Its own emulator and host: the suite moves the emulator clock by months, which must not expire the
 * shared host's access token.
 */
describe("TokenPassword drift on refresh (host + emulator)", function () {
  // Spawned peer: the dynamic-provider host (node + ts-node) takes seconds to start on 2 cores.
  this.timeout(30_000);

  let bed: ProviderTestBed;
  let host: ProviderHost;
  let text: string;
  /** Arranges out-of-band changes; its token outlives every clock move (the SDK caches tokens by real time). */
  let arm: ContainerRegistryManagementClient;
  const generated: string[] = [];

  before(async () => {
    bed = await startTestBed();
    host = await ProviderHost.start({ env: bed.hostEnv() });
    const accessToken = bed.emu.issueToken({ expiresInSeconds: 10 * 365 * 86_400 });
    await host.configure({ "acr-tokens:accessToken": secret(accessToken) });
    arm = new ContainerRegistryManagementClient(
      { getToken: async () => ({ token: accessToken, expiresOnTimestamp: Date.now() + 3_600_000 }) },
      bed.emu.subscriptionId,
      { endpoint: bed.emu.armEndpoint, credentials: { scopes: ["https://management.azure.com/.default"] }, tlsOptions: { ca: bed.emu.caCertPem } },
    );
    text = (await providerTexts()).password;
  });
  after(async () => {
    await host?.close();
    await bed?.close();
  });

  async function make(name: string, inputs: Props): Promise<{ tokenId: string; id: string; outs: Props; inputs: Props }> {
    await arm.tokens.create(RG, REGISTRY, name, { scopeMapId: bed.scopeMapId("_repositories_pull"), status: "enabled" }, { updateIntervalInMs: 0 });
    const tokenId = bed.tokenId(name);
    const made = await createPassword(host, `${name}-pw`, { tokenId, ...inputs });
    generated.push(reveal<string>(made.outs["password"]));
    return { tokenId, ...made };
  }
  const read = (name: string, made: { id: string; outs: Props; inputs: Props }) => host.read(PASSWORD_TYPE, `${name}-pw`, made.id, made.outs, made.inputs, ["password"]);
  const diff = (name: string, id: string, olds: Props, inputs: Props) => host.diff(PASSWORD_TYPE, `${name}-pw`, id, olds, withProvider(text, inputs));
  const logsIn = (tokenId: string, outs: Props) => bed.emu.checkPassword(tokenId, reveal<string>(outs["password"]));

  /** A replacement as the engine carries out create-before-delete: the new resource, then the old one's delete. */
  async function replace(name: string, id: string, olds: Props, inputs: Props): Promise<Props> {
    const fresh = await createPassword(host, `${name}-pw`, inputs);
    generated.push(reveal<string>(fresh.outs["password"]));
    await host.delete(PASSWORD_TYPE, `${name}-pw`, id, olds);
    return fresh.outs;
  }

  it("a clean refresh changes nothing: same outputs, drift null, and no diff", async () => {
    const made = await make("clean-token", { expiresInDays: 90, rotateBeforeExpiryDays: 14 });
    assert.equal(made.outs["drift"], null);
    assert.deepEqual(made.outs["driftCodes"], []);
    const mark = bed.emu.requests.length;
    const seen = await read("clean-token", made);
    assert.deepEqual(armOperationsSince(bed.emu, mark), ["tokens.get"], "read is one GET");
    assert.deepEqual(seen.outs, made.outs);
    assert.deepEqual(await diff("clean-token", made.id, seen.outs, made.inputs), { changes: "none", replaces: [], deleteBeforeReplace: false });
  });

  it("the slot regenerated out of band with the very same expiry: drift names the time; up generates ours again", async () => {
    const expiry = new Date(bed.emu.clock.now().getTime() + 60 * DAY_MS).toISOString();
    const made = await make("regen-drift", { expiry });
    bed.emu.clock.advance({ minutes: 3 });
    const other = await arm.registries.generateCredentials(RG, REGISTRY, { tokenId: made.tokenId, name: "password1", expiry: new Date(expiry) }, { updateIntervalInMs: 0 });
    const theirs = other.passwords?.find((p) => p.name === "password1")?.creationTime?.toISOString();
    assert.equal(logsIn(made.tokenId, made.outs).ok, false, "the out-of-band regeneration must invalidate ours");

    const seen = await read("regen-drift", made);
    assert.equal(seen.id, made.id, "the resource stays, so the next up can replace it");
    assert.equal(seen.outs["drift"], `password1 was regenerated out of band at ${theirs}`);
    assert.deepEqual(seen.outs["driftCodes"], ["slotRegenerated"]);
    assert.equal(seen.outs["creationTime"], made.outs["creationTime"], "state still describes our password");

    const planned = await diff("regen-drift", made.id, seen.outs, made.inputs);
    assert.deepEqual(planned, { changes: "some", replaces: ["drift"], deleteBeforeReplace: false });
    const mark = bed.emu.requests.length;
    const fresh = await replace("regen-drift", made.id, seen.outs, made.inputs);
    const ops = armOperationsSince(bed.emu, mark);
    assert.deepEqual(ops, ["registries.generateCredentials", "tokens.get"], "create generates once; the old delete leaves the slot alone");
    assert.deepEqual(logsIn(made.tokenId, fresh), { ok: true, slot: "password1" });
    assert.equal(Date.parse(fresh["expiry"] as string), Date.parse(expiry));
    assert.equal(fresh["drift"], null);
  });

  it("the slot deleted out of band: drift says so; up generates it again", async () => {
    const made = await make("slot-drift", { expiresInDays: 30 });
    await arm.tokens.update(RG, REGISTRY, "slot-drift", { credentials: { passwords: [] } }, { updateIntervalInMs: 0 });
    const seen = await read("slot-drift", made);
    assert.equal(seen.outs["drift"], "password1 was deleted out of band");
    assert.deepEqual(seen.outs["driftCodes"], ["slotDeleted"]);
    assert.deepEqual(await diff("slot-drift", made.id, seen.outs, made.inputs), { changes: "some", replaces: ["drift"], deleteBeforeReplace: false });
    const fresh = await replace("slot-drift", made.id, seen.outs, made.inputs);
    assert.deepEqual(logsIn(made.tokenId, fresh), { ok: true, slot: "password1" });
  });

  it("the token deleted out of band: the resource disappears (the next up creates it again)", async () => {
    const made = await make("gone-drift", {});
    await arm.tokens.delete(RG, REGISTRY, "gone-drift", { updateIntervalInMs: 0 });
    assert.equal((await read("gone-drift", made)).id, "");
  });

  it("the token disabled: reported, not replaced (a new password would not log in either)", async () => {
    const made = await make("disabled-drift", { expiresInDays: 30 });
    await arm.tokens.update(RG, REGISTRY, "disabled-drift", { status: "disabled" }, { updateIntervalInMs: 0 });
    const seen = await read("disabled-drift", made);
    assert.equal(seen.outs["drift"], "token disabled-drift is disabled");
    assert.deepEqual(seen.outs["driftCodes"], ["disabled"]);
    assert.equal((await diff("disabled-drift", made.id, seen.outs, made.inputs)).changes, "none");
    await arm.tokens.update(RG, REGISTRY, "disabled-drift", { status: "enabled" }, { updateIntervalInMs: 0 });
    assert.deepEqual(logsIn(made.tokenId, made.outs), { ok: true, slot: "password1" }, "re-enabling restores the same password");
    assert.equal((await read("disabled-drift", made)).outs["drift"], null);
  });

  it("inside the rotation window: reported on refresh and due on a plain diff; outside it, nothing", async () => {
    const made = await make("window-drift", { expiresInDays: 30, rotateBeforeExpiryDays: 14 });
    bed.emu.clock.advance({ days: 15 });
    assert.equal((await read("window-drift", made)).outs["drift"], null, "15 days before expiry is outside a 14-day window");
    assert.equal((await diff("window-drift", made.id, made.outs, made.inputs)).changes, "none");

    bed.emu.clock.advance({ days: 2 });
    const seen = await read("window-drift", made);
    assert.equal(seen.outs["drift"], `password1 expires at ${made.outs["expiry"] as string} — inside the 14-day rotation window`);
    assert.deepEqual(seen.outs["driftCodes"], ["expiring"]);
    // Without a refresh too: diff compares the stored expiry with the clock.
    assert.deepEqual(await diff("window-drift", made.id, made.outs, made.inputs), { changes: "some", replaces: ["expiry"], deleteBeforeReplace: false });
    const fresh = await replace("window-drift", made.id, seen.outs, made.inputs);
    assert.deepEqual(logsIn(made.tokenId, fresh), { ok: true, slot: "password1" });
    const lifetime = Date.parse(fresh["expiry"] as string) - bed.emu.clock.now().getTime();
    assert.ok(Math.abs(lifetime - 30 * DAY_MS) < 60_000, "the new password gets a fresh 30-day lifetime");
  });

  it("expired (expiresInDays): reported and replaced, also without refresh; the new one logs in", async () => {
    const made = await make("expired-drift", { expiresInDays: 7 });
    bed.emu.clock.advance({ days: 8 });
    assert.deepEqual(logsIn(made.tokenId, made.outs), { ok: false, reason: "expired" });
    const seen = await read("expired-drift", made);
    assert.equal(seen.outs["drift"], `password1 expired at ${made.outs["expiry"] as string}`);
    assert.deepEqual(seen.outs["driftCodes"], ["expired"]);
    assert.deepEqual((await diff("expired-drift", made.id, made.outs, made.inputs)).replaces, ["expiry"]);
    const fresh = await replace("expired-drift", made.id, seen.outs, made.inputs);
    assert.deepEqual(logsIn(made.tokenId, fresh), { ok: true, slot: "password1" });
  });

  it("expired with a fixed expiry: reported with the fix, but not replaced (the same expiry would be refused)", async () => {
    const expiry = new Date(bed.emu.clock.now().getTime() + 2 * DAY_MS).toISOString();
    const made = await make("fixed-drift", { expiry });
    bed.emu.clock.advance({ days: 3 });
    const seen = await read("fixed-drift", made);
    assert.equal(seen.outs["drift"], `password1 expired at ${expiry}; give a later expiry to generate a new one`);
    assert.equal((await diff("fixed-drift", made.id, seen.outs, made.inputs)).changes, "none");
    const later = new Date(bed.emu.clock.now().getTime() + 30 * DAY_MS).toISOString();
    assert.deepEqual((await diff("fixed-drift", made.id, seen.outs, { ...made.inputs, expiry: later })).replaces, ["expiry"]);
  });

  it("changing the rotation window is an in-place update with no ARM call", async () => {
    const made = await make("window-change", { expiresInDays: 60, rotateBeforeExpiryDays: 7 });
    const news = { ...made.inputs, rotateBeforeExpiryDays: 10 };
    assert.deepEqual(await diff("window-change", made.id, made.outs, news), { changes: "some", replaces: [], deleteBeforeReplace: false });
    const mark = bed.emu.requests.length;
    const updated = await host.update(PASSWORD_TYPE, "window-change-pw", made.id, made.outs, withProvider(text, news), ["password"]);
    assert.deepEqual(armOperationsSince(bed.emu, mark), []);
    assert.equal(updated.outs["rotateBeforeExpiryDays"], 10);
    assert.ok(reveal(updated.outs["password"]) === reveal(made.outs["password"]), "the password changed (not printed)");
  });

  it("check refuses a rotation window without expiresInDays, not below it, or not a whole number of days", async () => {
    const tokenId = bed.tokenId("any-token");
    const reasons = async (inputs: Props) => (await host.check(PASSWORD_TYPE, "bad", {}, withProvider(text, { tokenId, ...inputs }))).failures.map((f) => f.reason);
    assert.deepEqual(await reasons({ rotateBeforeExpiryDays: 14 }), [
      "TokenPassword: rotateBeforeExpiryDays needs expiresInDays (a lifetime to renew): with a fixed expiry, or none, generating again cannot move the expiry. Use expiresInDays, or remove rotateBeforeExpiryDays.",
    ]);
    assert.deepEqual(await reasons({ expiresInDays: 14, rotateBeforeExpiryDays: 14 }), [
      "TokenPassword: rotateBeforeExpiryDays 14 is not less than expiresInDays 14: every new password would be due at once. Use fewer days than expiresInDays, e.g. 2.",
    ]);
    assert.deepEqual(await reasons({ expiresInDays: 30, rotateBeforeExpiryDays: 1.5 }), [
      "TokenPassword: rotateBeforeExpiryDays is 1.5; use a whole number of days greater than 0, e.g. 14.",
    ]);
  });

  it("TokenSettings: a token rebound to another scope map out of band shows on read; the diff PATCHes it back and the password survives", async () => {
    const made = await make("rebound-token", { expiresInDays: 30 });
    const settingsText = (await providerTexts()).settings;
    const program = { tokenId: made.tokenId, scopeMapId: bed.scopeMapId("_repositories_pull"), status: "enabled" };
    const checked = await host.check(SETTINGS_TYPE, "rebound", {}, withProvider(settingsText, program));
    const created = await host.create(SETTINGS_TYPE, "rebound", checked.inputs);
    await arm.tokens.update(RG, REGISTRY, "rebound-token", { scopeMapId: bed.scopeMapId("_repositories_push") }, { updateIntervalInMs: 0 });

    const seen = await host.read(SETTINGS_TYPE, "rebound", created.id, created.outs, checked.inputs);
    assert.equal(String(seen.outs["scopeMapId"]).toLowerCase(), bed.scopeMapId("_repositories_push").toLowerCase());
    assert.equal(String(seen.inputs?.["scopeMapId"]).toLowerCase(), bed.scopeMapId("_repositories_push").toLowerCase());
    const news = withProvider(settingsText, program);
    assert.deepEqual(await host.diff(SETTINGS_TYPE, "rebound", created.id, seen.outs, news), { changes: "some", replaces: [], deleteBeforeReplace: false });
    await host.update(SETTINGS_TYPE, "rebound", created.id, seen.outs, news);
    const token = await arm.tokens.get(RG, REGISTRY, "rebound-token");
    assert.equal(token.scopeMapId?.toLowerCase(), program.scopeMapId.toLowerCase());
    assert.deepEqual(logsIn(made.tokenId, made.outs), { ok: true, slot: "password1" }, "the PATCH kept the password");
    assert.equal((await read("rebound-token", made)).outs["drift"], null, "the password saw no drift");
  });

  it("no generated password appears in the host's output or the emulator log", () => {
    assert.ok(generated.length >= 8);
    const text = host.stdout + host.stderr + JSON.stringify(bed.emu.requests);
    for (const [i, pw] of generated.entries()) assert.ok(!text.includes(pw), `generated password #${i} leaked`);
  });
});
