import * as assert from "node:assert/strict";
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManualClock } from "acr-tokens-emulator";
import { CredentialSettingsErrorName, currentTime } from "../../components/credential";
import { parseDuration, readSetting } from "../../components/credential/settings";
import { config } from "./fixtures";

const setting = (value: string) => ({ value, source: "ACR_TOKENS_ACCESS_TOKEN_MIN_VALIDITY", name: "ACR_TOKENS_ACCESS_TOKEN_MIN_VALIDITY" });

describe("credential: settings and time", () => {
  describe("readSetting", () => {
    it("config, then each environment variable in order; blank is unset; values are trimmed", () => {
      const env = { A: " a ", B: "b" };
      assert.deepEqual(readSetting({ env, config: config({ "acr-tokens:x": " c " }) }, "x", ["A", "B"]), {
        value: "c",
        source: "stack config acr-tokens:x",
        name: "acr-tokens:x",
      });
      assert.deepEqual(readSetting({ env, config: config({ "acr-tokens:x": "" }) }, "x", ["A", "B"]), { value: "a", source: "A", name: "A" });
      assert.deepEqual(readSetting({ env: { A: "  ", B: "b" } }, "x", ["A", "B"]), { value: "b", source: "B", name: "B" });
      assert.equal(readSetting({ env: {} }, "x", ["A"]), undefined);
    });
  });

  describe("parseDuration", () => {
    const ok: Array<[string, number]> = [
      ["300", 300_000],
      ["0", 0],
      ["10m", 600_000],
      ["90s", 90_000],
      ["1h30m", 5_400_000],
      ["1H", 3_600_000],
    ];
    for (const [text, ms] of ok) it(`"${text}" → ${ms} ms`, () => assert.equal(parseDuration(setting(text)), ms));

    for (const text of ["", "-5", "5 min", "1.5m", "m", "10ms", "1d"]) {
      it(`refuses "${text}" with the accepted forms`, () => {
        assert.throws(
          () => parseDuration(setting(text)),
          (err: Error) =>
            err.name === CredentialSettingsErrorName &&
            err.message ===
              `ACR_TOKENS_ACCESS_TOKEN_MIN_VALIDITY is not a duration: "${text}". Give whole seconds (300) or hours/minutes/seconds such as 10m, 1h30m or 90s.`,
        );
      });
    }
  });

  describe("currentTime", () => {
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
});
