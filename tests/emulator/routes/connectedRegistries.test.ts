import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RestError } from "@azure/core-rest-pipeline";
import { startEmulator, type Emulator } from "acr-tokens-emulator";
import { armClient, FAST_LRO, rawRequest, useEmulator } from "../../../testing/emulator";

const RG = "edge-rg";
const REG = "edgeregistry";
const OTHER = "edgeother";
/** The api-version the az CLI sends for connected registries (both recordings). */
const CLI_VERSION = "2021-08-01-preview";

interface WireConnectedRegistry {
  type: string;
  id: string;
  name: string;
  systemData: { createdAt: string; lastModifiedAt: string };
  properties: {
    provisioningState: string;
    mode: string;
    connectionState: string;
    activation: { status: string };
    parent: { id?: string; syncProperties: { tokenId: string; schedule?: string; syncWindow?: string; messageTtl: string; gatewayEndpoint?: string } };
    clientTokenIds?: string[];
    loginServer: unknown;
    logging: { logLevel: string; auditLogStatus: string };
    notificationsList?: string[];
  };
}

/** Status and ARM error code of a call the SDK rejected. */
async function rejection(p: Promise<unknown>): Promise<{ status: number | undefined; code: string | undefined }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof RestError) return { status: e.statusCode, code: e.code };
    throw e;
  }
  assert.fail("expected the call to be refused");
}

