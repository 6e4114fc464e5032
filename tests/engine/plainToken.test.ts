import * as assert from "node:assert/strict";
import { describeEngine, useEngineBed } from "../../testing/engine";

const RG = "rg-engine-plain";
const REGISTRY = "engineplain";
const CONFIG = { registryName: REGISTRY, resourceGroupName: RG };

/**
 * ../shared/acr/README.md §11 on the real engine: a token made with a PLAIN azure-native Token loses
 * its generated password on refresh + up (the refresh copies the password into the Token's stored
 * inputs, the program does not have it, so the engine plans an update whose PUT carries no
 * credentials), and a status change without any refresh wipes it too (the same PUT); the same steps
 * with RegistryToken keep it.
 */
describeEngine("the plain azure-native token hazard, next to RegistryToken", function () {
  // Every operation is a CLI process plus its plugins (Node with ts-node): several seconds on 2 cores.
  this.timeout(300_000);
  const bed = useEngineBed({ resourceGroup: RG, registryName: REGISTRY });
  const passwordNames = async (token: string) =>
    ((await bed().arm.tokens.get(RG, REGISTRY, token)).credentials?.passwords ?? []).map((p) => p.name);

  it("plain azure-native Token: refresh, then up of the unchanged program updates the token and its PUT wipes the password", async () => {
    const stack = await bed().stack({ project: "acr-tokens-engine-plain", program: "tests/e2e/programs/plainToken.ts", config: CONFIG });
    await stack.up();
    const password = (await stack.outputs())["password"]?.value as string;
    assert.deepEqual(await passwordNames("plain-token"), ["password1"]);
    assert.deepEqual(bed().emu.checkPassword(bed().tokenId("plain-token"), password), { ok: true, slot: "password1" });

    await stack.refresh();
    const preview = await stack.preview();
    assert.equal(preview.steps["azure-native:containerregistry:Token::plain"], "update", "after refresh the engine must plan to remove the passwords");
    const second = await stack.up();
    assert.equal(second.steps["azure-native:containerregistry:Token::plain"], "update");
    assert.deepEqual(await passwordNames("plain-token"), [], "the PUT from the program's inputs must wipe the generated password");
    assert.deepEqual(bed().emu.checkPassword(bed().tokenId("plain-token"), password), { ok: false, reason: "no-matching-password" });
  });

  it("RegistryToken: refresh, then preview --expect-no-changes (with and without --refresh) and up: nothing planned, the password survives", async () => {
    const stack = await bed().stack({ project: "acr-tokens-quickstart", program: "examples/quickstart/index.ts", config: CONFIG });
    await stack.up();
    const password = (await stack.outputs())["password"]?.value as string;
    await stack.refresh();
    // azure-native's refresh wrote the generated password (name and dates) into the Token's stored inputs.
    const token = (await stack.resources()).find((r) => r.type === "azure-native:containerregistry:Token");
    assert.deepEqual(
      (token?.inputs?.["credentials"] as { passwords?: Array<{ name: string }> } | undefined)?.passwords?.map((p) => p.name),
      ["password1"],
    );
    await stack.preview({ expectNoChanges: true });
    await stack.preview({ refresh: true, expectNoChanges: true });
    const again = await stack.up();
    assert.equal(again.steps["azure-native:containerregistry:Token::app-pull"], "same");
    assert.deepEqual(await passwordNames("app-pull"), ["password1"]);
    assert.ok((await stack.outputs())["password"]?.value === password, "the stack's password changed although nothing asked for it (not printed)");
    assert.deepEqual(bed().emu.checkPassword(bed().tokenId("app-pull"), password), { ok: true, slot: "password1" });
  });

  it("plain azure-native Token: a status change without any refresh is a PUT without credentials, which wipes the password", async () => {
    const stack = await bed().stack({ project: "acr-tokens-engine-plain", program: "tests/e2e/programs/plainToken.ts", config: CONFIG });
    await stack.up();
    const password = (await stack.outputs())["password"]?.value as string;
    assert.deepEqual(await passwordNames("plain-token"), ["password1"]);

    await stack.setConfig({ status: "disabled" });
    const disabled = await stack.up();
    assert.equal(disabled.steps["azure-native:containerregistry:Token::plain"], "update");
    assert.deepEqual(await passwordNames("plain-token"), [], "the PUT from the program's inputs must wipe the generated password");
    await stack.setConfig({ status: "enabled" });
    await stack.up();
    assert.deepEqual(bed().emu.checkPassword(bed().tokenId("plain-token"), password), { ok: false, reason: "no-matching-password" });
  });
});
