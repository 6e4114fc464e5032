import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { promisify } from "node:util";
import { ARM_PROBE_PATH, claimsOf, send, startIdentityServer, TENANT_ID, type IdentityServer, type SeenRequest } from "./fixture";
import type { Outcome, Scenario } from "./managedIdentityChild";

const execFileAsync = promisify(execFile);

const SYSTEM_ASSIGNED = "5d0a7e1c-0f3b-4c55-8c1d-2b7e9f4a6c30";
const RESOURCE_ID =
  "/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/rg-ci/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-deployer";
const T0 = Date.parse("2026-11-23T01:00:00Z") / 1000;

describe("emulator identity: managed identity endpoints", () => {
  let server: IdentityServer;
  let userAssigned: string;
  let byResourceId: string;
  let byObjectId: { clientId: string; objectId: string };
  before(async () => {
    userAssigned = randomUUID();
    byResourceId = randomUUID();
    byObjectId = { clientId: randomUUID(), objectId: randomUUID() };
    server = await startIdentityServer({
      principals: [
        { clientId: SYSTEM_ASSIGNED, managedIdentity: true },
        { clientId: userAssigned, managedIdentity: true },
        { clientId: byResourceId, managedIdentity: true, resourceId: RESOURCE_ID },
        { clientId: byObjectId.clientId, objectId: byObjectId.objectId, managedIdentity: true },
      ],
    });
  });
  after(() => server.close());

  describe("through ManagedIdentityCredential (App Service variables), in a child process", function () {
    // A spawned node process with ts-node (see managedIdentityChild.ts for why MSAL needs a fresh
    // process): one to two seconds on 2 cores.
    this.timeout(30_000);
    let outcomes: Outcome[];
    let seen: SeenRequest[];
    let appServiceCount: number;
    const unknownClientId = randomUUID();
    const scenarios: Scenario[] = [];
    before(async () => {
      scenarios.push(
        { clientId: userAssigned, scope: "https://management.azure.com/.default" },
        { resourceId: RESOURCE_ID, scope: "https://management.azure.com/.default" },
        { objectId: byObjectId.objectId, scope: "https://management.core.windows.net//.default" },
        { clientId: unknownClientId, scope: "https://management.azure.com/.default" },
      );
      const before = server.requests.length;
      const appServiceBefore = server.identity.stats?.appService ?? 0;
      const inherited = Object.fromEntries(
        Object.entries(process.env).filter(([name]) => !/^(AZURE_|IDENTITY_|MSI_|IMDS_|ACR_TOKENS_)/.test(name)),
      );
      const { stdout } = await execFileAsync(
        process.execPath,
        ["-r", "ts-node/register", join(__dirname, "managedIdentityChild.ts"), JSON.stringify(scenarios)],
        {
          cwd: join(__dirname, "..", "..", ".."),
          env: {
            ...inherited,
            IDENTITY_ENDPOINT: `${server.url}/msi/token`,
            IDENTITY_HEADER: server.identity.managedIdentityHeader ?? "",
            ACR_TOKENS_TEST_CA: server.ca,
            ACR_TOKENS_TEST_PROBE: `${server.url}${ARM_PROBE_PATH}`,
          },
        },
      );
      outcomes = JSON.parse(stdout) as Outcome[];
      seen = server.requests.slice(before);
      appServiceCount = (server.identity.stats?.appService ?? 0) - appServiceBefore;
    });

    function success(i: number): Extract<Outcome, { ok: true }> {
      const o = outcomes[i];
      assert.ok(o?.ok, `scenario ${i} failed: ${o && !o.ok ? o.message : "no outcome"}`);
      return o;
    }

    it("sends one GET to IDENTITY_ENDPOINT per token and counts them as App Service issuance", () => {
      assert.deepEqual(
        seen.filter((r) => r.path !== ARM_PROBE_PATH),
        scenarios.map(() => ({ method: "GET", path: "/msi/token" })),
      );
      assert.equal(appServiceCount, 3, "three identities exist, the fourth is unknown");
    });

    it("issues a user-assigned identity's token (by client id) that ARM validation accepts", () => {
      const { claims, expiresOnTimestamp, probe } = success(0);
      assert.equal(claims.appid, userAssigned);
      assert.equal(claims.tid, TENANT_ID);
      assert.equal(claims.aud, "https://management.azure.com");
      assert.equal(claims.exp, T0 + 86399);
      // MSAL turns expires_on into a lifetime on the real clock and back, which may lose a second.
      assert.ok(Math.abs(expiresOnTimestamp - (T0 + 86399) * 1000) <= 1000, "expires_on comes from the emulator clock");
      assert.deepEqual(probe, {
        status: 200,
        body: { objectId: claims.oid, tenantId: TENANT_ID, clientId: userAssigned, kind: "managedIdentity" },
      });
    });

    it("selects a user-assigned identity by ARM resource id (xms_mirid) or by object id", () => {
      const byResource = success(1);
      assert.equal(byResource.claims.appid, byResourceId);
      assert.equal(byResource.claims.xms_mirid, RESOURCE_ID);
      const byObject = success(2);
      assert.equal(byObject.claims.oid, byObjectId.objectId);
      assert.equal(byObject.claims.aud, "https://management.core.windows.net/");
      assert.equal(byObject.probe.status, 200);
    });

    it("reports an unknown user-assigned identity with the endpoint's 'Identity not found'", () => {
      const o = outcomes[3];
      assert.ok(o && !o.ok, "the unknown identity got a token");
      assert.match(o.message, /Identity not found/);
    });
  });

  it("answers an unknown user-assigned identity with 400 'Identity not found'", async () => {
    const raw = await send(server, "GET", `/msi/token?api-version=2019-08-01&resource=https://management.azure.com/&client_id=${randomUUID()}`, {
      headers: { "x-identity-header": server.identity.managedIdentityHeader ?? "" },
    });
    assert.deepEqual([raw.status, raw.json], [400, { error: "invalid_request", error_description: "Identity not found" }]);
  });

  it("serves the system-assigned identity to the App Service GET when no id is given, in App Service's five fields", async () => {
    const res = await send(server, "GET", "/msi/token?api-version=2019-08-01&resource=https://management.core.windows.net/", {
      headers: { "x-identity-header": server.identity.managedIdentityHeader ?? "" },
    });
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.json).sort(), ["access_token", "client_id", "expires_on", "resource", "token_type"]);
    assert.deepEqual(
      { ...res.json, access_token: undefined },
      { access_token: undefined, expires_on: String(T0 + 86399), resource: "https://management.core.windows.net/", token_type: "Bearer", client_id: SYSTEM_ASSIGNED },
    );
    assert.equal(claimsOf(String(res.json.access_token)).aud, "https://management.core.windows.net/");
  });

  it("refuses the App Service GET without the right x-identity-header or api-version", async () => {
    const path = "/msi/token?api-version=2019-08-01&resource=https://management.azure.com/";
    const missing = await send(server, "GET", path);
    const wrong = await send(server, "GET", path, { headers: { "x-identity-header": "not-the-header-value" } });
    const oldApi = await send(server, "GET", path.replace("2019-08-01", "2017-09-01"), {
      headers: { "x-identity-header": server.identity.managedIdentityHeader ?? "" },
    });
    for (const [res, description] of [
      [missing, /'X-IDENTITY-HEADER' request header is missing/],
      [wrong, /'X-IDENTITY-HEADER' request header does not match/],
      [oldApi, /api-version '2017-09-01' is not supported by this endpoint; use api-version=2019-08-01/],
    ] as const) {
      assert.equal(res.status, 400);
      assert.equal(res.json.error, "invalid_request");
      assert.match(String(res.json.error_description), description);
      assert.ok(!("access_token" in res.json));
    }
  });

  it("serves the Azure CLI's MSI_ENDPOINT POST (form resource=..., Metadata: true) with a JWT carrying tid", async () => {
    const cloudShellBefore = server.identity.stats?.cloudShell ?? 0;
    const res = await send(server, "POST", "/msi/token", {
      headers: { Metadata: "true" },
      form: { resource: "https://management.core.windows.net/" },
    });
    assert.equal(res.status, 200);
    assert.deepEqual(
      { ...res.json, access_token: typeof res.json.access_token },
      {
        access_token: "string",
        client_id: SYSTEM_ASSIGNED,
        expires_in: "86399",
        expires_on: String(T0 + 86399),
        ext_expires_in: "86399",
        not_before: String(T0),
        resource: "https://management.core.windows.net/",
        token_type: "Bearer",
      },
    );
    assert.equal(claimsOf(String(res.json.access_token)).tid, TENANT_ID);
    assert.equal(server.identity.stats?.cloudShell, cloudShellBefore + 1);
    const userAssignedForm = await send(server, "POST", "/msi/token", {
      headers: { Metadata: "true" },
      form: { resource: "https://management.core.windows.net/", msi_res_id: RESOURCE_ID.toLowerCase() },
    });
    assert.equal(userAssignedForm.json.client_id, byResourceId, "resource ids compare case-insensitively");
    const noMetadata = await send(server, "POST", "/msi/token", { form: { resource: "https://management.core.windows.net/" } });
    assert.deepEqual([noMetadata.status, noMetadata.json], [400, { error: "invalid_request", error_description: "Required metadata header not specified" }]);
  });

  it("serves the IMDS path with and without MSAL's trailing slash", async () => {
    const imdsBefore = server.identity.stats?.imds ?? 0;
    for (const path of ["/metadata/identity/oauth2/token", "/metadata/identity/oauth2/token/"]) {
      const res = await send(server, "GET", `${path}?api-version=2018-02-01&resource=https://management.azure.com/&client_id=${userAssigned}`, {
        headers: { Metadata: "true" },
      });
      assert.equal(res.status, 200, path);
      assert.equal(res.json.client_id, userAssigned);
      assert.equal(res.json.token_type, "Bearer");
    }
    assert.equal(server.identity.stats?.imds, imdsBefore + 2);
    const noHeader = await send(server, "GET", "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://management.azure.com/");
    assert.equal(noHeader.json.error_description, "Required metadata header not specified");
    const noApiVersion = await send(server, "GET", "/metadata/identity/oauth2/token?resource=https://management.azure.com/", { headers: { Metadata: "true" } });
    assert.equal(noApiVersion.status, 400);
    const noResource = await send(server, "GET", "/metadata/identity/oauth2/token?api-version=2018-02-01", { headers: { Metadata: "true" } });
    assert.deepEqual([noResource.status, noResource.json.error_description], [400, "Required audience parameter not specified"]);
  });

  it("refuses a resource other than ARM with invalid_resource AADSTS500011", async () => {
    const res = await send(server, "GET", `/metadata/identity/oauth2/token?api-version=2018-02-01&resource=${encodeURIComponent(server.url)}`, {
      headers: { Metadata: "true" },
    });
    assert.equal(res.status, 400);
    assert.equal(res.json.error, "invalid_resource");
    assert.match(String(res.json.error_description), new RegExp(`^AADSTS500011: The resource principal named ${server.url} was not found in the tenant named ${TENANT_ID}\\.`));
  });

  it("refuses other methods, and managed identities on the client-credentials endpoint", async () => {
    const put = await send(server, "PUT", "/msi/token");
    assert.deepEqual([put.status, put.headers.allow], [405, "GET, POST"]);
    const post = await send(server, "POST", "/metadata/identity/oauth2/token", { headers: { Metadata: "true" } });
    assert.deepEqual([post.status, post.headers.allow], [405, "GET"]);
    const asClient = await send(server, "POST", `/${TENANT_ID}/oauth2/v2.0/token`, {
      form: { grant_type: "client_credentials", client_id: SYSTEM_ASSIGNED, client_secret: "guess", scope: "https://management.azure.com/.default" },
    });
    assert.deepEqual([asClient.status, asClient.json.error_codes], [400, [700016]]);
  });

  it("answers 'Identity not found' when the emulator has no managed identity", async () => {
    const bare = await startIdentityServer();
    try {
      const res = await send(bare, "POST", "/msi/token", { headers: { Metadata: "true" }, form: { resource: "https://management.azure.com/" } });
      assert.deepEqual([res.status, res.json.error_description], [400, "Identity not found"]);
      assert.equal(bare.identity.stats?.cloudShell, 0);
    } finally {
      await bare.close();
    }
  });

  it("leaves paths that are not identity routes to the pipeline", async () => {
    for (const path of ["/subscriptions", "/msi", "/metadata/endpoints", `/${TENANT_ID}/oauth2/v2.0/authorize`]) {
      assert.equal((await send(server, "GET", path)).status, 404, path);
    }
  });
});
