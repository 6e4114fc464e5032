import * as assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Agent } from "node:https";
import { startEmulator, type Emulator } from "acr-tokens-emulator";
import { clearCredentialCache, CredentialKind, type ResolvedCredential } from "../../components/credential";
import { armClientFor } from "../../components/arm/client";
import { configureProviders, resetProviderConfig } from "../../components/provider/dynamic/config";
import { tokenPasswordProvider } from "../../components/provider/dynamic/tokenPasswordProvider";
import type { TokenPasswordOutputs } from "../../components/provider/tokenPassword/types";
import { PasswordSlot } from "../../components/arm/types";
import { setIdentityEnv } from "../credential/env";
import { armClient } from "../../testing/emulator";

/**
 * What the provider process keeps between calls (issue #8): one ARM client per credential,
 * subscription and retry settings, so a run's passwords share one HTTP pipeline and its keep-alive
 * connections; and what it must not keep: a changed credential variable is used by the very next call,
 * and a bring-your-own token's expiry is checked on every call. The provider runs in this process
 * (as in the host, without the gRPC hop) so that the TLS connections it opens can be counted.
 */

const RG = "rg-reuse";
const REGISTRY = "reuseregistry";
const OBJECT_A = "0a0a0a0a-0000-4000-8000-00000000000a";
const OBJECT_B = "0b0b0b0b-0000-4000-8000-00000000000b";

/** Counts TLS connections this process opens while `fn` runs (every https agent opens them through `createConnection`). */
async function countConnections(fn: () => Promise<unknown>): Promise<number> {
  const proto = Agent.prototype as unknown as { createConnection: (...args: unknown[]) => unknown };
  const createConnection = proto.createConnection;
  let opened = 0;
  proto.createConnection = function (this: unknown, ...args: unknown[]) {
    opened++;
    return createConnection.apply(this, args);
  };
  try {
    await fn();
  } finally {
    proto.createConnection = createConnection;
  }
  return opened;
}

