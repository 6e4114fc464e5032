import * as assert from "node:assert/strict";
import { main } from "../../scripts/demo";

/** `npm run demo` (scripts/demo.ts) through the harness, run in-process: every step succeeds and nothing secret is printed (through the real engine: tests/engine/demo.test.ts). */
describe("e2e: npm run demo (harness)", function () {
  // The demo spawns the dynamic-provider host (node + ts-node) and runs five operations: ~20 s on 2 cores.
  this.timeout(120_000);

  it("succeeds step by step and prints no password or access token", async () => {
    let out = "";
    const result = await main({ write: (t) => void (out += t) }, { engine: false });
    const failed = result.steps.filter((s) => !s.ok).map((s) => s.title);
    assert.deepEqual(failed, [], `failed steps:\n${failed.join("\n")}`);
    assert.ok(result.steps.length >= 8, `only ${result.steps.length} steps ran`);
    assert.match(out, /pulumi destroy/);
    // Shapes, so no value needs to leave the demo: ACR passwords (52 characters with "+ACR" at 42-45,
    // as the emulator generates them) and JWT access tokens.
    assert.doesNotMatch(out, /[A-Za-z0-9+/=]{42}\+ACR/, "a password was printed");
    assert.doesNotMatch(out, /eyJ[\w-]+\.[\w-]+\.[\w-]+/, "an access token was printed");
  });
});
