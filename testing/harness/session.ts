import type { ContainerRegistryManagementClient } from "@azure/arm-containerregistry";
import type { Emulator } from "acr-tokens-emulator";
import { armClient } from "../emulator";
import { HostPool } from "./hosts";
import type { StackConfig } from "./program";
import { destroy, preview, refresh, runProgram, type RunOptions, type RunResult } from "./run";
import { emptyState, secret, type Operation, type StackState } from "./state";

/** What a {@link Session} runs. */
export interface SessionOptions {
  /** The program module (relative to the repository root, or absolute). */
  program: string;
  /** Stack config (bare keys are the project's; `acr-tokens:accessToken` defaults to the harness's token). */
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
 * The harness bound to one emulator and one Pulumi project: the ARM client azure-native resources go
 * through, and the dynamic-provider hosts (one per distinct stack config; sessions with the same
 * config share one). Start one per test file; `close()` ends the hosts.
 */
export class EmulatorHarness {
  /** The ARM client the harness uses for azure-native resources; also handy for arranging and inspecting state. */
  readonly arm: ContainerRegistryManagementClient;
  /** A long-lived ARM access token minted by the emulator: the stacks' `acr-tokens:accessToken` (a secret). */
  private readonly accessToken: string;

  private constructor(
    readonly emulator: Emulator,
    readonly project: string,
    private readonly hosts: HostPool,
  ) {
    const emu = emulator;
    this.accessToken = emu.issueToken({ expiresInSeconds: TOKEN_LIFETIME_S });
    // The same long-lived token: the SDK caches a token by real time, while the emulator checks its
    // expiry on its own clock, which scenarios move by months.
    const accessToken = this.accessToken;
    this.arm = armClient(emu, { getToken: async () => ({ token: accessToken, expiresOnTimestamp: Date.now() + 3_600_000 }) });
  }

  /**
   * @param emulator - A running emulator started with a `clockFile` (the providers read "now" from it).
   * @param project - The Pulumi project name of the programs (their config namespace).
   * @param env - Extra environment of the provider hosts (e.g. provider settings a scenario varies).
   */
  static start(emulator: Emulator, project: string, env: Record<string, string> = {}): EmulatorHarness {
    const clockFile = emulator.clock.mirrorFile;
    if (!clockFile) {
      throw new Error("EmulatorHarness.start: the emulator has no clock file; start it with startEmulator({ clockFile }) so the providers share its clock.");
    }
    const hosts = new HostPool(
      {
        NODE_EXTRA_CA_CERTS: emulator.caCertPath,
        ACR_TOKENS_ARM_ENDPOINT: emulator.armEndpoint,
        ACR_TOKENS_CLOCK_FILE: clockFile,
        ACR_TOKENS_LRO_POLL_INTERVAL_MS: "0",
        ...env,
      },
      project,
    );
    return new EmulatorHarness(emulator, project, hosts);
  }

  /** A new, empty stack running `options.program`. */
  session(options: SessionOptions): Session {
    const config: StackConfig = { "acr-tokens:accessToken": secret(this.accessToken), ...options.config };
    return new Session(this, this.hosts, { ...options, config });
  }

  /** What the dynamic-provider hosts printed (stack traces, warnings), for secret scans. */
  hostOutput(): Promise<string> {
    return this.hosts.stderr();
  }

  /** Ends the dynamic-provider hosts. */
  close(): Promise<void> {
    return this.hosts.close();
  }
}

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

  /** @internal Use {@link EmulatorHarness.session}. */
  constructor(
    private readonly harness: EmulatorHarness,
    private readonly hosts: HostPool,
    private readonly options: SessionOptions,
  ) {
    this.program = options.program;
    this.config = options.config;
  }

  private runOptions(): RunOptions {
    return { arm: this.harness.arm, hosts: this.hosts, project: this.harness.project, stack: this.options.stack ?? "dev", config: this.config };
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
