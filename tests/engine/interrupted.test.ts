import * as assert from "node:assert/strict";
import { setTimeout as tick } from "node:timers/promises";
import { describeEngine, useEngineBed } from "../../testing/engine";

const RG = "rg-engine-interrupted";
const REGISTRY = "engineinterrupted";
const CONFIG = { registryName: REGISTRY, resourceGroupName: RG };
const PASSWORD_TYPE = "pulumi-nodejs:dynamic/acr-tokens:TokenPassword";

/** Polls `ready` (an event the test waits for, not a timing assumption) until true or `what` times out. */
async function until(what: string, ready: () => boolean, limitMs = 60_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!ready()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await tick(50);
  }
}

/**
 * A `pulumi up` interrupted between the password's creation in ARM and the checkpoint write: SIGINT
 * (^C) while generateCredentials is in flight, then SIGKILL of the CLI and its plugins. The
 * checkpoint keeps the TokenPassword as a pending create and the file backend keeps the dead CLI's
 * lock; `pulumi cancel` removes the lock, `refresh --clear-pending-creates` drops the pending create and
 * `up` generates the slot again: nothing lost (the stack's password logs in), nothing orphaned
 * (one password on the token, the registry as the program says).
 */
describeEngine("an up interrupted by SIGINT then SIGKILL", function () {
  this.timeout(300_000);
  const bed = useEngineBed({ resourceGroup: RG, registryName: REGISTRY });

  it("leaves a pending create and a lock; cancel, refresh --clear-pending-creates and up recover the slot with one working password", async () => {
    const stack = await bed().stack({ project: "acr-tokens-quickstart", program: "examples/quickstart/index.ts", config: CONFIG });
    // ARM takes 5 s to answer generateCredentials, and still does the work after its caller is gone.
    bed().emu.faults.add({ method: "POST", route: "/generateCredentials", fault: { kind: "latency", ms: 5_000 } });
    const run = stack.startUp();
    await until("generateCredentials to reach ARM", () => bed().emu.faults.injected.length > 0);
    run.interrupt();
    await until("the CLI to acknowledge ^C", () => /cancel/i.test(run.output()));
    const killed = run.kill();
    assert.ok(killed.length >= 2, `expected the CLI and its plugins to be killed, got pids ${killed.join(", ")}`);
    await assert.rejects(run.running);
    await until("ARM to finish the generateCredentials its caller abandoned", () =>
      bed().emu.requests.some((r) => r.operation === "registries.generateCredentials" && r.status === 200),
    );
    assert.deepEqual(
      ((await bed().arm.tokens.get(RG, REGISTRY, "app-pull")).credentials?.passwords ?? []).map((p) => p.name),
      ["password1"],
      "the password was created in ARM",
    );
    const pending = stack.pendingOperations();
    assert.deepEqual(
      pending.map((p) => [p.type, p.urn.split("::").pop()]),
      [["creating", "app-pull-password1"]],
      "the checkpoint must record the interrupted create",
    );

    // The killed CLI left its lock in the file backend: the engine refuses to run and names `pulumi cancel`.
    await assert.rejects(stack.refresh({ clearPendingCreates: true }), /currently locked by 1 lock\(s\)[\s\S]*pulumi cancel/);
    await stack.stack.cancel();
    const refreshed = await stack.refresh({ clearPendingCreates: true });
    assert.equal(refreshed.result.summary.result, "succeeded");
    assert.deepEqual(stack.pendingOperations(), []);
    const up = await stack.up();
    assert.equal(up.steps[`${PASSWORD_TYPE}::app-pull-password1`], "create");
    const password = (await stack.outputs())["password"]?.value as string;
    assert.deepEqual(bed().emu.checkPassword(bed().tokenId("app-pull"), password), { ok: true, slot: "password1" });
    assert.deepEqual(
      ((await bed().arm.tokens.get(RG, REGISTRY, "app-pull")).credentials?.passwords ?? []).map((p) => p.name),
      ["password1"],
      "nothing orphaned: one password on the token",
    );
    await stack.preview({ expectNoChanges: true });
  });
});