describe("emulator connected registries", () => {
  const emu = useEmulator({
    seed: {
      resourceGroups: [{ name: RG }],
      registries: [
        { resourceGroup: RG, name: REG },
        { resourceGroup: RG, name: OTHER },
      ],
    },
  });
  const registryId = (name = REG) => `/subscriptions/${emu().subscriptionId}/resourceGroups/${RG}/providers/Microsoft.ContainerRegistry/registries/${name}`;
  const url = (name: string, suffix = "") => `${registryId()}/connectedRegistries/${name}${suffix}?api-version=${CLI_VERSION}`;
  const tokenIdOf = (name: string, registry = REG) => `${registryId(registry)}/tokens/${name}`;

  /** A scope map and token through the SDK, as the az CLI makes a sync token before the connected registry. */
  async function token(name: string, registry = REG): Promise<string> {
    const client = armClient(emu());
    const map = await client.scopeMaps.create(RG, registry, `${name}-map`, { actions: [`gateway/${name}/config/read`] }, FAST_LRO);
    const t = await client.tokens.create(RG, registry, name, { scopeMapId: map.id, status: "enabled" }, FAST_LRO);
    return t.id ?? "";
  }

  function putBody(tokenId: string, extra: Record<string, unknown> = {}, parent: Record<string, unknown> = {}): string {
    return JSON.stringify({
      properties: {
        mode: "readonly",
        parent: { ...parent, syncProperties: { tokenId, schedule: "0 0/10 * * *", syncWindow: "PT4H", messageTtl: "P2D" } },
        logging: { logLevel: "Warning", auditLogStatus: "Disabled" },
        ...extra,
      },
    });
  }

  before(async () => {
    await token("rootsync");
    await token("clienta");
    await token("clientb");
    await token("childsync");
    await token("othersync", OTHER);
  });

  it("creates with PUT answering 200 synchronously in the recorded shape (enum casing, Offline, Inactive, gateway endpoint)", async () => {
    const res = await rawRequest(emu(), "PUT", url("edgeroot"), {
      body: putBody(tokenIdOf("rootsync"), { clientTokenIds: [tokenIdOf("clienta")], notificationsList: ["hello-world:tag:push"] }),
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers["azure-asyncoperation"], undefined);
    assert.equal(res.headers.location, undefined);
    assert.match(String(res.headers["api-supported-versions"]), /(^|, )2021-08-01-preview(,|$)/);
    const body = res.json() as WireConnectedRegistry;
    assert.equal(body.type, "Microsoft.ContainerRegistry/registries/connectedRegistries");
    assert.equal(body.id, `${registryId()}/connectedRegistries/edgeroot`);
    assert.deepEqual(Object.keys(body), ["type", "id", "name", "systemData", "properties"]);
    assert.deepEqual(Object.keys(body.properties), [
      "provisioningState",
      "mode",
      "connectionState",
      "activation",
      "parent",
      "clientTokenIds",
      "loginServer",
      "logging",
      "notificationsList",
    ]);
    assert.equal(body.properties.provisioningState, "Succeeded");
    assert.equal(body.properties.mode, "ReadOnly", "the service answers the canonical casing of what az sent ('readonly')");
    assert.equal(body.properties.connectionState, "Offline");
    assert.deepEqual(body.properties.activation, { status: "Inactive" });
    assert.deepEqual(body.properties.parent, {
      syncProperties: { tokenId: tokenIdOf("rootsync"), schedule: "0 0/10 * * *", syncWindow: "PT4H", messageTtl: "P2D", gatewayEndpoint: `${REG}.eastus.data.azurecr.io` },
    });
    assert.deepEqual(body.properties.clientTokenIds, [tokenIdOf("clienta")]);
    assert.deepEqual(body.properties.loginServer, { tls: { certificate: {} } });
    assert.deepEqual(body.properties.logging, { logLevel: "Warning", auditLogStatus: "Disabled" });
    assert.deepEqual(body.properties.notificationsList, ["hello-world:tag:push"]);
    assert.equal(body.systemData.createdAt, body.systemData.lastModifiedAt);
    assert.match(body.systemData.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}\+00:00$/);
  });

  it("creates a child through the SDK (2025-11-01): parent.id kept, no gateway endpoint, logging defaults", async () => {
    const client = armClient(emu());
    const child = await client.connectedRegistries.create(
      RG,
      REG,
      "edgechild",
      { mode: "ReadWrite", parent: { id: `${registryId()}/connectedRegistries/edgeroot`, syncProperties: { tokenId: tokenIdOf("childsync"), messageTtl: "P1D" } } },
      FAST_LRO,
    );
    assert.equal(child.provisioningState, "Succeeded");
    assert.equal(child.mode, "ReadWrite");
    assert.equal(child.parent?.id, `${registryId()}/connectedRegistries/edgeroot`);
    assert.equal(child.parent?.syncProperties.gatewayEndpoint, undefined, "only a connected registry syncing with the cloud registry has one (recorded)");
    assert.equal(child.parent?.syncProperties.schedule, undefined);
    assert.deepEqual(child.logging, { logLevel: "Information", auditLogStatus: "Disabled" });
    assert.equal(child.clientTokenIds, undefined);
    const put = emu().requests.filter((r) => r.operation === "connectedRegistries.create").at(-1);
    assert.equal(put?.status, 200);
    assert.equal(put?.apiVersion, "2025-11-01");
  });

  it("gets and lists (SDK and wire), in creation order", async () => {
    const client = armClient(emu());
    const got = await client.connectedRegistries.get(RG, REG, "edgeroot");
    assert.equal(got.name, "edgeroot");
    assert.equal(got.parent?.syncProperties.tokenId, tokenIdOf("rootsync"));
    const names: string[] = [];
    for await (const c of client.connectedRegistries.list(RG, REG)) names.push(c.name ?? "");
    assert.deepEqual(names, ["edgeroot", "edgechild"]);
    const raw = await rawRequest(emu(), "GET", `${registryId()}/connectedRegistries?api-version=${CLI_VERSION}`);
    assert.equal(raw.status, 200);
    assert.deepEqual(
      (raw.json() as { value: WireConnectedRegistry[] }).value.map((c) => c.name),
      ["edgeroot", "edgechild"],
    );
    const empty = await rawRequest(emu(), "GET", `${registryId(OTHER)}/connectedRegistries?api-version=${CLI_VERSION}`);
    assert.deepEqual(empty.json(), { value: [] });
  });

  it("updates with PATCH answering 200 synchronously: a new schedule drops the old sync window, the rest merges, systemData rewritten", async () => {
    const before = (await rawRequest(emu(), "GET", url("edgeroot"))).json() as WireConnectedRegistry;
    emu().clock.advance({ seconds: 30 });
    const client = armClient(emu());
    const updated = await client.connectedRegistries.update(
      RG,
      REG,
      "edgeroot",
      { syncProperties: { schedule: "* * * * *" }, logging: { logLevel: "Information" }, clientTokenIds: [tokenIdOf("clientb")], notificationsList: ["*:*"] },
      FAST_LRO,
    );
    assert.equal(updated.parent?.syncProperties.schedule, "* * * * *");
    assert.equal(updated.parent?.syncProperties.syncWindow, undefined, "as recorded: PATCH {schedule} answered without the PT4H window");
    assert.equal(updated.parent?.syncProperties.messageTtl, "P2D");
    assert.equal(updated.parent?.syncProperties.tokenId, tokenIdOf("rootsync"));
    assert.deepEqual(updated.logging, { logLevel: "Information", auditLogStatus: "Disabled" });
    assert.deepEqual(updated.clientTokenIds, [tokenIdOf("clientb")]);
    assert.deepEqual(updated.notificationsList, ["*:*"]);
    assert.equal(updated.mode, "ReadOnly");
    const patch = emu().requests.filter((r) => r.operation === "connectedRegistries.update").at(-1);
    assert.equal(patch?.status, 200);
    const after = (await rawRequest(emu(), "GET", url("edgeroot"))).json() as WireConnectedRegistry;
    assert.equal(after.systemData.createdAt, after.systemData.lastModifiedAt, "ACR rewrote createdAt on the recorded PATCH");
    assert.notEqual(after.systemData.createdAt, before.systemData.createdAt);

    const window = await client.connectedRegistries.update(RG, REG, "edgeroot", { syncProperties: { schedule: "0 0 * * *", syncWindow: "PT1H", messageTtl: "P3D" } }, FAST_LRO);
    assert.deepEqual(
      [window.parent?.syncProperties.schedule, window.parent?.syncProperties.syncWindow, window.parent?.syncProperties.messageTtl],
      ["0 0 * * *", "PT1H", "P3D"],
    );
  });

  it("deactivates as an LRO (202 + Location on operationResults, then 200) through the SDK", async () => {
    const previous = emu().lro.inProgressPolls;
    emu().lro.inProgressPolls = 1;
    try {
      const client = armClient(emu());
      await client.connectedRegistries.deactivate(RG, REG, "edgeroot", FAST_LRO);
      const post = emu().requests.filter((r) => r.operation === "connectedRegistries.deactivate").at(-1);
      assert.equal(post?.status, 202);
      const polls = emu().requests.filter((r) => r.operation === "operations.result" && r.path.includes("/operationResults/connectedRegistries-"));
      assert.deepEqual(
        polls.slice(-2).map((r) => r.status),
        [202, 200],
      );
      assert.equal((await client.connectedRegistries.get(RG, REG, "edgeroot")).activation?.status, "Inactive");
    } finally {
      emu().lro.inProgressPolls = previous;
    }
    const missing = await rawRequest(emu(), "POST", url("nosuchedge", "/deactivate"));
    assert.equal(missing.status, 404);
    assert.equal((missing.json() as { error: { code: string } }).error.code, "ResourceNotFound");
  });

  it("deletes with 200 and an empty body; a missing one is 404 ResourceNotFound on GET and 204 on DELETE", async () => {
    await rawRequest(emu(), "PUT", url("edgegone"), { body: putBody(tokenIdOf("rootsync")) });
    const del = await rawRequest(emu(), "DELETE", url("edgegone"));
    assert.equal(del.status, 200);
    assert.equal(del.text, "");
    assert.equal(del.headers.location, undefined);
    const get = await rawRequest(emu(), "GET", url("edgegone"));
    assert.equal(get.status, 404);
    assert.deepEqual(get.json(), { error: { code: "ResourceNotFound", message: "The resource edgegone could not be found." }, status: "Failed" });
    assert.equal((await rawRequest(emu(), "DELETE", url("edgegone"))).status, 204);

    const client = armClient(emu());
    await client.connectedRegistries.delete(RG, REG, "edgechild", FAST_LRO);
    assert.deepEqual(await rejection(client.connectedRegistries.get(RG, REG, "edgechild")), { status: 404, code: "ResourceNotFound" });
  });

  it("answers 404 ParentResourceNotFound (x-ms-failure-cause: gateway) when the registry is missing", async () => {
    const base = registryId("nosuchregistry");
    for (const [method, path] of [
      ["PUT", `${base}/connectedRegistries/edgeroot?api-version=${CLI_VERSION}`],
      ["GET", `${base}/connectedRegistries/edgeroot?api-version=${CLI_VERSION}`],
      ["GET", `${base}/connectedRegistries?api-version=${CLI_VERSION}`],
      ["DELETE", `${base}/connectedRegistries/edgeroot?api-version=${CLI_VERSION}`],
    ] as const) {
      const res = await rawRequest(emu(), method, path, method === "PUT" ? { body: putBody(tokenIdOf("rootsync")) } : {});
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.equal(res.headers["x-ms-failure-cause"], "gateway");
      assert.deepEqual(res.json(), {
        error: { code: "ParentResourceNotFound", message: "Can not perform requested operation on nested resource. Parent resource 'nosuchregistry' not found." },
      });
    }
  });

  it("refuses names that break the spec's rule (5-50 letters and digits) and stores nothing", async () => {
    for (const name of ["edge", "edge-hyphen", "edge_under", "e".repeat(51)]) {
      const res = await rawRequest(emu(), "PUT", url(name), { body: putBody(tokenIdOf("rootsync")) });
      assert.equal(res.status, 400, name);
      const err = (res.json() as { error: { code: string; message: string } }).error;
      assert.equal(err.code, "InvalidResourceName");
      assert.match(err.message, /connected registry name '.+' is invalid: use 5-50 letters and digits/);
    }
    const names = ((await rawRequest(emu(), "GET", `${registryId()}/connectedRegistries?api-version=${CLI_VERSION}`)).json() as { value: WireConnectedRegistry[] }).value.map((c) => c.name);
    assert.deepEqual(names, ["edgeroot"]);
  });

  it("refuses bad bodies with a 400 naming the field, and missing tokens or parents with 404", async () => {
    const cases: Array<{ body: unknown; status: number; code: string; mentions: string }> = [
      { body: { properties: { parent: { syncProperties: { tokenId: tokenIdOf("rootsync"), messageTtl: "P2D" } } } }, status: 400, code: "InvalidRequestContent", mentions: "properties.mode" },
      { body: JSON.parse(putBody(tokenIdOf("rootsync"), { mode: "sideways" })), status: 400, code: "InvalidRequestContent", mentions: '"ReadWrite", "ReadOnly", "Registry", "Mirror"' },
      { body: { properties: { mode: "ReadOnly" } }, status: 400, code: "InvalidRequestContent", mentions: "properties.parent" },
      { body: { properties: { mode: "ReadOnly", parent: { syncProperties: { messageTtl: "P2D" } } } }, status: 400, code: "InvalidRequestContent", mentions: "syncProperties.tokenId" },
      { body: { properties: { mode: "ReadOnly", parent: { syncProperties: { tokenId: tokenIdOf("rootsync") } } } }, status: 400, code: "InvalidRequestContent", mentions: "messageTtl" },
      { body: JSON.parse(putBody(tokenIdOf("rootsync"), { logging: { logLevel: "Loud" } })), status: 400, code: "InvalidRequestContent", mentions: "properties.logging.logLevel" },
      { body: JSON.parse(putBody(tokenIdOf("rootsync"), { clientTokenIds: "clienta" })), status: 400, code: "InvalidRequestContent", mentions: "properties.clientTokenIds" },
      { body: JSON.parse(putBody(`${registryId()}/scopeMaps/rootsync-map`)), status: 400, code: "InvalidRequestContent", mentions: "is not a token id" },
      { body: JSON.parse(putBody(tokenIdOf("othersync", OTHER))), status: 400, code: "InvalidRequestContent", mentions: "in another registry" },
      { body: JSON.parse(putBody(tokenIdOf("nosuchtoken"))), status: 404, code: "ResourceNotFound", mentions: "nosuchtoken" },
      { body: JSON.parse(putBody(tokenIdOf("rootsync"), { clientTokenIds: [tokenIdOf("nosuchclient")] })), status: 404, code: "ResourceNotFound", mentions: "nosuchclient" },
      { body: JSON.parse(putBody(tokenIdOf("rootsync"), {}, { id: `${registryId()}/connectedRegistries/nosuchparent` })), status: 404, code: "ResourceNotFound", mentions: "nosuchparent" },
      { body: JSON.parse(putBody(tokenIdOf("rootsync"), {}, { id: `${registryId()}/connectedRegistries/edgebad` })), status: 400, code: "InvalidRequestContent", mentions: "itself" },
    ];
    for (const c of cases) {
      const res = await rawRequest(emu(), "PUT", url("edgebad"), { body: JSON.stringify(c.body) });
      const err = (res.json() as { error: { code: string; message: string } }).error;
      assert.equal(res.status, c.status, `${JSON.stringify(c.body)} → ${err.message}`);
      assert.equal(err.code, c.code);
      assert.ok(err.message.includes(c.mentions), `"${err.message}" should mention ${c.mentions}`);
    }
    assert.equal((await rawRequest(emu(), "GET", url("edgebad"))).status, 404, "no refused PUT stored anything");
    const patch = await rawRequest(emu(), "PATCH", url("edgebad"), { body: JSON.stringify({ properties: { notificationsList: [] } }) });
    assert.equal(patch.status, 404);
  });

  it("goes away with its registry", async () => {
    const client = armClient(emu());
    await client.registries.create(RG, "edgedoomed", { location: "eastus", sku: { name: "Premium" } }, FAST_LRO);
    await token("doomedsync", "edgedoomed");
    const res = await rawRequest(emu(), "PUT", `${registryId("edgedoomed")}/connectedRegistries/edgedoomed?api-version=${CLI_VERSION}`, { body: putBody(tokenIdOf("doomedsync", "edgedoomed")) });
    assert.equal(res.status, 200);
    await client.registries.delete(RG, "edgedoomed", FAST_LRO);
    await client.registries.create(RG, "edgedoomed", { location: "eastus", sku: { name: "Premium" } }, FAST_LRO);
    const names: string[] = [];
    for await (const c of client.connectedRegistries.list(RG, "edgedoomed")) names.push(c.name ?? "");
    assert.deepEqual(names, [], "a registry re-created under the same name starts without connected registries");
  });
});

