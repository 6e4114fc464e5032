import * as assert from "node:assert/strict";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { RefreshingCredential, RETRY_AFTER_MS } from "../../components/credential/refreshingCredential";

const MIN = 60_000;
const T0 = Date.parse("2026-11-23T01:00:00Z");
const LIFETIME = 60 * MIN;

/** A counting fake TokenCredential: each call issues a new token valid for an hour from the test clock, unless told to repeat. */
class CountingCredential implements TokenCredential {
  calls = 0;
  issued = 0;
  /** When set, the next calls return this (as MSAL's cache would) instead of a new token. */
  repeat: AccessToken | undefined;
  fail: Error | undefined;
  private release: (() => void) | undefined;
  private gate: Promise<void> | undefined;

  constructor(
    private readonly clock: { now: number },
    private readonly prefix = "token",
  ) {}

  /** Holds every getToken until {@link open} is called, so callers pile up on one acquisition. */
  hold(): void {
    this.gate = new Promise((resolve) => (this.release = resolve));
  }
  open(): void {
    this.release?.();
  }

  async getToken(): Promise<AccessToken> {
    this.calls++;
    if (this.gate) await this.gate;
    if (this.fail) throw this.fail;
    if (this.repeat) return this.repeat;
    this.issued++;
    return { token: `${this.prefix}-${this.issued}`, expiresOnTimestamp: this.clock.now + LIFETIME };
  }
}

function setup(random = 0, instances = 1) {
  const clock = { now: T0 };
  const created: CountingCredential[] = [];
  const shared = instances === 1 ? new CountingCredential(clock) : undefined;
  const credential = new RefreshingCredential({
    create: () => {
      const c = shared ?? new CountingCredential(clock, `i${created.length + 1}`);
      created.push(c);
      return c;
    },
    now: () => new Date(clock.now),
    random: () => random,
  });
  return { clock, credential, created, fake: () => shared ?? created.at(-1)! };
}

const SCOPE = ["https://management.azure.com/.default"];

