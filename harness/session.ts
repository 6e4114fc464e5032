import { ContainerRegistryManagementClient } from "@azure/arm-containerregistry";
import type { Emulator } from "acr-tokens/emulator";
import { HostPool } from "./hosts";
import type { StackConfig } from "./program";
import { destroy, preview, refresh, runProgram, type RunOptions, type RunResult } from "./run";
import { emptyState, secret, type Operation, type StackState } from "./state";

/** Options of {@link Session.start}. */
export interface SessionOptions {
  /** A running emulator, started with a `clockFile` (providers read "now" from it). */
  emulator: Emulator;
  /** The program module (relative to the repository root, or absolute). */
  program: string;
  /** The program's Pulumi project name (its config namespace). */
  project: string;
  /** Stack config. `acr-tokens:accessToken` defaults to a long-lived token minted by the emulator. */
  config: StackConfig;
  /** Stack name. @default "dev" */
  stack?: string;
}

/** A failed `up`, `refresh` or `destroy`: every failed step, one per line (providers' messages hold no secret). */
export class HarnessRunError extends Error {
  override readonly name = "HarnessRunError";
  constructor(
    operation: string,
    readonly result: RunResult,
  ) {
    super(`${operation} failed:\n${result.errors.map((e) => `  ${e.urn}: ${e.message}`).join("\n")}`);
  }
}

/** Ten years: the stack's access token must outlive every clock move a scenario makes. */
const TOKEN_LIFETIME_S = 10 * 365 * 86_400;

/**
 * A user's session with one stack, as a test or the demo tells it: `up`, `preview`, `refresh`,
 * `destroy`, with the program and config changeable in between. The state is kept here between calls.
 * `up`/`refresh`/`destroy` throw {@link HarnessRunError} when a step fails (`{ allowErrors: true }`
 * returns the result instead).
 */
export class Session {
  /** The stack's state, as after the last operation. */
  state: StackState = emptyState();
  /** The program the next `up`/`preview` runs. */
  program: string;
  /** The stack config of the next operation. */
  config: StackConfig;
  /** The ARM client the harness uses for azure-native resources; also handy for arranging and inspecting state. */
  readonly arm: ContainerRegistryManagementClient;

  private constructor(
    private readonly options: SessionOptions,
    private readonly hosts: HostPool,
  ) {
    this.program = options.program;
    this.config = options.config;
    const emu = options.emulator;
    this.arm = new ContainerRegistryManagementClient(
      { getToken: async () => ({ token: emu.issueToken(), expiresOnTimestamp: emu.clock.now().getTime() + 3_600_000 }) },
      emu.subscriptionId,
      {
        endpoint: emu.armEndpoint,
        credentials: { scopes: ["https://management.azure.com/.default"] },
        tlsOptions: { ca: emu.caCertPem },
        retryOptions: { maxRetries: 0 },
      },
    );
  }

  /** A session on a new, empty stack. Starts no process yet (the dynamic-provider host starts on first use). */
  static start(options: SessionOptions): Session {
    const emu = options.emulator;
    const clockFile = emu.clock.mirrorFile;
    if (!clockFile) {
      throw new Error("Session.start: the emulator has no clock file; start it with startEmulator({ clockFile }) so the providers share its clock.");
    }
    const hosts = new HostPool(
      {
        NODE_EXTRA_CA_CERTS: emu.caCertPath,
        ACR_TOKENS_ARM_ENDPOINT: emu.armEndpoint,
        ACR_TOKENS_CLOCK_FILE: clockFile,
        ACR_TOKENS_LRO_POLL_INTERVAL_MS: "0",
      },
      options.project,
    );
    const config: StackConfig = { "acr-tokens:accessToken": secret(emu.issueToken({ expiresInSeconds: TOKEN_LIFETIME_S })), ...options.config };
    return new Session({ ...options, config }, hosts);
  }

  private runOptions(): RunOptions {
    return { arm: this.arm, hosts: this.hosts, project: this.options.project, stack: this.options.stack ?? "dev", config: this.config };
  }

  private keep(operation: string, result: RunResult, allowErrors: boolean | undefined): RunResult {
    this.state = result.state;
    if (result.errors.length > 0 && !allowErrors) throw new HarnessRunError(operation, result);
    return result;
  }

  /** `pulumi up`. */
  async up(options: { allowErrors?: boolean } = {}): Promise<RunResult> {
    return this.keep("up", await runProgram(this.program, this.state, this.runOptions()), options.allowErrors);
  }

  /**
   * `pulumi preview [--refresh] [--expect-no-changes]`: the plan only; the state is not changed.
   * With `expectNoChanges`, throws when the plan has any change, naming each.
   */
  async preview(options: { refresh?: boolean; expectNoChanges?: boolean } = {}): Promise<RunResult> {
    const result = await preview(this.program, this.state, { ...this.runOptions(), ...(options.refresh ? { refresh: true } : {}) });
    if (result.errors.length > 0) throw new HarnessRunError("preview", result);
    if (options.expectNoChanges && result.changes) {
      const changes = Object.entries(result.plan)
        .filter(([, op]) => op !== "same")
        .map(([urn, op]) => `  ${op} ${urn}`);
      throw new Error(`preview --expect-no-changes: the plan has changes:\n${changes.join("\n")}`);
    }
    return result;
  }

  /** `pulumi refresh`. */
  async refresh(options: { allowErrors?: boolean } = {}): Promise<RunResult> {
    return this.keep("refresh", await refresh(this.state, this.runOptions()), options.allowErrors);
  }

  /** `pulumi destroy`. */
  async destroy(options: { allowErrors?: boolean } = {}): Promise<RunResult> {
    return this.keep("destroy", await destroy(this.state, this.runOptions()), options.allowErrors);
  }

  /** What the dynamic-provider hosts printed (stack traces), for secret scans. */
  hostOutput(): Promise<string> {
    return this.hosts.stderr();
  }

  /** Ends the dynamic-provider hosts. The state stays readable. */
  close(): Promise<void> {
    return this.hosts.close();
  }
}

/**
 * The plan keyed by `<type>::<name>` (the URN's last two parts without the parent types), for
 * assertions and printing: `{ "azure-native:containerregistry:Token::app-pull": "same", … }`.
 */
export function planByName(plan: Record<string, Operation>): Record<string, Operation> {
  return Object.fromEntries(
    Object.entries(plan).map(([urn, op]) => {
      const parts = urn.split("::");
      return [`${parts[2].split("$").pop()}::${parts.slice(3).join("::")}`, op];
    }),
  );
}
