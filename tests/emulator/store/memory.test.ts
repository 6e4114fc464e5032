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

  it("pages the direct children of a parent by cursor, in insertion order, across deletes, re-creations and compaction", () => {
    const store = new MemoryStore();
    const reg = "/subscriptions/s1/resourceGroups/g/providers/Microsoft.ContainerRegistry/registries/r";
    const other = "/subscriptions/s1/resourceGroups/g/providers/Microsoft.ContainerRegistry/registries/other";
    const put = (parent: string, name: string) => store.resourceGroups.put(`${parent}/tokens/${name}`, rg(name));
    for (let i = 0; i < 300; i++) put(reg, `t${i}`);
    put(other, "elsewhere");
    const all = (limit: number): string[] => {
      const names: string[] = [];
      let cursor = 0;
      for (;;) {
        const p = store.resourceGroups.page(reg.toUpperCase(), cursor, limit);
        names.push(...p.items.map((x) => x.name));
        if (p.next === undefined) return names;
        assert.equal(p.items.length, limit, "only the last page is short");
        cursor = p.next;
      }
    };
    assert.deepEqual(all(100), Array.from({ length: 300 }, (_, i) => `t${i}`));
    // Deleting most children (compaction) and re-creating one: it moves to the end.
    for (let i = 0; i < 250; i++) store.resourceGroups.delete(`${reg}/tokens/t${i}`);
    put(reg, "t3");
    assert.deepEqual(all(7), [...Array.from({ length: 50 }, (_, i) => `t${250 + i}`), "t3"]);
    // A page taken before deletes continues correctly from its cursor.
    const first = store.resourceGroups.page(reg, 0, 10);
    store.resourceGroups.delete(`${reg}/tokens/t260`);
    const second = store.resourceGroups.page(reg, first.next ?? -1, 10);
    assert.deepEqual(second.items.map((x) => x.name), ["t261", "t262", "t263", "t264", "t265", "t266", "t267", "t268", "t269", "t270"]);
    assert.deepEqual(store.resourceGroups.page(`${reg}/tokens/t3`, 0, 10), { items: [] }, "a parent without children");
    // Replacing a record keeps its place.
    store.resourceGroups.put(`${reg}/tokens/t251`, { ...rg("t251"), location: "westus" });
    assert.equal(store.resourceGroups.page(reg, 0, 2).items[1]?.location, "westus");
  });
});

