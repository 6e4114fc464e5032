import * as assert from "node:assert/strict";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { checkResult } from "../../components/validation/errors";
import { TOKEN_PASSWORD } from "../../components/provider/tokenPassword/types";
import { checkTokenPasswordInputs as rules } from "../../components/validation/tokenPasswordArgs";

/** The rules as the provider's check answers them (through its one adapter). */
const checkTokenPasswordInputs = (olds: Record<string, unknown>, news: Record<string, unknown>, at: Date) => checkResult(TOKEN_PASSWORD, rules(olds, news, at));

const TOKEN_ID =
  "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-1/providers/Microsoft.ContainerRegistry/registries/myregistry/tokens/ci-token";
const NOW = new Date("2026-06-01T12:00:00Z");

function failuresOf(news: Record<string, unknown>, olds: Record<string, unknown> = {}) {
  return checkTokenPasswordInputs(olds, news, NOW).failures;
}

describe("TokenPassword check", () => {
  describe("checkTokenPasswordInputs", () => {
    it("defaults the slot to password1 and normalises the expiry", () => {
      const { inputs, failures } = checkTokenPasswordInputs({}, { tokenId: TOKEN_ID, expiry: "2027-01-31T00:00:00Z" }, NOW);
      assert.deepEqual(failures, []);
      assert.deepEqual(inputs, { tokenId: TOKEN_ID, slot: "password1", expiry: "2027-01-31T00:00:00.000Z" });
    });

    const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
      ["a missing token", {}, "tokenId", /^TokenPassword: token must be a token resource id .* got nothing\.$/],
      ["a scope map id as token", { tokenId: TOKEN_ID.replace("/tokens/", "/scopeMaps/") }, "tokenId", /^TokenPassword: token ".*" is not a token resource id/],
      ["an unknown slot", { tokenId: TOKEN_ID, slot: "password3" }, "slot", /^TokenPassword: slot is a 9-character value; use "password1" or "password2"\.$/],
      ["both expiry and expiresInDays", { tokenId: TOKEN_ID, expiry: "2027-01-31T00:00:00Z", expiresInDays: 30 }, "expiry", /^TokenPassword: give either expiry \(a fixed time\) or expiresInDays/],
      ["a date without a time", { tokenId: TOKEN_ID, expiry: "2027-01-31" }, "expiry", /^TokenPassword: expiry is a 10-character value, not an ISO 8601 UTC time; write it like "2027-01-31T00:00:00Z"/],
      ["a non-UTC offset", { tokenId: TOKEN_ID, expiry: "2027-01-31T00:00:00+02:00" }, "expiry", /not an ISO 8601 UTC time/],
      ["an impossible date", { tokenId: TOKEN_ID, expiry: "2027-02-31T00:00:00Z" }, "expiry", /not an ISO 8601 UTC time/],
      ["a past expiry", { tokenId: TOKEN_ID, expiry: "2026-05-31T00:00:00Z" }, "expiry", /^TokenPassword: expiry 2026-05-31T00:00:00Z is not in the future \(now is 2026-06-01T12:00:00\.000Z\); give a later time or use expiresInDays\.$/],
      ["zero days", { tokenId: TOKEN_ID, expiresInDays: 0 }, "expiresInDays", /^TokenPassword: expiresInDays is 0; use a whole number of days greater than 0, e\.g\. 90\.$/],
      ["fractional days", { tokenId: TOKEN_ID, expiresInDays: 1.5 }, "expiresInDays", /expiresInDays is 1\.5;/],
      ["days as a string", { tokenId: TOKEN_ID, expiresInDays: "30" }, "expiresInDays", /expiresInDays is a 2-character value of digits;/],
      ["days past the year 9999", { tokenId: TOKEN_ID, expiresInDays: 3_000_000 }, "expiresInDays", /ends after the year 9999/],
      ["an unknown credential selector", { tokenId: TOKEN_ID, credential: "password" }, "credential", /^TokenPassword: credential is an 8-character value, not a credential source; use one of: accessToken, default, environment, workloadIdentity, managedIdentity, azureCli \(any case\)\.$/],
    ];
    for (const [what, news, property, reason] of cases) {
      it(`refuses ${what}`, () => {
        const failures = failuresOf(news);
        assert.equal(failures.length, 1, JSON.stringify(failures));
        assert.equal(failures[0]!.property, property);
        assert.match(failures[0]!.reason, reason);
      });
    }

    it("accepts RFC 3339 UTC in every spelling: lower-case t and z, -00:00, +00:00", () => {
      for (const expiry of ["2027-01-31t00:00:00z", "2027-01-31T00:00:00-00:00", "2027-01-31T00:00:00+00:00", "2027-01-31t00:00:00.5Z"]) {
        const { inputs, failures } = checkTokenPasswordInputs({}, { tokenId: TOKEN_ID, expiry }, NOW);
        assert.deepEqual(failures, [], expiry);
        assert.match(String(inputs["expiry"]), /^2027-01-31T00:00:00\.\d{3}Z$/, expiry);
      }
    });

    it("accepts the credential selector in any case, as the environment variable does, and keeps its canonical spelling", () => {
      for (const credential of ["AccessToken", "accesstoken", "ACCESSTOKEN", "accessToken"]) {
        const { inputs, failures } = checkTokenPasswordInputs({}, { tokenId: TOKEN_ID, credential }, NOW);
        assert.deepEqual(failures, [], credential);
        assert.equal(inputs["credential"], "accessToken");
      }
    });

    it("never quotes what an input held: a secret passed to the wrong input is described by its shape", () => {
      const secret = "Xq48Q~vRz1kPq.3Cz9rXWmT0uTYv9nRoL8H_yVa2";
      for (const property of ["slot", "expiry", "credential", "tokenId", "expiresInDays", "rotateBeforeExpiryDays"]) {
        for (const value of [secret, "hunter22", `eyJ${"a".repeat(30)}.eyJ${"b".repeat(40)}.sig`]) {
          const failures = failuresOf({ tokenId: TOKEN_ID, [property]: value });
          assert.ok(failures.length > 0, `${property} accepted a secret`);
          for (const f of failures) assert.ok(!f.reason.includes(value), `${property}: the failure quotes the value`);
        }
      }
    });

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
});
