import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { startEmulator } from "acr-tokens-emulator";
import { EmulatorHarness, reveal } from ".";
import { pullImage, Skopeo, writeOciLayout } from "../registryClients";

/**
 * Zero-downtime rotation, measured at the registry: a simulated span of daily `pulumi up`s of
 * examples/rotation (RotatingTokenPassword) through the harness, against an emulator whose data plane
 * makes a new password log in only `replicationDelaySeconds` after generation (the service documents
 * up to 60 s). After every up, a consumer that always uses the password the stack exports *now*
 * pulls an image (token, manifest, blobs, digests) from the exported login server. The figure is the
 * number of failed pulls.
 *
 * The providers' wait for a new password (ACR_TOKENS_REPLICATION_WAIT_SECONDS) polls the registry's
 * token endpoint; each refused attempt moves the emulator clock by the provider's poll interval here,
 * standing for the time a real wait takes (the provider sleeps that long in real time; the scenario sets
 * its sleep to 0 so a simulated year stays fast).
 *
 * Internal to the tests (tests/e2e/rotationPulls.test.ts) and bench (rotationYearFailedPulls).
 */

export interface RotationPullsOptions {
  days: number;
  /** RotatingTokenPassword's rotationPeriodDays. */
  periodDays: number;
  /** Whether the providers wait for each new password to log in (the setting's default: on, 90 s). */
  wait: boolean;
  replicationDelaySeconds?: number;
}

export interface RotationPullsResult {
  pulls: number;
  failedPulls: number;
  /** Turns (slot regenerations) after the first up. */
  turns: number;
  /** Day and failing step of each failed pull (no credential). */
  failures: string[];
}

const RG = "rg-rotation-pulls";
const REGISTRY = "rotationpulls";
const PROGRAM = "examples/rotation/index.ts";
/** The provider poll interval the scenario assumes for each refused attempt (the setting's default). */
const POLL_SECONDS = 5;

export async function measureRotationPulls(o: RotationPullsOptions): Promise<RotationPullsResult> {
  const dir = mkdtempSync(path.join(tmpdir(), "acr-tokens-rotation-pulls-"));
  const clockFile = path.join(dir, "clock");
  const emu = await startEmulator({
    seed: { resourceGroups: [{ name: RG }], registries: [{ resourceGroup: RG, name: REGISTRY, sku: "Premium" }] },
    clockFile,
    startTime: "2027-01-01T06:00:00Z",
    dataPlane: { replicationDelaySeconds: o.replicationDelaySeconds ?? 60 },
  });
  const savedClockFile = process.env.ACR_TOKENS_CLOCK_FILE;
  let harness: EmulatorHarness | undefined;
  try {
    const dp = emu.dataPlane!;
    // Time passes while a provider waits: each refused not-yet-replicated login moves the clock by one poll interval.
    dp.onTokenRequest = (e) => {
      if (e.reason === "not-replicated") emu.clock.advance({ seconds: POLL_SECONDS });
    };
    process.env.ACR_TOKENS_CLOCK_FILE = clockFile;
    harness = EmulatorHarness.start(emu, "acr-tokens-rotation-pulls", {
      // With the wait: its default bound (90 s). Without: turned off.
      ...(o.wait ? {} : { ACR_TOKENS_REPLICATION_WAIT_SECONDS: "0" }),
      ACR_TOKENS_REPLICATION_POLL_MS: "0",
    });
    const registryId = `/subscriptions/${emu.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.ContainerRegistry/registries/${REGISTRY}`;
    const loginServer = dp.loginServer(REGISTRY)!;

    // The image: pushed once with a push token whose password has replicated.
    await harness.arm.tokens.create(RG, REGISTRY, "publisher", { scopeMapId: `${registryId}/scopeMaps/_repositories_push`, status: "enabled" }, { updateIntervalInMs: 0 });
    const gen = await harness.arm.registries.generateCredentials(RG, REGISTRY, { tokenId: `${registryId}/tokens/publisher`, name: "password1" }, { updateIntervalInMs: 0 });
    emu.clock.advance({ seconds: (o.replicationDelaySeconds ?? 60) + 1 });
    const skopeo = new Skopeo(path.join(dir, "skopeo"), emu.caCertPem);
    writeOciLayout(path.join(dir, "image"), "v1", "rotation consumer image\n");
    const pushed = await skopeo.copy(`oci:${path.join(dir, "image")}:v1`, `docker://${loginServer}/app:v1`, loginServer, {
      username: "publisher",
      password: gen.passwords!.find((p) => p.name === "password1")!.value!,
    });
    if (pushed.code !== 0) throw new Error(`rotation pulls: pushing the image failed: ${pushed.stderr.slice(-500)}`);

    const tokenId = `${registryId}/tokens/app-pull`;
    await harness.arm.tokens.create(RG, REGISTRY, "app-pull", { scopeMapId: `${registryId}/scopeMaps/_repositories_pull`, status: "enabled" }, { updateIntervalInMs: 0 });
    const session = harness.session({ program: PROGRAM, config: { tokenId, rotationPeriodDays: String(o.periodDays) } });

    const result: RotationPullsResult = { pulls: 0, failedPulls: 0, turns: 0, failures: [] };
    let slot: string | undefined;
    for (let day = 0; day < o.days; day++) {
      if (day > 0) emu.clock.advance({ days: 1 });
      const run = await session.up();
      const current = run.outputs["currentSlot"] as string;
      if (slot !== undefined && current !== slot) result.turns++;
      slot = current;
      const exported = { username: run.outputs["username"] as string, password: reveal<string>(run.outputs["password"]) };
      const server = run.outputs["loginServer"] as string;
      const pulled = await pullImage(server, "app", "v1", exported, emu.caCertPem);
      result.pulls++;
      if (!pulled.ok) {
        result.failedPulls++;
        result.failures.push(`day ${day}: ${pulled.step} ${pulled.status}`);
      }
    }
    await session.destroy();
    return result;
  } finally {
    if (savedClockFile === undefined) delete process.env.ACR_TOKENS_CLOCK_FILE;
    else process.env.ACR_TOKENS_CLOCK_FILE = savedClockFile;
    await harness?.close();
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
