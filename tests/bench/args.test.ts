import * as assert from "node:assert/strict";
import { describeOnly, parseArgs, runs, type Flags } from "../../bench/args";

const flagsOf = (argv: string[]): Flags => {
  const parsed = parseArgs(argv);
  if (!("flags" in parsed)) throw new Error(`expected flags for ${argv.join(" ")}, got ${JSON.stringify(parsed)}`);
  return parsed.flags;
};

describe("bench arguments", () => {
  it("defaults to the whole bench on the compiled package, as a table", () => {
    assert.deepEqual(flagsOf([]), { json: false, quick: false, only: undefined, host: "compiled" });
  });

  it("reads --json, --quick and --host", () => {
    assert.deepEqual(flagsOf(["--json", "--quick", "--host", "source"]), { json: true, quick: true, only: undefined, host: "source" });
  });

  it("--only takes each group, a comma-separated list, and repeats", () => {
    for (const g of ["calls", "lifecycle", "floor", "engine"] as const) assert.deepEqual([...flagsOf(["--only", g]).only!], [g]);
    assert.deepEqual([...flagsOf(["--only", "floor,engine"]).only!], ["floor", "engine"]);
    assert.deepEqual([...flagsOf(["--only", "floor", "--only", "calls"]).only!], ["floor", "calls"]);
  });

  it("refuses an unknown group, a missing value, a bad --host and unknown options, naming what is accepted", () => {
    const error = (argv: string[]) => {
      const parsed = parseArgs(argv);
      assert.ok("error" in parsed, `expected an error for ${argv.join(" ")}`);
      return parsed.error;
    };
    assert.match(error(["--only", "azure"]), /--only takes one or more of "calls", "lifecycle", "floor", "engine".*got "azure"/);
    assert.match(error(["--only", "floor,"]), /got "floor,"/);
    assert.match(error(["--only"]), /got ""/);
    assert.match(error(["--host", "ts"]), /--host takes "compiled" or "source", got "ts"/);
    assert.match(error(["--fast"]), /unknown option "--fast"/);
    assert.deepEqual(parseArgs(["--help"]), { help: true });
  });

  it("runs every part without --only; with it, the groups named (lifecycle includes the call counts), never the full-only parts", () => {
    const all = flagsOf([]);
    for (const part of ["calls", "lifecycle", "floor", "engine", "full"] as const) assert.equal(runs(all, part), true, part);
    const lifecycle = flagsOf(["--only", "lifecycle"]);
    assert.deepEqual(
      (["calls", "lifecycle", "floor", "engine", "full"] as const).filter((p) => runs(lifecycle, p)),
      ["calls", "lifecycle"],
    );
    const floor = flagsOf(["--only", "floor"]);
    assert.deepEqual((["calls", "lifecycle", "floor", "engine", "full"] as const).filter((p) => runs(floor, p)), ["floor"]);
    const engineAndCalls = flagsOf(["--only", "engine,calls"]);
    assert.deepEqual((["calls", "lifecycle", "floor", "engine", "full"] as const).filter((p) => runs(engineAndCalls, p)), ["calls", "engine"]);
    assert.equal(describeOnly(all), "");
    assert.equal(describeOnly(engineAndCalls), "engine, calls only");
  });
});
