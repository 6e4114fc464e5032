import { parseArgs } from "node:util";
import { formatLogLine } from "./log";
import { startEmulator, type EmulatorOptions } from "./index";

/**
 * `acr-tokens-emulator [--port 0] [--host 127.0.0.1] [--http] [--seed FILE] [--state FILE]
 * [--start-time ISO] [--clock-file FILE] [--quiet]`: starts the emulator, prints exactly one JSON line with its
 * endpoints on stdout, writes an access log to stderr (unless --quiet), and serves until
 * SIGTERM/SIGINT, then exits 0. Bad flags print the usage on stderr and exit 2.
 */

export const USAGE = `Usage: acr-tokens-emulator [options]

Starts a local Azure Container Registry management-plane (ARM) emulator and prints one JSON line:
{"armEndpoint","authorityHost","managedIdentityEndpoint","caCertPath","subscriptionId","tenantId"}

Options:
  --port N          TCP port (default 0: a free port)
  --host ADDR       listen address (default 127.0.0.1)
  --http            serve plain HTTP instead of HTTPS (the Azure SDK and CLI refuse bearer tokens over http)
  --seed FILE       JSON seed: {subscriptions, resourceGroups, registries, principals}
  --state FILE      persist state to FILE (atomic writes) and reload it on start
  --start-time ISO  start the emulator clock at this time
  --clock-file FILE mirror the emulator clock's time into FILE (for processes that share it)
  --quiet           no access log on stderr
  -V, --version     print the version and exit (answered by the bin)
  -h, --help        show this help
`;

/** Thrown for command-line mistakes (exit code 2). */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** Parses the command line into emulator options. */
export function parseCli(argv: string[]): { options: EmulatorOptions; quiet: boolean; help: boolean } {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: "string" },
        host: { type: "string" },
        http: { type: "boolean" },
        seed: { type: "string" },
        state: { type: "string" },
        "start-time": { type: "string" },
        "clock-file": { type: "string" },
        quiet: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const options: EmulatorOptions = {};
  if (values.port !== undefined) {
    const port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port > 65535) throw new UsageError(`--port must be an integer from 0 to 65535, got "${values.port}".`);
    options.port = port;
  }
  if (values.host !== undefined) options.host = values.host;
  if (values.http) options.protocol = "http";
  if (values.seed !== undefined) options.seed = values.seed;
  if (values.state !== undefined) options.statePath = values.state;
  if (values["start-time"] !== undefined) {
    if (Number.isNaN(Date.parse(values["start-time"]))) throw new UsageError(`--start-time must be an ISO 8601 date-time, got "${values["start-time"]}".`);
    options.startTime = values["start-time"];
  }
  if (values["clock-file"] !== undefined) options.clockFile = values["clock-file"];
  return { options, quiet: values.quiet ?? false, help: values.help ?? false };
}

/** Runs the CLI; resolves with the process exit code once the emulator has stopped. */
export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  let parsed;
  try {
    parsed = parseCli(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`acr-tokens-emulator: ${e.message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const emu = await startEmulator({
    ...parsed.options,
    logRequests: parsed.quiet ? undefined : (e) => process.stderr.write(`${formatLogLine(e)}\n`),
  });
  const { armEndpoint, authorityHost, managedIdentityEndpoint, caCertPath, subscriptionId, tenantId } = emu;
  process.stdout.write(`${JSON.stringify({ armEndpoint, authorityHost, managedIdentityEndpoint, caCertPath, subscriptionId, tenantId })}\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off("SIGTERM", stop);
      process.off("SIGINT", stop);
      resolve();
    };
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
  });
  await emu.close();
  return 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`acr-tokens-emulator: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
