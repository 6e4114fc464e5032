import * as assert from "node:assert/strict";
import { describeEngine, keyOfUrn, useEngineBed, type EngineStack } from "../../testing/engine";

const RG = "rg-engine";
const REGISTRY = "engineregistry";
const PROJECT = "acr-tokens-quickstart";
const QUICKSTART = "examples/quickstart/index.ts";
/** The quickstart's shape with the repository's actions and the token's status from stack config. */
const SCOPED = "tests/e2e/programs/scopedToken.ts";
const TOKEN = "azure-native:containerregistry:Token::app-pull";
const PASSWORD = "pulumi-nodejs:dynamic/acr-tokens:TokenPassword::app-pull-password1";
const SETTINGS = "pulumi-nodejs:dynamic/acr-tokens:TokenSettings::app-pull-settings";
const SCOPE_MAP = "azure-native:containerregistry:ScopeMap::app-pull-scope-map";
const CONFIG = { registryName: REGISTRY, resourceGroupName: RG };

/**
 * The quickstart through the real Pulumi engine (the CLI built from the Go module proxy, driven by
 * the Automation API) against the emulator: up, preview --expect-no-changes, an out-of-band
 * regeneration repaired by refresh + up, a status changed out of band, config changes updating the
 * scope map and the token in place, the token deleted out of band, the expiry passing on the
 * emulator's clock, destroy (refresh + up of the unchanged program: plainToken.test.ts); the
 * checkpoint file and the CLI's output hold no password and no access token in plain text.
 */
