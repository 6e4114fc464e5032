import assert from "node:assert/strict";
import { armClient, FAST_LRO, rawRequest, useEmulator } from "../../../testing/emulator";

const RG = "maps-rg";
const REG = "mapsregistry";

describe("emulator scope maps", () => {
  // The in-progress LRO variant (one Updating poll), so the protocol's every step is seen.
  const emu = useEmulator({
    lro: { inProgressPolls: 1 },
    seed: {
      resourceGroups: [{ name: RG }],
      registries: [
        { resourceGroup: RG, name: REG, sku: "Premium" },
        { resourceGroup: RG, name: "mapsbasic", sku: "Basic" },
      ],
    },
  });
  const base = () => `/subscriptions/${emu().subscriptionId}/resourceGroups/${RG}/providers/Microsoft.ContainerRegistry/registries/${REG}`;

  it("creates a user map with PUT answering 200 synchronously, actions in the order sent, type UserDefined", async () => {
    const res = await rawRequest(emu(), "PUT", `${base()}/scopeMaps/app-readers?api-version=2020-11-01-preview`, {
      body: JSON.stringify({ properties: { actions: ["repositories/b/content/read", "repositories/a/content/read", "repositories/a/content/read"] } }),
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers["azure-asyncoperation"], undefined);
    const body = res.json() as { type: string; name: string; properties: Record<string, unknown> };
    assert.equal(body.type, "Microsoft.ContainerRegistry/registries/scopeMaps");
    assert.deepEqual(Object.keys(body.properties), ["type", "creationDate", "provisioningState", "actions"]);
    assert.equal(body.properties.type, "UserDefined");
    assert.equal(body.properties.provisioningState, "Succeeded");
    assert.match(String(body.properties.creationDate), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}\+00:00$/);
    assert.deepEqual(body.properties.actions, ["repositories/b/content/read", "repositories/a/content/read", "repositories/a/content/read"]);
  });

  it("updates with PATCH as an LRO (201 + Azure-AsyncOperation token-{uuid}, Updating → Succeeded) through the SDK", async () => {
    const client = armClient(emu());
    await client.scopeMaps.create(RG, REG, "patched-map", { actions: ["repositories/app/content/read"], description: "before" }, FAST_LRO);
    const updated = await client.scopeMaps.update(RG, REG, "patched-map", { actions: ["repositories/app/content/write"] }, FAST_LRO);
    assert.deepEqual(updated.actions, ["repositories/app/content/write"]);
    assert.equal(updated.description, "before", "PATCH without description keeps it");
    assert.equal(updated.provisioningState, "Succeeded");
    const patch = emu().requests.filter((r) => r.operation === "scopeMaps.update").at(-1);
    assert.equal(patch?.status, 201);
    const polls = emu().requests.filter((r) => r.operation === "operations.status" && r.path.includes("/scopeMaps/patched-map/operationStatuses/token-"));
    assert.equal(polls.length, 2);
  });

  it("shows Updating on the PATCH answer and on the first status poll, then Succeeded", async () => {
    await rawRequest(emu(), "PUT", `${base()}/scopeMaps/wire-patch?api-version=2020-11-01-preview`, { body: JSON.stringify({ properties: { actions: ["repositories/x/content/read"] } }) });
    const before = (await rawRequest(emu(), "GET", `${base()}/scopeMaps/wire-patch?api-version=2020-11-01-preview`)).json() as { systemData: { createdAt: string }; properties: { creationDate: string } };
    emu().clock.advance({ seconds: 8 });
    const res = await rawRequest(emu(), "PATCH", `${base()}/scopeMaps/wire-patch?api-version=2020-11-01-preview`, { body: JSON.stringify({ properties: { actions: ["repositories/y/content/read"] } }) });
    assert.equal(res.status, 201);
    const after = res.json() as { systemData: { createdAt: string; lastModifiedAt: string }; properties: { creationDate: string } };
    assert.equal(after.properties.creationDate, before.properties.creationDate, "creationDate keeps the original creation");
    assert.equal(after.systemData.createdAt, after.systemData.lastModifiedAt, "ACR rewrites systemData on every write, as recorded");
    assert.notEqual(after.systemData.createdAt, before.systemData.createdAt);
    assert.equal((res.json() as { properties: { provisioningState: string } }).properties.provisioningState, "Updating");
    const op = new URL(String(res.headers["azure-asyncoperation"]));
    assert.match(op.pathname, /\/scopeMaps\/wire-patch\/operationStatuses\/token-[0-9a-f-]{36}$/);
    assert.deepEqual((await rawRequest(emu(), "GET", op.pathname + op.search)).json(), { status: "Updating" });
    assert.deepEqual((await rawRequest(emu(), "GET", op.pathname + op.search)).json(), { status: "Succeeded" });
  });

  it("lists the built-in _repositories_* maps (SystemDefined) in every registry", async () => {
    const client = armClient(emu());
    const names: string[] = [];
    const types = new Map<string, string | undefined>();
    for await (const m of client.scopeMaps.list(RG, "mapsbasic")) {
      names.push(m.name ?? "");
      types.set(m.name ?? "", m.typePropertiesType);
    }
    assert.deepEqual(names.sort(), ["_repositories_admin", "_repositories_pull", "_repositories_push"]);
    assert.equal(types.get("_repositories_pull"), "SystemDefined");
    const pull = await client.scopeMaps.get(RG, REG, "_repositories_pull");
    assert.deepEqual(pull.actions, ["repositories/*/content/read"]);
  });

  it("refuses PUT, PATCH and DELETE on a built-in map with an ARM error", async () => {
    for (const method of ["PUT", "PATCH", "DELETE"]) {
      const res = await rawRequest(emu(), method, `${base()}/scopeMaps/_repositories_admin?api-version=2025-11-01`, {
        body: method === "DELETE" ? undefined : JSON.stringify({ properties: { actions: ["repositories/x/content/read"] } }),
      });
      assert.equal(res.status, 400, method);
      assert.equal((res.json() as { error: { code: string } }).error.code, "SystemScopeMapReadOnly");
    }
  });

  it("deletes with 202 + Location on the subscription+region operationResults URL whose poll answers 200 empty", async () => {
    const client = armClient(emu());
    await client.scopeMaps.create(RG, REG, "to-delete", { actions: ["repositories/x/content/read"] }, FAST_LRO);
    const res = await rawRequest(emu(), "DELETE", `${base()}/scopeMaps/to-delete?api-version=2020-11-01-preview`);
    assert.equal(res.status, 202);
    assert.equal(res.text, "null");
    const loc = new URL(String(res.headers.location));
    assert.match(loc.pathname, new RegExp(`^/subscriptions/${emu().subscriptionId}/providers/Microsoft.ContainerRegistry/locations/EASTUS/operationResults/token-[0-9a-f-]{36}$`));
    assert.equal(loc.searchParams.get("api-version"), "2020-11-01-preview");
    const poll = await rawRequest(emu(), "GET", loc.pathname + loc.search);
    assert.equal(poll.status, 200);
    assert.equal(poll.text, "");
    await assert.rejects(client.scopeMaps.get(RG, REG, "to-delete"), (e: { statusCode?: number; code?: string }) => e.statusCode === 404 && e.code === "ResourceNotFound");
  });

  it("deletes through the SDK poller", async () => {
    const client = armClient(emu());
    await client.scopeMaps.create(RG, REG, "sdk-delete", { actions: ["repositories/x/content/read"] }, FAST_LRO);
    await client.scopeMaps.delete(RG, REG, "sdk-delete", FAST_LRO);
    await assert.rejects(client.scopeMaps.get(RG, REG, "sdk-delete"), (e: { statusCode?: number }) => e.statusCode === 404);
  });

  it("answers a missing map with ResourceNotFound plus top-level status Failed, and a missing registry with ParentResourceNotFound", async () => {
    const missing = await rawRequest(emu(), "GET", `${base()}/scopeMaps/nope-map?api-version=2020-11-01-preview`);
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.json(), { error: { code: "ResourceNotFound", message: "The resource nope-map could not be found." }, status: "Failed" });
    const parent = await rawRequest(emu(), "GET", `/subscriptions/${emu().subscriptionId}/resourceGroups/${RG}/providers/Microsoft.ContainerRegistry/registries/ghostreg1/scopeMaps/x-map?api-version=2020-11-01-preview`);
    assert.equal(parent.status, 404);
    assert.equal(parent.headers["x-ms-failure-cause"], "gateway");
    assert.deepEqual(parent.json(), { error: { code: "ParentResourceNotFound", message: "Can not perform requested operation on nested resource. Parent resource 'ghostreg1' not found." } });
  });

  it("refuses to delete a map a token uses (409) and allows it once the token is gone", async () => {
    const client = armClient(emu());
    const map = await client.scopeMaps.create(RG, REG, "used-map", { actions: ["repositories/x/content/read"] }, FAST_LRO);
    await client.tokens.create(RG, REG, "user-token", { scopeMapId: map.id, status: "enabled" }, FAST_LRO);
    await assert.rejects(client.scopeMaps.delete(RG, REG, "used-map", FAST_LRO), (e: { statusCode?: number; code?: string; message: string }) => e.statusCode === 409 && e.code === "ScopeMapInUse" && /user-token/.test(e.message));
    await client.tokens.delete(RG, REG, "user-token", FAST_LRO);
    await client.scopeMaps.delete(RG, REG, "used-map", FAST_LRO);
  });

  it("validates actions, names, descriptions and the 500-action limit before storing anything", async () => {
    const client = armClient(emu());
    const cases: Array<[string, string[], string]> = [
      ["bad-verb1", ["repositories/app/content/reed"], "InvalidScopeMapAction"],
      ["bad-root1", ["registry/app/content/read"], "InvalidScopeMapAction"],
      ["bad-repo1", ["repositories//content/read"], "InvalidScopeMapAction"],
      ["too-short", ["repositories/content/read"], "InvalidScopeMapAction"],
      ["empty-map", [], "InvalidRequestContent"],
      ["too-many1", Array.from({ length: 501 }, (_, i) => `repositories/r${i}/content/read`), "ScopeMapActionsLimitExceeded"],
    ];
    for (const [name, actions, code] of cases) {
      await assert.rejects(client.scopeMaps.create(RG, REG, name, { actions }, FAST_LRO), (e: { statusCode?: number; code?: string }) => e.statusCode === 400 && e.code === code, name);
      await assert.rejects(client.scopeMaps.get(RG, REG, name), (e: { statusCode?: number }) => e.statusCode === 404, `${name} was not stored`);
    }
    await client.scopeMaps.create(RG, REG, "max-map-1", { actions: Array.from({ length: 500 }, (_, i) => `repositories/r${i}/content/read`) }, FAST_LRO);
    await client.scopeMaps.create(RG, REG, "gw-and-nested", { actions: ["repositories/team/app/content/read", "repositories/*/metadata/read", "gateway/edge1/config/read"] }, FAST_LRO);
    await assert.rejects(client.scopeMaps.create(RG, REG, "abc", { actions: ["repositories/a/content/read"] }, FAST_LRO), (e: { code?: string }) => e.code === "InvalidResourceName");
    await assert.rejects(client.scopeMaps.create(RG, REG, "long-desc", { actions: ["repositories/a/content/read"], description: "d".repeat(257) }, FAST_LRO), (e: { code?: string }) => e.code === "InvalidRequestContent");
  });

  it("refuses maps on a non-Premium registry only on pre-GA preview api-versions", async () => {
    const basicBase = `/subscriptions/${emu().subscriptionId}/resourceGroups/${RG}/providers/Microsoft.ContainerRegistry/registries/mapsbasic`;
    const body = JSON.stringify({ properties: { actions: ["repositories/a/content/read"] } });
    const old = await rawRequest(emu(), "PUT", `${basicBase}/scopeMaps/basic-map?api-version=2020-11-01-preview`, { body });
    assert.equal(old.status, 400);
    assert.equal((old.json() as { error: { code: string } }).error.code, "FeatureNotSupportedForSku");
    const ga = await rawRequest(emu(), "PUT", `${basicBase}/scopeMaps/basic-map?api-version=2022-12-01`, { body });
    assert.equal(ga.status, 200);
    const sdk = await armClient(emu()).scopeMaps.get(RG, "mapsbasic", "basic-map");
    assert.equal(sdk.name, "basic-map");
  });
});
