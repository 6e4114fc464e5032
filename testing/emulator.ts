import { Agent, request } from "node:https";
import { ContainerRegistryManagementClient } from "@azure/arm-containerregistry";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { startEmulator, type Emulator, type EmulatorOptions, type IssueTokenOptions } from "acr-tokens-emulator";

/**
 * Mocha fixture: starts one emulator for the whole file (`before`) and closes it (`after`).
 * Call at the top of a `describe`; the getter returns the running emulator inside tests.
 */
export function useEmulator(options?: EmulatorOptions): () => Emulator {
  let emu: Emulator | undefined;
  before(async () => {
    emu = await startEmulator(options);
  });
  after(async () => {
    await emu?.close();
  });
  return () => {
    if (!emu) throw new Error("useEmulator: the emulator is not running; call the getter inside a test or hook, after `before`.");
    return emu;
  };
}

/** A credential over `emu.issueToken(...)` (bring-your-own token, as the package's users do). */
export function emulatorCredential(emu: Emulator, token?: IssueTokenOptions): TokenCredential {
  return {
    getToken: async (): Promise<AccessToken> => ({
      token: emu.issueToken(token),
      expiresOnTimestamp: emu.clock.now().getTime() + 3_600_000,
    }),
  };
}

/** LRO options for tests: poll without waiting (the emulator sends no Retry-After by default). */
export const FAST_LRO = { updateIntervalInMs: 0 } as const;

/**
 * The official `@azure/arm-containerregistry` v12 client pointed at the emulator: `endpoint`,
 * the real ARM token scope (the default would be `{endpoint}/.default`), the emulator's CA, and
 * no retry back-off waits (fault tests count retries, they do not wait for them).
 */
export function armClient(
  emu: Emulator,
  credential: TokenCredential = emulatorCredential(emu),
  options: { maxRetries?: number; apiVersion?: string } = {},
): ContainerRegistryManagementClient {
  return new ContainerRegistryManagementClient(credential, emu.subscriptionId, {
    endpoint: emu.armEndpoint,
    credentials: { scopes: ["https://management.azure.com/.default"] },
    tlsOptions: { ca: emu.caCertPem },
    retryOptions: { maxRetries: options.maxRetries ?? 0, retryDelayInMs: 1, maxRetryDelayInMs: 1 },
    ...(options.apiVersion ? { apiVersion: options.apiVersion } : {}),
  });
}

/**
 * Scope maps and tokens of a registry as ARM lists them (passwords by name, creation time and expiry):
 * what a test compares before and after a program to see that it left the registry as it found it.
 */
export async function registrySnapshot(arm: ContainerRegistryManagementClient, resourceGroup: string, registryName: string): Promise<unknown> {
  const maps = [];
  for await (const m of arm.scopeMaps.list(resourceGroup, registryName)) maps.push({ name: m.name, actions: m.actions });
  const tokens = [];
  for await (const t of arm.tokens.list(resourceGroup, registryName)) {
    tokens.push({ name: t.name, scopeMapId: t.scopeMapId, status: t.status, passwords: JSON.parse(JSON.stringify(t.credentials?.passwords ?? [])) });
  }
  return { maps, tokens };
}

/** One keep-alive agent per emulator: a TLS handshake per request would dominate test time. */
const agents = new WeakMap<Emulator, Agent>();

function agentFor(emu: Emulator): Agent {
  let agent = agents.get(emu);
  if (!agent) {
    agent = new Agent({ keepAlive: true, ca: emu.caCertPem });
    agents.set(emu, agent);
  }
  return agent;
}

/** A raw HTTPS call to the emulator (for wire-level assertions the SDK hides). The URL is normalised (no `..`). */
export async function rawRequest(
  emu: Emulator,
  method: string,
  pathAndQuery: string,
  init: { body?: string | Buffer; headers?: Record<string, string>; token?: string | null } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string; json: () => unknown }> {
  const url = new URL(pathAndQuery, emu.armEndpoint);
  const headers: Record<string, string> = { ...init.headers };
  if (init.token !== null) headers.authorization = `Bearer ${init.token ?? emu.issueToken()}`;
  if (init.body !== undefined && headers["content-type"] === undefined) headers["content-type"] = "application/json";
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent: agentFor(emu) }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    if (init.body !== undefined) req.end(init.body);
    else req.end();
  });
}
