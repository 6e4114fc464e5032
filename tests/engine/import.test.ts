import * as assert from "node:assert/strict";
import { describeEngine, useEngineBed } from "../../testing/engine";

const RG = "rg-engine-import";
const REGISTRY = "engineimport";
const CONFIG = { registryName: REGISTRY, resourceGroupName: RG };

/**
 * A token made outside Pulumi, with a password someone already uses, adopted into a RegistryToken by
 * the engine's import (tests/engine/programs/adoptToken.ts): the import changes nothing in ARM, the
 * existing password keeps logging in through up, refresh and a second up.
 */
describeEngine("adopting an existing token into a RegistryToken by import", function () {
  this.timeout(300_000);
  const bed = useEngineBed({ resourceGroup: RG, registryName: REGISTRY });

  it("imports the token and its scope map without a write; the existing password survives up, refresh and up", async () => {
    const arm = bed().arm;
    const lro = { updateIntervalInMs: 0 };
    // What `az acr token create --name app-pull --repository app content/read metadata/read` makes.
    const map = await arm.scopeMaps.create(RG, REGISTRY, "app-pull-scope-map", { actions: ["repositories/app/content/read", "repositories/app/metadata/read"] }, lro);
    const token = await arm.tokens.create(RG, REGISTRY, "app-pull", { scopeMapId: map.id, status: "enabled" }, lro);
    const generated = await arm.registries.generateCredentials(RG, REGISTRY, { tokenId: token.id, name: "password1" }, lro);
    const existing = generated.passwords?.find((p) => p.name === "password1")?.value ?? "";
    assert.deepEqual(bed().emu.checkPassword(token.id ?? "", existing), { ok: true, slot: "password1" });

    const stack = await bed().stack({
      project: "acr-tokens-engine-import",
      program: "tests/engine/programs/adoptToken.ts",
      config: { ...CONFIG, tokenId: token.id ?? "", scopeMapId: map.id ?? "" },
    });
    const mark = bed().emu.requests.length;
    const up = await stack.up();
    assert.equal(up.steps["azure-native:containerregistry:Token::app-pull"], "import");
    assert.equal(up.steps["azure-native:containerregistry:ScopeMap::app-pull-scope-map"], "import");
    const writes = bed().emu.requests.slice(mark).filter((r) => r.kind === "arm" && r.method !== "GET").map((r) => r.operation);
    assert.ok(!writes.includes("tokens.create") && !writes.includes("scopeMaps.create"), `the import must not PUT the token or scope map: ${writes.join(", ")}`);
    assert.deepEqual(bed().emu.checkPassword(token.id ?? "", existing), { ok: true, slot: "password1" });

    await stack.refresh();
    await stack.preview({ expectNoChanges: true });
    const again = await stack.up();
    assert.deepEqual(Object.entries(again.steps).filter(([, op]) => op !== "same"), []);
    assert.deepEqual(bed().emu.checkPassword(token.id ?? "", existing), { ok: true, slot: "password1" }, "the adopted token lost its password");
    assert.ok(!stack.checkpointText().includes(existing), "the existing password appears in plain text in the checkpoint file");
  });
});
