import * as assert from "node:assert/strict";
import { describeEngine, useEngineBed, type EngineStack } from "../../testing/engine";

const RG = "rg-engine";
const REGISTRY = "engineregistry";
const PROJECT = "acr-tokens-quickstart";
const QUICKSTART = "examples/quickstart/index.ts";
const TOKEN = "azure-native:containerregistry:Token::app-pull";
const PASSWORD = "pulumi-nodejs:dynamic/acr-tokens:TokenPassword::app-pull-password1";
const SETTINGS = "pulumi-nodejs:dynamic/acr-tokens:TokenSettings::app-pull-settings";
const SCOPE_MAP = "azure-native:containerregistry:ScopeMap::app-pull-scope-map";
const CONFIG = { registryName: REGISTRY, resourceGroupName: RG };

/**
 * The quickstart through the real Pulumi engine (the CLI built from the Go module proxy, driven by
 * the Automation API) against the emulator: up, preview --expect-no-changes, an out-of-band
 * regeneration repaired by refresh + up, destroy (refresh + up of the unchanged program: plainToken.test.ts); the checkpoint file holds no password and no access
 * token in plain text.
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
  /** Fails naming only WHAT leaked (never the value) when `text` holds the password or the access token. */
  const assertNoSecretIn = (where: string, text: string, password: string): void => {
    assert.ok(!text.includes(password), `the password appears in plain text in ${where}`);
    assert.ok(!text.includes(bed().accessToken), `the ARM access token appears in plain text in ${where}`);
  };

  it("up creates the scope map, token and a password that logs in; the checkpoint and output hold no password or access token; preview --expect-no-changes passes", async () => {
    const before = await bed().snapshot();
    const stack = await bed().stack({ project: PROJECT, program: QUICKSTART, config: CONFIG });
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
});
