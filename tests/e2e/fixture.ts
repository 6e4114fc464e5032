import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { startEmulator, type Emulator } from "acr-tokens-emulator";
import { EmulatorHarness, type Session, type SessionOptions } from "../../testing/harness";

/**
 * Shared setup of the suites that run programs through the harness (e2e, harness, bad input): one
 * emulator (with a clock file the providers read) holding one Premium registry, one harness (ARM
 * client + dynamic-provider host) for the file, and a session per test that is destroyed after the
 * test if it still holds resources.
 */
export const RG = "rg-e2e";
export const REGISTRY = "e2eregistry";

export interface E2eBed {
  emu: Emulator;
  harness: EmulatorHarness;
  /** The emulator's clock file (ACR_TOKENS_CLOCK_FILE for processes that share its clock). */
  clockFile: string;
  /** ARM id of a token of the registry. */
  tokenId(name: string): string;
  /** A new stack for this test (destroyed after it). */
  session(options: SessionOptions): Session;
}

/** `registry`: the seeded registry and its resource group (default {@link REGISTRY} in {@link RG}). */
export function useE2eBed(project: string, registry: { resourceGroup: string; name: string } = { resourceGroup: RG, name: REGISTRY }): () => E2eBed {
  const { resourceGroup, name: registryName } = registry;
  let bed: E2eBed | undefined;
  let dir = "";
  const sessions: Session[] = [];
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "acr-tokens-e2e-"));
    const clockFile = path.join(dir, "clock");
    const emu = await startEmulator({
      seed: { resourceGroups: [{ name: resourceGroup }], registries: [{ resourceGroup, name: registryName, sku: "Premium" }] },
      clockFile,
    });
    const harness = EmulatorHarness.start(emu, project);
    const registryId = `/subscriptions/${emu.subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ContainerRegistry/registries/${registryName}`;
    bed = {
      emu,
      harness,
      clockFile,
      tokenId: (name) => `${registryId}/tokens/${name}`,
      session(options) {
        const s = harness.session(options);
        sessions.push(s);
        return s;
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
