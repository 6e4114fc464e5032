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

  it("forgets the oldest finished operations beyond its limit, never a pending one", () => {
    const tracker = new OperationTracker(clock, 2);
    const start = (done: boolean) => {
      const op = tracker.start({ prefix: "token", resourceId: "/r", inProgress: "Creating", polls: done ? 0 : 9, failed: false, finish: () => undefined });
      if (done) tracker.poll(op);
      return op;
    };
    const pending = start(false);
    const old = start(true);
    const newer = start(true);
    assert.equal(tracker.get(old.id), undefined, "the oldest finished one went");
    assert.equal(tracker.get(pending.id), pending, "pending operations stay");
    assert.equal(tracker.get(newer.id), newer);
  });
});
