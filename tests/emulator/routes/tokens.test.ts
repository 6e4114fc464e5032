import assert from "node:assert/strict";
import type { ContainerRegistryManagementClient } from "@azure/arm-containerregistry";
import { armClient, FAST_LRO, rawRequest, useEmulator } from "../../../testing/emulator";

const RG = "tokens-rg";
const REG = "tokensregistry";

describe("emulator tokens", () => {
  // The in-progress LRO variant (one Creating/Updating poll), so the protocol's every step is seen.
  const emu = useEmulator({ seed: { resourceGroups: [{ name: RG }], registries: [{ resourceGroup: RG, name: REG, sku: "Premium" }] } , lro: { inProgressPolls: 1 } });
  const base = () => `/subscriptions/${emu().subscriptionId}/resourceGroups/${RG}/providers/Microsoft.ContainerRegistry/registries/${REG}`;
  let client: ContainerRegistryManagementClient;
  let mapId = "";
  let otherMapId = "";

  before(async () => {
    client = armClient(emu());
    mapId = (await client.scopeMaps.create(RG, REG, "tok-map", { actions: ["repositories/app/content/read"] }, FAST_LRO)).id ?? "";
    otherMapId = (await client.scopeMaps.create(RG, REG, "tok-map-2", { actions: ["repositories/app/content/write"] }, FAST_LRO)).id ?? "";
  });

  async function passwordNames(name: string): Promise<string[]> {
    const t = await client.tokens.get(RG, REG, name);
    return (t.credentials?.passwords ?? []).map((p) => p.name ?? "");
  }

  it("creates with PUT: 201 + Azure-AsyncOperation token-{uuid}, Creating, passwords [] — as recorded", async () => {
    const res = await rawRequest(emu(), "PUT", `${base()}/tokens/wire-token?api-version=2020-11-01-preview`, {
      body: JSON.stringify({ properties: { scopeMapId: mapId, status: "enabled" } }),
    });
    assert.equal(res.status, 201);
    const body = res.json() as { type: string; id: string; name: string; properties: Record<string, unknown> };
    assert.deepEqual(Object.keys(body), ["type", "id", "name", "systemData", "properties"]);
    assert.deepEqual(Object.keys(body.properties), ["creationDate", "provisioningState", "scopeMapId", "credentials", "status"]);
    assert.equal(body.properties.provisioningState, "Creating");
    assert.deepEqual(body.properties.credentials, { passwords: [] });
    assert.equal(body.properties.status, "enabled");
    assert.equal(body.properties.scopeMapId, mapId);
    const op = new URL(String(res.headers["azure-asyncoperation"]));
    assert.match(op.pathname, /\/tokens\/wire-token\/operationStatuses\/token-[0-9a-f-]{36}$/);
    assert.equal(op.searchParams.get("api-version"), "2020-11-01-preview");
    const first = await rawRequest(emu(), "GET", op.pathname + op.search);
    assert.deepEqual(first.json(), { status: "Creating" });
    assert.equal(first.headers["azure-asyncoperation"], String(res.headers["azure-asyncoperation"]));
    assert.deepEqual((await rawRequest(emu(), "GET", op.pathname + op.search)).json(), { status: "Succeeded" });
    const got = await rawRequest(emu(), "GET", `${base()}/tokens/wire-token?api-version=2020-11-01-preview`);
    assert.equal((got.json() as { properties: { provisioningState: string } }).properties.provisioningState, "Succeeded");
  });

  it("carries certificates: [] beside passwords and no systemData on 2019-05-01-preview, as recorded in 2020", async () => {
    const res = await rawRequest(emu(), "GET", `${base()}/tokens/wire-token?api-version=2019-05-01-preview`);
    const body = res.json() as { systemData?: unknown; properties: { credentials: unknown } };
    assert.deepEqual(body.properties.credentials, { certificates: [], passwords: [] });
    assert.equal(body.systemData, undefined, "systemData arrived with 2020-11-01-preview");
  });

  it("creates, gets and lists through the SDK poller; status defaults to enabled; username is the token name", async () => {
    const created = await client.tokens.create(RG, REG, "sdk-token", { scopeMapId: mapId }, FAST_LRO);
    assert.equal(created.provisioningState, "Succeeded");
    assert.equal(created.status, "enabled");
    assert.deepEqual(created.credentials?.passwords, []);
    const names: string[] = [];
    for await (const t of client.tokens.list(RG, REG)) names.push(t.name ?? "");
    assert.ok(names.includes("sdk-token"));
    const gen = await client.registries.generateCredentials(RG, REG, { tokenId: created.id }, FAST_LRO);
    assert.equal(gen.username, "sdk-token");
  });

  it("PUT on an existing token replaces it and drops its passwords", async () => {
    const t = await client.tokens.create(RG, REG, "put-wipes", { scopeMapId: mapId, status: "enabled" }, FAST_LRO);
    await client.registries.generateCredentials(RG, REG, { tokenId: t.id }, FAST_LRO);
    assert.deepEqual(await passwordNames("put-wipes"), ["password1", "password2"]);
    const replaced = await client.tokens.create(RG, REG, "put-wipes", { scopeMapId: otherMapId, status: "disabled" }, FAST_LRO);
    assert.deepEqual(replaced.credentials?.passwords, []);
    assert.equal(replaced.status, "disabled");
    assert.equal(replaced.scopeMapId, otherMapId);
    assert.equal(emu().requests.filter((r) => r.operation === "tokens.create").at(-1)?.status, 200, "replace answers 200");
  });

  it("PUT that names existing passwords keeps those (Azure/acr#596)", async () => {
    const t = await client.tokens.create(RG, REG, "put-keeps", { scopeMapId: mapId }, FAST_LRO);
    await client.registries.generateCredentials(RG, REG, { tokenId: t.id }, FAST_LRO);
    await client.tokens.create(RG, REG, "put-keeps", { scopeMapId: mapId, credentials: { passwords: [{ name: "password2" }] } }, FAST_LRO);
    assert.deepEqual(await passwordNames("put-keeps"), ["password2"]);
  });

  it("PATCH without credentials keeps passwords; PATCH listing fewer names removes the rest; [] removes all", async () => {
    const t = await client.tokens.create(RG, REG, "patch-token", { scopeMapId: mapId }, FAST_LRO);
    await client.registries.generateCredentials(RG, REG, { tokenId: t.id }, FAST_LRO);
    const disabled = await client.tokens.update(RG, REG, "patch-token", { status: "disabled", scopeMapId: otherMapId }, FAST_LRO);
    assert.equal(disabled.status, "disabled");
    assert.equal(disabled.scopeMapId, otherMapId);
    assert.deepEqual((disabled.credentials?.passwords ?? []).map((p) => p.name), ["password1", "password2"]);
    await client.tokens.update(RG, REG, "patch-token", { credentials: { passwords: [{ name: "password1" }] } }, FAST_LRO);
    assert.deepEqual(await passwordNames("patch-token"), ["password1"]);
    await client.tokens.update(RG, REG, "patch-token", { credentials: { passwords: [] } }, FAST_LRO);
    assert.deepEqual(await passwordNames("patch-token"), []);
    const patches = emu().requests.filter((r) => r.operation === "tokens.update");
    assert.ok(patches.every((r) => r.status === 201));
  });

  it("shows Updating on the PATCH answer, then Succeeded after the poll", async () => {
    await client.tokens.create(RG, REG, "patch-wire", { scopeMapId: mapId }, FAST_LRO);
    const res = await rawRequest(emu(), "PATCH", `${base()}/tokens/patch-wire?api-version=2025-11-01`, { body: JSON.stringify({ properties: { status: "disabled" } }) });
    assert.equal(res.status, 201);
    assert.equal((res.json() as { properties: { provisioningState: string } }).properties.provisioningState, "Updating");
    const op = new URL(String(res.headers["azure-asyncoperation"]));
    assert.deepEqual((await rawRequest(emu(), "GET", op.pathname + op.search)).json(), { status: "Updating" });
    assert.deepEqual((await rawRequest(emu(), "GET", op.pathname + op.search)).json(), { status: "Succeeded" });
  });

  it("refuses a password value in PUT or PATCH, and password names other than password1/password2", async () => {
    await client.tokens.create(RG, REG, "no-values", { scopeMapId: mapId }, FAST_LRO);
    for (const method of ["PUT", "PATCH"]) {
      const res = await rawRequest(emu(), method, `${base()}/tokens/no-values?api-version=2025-11-01`, {
        body: JSON.stringify({ properties: { scopeMapId: mapId, credentials: { passwords: [{ name: "password1", value: "chosen-by-caller" }] } } }),
      });
      assert.equal(res.status, 400, method);
      assert.equal((res.json() as { error: { code: string } }).error.code, "TokenPasswordValueNotAllowed");
      assert.doesNotMatch(res.text, /chosen-by-caller/);
    }
    const badName = await rawRequest(emu(), "PATCH", `${base()}/tokens/no-values?api-version=2025-11-01`, { body: JSON.stringify({ properties: { credentials: { passwords: [{ name: "password3" }] } } }) });
    assert.equal(badName.status, 400);
  });

  it("answers a scope map that does not exist with ResourceNotFound and one of another registry with 400", async () => {
    await assert.rejects(
      client.tokens.create(RG, REG, "orphan-token", { scopeMapId: `${base()}/scopeMaps/missing-map` }, FAST_LRO),
      (e: { statusCode?: number; code?: string }) => e.statusCode === 404 && e.code === "ResourceNotFound",
    );
    await assert.rejects(
      client.tokens.create(RG, REG, "orphan-token", { scopeMapId: `/subscriptions/${emu().subscriptionId}/resourceGroups/${RG}/providers/Microsoft.ContainerRegistry/registries/elsewhere/scopeMaps/tok-map` }, FAST_LRO),
      (e: { statusCode?: number; code?: string }) => e.statusCode === 400 && e.code === "InvalidRequestContent",
    );
    await assert.rejects(client.tokens.create(RG, REG, "orphan-token", {}, FAST_LRO), (e: { statusCode?: number }) => e.statusCode === 400);
    await assert.rejects(client.tokens.get(RG, REG, "orphan-token"), (e: { statusCode?: number }) => e.statusCode === 404);
  });

  it("validates token names and status values", async () => {
    await assert.rejects(client.tokens.create(RG, REG, "bad_name", { scopeMapId: mapId }, FAST_LRO), (e: { code?: string }) => e.code === "InvalidResourceName");
    await assert.rejects(client.tokens.create(RG, REG, "abcd", { scopeMapId: mapId }, FAST_LRO), (e: { code?: string }) => e.code === "InvalidResourceName");
    const res = await rawRequest(emu(), "PUT", `${base()}/tokens/bad-status?api-version=2025-11-01`, { body: JSON.stringify({ properties: { scopeMapId: mapId, status: "paused" } }) });
    assert.equal(res.status, 400);
    assert.match((res.json() as { error: { message: string } }).error.message, /enabled.+disabled/);
  });

  it("deletes with 202 + Location (token- operation id) and the SDK poller completes", async () => {
    await client.tokens.create(RG, REG, "delete-me", { scopeMapId: mapId }, FAST_LRO);
    const res = await rawRequest(emu(), "DELETE", `${base()}/tokens/delete-me?api-version=2020-11-01-preview`);
    assert.equal(res.status, 202);
    assert.match(String(res.headers.location), /\/providers\/Microsoft\.ContainerRegistry\/locations\/EASTUS\/operationResults\/token-[0-9a-f-]{36}\?api-version=2020-11-01-preview$/);
    await assert.rejects(client.tokens.get(RG, REG, "delete-me"), (e: { statusCode?: number }) => e.statusCode === 404);
    await client.tokens.create(RG, REG, "delete-sdk", { scopeMapId: mapId }, FAST_LRO);
    await client.tokens.delete(RG, REG, "delete-sdk", FAST_LRO);
    await assert.rejects(client.tokens.get(RG, REG, "delete-sdk"), (e: { statusCode?: number }) => e.statusCode === 404);
    const again = await rawRequest(emu(), "DELETE", `${base()}/tokens/delete-sdk?api-version=2025-11-01`);
    assert.equal(again.status, 204, "deleting what is gone is a no-op");
  });

  it("follows the clock for creationDate", async () => {
    emu().clock.set("2031-05-06T07:08:09.123Z");
    try {
      // A new client: the old one cached a token that expired at the old "now".
      const t = await armClient(emu()).tokens.create(RG, REG, "clock-token", { scopeMapId: mapId }, FAST_LRO);
      assert.equal(t.creationDate?.toISOString().slice(0, 19), "2031-05-06T07:08:09");
    } finally {
      emu().clock.set(new Date());
    }
  });
});
