import * as assert from "node:assert/strict";
import { createPublicKey, verify } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ClientSecretCredential,
  DefaultAzureCredential,
  EnvironmentCredential,
  WorkloadIdentityCredential,
  type TokenCredential,
} from "@azure/identity";
import { claimsOf, send, startIdentityServer, TENANT_ID, withIdentityEnv, type IdentityServer } from "./fixture";

const CLIENT_ID = "6f1b5c1e-1d9a-4d2e-9a57-3b0d1c2e4f50";
const SECRET = "emulator-test-secret-value";
const WORKLOAD_CLIENT_ID = "0c7a0bd5-4b61-4f6c-a6a8-7b3c0f7f3e21";
const FEDERATED_ISSUER = "https://oidc.prod-aks.azure.com/7c9a3b4e/";
const FEDERATED_SUBJECT = "system:serviceaccount:ci:deployer";
const ARM_SCOPE = "https://management.azure.com/.default";

/** An unsigned-looking federated token (the emulator checks its claims, not its signature). */
function federatedToken(claims: Record<string, unknown>): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${part({ alg: "RS256", typ: "JWT", kid: "k8s" })}.${part(claims)}.c2lnbmF0dXJl`;
}

describe("emulator identity: Entra ID surface", () => {
  let server: IdentityServer;
  let tempDir: string;
  before(async () => {
    tempDir = mkdtempSync(join(tmpdir(), "acr-tokens-entra-"));
    server = await startIdentityServer({
      principals: [
        { clientId: CLIENT_ID, clientSecret: SECRET },
        {
          clientId: WORKLOAD_CLIENT_ID,
          federatedCredentials: [{ issuer: FEDERATED_ISSUER, subject: FEDERATED_SUBJECT }],
        },
      ],
    });
  });
  after(async () => {
    await server.close();
    rmSync(tempDir, { recursive: true, force: true });
  });

  function clientSecretCredential(secret = SECRET, clientId = CLIENT_ID, tenantId = TENANT_ID): ClientSecretCredential {
    return new ClientSecretCredential(tenantId, clientId, secret, {
      authorityHost: server.url,
      disableInstanceDiscovery: true,
      tlsOptions: { ca: server.ca },
    });
  }

  /** getToken's rejection message, asserting it never repeats the secret. */
  async function rejection(credential: TokenCredential, scope = ARM_SCOPE): Promise<string> {
    const err = await credential.getToken(scope).then(
      () => assert.fail("getToken should have been refused"),
      (e: unknown) => e as Error,
    );
    assert.ok(!err.message.includes(SECRET), "the error repeats the client secret");
    return err.message;
  }

  it("serves ClientSecretCredential: OIDC discovery then the token endpoint, and the token passes authenticate", async () => {
    const before = server.requests.length;
    const entraBefore = server.identity.stats?.entra ?? 0;
    const token = await clientSecretCredential().getToken(ARM_SCOPE);
    assert.deepEqual(server.requests.slice(before), [
      { method: "GET", path: `/${TENANT_ID}/v2.0/.well-known/openid-configuration` },
      { method: "POST", path: `/${TENANT_ID}/oauth2/v2.0/token` },
    ]);
    const claims = claimsOf(token.token);
    assert.equal(claims.aud, "https://management.azure.com");
    assert.equal(claims.iss, `https://sts.windows.net/${TENANT_ID}/`);
    assert.equal(claims.appid, CLIENT_ID);
    assert.equal(claims.azp, CLIENT_ID);
    assert.equal(claims.appidacr, "1");
    assert.equal(claims.idtyp, "app");
    assert.equal(claims.ver, "1.0");
    assert.equal(claims.iat, Date.parse("2026-11-23T01:00:00Z") / 1000, "timed by the emulator clock");
    assert.equal((claims.exp as number) - (claims.iat as number), 3599);
    // MSAL computes expiresOnTimestamp from expires_in on the real clock.
    assert.ok(Math.abs(token.expiresOnTimestamp - Date.now() - 3599_000) < 60_000);
    assert.equal(server.identity.stats?.entra, entraBefore + 1);
    const principal = server.identity.authenticate(`Bearer ${token.token}`, TENANT_ID);
    assert.deepEqual(principal, { objectId: claims.oid, tenantId: TENANT_ID, clientId: CLIENT_ID, kind: "servicePrincipal" });
  });

  it("issues the az CLI's audience for https://management.core.windows.net//.default", async () => {
    const token = await clientSecretCredential().getToken("https://management.core.windows.net//.default");
    assert.equal(claimsOf(token.token).aud, "https://management.core.windows.net/");
  });

  it("refuses a wrong client secret with invalid_client AADSTS7000215", async () => {
    const message = await rejection(clientSecretCredential("not-the-secret"));
    assert.match(message, /AADSTS7000215: Invalid client secret provided\./);
    assert.match(message, new RegExp(`for a secret added to app '${CLIENT_ID}'`));
  });

  it("refuses an unknown client with unauthorized_client AADSTS700016", async () => {
    const unknown = "1d0c7d29-8c2e-4a43-9a0e-9e0f2b0a7c11";
    const message = await rejection(clientSecretCredential(SECRET, unknown));
    assert.match(message, new RegExp(`AADSTS700016: Application with identifier '${unknown}' was not found in the directory '${TENANT_ID}'`));
  });

  it("refuses a scope that is not an ARM /.default scope with invalid_scope AADSTS70011", async () => {
    // The pitfall of an ARM client built with a local endpoint and no credentials.scopes.
    assert.match(await rejection(clientSecretCredential(), `${server.url}/.default`), /AADSTS70011: .*resource '.*' is not served by this emulator/);
    assert.match(await rejection(clientSecretCredential(), "https://management.azure.com/user_impersonation"), /AADSTS70011: /);
  });

  it("answers discovery for an unknown tenant with invalid_tenant AADSTS90002", async () => {
    const other = "3f2b9c0e-5b0a-4a8e-9c5d-0f4a1b2c3d4e";
    const doc = await send(server, "GET", `/${other}/v2.0/.well-known/openid-configuration`);
    assert.equal(doc.status, 400);
    assert.equal(doc.json.error, "invalid_tenant");
    assert.deepEqual(doc.json.error_codes, [90002]);
    assert.match(String(doc.json.error_description), new RegExp(`^AADSTS90002: Tenant '${other}' not found\\.`));
    // Broken percent-encoding in the tenant segment is an unknown tenant, not a server error.
    const broken = await send(server, "POST", "/%E0%A4%A/oauth2/v2.0/token", { form: { grant_type: "client_credentials" } });
    assert.deepEqual([broken.status, broken.json.error, broken.json.error_codes], [400, "invalid_request", [90002]]);
  });

  it("answers token-endpoint misuse with Entra's error bodies", async () => {
    const path = `/${TENANT_ID}/oauth2/v2.0/token`;
    const form = { grant_type: "client_credentials", client_id: CLIENT_ID, scope: ARM_SCOPE };
    const cases: Array<[string, Awaited<ReturnType<typeof send>>, number, string, number]> = [
      ["GET", await send(server, "GET", path), 400, "invalid_request", 900561],
      ["JSON body", await send(server, "POST", path, { body: JSON.stringify(form), headers: { "content-type": "application/json" } }), 400, "invalid_request", 900144],
      ["password grant", await send(server, "POST", path, { form: { ...form, grant_type: "password" } }), 400, "unsupported_grant_type", 70003],
      ["no client_id", await send(server, "POST", path, { form: { grant_type: "client_credentials", scope: ARM_SCOPE, client_secret: SECRET } }), 400, "invalid_request", 900144],
      ["no scope", await send(server, "POST", path, { form: { grant_type: "client_credentials", client_id: CLIENT_ID, client_secret: SECRET } }), 400, "invalid_request", 900144],
      ["two resources", await send(server, "POST", path, { form: { ...form, scope: `${ARM_SCOPE} https://graph.microsoft.com/.default`, client_secret: SECRET } }), 400, "invalid_scope", 70011],
      ["no credential", await send(server, "POST", path, { form }), 401, "invalid_client", 7000218],
      ["unregistered client", await send(server, "POST", path, { form: { ...form, client_id: "not-registered", client_secret: SECRET } }), 400, "unauthorized_client", 700016],
    ];
    for (const [name, res, status, error, code] of cases) {
      assert.equal(res.status, status, name);
      assert.equal(res.json.error, error, name);
      assert.deepEqual(res.json.error_codes, [code], name);
      assert.match(String(res.json.error_description), new RegExp(`^AADSTS${code}: .*\\r\\nTrace ID: [0-9a-f-]{36}\\r\\nCorrelation ID: `), name);
      assert.equal(res.headers["cache-control"], "no-store, no-cache", name);
      assert.ok(!res.text.includes(SECRET), `${name}: body repeats the secret`);
    }
  });

  it("publishes OIDC documents on its own origin and a JWKS that verifies issued tokens", async () => {
    const v2 = (await send(server, "GET", `/${TENANT_ID}/v2.0/.well-known/openid-configuration`)).json;
    assert.equal(v2.issuer, `${server.url}/${TENANT_ID}/v2.0`);
    assert.equal(v2.token_endpoint, `${server.url}/${TENANT_ID}/oauth2/v2.0/token`);
    assert.equal(v2.authorization_endpoint, `${server.url}/${TENANT_ID}/oauth2/v2.0/authorize`);
    assert.equal(v2.jwks_uri, `${server.url}/${TENANT_ID}/discovery/v2.0/keys`);
    const v1 = (await send(server, "GET", `/${TENANT_ID}/.well-known/openid-configuration`)).json;
    assert.equal(v1.token_endpoint, `${server.url}/${TENANT_ID}/oauth2/token`);
    assert.equal(v1.jwks_uri, `${server.url}/${TENANT_ID}/discovery/keys`);

    const token = server.identity.issueToken();
    const [h, p, s] = token.split(".") as [string, string, string];
    const header = JSON.parse(Buffer.from(h, "base64url").toString()) as { kid: string; alg: string; typ: string };
    assert.equal(header.alg, "RS256");
    assert.equal(header.typ, "JWT");
    for (const keysPath of [new URL(String(v2.jwks_uri)).pathname, `/${TENANT_ID}/discovery/keys`, "/adfs/discovery/keys"]) {
      const jwks = (await send(server, "GET", keysPath)).json as { keys: Array<Record<string, string>> };
      const jwk = jwks.keys.find((k) => k.kid === header.kid);
      assert.ok(jwk, `${keysPath} lists the token's kid`);
      assert.deepEqual([jwk.kty, jwk.use, jwk.alg], ["RSA", "sig", "RS256"]);
      const key = createPublicKey({ key: { kty: "RSA", n: jwk.n, e: jwk.e }, format: "jwk" });
      assert.ok(verify("sha256", Buffer.from(`${h}.${p}`), key, Buffer.from(s, "base64url")));
    }
  });

  it("accepts the client id and secret in an HTTP Basic header (client_secret_basic)", async () => {
    const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString("base64")}`;
    const path = `/${TENANT_ID}/oauth2/v2.0/token`;
    const ok = await send(server, "POST", path, {
      headers: { authorization: basic(CLIENT_ID, SECRET) },
      form: { grant_type: "client_credentials", scope: ARM_SCOPE },
    });
    assert.equal(ok.status, 200);
    assert.equal(claimsOf(String(ok.json.access_token)).appid, CLIENT_ID);
    const wrong = await send(server, "POST", path, {
      headers: { authorization: basic(CLIENT_ID, "wrong") },
      form: { grant_type: "client_credentials", scope: ARM_SCOPE },
    });
    assert.deepEqual([wrong.status, wrong.json.error_codes], [401, [7000215]]);
  });

  it("serves the v1 token endpoint (resource parameter) with string lifetimes", async () => {
    const res = await send(server, "POST", `/${TENANT_ID}/oauth2/token`, {
      form: { grant_type: "client_credentials", client_id: CLIENT_ID, client_secret: SECRET, resource: "https://management.core.windows.net/" },
    });
    assert.equal(res.status, 200);
    const t0 = Date.parse("2026-11-23T01:00:00Z") / 1000;
    assert.deepEqual(
      { ...res.json, access_token: typeof res.json.access_token },
      {
        token_type: "Bearer",
        expires_in: "3599",
        ext_expires_in: "3599",
        expires_on: String(t0 + 3599),
        not_before: String(t0),
        resource: "https://management.core.windows.net/",
        access_token: "string",
      },
    );
  });

  it("serves the ADFS form the Azure CLI 2.45 uses for service-principal login", async () => {
    for (const docPath of ["/adfs/.well-known/openid-configuration", "/adfs/adfs/.well-known/openid-configuration"]) {
      const doc = (await send(server, "GET", docPath)).json;
      assert.equal(doc.issuer, `${server.url}/adfs`, docPath);
      assert.equal(doc.token_endpoint, `${server.url}/adfs/oauth2/token`, docPath);
      assert.equal(doc.authorization_endpoint, `${server.url}/adfs/oauth2/authorize`, docPath);
    }
    const adfsBefore = server.identity.stats?.adfs ?? 0;
    const res = await send(server, "POST", "/adfs/oauth2/token", {
      form: {
        client_id: CLIENT_ID,
        grant_type: "client_credentials",
        client_secret: SECRET,
        scope: "https://management.core.windows.net//.default",
        claims: '{"access_token": {"xms_cc": {"values": ["CP1"]}}}',
      },
    });
    assert.equal(res.status, 200);
    assert.equal(res.json.token_type, "bearer");
    assert.equal(res.json.expires_in, 3599);
    const token = String(res.json.access_token);
    assert.equal(claimsOf(token).tid, TENANT_ID);
    assert.equal(claimsOf(token).aud, "https://management.core.windows.net/");
    assert.ok(!("status" in server.identity.authenticate(`Bearer ${token}`, TENANT_ID)));
    assert.equal(server.identity.stats?.adfs, adfsBefore + 1);

    const wrong = await send(server, "POST", "/adfs/oauth2/token", {
      form: { client_id: CLIENT_ID, grant_type: "client_credentials", client_secret: "wrong", scope: "https://management.core.windows.net//.default" },
    });
    assert.equal(wrong.status, 401);
    assert.deepEqual(wrong.json.error_codes, [7000215]);
  });

  it("serves WorkloadIdentityCredential with a federated token file", async () => {
    const file = join(tempDir, "federated-token");
    const exp = Date.parse("2026-11-23T02:00:00Z") / 1000;
    writeFileSync(file, `${federatedToken({ iss: FEDERATED_ISSUER, sub: FEDERATED_SUBJECT, aud: ["api://AzureADTokenExchange"], exp })}\n`);
    const credential = new WorkloadIdentityCredential({
      tenantId: TENANT_ID,
      clientId: WORKLOAD_CLIENT_ID,
      tokenFilePath: file,
      authorityHost: server.url,
      disableInstanceDiscovery: true,
      tlsOptions: { ca: server.ca },
    });
    const token = await credential.getToken(ARM_SCOPE);
    const claims = claimsOf(token.token);
    assert.equal(claims.appid, WORKLOAD_CLIENT_ID);
    assert.equal(claims.appidacr, "2", "assertion-authenticated");
    assert.ok(!("status" in server.identity.authenticate(`Bearer ${token.token}`, TENANT_ID)));
  });

  it("refuses federated assertions whose subject, audience or validity does not match", async () => {
    const path = `/${TENANT_ID}/oauth2/v2.0/token`;
    const exp = Date.parse("2026-11-23T02:00:00Z") / 1000;
    const attempt = (claims: Record<string, unknown>, type = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer") =>
      send(server, "POST", path, {
        form: {
          grant_type: "client_credentials",
          client_id: WORKLOAD_CLIENT_ID,
          scope: ARM_SCOPE,
          client_assertion_type: type,
          client_assertion: federatedToken(claims),
        },
      });
    const good = { iss: FEDERATED_ISSUER, sub: FEDERATED_SUBJECT, aud: "api://AzureADTokenExchange", exp };
    assert.equal((await attempt(good)).status, 200);
    const wrongSubject = await attempt({ ...good, sub: "system:serviceaccount:ci:other" });
    assert.deepEqual([wrongSubject.status, wrongSubject.json.error_codes], [400, [70021]]);
    assert.match(String(wrongSubject.json.error_description), /Assertion Subject: 'system:serviceaccount:ci:other'/);
    assert.deepEqual((await attempt({ ...good, aud: "api://other" })).json.error_codes, [70021]);
    assert.deepEqual((await attempt({ ...good, exp: Date.parse("2026-11-23T00:59:59Z") / 1000 })).json.error_codes, [700024]);
    assert.deepEqual((await attempt(good, "urn:other")).json.error_codes, [700025]);
    // The secret-only principal trusts no federated credential.
    const secretOnly = await send(server, "POST", path, {
      form: { grant_type: "client_credentials", client_id: CLIENT_ID, scope: ARM_SCOPE, client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", client_assertion: federatedToken(good) },
    });
    assert.deepEqual(secretOnly.json.error_codes, [70021]);
  });

  it("serves EnvironmentCredential and DefaultAzureCredential from AZURE_* variables", async () => {
    const env = {
      AZURE_TENANT_ID: TENANT_ID,
      AZURE_CLIENT_ID: CLIENT_ID,
      AZURE_CLIENT_SECRET: SECRET,
      AZURE_AUTHORITY_HOST: server.url,
    };
    await withIdentityEnv(env, async () => {
      const options = { disableInstanceDiscovery: true, tlsOptions: { ca: server.ca } };
      for (const credential of [new EnvironmentCredential(options), new DefaultAzureCredential(options)]) {
        const token = await credential.getToken(ARM_SCOPE);
        assert.equal(claimsOf(token.token).appid, CLIENT_ID);
      }
    });
  });
});
