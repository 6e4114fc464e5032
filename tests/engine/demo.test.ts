import * as assert from "node:assert/strict";
import { main } from "../../scripts/demo";
import { describeEngine } from "../../testing/engine";

/**
 * `npm run demo` (scripts/demo.ts) through the real Pulumi engine, run in-process: every step
 * succeeds, the CLI's own progress output is shown, and no password or access token is printed.
 */
describeEngine("npm run demo", function () {
  // Eight CLI operations, each with its plugins (Node with ts-node).
  this.timeout(600_000);

  it("succeeds step by step, shows the CLI's output and prints no password or access token", async () => {
    let out = "";
    const result = await main({ write: (t) => void (out += t) }, { engine: true });
    const failed = result.steps.filter((s) => !s.ok).map((s) => s.title);
    assert.deepEqual(failed, [], `failed steps:\n${failed.join("\n")}`);
    assert.ok(result.steps.length >= 8, `only ${result.steps.length} steps ran`);
    assert.match(out, /Through the real Pulumi engine/);
    assert.match(out, /│ Updating \(s1\)/, "the CLI's progress output must be shown");
    assert.match(out, /│ +password\s*: \[secret\]/, "the CLI shows the password output as [secret]");
    assert.match(out, /pulumi destroy/);
    assert.doesNotMatch(out, /[A-Za-z0-9+/=]{42}\+ACR/, "a password was printed");
    assert.doesNotMatch(out, /eyJ[\w-]+\.[\w-]+\.[\w-]+/, "an access token was printed");
  });
});
