import { parseArgs } from "node:util";
import { checkName, checkResourceGroupName, REGISTRY_NAME, TOKEN_NAME } from "../components/arm/names";
import { nearest } from "../components/common/problems";
import { parseRegistryResourceId } from "../components/arm/ids";
import { parseRegistryId } from "../components/validation";
import { SUBSCRIPTION_ID } from "../components/credential/subscription";
import { UsageError } from "./errors";
import { show } from "../components/common/redact";

/**
 * A command-line value for a message, through the package's redaction rule: quoted only when it is a
 * short value of the expected shape with nothing credential-shaped in it, else described (a token
 * pasted as an argument never comes back on stderr or in CI logs).
 */
function arg(value: string, shape: RegExp = /^[\w ./:()~+-]{0,100}$/): string {
  return show(value, { shape, maxLength: 300 });
}

/** The output formats of `acr-tokens check`. */
export const OutputFormat = {
  /** Aligned columns for people (default). */
  Table: "table",
  /** One JSON document for programs. */
  Json: "json",
} as const;
export type OutputFormat = (typeof OutputFormat)[keyof typeof OutputFormat];

/** The default of `--expiring-within`. */
export const DEFAULT_EXPIRING_WITHIN = "14d";

/** The registry to check, as given on the command line. */
export type RegistryTarget =
  /** `--registry <resource id>`: everything is known. */
  | { kind: "id"; subscriptionId: string; resourceGroupName: string; registryName: string }
  /** `--registry <name>`: the resource group is `--resource-group`, or found by listing the subscription's registries. */
  | { kind: "name"; registryName: string; resourceGroupName?: string; subscriptionId?: string };

/** `acr-tokens check` options, checked. */
export interface CheckOptions {
  registry: RegistryTarget;
  /** Token names to check (`--token`, repeatable, de-duplicated case-insensitively); empty: every token. */
  tokens: string[];
  /** `--expiring-within`, as given (e.g. `14d`), for messages and the JSON report. */
  expiringWithin: string;
  /** `--expiring-within` in milliseconds. */
  expiringWithinMs: number;
  output: OutputFormat;
}

/** What the command line asks for. */
export type CheckCommand = { help: true } | ({ help: false } & CheckOptions);

const OPTION_NAMES = ["--registry", "--resource-group", "--subscription", "--token", "--expiring-within", "--output", "--help"];
/** What users of `az acr` type out of habit, and what this command calls it. */
const HABITS: Readonly<Record<string, string>> = {
  "-n": "--registry",
  "--name": "--registry",
  "--registry-name": "--registry",
  "-r": "--registry",
  "--format": "--output",
  "--json": "--output json",
  "--expiration": "--expiring-within",
  "--expiration-in-days": "--expiring-within",
};
const SUBSCRIPTION_FIX = "Use the subscription's GUID, e.g. from 'az account show --query id -o tsv'.";
// ARM compares names case-insensitively and an existing registry may have been created with capitals.
const EXISTING_REGISTRY_NAME = { ...REGISTRY_NAME, lowerCase: false, allowedText: "letters and digits" };

/**
 * Parses and checks the arguments after `check`. Every mistake is a {@link UsageError} whose first
 * sentence names the option and whose rest says how to write it; nothing here touches the network.
 *
 * @param argv - The arguments after `check`.
 */
