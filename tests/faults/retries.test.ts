import * as assert from "node:assert/strict";
import { PASSWORD_TYPE, createPassword } from "../provider/setup";
import { useFaultBed, type PasswordState } from "./bed";
import { recordFaults } from "./figures";
import { assertRegistryMatchesState } from "./invariant";

const GENERATE = /\/generateCredentials$/i;

/**
 * Transient ARM failures through the real dynamic-provider host: each operation either succeeds
 * after the pipeline's retries or fails with an error that names the fix, and afterwards the registry
 * holds exactly the passwords state holds. The host runs with ACR_TOKENS_RETRY_DELAY_MS=0, so
 * retries happen without back-off waits and the tests count them instead.
 */
describe("faults: retries, throttling, resets, failed LROs, conflicts, parallel creates", function () {
  // Spawns the dynamic-provider host under ts-node (seconds on 2 cores) and runs 50-resource batches.
  this.timeout(60_000);

  const { bed, host } = useFaultBed();
  const state: PasswordState = new Map();
  const tokens: string[] = [];


  let faultsBefore: Record<string, number> = {};
  beforeEach(() => {
    faultsBefore = bed().emu.faults.counts();
  });

  /** Engine side of `up` for one new TokenPassword: Check + Create; on success the outputs go to state. */
  async function up(name: string, token: string, slot: "password1" | "password2" = "password1"): Promise<void> {
    const created = await createPassword(host(), name, { tokenId: bed().tokenId(token), slot });
    state.set(name, { id: created.id, outs: created.outs });
  }

  /** Engine side of `destroy` for one TokenPassword: on success it leaves state. */
  async function destroy(name: string): Promise<void> {
    const s = state.get(name);
    assert.ok(s, `no state for ${name}`);
    await host().delete(PASSWORD_TYPE, name, s.id, s.outs);
    state.delete(name);
  }

  async function newToken(name: string): Promise<string> {
    await bed().createToken(name);
    tokens.push(name);
    return name;
  }

  /** generateCredentials POSTs since `mark`, with the fault each got ("" for none). */
  function generatePosts(mark: number): string[] {
    return bed().emu.requests.slice(mark).filter((r) => r.method === "POST" && GENERATE.test(r.path)).map((r) => r.fault ?? "");
  }

  async function holds(): Promise<void> {
    await assertRegistryMatchesState(bed(), tokens, state);
    recordFaults(faultsBefore, bed().emu.faults.counts());
  }

  it("429 with Retry-After: the throttling policy waits it out and retries (no duplicate password)", async () => {
    const token = await newToken("throttled");
    bed().emu.faults.add({ method: "POST", route: GENERATE, count: 2, fault: { kind: "status", status: 429, retryAfterSeconds: 0 } });
    const mark = bed().emu.requests.length;
    await up("throttled-1", token);
    assert.deepEqual(generatePosts(mark), ["status:429", "status:429", ""]);
    await holds();
  });

  it("429 with a Retry-After beyond ACR_TOKENS_MAX_RETRY_AFTER_SECONDS fails at once, naming the setting", async () => {
    const token = await newToken("throttled-long");
    bed().emu.faults.add({ method: "POST", route: GENERATE, fault: { kind: "status", status: 429, retryAfterSeconds: 3600 } });
    const mark = bed().emu.requests.length;
    await assert.rejects(
      up("throttled-long-1", token),
      /generateCredentials failed: ARM answered 429 .*asked to retry after 3600 s, longer than the 60 s this provider waits.*raise ACR_TOKENS_MAX_RETRY_AFTER_SECONDS/,
    );
    assert.deepEqual(generatePosts(mark), ["status:429"], "no retry, no wait");
    await holds();
  });

  it("429 without Retry-After: retried with back-off (the SDK default would give up at once)", async () => {
    const token = await newToken("throttled-bare");
    bed().emu.faults.add({ method: "POST", route: GENERATE, count: 3, fault: { kind: "status", status: 429 } });
    const mark = bed().emu.requests.length;
    await up("throttled-bare-1", token);
    assert.deepEqual(generatePosts(mark), ["status:429", "status:429", "status:429", ""]);
    await holds();
  });

  it("429 without Retry-After that never ends: fails after 3 retries and says to run again later", async () => {
    const token = await newToken("throttled-forever");
    bed().emu.faults.add({ method: "POST", route: GENERATE, count: 10, fault: { kind: "status", status: 429 } });
    const mark = bed().emu.requests.length;
    await assert.rejects(up("throttled-forever-1", token), /ARM answered 429 .*throttled and the retries are used up; run `pulumi up` again later/);
    bed().emu.faults.clear();
    assert.equal(generatePosts(mark).length, 4, "the first attempt and 3 retries");
    await holds();
  });

  it("a 500/503 burst is retried with exponential back-off through the pipeline", async () => {
    const token = await newToken("burst");
    bed().emu.faults.add({ method: "POST", route: GENERATE, count: 2, fault: { kind: "status", status: 500 } });
    bed().emu.faults.add({ method: "POST", route: GENERATE, count: 1, fault: { kind: "status", status: 503 } });
    const mark = bed().emu.requests.length;
    await up("burst-1", token);
    assert.deepEqual(generatePosts(mark), ["status:500", "status:500", "status:503", ""]);
    await holds();
  });

  it("a 503 burst longer than the retries fails clearly, and nothing is left behind", async () => {
    const token = await newToken("outage");
    bed().emu.faults.add({ method: "POST", route: GENERATE, count: 4, fault: { kind: "status", status: 503 } });
    const mark = bed().emu.requests.length;
    await assert.rejects(up("outage-1", token), /generateCredentials failed: ARM answered 503 .*x-ms-request-id .*ARM kept failing after the retries; run `pulumi up` again later/);
    assert.equal(generatePosts(mark).length, 4);
    await holds();
  });

  it("connection resets on the registry GET and the POST are retried", async () => {
    const token = await newToken("reset");
    bed().emu.faults.add({ method: "POST", route: GENERATE, count: 2, fault: { kind: "reset" } });
    const mark = bed().emu.requests.length;
    await up("reset-1", token);
    assert.deepEqual(generatePosts(mark), ["reset", "reset", ""]);
    // And on delete's token GET.
    bed().emu.faults.add({ method: "GET", route: "/tokens/reset", count: 1, fault: { kind: "reset" } });
    await destroy("reset-1");
    await holds();
  });

  it("a token PATCH whose LRO ends Failed: delete fails clearly, state keeps the password, the next destroy finishes", async () => {
    const token = await newToken("lro-failed");
    await up("lro-failed-1", token, "password1");
    await up("lro-failed-2", token, "password2");
    bed().emu.faults.add({ method: "PATCH", route: "/tokens/lro-failed", fault: { kind: "lroFailed" } });
    await assert.rejects(destroy("lro-failed-2"), /TokenPassword password2 of token "lro-failed" .*tokens\.update was accepted by ARM but its long-running operation ended Failed \(InternalServerError.*run `pulumi refresh`/);
    assert.ok(state.has("lro-failed-2"), "a failed delete leaves the resource in state");
    // Whatever the failed PATCH left, a second destroy converges: the slot is gone and password1 stays.
    await destroy("lro-failed-2");
    await holds();
  });

  it("a 409 conflict is not retried (ARM's answer is final) and the error says to wait and run again", async () => {
    const token = await newToken("conflict");
    bed().emu.faults.add({ method: "POST", route: GENERATE, fault: { kind: "status", status: 409 } });
    const mark = bed().emu.requests.length;
    await assert.rejects(up("conflict-1", token), /ARM answered 409 .*Another change to this token or registry is in progress; wait for it to finish, then run `pulumi up` again/);
    assert.deepEqual(generatePosts(mark), ["status:409"]);
    await up("conflict-1", token);
    await holds();
  });

  it("two slots of one token generated in parallel both survive", async () => {
    const token = await newToken("both-slots");
    await Promise.all([up("both-1", token, "password1"), up("both-2", token, "password2")]);
    await holds();
  });

  it("50 tokens' passwords in parallel, with 503s and resets sprinkled in", async () => {
    const names = await Promise.all(Array.from({ length: 50 }, (_, i) => newToken(`par-${i}`)));
    bed().emu.faults.add({ method: "POST", route: GENERATE, count: 5, fault: { kind: "status", status: 503 } });
    bed().emu.faults.add({ method: "POST", route: GENERATE, count: 5, fault: { kind: "reset" } });
    await Promise.all(names.map((t) => up(`${t}-pw`, t)));
    assert.equal(bed().emu.faults.pending, 0);
    await holds();
  });
});
