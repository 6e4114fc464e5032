import * as assert from "node:assert/strict";
import { abbaRatio, formatMarkdown, formatNumber, formatTable, pairedRatios, passes, percentile, rowCells, summarize, toJson, type Figure } from "../../bench/stats";

const figure = (over: Partial<Figure> = {}): Figure => ({
  key: "speedupVsAzCli",
  label: "speed-up vs az CLI",
  unit: "×",
  summary: summarize([60, 40, 55]),
  target: { op: ">=", value: 50 },
  meaning: "how much sooner a deployment finishes",
  ...over,
});

describe("bench statistics", () => {
  it("summarises runs: median of an odd and an even count, min, max, runs in measured order", () => {
    assert.deepEqual(summarize([3, 1, 2]), { median: 2, min: 1, max: 3, runs: [3, 1, 2] });
    assert.deepEqual(summarize([4, 1, 3, 2]), { median: 2.5, min: 1, max: 4, runs: [4, 1, 3, 2] });
    assert.equal(summarize([7]).median, 7);
  });

  it("refuses no runs and non-finite runs", () => {
    assert.throws(() => summarize([]), /no runs/);
    assert.throws(() => summarize([1, Number.NaN]), /NaN is not a finite number/);
    assert.throws(() => summarize([Infinity]), /Infinity is not a finite number/);
  });

  it("percentile uses the nearest rank", () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted on purpose
    assert.equal(percentile(samples, 99), 99);
    assert.equal(percentile(samples, 100), 100);
    assert.equal(percentile(samples, 50), 50);
    assert.equal(percentile([5, 1], 99), 5);
    assert.throws(() => percentile([], 99), /no samples/);
    assert.throws(() => percentile([1], 0), /p must be in/);
  });

  it("pairs ratios run by run and refuses unpaired or zero denominators", () => {
    assert.deepEqual(pairedRatios([10, 30], [2, 5]), [5, 6]);
    assert.throws(() => pairedRatios([1, 2], [1]), /2 numerators but 1 denominators/);
    assert.throws(() => pairedRatios([1], [0]), /run 0 has a zero denominator/);
  });

  it("judges the median against each kind of target", () => {
    const s = summarize([1, 2, 3]);
    assert.equal(passes(s, { op: "<=", value: 2 }), true);
    assert.equal(passes(s, { op: "<", value: 2 }), false);
    assert.equal(passes(s, { op: ">=", value: 2.5 }), false);
    assert.equal(passes(s, { op: "==", value: 2 }), true);
    assert.equal(passes(s, undefined), undefined);
    assert.equal(passes(null, { op: "==", value: 0 }), undefined);
  });

  it("formats numbers with three significant digits and keeps small integers exact", () => {
    assert.equal(formatNumber(5), "5");
    assert.equal(formatNumber(1.23456), "1.23");
    assert.equal(formatNumber(0.012345), "0.0123");
    assert.equal(formatNumber(123.456), "123");
    assert.equal(formatNumber(4567.8), "4568");
    assert.equal(formatNumber(0), "0");
  });

  it("a row shows median, min, max, the target and pass or FAIL", () => {
    assert.deepEqual(rowCells(figure()), ["speed-up vs az CLI", "55×", "40×", "60×", "≥ 50×", "pass", "how much sooner a deployment finishes"]);
    assert.equal(rowCells(figure({ summary: summarize([10]) }))[5], "FAIL");
    assert.equal(rowCells(figure({ target: undefined }))[5], "info");
  });

  it("ARM call rows compare with the physical minimum", () => {
    const calls = figure({ key: "armCallsPerDelete", unit: "calls", target: undefined, minimum: { key: "minimumArmCallsPerDelete", value: 2 } });
    assert.deepEqual(rowCells({ ...calls, summary: summarize([5]) }).slice(1, 6), ["5 calls", "5 calls", "5 calls", "min 2 calls", "above min"]);
    assert.equal(rowCells({ ...calls, summary: summarize([2]) })[5], "at min");
  });

  it("an ARM call row with a target as well shows both and is judged by the target", () => {
    const calls = figure({ key: "armCallsPerDelete", unit: "calls", target: { op: "<=", value: 4 }, minimum: { key: "minimumArmCallsPerDelete", value: 2 } });
    assert.deepEqual(rowCells({ ...calls, summary: summarize([4]) }).slice(4, 6), ["≤ 4 calls (min 2 calls)", "pass"]);
    assert.equal(rowCells({ ...calls, summary: summarize([5]) })[5], "FAIL");
  });

  it("a figure that could not be measured shows n/a and its reason", () => {
    const row = rowCells(figure({ summary: null, reason: "az is not on PATH" }));
    assert.deepEqual(row.slice(1, 6), ["—", "—", "—", "≥ 50×", "n/a"]);
    assert.match(row[6]!, /\(not measured: az is not on PATH\)$/);
  });

  it("the text table aligns columns under a header and a rule", () => {
    const lines = formatTable([figure(), figure({ label: "x", summary: summarize([1234.5]) })]).split("\n");
    assert.equal(lines.length, 4);
    assert.match(lines[0]!, /^figure\s+median\s+min\s+max\s+target\s+result\s+what it means for a user$/);
    assert.match(lines[1]!, /^-+( +-+){6}$/);
    const col = lines[0]!.indexOf("median");
    assert.equal(lines[2]!.slice(col).split(" ")[0], "55×");
    assert.equal(lines[3]!.slice(col).split(" ")[0], "1235×");
  });

  it("the markdown table has a separator row and escapes pipes", () => {
    const md = formatMarkdown([figure({ meaning: "a | b" })]).split("\n");
    assert.equal(md[1], "| --- | --- | --- | --- | --- | --- | --- |");
    assert.match(md[2]!, /a \\\| b \|$/);
  });

  it("the JSON object has each median under its key, runs, minimums, targets, verdicts and extra fields", () => {
    const json = toJson(
      [figure(), figure({ key: "armCallsPerRead", unit: "calls", summary: summarize([1]), target: undefined, minimum: { key: "minimumArmCallsPerRead", value: 1 } }), figure({ key: "azCli100Seconds", summary: null, reason: "no az" })],
      { date: "2026-11-23T00:00:00.000Z" },
    );
    assert.equal(json["date"], "2026-11-23T00:00:00.000Z");
    assert.equal(json["speedupVsAzCli"], 55);
    assert.deepEqual(json["speedupVsAzCliRuns"], { median: 55, min: 40, max: 60, runs: [60, 40, 55], unit: "×" });
    assert.equal(json["speedupVsAzCliTarget"], ">= 50");
    assert.equal(json["speedupVsAzCliPass"], true);
    assert.equal(json["armCallsPerRead"], 1);
    assert.equal(json["minimumArmCallsPerRead"], 1);
    assert.equal(json["azCli100Seconds"], null);
    assert.deepEqual(json["azCli100SecondsRuns"], { reason: "no az", unit: "×" });
  });
  it("takes an ABBA ratio as A's sum over B's, so a steady drift of load cancels, and refuses non-positive timings", () => {
    assert.equal(abbaRatio(1.1, 1, 1, 1.1), 1.1);
    // Load rising linearly through the run (each timing 0.25 s longer than the one before): still 1.
    assert.equal(abbaRatio(1, 1.25, 1.5, 1.75), 1);
    assert.throws(() => abbaRatio(1, 0, 1, 1), /timing 0 is not a positive number/);
    assert.throws(() => abbaRatio(1, 1, Number.NaN, 1), /timing NaN/);
  });
});
