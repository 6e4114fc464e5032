import * as assert from "node:assert/strict";
import { describeEngine, useEngineBed } from "../../testing/engine";

const RG = "rg-engine-parallel";
const REGISTRY = "engineparallel";
const CONFIG = { registryName: REGISTRY, resourceGroupName: RG };

/**
 * `pulumi up --parallel 10` over 50 passwords (25 tokens sharing one scope map, both slots each:
 * tests/engine/programs/manyPasswords.ts): every password logs in to its own slot, none is lost to a
 * concurrent update of the same token, the checkpoint holds none in plain text, destroy removes all.
 */
describeEngine("parallel up of 50 passwords", function () {
  // ~100 resources through the engine and its plugins on 2 cores.
  this.timeout(600_000);
  const bed = useEngineBed({ resourceGroup: RG, registryName: REGISTRY });

  it("up --parallel 10: 50 distinct passwords, each logs in to its slot; a second up changes nothing; destroy leaves the registry as it was", async () => {
    const before = await bed().snapshot();
    const stack = await bed().stack({ project: "acr-tokens-engine-parallel", program: "tests/engine/programs/manyPasswords.ts", config: CONFIG });
    const up = await stack.up({ parallel: 10 });
    assert.equal(up.result.summary.result, "succeeded");
    const all = (await stack.outputs())["all"];
    assert.ok(all?.secret);
    const passwords = all.value as Record<string, string>;
    assert.equal(Object.keys(passwords).length, 50);
    assert.equal(new Set(Object.values(passwords)).size, 50, "two slots got the same password");
    const checkpoint = stack.checkpointText();
    for (const [key, password] of Object.entries(passwords)) {
      const [token, slot] = key.split("/");
      assert.deepEqual(bed().emu.checkPassword(bed().tokenId(token), password), { ok: true, slot }, `${key} does not log in`);
      assert.ok(!checkpoint.includes(password), `${key} appears in plain text in the checkpoint file`);
    }
    const again = await stack.up({ parallel: 10 });
    assert.deepEqual(Object.entries(again.steps).filter(([, op]) => op !== "same"), []);
    await stack.destroy();
    assert.deepEqual(await bed().snapshot(), before);
  });
});
