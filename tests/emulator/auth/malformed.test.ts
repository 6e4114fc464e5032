import * as assert from "node:assert/strict";
import { claimsOf, send, startIdentityServer, TENANT_ID, type IdentityServer } from "./fixture";

const CLIENT_ID = "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a";
const SECRET = "malformed-suite-secret-value";
const TOKEN = `/${TENANT_ID}/oauth2/v2.0/token`;
const GOOD_FORM = { grant_type: "client_credentials", client_id: CLIENT_ID, client_secret: SECRET, scope: "https://management.azure.com/.default" };

type Req = [method: string, path: string, options: Parameters<typeof send>[3]];

/** Requests a confused or hostile client might send to the identity routes. */
function malformedRequests(header: string): Req[] {
  const reqs: Req[] = [
    ["POST", TOKEN, { body: "\u0000\u0001\u0002binary", headers: { "content-type": "application/x-www-form-urlencoded" } }],
    ["POST", TOKEN, { body: "%%%=%%%&&&==", headers: { "content-type": "application/x-www-form-urlencoded" } }],
    ["POST", TOKEN, { body: "grant_type=client_credentials&client_id=", headers: { "content-type": "application/x-www-form-urlencoded" } }],
    ["POST", TOKEN, { body: "{}", headers: { "content-type": "text/plain" } }],
    ["POST", TOKEN, { form: { ...GOOD_FORM, scope: "x".repeat(20_000) } }],
    ["POST", TOKEN, { form: { ...GOOD_FORM, scope: " " } }],
    ["POST", TOKEN, { form: { ...GOOD_FORM, scope: "/.default" } }],
    ["POST", TOKEN, { form: { ...GOOD_FORM, client_id: "\u202e\u0000evil" } }],
    ["POST", TOKEN, { form: { ...GOOD_FORM, client_secret: "" } }],
    ["POST", TOKEN, { form: { grant_type: "client_credentials", client_id: CLIENT_ID, scope: GOOD_FORM.scope, client_assertion: "not-a-jwt", client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" } }],
    ["POST", TOKEN, { form: { grant_type: "client_credentials", client_id: CLIENT_ID, scope: GOOD_FORM.scope, client_assertion: "e30.e30.", client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" } }],
    ["POST", TOKEN, { form: { grant_type: "client_credentials", scope: GOOD_FORM.scope }, headers: { authorization: "Basic !!!notbase64" } }],
    ["POST", TOKEN, { form: { grant_type: "client_credentials", scope: GOOD_FORM.scope }, headers: { authorization: `Basic ${Buffer.from("%E0%A4%A:x").toString("base64")}` } }],
    ["POST", TOKEN, { form: { grant_type: "refresh_token", refresh_token: "x" } }],
    ["POST", `/${TENANT_ID}/oauth2/token`, { form: { ...GOOD_FORM, resource: "https://vault.azure.net" } }],
    ["POST", "/adfs/oauth2/token", { form: { grant_type: "client_credentials", client_id: CLIENT_ID, client_secret: SECRET } }],
    ["DELETE", TOKEN, {}],
    ["PUT", `/${TENANT_ID}/v2.0/.well-known/openid-configuration`, {}],
    ["GET", "/%ZZ/v2.0/.well-known/openid-configuration", {}],
    ["GET", `/${"a".repeat(2000)}/discovery/v2.0/keys`, {}],
    ["GET", "/msi/token", {}],
    ["GET", "/msi/token?api-version=2019-08-01&resource=https://management.azure.com/", { headers: { "x-identity-header": header.slice(0, -1) } }],
    ["GET", "/msi/token?api-version=2019-08-01&resource=https://management.azure.com/&client_id=%00", { headers: { "x-identity-header": header } }],
    ["GET", "/msi/token?api-version=2019-08-01", { headers: { "x-identity-header": header } }],
    ["GET", `/msi/token?api-version=2019-08-01&resource=${"r".repeat(5000)}`, { headers: { "x-identity-header": header } }],
    ["POST", "/msi/token", { headers: { Metadata: "false" }, form: { resource: "https://management.azure.com/" } }],
    ["POST", "/msi/token", { headers: { Metadata: "true", "content-type": "application/json" }, body: '{"resource":"https://management.azure.com/"}' }],
    ["POST", "/msi/token", { headers: { Metadata: "true" }, form: { resource: "https://management.azure.com/", object_id: "nobody" } }],
    ["GET", "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://management.azure.com/&mi_res_id=/subscriptions/x", { headers: { Metadata: "true" } }],
    ["PATCH", "/metadata/identity/oauth2/token/", { headers: { Metadata: "true" } }],
  ];
  return reqs;
}

describe("emulator identity: malformed requests to the identity routes", () => {
  let server: IdentityServer;
  before(async () => {
    server = await startIdentityServer({
      principals: [{ clientId: CLIENT_ID, clientSecret: SECRET }, { clientId: "mi-only", managedIdentity: true }],
    });
  });
  after(() => server.close());

  it("answers each with a 4xx JSON error, never a token, never the secret, and keeps serving correct requests", async () => {
    const header = server.identity.managedIdentityHeader ?? "";
    const before = { ...server.identity.stats };
    for (const [method, path, options] of malformedRequests(header)) {
      const res = await send(server, method, path, options);
      const label = `${method} ${path.slice(0, 80)}`;
      assert.ok(res.status >= 400 && res.status < 500, `${label}: status ${res.status}`);
      assert.equal(typeof res.json.error, "string", `${label}: no JSON error body`);
      assert.ok(!("access_token" in res.json), `${label}: a token was issued`);
      assert.ok(!res.text.includes(SECRET) && !res.text.includes(header), `${label}: the body repeats a secret`);
    }
    const after = { ...server.identity.stats };
    assert.deepEqual(after, before, "a malformed request was counted as an issued token");

    const ok = await send(server, "POST", TOKEN, { form: GOOD_FORM });
    assert.equal(ok.status, 200);
    assert.equal(claimsOf(String(ok.json.access_token)).appid, CLIENT_ID);
  });
});
