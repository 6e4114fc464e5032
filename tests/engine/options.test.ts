import * as assert from "node:assert/strict";
import { describeEngine, useEngineBed, type EngineRun } from "../../testing/engine";

const RG = "rg-engine-options";
const REGISTRY = "engineoptions";
const PROJECT = "acr-tokens-engine-options";
const PROGRAM = "tests/engine/programs/passwordOptions.ts";
const CONFIG = { registryName: REGISTRY, resourceGroupName: RG };
const PASSWORD = "pulumi-nodejs:dynamic/acr-tokens:TokenPassword::opts-password1";

/**
 * What the mini engine cannot show: the engine's own resource options on the components.
 * `protect` on a RegistryToken and its TokenPassword, a TokenPassword replacement with and without
 * `deleteBeforeReplace`, and `replaceOnChanges` (inert on dynamic resources) next to `up --replace`
 * (tests/engine/programs/passwordOptions.ts).
 */
describeEngine("protect, replaceOnChanges and deleteBeforeReplace", function () {
  // Every operation is a CLI process plus its plugins (Node with ts-node): several seconds on 2 cores.
  this.timeout(300_000);
  const bed = useEngineBed({ resourceGroup: RG, registryName: REGISTRY });
  const login = (password: string) => bed().emu.checkPassword(bed().tokenId("opts-token"), password);
  const passwordNames = async () => ((await bed().arm.tokens.get(RG, REGISTRY, "opts-token")).credentials?.passwords ?? []).map((p) => p.name);
  /** The order in which the engine started the password's steps. */
  const passwordSteps = (run: EngineRun<unknown>) => run.sequence.filter((s) => s.key === PASSWORD).map((s) => s.op);

  it("protect on a RegistryToken and its TokenPassword: destroy refuses and changes nothing; once unprotected, destroy removes them", async () => {
    const before = await bed().snapshot();
    const stack = await bed().stack({ project: PROJECT, program: PROGRAM, config: { ...CONFIG, protect: "true" } });
    await stack.up();
    const password = (await stack.outputs())["password"]?.value as string;
    const protectedTypes = (await stack.resources()).filter((r) => r.protect).map((r) => r.type);
    for (const type of [
      "acr-tokens:index:RegistryToken",
      "azure-native:containerregistry:Token",
      "azure-native:containerregistry:ScopeMap",
      "pulumi-nodejs:dynamic/acr-tokens:TokenSettings",
      "pulumi-nodejs:dynamic/acr-tokens:TokenPassword",
    ]) {
      assert.ok(protectedTypes.includes(type), `${type} must be protected (children inherit the component's protect)`);
    }

    const mark = bed().emu.requests.length;
    await assert.rejects(stack.destroy(), (err: Error) => {
      assert.match(err.message, /protected/);
      return true;
    });
    assert.deepEqual(
      bed().emu.requests.slice(mark).filter((r) => r.kind === "arm" && r.method !== "GET").map((r) => r.operation),
      [],
      "a destroy of protected resources must change nothing",
    );
    assert.deepEqual(login(password), { ok: true, slot: "password1" });

    await stack.setConfig({ protect: "false" });
    const unprotect = await stack.up();
    assert.deepEqual(Object.entries(unprotect.steps).filter(([, op]) => op !== "same"), [], "unprotecting changes no resource");
    await stack.destroy();
    assert.deepEqual(await bed().snapshot(), before);
  });

  it("a TokenPassword replacement: create-before-delete on the same slot, then with deleteBeforeReplace delete first; each new password logs in, the old one no longer does", async () => {
    const stack = await bed().stack({ project: PROJECT, program: PROGRAM, config: CONFIG });
    await stack.up();
    const first = (await stack.outputs())["password"]?.value as string;

    await stack.setConfig({ expiresInDays: "60" });
    const replaced = await stack.up();
    assert.deepEqual(passwordSteps(replaced), ["create-replacement", "replace", "delete-replaced"], "the default replacement creates the new password first");
    const second = (await stack.outputs())["password"]?.value as string;
    assert.ok(second !== first, "the replacement kept the old password (not printed)");
    assert.deepEqual(login(second), { ok: true, slot: "password1" }, "the old password's delete must leave the new one in the slot");
    assert.equal(login(first).ok, false);
    assert.deepEqual(await passwordNames(), ["password1"]);

    await stack.setConfig({ expiresInDays: "30", deleteBeforeReplace: "true" });
    const deletedFirst = await stack.up();
    const order = passwordSteps(deletedFirst);
    assert.ok(order.includes("create-replacement") && order.indexOf("delete-replaced") < order.indexOf("create-replacement"), `deleteBeforeReplace must delete first: ${order.join(", ")}`);
    const third = (await stack.outputs())["password"]?.value as string;
    assert.deepEqual(login(third), { ok: true, slot: "password1" });
    assert.equal(login(second).ok, false);
    assert.deepEqual(await passwordNames(), ["password1"]);
  });

  it("replaceOnChanges cannot replace a TokenPassword (the dynamic-provider host reports no changed keys): an in-place update keeps the password; `up --replace` replaces it", async () => {
    const stack = await bed().stack({ project: PROJECT, program: PROGRAM, config: CONFIG });
    await stack.up();
    const first = (await stack.outputs())["password"]?.value as string;
    await stack.setConfig({ rotateBeforeExpiryDays: "7" });
    const updated = await stack.up();
    assert.deepEqual(passwordSteps(updated), ["update"]);
    assert.ok((await stack.outputs())["password"]?.value === first, "the in-place update changed the password (not printed)");
    assert.deepEqual(login(first), { ok: true, slot: "password1" });

    const urn = (await stack.resources()).find((r) => r.type === "pulumi-nodejs:dynamic/acr-tokens:TokenPassword")?.urn ?? "";
    const forced = await stack.up({ replace: [urn] });
    assert.deepEqual(passwordSteps(forced), ["create-replacement", "replace", "delete-replaced"]);
    const second = (await stack.outputs())["password"]?.value as string;
    assert.ok(second !== first, "the replacement kept the old password (not printed)");
    assert.deepEqual(login(second), { ok: true, slot: "password1" });
    assert.equal(login(first).ok, false);
  });
});
