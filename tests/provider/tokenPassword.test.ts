import * as assert from "node:assert/strict";
import { isSecret, reveal, withProvider, type ProviderHost, type Props } from "../../testing/providerHost";
import {
  PASSWORD_TYPE,
  REGISTRY,
  RG,
  armCallsSince,
  armOperationsSince,
  createPassword,
  passwordNames,
  providerTexts,
  sharedConfigHost,
  type ProviderTestBed,
} from "./setup";

/**
 * TokenPassword through the real dynamic-provider host against the emulator, with a bring-your-own
 * access token given as secret stack config (the host unwraps it in Configure).
 */
describe("TokenPassword through the host (access token from stack config)", function () {
  // Uses the shared emulator and spawned dynamic-provider host (ts-node): a few seconds on 2 cores.
  this.timeout(30_000);

  let bed: ProviderTestBed;
  let host: ProviderHost;
  let accessToken: string;
  const generated: string[] = [];
  const errors: string[] = [];
  const plainOutputs: Props[] = [];

  before(async () => {
    ({ bed, host, accessToken } = await sharedConfigHost());
  });

  const remember = (outs: Props) => {
    generated.push(reveal<string>(outs["password"]));
    plainOutputs.push(Object.fromEntries(Object.entries(outs).filter(([, v]) => !isSecret(v))));
    return outs;
  };

  it("creates password1 with one generateCredentials call (plus one registry GET for the login server)", async () => {
    const tokenId = await bed.createToken("create-token");
    const mark = bed.emu.requests.length;
    const { id, outs } = await createPassword(host, "pw1", { tokenId });
    remember(outs);
    // The login server is looked up once per registry per host process; other suites may have used this host first.
    const ops = armOperationsSince(bed.emu, mark);
    assert.deepEqual(ops.filter((op) => op !== "registries.get"), ["registries.generateCredentials"]);
    assert.equal(armOperationsSince(bed.emu, 0).filter((op) => op === "registries.get").length, 1, "one registry GET in the host's life");
    assert.equal(id, `${tokenId}/passwords/password1`);
    assert.ok(isSecret(outs["password"]), "password must be secret");
    assert.match(reveal<string>(outs["password"]), /^.{20,}$/);
    assert.equal(outs["username"], "create-token");
    assert.equal(outs["slot"], "password1");
    assert.equal(outs["expiry"], null);
    assert.equal(outs["loginServer"], `${REGISTRY}.azurecr.io`);
    assert.equal(outs["tokenId"], tokenId);
    assert.ok(!Number.isNaN(Date.parse(outs["creationTime"] as string)));
    for (const k of ["username", "slot", "tokenId", "loginServer", "creationTime"]) assert.ok(!isSecret(outs[k]), `${k} must not be secret`);
  });

  it("generating password2 leaves password1 in place, and deleting password2 removes only password2", async () => {
    const tokenId = await bed.createToken("two-slots");
    const one = await createPassword(host, "two-1", { tokenId, slot: "password1" });
    remember(one.outs);
    let mark = bed.emu.requests.length;
    const two = await createPassword(host, "two-2", { tokenId, slot: "password2", expiresInDays: 30 });
    remember(two.outs);
    assert.deepEqual(armOperationsSince(bed.emu, mark), ["registries.generateCredentials"], "the login server is looked up once per registry");
    assert.deepEqual(await passwordNames(bed, "two-slots"), ["password1", "password2"]);
    const afterSecond = await bed.sdk.tokens.get("rg-tokens", REGISTRY, "two-slots");
    const password1 = afterSecond.credentials?.passwords?.find((p) => p.name === "password1");
    assert.equal(password1?.creationTime?.toISOString(), one.outs["creationTime"], "password1 was not regenerated");
    assert.ok(reveal(one.outs["password"]) !== reveal(two.outs["password"]), "both slots hold the same password (not printed)");
    const expected = bed.emu.clock.now().getTime() + 30 * 86_400_000;
    assert.ok(Math.abs(Date.parse(two.outs["expiry"] as string) - expected) < 60_000, `expiry ${String(two.outs["expiry"])} is not 30 days from the emulator's now`);

    mark = bed.emu.requests.length;
    await host.delete(PASSWORD_TYPE, "two-2", two.id, two.outs);
    const ops = armOperationsSince(bed.emu, mark);
    // GET, then the PATCH and its LRO (the emulator answers 201 + Azure-AsyncOperation, as ARM does): status polls, final GET.
    assert.deepEqual(ops.slice(0, 2), ["tokens.get", "tokens.update"]);
    assert.ok(ops.slice(2).some((op) => op.startsWith("operations.")), `the PATCH's LRO was not polled: ${ops.join(", ")}`);
    assert.ok(ops.slice(2).every((op) => op.startsWith("operations.") || op === "tokens.get"), `unexpected calls after the PATCH: ${ops.join(", ")}`);
    assert.deepEqual(await passwordNames(bed, "two-slots"), ["password1"]);
    const token = await bed.sdk.tokens.get("rg-tokens", REGISTRY, "two-slots");
    assert.equal(token.credentials?.passwords?.[0]?.creationTime?.toISOString(), one.outs["creationTime"]);
  });

  it("reads with one GET: reports creation time and expiry and keeps the password secret", async () => {
    const tokenId = await bed.createToken("read-token");
    const { id, outs } = await createPassword(host, "read-pw", { tokenId, expiry: "2099-01-31T00:00:00Z" });
    remember(outs);
    const mark = bed.emu.requests.length;
    const read = await host.read(PASSWORD_TYPE, "read-pw", id, outs);
    assert.deepEqual(armOperationsSince(bed.emu, mark), ["tokens.get"]);
    assert.equal(read.id, id);
    assert.equal(read.outs["creationTime"], outs["creationTime"]);
    assert.equal(Date.parse(read.outs["expiry"] as string), Date.parse("2099-01-31T00:00:00Z"));
    assert.ok(isSecret(read.outs["password"]));
    assert.ok(reveal(read.outs["password"]) === reveal(outs["password"]), "the password changed (not printed)");
  });

  it("a slot that is gone: read keeps the resource and reports drift; a token that is gone: read drops it; delete succeeds with one GET", async () => {
    const tokenId = await bed.createToken("gone-token");
    const { id, outs } = await createPassword(host, "gone-pw", { tokenId, slot: "password2" });
    remember(outs);
    await bed.sdk.tokens.update("rg-tokens", REGISTRY, "gone-token", { credentials: { passwords: [] } }, { updateIntervalInMs: 0 });
    const slotGone = await host.read(PASSWORD_TYPE, "gone-pw", id, outs);
    assert.equal(slotGone.id, id);
    assert.equal(slotGone.outs["drift"], "password2 was deleted out of band");
    let mark = bed.emu.requests.length;
    await host.delete(PASSWORD_TYPE, "gone-pw", id, outs);
    assert.deepEqual(armOperationsSince(bed.emu, mark), ["tokens.get"]);

    await bed.sdk.tokens.delete("rg-tokens", REGISTRY, "gone-token", { updateIntervalInMs: 0 });
    assert.equal((await host.read(PASSWORD_TYPE, "gone-pw", id, outs)).id, "");
    mark = bed.emu.requests.length;
    await host.delete(PASSWORD_TYPE, "gone-pw", id, outs);
    assert.deepEqual(armOperationsSince(bed.emu, mark), ["tokens.get"]);
  });

  it("leaves a slot alone on delete when it holds a password generated since (not ours)", async () => {
    const tokenId = await bed.createToken("regen-token");
    const first = await createPassword(host, "regen-1", { tokenId });
    remember(first.outs);
    bed.emu.clock.advance({ minutes: 5 });
    const second = await createPassword(host, "regen-2", { tokenId });
    remember(second.outs);
    await host.delete(PASSWORD_TYPE, "regen-1", first.id, first.outs);
    assert.deepEqual(await passwordNames(bed, "regen-token"), ["password1"]);
  });

  it("rides out ARM throttling: a 429 with Retry-After on generateCredentials is retried by the pipeline", async () => {
    const tokenId = await bed.createToken("throttled-token");
    bed.emu.faults.add({ method: "POST", route: "/generateCredentials", fault: { kind: "status", status: 429, retryAfterSeconds: 0 } });
    const mark = bed.emu.requests.length;
    const { outs } = await createPassword(host, "throttled", { tokenId });
    remember(outs);
    const calls = armCallsSince(bed.emu, mark).filter((r) => r.path.endsWith("/generateCredentials"));
    assert.deepEqual(calls.map((r) => r.status), [429, 200]);
    assert.deepEqual(await passwordNames(bed, "throttled-token"), ["password1"]);
  });

  it("a missing token fails create with ARM's status, code and request id, and nothing is created", async () => {
    const tokenId = bed.tokenId("no-such-token");
    await assert.rejects(createPassword(host, "missing", { tokenId }), (err: Error) => {
      errors.push(err.message);
      assert.match(err.message, /^TokenPassword password1 of token "no-such-token" \(registry "tokenregistry"\): registries\.generateCredentials failed: ARM answered 404 \w+ \(x-ms-request-id [\w-]+\): /);
      return true;
    });
  });

  it("an expiry change on password1 is create-before-delete: one POST, then the old delete is one GET and no PATCH", async () => {
    const { password } = await providerTexts();
    const tokenId = await bed.createToken("replace-token");
    const old = await createPassword(host, "rep", { tokenId, expiry: "2099-01-01T00:00:00Z" });
    const other = await createPassword(host, "rep-2", { tokenId, slot: "password2" });
    remember(old.outs);
    remember(other.outs);
    const news = withProvider(password, { tokenId, slot: "password1", expiry: "2099-06-01T00:00:00.000Z" });
    const diff = await host.diff(PASSWORD_TYPE, "rep", old.id, old.outs, news);
    assert.deepEqual(diff, { changes: "some", replaces: ["expiry"], deleteBeforeReplace: false });

    // The old creationTime must differ from the new one, as between two deployments; moving the
    // emulator clock makes that certain instead of relying on real time passing.
    bed.emu.clock.advance({ seconds: 1 });
    const mark = bed.emu.requests.length;
    const fresh = await createPassword(host, "rep", { tokenId, expiry: "2099-06-01T00:00:00Z" });
    remember(fresh.outs);
    const login = (outs: Props) => bed.emu.checkPassword(tokenId, reveal<string>(outs["password"]));
    assert.deepEqual(login(fresh.outs), { ok: true, slot: "password1" }, "the new password logs in as soon as it exists");
    assert.deepEqual(login(old.outs), { ok: false, reason: "no-matching-password" }, "generating the slot again ends the old password");
    await host.delete(PASSWORD_TYPE, "rep", old.id, old.outs);

    const calls = armCallsSince(bed.emu, mark);
    assert.deepEqual(
      calls.map((r) => r.operation),
      ["registries.generateCredentials", "tokens.get"],
      "create is one POST; the old delete sees another creationTime in the slot and sends no PATCH",
    );
    assert.deepEqual(login(fresh.outs), { ok: true, slot: "password1" }, "the old delete left the new password in place");
    assert.deepEqual(login(old.outs), { ok: false, reason: "no-matching-password" });
    assert.deepEqual(login(other.outs), { ok: true, slot: "password2" }, "password2 is untouched");
    const slots = (await bed.sdk.tokens.get(RG, REGISTRY, "replace-token")).credentials?.passwords ?? [];
    const seen = Object.fromEntries(slots.map((p) => [p.name, p.creationTime?.toISOString()]));
    assert.deepEqual(seen, { password1: fresh.outs["creationTime"], password2: other.outs["creationTime"] });
  });

  it("state without a creationTime (older state): the same-slot replacement deletes first, and that delete removes the slot", async () => {
    const { password } = await providerTexts();
    const tokenId = await bed.createToken("legacy-token");
    const old = await createPassword(host, "legacy", { tokenId, expiry: "2099-01-01T00:00:00Z" });
    remember(old.outs);
    const legacy: Props = { ...old.outs };
    delete legacy["creationTime"];
    const news = withProvider(password, { tokenId, slot: "password1", expiry: "2099-06-01T00:00:00.000Z" });
    assert.deepEqual(await host.diff(PASSWORD_TYPE, "legacy", old.id, legacy, news), { changes: "some", replaces: ["expiry"], deleteBeforeReplace: true });
    await host.delete(PASSWORD_TYPE, "legacy", old.id, legacy);
    assert.deepEqual(await passwordNames(bed, "legacy-token"), [], "without a creationTime the slot is taken to be ours");
    const fresh = await createPassword(host, "legacy", { tokenId, expiry: "2099-06-01T00:00:00Z" });
    remember(fresh.outs);
    assert.deepEqual(bed.emu.checkPassword(tokenId, reveal<string>(fresh.outs["password"])), { ok: true, slot: "password1" });
  });

  /** Runs `fn` with generateCredentials answered 202 + Location (the REST reference's long-running form), one 202 poll first. */
  async function withAcceptedGenerate(fn: () => Promise<void>): Promise<void> {
    bed.emu.lro.generateCredentials = "accepted";
    bed.emu.lro.inProgressPolls = 1;
    try {
      await fn();
    } finally {
      bed.emu.lro.generateCredentials = "sync";
      bed.emu.lro.inProgressPolls = 0;
      bed.emu.faults.clear();
    }
  }

  it("generateCredentials answered 202 + Location: create follows the operation to its result, and that password logs in", () =>
    withAcceptedGenerate(async () => {
      const tokenId = await bed.createToken("lro-create");
      const mark = bed.emu.requests.length;
      const { outs } = await createPassword(host, "lro-pw", { tokenId, slot: "password2", expiresInDays: 7 });
      remember(outs);
      const calls = armCallsSince(bed.emu, mark).filter((r) => r.operation !== "registries.get");
      assert.deepEqual(calls.map((r) => `${r.operation}:${r.status}`), ["registries.generateCredentials:202", "operations.status:202", "operations.status:200"]);
      assert.ok(isSecret(outs["password"]));
      assert.equal(outs["slot"], "password2");
      assert.deepEqual(bed.emu.checkPassword(tokenId, reveal<string>(outs["password"])), { ok: true, slot: "password2" });
      assert.deepEqual(await passwordNames(bed, "lro-create"), ["password2"]);
    }));

  it("generateCredentials answered 202 and the operation failed: create fails naming the call, and no password was generated", () =>
    withAcceptedGenerate(async () => {
      const tokenId = await bed.createToken("lro-fails");
      bed.emu.faults.add({ method: "POST", route: "/generateCredentials", fault: { kind: "lroFailed" } });
      await assert.rejects(createPassword(host, "lro-fails", { tokenId }), (err: Error) => {
        errors.push(err.message);
        assert.match(err.message, /registries\.generateCredentials failed: ARM answered 500/);
        return true;
      });
      assert.deepEqual(await passwordNames(bed, "lro-fails"), [], "no password was generated");
    }));

  it("leaves no access token or password in host output, the emulator log, errors or plain outputs", async () => {
    assert.ok(generated.length >= 8, `only ${generated.length} passwords were generated`);
    const haystacks = {
      "host stdout": host.stdout,
      "host stderr": host.stderr,
      "emulator log": JSON.stringify(bed.emu.requests),
      "error messages": errors.join("\n"),
      "non-secret outputs": JSON.stringify(plainOutputs),
    };
    for (const [where, text] of Object.entries(haystacks)) {
      assert.ok(!text.includes(accessToken), `the access token appears in the ${where}`);
      for (const [i, pw] of generated.entries()) assert.ok(!text.includes(pw), `generated password #${i} appears in the ${where}`);
    }
  });
});
