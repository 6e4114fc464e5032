import { readFileSync } from "node:fs";
import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import { createIdentityService } from "./auth";
import type { IssueTokenOptions } from "./auth/types";
import { ManualClock } from "./clock";
import { formatLogLine } from "./log";
import { DEFAULT_LRO_IN_PROGRESS_POLLS, DEFAULT_SUBSCRIPTION_ID, DEFAULT_TENANT_ID, loadSeed, startEmulator, type EmulatorOptions, type EmulatorSeed } from "./index";
import { readStateIdentity } from "./store";
import type { RegistrySku } from "./store/types";

/**
 * `acr-tokens-emulator [options]`: starts the emulator, prints exactly one JSON line with its
 * endpoints on stdout, writes an access log to stderr (unless --quiet), and serves until
 * SIGTERM/SIGINT, then exits 0. `acr-tokens-emulator token --state FILE …` prints a bearer token
 * that emulator accepts. Bad flags print the usage on stderr and exit 2.
 */

export const USAGE = `Usage: acr-tokens-emulator [options]
       acr-tokens-emulator token --state FILE [token options]

Starts a local Azure Container Registry management-plane (ARM) emulator and prints one JSON line:
{"armEndpoint","authorityHost","managedIdentityEndpoint","caCertPath","subscriptionId","tenantId"}
Out of the box it has subscription ${DEFAULT_SUBSCRIPTION_ID} and a system-assigned managed
identity (Contributor on it) served at managedIdentityEndpoint (az: MSI_ENDPOINT, az login --identity).

Options:
  --port N                    TCP port (default 0: a free port)
  --host ADDR                 listen address (default 127.0.0.1)
  --http                      serve plain HTTP instead of HTTPS (the Azure SDK and CLI refuse bearer tokens over http)
  --resource-group NAME       create this resource group (repeatable)
  --registry GROUP/NAME[:SKU] create this registry, and its group when missing (repeatable; SKU Basic,
                              Standard or Premium, default Premium: tokens need Premium for the Azure CLI)
  --seed FILE                 JSON seed: {subscriptions, resourceGroups, registries, principals}
  --state FILE                persist state to FILE and reload it on start; it also keeps the token-signing
                              key and the TLS CA, whose certificate is written to FILE.ca.pem (clients keep
                              trusting it across restarts)
  --ca-cert FILE --ca-key FILE
                              serve from this CA (PEM files); both missing: create a new CA there
  --start-time ISO            start the emulator clock at this time
  --clock-file FILE           mirror the emulator clock's time into FILE (for processes that share it)
  --lro-in-progress-polls N   answer N in-progress status polls before Succeeded (default ${DEFAULT_LRO_IN_PROGRESS_POLLS},
                              as most recorded operations did; the Azure CLI then needs --lro-retry-after 1)
  --lro-retry-after SECONDS   send Retry-After on long-running operation answers (default: none, as recorded)
  --generate-credentials-lro  answer generateCredentials 202 + Location, polled to its result (the REST
                              reference allows 200 and 202; the recordings show 200)
  --data-plane                serve each registry's data plane (docker login, pull, push) on its own
                              loopback port, which becomes its loginServer; pull/push need Debian's
                              docker-registry
  --replication-delay SECONDS with --data-plane: a new password logs in only this long after generation
                              (emulator clock; default 0, the service documents up to 60)
  --quiet                     no access log on stderr
  -V, --version               print the version and exit (answered by the bin)
  -h, --help                  show this help

Token options (acr-tokens-emulator token): prints an ARM access token signed with the key in the
--state file, for ACR_TOKENS_ACCESS_TOKEN or Authorization: Bearer (bring-your-own token).
  --state FILE                the state file of the emulator that must accept the token (required)
  --client-id ID              the token's appid (default: a user token)
  --object-id ID              the token's oid
  --expires-in SECONDS        lifetime (default 3600)
  --audience URL              aud claim (default https://management.azure.com/)
  --clock-file FILE           "now" from the emulator's --clock-file (default: the system clock)
  --json                      print the JSON of 'az account get-access-token' instead of the bare token
`;

/** Thrown for command-line mistakes (exit code 2). */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

const SKUS: readonly RegistrySku[] = ["Basic", "Standard", "Premium"];

