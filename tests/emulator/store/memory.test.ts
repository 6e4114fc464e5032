import assert from "node:assert/strict";
import { MemoryStore } from "../../../emulator/store";
import type { ResourceGroupRecord } from "../../../emulator/store";

describe("emulator in-memory store", () => {
  const rg = (name: string): ResourceGroupRecord => ({ subscriptionId: "s1", name, location: "eastus", tags: {} });

  it("keys records by id case-insensitively and lists by parent prefix on segment boundaries", () => {
    const store = new MemoryStore();
    store.resourceGroups.put("/subscriptions/s1/resourceGroups/App", rg("App"));
    store.resourceGroups.put("/subscriptions/s1/resourceGroups/App2", rg("App2"));
    store.resourceGroups.put("/subscriptions/s10/resourceGroups/Other", { ...rg("Other"), subscriptionId: "s10" });
    assert.equal(store.resourceGroups.get("/SUBSCRIPTIONS/s1/resourcegroups/app")?.name, "App");
    assert.deepEqual(store.resourceGroups.list("/subscriptions/S1").map((g) => g.name), ["App", "App2"], "s10 is not under s1");
    assert.equal(store.resourceGroups.delete("/subscriptions/s1/resourceGroups/APP"), true);
    assert.equal(store.resourceGroups.delete("/subscriptions/s1/resourceGroups/APP"), false);
  });

  it("copies records in and out, so callers cannot change stored state by mutation", () => {
    const store = new MemoryStore();
    const g = rg("Copy");
    store.resourceGroups.put("/subscriptions/s1/resourceGroups/Copy", g);
    g.tags.changed = "yes";
    const read = store.resourceGroups.get("/subscriptions/s1/resourceGroups/Copy");
    assert.deepEqual(read?.tags, {});
    if (read) read.location = "mars";
    assert.equal(store.resourceGroups.get("/subscriptions/s1/resourceGroups/Copy")?.location, "eastus");
  });

  it("snapshots and loads every kind of record", () => {
    const a = new MemoryStore();
    a.subscriptions.put("/subscriptions/s1", { subscriptionId: "s1", tenantId: "t1", displayName: "d" });
    a.resourceGroups.put("/subscriptions/s1/resourceGroups/g", rg("g"));
    const b = new MemoryStore();
    b.load(a.snapshot());
    assert.deepEqual(b.snapshot(), a.snapshot());
  });
});
