import assert from "node:assert/strict";
import type { ContainerRegistryManagementClient } from "@azure/arm-containerregistry";
import { FaultInjector } from "acr-tokens-emulator";
import { armClient, FAST_LRO, rawRequest, useEmulator } from "../../testing/emulator";

const RG = "fault-rg";
const REG = "faultregistry";

describe("emulator fault injection", () => {
  // The in-progress LRO variant (one Creating/Updating poll), so the protocol's every step is seen.
  const emu = useEmulator({ seed: { resourceGroups: [{ name: RG }], registries: [{ resourceGroup: RG, name: REG, sku: "Premium" }] } , lro: { inProgressPolls: 1 } });
  const base = () => `/subscriptions/${emu().subscriptionId}/resourceGroups/${RG}/providers/Microsoft.ContainerRegistry/registries/${REG}`;
  let mapId = "";
  let client: ContainerRegistryManagementClient;

  before(async () => {
    client = armClient(emu());
    mapId = (await client.scopeMaps.create(RG, REG, "fault-map", { actions: ["repositories/a/content/read"] }, FAST_LRO)).id ?? "";
  });
  afterEach(() => emu().faults.clear());

  it("answers 429 with Retry-After for the next N matching requests, ARM-shaped, then serves normally", async () => {
    emu().faults.add({ method: "GET", route: "/scopeMaps/fault-map", count: 2, fault: { kind: "status", status: 429, retryAfterSeconds: 7 } });
    const before = emu().faults.injected.length;
    for (let i = 0; i < 2; i++) {
      const res = await rawRequest(emu(), "GET", `${base()}/scopeMaps/fault-map?api-version=2025-11-01`);
      assert.equal(res.status, 429);
      assert.equal(res.headers["retry-after"], "7");
      assert.equal((res.json() as { error: { code: string } }).error.code, "TooManyRequests");
      assert.match(String(res.headers["x-ms-request-id"]), /^[0-9a-f-]{36}$/);
    }
    assert.equal((await rawRequest(emu(), "GET", `${base()}/scopeMaps/fault-map?api-version=2025-11-01`)).status, 200);
    assert.equal(emu().faults.injected.length - before, 2);
    assert.equal(emu().requests.at(-2)?.fault, "status:429");
  });

  it("sends 429 without Retry-After when none is configured", async () => {
    emu().faults.add({ route: /\/scopeMaps\/fault-map$/, fault: { kind: "status", status: 429 } });
    const res = await rawRequest(emu(), "GET", `${base()}/scopeMaps/fault-map?api-version=2025-11-01`);
    assert.equal(res.status, 429);
    assert.equal(res.headers["retry-after"], undefined);
  });

  it("lets the SDK retry policy ride out 500 and 503 (the faults are counted)", async () => {
    const retrying = armClient(emu(), undefined, { maxRetries: 3 });
    const counts = emu().faults.counts();
    emu().faults.add({ method: "GET", route: "/scopeMaps/fault-map", fault: { kind: "status", status: 500 } });
    emu().faults.add({ method: "GET", route: "/scopeMaps/fault-map", fault: { kind: "status", status: 503 } });
    const map = await retrying.scopeMaps.get(RG, REG, "fault-map");
    assert.equal(map.name, "fault-map");
    assert.equal(emu().faults.counts()["status:500"], (counts["status:500"] ?? 0) + 1);
    assert.equal(emu().faults.counts()["status:503"], (counts["status:503"] ?? 0) + 1);
    assert.equal(emu().faults.pending, 0);
  });

  it("answers an injected 409 Conflict", async () => {
    emu().faults.add({ method: "PUT", route: "/tokens/", fault: { kind: "status", status: 409 } });
    await assert.rejects(client.tokens.create(RG, REG, "conflicted", { scopeMapId: mapId }, FAST_LRO), (e: { statusCode?: number; code?: string }) => e.statusCode === 409 && e.code === "Conflict");
    await assert.rejects(client.tokens.get(RG, REG, "conflicted"), (e: { statusCode?: number }) => e.statusCode === 404, "the faulted PUT changed nothing");
  });

  it("resets the connection, logs status 0, and serves the next request", async () => {
    emu().faults.add({ method: "GET", route: "/scopeMaps/fault-map", fault: { kind: "reset" } });
    await assert.rejects(client.scopeMaps.get(RG, REG, "fault-map"), (e: { code?: string }) => /ECONNRESET|socket hang up|REQUEST_SEND_ERROR/i.test(String(e.code) + String((e as Error).message)));
    const reset = emu().requests.filter((r) => r.fault === "reset").at(-1);
    assert.equal(reset?.status, 0);
    assert.equal((await client.scopeMaps.get(RG, REG, "fault-map")).name, "fault-map");
  });

  it("adds latency and then answers normally", async () => {
    emu().faults.add({ route: "/scopeMaps/fault-map", fault: { kind: "latency", ms: 1 } });
    const res = await rawRequest(emu(), "GET", `${base()}/scopeMaps/fault-map?api-version=2025-11-01`);
    assert.equal(res.status, 200);
    assert.equal(emu().requests.at(-1)?.fault, "latency");
  });

  it("ends an LRO Failed: the poller rejects and the token shows provisioningState Failed", async () => {
    emu().faults.add({ method: "PUT", route: "/tokens/lro-fails", fault: { kind: "lroFailed" } });
    await assert.rejects(client.tokens.create(RG, REG, "lro-fails", { scopeMapId: mapId }, FAST_LRO), /fail/i);
    const t = await client.tokens.get(RG, REG, "lro-fails");
    assert.equal(t.provisioningState, "Failed");
    emu().faults.add({ method: "PUT", route: "/tokens/lro-fails-wire", fault: { kind: "lroFailed" } });
    const put = await rawRequest(emu(), "PUT", `${base()}/tokens/lro-fails-wire?api-version=2025-11-01`, { body: JSON.stringify({ properties: { scopeMapId: mapId } }) });
    const op = new URL(String(put.headers["azure-asyncoperation"]));
    assert.deepEqual((await rawRequest(emu(), "GET", op.pathname + op.search)).json(), { status: "Creating" });
    const failed = (await rawRequest(emu(), "GET", op.pathname + op.search)).json() as { status: string; error: { code: string } };
    assert.equal(failed.status, "Failed");
    assert.equal(failed.error.code, "InternalServerError");
  });

  it("fails a DELETE LRO: the token stays and the Location poll answers an ARM error", async () => {
    await client.tokens.create(RG, REG, "survives", { scopeMapId: mapId }, FAST_LRO);
    emu().faults.add({ method: "DELETE", route: "/tokens/survives", fault: { kind: "lroFailed" } });
    await assert.rejects(client.tokens.delete(RG, REG, "survives", FAST_LRO));
    assert.equal((await client.tokens.get(RG, REG, "survives")).name, "survives");
  });

  it("matches method and route, uses counts up, and clear() drops pending rules", () => {
    const f = new FaultInjector();
    f.add({ method: "put", route: "/tokens/", count: 2, fault: { kind: "status", status: 503 } });
    assert.equal(f.take("GET", "/x/tokens/a"), undefined, "method must match");
    assert.equal(f.take("PUT", "/x/scopeMaps/a"), undefined, "route must match");
    assert.deepEqual(f.take("PUT", "/x/TOKENS/a"), { kind: "status", status: 503 }, "string routes match case-insensitively");
    assert.ok(f.take("PUT", "/x/tokens/b"));
    assert.equal(f.take("PUT", "/x/tokens/c"), undefined, "count used up");
    f.add({ route: /a$/, fault: { kind: "reset" } });
    f.clear();
    assert.equal(f.take("GET", "/a"), undefined);
    assert.deepEqual(f.counts(), { "status:503": 2 });
    assert.throws(() => f.add({ route: "x", count: 0, fault: { kind: "reset" } }), /count must be a positive integer/);
  });

  it("paces LROs live through emu.lro: more in-progress polls and a Retry-After header", async () => {
    emu().lro.inProgressPolls = 3;
    emu().lro.retryAfterSeconds = 0;
    try {
      const put = await rawRequest(emu(), "PUT", `${base()}/tokens/paced-token?api-version=2025-11-01`, { body: JSON.stringify({ properties: { scopeMapId: mapId } }) });
      assert.equal(put.headers["retry-after"], "0");
      const op = new URL(String(put.headers["azure-asyncoperation"]));
      const seen: string[] = [];
      for (let i = 0; i < 4; i++) seen.push((((await rawRequest(emu(), "GET", op.pathname + op.search)).json()) as { status: string }).status);
      assert.deepEqual(seen, ["Creating", "Creating", "Creating", "Succeeded"]);
      await client.tokens.create(RG, REG, "paced-sdk", { scopeMapId: mapId }, FAST_LRO);
      assert.equal(emu().requests.filter((r) => r.operation === "operations.status" && r.path.includes("/tokens/paced-sdk/")).length, 4);
    } finally {
      emu().lro.inProgressPolls = 1;
      emu().lro.retryAfterSeconds = undefined;
    }
    assert.throws(() => (emu().lro.inProgressPolls = -1), /integer >= 0/);
  });
});
