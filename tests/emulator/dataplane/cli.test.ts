import * as assert from "node:assert/strict";
import { parseCli, UsageError } from "../../../emulator/cli";

describe("acr-tokens-emulator --data-plane / --replication-delay", () => {
  it("turns the data plane on, with a replication delay in seconds (default 0)", () => {
    assert.deepEqual(parseCli(["--data-plane"]).options.dataPlane, { replicationDelaySeconds: 0 });
    assert.deepEqual(parseCli(["--data-plane", "--replication-delay", "60"]).options.dataPlane, { replicationDelaySeconds: 60 });
    assert.equal(parseCli([]).options.dataPlane, undefined);
  });

  it("refuses a delay without the data plane, or one that is not whole seconds up to a day", () => {
    assert.throws(() => parseCli(["--replication-delay", "60"]), (e: unknown) => e instanceof UsageError && /needs --data-plane/.test(e.message));
    for (const bad of ["-1", "1.5", "abc", "86401"]) {
      assert.throws(() => parseCli(["--data-plane", `--replication-delay=${bad}`]), (e: unknown) => e instanceof UsageError && /whole number of seconds/.test(e.message), bad);
    }
  });
});
