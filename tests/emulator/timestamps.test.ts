import assert from "node:assert/strict";
import { formatTicks, parseDateTime, ticksFromClock } from "../../emulator/timestamps";

describe("emulator timestamps (.NET round-trip forms as recorded)", () => {
  it("formats clock readings with seven fractional digits and +00:00, or Z", () => {
    const t = ticksFromClock(new Date("2023-02-07T15:54:06.918Z"));
    assert.match(formatTicks(t), /^2023-02-07T15:54:06\.918\d{3}[1-9]\+00:00$/);
    assert.match(formatTicks(t, "Z"), /^2023-02-07T15:54:06\.918\d{4}Z$/);
  });

  it("parses client date-times keeping up to seven digits and trims trailing zeros when formatting", () => {
    assert.equal(formatTicks(parseDateTime("2100-12-31T12:59:59.000Z")!), "2100-12-31T12:59:59+00:00");
    assert.equal(formatTicks(parseDateTime("2023-02-08T15:55:24.300813Z")!), "2023-02-08T15:55:24.300813+00:00");
    assert.equal(formatTicks(parseDateTime("2023-02-08T15:55:24.12345678Z")!), "2023-02-08T15:55:24.1234567+00:00");
    assert.equal(formatTicks(parseDateTime("2030-01-01T02:00:00+02:00")!), "2030-01-01T00:00:00+00:00");
    assert.equal(parseDateTime("2030-01-01T00:00:00.250Z")?.ms, Date.UTC(2030, 0, 1, 0, 0, 0, 250));
  });

  it("rejects strings that are not RFC 3339 date-times", () => {
    for (const s of ["2030-01-01", "tomorrow", "2030-01-01 00:00:00Z", "2030-13-01T00:00:00Z", "2030-01-01T00:00:00"]) {
      assert.equal(parseDateTime(s), undefined, s);
    }
  });
});
