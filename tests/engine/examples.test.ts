import * as assert from "node:assert/strict";
import { describeEngine, useEngineBed, type EngineStack } from "../../testing/engine";

const RG = "rg-engine-examples";
const REGISTRY = "engineexamples";
/** Every example takes the same two config keys. */
const CONFIG = { registryName: REGISTRY, resourceGroupName: RG };

/**
 * Every program in examples/ through the real Pulumi engine against the emulator: up, what it
 * promises (each password logs in), `preview --expect-no-changes`, no password or access token in plain
 * text in the checkpoint file or the CLI's output, and destroy leaving the registry as it was.
 */
describeEngine("every example (the quickstart: quickstart.test.ts)", function () {
  // Every operation is a CLI process plus its plugins (Node with ts-node): several seconds on 2 cores.
  this.timeout(300_000);
  const bed = useEngineBed({ resourceGroup: RG, registryName: REGISTRY });

  /** Up, the secret outputs named in `passwords` log in to `token`, no-change preview, no plain secret, destroy. */
  async function lifecycle(program: string, token: string, passwords: Record<string, string | undefined>): Promise<EngineStack> {
    const before = await bed().snapshot();
    const project = `acr-tokens-${program.split("/")[1]}`;
    const stack = await bed().stack({ project, program, config: CONFIG });
    const up = await stack.up();
    assert.equal(up.result.summary.result, "succeeded");
    const outputs = await stack.outputs();
    const checkpoint = stack.checkpointText();
    for (const [name, slot] of Object.entries(passwords)) {
      const out = outputs[name];
      assert.ok(out?.secret, `${name} must be a secret stack output`);
      const login = bed().emu.checkPassword(bed().tokenId(token), out.value as string);
      assert.equal(login.ok, true, `${name} does not log in to ${token}`);
      if (slot) assert.deepEqual(login, { ok: true, slot });
      assert.ok(!checkpoint.includes(out.value as string), `${name} appears in plain text in the checkpoint file`);
      assert.ok(!up.output.includes(out.value as string), `${name} appears in the CLI output of up`);
    }
    assert.ok(!checkpoint.includes(bed().accessToken), "the ARM access token appears in plain text in the checkpoint file");
    const preview = await stack.preview({ expectNoChanges: true });
    assert.deepEqual(Object.entries(preview.steps).filter(([, op]) => op !== "same"), []);
    await stack.destroy();
    assert.equal(await stack.resourceCount(), 0);
    assert.deepEqual(await bed().snapshot(), before, `destroy of ${program} must leave the registry as it was`);
    return stack;
  }

  it("ci-byo-token (the access-token credential)", async () => {
    await lifecycle("examples/ci-byo-token/index.ts", "ci-push", { pushPassword: "password1" });
  });

  it("rotation: both slots log in", async () => {
    await lifecycle("examples/rotation/index.ts", "app-rotating", { password: undefined, previousPassword: undefined });
  });

  it("connected-registry-gateway", async () => {
    await lifecycle("examples/connected-registry-gateway/index.ts", "edge01-sync-token", { password: "password1" });
  });

  it("drift-check", async () => {
    await lifecycle("examples/drift-check/index.ts", "deploy-pull", { deployPassword: "password1" });
  });
});
