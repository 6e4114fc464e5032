import assert from "node:assert/strict";
import { ManualClock } from "acr-tokens-emulator";
import { OperationTracker } from "../../emulator/operations";

describe("emulator LRO tracker", () => {
  const clock = new ManualClock({ start: "2030-01-01T00:00:00Z", frozen: true });

  it("reports the in-progress status for the configured polls, then applies and reports the outcome once", () => {
    const tracker = new OperationTracker(clock);
    const finished: string[] = [];
    const op = tracker.start({ prefix: "token", resourceId: "/r/tokens/t1", inProgress: "Creating", polls: 2, failed: false, finish: (o) => finished.push(o) });
    assert.match(op.id, /^token-[0-9a-f-]{36}$/);
    assert.equal(op.startTime.toISOString(), "2030-01-01T00:00:00.000Z");
    assert.deepEqual([tracker.poll(op), tracker.poll(op), tracker.poll(op), tracker.poll(op)], ["Creating", "Creating", "Succeeded", "Succeeded"]);
    assert.deepEqual(finished, ["Succeeded"]);
    assert.equal(tracker.get(op.id.toUpperCase()), op, "ids compare case-insensitively");
  });

  it("completes pending operations of exactly the resource that is touched (settle)", () => {
    const tracker = new OperationTracker(clock);
    const finished: string[] = [];
    const a = tracker.start({ prefix: "token", resourceId: "/r/tokens/a", inProgress: "Updating", polls: 5, failed: true, finish: (o) => finished.push(`a:${o}`) });
    tracker.start({ prefix: "token", resourceId: "/r/tokens/ab", inProgress: "Updating", polls: 5, failed: false, finish: (o) => finished.push(`ab:${o}`) });
    tracker.settle("/R/TOKENS/A");
    assert.deepEqual(finished, ["a:Failed"]);
    assert.equal(tracker.poll(a), "Failed");
  });

  it("forgets the oldest operations beyond its limit, completing a pending one first so its outcome still applies", () => {
    const tracker = new OperationTracker(clock, 2);
    const finished: string[] = [];
    const start = (name: string, done: boolean) => {
      const op = tracker.start({ prefix: "token", resourceId: `/r/${name}`, inProgress: "Creating", polls: done ? 0 : 9, failed: false, finish: (o) => finished.push(`${name}:${o}`) });
      if (done) tracker.poll(op);
      return op;
    };
    const pending = start("pending", false);
    const done = start("done", true);
    assert.deepEqual(finished, ["done:Succeeded"]);
    const newer = start("newer", false);
    assert.equal(tracker.get(pending.id), undefined, "the oldest went");
    assert.deepEqual(finished, ["done:Succeeded", "pending:Succeeded"], "it was completed before it was forgotten (never stuck Creating)");
    assert.equal(tracker.get(done.id), done);
    assert.equal(tracker.get(newer.id), newer);
    tracker.settle("/r/newer");
    assert.deepEqual(finished.at(-1), "newer:Succeeded", "settle finds a pending operation by its resource");
  });
});
