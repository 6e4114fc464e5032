import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_LRO_IN_PROGRESS_POLLS, startEmulator } from "acr-tokens-emulator";
import { loadRecordings, planReplay, recordedInProgressPolls, REPO_ROOT } from "../../testing/recordings";
import { FAST_LRO, armClient } from "../../testing/emulator";

/**
 * The emulator's default LRO pacing is counted from the recorded traffic (../shared/acr/recordings,
 * read in place): for every recorded PUT/PATCH that answered `Azure-AsyncOperation`, how many
 * in-progress answers its status URL gave before the outcome. The default must be the most common
 * count, and emulator/README.md must state the figure this test counts.
 */
describe("default LRO pacing, counted from the recordings", () => {
  const histogram = new Map<number, number>();
  let operations = 0;
  before(() => {
    for (const recording of loadRecordings()) {
      const plan = planReplay(recording);
      for (const step of plan.steps) {
        if ((step.method !== "PUT" && step.method !== "PATCH") || !step.responseHeaders["azure-asyncoperation"]) continue;
        const polls = recordedInProgressPolls(plan, step);
        if (polls === undefined) continue;
        operations++;
        histogram.set(polls, (histogram.get(polls) ?? 0) + 1);
      }
    }
  });

  it("is the most common recorded number of in-progress polls", () => {
    assert.ok(operations > 0, "no recorded PUT/PATCH long-running operation was found");
    const [mode] = [...histogram].sort((a, b) => b[1] - a[1])[0]!;
    assert.equal(DEFAULT_LRO_IN_PROGRESS_POLLS, mode, `recorded in-progress polls per operation: ${JSON.stringify(Object.fromEntries(histogram))}`);
  });

  it("is the figure emulator/README.md states", () => {
    const readme = readFileSync(join(REPO_ROOT, "emulator", "README.md"), "utf8");
    const atFirstPoll = histogram.get(0) ?? 0;
    const sentence = `${atFirstPoll} of the ${operations} recorded PUT/PATCH operations`;
    assert.ok(readme.includes(sentence), `emulator/README.md should say "${sentence}" (counted from ../shared/acr/recordings)`);
  });

  it("lets a client's first status poll see Succeeded without any option", async () => {
    const emu = await startEmulator({ seed: { resourceGroups: [{ name: "rg" }], registries: [{ resourceGroup: "rg", name: "pacingreg" }] } });
    try {
      const client = armClient(emu);
      const scopeMapId = `/subscriptions/${emu.subscriptionId}/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/pacingreg/scopeMaps/_repositories_pull`;
      const mark = emu.requests.length;
      await client.tokens.create("rg", "pacingreg", "pacing-token", { scopeMapId }, FAST_LRO);
      const ops = emu.requests.slice(mark).map((r) => `${r.operation}:${r.status}`);
      assert.deepEqual(ops, ["tokens.create:201", "operations.status:200", "tokens.get:200"]);
    } finally {
      await emu.close();
    }
  });
});
