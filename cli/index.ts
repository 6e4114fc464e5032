import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { DEFAULT_EXPIRING_WITHIN, OutputFormat, parseCheckArgs } from "./args";
import { runCheck } from "./check";
import { ArmRequestErrorName, type ArmRequestError } from "../components/arm/errors";
import { UsageError, UsageErrorName } from "./errors";
import { redactError, refuseNetworkDebug, rememberEnvSecrets, scrub, show } from "../components/common/redact";
import { renderJson, renderTable } from "./format";
import type { TextSink } from "./progress";

export { parseCheckArgs, parseWindow, OutputFormat, type CheckOptions, type RegistryTarget } from "./args";
export { runCheck, buildReport, Flag, type CheckReport, type TokenReport, type PasswordReport, type CheckSummary } from "./check";
export { UsageError, UsageErrorName, CheckTargetError, CheckTargetErrorName } from "./errors";
export type { TextSink } from "./progress";

/** The command's exit codes. */
export const ExitCode = {
  /** Nothing flagged. */
  Ok: 0,
  /** At least one token flagged (expired or expiring password, disabled, no password, missing). */
  Flagged: 1,
  /** The check could not run: usage, credential/authentication, registry not found, or ARM failure. */
  Error: 2,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** What {@link main} reads and writes instead of `process`, so tests run it in-process. */
export interface CliIo {
  /** The result (table or JSON) and `--help`; nothing else. */
  stdout: TextSink;
  /** Errors, warnings and (on a terminal) progress. */
  stderr: TextSink;
  /** Credential settings and `ACR_TOKENS_CLOCK_FILE` are read from here (`process.env` for the real command). */
  env: NodeJS.ProcessEnv;
  /** stderr is a terminal: progress is shown only then. */
  isTTY: boolean;
}

const MAIN_HELP = `Usage: acr-tokens <command> [options]

Commands:
  check    List a registry's tokens with their passwords' expiry, and flag what needs attention.

Options:
  -V, --version  Print the version of acr-tokens.
  -h, --help     Show this help.

Run 'acr-tokens check --help' for the options of check.
`;

/** The text of `acr-tokens check --help`. */
export const CHECK_HELP = `Usage: acr-tokens check --registry <name or resource id> [options]

Lists every token of an Azure Container Registry (or the ones named with --token) with its status,
scope map, and each password's creation time and expiry, and flags what needs attention.

Options:
  --registry <name|id>        The registry: its name, or its resource id
                              (/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.ContainerRegistry/registries/<name>).
  -g, --resource-group <rg>   The registry's resource group. Without it, a registry given by name is
                              found by listing the subscription's registries.
  --subscription <id>         Subscription id. Default: ACR_TOKENS_SUBSCRIPTION_ID, AZURE_CLI_SUBSCRIPTION_ID,
                              or the "subscription" of an 'az account get-access-token' JSON token.
  --token <name>              Check only this token; repeat for several. A named token that does not
                              exist is flagged "missing".
  --expiring-within <n><d|h|m>
                              Flag passwords that expire within this window (default ${DEFAULT_EXPIRING_WITHIN}),
                              e.g. 30d, 36h, 90m; 0d flags only expired ones.
  -o, --output table|json     table (default) for people; json: one JSON document on stdout.
  -h, --help                  Show this help.

Flags:
  expired             a password's expiry has passed
  expiring            a password expires within --expiring-within
  disabled            the token's status is disabled
  no-password         the token has no password
  missing             named with --token, but not in the registry

Exit codes:
  0   nothing flagged
  1   at least one token flagged
  2   the check could not run: wrong usage, no or bad credential, registry not found, or an ARM error
      (the message on stderr says what to fix; stdout stays empty)

Authentication is the providers': a bring-your-own ARM access token first (ACR_TOKENS_ACCESS_TOKEN,
ACR_TOKENS_ACCESS_TOKEN_FILE or AZURE_CLI_ACCESS_TOKEN: the token, or the JSON of
'az account get-access-token'), else @azure/identity (DefaultAzureCredential, or ACR_TOKENS_CREDENTIAL).
Passwords are never read or printed; the check only lists tokens.

Examples:
  export ACR_TOKENS_ACCESS_TOKEN="$(az account get-access-token --resource https://management.azure.com/ -o json)"
  acr-tokens check --registry myregistry --subscription 00000000-0000-0000-0000-000000000000
  acr-tokens check --registry "$REGISTRY_ID" --token ci-pull --token ci-push --expiring-within 30d
  acr-tokens check --registry myregistry -g my-rg --output json | jq '.tokens[] | select(.flags != [])'
`;

/**
 * Runs `acr-tokens <argv…>` and returns the exit code; never calls `process.exit` and never throws.
 * Errors are one message on stderr (what is wrong and what to do), never a stack, a token or a password.
 *
 * @param argv - The arguments after the executable, e.g. `["check", "--registry", "myregistry"]`.
 * @param io - Where output goes and what environment and terminal the command sees.
 * @returns The exit code: {@link ExitCode}.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const [command, ...rest] = argv;
  if ((command === "--version" || command === "-V") && rest.length === 0) {
    io.stdout.write(`${packageVersion()}\n`);
    return ExitCode.Ok;
  }
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    if (command === "help" && rest[0] === "check") {
      io.stdout.write(CHECK_HELP);
      return ExitCode.Ok;
    }
    (command === undefined ? io.stderr : io.stdout).write(MAIN_HELP);
    return command === undefined ? ExitCode.Error : ExitCode.Ok;
  }
  if (command !== "check") {
    return fail(
      io,
      new UsageError(`Unknown command ${show(command, { shape: /^[\w-]{1,30}$/ })}. The command is "check": acr-tokens check --registry <name or resource id>.`),
      "acr-tokens",
    );
  }
  try {
    // Before anything: under NODE_DEBUG=http(s) Node would print the bearer token of every request.
    refuseNetworkDebug(io.env);
    const parsed = parseCheckArgs(rest);
    if (parsed.help) {
      io.stdout.write(CHECK_HELP);
      return ExitCode.Ok;
    }
    const report = await runCheck(parsed, io);
    io.stdout.write(parsed.output === OutputFormat.Json ? renderJson(report) : renderTable(report));
    return report.summary.ok ? ExitCode.Ok : ExitCode.Flagged;
  } catch (err) {
    return fail(io, err, "acr-tokens check");
  }
}

/** The version in the package's own package.json (two folders up from dist/cli/, one from cli/ in the repository). */
function packageVersion(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, "package.json");
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
    if (manifest.name === "acr-tokens" && manifest.version) return manifest.version;
  }
  return "unknown";
}

