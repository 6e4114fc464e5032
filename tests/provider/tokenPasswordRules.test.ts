import * as assert from "node:assert/strict";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import {
  checkTokenPasswordInputs,
  diffTokenPassword,
  observeSlot,
  type TokenPasswordInputs,
  type TokenPasswordOutputs,
} from "../../components/provider/tokenPasswordProvider";

const TOKEN_ID =
  "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-1/providers/Microsoft.ContainerRegistry/registries/myregistry/tokens/ci-token";
const NOW = new Date("2026-06-01T12:00:00Z");

function failuresOf(news: Record<string, unknown>, olds: Record<string, unknown> = {}) {
  return checkTokenPasswordInputs(olds, news, NOW).failures;
}

describe("TokenPassword rules (check, diff, read observation)", () => {
  describe("check", () => {
    it("defaults the slot to password1 and normalises the expiry", () => {
      const { inputs, failures } = checkTokenPasswordInputs({}, { tokenId: TOKEN_ID, expiry: "2027-01-31T00:00:00Z" }, NOW);
      assert.deepEqual(failures, []);
      assert.deepEqual(inputs, { tokenId: TOKEN_ID, slot: "password1", expiry: "2027-01-31T00:00:00.000Z" });
    });

    const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
      ["a missing token", {}, "tokenId", /^TokenPassword: token must be a token resource id .* got nothing\.$/],
      ["a scope map id as token", { tokenId: TOKEN_ID.replace("/tokens/", "/scopeMaps/") }, "tokenId", /^TokenPassword: token ".*" is not a token resource id/],
      ["an unknown slot", { tokenId: TOKEN_ID, slot: "password3" }, "slot", /^TokenPassword: slot is "password3"; use "password1" or "password2"\.$/],
      ["both expiry and expiresInDays", { tokenId: TOKEN_ID, expiry: "2027-01-31T00:00:00Z", expiresInDays: 30 }, "expiry", /^TokenPassword: give either expiry \(a fixed time\) or expiresInDays/],
      ["a date without a time", { tokenId: TOKEN_ID, expiry: "2027-01-31" }, "expiry", /^TokenPassword: expiry "2027-01-31" is not an ISO 8601 UTC time; write it like "2027-01-31T00:00:00Z"/],
      ["a non-UTC offset", { tokenId: TOKEN_ID, expiry: "2027-01-31T00:00:00+02:00" }, "expiry", /is not an ISO 8601 UTC time/],
      ["an impossible date", { tokenId: TOKEN_ID, expiry: "2027-02-31T00:00:00Z" }, "expiry", /is not an ISO 8601 UTC time/],
      ["a past expiry", { tokenId: TOKEN_ID, expiry: "2026-05-31T00:00:00Z" }, "expiry", /^TokenPassword: expiry 2026-05-31T00:00:00Z is not in the future \(now is 2026-06-01T12:00:00\.000Z\); give a later time or use expiresInDays\.$/],
      ["zero days", { tokenId: TOKEN_ID, expiresInDays: 0 }, "expiresInDays", /^TokenPassword: expiresInDays is 0; use a whole number of days greater than 0, e\.g\. 90\.$/],
      ["fractional days", { tokenId: TOKEN_ID, expiresInDays: 1.5 }, "expiresInDays", /expiresInDays is 1\.5;/],
      ["days as a string", { tokenId: TOKEN_ID, expiresInDays: "30" }, "expiresInDays", /expiresInDays is "30";/],
      ["days past the year 9999", { tokenId: TOKEN_ID, expiresInDays: 3_000_000 }, "expiresInDays", /ends after the year 9999/],
      ["an unknown credential selector", { tokenId: TOKEN_ID, credential: "password" }, "credential", /^TokenPassword: credential "password" is not a credential source; use one of: accessToken, default, environment, workloadIdentity, managedIdentity, azureCli\.$/],
    ];
    for (const [what, news, property, reason] of cases) {
      it(`refuses ${what}`, () => {
        const failures = failuresOf(news);
        assert.equal(failures.length, 1, JSON.stringify(failures));
        assert.equal(failures[0]!.property, property);
        assert.match(failures[0]!.reason, reason);
      });
    }

    it("reports every bad input at once", () => {
      const failures = failuresOf({ tokenId: "x", slot: "p", expiresInDays: -1, credential: 7 });
      assert.deepEqual(failures.map((f) => f.property), ["tokenId", "slot", "expiresInDays", "credential"]);
    });

    it("keeps accepting an expiry that has passed since the password was created", () => {
      const olds = { tokenId: TOKEN_ID, slot: "password1", expiry: "2026-05-31T00:00:00.000Z" };
      assert.deepEqual(failuresOf({ tokenId: TOKEN_ID, expiry: "2026-05-31T00:00:00Z" }, olds), []);
    });

    it("passes unknown values (preview before the token exists) unchecked", () => {
      const { inputs, failures } = checkTokenPasswordInputs({}, { tokenId: unknownValue, expiry: unknownValue }, NOW);
      assert.deepEqual(failures, []);
      assert.equal(inputs["tokenId"], unknownValue);
      assert.equal(inputs["expiry"], unknownValue);
    });
  });

  describe("diff", () => {
    const olds: TokenPasswordOutputs = {
      tokenId: TOKEN_ID,
      slot: "password1",
      expiry: "2027-01-31T00:00:00.000Z",
      expiresInDays: null,
      credential: null,
      username: "ci-token",
      password: "not-compared",
      creationTime: "2026-06-01T12:00:00.000Z",
      loginServer: "myregistry.azurecr.io",
    };
    const same: TokenPasswordInputs = { tokenId: TOKEN_ID, slot: "password1", expiry: "2027-01-31T00:00:00.000Z" };

    it("sees no change for the same inputs or another casing of the token id", () => {
      assert.deepEqual(diffTokenPassword(olds, same), { changes: false, replaces: [], deleteBeforeReplace: false });
      assert.equal(diffTokenPassword(olds, { ...same, tokenId: TOKEN_ID.toLowerCase() }).changes, false);
    });

    it("updates another credential selector in place, never replacing the password", () => {
      assert.deepEqual(diffTokenPassword(olds, { ...same, credential: "managedIdentity" }), { changes: true, replaces: [], deleteBeforeReplace: false });
    });

    it("replaces on another expiry, creating the new password of that slot before deleting the old", () => {
      assert.deepEqual(diffTokenPassword(olds, { ...same, expiry: "2028-01-31T00:00:00.000Z" }), {
        changes: true,
        replaces: ["expiry"],
        deleteBeforeReplace: false,
      });
      assert.deepEqual(diffTokenPassword(olds, { tokenId: TOKEN_ID, slot: "password1" }).replaces, ["expiry"]);
    });

    it("deletes first on the same slot only when state has no creationTime to tell our password from the new one", () => {
      const legacy: Partial<TokenPasswordOutputs> = { ...olds };
      delete legacy.creationTime;
      const news = { ...same, expiry: "2028-01-31T00:00:00.000Z" };
      assert.deepEqual(diffTokenPassword(legacy, news), { changes: true, replaces: ["expiry"], deleteBeforeReplace: true });
      assert.equal(diffTokenPassword({ ...olds, creationTime: "" }, news).deleteBeforeReplace, true);
      // Another slot is never overwritten by the new password, so there is nothing to order.
      assert.equal(diffTokenPassword(legacy, { ...news, slot: "password2" }).deleteBeforeReplace, false);
    });

    it("replaces on another slot or token, creating the new password before removing the old", () => {
      assert.deepEqual(diffTokenPassword(olds, { ...same, slot: "password2" }), { changes: true, replaces: ["slot"], deleteBeforeReplace: false });
      assert.deepEqual(diffTokenPassword(olds, { ...same, tokenId: TOKEN_ID.replace("ci-token", "cd-token") }).replaces, ["tokenId"]);
    });

    it("never re-evaluates expiresInDays: the same number is no change, whatever the date", () => {
      const byDays = { ...olds, expiresInDays: 30, expiry: "2026-07-01T12:00:00.000Z" };
      assert.equal(diffTokenPassword(byDays, { tokenId: TOKEN_ID, slot: "password1", expiresInDays: 30 }).changes, false);
      assert.deepEqual(diffTokenPassword(byDays, { tokenId: TOKEN_ID, slot: "password1", expiresInDays: 31 }).replaces, ["expiresInDays"]);
      assert.deepEqual(diffTokenPassword(byDays, same).replaces, ["expiresInDays"]);
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
