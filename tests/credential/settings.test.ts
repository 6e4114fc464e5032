import * as assert from "node:assert/strict";
import { CredentialSettingsErrorName } from "../../components/credential";
import { parseDuration, readSetting } from "../../components/credential/settings";
import { config } from "./fixtures";

const setting = (value: string) => ({ value, source: "ACR_TOKENS_ACCESS_TOKEN_MIN_VALIDITY", name: "ACR_TOKENS_ACCESS_TOKEN_MIN_VALIDITY" });

describe("credential: settings", () => {
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
});
