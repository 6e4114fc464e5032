import * as assert from "node:assert/strict";
import { checkRotationArgs } from "../../components/validation/rotatingTokenPasswordArgs";

const DAY_MS = 86_400_000;

describe("RotatingTokenPassword schedule rules: checkRotationArgs", () => {
  const messages = (args: Parameters<typeof checkRotationArgs>[0]) => checkRotationArgs(args).problems.map((p) => `${p.propertyPath}: ${p.message}`);

  it("turns rotationPeriodDays into a period with one day of grace, and the lifetime form into (lifetime - window) / 2", () => {
    assert.deepEqual(checkRotationArgs({ rotationPeriodDays: 30 }).plan, { periodMs: 30 * DAY_MS, graceMs: DAY_MS });
    assert.deepEqual(checkRotationArgs({ expiresInDays: 90, rotateBeforeExpiryDays: 14 }).plan, { periodMs: 38 * DAY_MS, graceMs: 14 * DAY_MS });
  });

  it("refuses a missing, mixed, partial or impossible schedule with the fix", () => {
    assert.deepEqual(messages({}), [
      "rotationPeriodDays: no schedule given. Set rotationPeriodDays (e.g. 30), or expiresInDays and rotateBeforeExpiryDays (e.g. 90 and 14).",
    ]);
    assert.deepEqual(messages({ rotationPeriodDays: 30, expiresInDays: 90 }), [
      "rotationPeriodDays: rotationPeriodDays and expiresInDays/rotateBeforeExpiryDays are mutually exclusive. Give rotationPeriodDays alone, or both expiresInDays and rotateBeforeExpiryDays.",
    ]);
    assert.deepEqual(messages({ expiresInDays: 90 }), [
      "rotateBeforeExpiryDays: rotateBeforeExpiryDays is missing: expiresInDays and rotateBeforeExpiryDays go together (e.g. 90 and 14).",
    ]);
    // Upper bound: a huge period would surface as an expiry nobody set, or "Invalid time value".
    for (const huge of [36_501, 1e9, Number.MAX_SAFE_INTEGER]) {
      assert.match(messages({ rotationPeriodDays: huge })[0] ?? "", /^rotationPeriodDays: rotationPeriodDays is \d+; use a whole number of days from 1 to 36500/);
      assert.match(messages({ expiresInDays: huge, rotateBeforeExpiryDays: 14 })[0] ?? "", /^expiresInDays: expiresInDays is \d+; use a whole number of days from 3 to 36500/);
    }
    assert.ok(checkRotationArgs({ rotationPeriodDays: 36_500 }).plan, "the bound itself is accepted");
    assert.deepEqual(messages({ rotationPeriodDays: 0.5 }), ["rotationPeriodDays: rotationPeriodDays is 0.5; use a whole number of days from 1 to 36500 (100 years): the schedule's expiries must stay real dates ARM accepts."]);
    assert.deepEqual(messages({ expiresInDays: 15, rotateBeforeExpiryDays: 14 }), [
      "rotateBeforeExpiryDays: rotateBeforeExpiryDays 14 leaves less than 2 days of expiresInDays 15 before the window; the two slots need at least a day each. Use a smaller window or a longer lifetime.",
    ]);
    assert.deepEqual(messages({ expiresInDays: -1, rotateBeforeExpiryDays: 0 }), [
      "expiresInDays: expiresInDays is -1; use a whole number of days from 3 to 36500 (100 years): the schedule's expiries must stay real dates ARM accepts.",
      "rotateBeforeExpiryDays: rotateBeforeExpiryDays is 0; use a whole number of days from 1 to 36500 (100 years): the schedule's expiries must stay real dates ARM accepts.",
    ]);
  });
});
