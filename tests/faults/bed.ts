import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { ContainerRegistryManagementClient } from "@azure/arm-containerregistry";
import { startEmulator, type Emulator, type RequestLogEntry } from "acr-tokens-emulator";
import { armClient } from "../../testing/emulator";
import { ProviderHost, secret, type Props } from "../../testing/providerHost";
import { RG, REGISTRY } from "../provider/setup";

/**
 * The fault suites' test bed: one emulator per file, persisted to a state file and restartable on the
 * same port with the same CA (so a running provider host keeps talking to it), hosts configured with
 * a bring-your-own access token in secret stack config, and a request-log hook tests can await.
 */
export interface FaultBed {
  /** The running emulator (another object after {@link FaultBed.restart}). */
  readonly emu: Emulator;
  /** The test's own SDK client, to arrange and inspect the registry (no retries: it must not hide faults). */
  readonly sdk: ContainerRegistryManagementClient;
  readonly clockFile: string;
  tokenId(name: string): string;
  /** Creates a token bound to `_repositories_pull` through the SDK; returns its id. */
  createToken(name: string): Promise<string>;
  /** Environment for a host that talks to this emulator, with fast retries (no back-off waits). */
  hostEnv(extra?: Record<string, string | undefined>): Record<string, string | undefined>;
  /** Starts a host configured with `accessToken` (default: a fresh 6-hour token) as secret stack config. */
  startHost(options?: { accessToken?: string; env?: Record<string, string | undefined> }): Promise<ProviderHost>;
  /** Resolves with the first request-log entry (from now on) that `match` accepts. */
  nextRequest(match: (e: RequestLogEntry) => boolean): Promise<RequestLogEntry>;
  /** Calls `hook` synchronously as the emulator answers each request (before the bytes leave). */
  onAnswer(hook: ((e: RequestLogEntry) => void) | undefined): void;
  /** Closes the emulator and starts it again from its state file, same port, same CA. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startFaultBed(): Promise<FaultBed> {
  const dir = mkdtempSync(path.join(tmpdir(), "acr-tokens-faults-"));
  const clockFile = path.join(dir, "clock");
  const statePath = path.join(dir, "state.json");
  const waiters: Array<{ match: (e: RequestLogEntry) => boolean; resolve: (e: RequestLogEntry) => void }> = [];
  let hook: ((e: RequestLogEntry) => void) | undefined;
  const logRequests = (e: RequestLogEntry) => {
    hook?.(e);
    for (const w of [...waiters]) {
      if (!w.match(e)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(e);
    }
  };
  const seed = { resourceGroups: [{ name: RG }], registries: [{ resourceGroup: RG, name: REGISTRY, sku: "Premium" as const }] };
  // The state file keeps the CA (its certificate at `${statePath}.ca.pem`): every incarnation serves
  // the same one, so hosts keep trusting the emulator across a restart.
  let emu = await startEmulator({ seed, statePath, clockFile, logRequests });
  const port = Number(new URL(emu.armEndpoint).port);

  // Reported as expiring now, so the bearer policy asks again on every call and each call gets a
  // token minted at the emulator's current time, however far a test moves its clock.
  const makeSdk = (e: Emulator) => armClient(e, { getToken: async () => ({ token: e.issueToken(), expiresOnTimestamp: Date.now() }) });
  let sdk = makeSdk(emu);
  const registryId = () => `/subscriptions/${emu.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.ContainerRegistry/registries/${REGISTRY}`;
  const hosts: ProviderHost[] = [];

  const bed: FaultBed = {
    get emu() {
      return emu;
    },
    get sdk() {
      return sdk;
    },
    clockFile,
    tokenId: (name) => `${registryId()}/tokens/${name}`,
    async createToken(name) {
      await sdk.tokens.create(RG, REGISTRY, name, { scopeMapId: `${registryId()}/scopeMaps/_repositories_pull`, status: "enabled" }, { updateIntervalInMs: 0 });
      return bed.tokenId(name);
    },
    hostEnv(extra = {}) {
      return {
        NODE_EXTRA_CA_CERTS: emu.caCertPath,
        ACR_TOKENS_CLOCK_FILE: clockFile,
        ACR_TOKENS_LRO_POLL_INTERVAL_MS: "0",
        ACR_TOKENS_ARM_ENDPOINT: emu.armEndpoint,
        // Back-off base 0: the pipeline retries without waiting, so tests count retries, never sleep.
        ACR_TOKENS_RETRY_DELAY_MS: "0",
        ...extra,
      };
    },
    async startHost(options = {}) {
      const host = await ProviderHost.start({ env: bed.hostEnv(options.env) });
      hosts.push(host);
      await host.configure({ "acr-tokens:accessToken": secret(options.accessToken ?? emu.issueToken({ expiresInSeconds: 6 * 3600 })) });
      return host;
    },
    nextRequest(match) {
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
    onAnswer(h) {
      hook = h;
    },
    async restart() {
      const at = emu.clock.now();
      await emu.close();
      emu = await startEmulator({ statePath, clockFile, logRequests, port, startTime: at });
      sdk = makeSdk(emu);
    },
    async close() {
      for (const h of hosts) await h.close();
      await emu.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return bed;
}

/**
 * Mocha fixture of a fault suite: a bed for the file (`before`) with one provider host started on it
 * (unless `host: false`), closed `after`. The getters return them inside tests and hooks.
 */
export function useFaultBed(options: { host?: boolean } = {}): { bed: () => FaultBed; host: () => ProviderHost } {
  let bed: FaultBed | undefined;
  let host: ProviderHost | undefined;
  before(async () => {
    bed = await startFaultBed();
    if (options.host !== false) host = await bed.startHost();
  });
  after(async () => {
    await bed?.close();
  });
  return {
    bed: () => bed ?? fail("the bed"),
    host: () => host ?? fail(options.host === false ? "a host (useFaultBed({ host: false }) starts none: call bed().startHost())" : "the host"),
  };
}

function fail(what: string): never {
  throw new Error(`useFaultBed: ${what} is not there; call the getter inside a test or hook, after \`before\`.`);
}

/** What the tests' engine keeps per TokenPassword after a successful create: its id and outputs. */
export type PasswordState = Map<string, { id: string; outs: Props }>;