export function parseCheckArgs(argv: readonly string[]): CheckCommand {
  // `--expiring-within -1d`: node's parser reads "-1d" as options, and would say the option "needs a value".
  const negative = argv.findIndex((a, i) => i > 0 && argv[i - 1] === "--expiring-within" && /^-\d/.test(a));
  if (negative > 0) parseWindow(argv[negative]!);
  let values: Record<string, string[] | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: {
        registry: { type: "string", multiple: true },
        "resource-group": { type: "string", short: "g", multiple: true },
        subscription: { type: "string", multiple: true },
        token: { type: "string", multiple: true },
        "expiring-within": { type: "string", multiple: true },
        output: { type: "string", short: "o", multiple: true },
        help: { type: "boolean", short: "h" },
      },
    }) as { values: Record<string, string[] | boolean | undefined>; positionals: string[] });
  } catch (err) {
    throw usageFromParseArgs(err);
  }
  if (values.help === true) return { help: true };
  if (positionals.length > 0) {
    throw new UsageError(
      `Unexpected argument ${arg(positionals[0]!)}. Options take values as --option value; pass token names with --token NAME (repeat it for several).`,
    );
  }

  const registry = single(values, "registry");
  const resourceGroup = single(values, "resource-group");
  const subscription = single(values, "subscription");
  const expiring = single(values, "expiring-within") ?? DEFAULT_EXPIRING_WITHIN;
  const output = single(values, "output") ?? OutputFormat.Table;

  if (registry === undefined) {
    throw new UsageError(
      "--registry is required. Pass the registry's name (with --resource-group, or alone to find it in the subscription) or its resource id.",
    );
  }
  if (subscription !== undefined && !SUBSCRIPTION_ID.test(subscription)) {
    throw new UsageError(`--subscription ${arg(subscription)} is not a subscription id. ${SUBSCRIPTION_FIX}`);
  }
  if (resourceGroup !== undefined) {
    const problem = checkResourceGroupName(resourceGroup, "--resource-group")[0];
    if (problem) throw new UsageError(problem.message);
  }
  const target = parseRegistry(registry, resourceGroup, subscription);

  const tokens: string[] = [];
  for (const token of (values.token as string[] | undefined) ?? []) {
    const problem = checkName(TOKEN_NAME, token, { propertyPath: "--token" })[0];
    if (problem) throw new UsageError(problem.message);
    if (!tokens.some((t) => t.toLowerCase() === token.toLowerCase())) tokens.push(token);
  }

  if (output !== OutputFormat.Table && output !== OutputFormat.Json) {
    throw new UsageError(`--output ${arg(output)} is not a format this command writes. Use --output table (the default) or --output json.`);
  }
  return { help: false, registry: target, tokens, expiringWithin: expiring, expiringWithinMs: parseWindow(expiring), output };
}

const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000 } as const;
const WINDOW_FIX = "Use a whole number of days (d), hours (h) or minutes (m), e.g. 14d, 36h or 90m.";

/**
 * `--expiring-within`: a whole number with one unit, `d`, `h` or `m` (`14d`, `36h`, `90m`; `0d` turns the
 * window off). Internal. Exported for testing.
 *
 * @param text - The value of `--expiring-within`.
 * @returns The window in milliseconds.
 */
export function parseWindow(text: string): number {
  if (/^\s*-\d/.test(text)) {
    throw new UsageError(`--expiring-within ${arg(text)} is negative; the window looks ahead from now. ${WINDOW_FIX} Use 0d to flag only expired passwords.`);
  }
  const m = /^(\d+)([a-z]*)$/i.exec(text.trim());
  if (!m) throw new UsageError(`--expiring-within ${arg(text)} is not a duration. ${WINDOW_FIX}`);
  const [, amount, unit] = m as unknown as [string, string, string];
  if (unit === "") throw new UsageError(`--expiring-within ${arg(text)} has no unit. ${WINDOW_FIX}`);
  const factor = UNIT_MS[unit as keyof typeof UNIT_MS];
  if (factor === undefined) {
    throw new UsageError(`--expiring-within ${arg(text)} has the unit ${arg(unit)}, which is not accepted. ${WINDOW_FIX}`);
  }
  const ms = Number(amount) * factor;
  if (!Number.isSafeInteger(ms) || ms > 100 * 365 * UNIT_MS.d) {
    throw new UsageError(`--expiring-within ${arg(text)} is longer than 100 years. ${WINDOW_FIX}`);
  }
  return ms;
}

