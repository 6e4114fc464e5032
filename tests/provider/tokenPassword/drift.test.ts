import * as assert from "node:assert/strict";
import { diffTokenPassword } from "../../../components/provider/tokenPassword/diff";
import { assessDrift, observeSlot } from "../../../components/provider/tokenPassword/drift";
import type { TokenPasswordInputs, TokenPasswordOutputs } from "../../../components/provider/tokenPassword/types";

const TOKEN_ID =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/myregistry/tokens/ci-token";
const OURS = new Date("2026-06-01T12:00:00.000Z");
const AT = new Date("2026-07-01T00:00:00.000Z");

/** The drift rules as pure functions (the host suite, drift.test.ts, runs them against the emulator). */
describe("TokenPassword drift rules", () => {
  const olds: TokenPasswordOutputs = {
    tokenId: TOKEN_ID,
    slot: "password1",
    expiry: "2026-08-31T12:00:00.000Z",
    expiresInDays: 91,
    credential: null,
    username: "ci-token",
    password: "not-compared",
    creationTime: OURS.toISOString(),
    loginServer: "myregistry.azurecr.io",
    rotateBeforeExpiryDays: 14,
    drift: null,
    driftCodes: [],
  };
  const inputs: TokenPasswordInputs = { tokenId: TOKEN_ID, slot: "password1", expiresInDays: 91, rotateBeforeExpiryDays: 14 };

  describe("assessDrift", () => {
    it("reports several findings at once, the slot's first, joined by '; '", () => {
      const theirs = new Date("2026-06-20T08:00:00.000Z");
      const token = { name: "ci-token", status: "disabled" as const, credentials: { passwords: [{ name: "password1" as const, creationTime: theirs }] } };
      assert.deepEqual(assessDrift(token, olds, AT), {
        drift: "password1 was regenerated out of band at 2026-06-20T08:00:00.000Z; token ci-token is disabled",
        driftCodes: ["slotRegenerated", "disabled"],
      });
    });

    it("finds nothing for our own password, enabled, before its window", () => {
      const token = { name: "ci-token", status: "enabled" as const, credentials: { passwords: [{ name: "password1" as const, creationTime: OURS }] } };
      assert.deepEqual(assessDrift(token, olds, AT), { drift: null, driftCodes: [] });
    });

    it("the other slot's state is not ours to report", () => {
      const token = { name: "ci-token", status: "enabled" as const, credentials: { passwords: [{ name: "password1" as const, creationTime: OURS }] } };
      assert.deepEqual(assessDrift(token, { ...olds, slot: "password2" }, AT).driftCodes, ["slotDeleted"]);
    });
  });

  describe("diffTokenPassword with the clock", () => {
    it("state written before drift detection (no drift fields) shows no change", () => {
      const legacy: Partial<TokenPasswordOutputs> = { ...olds };
      delete legacy.drift;
      delete legacy.driftCodes;
      delete legacy.rotateBeforeExpiryDays;
      assert.deepEqual(diffTokenPassword(legacy, { ...inputs, rotateBeforeExpiryDays: undefined }, AT), { changes: false, replaces: [], deleteBeforeReplace: false });
    });

    it("a regenerated slot with a fixed expiry that has passed is not replaced (the same expiry would be refused)", () => {
      const fixed = { ...olds, expiresInDays: null, rotateBeforeExpiryDays: null, expiry: "2026-06-30T00:00:00.000Z", driftCodes: ["slotRegenerated" as const] };
      const news: TokenPasswordInputs = { tokenId: TOKEN_ID, slot: "password1", expiry: "2026-06-30T00:00:00.000Z" };
      assert.equal(diffTokenPassword(fixed, news, AT).changes, false);
      assert.deepEqual(diffTokenPassword(fixed, news, new Date("2026-06-29T00:00:00.000Z")).replaces, ["drift"]);
    });

    it("an input change that replaces anyway is reported as such, not as drift", () => {
      const drifted = { ...olds, driftCodes: ["slotDeleted" as const] };
      assert.deepEqual(diffTokenPassword(drifted, { ...inputs, slot: "password2" }, AT).replaces, ["slot"]);
    });

    it("the window is the program's: widening it past the expiry makes the password due at once", () => {
      assert.equal(diffTokenPassword(olds, inputs, AT).changes, false);
      assert.deepEqual(diffTokenPassword(olds, { ...inputs, rotateBeforeExpiryDays: 62 }, AT), { changes: true, replaces: ["expiry"], deleteBeforeReplace: false });
    });
  });

  describe("observeSlot", () => {
    const created = new Date("2026-06-01T12:00:00.1234567Z");
    it("tells a missing token, a missing slot, our password and a regenerated one apart", () => {
      assert.deepEqual(observeSlot(undefined, "password1", null), { kind: "tokenGone" });
      assert.deepEqual(observeSlot({ credentials: { passwords: [] } }, "password1", null), { kind: "slotGone" });
      const token = { credentials: { passwords: [{ name: "password1", creationTime: created }] } };
      assert.deepEqual(observeSlot(token, "password1", created.toISOString()), {
        kind: "present",
        creationTime: created.toISOString(),
        expiry: null,
        replaced: false,
      });
      assert.equal((observeSlot(token, "password1", "2026-06-02T00:00:00.000Z") as { replaced: boolean }).replaced, true);
    });

    it("compares at millisecond precision and takes a slot to be ours when state has no creationTime", () => {
      const token = { credentials: { passwords: [{ name: "password1", creationTime: created }] } };
      // ACR's seven fractional digits reach us as a Date: the sub-millisecond digits are gone on both sides.
      assert.equal((observeSlot(token, "password1", "2026-06-01T12:00:00.123+00:00") as { replaced: boolean }).replaced, false);
      assert.equal((observeSlot(token, "password1", "2026-06-01T12:00:00.124Z") as { replaced: boolean }).replaced, true);
      assert.equal((observeSlot(token, "password1", null) as { replaced: boolean }).replaced, false);
    });
  });
});