describe("emulator connected registries across a restart (statePath)", () => {
  let dir = "";
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "acr-tokens-cr-state-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const seed = { resourceGroups: [{ name: RG }], registries: [{ resourceGroup: RG, name: REG }] };

  async function withEmulator<T>(statePath: string, run: (emu: Emulator) => Promise<T>): Promise<T> {
    const emu = await startEmulator({ statePath, seed });
    try {
      return await run(emu);
    } finally {
      await emu.close();
    }
  }

  it("keeps connected registries in the state file and answers them unchanged after a restart", async () => {
    const statePath = join(dir, "state.json");
    const first = await withEmulator(statePath, async (emu) => {
      const client = armClient(emu);
      const map = await client.scopeMaps.create(RG, REG, "keptsync-map", { actions: ["gateway/keptedge/config/read"] }, FAST_LRO);
      const token = await client.tokens.create(RG, REG, "keptsync", { scopeMapId: map.id }, FAST_LRO);
      const created = await client.connectedRegistries.create(RG, REG, "keptedge", { mode: "ReadOnly", parent: { syncProperties: { tokenId: token.id ?? "", messageTtl: "P2D" } } }, FAST_LRO);
      return created;
    });
    const stored = () => (JSON.parse(readFileSync(statePath, "utf8")) as { connectedRegistries: Array<{ name: string }> }).connectedRegistries.map((c) => c.name);
    assert.deepEqual(stored(), ["keptedge"]);
    await withEmulator(statePath, async (emu) => {
      const client = armClient(emu);
      assert.deepEqual(await client.connectedRegistries.get(RG, REG, "keptedge"), first);
      await client.connectedRegistries.delete(RG, REG, "keptedge", FAST_LRO);
    });
    assert.deepEqual(stored(), [], "the deletion was written too");
  });

  it("loads a state file written before connected registries were emulated", async () => {
    const statePath = join(dir, "old.json");
    await withEmulator(statePath, async () => undefined);
    const old = JSON.parse(readFileSync(statePath, "utf8")) as Record<string, unknown>;
    delete old.connectedRegistries;
    writeFileSync(statePath, JSON.stringify(old));
    await withEmulator(statePath, async (emu) => {
      const list = await rawRequest(emu, "GET", `/subscriptions/${emu.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.ContainerRegistry/registries/${REG}/connectedRegistries?api-version=${CLI_VERSION}`);
      assert.deepEqual(list.json(), { value: [] });
    });
  });
});
