import * as assert from "node:assert/strict";
import type { Emulator } from "acr-tokens-emulator";
import { planByName, type EmulatorHarness } from "../../../testing/harness";
import { useE2eBed } from "../../e2e/fixture";

const PROGRAM = "tests/testing/harness/programs/scopeMaps.ts";
const RG = "rg-harness";
const REG = "harnessregistry";
const FIRST = "azure-native:containerregistry:ScopeMap::first";
const SECOND = "azure-native:containerregistry:ScopeMap::second";

/**
 * The harness's engine decisions on a program of plain azure-native resources (no dynamic resource,
 * so no host is spawned): create, same, update by PUT, replace, delete of what is no longer
 * registered, preview without side effects, and a failing program or step leaving state alone.
 */
describe("harness: runProgram, preview, refresh and destroy on azure-native resources", function () {
  // The first run loads @pulumi/azure-native/containerregistry and the SDK runtime (~1-2 s on 2 cores).
  this.timeout(20_000);
  const bed = useE2eBed("harness-test", { resourceGroup: RG, name: REG });
  let emu: Emulator;
  let harness: EmulatorHarness;
  const config = (extra: Record<string, string> = {}) => ({ registryName: REG, resourceGroupName: RG, actions: JSON.stringify(["repositories/a/content/read"]), ...extra });
  const session = (extra: Record<string, string> = {}) => bed().session({ program: PROGRAM, config: config(extra) });
  const mapNames = async () => {
    const names: string[] = [];
    for await (const m of harness.arm.scopeMaps.list(RG, REG)) if (!m.name?.startsWith("_")) names.push(m.name ?? "?");
    return names.sort();
  };
  const writes = (since: number) => emu.requests.slice(since).filter((r) => r.kind === "arm" && r.method !== "GET").map((r) => r.operation);

  before(() => ({ emu, harness } = bed()));

  it("creates with one PUT, then plans same, then updates with a PUT from the program's inputs", async () => {
    const s = session();
    let mark = emu.requests.length;
    const created = await s.up();
    assert.equal(planByName(created.plan)[FIRST], "create");
    assert.deepEqual(writes(mark), ["scopeMaps.create"]);
    assert.equal(created.outputs["firstId"], `/subscriptions/${emu.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.ContainerRegistry/registries/${REG}/scopeMaps/first-map`);

    mark = emu.requests.length;
    assert.equal(planByName((await s.up()).plan)[FIRST], "same");
    assert.deepEqual(writes(mark), []);

    s.config = config({ actions: JSON.stringify(["repositories/a/content/read", "repositories/a/content/write"]) });
    mark = emu.requests.length;
    const updated = await s.up();
    assert.equal(planByName(updated.plan)[FIRST], "update");
    assert.deepEqual(writes(mark), ["scopeMaps.create"], "azure-native updates with PUT, never PATCH");
    assert.deepEqual(updated.outputs["firstActions"], ["repositories/a/content/read", "repositories/a/content/write"]);
  });

  it("a new name replaces: the new map is created first, the old one deleted after the program", async () => {
    const s = session();
    await s.up();
    s.config = config({ firstName: "renamed-map" });
    const mark = emu.requests.length;
    const replaced = await s.up();
    assert.equal(planByName(replaced.plan)[FIRST], "replace");
    assert.deepEqual(writes(mark), ["scopeMaps.create", "scopeMaps.delete"]);
    assert.deepEqual(await mapNames(), ["renamed-map"]);
  });

  it("deletes what the program no longer registers, and nothing when the program fails", async () => {
    const s = session({ second: "yes" });
    await s.up();
    assert.deepEqual(await mapNames(), ["first-map", "second-map"]);

    s.config = config({ throwAfter: "yes" });
    const failed = await s.up({ allowErrors: true });
    assert.match(failed.errors.map((e) => e.message).join("\n"), /program failed on purpose/);
    assert.deepEqual(await mapNames(), ["first-map", "second-map"], "a failed run must delete nothing");
    assert.equal(s.state.resources.filter((r) => r.type === "azure-native:containerregistry:ScopeMap").length, 2);

    s.config = config();
    const pruned = await s.up();
    assert.equal(planByName(pruned.plan)[SECOND], "delete");
    assert.deepEqual(await mapNames(), ["first-map"]);
  });

  it("preview reports the plan and writes nothing", async () => {
    const s = session();
    await s.up();
    s.config = config({ actions: JSON.stringify(["repositories/z/content/read"]), second: "yes" });
    const mark = emu.requests.length;
    const plan = await s.preview();
    assert.deepEqual(writes(mark), []);
    assert.equal(planByName(plan.plan)[FIRST], "update");
    assert.equal(planByName(plan.plan)[SECOND], "create");
    assert.ok(plan.changes);
    await assert.rejects(s.preview({ expectNoChanges: true }), /--expect-no-changes: the plan has changes:\n {2}update urn:pulumi:dev::harness-test::azure-native:containerregistry:ScopeMap::first/);
  });

  it("preview of a new stack plans creates with unknown ids and writes nothing", async () => {
    const s = session({ second: "yes" });
    const mark = emu.requests.length;
    const plan = await s.preview();
    assert.deepEqual(writes(mark), []);
    assert.equal(planByName(plan.plan)[FIRST], "create");
    assert.equal(planByName(plan.plan)[SECOND], "create");
    assert.deepEqual(s.state.resources, []);
    assert.deepEqual(await mapNames(), []);
  });

  it("refresh writes an out-of-band change into the stored inputs, so the next up puts the program's value back", async () => {
    const s = session();
    await s.up();
    await harness.arm.scopeMaps.update(RG, REG, "first-map", { actions: ["repositories/x/content/read"] }, { updateIntervalInMs: 0 });
    const refreshed = await s.refresh();
    assert.equal(planByName(refreshed.plan)[FIRST], "update");
    assert.deepEqual(s.state.resources.find((r) => r.name === "first")?.inputs["actions"], ["repositories/x/content/read"]);
    assert.equal(planByName((await s.up()).plan)[FIRST], "update");
    assert.deepEqual((await harness.arm.scopeMaps.get(RG, REG, "first-map")).actions, ["repositories/a/content/read"]);
  });

  it("a program's own Registry: created by PUT, looked up by the getRegistry invoke, updated in place, destroyed after its scope map", async () => {
    const s = bed().session({ program: "tests/testing/harness/programs/registry.ts", config: { resourceGroupName: RG } });
    const up = await s.up();
    assert.equal(planByName(up.plan)["azure-native:containerregistry:Registry::registry"], "create");
    assert.equal(up.outputs["loginServer"], "harnessowned.azurecr.io");
    assert.equal(up.outputs["lookedUpLoginServer"], "harnessowned.azurecr.io");
    s.config = { ...s.config, sku: "Standard" };
    assert.equal(planByName((await s.up()).plan)["azure-native:containerregistry:Registry::registry"], "update");
    assert.equal((await harness.arm.registries.get(RG, "harnessowned")).sku.name, "Standard");
    const mark = emu.requests.length;
    await s.destroy();
    assert.deepEqual(writes(mark), ["scopeMaps.delete", "registries.delete"]);
    await assert.rejects(harness.arm.registries.get(RG, "harnessowned"), (err: { statusCode?: number }) => err.statusCode === 404);
  });

  it("a failing step is reported with ARM's message, and the resources after it are not carried out", async () => {
    const s = session({ registryName: "missingregistry", second: "yes" });
    const failed = await s.up({ allowErrors: true });
    assert.equal(failed.errors[0]?.urn, "urn:pulumi:dev::harness-test::azure-native:containerregistry:ScopeMap::first");
    assert.match(failed.errors[0]?.message ?? "", /missingregistry/);
    assert.deepEqual(s.state.resources.filter((r) => r.custom), []);
    assert.equal(planByName(failed.plan)[SECOND], undefined);
  });
});
