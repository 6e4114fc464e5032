import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { TokenPassword } from "acr-tokens";
import { acrTokensMocks } from "acr-tokens/testing";

/** A token id per test resource: one slot of one token has one owner (a second is refused at construction). */
const tokenId = (token: string) => `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/contosoregistry/tokens/${token}`;
const TOKEN_ID = tokenId("app-pull");

describe("TokenPassword at construction", () => {
  const warnings: string[] = [];
  const original = pulumi.log.warn;
  before(async () => {
    await pulumi.runtime.setMocks(acrTokensMocks(), "token-password-test", "test", false);
    (pulumi.log as { warn: typeof pulumi.log.warn }).warn = async (message: string) => {
      warnings.push(message);
    };
  });
  after(() => {
    (pulumi.log as { warn: typeof pulumi.log.warn }).warn = original;
  });
  beforeEach(() => (warnings.length = 0));

  it("fails early on plain arguments the provider would refuse, in the provider's words", () => {
    assert.throws(() => new TokenPassword("days", { token: TOKEN_ID, expiresInDays: -5 }), /^InvalidArgumentsError: TokenPassword "days": expiresInDays is -5; use a whole number of days greater than 0/);
    assert.throws(() => new TokenPassword("both", { token: TOKEN_ID, expiresInDays: 5, expiry: "2099-01-01T00:00:00Z" }), /give either expiry \(a fixed time\) or expiresInDays \(days from creation\), not both/);
    assert.throws(() => new TokenPassword("name", { token: "app-pull" }), /TokenPassword "name": token .* is not a token resource id/);
  });

  it("warns about a fixed expiry that has passed (refused for a new password, expired for an existing one)", () => {
    new TokenPassword("old", { token: tokenId("old-token"), expiry: "2020-01-01T00:00:00Z" });
    assert.deepEqual(warnings, [
      'TokenPassword "old": expiry 2020-01-01T00:00:00Z has passed. A new password with it is refused at preview, and an existing one stays expired: give a later expiry, or use expiresInDays.',
    ]);
    new TokenPassword("later", { token: tokenId("later-token"), expiry: "2099-01-01T00:00:00Z" });
    new TokenPassword("in-days", { token: tokenId("days-token"), expiresInDays: 30 });
    assert.equal(warnings.length, 1);
  });
});
