import assert from "node:assert/strict";
import {
  ACR_REGISTRY_API_VERSIONS,
  ACR_TOKEN_API_VERSIONS,
  METADATA_API_VERSIONS,
  RESOURCES_API_VERSIONS,
  SUBSCRIPTIONS_API_VERSIONS,
} from "acr-tokens-emulator";
import { armClient, emulatorCredential, FAST_LRO, rawRequest, useEmulator } from "../../testing/emulator";

const RG = "srv-rg";
const REG = "srvregistry";

const CLIENT_SECRET = "log-canary-client-secret-0123456789";

describe("emulator pipeline", () => {
  const emu = useEmulator({
    seed: {
      resourceGroups: [{ name: RG }],
      registries: [{ resourceGroup: RG, name: REG, sku: "Premium" }],
      principals: [{ clientId: "11111111-aaaa-4bbb-8ccc-000000000001", clientSecret: CLIENT_SECRET }],
    },
  });
  const base = () => `/subscriptions/${emu().subscriptionId}/resourceGroups/${RG}/providers/Microsoft.ContainerRegistry/registries/${REG}`;

  describe("api-versions", () => {
    it("accepts every listed version on each route family, including those the SDK, az 2.45 and the recordings send", async () => {
      for (const v of ["2025-11-01", "2020-11-01-preview", "2019-05-01-preview", "2021-06-01-preview", "2021-08-01-preview", "2022-12-01"]) {
        assert.ok((ACR_TOKEN_API_VERSIONS as readonly string[]).includes(v), v);
      }
      assert.ok((ACR_REGISTRY_API_VERSIONS as readonly string[]).includes("2022-02-01-preview"));
      for (const v of ["2021-04-01", "2022-09-01"]) assert.ok((RESOURCES_API_VERSIONS as readonly string[]).includes(v));
      assert.ok((SUBSCRIPTIONS_API_VERSIONS as readonly string[]).includes("2019-11-01"));
      assert.ok((METADATA_API_VERSIONS as readonly string[]).includes("2015-01-01"));
      const checks: Array<[string, readonly string[]]> = [
        [`${base()}/tokens`, ACR_TOKEN_API_VERSIONS],
        [`${base()}/scopeMaps`, ACR_TOKEN_API_VERSIONS],
        [base(), ACR_REGISTRY_API_VERSIONS],
        [`/subscriptions/${emu().subscriptionId}/resources`, RESOURCES_API_VERSIONS],
        [`/subscriptions/${emu().subscriptionId}/resourcegroups/${RG}`, RESOURCES_API_VERSIONS],
        ["/subscriptions", SUBSCRIPTIONS_API_VERSIONS],
      ];
      for (const [path, versions] of checks) {
        for (const v of versions) {
          const res = await rawRequest(emu(), "GET", `${path}?api-version=${v}`);
          assert.equal(res.status, 200, `${path} ${v}: ${res.text}`);
        }
      }
    });

    it("drives the SDK on an older stable version when asked (apiVersion 2022-12-01)", async () => {
      const client = armClient(emu(), undefined, { apiVersion: "2022-12-01" });
      const map = await client.scopeMaps.create(RG, REG, "old-version", { actions: ["repositories/a/content/read"] }, FAST_LRO);
      assert.equal(map.provisioningState, "Succeeded");
      assert.equal(emu().requests.filter((r) => r.operation === "scopeMaps.create").at(-1)?.apiVersion, "2022-12-01");
    });

    it("refuses a missing api-version with MissingApiVersionParameter", async () => {
      const res = await rawRequest(emu(), "GET", `${base()}/tokens`);
      assert.equal(res.status, 400);
      assert.deepEqual(res.json(), { error: { code: "MissingApiVersionParameter", message: "The api-version query parameter (?api-version=) is required for all requests." } });
    });

    it("refuses an unknown api-version ARM-style: NoRegisteredProviderFound on ACR routes, InvalidApiVersionParameter on Microsoft.Resources", async () => {
      const acr = await rawRequest(emu(), "GET", `${base()}/tokens?api-version=2099-01-01`);
      assert.equal(acr.status, 400);
      const e = (acr.json() as { error: { code: string; message: string } }).error;
      assert.equal(e.code, "NoRegisteredProviderFound");
      assert.match(e.message, /API version '2099-01-01' for type 'registries\/tokens'.*2025-11-01/);
      const rg = await rawRequest(emu(), "GET", `/subscriptions/${emu().subscriptionId}/resourcegroups/${RG}?api-version=2025-11-01`);
      assert.equal(rg.status, 400);
      assert.equal((rg.json() as { error: { code: string } }).error.code, "InvalidApiVersionParameter");
    });

    it("advertises api-supported-versions on ACR routes only: the full list on token and scope-map routes", async () => {
      const acr = await rawRequest(emu(), "GET", `${base()}/scopeMaps?api-version=2020-11-01-preview`);
      assert.match(String(acr.headers["api-supported-versions"]), /^2019-05-01-preview, 2020-11-01-preview, .*2025-11-01$/);
      const reg = await rawRequest(emu(), "GET", `${base()}?api-version=2021-06-01-preview`);
      assert.equal(reg.headers["api-supported-versions"], "2021-06-01-preview", "registry routes name the requested version alone, as recorded");
      const rg = await rawRequest(emu(), "GET", `/subscriptions/${emu().subscriptionId}/resourcegroups/${RG}?api-version=2021-04-01`);
      assert.equal(rg.headers["api-supported-versions"], undefined);
    });

    it("sends ARM's front-door headers (no-cache, nosniff, HSTS, rate-limit counters on writes and deletes)", async () => {
      const get = await rawRequest(emu(), "GET", `${base()}/scopeMaps?api-version=2025-11-01`);
      assert.equal(get.headers["cache-control"], "no-cache");
      assert.equal(get.headers["x-content-type-options"], "nosniff");
      assert.equal(get.headers["strict-transport-security"], "max-age=31536000; includeSubDomains");
      assert.equal(get.headers["x-ms-ratelimit-remaining-subscription-writes"], undefined);
      const put = await rawRequest(emu(), "PUT", `${base()}/scopeMaps/header-map?api-version=2025-11-01`, { body: JSON.stringify({ properties: { actions: ["repositories/a/content/read"] } }) });
      assert.match(String(put.headers["x-ms-ratelimit-remaining-subscription-writes"]), /^\d+$/);
      const del = await rawRequest(emu(), "DELETE", `${base()}/scopeMaps/header-map?api-version=2025-11-01`);
      assert.match(String(del.headers["x-ms-ratelimit-remaining-subscription-deletes"]), /^\d+$/);
    });
  });

  describe("headers and errors", () => {
    it("sends x-ms-request-id and x-ms-correlation-request-id on every response (success, ARM error, identity route, unknown path)", async () => {
      const paths: Array<[string, string]> = [
        ["GET", `${base()}/tokens?api-version=2025-11-01`],
        ["GET", `${base()}/tokens/missing-one?api-version=2025-11-01`],
        ["GET", `/${emu().tenantId}/v2.0/.well-known/openid-configuration`],
        ["GET", "/no/such/path"],
      ];
      const ids = new Set<string>();
      for (const [method, path] of paths) {
        const res = await rawRequest(emu(), method, path, { headers: { "x-ms-correlation-request-id": "corr-123" } });
        const id = String(res.headers["x-ms-request-id"]);
        assert.match(id, /^[0-9a-f-]{36}$/, path);
        ids.add(id);
        assert.equal(res.headers["x-ms-correlation-request-id"], "corr-123", path);
      }
      assert.equal(ids.size, paths.length, "request ids are unique");
    });

    it("dates every answer by the emulator clock", async () => {
      emu().clock.set("2031-02-03T04:05:06Z");
      try {
        const set = Date.parse("2031-02-03T04:05:06Z");
        const arm = await rawRequest(emu(), "GET", "/metadata/endpoints?api-version=2015-01-01", { token: null });
        const entra = await rawRequest(emu(), "GET", `/${emu().tenantId}/v2.0/.well-known/openid-configuration`, { token: null });
        for (const res of [arm, entra]) {
          const at = Date.parse(String(res.headers.date));
          assert.ok(at >= set && at - set < 60_000, `Date ${String(res.headers.date)} is not the emulator's 2031 time`);
        }
      } finally {
        emu().clock.set(new Date());
      }
    });

    it("answers unknown paths with 404 and known paths with a wrong method with 405, both ARM-shaped", async () => {
      const none = await rawRequest(emu(), "GET", `/subscriptions/${emu().subscriptionId}/providers/Microsoft.Compute/virtualMachines?api-version=2025-11-01`);
      assert.equal(none.status, 404);
      assert.equal((none.json() as { error: { code: string } }).error.code, "InvalidResourceType");
      const method = await rawRequest(emu(), "POST", `${base()}/tokens/some-token?api-version=2025-11-01`, { body: "{}" });
      assert.equal(method.status, 405);
      assert.deepEqual(method.json(), { error: { code: "MethodNotAllowed", message: "The requested resource does not support http method 'POST'." } });
    });

    it("turns ARM errors into SDK RestErrors with the code, status and request id", async () => {
      const client = armClient(emu());
      await assert.rejects(client.tokens.get(RG, REG, "absent-token"), (e: { statusCode?: number; code?: string; message: string; response?: { headers: { get(n: string): string | undefined } } }) => {
        assert.equal(e.statusCode, 404);
        assert.equal(e.code, "ResourceNotFound");
        assert.match(e.message, /The resource absent-token could not be found\./);
        assert.match(e.response?.headers.get("x-ms-request-id") ?? "", /^[0-9a-f-]{36}$/);
        return true;
      });
    });
  });

  describe("identity", () => {
    it("requires a bearer token on ARM routes and answers the identity service's 401 as-is (code, message, WWW-Authenticate)", async () => {
      const none = await rawRequest(emu(), "GET", `${base()}/tokens?api-version=2025-11-01`, { token: null });
      assert.equal(none.status, 401);
      assert.equal((none.json() as { error: { code: string } }).error.code, "AuthenticationFailed");
      assert.match(String(none.headers["www-authenticate"]), /^Bearer authorization_uri=/);
      const expired = await rawRequest(emu(), "GET", `${base()}/tokens?api-version=2025-11-01`, { token: emu().issueToken({ expiresInSeconds: -600 }) });
      assert.equal(expired.status, 401);
      assert.equal((expired.json() as { error: { code: string } }).error.code, "ExpiredAuthenticationToken");
      const audience = await rawRequest(emu(), "GET", `${base()}/tokens?api-version=2025-11-01`, { token: emu().issueToken({ audience: "https://vault.azure.net" }) });
      assert.equal((audience.json() as { error: { code: string } }).error.code, "InvalidAuthenticationTokenAudience");
      const forged = await rawRequest(emu(), "GET", `${base()}/tokens?api-version=2025-11-01`, { token: emu().issueToken({ untrustedSignature: true }) });
      assert.equal(forged.status, 401);
    });

    it("rejects an SDK call whose token expired on the emulator clock", async () => {
      const client = armClient(emu(), emulatorCredential(emu(), { expiresInSeconds: -1 }));
      await assert.rejects(client.tokens.get(RG, REG, "any-token"), (e: { statusCode?: number; code?: string }) => e.statusCode === 401 && e.code === "ExpiredAuthenticationToken");
    });

    it("routes Entra ID and managed-identity paths to the identity service", async () => {
      const oidc = await rawRequest(emu(), "GET", `/${emu().tenantId}/v2.0/.well-known/openid-configuration`, { token: null });
      assert.equal(oidc.status, 200);
      assert.equal(emu().requests.at(-1)?.kind, "entra");
      const msi = await rawRequest(emu(), "GET", "/msi/token?resource=https://management.azure.com/&api-version=2019-08-01", { token: null });
      assert.ok(msi.status >= 400, "no identity header: refused by the identity service");
      assert.equal(emu().requests.at(-1)?.kind, "msi");
    });
  });

  describe("request log", () => {
    it("records method, path, api-version, status, principal, scheme, duration, request id and operation", async () => {
      const token = emu().issueToken({ objectId: "11111111-2222-3333-4444-555555555555" });
      await rawRequest(emu(), "GET", `${base()}/scopeMaps/_repositories_pull?api-version=2025-11-01&extra=1`, { token });
      const e = emu().requests.at(-1);
      assert.ok(e);
      assert.equal(e.method, "GET");
      assert.equal(e.path, `${base()}/scopeMaps/_repositories_pull`);
      assert.equal(e.apiVersion, "2025-11-01");
      assert.equal(e.status, 200);
      assert.equal(e.principal, "11111111-2222-3333-4444-555555555555");
      assert.equal(e.authScheme, "Bearer");
      assert.equal(e.kind, "arm");
      assert.equal(e.operation, "scopeMaps.get");
      assert.ok(e.durationMs >= 0);
      assert.match(e.requestId, /^[0-9a-f-]{36}$/);
    });

    it("authScheme never keeps characters of a header without a known scheme (a bare token)", async () => {
      const token = emu().issueToken({ objectId: "11111111-2222-3333-4444-555555555555" });
      for (const [header, scheme] of [
        [token, "(no scheme)"],
        [`${token.slice(0, 20)} ${token.slice(20)}`, "(unknown scheme)"],
        [`bearer ${token}`, "Bearer"],
        [`Basic ${Buffer.from("u:p").toString("base64")}`, "Basic"],
      ] as const) {
        await rawRequest(emu(), "GET", `${base()}/scopeMaps/_repositories_pull?api-version=2025-11-01`, { token: null, headers: { authorization: header } });
        const e = emu().requests.at(-1);
        assert.equal(e?.authScheme, scheme);
        assert.ok(!JSON.stringify(e).includes(token.slice(0, 8)), "the log kept characters of the token");
      }
    });

    it("never contains a bearer token, a password value or a client secret", async () => {
      const client = armClient(emu());
      const map = await client.scopeMaps.create(RG, REG, "log-map", { actions: ["repositories/a/content/read"] }, FAST_LRO);
      const t = await client.tokens.create(RG, REG, "log-token", { scopeMapId: map.id }, FAST_LRO);
      const gen = await client.registries.generateCredentials(RG, REG, { tokenId: t.id }, FAST_LRO);
      const token = emu().issueToken();
      await rawRequest(emu(), "GET", `${base()}/tokens/log-token?api-version=2025-11-01`, { token });
      const form = new URLSearchParams({
        grant_type: "client_credentials",
        client_id: "11111111-aaaa-4bbb-8ccc-000000000001",
        client_secret: CLIENT_SECRET,
        scope: "https://management.azure.com/.default",
      }).toString();
      const issued = await rawRequest(emu(), "POST", `/${emu().tenantId}/oauth2/v2.0/token`, { token: null, body: form, headers: { "content-type": "application/x-www-form-urlencoded" } });
      assert.equal(issued.status, 200, issued.status === 200 ? "" : "client-credentials grant refused");
      const spToken = (issued.json() as { access_token: string }).access_token;
      const log = JSON.stringify(emu().requests);
      for (const secret of [token, spToken, CLIENT_SECRET, ...(gen.passwords ?? []).map((p) => p.value ?? "")]) {
        assert.ok(secret.length > 20 && !log.includes(secret), "a secret leaked into the request log");
      }
      assert.ok(!log.includes(token.split(".")[2]), "no token signature either");
      assert.ok(!/authorization/i.test(log));
    });
  });

  describe("role assignments", () => {
    const strict = useEmulator({
      enforceRoleAssignments: true,
      seed: { resourceGroups: [{ name: RG }], registries: [{ resourceGroup: RG, name: REG, sku: "Premium" }] },
    });

    it("answers 403 AuthorizationFailed without an assignment and serves the call once a role covers the scope", async () => {
      const objectId = "22222222-3333-4444-5555-666666666666";
      const client = armClient(strict(), emulatorCredential(strict(), { objectId }));
      await assert.rejects(client.tokens.get(RG, REG, "any-token"), (e: { statusCode?: number; code?: string }) => e.statusCode === 403 && e.code === "AuthorizationFailed");
      strict().identity.assignRole({ principalObjectId: objectId, scope: `/subscriptions/${strict().subscriptionId}/resourceGroups/${RG}`, role: "Reader" });
      const maps: string[] = [];
      for await (const m of client.scopeMaps.list(RG, REG)) maps.push(m.name ?? "");
      assert.equal(maps.length, 3);
      await assert.rejects(client.scopeMaps.create(RG, REG, "reader-cannot", { actions: ["repositories/a/content/read"] }, FAST_LRO), (e: { statusCode?: number }) => e.statusCode === 403);
    });

    it("lets a registry-scoped AcrTokenManager run whole LROs (status and result URLs are not role-checked) and filters the resource list", async () => {
      const objectId = "33333333-4444-5555-6666-777777777777";
      const regId = `/subscriptions/${strict().subscriptionId}/resourceGroups/${RG}/providers/Microsoft.ContainerRegistry/registries/${REG}`;
      strict().identity.assignRole({ principalObjectId: objectId, scope: regId, role: "AcrTokenManager" });
      const client = armClient(strict(), emulatorCredential(strict(), { objectId }));
      const map = await client.scopeMaps.create(RG, REG, "mgr-map", { actions: ["repositories/a/content/read"] }, FAST_LRO);
      const token = await client.tokens.create(RG, REG, "mgr-token", { scopeMapId: map.id }, FAST_LRO);
      await client.tokens.update(RG, REG, "mgr-token", { status: "disabled" }, FAST_LRO);
      await client.registries.generateCredentials(RG, REG, { tokenId: token.id }, FAST_LRO);
      await client.tokens.delete(RG, REG, "mgr-token", FAST_LRO);
      await client.scopeMaps.delete(RG, REG, "mgr-map", FAST_LRO);
      await assert.rejects(client.registries.delete(RG, REG, FAST_LRO), (e: { statusCode?: number }) => e.statusCode === 403);
      const token2 = strict().issueToken({ objectId });
      const filter = encodeURIComponent("resourceType eq 'Microsoft.ContainerRegistry/registries'");
      const mine = await rawRequest(strict(), "GET", `/subscriptions/${strict().subscriptionId}/resources?$filter=${filter}&api-version=2021-04-01`, { token: token2 });
      assert.deepEqual((mine.json() as { value: Array<{ name: string }> }).value.map((r) => r.name), [REG]);
      const stranger = await rawRequest(strict(), "GET", `/subscriptions/${strict().subscriptionId}/resources?$filter=${filter}&api-version=2021-04-01`, { token: strict().issueToken({ objectId: "44444444-5555-6666-7777-888888888888" }) });
      assert.equal(stranger.status, 200);
      assert.deepEqual((stranger.json() as { value: unknown[] }).value, [], "ARM filters the generic list instead of refusing it");
    });
  });
});
