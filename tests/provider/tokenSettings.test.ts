import * as assert from "node:assert/strict";
import { reveal, withProvider, type ProviderHost, type Props } from "../../testing/providerHost";
import {
  REGISTRY,
  RG,
  SETTINGS_TYPE,
  armOperationsSince,
  createPassword,
  providerTexts,
  sharedConfigHost,
  type ProviderTestBed,
} from "./setup";

/** TokenSettings through the real host against the emulator: PATCH-only updates, drift shown on refresh. */
describe("TokenSettings through the host", function () {
  // Uses the shared emulator and spawned dynamic-provider host (ts-node): a few seconds on 2 cores.
  this.timeout(30_000);

  let bed: ProviderTestBed;
  let host: ProviderHost;
  let text: string;

  before(async () => {
    ({ bed, host } = await sharedConfigHost());
    text = (await providerTexts()).settings;
  });

  async function createSettings(name: string, inputs: Props) {
    const checked = await host.check(SETTINGS_TYPE, name, {}, withProvider(text, inputs));
    assert.deepEqual(checked.failures, []);
    const created = await host.create(SETTINGS_TYPE, name, checked.inputs);
    return { ...created, inputs: checked.inputs };
  }

  /** Password names with their creation times: equal before and after means the passwords survived. */
  async function passwordsOf(token: string): Promise<string[]> {
    const t = await bed.sdk.tokens.get(RG, REGISTRY, token);
    return (t.credentials?.passwords ?? []).map((p) => `${p.name}@${p.creationTime?.toISOString()}`).sort();
  }

  it("creates with one GET and no PATCH when the token already has these settings", async () => {
    const tokenId = await bed.createToken("same-settings");
    const mark = bed.emu.requests.length;
    const { id, outs } = await createSettings("same", { tokenId, scopeMapId: bed.scopeMapId("_repositories_pull"), status: "enabled" });
    assert.deepEqual(armOperationsSince(bed.emu, mark), ["tokens.get"]);
    assert.equal(id, tokenId);
    assert.deepEqual(
      { tokenId: outs["tokenId"], scopeMapId: outs["scopeMapId"], status: outs["status"] },
      { tokenId, scopeMapId: bed.scopeMapId("_repositories_pull"), status: "enabled" },
    );
  });

  it("a status change PATCHes the token and its passwords survive", async () => {
    const tokenId = await bed.createToken("status-change");
    const pw1 = await createPassword(host, "status-pw1", { tokenId, slot: "password1" });
    await createPassword(host, "status-pw2", { tokenId, slot: "password2" });
    const before = await passwordsOf("status-change");
    assert.equal(before.length, 2);
    const created = await createSettings("status", { tokenId, scopeMapId: bed.scopeMapId("_repositories_pull"), status: "enabled" });

    const news = withProvider(text, { tokenId, scopeMapId: bed.scopeMapId("_repositories_pull"), status: "disabled" });
    assert.deepEqual(await host.diff(SETTINGS_TYPE, "status", created.id, created.outs, news), { changes: "some", replaces: [], deleteBeforeReplace: false });
    const mark = bed.emu.requests.length;
    const { outs } = await host.update(SETTINGS_TYPE, "status", created.id, created.outs, news);
    assert.equal(armOperationsSince(bed.emu, mark)[0], "tokens.update");
    assert.ok(!armOperationsSince(bed.emu, mark).includes("tokens.create"), "never a PUT");
    assert.equal(outs["status"], "disabled");
    assert.equal((await bed.sdk.tokens.get(RG, REGISTRY, "status-change")).status, "disabled");
    assert.deepEqual(await passwordsOf("status-change"), before);
    assert.ok(reveal<string>(pw1.outs["password"]).length > 0);
  });

  it("a scope map change PATCHes the token and its passwords survive", async () => {
    const tokenId = await bed.createToken("scope-change");
    await createPassword(host, "scope-pw", { tokenId });
    const before = await passwordsOf("scope-change");
    const created = await createSettings("scope", { tokenId, scopeMapId: bed.scopeMapId("_repositories_pull"), status: "enabled" });
    const news = withProvider(text, { tokenId, scopeMapId: bed.scopeMapId("_repositories_push"), status: "enabled" });
    await host.update(SETTINGS_TYPE, "scope", created.id, created.outs, news);
    const token = await bed.sdk.tokens.get(RG, REGISTRY, "scope-change");
    assert.equal(token.scopeMapId?.toLowerCase(), bed.scopeMapId("_repositories_push").toLowerCase());
    assert.deepEqual(await passwordsOf("scope-change"), before);
  });

  it("an out-of-band status change shows on read, in outputs and realigned inputs, so the next diff reverts it", async () => {
    const tokenId = await bed.createToken("drift-token");
    const program = { tokenId, scopeMapId: bed.scopeMapId("_repositories_pull"), status: "enabled" };
    const created = await createSettings("drift", program);
    await bed.sdk.tokens.update(RG, REGISTRY, "drift-token", { status: "disabled" }, { updateIntervalInMs: 0 });

    const mark = bed.emu.requests.length;
    const read = await host.read(SETTINGS_TYPE, "drift", created.id, created.outs, created.inputs);
    assert.deepEqual(armOperationsSince(bed.emu, mark), ["tokens.get"]);
    assert.equal(read.id, created.id);
    assert.equal(read.outs["status"], "disabled");
    assert.equal(read.inputs?.["status"], "disabled");
    assert.equal(read.inputs?.["scopeMapId"], program.scopeMapId);
    const diff = await host.diff(SETTINGS_TYPE, "drift", read.id, read.outs, withProvider(text, program));
    assert.equal(diff.changes, "some");
  });

  it("keeps the program's casing of an id ARM returns in another casing", async () => {
    const tokenId = await bed.createToken("casing-token");
    const created = await createSettings("casing", { tokenId, scopeMapId: bed.scopeMapId("_repositories_pull").replace("resourceGroups", "resourcegroups"), status: "enabled" });
    const read = await host.read(SETTINGS_TYPE, "casing", created.id, created.outs, created.inputs);
    assert.equal(read.outs["scopeMapId"], created.outs["scopeMapId"]);
  });

  it("adopts a token whose settings differ at create (one GET, then a PATCH)", async () => {
    const tokenId = await bed.createToken("adopt-token");
    const mark = bed.emu.requests.length;
    await createSettings("adopt", { tokenId, scopeMapId: bed.scopeMapId("_repositories_pull"), status: "disabled" });
    assert.deepEqual(armOperationsSince(bed.emu, mark).slice(0, 2), ["tokens.get", "tokens.update"]);
    assert.equal((await bed.sdk.tokens.get(RG, REGISTRY, "adopt-token")).status, "disabled");
  });

  it("a token that is gone: read drops the resource; delete makes no ARM call; create says what to do", async () => {
    const tokenId = await bed.createToken("gone-settings");
    const created = await createSettings("gone", { tokenId, scopeMapId: bed.scopeMapId("_repositories_pull"), status: "enabled" });
    await bed.sdk.tokens.delete(RG, REGISTRY, "gone-settings", { updateIntervalInMs: 0 });
    assert.equal((await host.read(SETTINGS_TYPE, "gone", created.id, created.outs)).id, "");
    const mark = bed.emu.requests.length;
    await host.delete(SETTINGS_TYPE, "gone", created.id, created.outs);
    assert.deepEqual(armOperationsSince(bed.emu, mark), []);
    await assert.rejects(
      createSettings("gone-again", { tokenId, scopeMapId: bed.scopeMapId("_repositories_pull"), status: "enabled" }),
      /^HostCallError: TokenSettings of token "gone-settings" \(registry "tokenregistry"\): the token does not exist\. Create it first/,
    );
  });
});
