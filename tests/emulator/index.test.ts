import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_SUBSCRIPTION_ID, DEFAULT_TENANT_ID, startEmulator, type EmulatorSeed } from "acr-tokens-emulator";
import { armClient, rawRequest } from "../../testing/emulator";

describe("startEmulator", () => {
  let dir = "";
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "acr-tokens-seed-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("starts with one fixed subscription and tenant and nothing else when not seeded; close() is idempotent and removes the CA file", async () => {
    const emu = await startEmulator({ startTime: "2030-01-02T03:04:05Z" });
    try {
      assert.equal(emu.subscriptionId, DEFAULT_SUBSCRIPTION_ID);
      assert.equal(emu.tenantId, DEFAULT_TENANT_ID);
      assert.match(emu.armEndpoint, /^https:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(emu.authorityHost, emu.armEndpoint);
      assert.equal(emu.managedIdentityEndpoint, `${emu.armEndpoint}/msi/token`);
      assert.ok(existsSync(emu.caCertPath));
      assert.equal(emu.clock.now().getUTCFullYear(), 2030);
      const groups = await rawRequest(emu, "GET", `/subscriptions/${emu.subscriptionId}/resourcegroups?api-version=2021-04-01`);
      assert.deepEqual((groups.json() as { value: unknown[] }).value, []);
      const regs: unknown[] = [];
      for await (const r of armClient(emu).registries.list()) regs.push(r);
      assert.deepEqual(regs, []);
    } finally {
      await emu.close();
      await emu.close();
    }
    assert.equal(existsSync(emu.caCertPath), false);
  });

  it("reads a seed file: subscriptions, groups, registries (Premium by default) and principals", async () => {
    const seedPath = join(dir, "seed.json");
    writeFileSync(
      seedPath,
      JSON.stringify({
        subscriptions: [{ id: "11111111-0000-4000-8000-000000000001", tenantId: "22222222-0000-4000-8000-000000000002", displayName: "seeded" }],
        resourceGroups: [{ name: "seed-rg", location: "northeurope" }],
        registries: [{ resourceGroup: "seed-rg", name: "seededreg" }, { resourceGroup: "seed-rg", name: "seededbasic", sku: "Basic" }],
        principals: [{ clientId: "33333333-0000-4000-8000-000000000003", clientSecret: "seed-secret-value-123456" }],
      }),
    );
    const emu = await startEmulator({ seed: seedPath });
    try {
      assert.equal(emu.subscriptionId, "11111111-0000-4000-8000-000000000001");
      assert.equal(emu.tenantId, "22222222-0000-4000-8000-000000000002");
      const client = armClient(emu);
      const reg = await client.registries.get("SEED-RG", "seededreg");
      assert.equal(reg.sku.name, "Premium");
      assert.equal(reg.location, "northeurope");
      assert.equal((await client.registries.get("seed-rg", "seededbasic")).sku.name, "Basic");
      const form = new URLSearchParams({ grant_type: "client_credentials", client_id: "33333333-0000-4000-8000-000000000003", client_secret: "seed-secret-value-123456", scope: "https://management.azure.com/.default" });
      const tok = await rawRequest(emu, "POST", `/${emu.tenantId}/oauth2/v2.0/token`, { token: null, body: form.toString(), headers: { "content-type": "application/x-www-form-urlencoded" } });
      assert.equal(tok.status, 200);
    } finally {
      await emu.close();
    }
  });

  it("refuses bad seeds and options with errors that say what to fix", async () => {
    await assert.rejects(startEmulator({ seed: join(dir, "missing.json") }), /seed file '.*missing\.json' cannot be read \(ENOENT\)/);
    const bad = join(dir, "bad.json");
    writeFileSync(bad, "{");
    await assert.rejects(startEmulator({ seed: bad }), /seed file '.*bad\.json' is not valid JSON/);
    writeFileSync(bad, `{"principals":[{"clientId":"c","clientSecret":'seed-secret-4711'}]}`);
    await assert.rejects(
      startEmulator({ seed: bad }),
      (e: Error) => /is not valid JSON/.test(e.message) && !e.message.includes("seed-secret-4711"),
      "the error repeats the seed file's text (a client secret)",
    );
    await assert.rejects(startEmulator({ seed: { registries: [{ resourceGroup: "nope", name: "orphanreg" }] } }), /registry 'orphanreg' names resource group 'nope', which the seed does not list/);
    await assert.rejects(startEmulator({ seed: { resourceGroups: [{ name: "g" }], registries: [{ resourceGroup: "g", name: "r1234", sku: "Gold" as "Basic" }] } }), /sku 'Gold'; use Basic, Standard or Premium/);
    await assert.rejects(
      startEmulator({ seed: { registries: [{ name: "noGroup" }], resourceGroups: "rg", colour: "blue" } as unknown as EmulatorSeed }),
      /seed is invalid:\n  1\. unknown key 'colour'.*\n  2\. 'resourceGroups' must be an array\n  3\. registries\[0\]\.resourceGroup must be a string/,
    );
    await assert.rejects(startEmulator({ lro: { inProgressPolls: -1 } }), /lro\.inProgressPolls must be an integer >= 0/);
    await assert.rejects(startEmulator({ pageSize: 0 }), /pageSize must be an integer >= 1/);
  });

  it("says which address is taken when the port is in use", async () => {
    const first = await startEmulator({ protocol: "http" });
    try {
      const port = Number(new URL(first.armEndpoint).port);
      await assert.rejects(startEmulator({ protocol: "http", port }), new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\)`));
    } finally {
      await first.close();
    }
  });

  it("keeps at most requestLogLimit entries in requests, the newest ones, while logRequests sees all", async () => {
    const seen: string[] = [];
    const emu = await startEmulator({ requestLogLimit: 2, logRequests: (e) => seen.push(e.requestId) });
    try {
      for (let i = 0; i < 4; i++) await rawRequest(emu, "GET", "/metadata/endpoints?api-version=2015-01-01", { token: null });
      assert.equal(seen.length, 4);
      assert.deepEqual(emu.requests.map((r) => r.requestId), seen.slice(2));
    } finally {
      await emu.close();
    }
    await assert.rejects(startEmulator({ requestLogLimit: 0 }), /requestLogLimit must be an integer >= 1/);
  });

  it("serves plain HTTP when asked (for the managed-identity endpoint; the SDK refuses bearer tokens over http)", async () => {
    const emu = await startEmulator({ protocol: "http" });
    try {
      assert.match(emu.armEndpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(emu.caCertPath, "");
      const status = await new Promise<number>((resolve, reject) => {
        request(`${emu.armEndpoint}/metadata/endpoints?api-version=2015-01-01`, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
          .on("error", reject)
          .end();
      });
      assert.equal(status, 200);
    } finally {
      await emu.close();
    }
  });
});