describeEngine("quickstart", function () {
  // Every operation is a CLI process plus its plugins (the azure-native stand-in and the dynamic
  // provider, both Node with ts-node): several seconds each on 2 cores.
  this.timeout(300_000);
  const bed = useEngineBed({ resourceGroup: RG, registryName: REGISTRY });

  const authenticates = (password: string) => bed().emu.checkPassword(bed().tokenId("app-pull"), password);
  const passwordOf = async (stack: EngineStack): Promise<string> => {
    const out = (await stack.outputs())["password"];
    assert.ok(out?.secret, "the password stack output must be secret");
    return out.value as string;
  };
  const tokenPasswords = async () =>
    ((await bed().arm.tokens.get(RG, REGISTRY, "app-pull")).credentials?.passwords ?? []).map((p) => ({
      name: p.name,
      creationTime: p.creationTime?.toISOString(),
    }));
  /** ARM calls other than GET made since `mark` (index into the emulator's request log), by operation. */
  const writesSince = (mark: number) => bed().emu.requests.slice(mark).filter((r) => r.kind === "arm" && r.method !== "GET").map((r) => r.operation);
  /** Fails naming only WHAT leaked (never the value) when `text` holds the password or the access token. */
  const assertNoSecretIn = (where: string, text: string, password: string): void => {
    assert.ok(!text.includes(password), `the password appears in plain text in ${where}`);
    assert.ok(!text.includes(bed().accessToken), `the ARM access token appears in plain text in ${where}`);
  };

  it("preview of the new stack plans every create and writes nothing; up creates the scope map, token and a password that logs in; the checkpoint and output hold no password or access token; preview --expect-no-changes passes", async () => {
    const before = await bed().snapshot();
    const stack = await bed().stack({ project: PROJECT, program: QUICKSTART, config: CONFIG });
    const planMark = bed().emu.requests.length;
    const plan = await stack.preview();
    for (const key of [SCOPE_MAP, TOKEN, SETTINGS, PASSWORD]) assert.equal(plan.steps[key], "create", `preview of the new stack: ${key}`);
    assert.deepEqual(writesSince(planMark), [], "a preview must write nothing");
    assert.equal(await stack.resourceCount(), 0);
    const up = await stack.up();
    for (const key of [SCOPE_MAP, TOKEN, SETTINGS, PASSWORD]) assert.equal(up.steps[key], "create", key);
    assert.equal(up.result.summary.result, "succeeded");

    const map = await bed().arm.scopeMaps.get(RG, REGISTRY, "app-pull-scope-map");
    assert.deepEqual(map.actions, ["repositories/app/content/read", "repositories/app/metadata/read"]);
    const token = await bed().arm.tokens.get(RG, REGISTRY, "app-pull");
    assert.equal(token.scopeMapId, map.id);
    assert.deepEqual((await tokenPasswords()).map((p) => p.name), ["password1"]);

    const password = await passwordOf(stack);
    assert.deepEqual(authenticates(password), { ok: true, slot: "password1" });
    const outputs = await stack.outputs();
    assert.equal(outputs["username"]?.value, "app-pull");
    assert.equal(outputs["loginServer"]?.value, `${REGISTRY}.azurecr.io`);

    const checkpoint = stack.checkpointText();
    assert.ok(checkpoint.includes('"ciphertext"'), "the checkpoint must hold the password encrypted");
    assertNoSecretIn("the checkpoint file", checkpoint, password);
    assertNoSecretIn("the CLI output of up", up.output, password);

    const mark = bed().emu.requests.length;
    const preview = await stack.preview({ expectNoChanges: true });
    assert.deepEqual(
      Object.entries(preview.steps).filter(([, op]) => op !== "same"),
      [],
      "a preview of the unchanged program plans changes",
    );
    assert.deepEqual(bed().emu.requests.slice(mark).filter((r) => r.kind === "arm" && r.method !== "GET"), []);

    await stack.destroy();
    assert.deepEqual(await bed().snapshot(), before, "destroy must leave the registry as it was");
  });

  it("a password regenerated out of band: refresh shows the drift, preview --expect-no-changes fails, up repairs it", async () => {
    const stack = await bed().stack({ project: PROJECT, program: QUICKSTART, config: CONFIG });
    await stack.up();
    const first = await passwordOf(stack);
    await bed().arm.registries.generateCredentials(RG, REGISTRY, { tokenId: bed().tokenId("app-pull"), name: "password1" }, { updateIntervalInMs: 0 });
    assert.equal(authenticates(first).ok, false, "the regeneration must invalidate the stack's password");

    await stack.refresh();
    const password = (await stack.resources()).find((r) => r.type === "pulumi-nodejs:dynamic/acr-tokens:TokenPassword");
    assert.match(String(password?.outputs?.["drift"]), /regenerated out of band/);
    await assert.rejects(stack.preview({ expectNoChanges: true }), /no changes were expected|error: .*changes/i);

    const repaired = await stack.up();
    assert.notEqual(repaired.steps[PASSWORD], "same", "up must repair the regenerated password");
    const now = await passwordOf(stack);
    assert.deepEqual(authenticates(now), { ok: true, slot: "password1" }, "the password in the stack outputs does not log in");
    assertNoSecretIn("the checkpoint file after the repair", stack.checkpointText(), now);
    assertNoSecretIn("the CLI output of the repair", repaired.output, now);
  });

  const driftOf = async (stack: EngineStack) =>
    (await stack.resources()).find((r) => r.type === "pulumi-nodejs:dynamic/acr-tokens:TokenPassword")?.outputs?.["drift"];

  it("a status changed out of band fails `preview --refresh --expect-no-changes`, up PATCHes it back; the repository config then updates the inline scope map in place; the password survives; a failing up leaks nothing", async () => {
    const stack = await bed().stack({ project: PROJECT, program: QUICKSTART, config: CONFIG });
    await stack.up();
    const password = await passwordOf(stack);
    await bed().arm.tokens.update(RG, REGISTRY, "app-pull", { status: "disabled" }, { updateIntervalInMs: 0 });

    const failed = await stack.preview({ refresh: true, expectNoChanges: true }).then(
      () => assert.fail("preview --refresh --expect-no-changes passed although the status changed out of band"),
      (err: { steps?: Record<string, string> }) => err,
    );
    assert.equal(failed.steps?.[SETTINGS], "update", "the preview must plan to set the status back");
    await stack.refresh();
    const mark = bed().emu.requests.length;
    const repaired = await stack.up();
    assert.equal(repaired.steps[SETTINGS], "update");
    assert.equal(repaired.steps[TOKEN], "same", "the azure-native Token must never be updated (its update is a password-wiping PUT)");
    assert.deepEqual(writesSince(mark), ["tokens.update"], "the status must be set back with one PATCH");
    assert.equal((await bed().arm.tokens.get(RG, REGISTRY, "app-pull")).status, "enabled");
    assert.deepEqual(authenticates(password), { ok: true, slot: "password1" });

    await stack.setConfig({ repository: "web" });
    const moved = await stack.up();
    assert.equal(moved.steps[SCOPE_MAP], "update");
    assert.equal(moved.steps[TOKEN], "same");
    assert.equal(moved.steps[PASSWORD], "same");
    const map = await bed().arm.scopeMaps.get(RG, REGISTRY, "app-pull-scope-map");
    assert.deepEqual(map.actions, ["repositories/web/content/read", "repositories/web/metadata/read"]);
    assert.deepEqual(authenticates(password), { ok: true, slot: "password1" });
    assert.ok((await passwordOf(stack)) === password, "the stack's password changed although nothing asked for it (not printed)");
    for (const [where, text] of [["up", repaired.output], ["the repository change", moved.output], ["the checkpoint file", stack.checkpointText()]] as const) {
      assertNoSecretIn(where, text, password);
    }

    const missing = await bed().stack({ project: PROJECT, program: QUICKSTART, config: { ...CONFIG, registryName: "nosuchregistry" } });
    const error = await missing.up().then(
      () => assert.fail("an up against a missing registry must fail"),
      (err: Error & { output?: string }) => err,
    );
    assertNoSecretIn("the error of a failing up", `${String(error)}\n${error.stack ?? ""}\n${error.output ?? ""}`, password);
  });

  it("changing the actions and the status updates the scope map and the token in place and keeps the password; destroy leaves the registry exactly as before", async () => {
    const before = await bed().snapshot();
    const stack = await bed().stack({ project: PROJECT, program: SCOPED, config: { ...CONFIG, actions: JSON.stringify(["content/read"]) } });
    await stack.up();
    const password = await passwordOf(stack);
    const passwords = await tokenPasswords();

    await stack.setConfig({ actions: JSON.stringify(["content/read", "metadata/read"]), status: "disabled" });
    const changed = await stack.up();
    assert.equal(changed.steps[SCOPE_MAP], "update");
    assert.equal(changed.steps[SETTINGS], "update");
    assert.equal(changed.steps[TOKEN], "same", "the azure-native Token must never be updated (its update is a password-wiping PUT)");
    assert.equal(changed.steps[PASSWORD], "same");
    const map = await bed().arm.scopeMaps.get(RG, REGISTRY, "app-pull-scope-map");
    assert.deepEqual(map.actions, ["repositories/app/content/read", "repositories/app/metadata/read"]);
    assert.equal((await bed().arm.tokens.get(RG, REGISTRY, "app-pull")).status, "disabled");
    assert.deepEqual(await tokenPasswords(), passwords, "the token's passwords changed");
    assert.deepEqual(authenticates(password), { ok: false, reason: "token-disabled" });

    await stack.setConfig({ status: "enabled" });
    await stack.up();
    assert.deepEqual(authenticates(password), { ok: true, slot: "password1" }, "re-enabling must restore the same password");

    assert.notDeepEqual(await bed().snapshot(), before);
    const destroyed = await stack.destroy();
    assert.deepEqual(Object.values(destroyed.steps).filter((op) => op !== "delete"), [], "destroy must only delete");
    assert.equal(await stack.resourceCount(), 0);
    assert.deepEqual(await bed().snapshot(), before, "destroy must leave the registry exactly as before");
  });

  // Moves the emulator's clock: keep it last in the file.
  it("the token deleted out of band: refresh drops it, up recreates it with a password that logs in; then the expiry passes on the emulator clock and refresh + up gives a working password", async () => {
    const stack = await bed().stack({ project: PROJECT, program: QUICKSTART, config: CONFIG });
    await stack.up();
    await bed().arm.tokens.delete(RG, REGISTRY, "app-pull", { updateIntervalInMs: 0 });

    await stack.refresh();
    const left = (await stack.resources()).map((r) => keyOfUrn(r.urn));
    assert.ok(!left.includes(TOKEN), "refresh must drop the deleted token from the state");
    assert.ok(!left.includes(PASSWORD), "refresh must drop the deleted token's password from the state");
    const recreated = await stack.up();
    assert.equal(recreated.steps[TOKEN], "create");
    assert.equal(recreated.steps[PASSWORD], "create");
    const second = await passwordOf(stack);
    assert.deepEqual(authenticates(second), { ok: true, slot: "password1" });

    bed().emu.clock.advance({ days: 91 });
    assert.deepEqual(authenticates(second), { ok: false, reason: "expired" });
    await stack.refresh();
    assert.match(String(await driftOf(stack)), /expired/);
    const renewed = await stack.up();
    assert.notEqual(renewed.steps[PASSWORD], "same", "up must renew the expired password");
    const third = await passwordOf(stack);
    assert.deepEqual(authenticates(third), { ok: true, slot: "password1" }, "the password in the stack outputs is expired");
    for (const [where, text] of [["the recreating up", recreated.output], ["the renewing up", renewed.output], ["the checkpoint file", stack.checkpointText()]] as const) {
      assertNoSecretIn(where, text, second);
      assertNoSecretIn(where, text, third);
    }
  });
});