/** Parses the command line into emulator options. */
export function parseCli(argv: string[]): { options: EmulatorOptions; quiet: boolean; help: boolean } {
  const values = flags(argv, {
    port: { type: "string" },
    host: { type: "string" },
    http: { type: "boolean" },
    "resource-group": { type: "string", multiple: true },
    registry: { type: "string", multiple: true },
    seed: { type: "string" },
    state: { type: "string" },
    "ca-cert": { type: "string" },
    "ca-key": { type: "string" },
    "start-time": { type: "string" },
    "clock-file": { type: "string" },
    "lro-in-progress-polls": { type: "string" },
    "lro-retry-after": { type: "string" },
    "generate-credentials-lro": { type: "boolean" },
    quiet: { type: "boolean" },
    "data-plane": { type: "boolean" },
    "replication-delay": { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  const options: EmulatorOptions = {};
  if (values.port !== undefined) {
    const port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port > 65535) throw new UsageError(`--port must be an integer from 0 to 65535, got "${values.port}".`);
    options.port = port;
  }
  if (values.host !== undefined) options.host = values.host;
  if (values.http) options.protocol = "http";
  const groups = values["resource-group"] ?? [];
  const registries = (values.registry ?? []).map(parseRegistryFlag);
  if (groups.length > 0 || registries.length > 0) {
    // Flags add to the seed file's content; the file is read (and checked) here so both merge.
    const seed: EmulatorSeed = values.seed !== undefined ? { ...loadSeed(values.seed) } : {};
    const rgs = [...(seed.resourceGroups ?? [])];
    const has = (name: string) => rgs.some((g) => g.name.toLowerCase() === name.toLowerCase() && g.subscriptionId === undefined);
    for (const name of [...groups, ...registries.map((r) => r.resourceGroup)]) if (!has(name)) rgs.push({ name });
    seed.resourceGroups = rgs;
    seed.registries = [...(seed.registries ?? []), ...registries];
    options.seed = seed;
  } else if (values.seed !== undefined) {
    options.seed = values.seed;
  }
  if (values.state !== undefined) options.statePath = values.state;
  if ((values["ca-cert"] === undefined) !== (values["ca-key"] === undefined)) throw new UsageError("--ca-cert and --ca-key go together: pass both (two missing files create a new CA there).");
  if (values["ca-cert"] !== undefined && values["ca-key"] !== undefined) options.tls = { caCertFile: values["ca-cert"], caKeyFile: values["ca-key"] };
  if (values["start-time"] !== undefined) {
    if (Number.isNaN(Date.parse(values["start-time"]))) throw new UsageError(`--start-time must be an ISO 8601 date-time, got "${values["start-time"]}".`);
    options.startTime = values["start-time"];
  }
  if (values["clock-file"] !== undefined) options.clockFile = values["clock-file"];
  const polls = values["lro-in-progress-polls"];
  const retryAfter = values["lro-retry-after"];
  if (polls !== undefined || retryAfter !== undefined || values["generate-credentials-lro"]) {
    options.lro = {};
    if (polls !== undefined) options.lro.inProgressPolls = wholeNumber("--lro-in-progress-polls", polls);
    if (retryAfter !== undefined) options.lro.retryAfterSeconds = wholeNumber("--lro-retry-after", retryAfter);
    if (values["generate-credentials-lro"]) options.lro.generateCredentials = "accepted";
  }
  const delay = values["replication-delay"];
  if (delay !== undefined && !values["data-plane"]) throw new UsageError("--replication-delay needs --data-plane.");
  if (delay !== undefined && (!/^\d+$/.test(delay) || Number(delay) > 86_400)) throw new UsageError(`--replication-delay must be a whole number of seconds from 0 to 86400, got "${delay}".`);
  if (values["data-plane"]) options.dataPlane = { replicationDelaySeconds: delay === undefined ? 0 : Number(delay) };
  return { options, quiet: values.quiet ?? false, help: values.help ?? false };
}

/** The flags of `argv` (no positionals); node's parse errors become usage errors (exit code 2). */
function flags<O extends ParseArgsOptionsConfig>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, strict: true, allowPositionals: false, options }).values;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function wholeNumber(flag: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} must be a whole number >= 0, got "${value}".`);
  return Number(value);
}

/** `GROUP/NAME[:SKU]` → a seed registry. */
function parseRegistryFlag(value: string): NonNullable<EmulatorSeed["registries"]>[number] {
  const m = /^([^/:]+)\/([^/:]+)(?::([^/:]+))?$/.exec(value);
  if (!m) throw new UsageError(`--registry takes GROUP/NAME or GROUP/NAME:SKU (e.g. demo-rg/demoregistry), got "${value}".`);
  const [, resourceGroup, name, sku] = m as unknown as [string, string, string, string | undefined];
  if (!/^[a-zA-Z0-9]{5,50}$/.test(name)) throw new UsageError(`--registry "${value}": a registry name is 5-50 letters and digits, got "${name}".`);
  if (sku === undefined) return { resourceGroup, name };
  const known = SKUS.find((k) => k.toLowerCase() === sku.toLowerCase());
  if (!known) throw new UsageError(`--registry "${value}": SKU must be Basic, Standard or Premium, got "${sku}".`);
  return { resourceGroup, name, sku: known };
}

/** Options of the `token` command. */
export interface TokenCommand {
  statePath: string;
  issue: IssueTokenOptions;
  clockFile?: string;
  json: boolean;
}

/** Parses `acr-tokens-emulator token …`. */
export function parseTokenCli(argv: string[]): TokenCommand & { help: boolean } {
  const values = flags(argv, {
    state: { type: "string" },
    "client-id": { type: "string" },
    "object-id": { type: "string" },
    "expires-in": { type: "string" },
    audience: { type: "string" },
    "clock-file": { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return { statePath: "", issue: {}, json: false, help: true };
  if (values.state === undefined) throw new UsageError("token: --state FILE is required: the state file of the emulator that must accept the token (start it with --state FILE).");
  const issue: IssueTokenOptions = {};
  if (values["client-id"] !== undefined) issue.clientId = values["client-id"];
  if (values["object-id"] !== undefined) issue.objectId = values["object-id"];
  if (values.audience !== undefined) issue.audience = values.audience;
  if (values["expires-in"] !== undefined) {
    issue.expiresInSeconds = wholeNumber("--expires-in", values["expires-in"]);
    if (issue.expiresInSeconds === 0) throw new UsageError("--expires-in must be at least 1 second.");
  }
  return { statePath: values.state, issue, ...(values["clock-file"] !== undefined ? { clockFile: values["clock-file"] } : {}), json: values.json ?? false, help: false };
}

/**
 * Mints the token of a `token` command with the signing key of the state file (read only; the
 * emulator may be running). Returns what to print: the bare token, or az's get-access-token JSON.
 */
export function mintToken(cmd: TokenCommand): string {
  const state = readStateIdentity(cmd.statePath);
  let start: string | undefined;
  if (cmd.clockFile !== undefined) {
    try {
      start = readFileSync(cmd.clockFile, "utf8").trim();
    } catch (e) {
      throw new UsageError(`--clock-file '${cmd.clockFile}' cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`);
    }
    if (Number.isNaN(Date.parse(start))) throw new UsageError(`--clock-file '${cmd.clockFile}' does not hold an ISO 8601 time.`);
  }
  const clock = new ManualClock(start !== undefined ? { start } : {});
  const tenantId = state.tenantId ?? DEFAULT_TENANT_ID;
  const identity = createIdentityService({ tenantId, clock, signingKeyPem: state.keys.signingKeyPem, managedIdentityHeader: state.keys.managedIdentityHeader });
  const token = identity.issueToken(cmd.issue);
  if (!cmd.json) return token;
  const expiresOn = Math.floor(clock.now().getTime() / 1000) + (cmd.issue.expiresInSeconds ?? 3600);
  return JSON.stringify({
    accessToken: token,
    expiresOn: new Date(expiresOn * 1000).toISOString().replace("T", " ").replace("Z", ""),
    expires_on: expiresOn,
    subscription: state.subscriptionId ?? DEFAULT_SUBSCRIPTION_ID,
    tenant: tenantId,
    tokenType: "Bearer",
  });
}

/** Runs the CLI; resolves with the process exit code once the emulator has stopped. */
export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  if (argv[0] === "token") return tokenMain(argv.slice(1));
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

function tokenMain(argv: string[]): number {
  try {
    const cmd = parseTokenCli(argv);
    if (cmd.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    process.stdout.write(`${mintToken(cmd)}\n`);
    return 0;
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`acr-tokens-emulator: ${e.message}\n\n${USAGE}`);
    return 2;
  }
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