describe("ARM client reuse in one provider process", function () {
  // Starts an emulator (TLS key generation) and creates ten tokens: seconds on a loaded 2-core machine.
  this.timeout(30_000);
  let emu: Emulator;
  let dir: string;
  let restoreEnv: () => void;
  let tokenA: string;
  let tokenB: string;
  const tokenId = (name: string) => `/subscriptions/${emu.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.ContainerRegistry/registries/${REGISTRY}/tokens/${name}`;
  const names = Array.from({ length: 10 }, (_, i) => `reuse-${i}`);

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "acr-tokens-reuse-"));
    const clockFile = path.join(dir, "clock");
    emu = await startEmulator({ seed: { resourceGroups: [{ name: RG }], registries: [{ resourceGroup: RG, name: REGISTRY, sku: "Premium" }] }, clockFile });
    const sdk = armClient(emu);
    await Promise.all(
      names.map((n) => sdk.tokens.create(RG, REGISTRY, n, { scopeMapId: `${tokenId("x").split("/tokens/")[0]}/scopeMaps/_repositories_pull`, status: "enabled" }, { updateIntervalInMs: 0 })),
    );
    tokenA = emu.issueToken({ objectId: OBJECT_A, expiresInSeconds: 2 * 3600 });
    tokenB = emu.issueToken({ objectId: OBJECT_B, expiresInSeconds: 2 * 3600 });
    restoreEnv = setIdentityEnv({
      ACR_TOKENS_ARM_ENDPOINT: emu.armEndpoint,
      ACR_TOKENS_CA_CERT_FILE: emu.caCertPath,
      ACR_TOKENS_CLOCK_FILE: clockFile,
      ACR_TOKENS_LRO_POLL_INTERVAL_MS: "0",
      ACR_TOKENS_ACCESS_TOKEN: tokenA,
    });
    clearCredentialCache();
    configureProviders({ config: { get: () => undefined } });
  });

  after(async () => {
    restoreEnv?.();
    resetProviderConfig();
    clearCredentialCache();
    await emu?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const create = async (name: string) => {
    const { outs } = await tokenPasswordProvider.create({ tokenId: tokenId(name), slot: PasswordSlot.Password1 });
    return outs as unknown as TokenPasswordOutputs;
  };
  const armOps = (mark: number) => emu.requests.slice(mark).filter((r) => r.kind === "arm");

  it("five sequential creates, reads and deletes make their ARM calls over one TLS connection", async () => {
    const mark = emu.requests.length;
    const opened = await countConnections(async () => {
      for (const name of names.slice(0, 5)) {
        const outs = await create(name);
        const read = await tokenPasswordProvider.read(`${outs.tokenId}/passwords/password1`, outs);
        assert.equal(read.id, `${outs.tokenId}/passwords/password1`);
        await tokenPasswordProvider.delete(read.id!, outs);
      }
    });
    const ops = armOps(mark).map((r) => r.operation);
    // One registry GET (login server, once per registry), then per password: POST; GET; GET, PATCH,
    // one status poll (the emulator's default pacing, as most recorded operations: done at once), final GET.
    assert.equal(ops.filter((op) => op === "registries.get").length, 1);
    assert.equal(ops.filter((op) => op === "registries.generateCredentials").length, 5);
    assert.equal(ops.length, 1 + 5 * 6, `ARM calls: ${ops.join(", ")}`);
    assert.equal(opened, 1, "every call after the first reuses the client's keep-alive connection");
  });

  it("ten concurrent creates share the client: one connection each at most, every password generated, no second login-server GET", async () => {
    const mark = emu.requests.length;
    let created: TokenPasswordOutputs[] = [];
    const opened = await countConnections(async () => {
      created = await Promise.all(names.map(create));
    });
    assert.equal(new Set(created.map((o) => o.password)).size, 10);
    assert.ok(opened <= 10, `${opened} connections for 10 concurrent calls`);
    assert.deepEqual(
      armOps(mark).map((r) => r.operation),
      names.map(() => "registries.generateCredentials"),
    );
    // The same client and its pooled connections serve the next batch.
    assert.equal(await countConnections(() => Promise.all(created.map((o) => tokenPasswordProvider.delete(`${o.tokenId}/passwords/password1`, o)))), 0);
  });

  it("a changed ACR_TOKENS_ACCESS_TOKEN is used by the next call (a new client); changing it back reuses the first client and its connection", async () => {
    process.env["ACR_TOKENS_ACCESS_TOKEN"] = tokenB;
    let mark = emu.requests.length;
    const openedForB = await countConnections(() => create(names[0]!));
    assert.deepEqual([...new Set(armOps(mark).map((r) => r.principal))], [OBJECT_B]);
    // The HTTP client pools connections per trust (TlsSettings object), which the credential module keeps while the CA file is unchanged.
    assert.equal(openedForB, 0, "a new credential's client did not reuse the pooled connection of the same trust");

    process.env["ACR_TOKENS_ACCESS_TOKEN"] = tokenA;
    mark = emu.requests.length;
    const openedForA = await countConnections(() => create(names[1]!));
    assert.deepEqual([...new Set(armOps(mark).map((r) => r.principal))], [OBJECT_A]);
    assert.equal(openedForA, 0, "the first credential's client is still cached, with its idle connection");
  });

  it("checks a cached bring-your-own token's expiry on every call: once the clock passes it, the call fails before any ARM request", async () => {
    const mark = emu.requests.length;
    emu.clock.advance(3 * 3600 * 1000);
    await assert.rejects(create(names[2]!), /expired/i);
    assert.equal(armOps(mark).length, 0);
  });

  it("a changed retry or timeout variable gets a new client; the same settings get the same client", () => {
    const resolved: ResolvedCredential = {
      credential: { getToken: async () => null },
      source: "test",
      kind: CredentialKind.AccessToken,
      cloud: "AzureCloud",
      armEndpoint: "https://127.0.0.1:1",
      audiences: ["https://management.azure.com/"],
      scopes: ["https://management.azure.com/.default"],
      warnings: [],
      acquisitions: 0,
    };
    const sub = "00000000-0000-0000-0000-0000000000aa";
    const first = armClientFor(resolved, sub);
    assert.equal(armClientFor(resolved, sub.toUpperCase()), first, "subscription ids compare case-insensitively");
    process.env["ACR_TOKENS_ARM_TIMEOUT_MS"] = "5000";
    try {
      const withTimeout = armClientFor(resolved, sub);
      assert.notEqual(withTimeout, first);
      assert.equal(armClientFor(resolved, sub), withTimeout);
    } finally {
      delete process.env["ACR_TOKENS_ARM_TIMEOUT_MS"];
    }
    assert.equal(armClientFor(resolved, sub), first);
  });
});
