import * as assert from "node:assert/strict";
import { isSecret, planByName, redacted, reveal, type RunResult, type Session } from "../../testing/harness";
import { REGISTRY, RG, useE2eBed } from "./fixture";

const QUICKSTART = "examples/quickstart/index.ts";
const SCOPED = "tests/e2e/programs/scopedToken.ts";
const TOKEN = "azure-native:containerregistry:Token::app-pull";
const PASSWORD = "pulumi-nodejs:dynamic/acr-tokens:TokenPassword::app-pull-password1";
const SETTINGS = "pulumi-nodejs:dynamic/acr-tokens:TokenSettings::app-pull-settings";
const SCOPE_MAP = "azure-native:containerregistry:ScopeMap::app-pull-scope-map";
const CONFIG = { registryName: REGISTRY, resourceGroupName: RG };

/**
 * The quickstart (and a variant with configurable scope and status) run end to end through the
 * harness: the program under the SDK's mock runtime, azure-native resources with azure-native's PUT
 * semantics against the emulator, TokenPassword/TokenSettings through the real dynamic-provider host.
 */
describe("e2e: quickstart through the harness", function () {
  // Spawned peers: the dynamic-provider host (node + ts-node, started once for the file) and the SDK's
  // closure serialization on the first run take several seconds on 2 cores; each up/refresh is ~1 s.
  this.timeout(120_000);
  const bed = useE2eBed("acr-tokens-quickstart");

  const passwordOf = (r: RunResult) => reveal<string>(r.outputs["password"]);
  const tokenPasswords = async () => {
    const t = await bed().harness.arm.tokens.get(RG, REGISTRY, "app-pull");
    return (t.credentials?.passwords ?? []).map((p) => ({ name: p.name, creationTime: p.creationTime?.toISOString() }));
  };
  /** The `drift` output of the quickstart's TokenPassword, as the last refresh stored it. */
  const driftOf = (session: Session) => session.state.resources.find((r) => r.type === "pulumi-nodejs:dynamic/acr-tokens:TokenPassword")?.outputs["drift"];
  const authenticates = (password: string) => bed().emu.checkPassword(bed().tokenId("app-pull"), password);

  async function upQuickstart(): Promise<{ session: Session; first: RunResult }> {
    const session = bed().session({ program: QUICKSTART, config: CONFIG });
    const first = await session.up();
    return { session, first };
  }

  it("preview of the new stack plans every create (TokenPassword checked with an unknown token id) and writes nothing", async () => {
    const session = bed().session({ program: QUICKSTART, config: CONFIG });
    const mark = bed().emu.requests.length;
    const plan = planByName((await session.preview()).plan);
    for (const key of [SCOPE_MAP, TOKEN, SETTINGS, PASSWORD]) assert.equal(plan[key], "create", key);
    assert.deepEqual(bed().emu.requests.slice(mark).filter((r) => r.kind === "arm" && r.method !== "GET"), []);
    assert.deepEqual(session.state.resources, []);
  });

  it("up creates the scope map, the token and a password that logs in; the password output is secret and absent from plain state", async () => {
    const { session, first } = await upQuickstart();
    const plan = planByName(first.plan);
    for (const key of [SCOPE_MAP, TOKEN, SETTINGS, PASSWORD]) assert.equal(plan[key], "create", key);

    const map = await bed().harness.arm.scopeMaps.get(RG, REGISTRY, "app-pull-scope-map");
    assert.deepEqual(map.actions, ["repositories/app/content/read", "repositories/app/metadata/read"]);
    const token = await bed().harness.arm.tokens.get(RG, REGISTRY, "app-pull");
    assert.equal(token.scopeMapId, map.id);
    assert.equal(token.status, "enabled");
    assert.deepEqual((await tokenPasswords()).map((p) => p.name), ["password1"]);

    assert.ok(isSecret(first.outputs["password"]), "the password stack output must be secret");
    assert.equal(first.outputs["username"], "app-pull");
    assert.equal(first.outputs["loginServer"], `${REGISTRY}.azurecr.io`);
    assert.deepEqual(authenticates(passwordOf(first)), { ok: true, slot: "password1" });
    const plainState = JSON.stringify(redacted(session.state));
    assert.ok(!plainState.includes(passwordOf(first)), "the password appears outside a secret in the state");

    const mark = bed().emu.requests.length;
    const again = await session.up();
    assert.ok(!again.changes, `a second up with the same program changed: ${JSON.stringify(planByName(again.plan))}`);
    assert.deepEqual(bed().emu.requests.slice(mark).filter((r) => r.kind === "arm" && r.method !== "GET").map((r) => r.operation), []);
    await session.preview({ expectNoChanges: true });
  });

  it("a status changed out of band fails `preview --refresh --expect-no-changes`; up PATCHes it back and the password survives", async () => {
    const { session, first } = await upQuickstart();
    await bed().harness.arm.tokens.update(RG, REGISTRY, "app-pull", { status: "disabled" }, { updateIntervalInMs: 0 });
    await assert.rejects(session.preview({ refresh: true, expectNoChanges: true }), /update urn:\S+TokenSettings::app-pull-settings/);
    await session.refresh();
    const mark = bed().emu.requests.length;
    const repaired = await session.up();
    assert.equal(planByName(repaired.plan)[SETTINGS], "update");
    assert.equal(planByName(repaired.plan)[TOKEN], "same");
    assert.deepEqual(bed().emu.requests.slice(mark).filter((r) => r.kind === "arm" && r.method !== "GET").map((r) => r.operation), ["tokens.update"]);
    assert.equal((await bed().harness.arm.tokens.get(RG, REGISTRY, "app-pull")).status, "enabled");
    assert.deepEqual(authenticates(passwordOf(first)), { ok: true, slot: "password1" });
  });

  it("changing the actions and the status updates the scope map and the token in place and keeps the password", async () => {
    const session = bed().session({ program: SCOPED, config: { ...CONFIG, actions: JSON.stringify(["content/read"]) } });
    const first = await session.up();
    const before = await tokenPasswords();

    session.config = { ...session.config, actions: JSON.stringify(["content/read", "metadata/read"]), status: "disabled" };
    const changed = planByName((await session.up()).plan);
    assert.equal(changed[SCOPE_MAP], "update");
    assert.equal(changed[SETTINGS], "update");
    assert.equal(changed[TOKEN], "same", "the azure-native Token must never be updated (its update is a password-wiping PUT)");
    assert.equal(changed[PASSWORD], "same");

    const map = await bed().harness.arm.scopeMaps.get(RG, REGISTRY, "app-pull-scope-map");
    assert.deepEqual(map.actions, ["repositories/app/content/read", "repositories/app/metadata/read"]);
    assert.equal((await bed().harness.arm.tokens.get(RG, REGISTRY, "app-pull")).status, "disabled");
    assert.deepEqual(await tokenPasswords(), before, "the token's passwords changed");
    assert.deepEqual(authenticates(passwordOf(first)), { ok: false, reason: "token-disabled" });

    session.config = { ...session.config, status: "enabled" };
    await session.up();
    assert.deepEqual(authenticates(passwordOf(first)), { ok: true, slot: "password1" }, "re-enabling restores the same password");
  });

  it("the repository config changes the inline scope map in place; the password survives", async () => {
    const { session, first } = await upQuickstart();
    session.config = { ...session.config, repository: "web" };
    const plan = planByName((await session.up()).plan);
    assert.equal(plan[SCOPE_MAP], "update");
    assert.equal(plan[TOKEN], "same");
    const map = await bed().harness.arm.scopeMaps.get(RG, REGISTRY, "app-pull-scope-map");
    assert.deepEqual(map.actions, ["repositories/web/content/read", "repositories/web/metadata/read"]);
    assert.deepEqual(authenticates(passwordOf(first)), { ok: true, slot: "password1" });
  });

  it("refresh, then up with the unchanged program: no change planned, the password survives", async () => {
    const { session, first } = await upQuickstart();
    const before = await tokenPasswords();
    await session.refresh();
    // What azure-native's refresh does: the password TokenPassword generated is now in the Token's stored inputs.
    const tokenState = session.state.resources.find((r) => r.type === "azure-native:containerregistry:Token");
    assert.deepEqual(
      (tokenState?.inputs["credentials"] as { passwords: Array<{ name: string }> } | undefined)?.passwords.map((p) => p.name),
      ["password1"],
    );
    await session.preview({ expectNoChanges: true });
    await session.preview({ refresh: true, expectNoChanges: true });
    const again = await session.up();
    assert.equal(planByName(again.plan)[TOKEN], "same");
    assert.deepEqual(await tokenPasswords(), before);
    assert.deepEqual(authenticates(passwordOf(again)), { ok: true, slot: "password1" });
    assert.ok(passwordOf(again) === passwordOf(first), "the stack's password changed although nothing asked for it");
  });

  it("a password regenerated out of band: after refresh and up, the stack's password is the one that logs in", async () => {
    const { session, first } = await upQuickstart();
    await bed().harness.arm.registries.generateCredentials(RG, REGISTRY, { tokenId: bed().tokenId("app-pull"), name: "password1" }, { updateIntervalInMs: 0 });
    assert.equal(authenticates(passwordOf(first)).ok, false, "the regeneration must invalidate the stack's password");
    await session.refresh();
    assert.match(String(driftOf(session)), /regenerated out of band/);
    assert.notEqual(planByName((await session.preview()).plan)[PASSWORD], "same", "after refresh the preview must plan the repair");
    const repaired = await session.up();
    assert.deepEqual(authenticates(passwordOf(repaired)), { ok: true, slot: "password1" }, "the password in the stack outputs does not log in");
  });

  it("the token deleted out of band: refresh drops it from state, up recreates it with a password that logs in", async () => {
    const { session } = await upQuickstart();
    await bed().harness.arm.tokens.delete(RG, REGISTRY, "app-pull", { updateIntervalInMs: 0 });
    const refreshed = planByName((await session.refresh()).plan);
    assert.equal(refreshed[TOKEN], "delete");
    assert.equal(refreshed[PASSWORD], "delete");
    const recreated = await session.up();
    const plan = planByName(recreated.plan);
    assert.equal(plan[TOKEN], "create");
    assert.equal(plan[PASSWORD], "create");
    assert.deepEqual(authenticates(passwordOf(recreated)), { ok: true, slot: "password1" });
  });

  it("the expiry passes on the emulator clock: after refresh and up, the stack's password logs in again", async () => {
    const { session, first } = await upQuickstart();
    bed().emu.clock.advance({ days: 91 });
    assert.deepEqual(authenticates(passwordOf(first)), { ok: false, reason: "expired" });
    await session.refresh();
    assert.match(String(driftOf(session)), /expired/);
    const renewed = await session.up();
    assert.deepEqual(authenticates(passwordOf(renewed)), { ok: true, slot: "password1" }, "the password in the stack outputs is expired");
  });

  it("destroy leaves the registry exactly as before: no scope map, token or password left behind", async () => {
    const before = await bed().snapshot();
    const session = bed().session({ program: SCOPED, config: { ...CONFIG, actions: JSON.stringify(["content/read"]) } });
    await session.up();
    session.config = { ...session.config, actions: JSON.stringify(["content/read", "content/write"]), status: "disabled" };
    await session.up();
    assert.notDeepEqual(await bed().snapshot(), before);
    const destroyed = await session.destroy();
    assert.deepEqual(session.state.resources, []);
    assert.ok(Object.values(destroyed.plan).every((op) => op === "delete"));
    assert.deepEqual(await bed().snapshot(), before);
  });

  it("no password or access token in the hosts' output or in error messages", async () => {
    const { session, first } = await upQuickstart();
    const failing = bed().session({ program: QUICKSTART, config: { ...CONFIG, registryName: "nosuchregistry" } });
    const failed = await failing.up({ allowErrors: true });
    assert.ok(failed.errors.length > 0, "an up against a missing registry must fail");
    const text = (await bed().harness.hostOutput()) + JSON.stringify(failed.errors) + JSON.stringify(redacted(session.state));
    assert.ok(!text.includes(passwordOf(first)), "a password leaked");
    const accessToken = reveal<string>(session.config["acr-tokens:accessToken"]);
    assert.ok(!text.includes(accessToken), "the access token leaked");
  });
});
