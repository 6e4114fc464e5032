import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { startEmulator, type Emulator } from "acr-tokens/emulator";
import { EmulatorHarness, type Session, type SessionOptions } from "../../harness";

/**
 * Shared setup of the e2e suites: one emulator (with a clock file the providers read) holding one
 * Premium registry, one harness (ARM client + dynamic-provider host) for the file, and a session per
 * test that is destroyed after the test if it still holds resources.
 */
export const RG = "rg-e2e";
export const REGISTRY = "e2eregistry";

export interface E2eBed {
  emu: Emulator;
  harness: EmulatorHarness;
  /** ARM id of a token of the registry. */
  tokenId(name: string): string;
  /** A new stack for this test (destroyed after it). */
  session(options: SessionOptions): Session;
  /** Scope maps and tokens of the registry as ARM lists them (passwords by name, creation time and expiry). */
  snapshot(): Promise<unknown>;
}

export function useE2eBed(project: string): () => E2eBed {
  let bed: E2eBed | undefined;
  let dir = "";
  const sessions: Session[] = [];
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "acr-tokens-e2e-"));
    const emu = await startEmulator({
      seed: { resourceGroups: [{ name: RG }], registries: [{ resourceGroup: RG, name: REGISTRY, sku: "Premium" }] },
      clockFile: path.join(dir, "clock"),
    });
    const harness = EmulatorHarness.start(emu, project);
    const registryId = `/subscriptions/${emu.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.ContainerRegistry/registries/${REGISTRY}`;
    bed = {
      emu,
      harness,
      tokenId: (name) => `${registryId}/tokens/${name}`,
      session(options) {
        const s = harness.session(options);
        sessions.push(s);
        return s;
      },
      async snapshot() {
        const maps = [];
        for await (const m of harness.arm.scopeMaps.list(RG, REGISTRY)) maps.push({ name: m.name, actions: m.actions });
        const tokens = [];
        for await (const t of harness.arm.tokens.list(RG, REGISTRY)) {
          tokens.push({ name: t.name, scopeMapId: t.scopeMapId, status: t.status, passwords: JSON.parse(JSON.stringify(t.credentials?.passwords ?? [])) });
        }
        return { maps, tokens };
      },
    };
  });
  afterEach(async () => {
    // Each test leaves the registry as it found it, so the next one starts clean.
    for (const s of sessions.splice(0)) if (s.state.resources.length > 0) await s.destroy();
  });
  after(async () => {
    await bed?.harness.close();
    await bed?.emu.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    if (!bed) throw new Error("useE2eBed: call the getter inside a test or hook");
    return bed;
  };
}
