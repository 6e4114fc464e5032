import { execFile } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

/**
 * Runs the Azure CLI (Debian's azure-cli 2.45) as a peer client of the emulator, following recipe
 * (d) of ../shared/research/az-cli-peer.md: a hand-written managed-identity profile in a temporary
 * AZURE_CONFIG_DIR, `MSI_ENDPOINT` at the emulator, `REQUESTS_CA_BUNDLE` = the emulator's CA,
 * telemetry off, warnings off. No `az login`, nothing under ~/.azure is read or written.
 * With `login: "adfs"` the config dir instead points the cloud's AD endpoint at the emulator's ADFS
 * form, for tests that run `az login --service-principal --tenant adfs` themselves.
 *
 * Internal to the tests (tests/fidelity/azCli.test.ts, tests/emulator/auth/azCliAdfs.test.ts) and bench.
 */

/** The command that installs the Azure CLI on Debian/Ubuntu (what `.ci/run` does). */
export const AZ_INSTALL_COMMAND = "sudo apt-get install azure-cli";

/** The cloud name written into the temporary config dir. */
const AZ_CLOUD_NAME = "AcrTokensEmulator";

/** Finds an executable `az` on PATH; undefined when there is none. */
export function findAz(path: string | undefined = process.env.PATH): string | undefined {
  for (const dir of (path ?? "").split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, "az");
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** What the CLI needs to know about the emulator (a subset of `startEmulator`'s result). */
export interface AzPeerTarget {
  armEndpoint: string;
  authorityHost: string;
  managedIdentityEndpoint: string;
  caCertPath: string;
  subscriptionId: string;
  tenantId: string;
}

/** One finished `az` run. */
export interface AzResult {
  /** Exit code (az: 0 ok, 1 error, 2 usage error, 3 resource not found). */
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Replaces secret-shaped content in CLI output before it may appear in a message: JSON `"value"`
 * fields (token passwords) and the `-p <password>` of the CLI's docker-login hint.
 */
export function redactSecrets(text: string): string {
  return text
    .replace(/("value"\s*:\s*)"(?:[^"\\]|\\.)*"/g, '$1"<redacted>"')
    .replace(/(\s-p\s+)\S+/g, "$1<redacted>")
    .replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]+/g, "$1<redacted>");
}

/** The Azure CLI bound to one emulator through its own temporary config dir. */
export class AzCli {
  /** Number of `az` processes started, to keep the suite's cost visible. */
  invocations = 0;

  private constructor(
    readonly azPath: string,
    readonly configDir: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /**
   * Creates a config dir for `target`: the recipe-(d) managed-identity profile, or with `login: "adfs"`
   * no profile (the caller runs `az login --service-principal --tenant adfs`, ../shared/research/az-cli-peer.md §3).
   */
  static async create(azPath: string, target: AzPeerTarget, login: "managedIdentity" | "adfs" = "managedIdentity"): Promise<AzCli> {
    const configDir = await mkdtemp(join(tmpdir(), "acr-tokens-az-"));
    const arm = target.armEndpoint.endsWith("/") ? target.armEndpoint : `${target.armEndpoint}/`;
    await writeFile(
      join(configDir, "config"),
      [`[cloud]`, `name = ${AZ_CLOUD_NAME}`, ``, `[core]`, `collect_telemetry = no`, `only_show_errors = true`, `output = json`, ``].join("\n"),
    );
    await writeFile(
      join(configDir, "clouds.config"),
      [
        `[${AZ_CLOUD_NAME}]`,
        `endpoint_resource_manager = ${arm}`,
        // Never contacted with a managed identity, but az refuses to run when it is unset. For a
        // service-principal login: MSAL skips instance discovery only for an authority ending in /adfs.
        `endpoint_active_directory = ${target.authorityHost.replace(/\/$/, "")}${login === "adfs" ? "/adfs" : ""}`,
        // The resource az asks the managed-identity endpoint for (one of the audiences ARM accepts).
        `endpoint_active_directory_resource_id = https://management.core.windows.net/`,
        // Without it every `az acr` command fails before sending a request.
        `suffix_acr_login_server_endpoint = .azurecr.io`,
        ``,
      ].join("\n"),
    );
    if (login === "managedIdentity") {
      await writeFile(
        join(configDir, "azureProfile.json"),
        JSON.stringify({
          subscriptions: [
            {
              id: target.subscriptionId,
              name: "acr-tokens emulator",
              state: "Enabled",
              isDefault: true,
              tenantId: target.tenantId,
              environmentName: AZ_CLOUD_NAME,
              user: { name: "systemAssignedIdentity", type: "servicePrincipal", assignedIdentityInfo: "MSI" },
            },
          ],
        }),
      );
    }
    // A minimal environment: nothing from the developer's shell (proxies, AZURE_*, IDENTITY_*) leaks in.
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: configDir,
      LANG: "C.UTF-8",
      AZURE_CONFIG_DIR: configDir,
      REQUESTS_CA_BUNDLE: target.caCertPath,
      AZURE_CORE_COLLECT_TELEMETRY: "no",
      AZURE_CORE_ONLY_SHOW_ERRORS: "true",
      AZURE_CORE_NO_COLOR: "true",
      NO_PROXY: "127.0.0.1,localhost",
    };
    if (login === "managedIdentity") env.MSI_ENDPOINT = target.managedIdentityEndpoint;
    return new AzCli(azPath, configDir, env);
  }

  /** Runs `az <args> --output json` (argument array, no shell). Never rejects on a non-zero exit. */
  run(args: readonly string[]): Promise<AzResult> {
    this.invocations++;
    return new Promise((resolve, reject) => {
      execFile(
        this.azPath,
        [...args, "--output", "json"],
        { env: this.env, timeout: 120_000, maxBuffer: 16 * 1024 * 1024, encoding: "utf8" },
        (error, stdout, stderr) => {
          if (error && typeof error.code !== "number") {
            // Node's message repeats the command line and whatever stderr came before a timeout kill.
            reject(new Error(`az ${args.slice(0, 3).join(" ")} did not run: ${redactSecrets(error.message)}`));
            return;
          }
          resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
        },
      );
    });
  }

  /** Runs `az` and parses its JSON output; throws (secrets redacted) unless it exits 0. */
  async json<T>(args: readonly string[]): Promise<T> {
    const result = await this.run(args);
    if (result.code !== 0) {
      throw new Error(`az ${args.join(" ")} exited ${result.code}: ${redactSecrets(result.stderr).trim() || "(no stderr)"}`);
    }
    try {
      return JSON.parse(result.stdout) as T;
    } catch {
      throw new Error(`az ${args.join(" ")} printed no JSON (${result.stdout.length} bytes on stdout).`);
    }
  }

  /** Removes the temporary config dir. */
  async dispose(): Promise<void> {
    await rm(this.configDir, { recursive: true, force: true });
  }
}
