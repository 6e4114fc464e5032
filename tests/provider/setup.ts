import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { ContainerRegistryManagementClient } from "@azure/arm-containerregistry";
import { startEmulator, type Emulator, type RequestLogEntry } from "acr-tokens-emulator";
import { TokenPassword } from "../../components/tokenPassword";
import { TokenSettings } from "../../components/tokenSettings";
import { ProviderHost, registerUnderMocks, secret, withProvider, type Props } from "../../testing/providerHost";

/**
 * Shared setup of the provider suites: an emulator with one Premium registry, an SDK client to
 * arrange and inspect its state, the serialized shims taken from real resources built under mocks,
 * and hosts whose environment points the provider at the emulator.
 */

export const PASSWORD_TYPE = "pulumi-nodejs:dynamic/acr-tokens:TokenPassword";
export const SETTINGS_TYPE = "pulumi-nodejs:dynamic/acr-tokens:TokenSettings";
export const RG = "rg-tokens";
export const REGISTRY = "tokenregistry";

let texts: Promise<{ password: string; settings: string }> | undefined;

/** The `__provider` texts of TokenPassword and TokenSettings, as the SDK serialized them for real resources (built once per process). */
export function providerTexts(): Promise<{ password: string; settings: string }> {
  texts ??= registerUnderMocks(() => [
    // Only the serialized provider is taken; a well-formed token id, as the component checks it at construction.
    new TokenPassword("text-probe", { token: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/unused/tokens/unused" }),
    new TokenSettings("text-probe", { tokenId: "unused", scopeMapId: "unused", status: "enabled" }),
  ]).then((seen) => {
    const password = seen.find((r) => r.type === PASSWORD_TYPE)?.providerText;
    const settings = seen.find((r) => r.type === SETTINGS_TYPE)?.providerText;
    if (typeof password !== "string" || typeof settings !== "string") throw new Error("the shims did not serialize to strings");
    return { password, settings };
  });
  return texts;
}

export interface ProviderTestBed {
  emu: Emulator;
  /** The test's own SDK client (bearer token minted by the emulator), to arrange and inspect state. */
  sdk: ContainerRegistryManagementClient;
  clockFile: string;
  registryId: string;
  tokenId(name: string): string;
  scopeMapId(name: string): string;
  /** Creates a token bound to `_repositories_pull` (or the given map) through the SDK. */
  createToken(name: string, scopeMap?: string): Promise<string>;
  /** Environment for a host that talks to this emulator (plus the scenario's credential variables). */
  hostEnv(extra?: Record<string, string | undefined>): Record<string, string | undefined>;
  close(): Promise<void>;
}

/** Object id of the principal the test's own SDK client acts as (Owner of the subscription when roles are enforced). */
export const ARRANGER_OBJECT_ID = "3f6f1a3c-7a47-4c5e-8f2e-a11a11a11a11";

/** Starts the emulator (one per test file) with one Premium registry. */
export async function startTestBed(options: { enforceRoleAssignments?: boolean } = {}): Promise<ProviderTestBed> {
  const dir = mkdtempSync(path.join(tmpdir(), "acr-tokens-provider-"));
  const clockFile = path.join(dir, "clock");
  const emu = await startEmulator({
    seed: { resourceGroups: [{ name: RG }], registries: [{ resourceGroup: RG, name: REGISTRY, sku: "Premium" }] },
    clockFile,
    enforceRoleAssignments: options.enforceRoleAssignments ?? false,
  });
  emu.identity.assignRole({ principalObjectId: ARRANGER_OBJECT_ID, scope: `/subscriptions/${emu.subscriptionId}`, role: "Owner" });
  const sdk = new ContainerRegistryManagementClient(
    { getToken: async () => ({ token: emu.issueToken({ objectId: ARRANGER_OBJECT_ID }), expiresOnTimestamp: emu.clock.now().getTime() + 3_600_000 }) },
    emu.subscriptionId,
    { endpoint: emu.armEndpoint, credentials: { scopes: ["https://management.azure.com/.default"] }, tlsOptions: { ca: emu.caCertPem } },
  );
  const registryId = `/subscriptions/${emu.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.ContainerRegistry/registries/${REGISTRY}`;
  const bed: ProviderTestBed = {
    emu,
    sdk,
    clockFile,
    registryId,
    tokenId: (name) => `${registryId}/tokens/${name}`,
    scopeMapId: (name) => `${registryId}/scopeMaps/${name}`,
    async createToken(name, scopeMap = "_repositories_pull") {
      const token = await sdk.tokens.create(RG, REGISTRY, name, { scopeMapId: bed.scopeMapId(scopeMap), status: "enabled" }, { updateIntervalInMs: 0 });
      if (!token.id) throw new Error(`token ${name} has no id`);
      return bed.tokenId(name);
    },
    hostEnv(extra = {}) {
      return {
        NODE_EXTRA_CA_CERTS: emu.caCertPath,
        ACR_TOKENS_CLOCK_FILE: clockFile,
        ACR_TOKENS_LRO_POLL_INTERVAL_MS: "0",
        ACR_TOKENS_ARM_ENDPOINT: emu.armEndpoint,
        ...extra,
      };
    },
    async close() {
      await emu.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return bed;
}

/** ARM requests the emulator received since `mark` (`emu.requests.length` taken before the action). */
export function armCallsSince(emu: Emulator, mark: number): RequestLogEntry[] {
  return emu.requests.slice(mark).filter((r) => r.kind === "arm");
}

/** `operation` names of the ARM requests since `mark`, for exact call-count assertions. */
export function armOperationsSince(emu: Emulator, mark: number): string[] {
  return armCallsSince(emu, mark).map((r) => r.operation ?? `${r.method} ${r.path}`);
}

/** Check + Create a TokenPassword through the host, as the engine does on `up`. */
export async function createPassword(host: ProviderHost, name: string, inputs: Props): Promise<{ id: string; outs: Props; inputs: Props }> {
  const { password } = await providerTexts();
  const checked = await host.check(PASSWORD_TYPE, name, {}, withProvider(password, inputs));
  if (checked.failures.length > 0) throw new Error(`check failed: ${JSON.stringify(checked.failures)}`);
  const created = await host.create(PASSWORD_TYPE, name, checked.inputs, ["password"]);
  return { ...created, inputs: checked.inputs };
}

/** Names of the token's passwords, as the emulator has them. */
export async function passwordNames(bed: ProviderTestBed, token: string): Promise<string[]> {
  const t = await bed.sdk.tokens.get(RG, REGISTRY, token);
  return (t.credentials?.passwords ?? []).map((p) => p.name ?? "?").sort();
}

export interface SharedConfigHost {
  bed: ProviderTestBed;
  host: ProviderHost;
  /** The bring-your-own access token given to the host as secret stack config (`acr-tokens:accessToken`). */
  accessToken: string;
}

let shared: Promise<SharedConfigHost> | undefined;

/**
 * One emulator and one host configured with an access token in secret stack config, shared by the
 * suites that need no other credential setup (spawning a host under ts-node costs seconds on 2 cores).
 * Suites using it pick unique token names. Closed by the root `after` hook below, at the end of the run.
 */
export function sharedConfigHost(): Promise<SharedConfigHost> {
  shared ??= (async () => {
    const bed = await startTestBed();
    const accessToken = bed.emu.issueToken({ expiresInSeconds: 6 * 3600 });
    const host = await ProviderHost.start({ env: bed.hostEnv() });
    await host.configure({ "acr-tokens:accessToken": secret(accessToken) });
    return { bed, host, accessToken };
  })();
  return shared;
}

// Registered on mocha's root suite when a spec file first imports this module.
after(async () => {
  if (!shared) return;
  const { bed, host } = await shared;
  await host.close();
  await bed.close();
});