describe("credential: refresh-ahead caching wrapper", () => {
  it("one acquisition serves many concurrent callers", async () => {
    const { credential, fake } = setup();
    fake().hold();
    const callers = Array.from({ length: 20 }, () => credential.getToken(SCOPE));
    fake().open();
    const tokens = await Promise.all(callers);
    assert.equal(fake().calls, 1);
    assert.equal(credential.acquisitions, 1);
    assert.ok(tokens.every((t) => t.token === "token-1"));
  });

  it("serves the cached token until expiry minus the margin; random 0 → 5 min", async () => {
    const { clock, credential, fake } = setup(0);
    await credential.getToken(SCOPE);
    clock.now = T0 + LIFETIME - 5 * MIN - 1;
    assert.equal((await credential.getToken(SCOPE)).token, "token-1");
    assert.equal(fake().calls, 1);
    clock.now = T0 + LIFETIME - 5 * MIN;
    assert.equal((await credential.getToken(SCOPE)).token, "token-2");
    assert.equal(credential.acquisitions, 2);
  });

  it("tells the pipeline's bearer policy when to come back (refreshAfterTimestamp = the refresh moment)", async () => {
    const { credential } = setup(0.5);
    const t = await credential.getToken(SCOPE);
    assert.equal(t.refreshAfterTimestamp, T0 + LIFETIME - 7.5 * MIN);
    assert.equal(t.expiresOnTimestamp, T0 + LIFETIME);
  });

  it("the margin is randomized up to 10 min (AzSessions.jl: 5–10 min)", async () => {
    const { clock, credential } = setup(0.5);
    await credential.getToken(SCOPE);
    clock.now = T0 + LIFETIME - 7.5 * MIN - 1;
    assert.equal((await credential.getToken(SCOPE)).token, "token-1");
    clock.now = T0 + LIFETIME - 7.5 * MIN;
    assert.equal((await credential.getToken(SCOPE)).token, "token-2");

    const late = setup(0.999999);
    await late.credential.getToken(SCOPE);
    late.clock.now = T0 + LIFETIME - 10 * MIN + 1;
    assert.equal((await late.credential.getToken(SCOPE)).token, "token-2");
  });

  it("draws the margin with Math.random by default: never before 10 min, always by 5 min, and not the same for every process", async () => {
    const refreshedAt75: boolean[] = [];
    for (let i = 0; i < 40; i++) {
      const clock = { now: T0 };
      const fake = new CountingCredential(clock);
      const credential = new RefreshingCredential({ create: () => fake, now: () => new Date(clock.now) });
      await credential.getToken(SCOPE);
      clock.now = T0 + LIFETIME - 10 * MIN - 1;
      await credential.getToken(SCOPE);
      assert.equal(fake.calls, 1, "refreshed more than 10 min before expiry");
      clock.now = T0 + LIFETIME - 7.5 * MIN;
      await credential.getToken(SCOPE);
      refreshedAt75.push((fake.calls as number) === 2);
      clock.now = T0 + LIFETIME - 5 * MIN;
      await credential.getToken(SCOPE);
      assert.equal(credential.acquisitions, 2, "not refreshed by 5 min before expiry");
    }
    // With a uniform margin, 40 processes all on the same side of 7.5 min has probability 2^-39.
    assert.ok(refreshedAt75.includes(true) && refreshedAt75.includes(false), "the margin is not randomized");
  });

  it("caps the margin at half the lifetime for short-lived tokens", async () => {
    const clock = { now: T0 };
    let n = 0;
    const credential = new RefreshingCredential({
      create: () => ({ getToken: async () => ({ token: `short-${++n}`, expiresOnTimestamp: clock.now + 8 * MIN }) }),
      now: () => new Date(clock.now),
      random: () => 0,
    });
    await credential.getToken(SCOPE);
    clock.now = T0 + 4 * MIN - 1;
    assert.equal((await credential.getToken(SCOPE)).token, "short-1");
    clock.now = T0 + 4 * MIN;
    assert.equal((await credential.getToken(SCOPE)).token, "short-2");
  });

  it("honours the service's refreshAfterTimestamp when earlier", async () => {
    const clock = { now: T0 };
    let n = 0;
    const credential = new RefreshingCredential({
      create: () => ({ getToken: async () => ({ token: `t${++n}`, expiresOnTimestamp: clock.now + 24 * LIFETIME, refreshAfterTimestamp: clock.now + 12 * LIFETIME }) }),
      now: () => new Date(clock.now),
    });
    await credential.getToken(SCOPE);
    clock.now = T0 + 12 * LIFETIME - 1;
    assert.equal((await credential.getToken(SCOPE)).token, "t1");
    clock.now = T0 + 12 * LIFETIME;
    assert.equal((await credential.getToken(SCOPE)).token, "t2");
  });

  it("keeps one token per scope set", async () => {
    const { credential, fake } = setup();
    await credential.getToken(SCOPE);
    await credential.getToken(["https://management.core.windows.net//.default"]);
    await credential.getToken(SCOPE);
    assert.equal(fake().calls, 2);
  });

  it("when the SDK hands back its cached token, asks a new credential instance (an empty MSAL cache)", async () => {
    const { clock, credential, created } = setup(0, 2);
    await credential.getToken(SCOPE);
    const first = created[0]!;
    clock.now = T0 + LIFETIME - 5 * MIN;
    // The first instance now behaves like MSAL before its own 5-minute window: same token, no network.
    first.repeat = { token: "i1-1", expiresOnTimestamp: T0 + LIFETIME };
    const t = await credential.getToken(SCOPE);
    assert.equal(created.length, 2, "no new instance was built");
    assert.equal(t.token, "i2-1", "not the new instance's token");
    assert.equal(t.expiresOnTimestamp, clock.now + LIFETIME);
    assert.equal(credential.acquisitions, 2);
  });

  it("when every instance returns the cached token (MSAL's process-wide MI cache), keeps it and asks again a minute later", async () => {
    const clock = { now: T0 };
    const cached: AccessToken = { token: "mi-1", expiresOnTimestamp: T0 + LIFETIME };
    let calls = 0;
    const credential = new RefreshingCredential({
      create: () => ({ getToken: async () => (calls++, cached) }),
      now: () => new Date(clock.now),
      random: () => 0,
    });
    await credential.getToken(SCOPE);
    clock.now = T0 + LIFETIME - 5 * MIN;
    assert.equal((await credential.getToken(SCOPE)).token, "mi-1");
    assert.equal(calls, 3, "refresh, then one new instance");
    assert.equal(credential.acquisitions, 1, "the same token again is no acquisition");
    clock.now += RETRY_AFTER_MS - 1;
    await credential.getToken(SCOPE);
    assert.equal(calls, 3, "asked again before a minute passed");
    clock.now += 1;
    await credential.getToken(SCOPE);
    assert.equal(calls, 5);
  });

  it("a failed early refresh serves the still-valid token and retries a minute later", async () => {
    const { clock, credential, fake } = setup(0);
    await credential.getToken(SCOPE);
    clock.now = T0 + LIFETIME - 5 * MIN;
    fake().fail = new Error("authority unavailable");
    assert.equal((await credential.getToken(SCOPE)).token, "token-1");
    assert.equal(fake().calls, 2);
    clock.now += RETRY_AFTER_MS - 1;
    await credential.getToken(SCOPE);
    assert.equal(fake().calls, 2);
    fake().fail = undefined;
    clock.now += 1;
    assert.equal((await credential.getToken(SCOPE)).token, "token-2");
  });

  it("a failure with no valid token is described by describeFailure", async () => {
    const clock = { now: T0 };
    const credential = new RefreshingCredential({
      create: () => ({
        getToken: async () => {
          throw new Error("boom");
        },
      }),
      now: () => new Date(clock.now),
      describeFailure: (e) => new Error(`described: ${(e as Error).message}`),
    });
    await assert.rejects(credential.getToken(SCOPE), /^Error: described: boom$/);
    assert.equal(credential.acquisitions, 0);
  });

  it("a null token is a failure, not a cached value", async () => {
    const credential = new RefreshingCredential({ create: () => ({ getToken: async () => null }), now: () => new Date(T0) });
    await assert.rejects(credential.getToken(SCOPE), /The credential returned no token for https:\/\/management\.azure\.com\/\.default\./);
  });
});
