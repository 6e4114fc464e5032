import * as assert from "node:assert/strict";
import { diffTokenPassword } from "../../../components/provider/tokenPassword/diff";
import type { TokenPasswordInputs, TokenPasswordOutputs } from "../../../components/provider/tokenPassword/types";

const TOKEN_ID =
  "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-1/providers/Microsoft.ContainerRegistry/registries/myregistry/tokens/ci-token";

describe("TokenPassword diff", () => {
  describe("diffTokenPassword", () => {
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
});
