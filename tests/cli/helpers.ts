import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { ContainerRegistryManagementClient } from "@azure/arm-containerregistry";
import { startEmulator, type Emulator, type IssueTokenOptions } from "acr-tokens-emulator";
import { main, type CliIo } from "../../cli";
import { armClient, FAST_LRO } from "../../testing/emulator";

/**
 * Test bed of the CLI suites: one emulator per file (small pages, so every list is paged), its clock
 * mirrored into a file the CLI reads through ACR_TOKENS_CLOCK_FILE, an SDK client to arrange state, and
 * `cli(...)`, which runs `main()` in-process with captured io.
 */

export const RG = "rg-cli";
/** A second resource group: registries found by name must be found here too. */
export const OTHER_RG = "rg-cli-other";
/** Marks tokens minted for the CLI (as the `appid` claim): no output may ever contain it. */
export const SENTINEL = "SENTINELcliQ7v2";

/** What one in-process run returned. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** `operation` of every ARM request the emulator received during the run. */
  armOps: string[];
}

export interface CliTestBed {
  emu: Emulator;
  /**
   * A new SDK client per call: the SDK's bearer policy caches a token by wall-clock time, which goes
   * stale once a test moves the emulator clock.
   */
  sdk(): ContainerRegistryManagementClient;
  clockFile: string;
  /** Every access token and password value handed out in this file (for the secret-hygiene assertions). */
  secrets: string[];
  /** The registry resource id. */
  registryId(name: string, resourceGroup?: string): string;
  /** Creates an empty Premium registry with a unique name. */
  newRegistry(resourceGroup?: string): Promise<string>;
  /** Creates a token bound to `_repositories_pull`. */
  createToken(registry: string, token: string, status?: "enabled" | "disabled", resourceGroup?: string): Promise<void>;
  /** Generates one password; `expiresInMs` from the emulator's now, or no expiry. */
  generatePassword(registry: string, token: string, name: "password1" | "password2", expiresInMs?: number, resourceGroup?: string): Promise<void>;
  /** The environment of a CI job pointed at the emulator with a fresh bring-your-own token (override or remove with `extra`). */
  env(extra?: Record<string, string | undefined>, token?: IssueTokenOptions): NodeJS.ProcessEnv;
  /** Runs `acr-tokens <argv>` in-process. */
  cli(argv: string[], options?: { env?: NodeJS.ProcessEnv; isTTY?: boolean }): Promise<CliRun>;
  close(): Promise<void>;
}

let counter = 0;

export async function startCliTestBed(): Promise<CliTestBed> {
  const dir = mkdtempSync(path.join(tmpdir(), "acr-tokens-cli-"));
  const clockFile = path.join(dir, "clock");
  const emu = await startEmulator({
    seed: { resourceGroups: [{ name: RG }, { name: OTHER_RG }] },
    clockFile,
    // Two items per page: every tokens.list and registries.list in these tests follows nextLinks.
    pageSize: 2,
  });
  const sdk = (): ContainerRegistryManagementClient => armClient(emu);
  const secrets: string[] = [];
  const registryId = (name: string, resourceGroup = RG): string =>
    `/subscriptions/${emu.subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ContainerRegistry/registries/${name}`;

  const bed: CliTestBed = {
    emu,
    sdk,
    clockFile,
    secrets,
    registryId,
    async newRegistry(resourceGroup = RG) {
      const name = `clireg${process.pid}x${++counter}`;
      await sdk().registries.create(resourceGroup, name, { location: "eastus", sku: { name: "Premium" } }, FAST_LRO);
      return name;
    },
    async createToken(registry, token, status = "enabled", resourceGroup = RG) {
      await sdk().tokens.create(
        resourceGroup,
        registry,
        token,
        { scopeMapId: `${registryId(registry, resourceGroup)}/scopeMaps/_repositories_pull`, status },
        FAST_LRO,
      );
    },
    async generatePassword(registry, token, name, expiresInMs, resourceGroup = RG) {
      const result = await sdk().registries.generateCredentials(
        resourceGroup,
        registry,
        {
          tokenId: `${registryId(registry, resourceGroup)}/tokens/${token}`,
          name,
          ...(expiresInMs !== undefined ? { expiry: new Date(emu.clock.now().getTime() + expiresInMs) } : {}),
        },
        FAST_LRO,
      );
      for (const p of result.passwords ?? []) if (p.value) secrets.push(p.value);
    },
    env(extra = {}, token = {}) {
      const accessToken = emu.issueToken({ clientId: SENTINEL, ...token });
      secrets.push(accessToken);
      const env: NodeJS.ProcessEnv = {
        ACR_TOKENS_ACCESS_TOKEN: accessToken,
        ACR_TOKENS_SUBSCRIPTION_ID: emu.subscriptionId,
        ACR_TOKENS_ARM_ENDPOINT: emu.armEndpoint,
        ACR_TOKENS_CA_CERT_FILE: emu.caCertPath,
        ACR_TOKENS_CLOCK_FILE: clockFile,
      };
      for (const [k, v] of Object.entries(extra)) {
        if (v === undefined) delete env[k];
        else env[k] = v;
      }
      return env;
    },
    async cli(argv, options = {}) {
      let stdout = "";
      let stderr = "";
      const io: CliIo = {
        stdout: { write: (s: string) => (stdout += s) },
        stderr: { write: (s: string) => (stderr += s) },
        env: options.env ?? bed.env(),
        isTTY: options.isTTY ?? false,
      };
      const mark = emu.requests.length;
      const code = await main(argv, io);
      const armOps = emu.requests.slice(mark).filter((r) => r.kind === "arm").map((r) => r.operation ?? `${r.method} ${r.path}`);
      return { code, stdout, stderr, armOps };
    },
    async close() {
      await emu.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return bed;
}

export { firstSentence } from "../credential/fixtures";

/** Fails when any text holds one of the secrets or the sentinel; the message never shows the secret. */
export function assertNoSecret(texts: Iterable<string>, secrets: readonly string[]): void {
  for (const text of texts) {
    if (text.includes(SENTINEL)) throw new Error("an output contains the sentinel claim of the access token (text withheld)");
    secrets.forEach((secret, i) => {
      if (text.includes(secret)) throw new Error(`an output contains secret #${i} (an access token or a password value; text withheld)`);
      // The JWT's signature alone is as good as a leak.
      const signature = secret.split(".")[2];
      if (signature && signature.length > 16 && text.includes(signature)) {
        throw new Error(`an output contains the signature of access token #${i} (text withheld)`);
      }
    });
  }
}

export const DAY = 86_400_000;

/** Sets variables on process.env (for @azure/identity, which reads it directly); returns the undo. */
export function setProcessEnv(values: Record<string, string>): () => void {
  const saved = Object.fromEntries(Object.keys(values).map((k) => [k, process.env[k]]));
  Object.assign(process.env, values);
  return () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}
