import * as assert from "node:assert/strict";
import { inspect } from "node:util";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { clearCredentialCache, CredentialSettingsErrorName, resolveCredential } from "../../components/credential";
import { RefreshingCredential } from "../../components/credential/refreshingCredential";
import { assertNoSecret, firstSentence, jwt, NOW, SENTINEL } from "./fixtures";

/**
 * A secret pasted into the wrong setting (the token where its file's path, the credential's name or an
 * id belongs) must not come back in the error that refuses it, nor in its cause.
 */
describe("credential: a secret in the wrong setting is never quoted", () => {
  beforeEach(() => clearCredentialCache());

  const token = jwt();
  const rows: Array<{ name: string; env: NodeJS.ProcessEnv; sentence: string }> = [
    {
      name: "the token in ACR_TOKENS_ACCESS_TOKEN_FILE",
      env: { ACR_TOKENS_ACCESS_TOKEN_FILE: token },
      sentence: `ACR_TOKENS_ACCESS_TOKEN_FILE is not a readable file path (ENAMETOOLONG): it holds a ${token.length}-character value shaped like a JWT access token (not shown: it may be a secret), perhaps the token itself.`,
    },
    {
      name: "the token in ACR_TOKENS_CREDENTIAL",
      env: { ACR_TOKENS_CREDENTIAL: token },
      sentence: `ACR_TOKENS_CREDENTIAL names an unknown credential a ${token.length}-character value shaped like a JWT access token (not shown: it may be a secret).`,
    },
    {
      name: "the token in ACR_TOKENS_TENANT_ID (a JWT is made of the characters a tenant id may have)",
      env: { ACR_TOKENS_ACCESS_TOKEN: jwt({ oid: "x" }), ACR_TOKENS_TENANT_ID: token },
      sentence: `ACR_TOKENS_TENANT_ID is not a valid tenant id: a ${token.length}-character value shaped like a JWT access token (not shown: it may be a secret).`,
    },
    {
      name: "the token in ACR_TOKENS_ACCESS_TOKEN_MIN_VALIDITY",
      env: { ACR_TOKENS_ACCESS_TOKEN: jwt({ oid: "x" }), ACR_TOKENS_ACCESS_TOKEN_MIN_VALIDITY: token },
      sentence: `ACR_TOKENS_ACCESS_TOKEN_MIN_VALIDITY is not a duration: a ${token.length}-character value shaped like a JWT access token (not shown: it may be a secret).`,
    },
    {
      name: "the token in ACR_TOKENS_CLOUD",
      env: { ACR_TOKENS_CLOUD: token },
      sentence: `ACR_TOKENS_CLOUD names an unknown cloud a ${token.length}-character value shaped like a JWT access token (not shown: it may be a secret).`,
    },
    {
      name: "the token in ACR_TOKENS_ARM_ENDPOINT",
      env: { ACR_TOKENS_ARM_ENDPOINT: token },
      sentence: `ACR_TOKENS_ARM_ENDPOINT is not a URL: a ${token.length}-character value shaped like a JWT access token (not shown: it may be a secret).`,
    },
  ];
  for (const row of rows) {
    it(row.name, async () => {
      await assert.rejects(resolveCredential({ env: row.env, now: () => new Date(NOW) }), (err: unknown) => {
        assert.ok(err instanceof Error, "not an Error");
        assertNoSecret([err.message, err.stack ?? "", inspect(err, { depth: 10, showHidden: true })], token);
        assert.equal(err.name, CredentialSettingsErrorName);
        assert.equal(firstSentence(err.message), row.sentence);
        return true;
      });
    });
  }

  it("a short path in ACR_TOKENS_ACCESS_TOKEN_FILE is still quoted (it is no secret)", async () => {
    await assert.rejects(
      resolveCredential({ env: { ACR_TOKENS_ACCESS_TOKEN_FILE: "/nonexistent/token" } }),
      /^CredentialSettingsError: ACR_TOKENS_ACCESS_TOKEN_FILE names a file that cannot be read \("\/nonexistent\/token": ENOENT\)\./,
    );
  });

  it("a RefreshingCredential shows neither its cached token nor its underlying credential to inspect or JSON", async () => {
    const underlying: TokenCredential & { clientSecret: string } = {
      clientSecret: `secret-${SENTINEL}`,
      getToken: async (): Promise<AccessToken> => ({ token: `token-${SENTINEL}`, expiresOnTimestamp: NOW + 3_600_000 }),
    };
    const wrapper = new RefreshingCredential({ create: () => underlying, now: () => new Date(NOW) });
    const served = await wrapper.getToken("https://management.azure.com/.default");
    assert.ok(served.token.includes(SENTINEL), "the wrapper did not serve the underlying token");
    assertNoSecret([inspect(wrapper, { depth: 10, showHidden: true }), JSON.stringify(wrapper)]);
    assert.equal(wrapper.acquisitions, 1);
  });
});
