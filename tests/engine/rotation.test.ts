import * as assert from "node:assert/strict";
import { describeEngine, useEngineBed } from "../../testing/engine";

const RG = "rg-engine-rotation";
const REGISTRY = "enginerotation";
const PERIOD_DAYS = 60;
const STEP_DAYS = 30;
const DAYS = 365;

/**
 * A year of examples/rotation (RotatingTokenPassword on an existing token) through the real engine: a
 * `pulumi up` every 30 days with a 60-day rotation period, the emulator clock moved between runs
 * (the program and the providers read it). Before each up the passwords a consumer holds still log in;
 * after it both outputs log in; each turn generates exactly one password; the checkpoint never holds a
 * password in plain text. (The mini engine's year, tests/e2e/rotation.test.ts, runs an up every day.)
 */
describeEngine("a year of rotation", function () {
  // 13 ups, each a CLI process plus the dynamic-provider plugin.
  this.timeout(600_000);
  const bed = useEngineBed({ resourceGroup: RG, registryName: REGISTRY });

  it(`an up every ${STEP_DAYS} days for a year (period ${PERIOD_DAYS} days): never a moment without a working password, one new password per turn`, async () => {
    const tokenId = bed().tokenId("app-pull");
    const registryId = tokenId.replace(/\/tokens\/app-pull$/, "");
    // The token exists already (made through the SDK): the stack owns only its two password slots.
    await bed().arm.tokens.create(RG, REGISTRY, "app-pull", { scopeMapId: `${registryId}/scopeMaps/_repositories_pull`, status: "enabled" }, { updateIntervalInMs: 0 });
    const stack = await bed().stack({
      project: "acr-tokens-rotation",
      program: "examples/rotation/index.ts",
      config: { tokenId, rotationPeriodDays: String(PERIOD_DAYS) },
    });
    const generates = (since: number) => bed().emu.requests.slice(since).filter((r) => r.kind === "arm" && r.path.endsWith("/generateCredentials")).length;
    const problems: string[] = [];
    let held: string[] = [];
    let slot: unknown;
    let turns = 0;
    for (let day = 0; day <= DAYS; day += STEP_DAYS) {
      if (day > 0) bed().emu.clock.advance({ days: STEP_DAYS });
      if (held.length > 0 && !held.some((p) => bed().emu.checkPassword(tokenId, p).ok)) problems.push(`day ${day}: no held password logs in before the up`);
      const mark = bed().emu.requests.length;
      await stack.up();
      const outputs = await stack.outputs();
      const made = generates(mark);
      const turned = slot !== undefined && outputs["currentSlot"]?.value !== slot;
      if (turned) turns++;
      const expected = slot === undefined ? 2 : turned ? 1 : 0;
      if (made !== expected) problems.push(`day ${day}: ${made} generateCredentials, expected ${expected}`);
      slot = outputs["currentSlot"]?.value;
      held = [outputs["password"]?.value as string, outputs["previousPassword"]?.value as string];
      for (const [name, p] of [["password", held[0]], ["previousPassword", held[1]]] as const) {
        if (!bed().emu.checkPassword(tokenId, p).ok) problems.push(`day ${day}: ${name} does not log in after the up`);
      }
      const checkpoint = stack.checkpointText();
      if (held.some((p) => checkpoint.includes(p))) problems.push(`day ${day}: a password is in plain text in the checkpoint file`);
    }
    assert.deepEqual(problems, []);
    assert.ok(turns >= 5, `a year of ${PERIOD_DAYS}-day periods must turn at least 5 times, turned ${turns}`);
  });
});
