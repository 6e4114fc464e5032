import assert from "node:assert/strict";
import { armClient, FAST_LRO, rawRequest, useEmulator } from "../../../testing/emulator";

/** Microsoft.Resources surface the Azure CLI and ARM clients need: groups, subscriptions, the resource list, metadata. */
describe("emulator resource groups, subscriptions, resources, metadata", () => {
  const emu = useEmulator({ pageSize: 2 });
  const sub = () => emu().subscriptionId;

  it("creates a group (201, then 200), reads it with any casing, and ids keep the created casing", async () => {
    const first = await rawRequest(emu(), "PUT", `/subscriptions/${sub()}/resourcegroups/My-Group?api-version=2021-04-01`, { body: JSON.stringify({ location: "West Europe" }) });
    assert.equal(first.status, 201);
    assert.deepEqual(first.json(), {
      id: `/subscriptions/${sub()}/resourceGroups/My-Group`,
      name: "My-Group",
      type: "Microsoft.Resources/resourceGroups",
      location: "westeurope",
      tags: {},
      properties: { provisioningState: "Succeeded" },
    });
    const again = await rawRequest(emu(), "PUT", `/subscriptions/${sub()}/resourceGroups/MY-GROUP?api-version=2022-09-01`, { body: JSON.stringify({ location: "westeurope", tags: { a: "b" } }) });
    assert.equal(again.status, 200);
    const got = await rawRequest(emu(), "GET", `/subscriptions/${sub()}/resourcegroups/my-group?api-version=2021-04-01`);
    assert.equal((got.json() as { name: string; tags: unknown }).name, "My-Group");
    assert.deepEqual((got.json() as { tags: unknown }).tags, { a: "b" });
    assert.equal((await rawRequest(emu(), "HEAD", `/subscriptions/${sub()}/resourcegroups/my-group?api-version=2021-04-01`)).status, 204);
    assert.equal((await rawRequest(emu(), "HEAD", `/subscriptions/${sub()}/resourcegroups/nope?api-version=2021-04-01`)).status, 404);
  });

  it("lets ACR routes match the group case-insensitively (the Azure CLI lower-cases it)", async () => {
    const client = armClient(emu());
    const reg = await client.registries.create("my-group", "caseRegistry", { location: "westeurope", sku: { name: "Premium" } }, FAST_LRO);
    assert.equal(reg.id, `/subscriptions/${sub()}/resourceGroups/My-Group/providers/Microsoft.ContainerRegistry/registries/caseRegistry`);
    const map = await client.scopeMaps.create("MY-GROUP", "CASEREGISTRY", "case-map", { actions: ["repositories/a/content/read"] }, FAST_LRO);
    assert.equal(map.id, `/subscriptions/${sub()}/resourceGroups/My-Group/providers/Microsoft.ContainerRegistry/registries/caseRegistry/scopeMaps/case-map`);
    const token = await client.tokens.create("my-group", "caseregistry", "case-token", { scopeMapId: map.id?.toLowerCase() }, FAST_LRO);
    assert.equal(token.scopeMapId, map.id, "scopeMapId is stored with the canonical casing");
  });

  it("answers a missing group with ResourceGroupNotFound on ACR routes", async () => {
    const res = await rawRequest(emu(), "GET", `/subscriptions/${sub()}/resourceGroups/ghost-rg/providers/Microsoft.ContainerRegistry/registries/ghostreg1/tokens/t1234?api-version=2025-11-01`);
    assert.equal(res.status, 404);
    assert.equal((res.json() as { error: { code: string } }).error.code, "ResourceGroupNotFound");
  });

  it("lists registries through GET /subscriptions/{id}/resources?$filter=resourceType eq '…' as the Azure CLI does, paged", async () => {
    const client = armClient(emu());
    for (const n of ["filterReg1", "filterReg2"]) await client.registries.create("My-Group", n, { location: "westeurope", sku: { name: "Premium" } }, FAST_LRO);
    const filter = encodeURIComponent("resourceType eq 'Microsoft.ContainerRegistry/registries'");
    const seen: Array<{ id: string; name: string; type: string; sku: unknown }> = [];
    let next: string | undefined = `/subscriptions/${sub()}/resources?$filter=${filter}&api-version=2021-04-01`;
    let pages = 0;
    while (next) {
      const res = await rawRequest(emu(), "GET", next);
      assert.equal(res.status, 200, res.text);
      const body = res.json() as { value: typeof seen; nextLink?: string };
      seen.push(...body.value);
      pages++;
      if (body.nextLink) assert.ok(body.nextLink.startsWith(`${emu().armEndpoint}/subscriptions/`), "absolute nextLink on the emulator's origin");
      next = body.nextLink ? new URL(body.nextLink).pathname + new URL(body.nextLink).search : undefined;
    }
    assert.equal(pages, 2);
    assert.deepEqual(seen.map((r) => r.name).sort(), ["caseRegistry", "filterReg1", "filterReg2"]);
    assert.ok(seen.every((r) => r.type === "Microsoft.ContainerRegistry/registries" && typeof r.sku === "object"));
    const byName = await rawRequest(emu(), "GET", `/subscriptions/${sub()}/resources?$filter=${encodeURIComponent("resourceType eq 'Microsoft.ContainerRegistry/registries' and name eq 'FILTERREG2'")}&api-version=2022-09-01`);
    assert.deepEqual((byName.json() as { value: Array<{ name: string }> }).value.map((r) => r.name), ["filterReg2"]);
    const other = await rawRequest(emu(), "GET", `/subscriptions/${sub()}/resources?$filter=${encodeURIComponent("resourceType eq 'Microsoft.Storage/storageAccounts'")}&api-version=2021-04-01`);
    assert.deepEqual((other.json() as { value: unknown[] }).value, []);
    const bad = await rawRequest(emu(), "GET", `/subscriptions/${sub()}/resources?$filter=${encodeURIComponent("location eq 'x'")}&api-version=2021-04-01`);
    assert.equal(bad.status, 400);
  });

  it("pages SDK lists across nextLink (for await over several pages)", async () => {
    const client = armClient(emu());
    const map = await client.scopeMaps.create("my-group", "caseRegistry", "page-map", { actions: ["repositories/a/content/read"] }, FAST_LRO);
    for (let i = 0; i < 5; i++) await client.tokens.create("my-group", "caseRegistry", `page-token-${i}`, { scopeMapId: map.id }, FAST_LRO);
    const names: string[] = [];
    for await (const t of client.tokens.list("my-group", "caseRegistry")) names.push(t.name ?? "");
    assert.equal(names.filter((n) => n.startsWith("page-token-")).length, 5);
    const listCalls = emu().requests.filter((r) => r.operation === "tokens.list");
    assert.ok(listCalls.length >= 3, `expected several pages, saw ${listCalls.length} list requests`);
  });

  it("serves GET /subscriptions (2019-11-01, as az login sends) and GET /subscriptions/{id}", async () => {
    const list = await rawRequest(emu(), "GET", "/subscriptions?api-version=2019-11-01");
    assert.equal(list.status, 200);
    const body = list.json() as { value: Array<{ subscriptionId: string; tenantId: string; state: string; id: string }> };
    assert.deepEqual(body.value.map((s) => [s.id, s.subscriptionId, s.tenantId, s.state]), [[`/subscriptions/${sub()}`, sub(), emu().tenantId, "Enabled"]]);
    const one = await rawRequest(emu(), "GET", `/subscriptions/${sub()}?api-version=2020-01-01`);
    assert.equal((one.json() as { displayName: string }).displayName.length > 0, true);
    const missing = await rawRequest(emu(), "GET", "/subscriptions/11111111-1111-1111-1111-111111111111?api-version=2020-01-01");
    assert.equal(missing.status, 404);
    assert.equal((missing.json() as { error: { code: string } }).error.code, "SubscriptionNotFound");
  });

  it("serves GET /metadata/endpoints without a token, legacy shape on 2015-01-01", async () => {
    const legacy = await rawRequest(emu(), "GET", "/metadata/endpoints?api-version=2015-01-01", { token: null });
    assert.equal(legacy.status, 200);
    const body = legacy.json() as { authentication: { loginEndpoint: string; audiences: string[] } };
    assert.equal(body.authentication.loginEndpoint, `${emu().armEndpoint}/`);
    assert.ok(body.authentication.audiences.includes("https://management.core.windows.net/"));
    const modern = await rawRequest(emu(), "GET", "/metadata/endpoints?api-version=2022-09-01", { token: null });
    assert.equal((modern.json() as Array<{ resourceManager: string }>)[0].resourceManager, `${emu().armEndpoint}/`);
  });

  it("deletes a group with 202 + Location, cascading to its registries", async () => {
    await rawRequest(emu(), "PUT", `/subscriptions/${sub()}/resourcegroups/doomed-rg?api-version=2021-04-01`, { body: JSON.stringify({ location: "eastus" }) });
    await armClient(emu()).registries.create("doomed-rg", "doomedReg1", { location: "eastus", sku: { name: "Premium" } }, FAST_LRO);
    const del = await rawRequest(emu(), "DELETE", `/subscriptions/${sub()}/resourcegroups/doomed-rg?api-version=2021-04-01`);
    assert.equal(del.status, 202);
    const loc = new URL(String(del.headers.location));
    assert.equal((await rawRequest(emu(), "GET", loc.pathname + loc.search)).status, 200);
    assert.equal((await rawRequest(emu(), "GET", `/subscriptions/${sub()}/resourcegroups/doomed-rg?api-version=2021-04-01`)).status, 404);
    const list = await rawRequest(emu(), "GET", `/subscriptions/${sub()}/providers/Microsoft.ContainerRegistry/registries?api-version=2025-11-01`);
    assert.ok(!list.text.includes("doomedReg1"));
  });
});
