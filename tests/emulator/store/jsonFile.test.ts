import assert from "node:assert/strict";
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator } from "acr-tokens-emulator";
import { JsonFileStore } from "../../../emulator/store";
import { armClient, FAST_LRO, rawRequest } from "../../../testing/emulator";

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

  it("keeps the token-signing key: a token issued before a restart is accepted after it, one from another state file is not", async () => {
    const statePath = join(dir, "keys.json");
    const first = await startEmulator({ statePath });
    const before = first.issueToken({ expiresInSeconds: 3600 });
    const header = first.identity.managedIdentityHeader;
    const at = first.clock.now();
    await first.close();
    assert.equal(statSync(statePath).mode & 0o777, 0o600, "the state file holding the key is private to its owner");

    const second = await startEmulator({ statePath, startTime: at });
    const other = await startEmulator({ statePath: join(dir, "other.json"), startTime: at });
    try {
      const path = `/subscriptions/${second.subscriptionId}/resourcegroups?api-version=2022-09-01`;
      assert.equal((await rawRequest(second, "GET", path, { token: before })).status, 200, "the restarted emulator accepts the earlier token");
      assert.equal(second.identity.managedIdentityHeader, header, "the managed-identity header survives too");
      const refused = await rawRequest(other, "GET", path, { token: before });
      assert.equal(refused.status, 401, "another emulator's key does not verify it");
      assert.match(refused.text, /InvalidAuthenticationTokenSignature|signature/i);
    } finally {
      await second.close();
      await other.close();
    }
  });

  it("writes atomically (no temporary file left) and refuses a corrupt or foreign state file with a clear error", () => {
    const path = join(dir, "atomic.json");
    const store = new JsonFileStore(path);
    store.subscriptions.put("/subscriptions/s1", { subscriptionId: "s1", tenantId: "t", displayName: "d" });
    store.compact();
    assert.equal((JSON.parse(readFileSync(path, "utf8")) as { subscriptions: unknown[] }).subscriptions.length, 1);
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith(".tmp")), [], "the temporary file was renamed over the target");
    const bad = join(dir, "bad.json");
    writeFileSync(bad, "{not json");
    assert.throws(() => new JsonFileStore(bad), /state file '.*bad\.json' is not valid JSON.*Delete it/);
    // A corrupt file holding a key: the error names what is wrong without repeating the file's text.
    writeFileSync(bad, "signingKeyPem-0123456789abcdef");
    assert.throws(
      () => new JsonFileStore(bad),
      (e: Error) => /is not valid JSON/.test(e.message) && !e.message.includes("0123456789abcdef"),
      "the error repeats the state file's text",
    );
    const foreign = join(dir, "foreign.json");
    writeFileSync(foreign, JSON.stringify({ hello: "world" }));
    assert.throws(() => new JsonFileStore(foreign), /is not an acr-tokens emulator state \(version 1\)/);
    const badKey = join(dir, "bad-key.json");
    writeFileSync(badKey, JSON.stringify({ ...JSON.parse(readFileSync(path, "utf8")), identity: { signingKeyPem: "not a key", managedIdentityHeader: "0123456789abcdef" } }));
    return assert.rejects(startEmulator({ statePath: badKey }), /bad-key\.json.*token-signing key is not a PEM private key.*Delete the file/);
  });

  it("appends each change to a journal instead of rewriting the file, and a crash loses nothing written (a torn last line only)", () => {
    const path = join(dir, "journal.json");
    const store = new JsonFileStore(path);
    const reg = "/subscriptions/s1/resourceGroups/g/providers/Microsoft.ContainerRegistry/registries/r";
    const token = (name: string) => ({
      registryId: reg,
      name,
      scopeMapId: `${reg}/scopeMaps/_repositories_pull`,
      status: "enabled" as const,
      creationDate: "2030-01-01T00:00:00.0000000+00:00",
      provisioningState: "Succeeded" as const,
      passwords: [],
      systemData: { createdBy: "t", createdByType: "User" as const, createdAt: "x", lastModifiedBy: "t", lastModifiedByType: "User" as const, lastModifiedAt: "x" },
    });
    for (let i = 0; i < 2000; i++) store.tokens.put(`${reg}/tokens/t${i}`, token(`t${i}`));
    store.compact();
    const snapshotSize = statSync(path).size;
    const before = { ...store.writes };
    store.tokens.put(`${reg}/tokens/t-new`, token("t-new"));
    store.tokens.delete(`${reg}/tokens/t0`);
    store.flush();
    assert.equal(store.writes.snapshots, before.snapshots, "the snapshot was not rewritten for a change");
    assert.equal(statSync(path).size, snapshotSize);
    const appended = store.writes.journalBytes - before.journalBytes;
    assert.ok(appended > 0 && appended < 2048, `one change appends its record only (${appended} bytes, the snapshot is ${snapshotSize})`);

    // A crash now: no compaction. The next start replays the journal; a torn append is ignored.
    appendFileSync(store.journalPath, '{"kind":"tokens","key":"/subscriptions/s1/res');
    const reloaded = new JsonFileStore(path);
    assert.ok(reloaded.tokens.get(`${reg}/tokens/t-new`), "the journaled create survived");
    assert.equal(reloaded.tokens.get(`${reg}/tokens/t0`), undefined, "the journaled delete survived");
    assert.equal(reloaded.tokens.list(reg).length, 2000);
    assert.equal(existsSync(reloaded.journalPath), false, "loading merged the journal into the snapshot");

    // A corrupt line that is not the last is an error that names the file and line, never its text.
    writeFileSync(reloaded.journalPath, 'not-json-secret-0123\n{"kind":"tokens","key":"k","deleted":true}\n');
    assert.throws(
      () => new JsonFileStore(path),
      (e: Error) => /journal '.*journal\.json\.journal' line 1 is not valid JSON/.test(e.message) && !e.message.includes("secret-0123"),
    );
  });

  it("grows the journal only up to the snapshot's size (at least 1 MiB), then writes a new snapshot", () => {
    const path = join(dir, "bounded.json");
    const store = new JsonFileStore(path);
    const before = store.writes.snapshots;
    const rg = (i: number) => ({ subscriptionId: "s1", name: `g${i}`, location: "eastus", tags: { pad: "x".repeat(1000) } });
    for (let i = 0; i < 1200; i++) {
      store.resourceGroups.put(`/subscriptions/s1/resourceGroups/g${i}`, rg(i));
      store.flush();
    }
    assert.equal(store.writes.snapshots, before + 1, "one snapshot after about 1 MiB of journal");
    assert.ok(store.writes.journalAppends >= 1000);
  });
});

