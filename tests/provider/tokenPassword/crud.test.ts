import * as assert from "node:assert/strict";
import { importPassword } from "../../../components/provider/tokenPassword/crud";
import type { ProviderContext } from "../../../components/arm/session";

/** A context that fails the test if the id is not refused before any session (credential, ARM call). */
const noCalls: ProviderContext = {
  now: () => new Date(0),
  session: () => assert.fail("no session may be opened for a malformed import id"),
};

describe("provider: importPassword refuses a malformed id before any ARM call", () => {
  it("names the id and the form to give", async () => {
    await assert.rejects(importPassword("ci-pull/password1", noCalls), {
      message: 'TokenPassword: cannot import "ci-pull/password1": give the id as <token resource id>/passwords/<slot>, with slot "password1" or "password2".',
    });
  });

  it("describes, never quotes, an id that looks like a secret (pasted into `pulumi import` by mistake)", async () => {
    const pasted = "aB3dE5fG7hJ9kL1mN2pQ4rS6tU8";
    await assert.rejects(importPassword(pasted, noCalls), (err: Error) => {
      assert.ok(!err.message.includes(pasted), "the pasted value must not be quoted");
      assert.match(err.message, /^TokenPassword: cannot import a 27-character value that looks like a password or key: give the id as/);
      return true;
    });
  });
});
