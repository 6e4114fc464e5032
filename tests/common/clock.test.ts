import * as assert from "node:assert/strict";
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManualClock } from "acr-tokens-emulator";
import { CredentialSettingsErrorName } from "../../components/common/errors";
import { currentTime } from "../../components/common/clock";

describe("common/clock: currentTime", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "acr-tokens-clock-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("prefers an injected now", () => {
    const at = new Date("2030-01-01T00:00:00Z");
    assert.equal(currentTime({ now: () => at, env: { ACR_TOKENS_CLOCK_FILE: join(dir, "none") } }), at);
  });

  it("follows the emulator's ManualClock through ACR_TOKENS_CLOCK_FILE, including moves", () => {
    const file = join(dir, "clock");
    const clock = new ManualClock({ start: "2031-05-01T10:00:00Z", mirrorFile: file });
    const env = { ACR_TOKENS_CLOCK_FILE: file };
    const drift = (): number => Math.abs(currentTime({ env }).getTime() - clock.now().getTime());
    assert.ok(drift() < 1000, "not at the emulator's time");
    clock.advance({ hours: 2 });
    assert.ok(drift() < 1000, "did not follow the clock's move");
  });

  it("adds the real time elapsed since the file was written (the ManualClock keeps running)", () => {
    const file = join(dir, "written-earlier");
    writeFileSync(file, "2031-05-01T10:00:00.000Z");
    const tenMinutesAgo = new Date(Date.now() - 600_000);
    utimesSync(file, tenMinutesAgo, tenMinutesAgo);
    const t = currentTime({ env: { ACR_TOKENS_CLOCK_FILE: file } }).getTime();
    const expected = Date.parse("2031-05-01T10:10:00.000Z");
    assert.ok(t >= expected && t < expected + 5000, `got ${new Date(t).toISOString()}`);
  });

  it("refuses a missing file or a file without a time, naming the variable", () => {
    const missing = join(dir, "missing");
    assert.throws(
      () => currentTime({ env: { ACR_TOKENS_CLOCK_FILE: missing } }),
      (err: Error) => err.name === CredentialSettingsErrorName && err.message.startsWith(`ACR_TOKENS_CLOCK_FILE names a file that cannot be read ("${missing}": ENOENT).`),
    );
    const garbage = join(dir, "garbage");
    writeFileSync(garbage, "yesterday");
    assert.throws(
      () => currentTime({ env: { ACR_TOKENS_CLOCK_FILE: garbage } }),
      (err: Error) => err.name === CredentialSettingsErrorName && err.message.startsWith(`ACR_TOKENS_CLOCK_FILE ("${garbage}") does not hold an ISO 8601 time.`),
    );
  });

  it("without a clock file is the system clock", () => {
    const before = Date.now();
    const t = currentTime({ env: {} }).getTime();
    assert.ok(t >= before && t <= Date.now());
  });
});
