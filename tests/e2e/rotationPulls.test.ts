import * as assert from "node:assert/strict";
import { requireRegistryTools } from "../../testing/registryClients";
import { measureRotationPulls } from "../../testing/harness/rotationPulls";

/**
 * Zero-downtime rotation at the registry (testing/harness/rotationPulls.ts): daily ups of
 * RotatingTokenPassword with a 60 s replication delay, a consumer pulling with the exported password
 * after every up. The full simulated year is `npm run bench`'s rotationYearFailedPulls; here 5 weeks
 * of a 7-day period (5 turns) with and without the providers' wait.
 */
describe("e2e: rotation with replication delay, measured by pulls (real registry server)", function () {
  if (!requireRegistryTools("the rotation pull tests")) return;
  this.timeout(300_000);

  it("with the providers' wait, every pull with the exported password succeeds", async () => {
    const r = await measureRotationPulls({ days: 35, periodDays: 7, wait: true });
    assert.equal(r.pulls, 35);
    assert.ok(r.turns >= 4, `only ${r.turns} turns`);
    assert.deepEqual(r.failures, []);
  });

  it("without the wait, the pull right after each new password fails (the delay is real)", async () => {
    const r = await measureRotationPulls({ days: 35, periodDays: 7, wait: false });
    assert.ok(r.turns >= 4, `only ${r.turns} turns`);
    // The first up and every turn export a password generated moments before.
    assert.equal(r.failedPulls, r.turns + 1, r.failures.join("; "));
    assert.ok(r.failures.every((f) => f.endsWith("token 401")), r.failures.join("; "));
  });
});
