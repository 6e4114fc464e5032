import assert from "node:assert/strict";
import { armClient, FAST_LRO, rawRequest, useEmulator } from "../../../testing/emulator";

describe("emulator registries", () => {
  // The in-progress LRO variant (one Creating/Updating poll), so the protocol's every step is seen.
  const emu = useEmulator({ seed: { resourceGroups: [{ name: "Reg-RG", location: "westeurope" }] } , lro: { inProgressPolls: 1 } });

  it("creates a registry as an LRO (201 + Azure-AsyncOperation registries-{uuid}) and the SDK poller finishes it", async () => {
    const client = armClient(emu());
    const reg = await client.registries.create("reg-rg", "Lro1Registry", { location: "westeurope", sku: { name: "Premium" } }, FAST_LRO);
    assert.equal(reg.provisioningState, "Succeeded");
    assert.equal(reg.loginServer, "lro1registry.azurecr.io");
    assert.equal(reg.id, `/subscriptions/${emu().subscriptionId}/resourceGroups/Reg-RG/providers/Microsoft.ContainerRegistry/registries/Lro1Registry`);
    assert.equal(reg.sku.tier, "Premium");
    assert.equal(reg.systemData?.createdByType, "User", "issueToken() without clientId is a user token");
    const put = emu().requests.filter((r) => r.operation === "registries.create");
    assert.equal(put.at(-1)?.status, 201);
    const polls = emu().requests.filter((r) => r.operation === "operations.status" && /registries-[0-9a-f-]{36}$/.test(r.path));
    assert.equal(polls.length, 2, "one Creating poll, then Succeeded");
  });

  it("answers the wire shape of a registry create exactly as recorded", async () => {
    const res = await rawRequest(emu(), "PUT", `/subscriptions/${emu().subscriptionId}/resourceGroups/reg-rg/providers/Microsoft.ContainerRegistry/registries/wireReg01?api-version=2022-02-01-preview`, {
      body: JSON.stringify({ location: "westeurope", sku: { name: "Standard" }, properties: { adminUserEnabled: false } }),
    });
    assert.equal(res.status, 201);
    const op = String(res.headers["azure-asyncoperation"]);
    assert.match(op, /^https:\/\/127\.0\.0\.1:\d+\/subscriptions\/.+\/registries\/wireReg01\/operationStatuses\/registries-[0-9a-f-]{36}\?api-version=2022-02-01-preview$/);
    assert.equal(res.headers["retry-after"], undefined);
    assert.match(String(res.headers["api-supported-versions"]), /2022-02-01-preview/);
    const body = res.json() as { properties: { provisioningState: string; creationDate: string }; type: string };
    assert.equal(body.type, "Microsoft.ContainerRegistry/registries");
    assert.equal(body.properties.provisioningState, "Creating");
    assert.match(body.properties.creationDate, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/);
    const systemData = (body as unknown as { systemData: { createdAt: string } }).systemData;
    assert.equal(systemData.createdAt, body.properties.creationDate.replace(/Z$/, "+00:00"), "one instant, two forms, as recorded");
    const first = await rawRequest(emu(), "GET", new URL(op).pathname + new URL(op).search);
    assert.deepEqual(first.json(), { status: "Creating" });
    assert.equal(first.headers["azure-asyncoperation"], op);
    const second = await rawRequest(emu(), "GET", new URL(op).pathname + new URL(op).search);
    assert.deepEqual(second.json(), { status: "Succeeded" });
  });

  it("lists registries by resource group and by subscription, and gets one with any name casing", async () => {
    const client = armClient(emu());
    await client.registries.create("REG-rg", "listReg01", { location: "westeurope", sku: { name: "Basic" } }, FAST_LRO);
    const inRg: string[] = [];
    for await (const r of client.registries.listByResourceGroup("reg-RG")) inRg.push(r.name ?? "");
    assert.ok(inRg.includes("listReg01"));
    const inSub: string[] = [];
    for await (const r of client.registries.list()) inSub.push(r.name ?? "");
    assert.ok(inSub.includes("listReg01"));
    const got = await client.registries.get("reg-rg", "LISTREG01");
    assert.equal(got.name, "listReg01");
  });

  it("deletes a registry with 200 and an empty body, then answers ARM's not-found", async () => {
    const client = armClient(emu());
    await client.registries.create("reg-rg", "delReg001", { location: "westeurope", sku: { name: "Premium" } }, FAST_LRO);
    await client.registries.delete("reg-rg", "delReg001", FAST_LRO);
    const last = emu().requests.filter((r) => r.operation === "registries.delete").at(-1);
    assert.equal(last?.status, 200);
    const res = await rawRequest(emu(), "GET", `/subscriptions/${emu().subscriptionId}/resourceGroups/reg-rg/providers/Microsoft.ContainerRegistry/registries/delReg001?api-version=2025-11-01`);
    assert.equal(res.status, 404);
    assert.equal(res.headers["x-ms-failure-cause"], "gateway");
    assert.equal((res.json() as { error: { code: string } }).error.code, "ResourceNotFound");
    await assert.rejects(client.registries.get("reg-rg", "delReg001"), (e: { statusCode?: number }) => e.statusCode === 404);
  });

  it("refuses a registry name that breaks the pattern and a name already used in another group", async () => {
    const client = armClient(emu());
    await assert.rejects(
      client.registries.create("reg-rg", "bad_name", { location: "westeurope", sku: { name: "Premium" } }, FAST_LRO),
      (e: { statusCode?: number; code?: string }) => e.statusCode === 400 && e.code === "InvalidResourceName",
    );
    await client.registries.create("reg-rg", "takenReg1", { location: "westeurope", sku: { name: "Premium" } }, FAST_LRO);
    await rawRequest(emu(), "PUT", `/subscriptions/${emu().subscriptionId}/resourcegroups/other-rg?api-version=2021-04-01`, { body: JSON.stringify({ location: "westeurope" }) });
    await assert.rejects(
      client.registries.create("other-rg", "TakenReg1", { location: "westeurope", sku: { name: "Premium" } }, FAST_LRO),
      (e: { statusCode?: number; code?: string }) => e.statusCode === 409 && e.code === "AlreadyInUse",
    );
  });

  it("updates a registry with PATCH (200, synchronous) keeping its identity", async () => {
    const client = armClient(emu());
    await client.registries.create("reg-rg", "patchReg1", { location: "westeurope", sku: { name: "Basic" } }, FAST_LRO);
    const updated = await client.registries.update("reg-rg", "patchReg1", { sku: { name: "Premium" }, adminUserEnabled: true }, FAST_LRO);
    assert.equal(updated.sku?.name, "Premium");
    assert.equal(updated.adminUserEnabled, true);
    assert.equal(emu().requests.filter((r) => r.operation === "registries.update").at(-1)?.status, 200);
  });

  it("answers each api-version with the fields it carried: 2019-12-01-preview creates synchronously, without systemData", async () => {
    const path = (n: string, v: string) => `/subscriptions/${emu().subscriptionId}/resourceGroups/reg-rg/providers/Microsoft.ContainerRegistry/registries/${n}?api-version=${v}`;
    const old = await rawRequest(emu(), "PUT", path("oldApiReg1", "2019-12-01-preview"), { body: JSON.stringify({ location: "westeurope", sku: { name: "Premium" } }) });
    assert.equal(old.status, 200);
    assert.equal(old.headers["azure-asyncoperation"], undefined);
    const body = old.json() as Record<string, unknown> & { properties: Record<string, unknown> & { policies: Record<string, unknown>; networkRuleSet: Record<string, unknown> } };
    assert.equal(body.systemData, undefined);
    assert.equal(body.properties.provisioningState, "Succeeded");
    assert.deepEqual(Object.keys(body.properties.policies), ["quarantinePolicy", "trustPolicy", "retentionPolicy"]);
    assert.deepEqual(body.properties.networkRuleSet.virtualNetworkRules, []);
    assert.equal(body.properties.zoneRedundancy, undefined);
    const mid = (await rawRequest(emu(), "GET", path("oldApiReg1", "2021-06-01-preview"))).json() as { systemData?: unknown; properties: { policies: Record<string, unknown>; anonymousPullEnabled?: boolean } };
    assert.ok(mid.systemData);
    assert.deepEqual(Object.keys(mid.properties.policies), ["quarantinePolicy", "trustPolicy", "retentionPolicy", "exportPolicy"]);
    assert.equal(mid.properties.anonymousPullEnabled, false);
    const now = (await rawRequest(emu(), "GET", path("oldApiReg1", "2022-02-01-preview"))).json() as { properties: { policies: Record<string, unknown>; networkRuleSet: Record<string, unknown> } };
    assert.deepEqual(Object.keys(now.properties.policies), ["quarantinePolicy", "trustPolicy", "retentionPolicy", "exportPolicy", "azureADAuthenticationAsArmPolicy", "softDeletePolicy"]);
    assert.deepEqual(now.properties.networkRuleSet, { defaultAction: "Allow", ipRules: [] });
  });
});
