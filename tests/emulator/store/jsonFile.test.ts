import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator } from "acr-tokens/emulator";
import { JsonFileStore } from "../../../emulator/store";
import { armClient, FAST_LRO } from "../../helpers/emulator";

describe("emulator state persistence (statePath / --state)", () => {
  let dir = "";
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "acr-tokens-state-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps groups, registries, scope maps and tokens (with password metadata, never values) across a restart", async () => {
    const statePath = join(dir, "state.json");
    const seed = { resourceGroups: [{ name: "persist-rg" }], registries: [{ resourceGroup: "persist-rg", name: "persistreg" }] };
    const first = await startEmulator({ statePath, seed });
    let values: string[] = [];
    try {
      const client = armClient(first);
      const map = await client.scopeMaps.create("persist-rg", "persistreg", "kept-map", { actions: ["repositories/a/content/read"] }, FAST_LRO);
      const token = await client.tokens.create("persist-rg", "persistreg", "kept-token", { scopeMapId: map.id }, FAST_LRO);
      const gen = await client.registries.generateCredentials("persist-rg", "persistreg", { tokenId: token.id }, FAST_LRO);
      values = (gen.passwords ?? []).map((p) => p.value ?? "");
    } finally {
      await first.close();
    }
    const file = readFileSync(statePath, "utf8");
    assert.equal((JSON.parse(file) as { version: number }).version, 1);
    for (const v of values) assert.ok(v.length === 52 && !file.includes(v), "password values are never persisted");

    const second = await startEmulator({ statePath, seed });
    try {
      const client = armClient(second);
      const token = await client.tokens.get("persist-rg", "persistreg", "kept-token");
      assert.deepEqual((token.credentials?.passwords ?? []).map((p) => p.name), ["password1", "password2"]);
      const maps: string[] = [];
      for await (const m of client.scopeMaps.list("persist-rg", "persistreg")) maps.push(m.name ?? "");
      assert.deepEqual(maps.sort(), ["_repositories_admin", "_repositories_pull", "_repositories_push", "kept-map"], "the seed did not duplicate built-ins");
      await client.tokens.delete("persist-rg", "persistreg", "kept-token", FAST_LRO);
    } finally {
      await second.close();
    }
    assert.ok(!readFileSync(statePath, "utf8").includes("kept-token"), "the deletion was written too");
  });

  it("writes atomically (no temporary file left) and refuses a corrupt or foreign state file with a clear error", () => {
    const path = join(dir, "atomic.json");
    const store = new JsonFileStore(path);
    store.subscriptions.put("/subscriptions/s1", { subscriptionId: "s1", tenantId: "t", displayName: "d" });
    store.flush();
    assert.equal((JSON.parse(readFileSync(path, "utf8")) as { subscriptions: unknown[] }).subscriptions.length, 1);
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith(".tmp")), [], "the temporary file was renamed over the target");
    const bad = join(dir, "bad.json");
    writeFileSync(bad, "{not json");
    assert.throws(() => new JsonFileStore(bad), /state file '.*bad\.json' is not valid JSON.*Delete it/);
    const foreign = join(dir, "foreign.json");
    writeFileSync(foreign, JSON.stringify({ hello: "world" }));
    assert.throws(() => new JsonFileStore(foreign), /is not an acr-tokens emulator state \(version 1\)/);
  });
});
