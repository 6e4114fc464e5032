import * as assert from "node:assert/strict";
import { ClientSecretCredential } from "@azure/identity";
import { claimsOf, startIdentityServer, TENANT_ID, type IdentityServer } from "./fixture";

const CLIENT_ID = "6f1b5c1e-1d9a-4d2e-9a57-3b0d1c2e4f50";
const SECRET = "emulator-test-secret-value";

describe("emulator identity: Entra ID client credentials", () => {
  let server: IdentityServer;
  before(async () => {
    server = await startIdentityServer({ principals: [{ clientId: CLIENT_ID, clientSecret: SECRET }] });
  });
  after(() => server.close());

  function credential(secret = SECRET, clientId = CLIENT_ID): ClientSecretCredential {
    return new ClientSecretCredential(TENANT_ID, clientId, secret, {
      authorityHost: server.url,
      disableInstanceDiscovery: true,
      tlsOptions: { ca: server.ca },
    });
  }

  it("issues an ARM token to ClientSecretCredential that authenticate accepts", async () => {
    const token = await credential().getToken("https://management.azure.com/.default");
    const claims = claimsOf(token.token);
    assert.equal(claims.aud, "https://management.azure.com");
    assert.equal(claims.iss, `https://sts.windows.net/${TENANT_ID}/`);
    assert.equal(claims.appid, CLIENT_ID);
    assert.equal((claims.exp as number) - (claims.iat as number), 3599);
    // MSAL computes expiresOnTimestamp from expires_in on the real clock.
    assert.ok(Math.abs(token.expiresOnTimestamp - Date.now() - 3599_000) < 60_000);
    const principal = server.identity.authenticate(`Bearer ${token.token}`, TENANT_ID);
    assert.deepEqual(principal, { objectId: claims.oid, tenantId: TENANT_ID, clientId: CLIENT_ID, kind: "servicePrincipal" });
  });
});