function fail(io: CliIo, err: unknown, prefix: string): ExitCode {
  // The boundary: whatever path built the message, it leaves through the package's redaction rule,
  // which also removes every secret this process was handed (its environment's among them).
  rememberEnvSecrets(io.env);
  redactError(err);
  let message = err instanceof Error ? err.message : scrub(String(err));
  if (err instanceof Error && err.name === ArmRequestErrorName && (err as ArmRequestError).statusCode === undefined) {
    // The provider's message names the stack-config keys; this command reads only the environment.
    message += " This command reads ACR_TOKENS_ARM_ENDPOINT and ACR_TOKENS_CLOUD from the environment.";
  }
  // The provider's ARM errors end with the Pulumi command to run again; here it is this command.
  if (err instanceof Error && err.name === ArmRequestErrorName) message = message.replace(/run `pulumi up` again/g, `run \`${prefix}\` again`);
  io.stderr.write(`${prefix}: ${message}\n`);
  if (err instanceof Error && err.name === UsageErrorName) {
    io.stderr.write(`Run '${prefix} --help' for usage.\n`);
  }
  return ExitCode.Error;
}

/**
 * The `acr-tokens` executable (bin/acr-tokens.js): {@link main} over the real process. Sets
 * `process.exitCode` rather than calling `process.exit`, so piped output is flushed first.
 *
 * @param argv - The arguments after the executable. @default `process.argv.slice(2)`
 */
export function run(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  // `acr-tokens check -o json | head` closes the pipe early; that is not an error of the check.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") throw err;
  });
  return main(argv, { stdout: process.stdout, stderr: process.stderr, env: process.env, isTTY: process.stderr.isTTY === true }).then(
    (code) => {
      process.exitCode = code;
    },
  );
}