function parseRegistry(registry: string, resourceGroup: string | undefined, subscription: string | undefined): RegistryTarget {
  if (registry.startsWith("/")) {
    const parsed = parseRegistryId(registry.replace(/\/+$/, ""), "--registry");
    const problem = parsed.problems[0];
    if (problem || !parsed.registry) throw new UsageError(problem?.message ?? `--registry ${arg(registry)} is not a container registry resource id.`);
    const subscriptionId = parseRegistryResourceId(registry.replace(/\/+$/, ""))!.subscriptionId;
    if (!SUBSCRIPTION_ID.test(subscriptionId)) {
      throw new UsageError(`--registry ${arg(registry)} has the subscription id ${arg(subscriptionId)}, which is not a GUID. ${SUBSCRIPTION_FIX}`);
    }
    const { registryName, resourceGroupName } = parsed.registry;
    if (resourceGroup !== undefined && resourceGroup.toLowerCase() !== resourceGroupName.toLowerCase()) {
      throw new UsageError(
        `--resource-group ${arg(resourceGroup)} differs from the resource group ${arg(resourceGroupName)} in the --registry id. Drop --resource-group: the id names the group.`,
      );
    }
    if (subscription !== undefined && subscription.toLowerCase() !== subscriptionId.toLowerCase()) {
      throw new UsageError(
        `--subscription ${arg(subscription)} differs from the subscription ${arg(subscriptionId)} in the --registry id. Drop --subscription: the id names the subscription.`,
      );
    }
    return { kind: "id", subscriptionId, resourceGroupName, registryName };
  }
  const problem = checkName(EXISTING_REGISTRY_NAME, registry, { propertyPath: "--registry" })[0];
  if (problem) {
    throw new UsageError(
      `${problem.message} Or pass the registry's resource id (/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.ContainerRegistry/registries/<name>).`,
    );
  }
  return {
    kind: "name",
    registryName: registry,
    ...(resourceGroup !== undefined ? { resourceGroupName: resourceGroup } : {}),
    ...(subscription !== undefined ? { subscriptionId: subscription } : {}),
  };
}

/** The one value of an option that may be given once. */
function single(values: Record<string, string[] | boolean | undefined>, name: string): string | undefined {
  const given = values[name] as string[] | undefined;
  if (given === undefined) return undefined;
  if (given.length > 1) {
    const more = name === "registry" ? " To check several registries, run the command once per registry." : "";
    throw new UsageError(`--${name} is given ${given.length} times. Give it once.${more}`);
  }
  const value = given[0]!.trim();
  if (value === "") throw new UsageError(`--${name} is empty. Give it a value, e.g. ${example(name)}.`);
  return value;
}

function example(name: string): string {
  switch (name) {
    case "registry":
      return "--registry myregistry";
    case "resource-group":
      return "--resource-group my-rg";
    case "subscription":
      return "--subscription 00000000-0000-0000-0000-000000000000";
    case "expiring-within":
      return "--expiring-within 14d";
    case "token":
      return "--token ci-pull";
    default:
      return "--output json";
  }
}

/** Turns node's parseArgs errors into usage messages in this command's words. */
function usageFromParseArgs(err: unknown): UsageError {
  const code = (err as { code?: string }).code;
  const message = err instanceof Error ? err.message : String(err);
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    // Only the option's name: `--password=<value>` must not echo the value.
    const name = (/'([^']+)'/.exec(message)?.[1] ?? "?").replace(/=.*$/s, "");
    const option = name;
    const meant = HABITS[name] ?? nearest(name, OPTION_NAMES);
    return new UsageError(`Unknown option ${arg(option)}.${meant ? ` Did you mean ${meant}?` : ""} Options: ${OPTION_NAMES.join(", ")}.`);
  }
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    const option = /--([a-z-]+)/.exec(message)?.[1];
    if (option === "help") return new UsageError(`--help takes no value. Write --help alone.`);
    return new UsageError(`--${option ?? "?"} needs a value. Write it as ${example(option ?? "")}.`);
  }
  // node's other parseArgs messages quote what they got: described through the redaction rule instead.
  return new UsageError(`The arguments could not be read (${code ?? "error"}). Run 'acr-tokens check --help' for the options.`);
}
