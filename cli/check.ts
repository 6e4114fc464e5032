import type { ContainerRegistryManagementClient, Token } from "@azure/arm-containerregistry";
import { currentTime } from "../components/common/clock";
import { resolveCredential, type ResolvedCredential } from "../components/credential";
import { armClientFor } from "../components/arm/client";
import { parseRegistryResourceId } from "../components/arm/ids";
import { assessPassword, expiryState, PasswordState } from "../components/arm/passwordState";
import { statusOf, wrapArmError } from "../components/arm/errors";
import type { CheckOptions } from "./args";
import { CheckTargetError } from "./errors";
import { Progress, type TextSink } from "./progress";

/**
 * `acr-tokens check`: reads every token of one registry with a single paged `tokens.list` (a registry
 * given by name alone is first found with a paged `registries.list` of the subscription) and assesses
 * each token's passwords against "now". Reads only: it never generates, changes or prints a password,
 * and the list never carries password values (../shared/acr/README.md §3.3).
 */

/**
 * What the check flags, per token, in this order. The password states are the package's one
 * vocabulary (components/arm/passwordState.ts), the same words as a TokenPassword's `driftCodes`.
 */
export const Flag = {
  /** Named with `--token`, but the registry has no such token. */
  Missing: "missing",
  /** The token's status is `disabled`: none of its passwords works. */
  Disabled: PasswordState.Disabled,
  /** The token has no password at all. */
  NoPassword: "no-password",
  /** A password's expiry has passed (was `expired-password`). */
  Expired: PasswordState.Expired,
  /** A password expires within the `--expiring-within` window (was `expiring-password`). */
  Expiring: PasswordState.Expiring,
} as const;
export type Flag = (typeof Flag)[keyof typeof Flag];

/**
 * The previous release's names of `expired` and `expiring`. The JSON `flags` still lists each right
 * after its new name, so scripts written against them keep working for this release; the table does not.
 */
export const LegacyFlag = { [Flag.Expired]: "expired-password", [Flag.Expiring]: "expiring-password" } as const;
export type LegacyFlag = (typeof LegacyFlag)[keyof typeof LegacyFlag];

/** One password as the report shows it: never its value. */
export interface PasswordReport {
  /** `password1` or `password2`. */
  name: string;
  /** ISO 8601 UTC, or null when ARM did not say. */
  creationTime: string | null;
  /** ISO 8601 UTC, or null: the password never expires. */
  expiry: string | null;
  state: "valid" | "expiring" | "expired";
}

/** One token as the report shows it. */
export interface TokenReport {
  name: string;
  /** ARM id; null for a missing token. */
  id: string | null;
  /** False for a token named with `--token` that the registry does not have. */
  found: boolean;
  status: "enabled" | "disabled" | null;
  /** The scope map's name (the last segment of `scopeMapId`). */
  scopeMap: string | null;
  scopeMapId: string | null;
  /** ISO 8601 UTC, or null. */
  creationDate: string | null;
  passwords: PasswordReport[];
  /** Empty when nothing is wrong with this token. Also lists the {@link LegacyFlag} names, for one release. */
  flags: Array<Flag | LegacyFlag>;
}

/** Counts over the whole report. */
export interface CheckSummary {
  /** Tokens in the report (missing named ones included). */
  tokens: number;
  /** Tokens with at least one flag. */
  flagged: number;
  expiredPasswords: number;
  expiringPasswords: number;
  disabled: number;
  noPassword: number;
  missing: number;
  /** True when nothing is flagged (exit code 0). */
  ok: boolean;
}

/** The result of a check: the JSON document `--output json` prints. */
export interface CheckReport {
  /** Bumped on any incompatible change of this document's shape. */
  schemaVersion: 1;
  registry: { id: string; name: string; resourceGroup: string; subscriptionId: string };
  /** Which credential the check used, e.g. `access token from ACR_TOKENS_ACCESS_TOKEN`, `DefaultAzureCredential` (never a secret). */
  credential: string;
  /** "Now" of the check, ISO 8601 UTC. */
  checkedAt: string;
  /** `--expiring-within`, as given. */
  expiringWithin: string;
  /** Passwords expiring at or before this instant (and after `checkedAt`) are flagged as expiring. */
  expiringBefore: string;
  tokens: TokenReport[];
  summary: CheckSummary;
}

/** What the check needs from the outside world. */
export interface CheckIo {
  /** Progress (terminal only) and credential warnings. */
  stderr: TextSink;
  /** Credential settings (`ACR_TOKENS_*`, `AZURE_CLI_*`) and `ACR_TOKENS_CLOCK_FILE`. */
  env: NodeJS.ProcessEnv;
  /** stderr is a terminal: show progress. */
  isTTY: boolean;
}

/**
 * Runs the check. Authenticates as the providers do (`resolveCredential` over `io.env`: a
 * bring-your-own token first, pre-checked before any call, else @azure/identity). Throws the credential
 * module's errors, a {@link CheckTargetError} when the subscription or registry cannot be found, or the
 * provider's wrapped ARM error.
 *
 * @param options - The checked command line.
 * @param io - stderr for progress and warnings, the environment, and whether stderr is a terminal.
 */
export async function runCheck(options: CheckOptions, io: CheckIo): Promise<CheckReport> {
  const resolved = await resolveCredential({
    env: io.env,
    logger: { warn: (message) => io.stderr.write(`acr-tokens check: warning: ${message}\n`) },
  });
  const target = options.registry;
  const subscriptionId = target.subscriptionId ?? resolved.subscriptionId;
  if (subscriptionId === undefined) {
    throw new CheckTargetError(
      `No subscription id to find registry "${target.registryName}" in. Pass --subscription <id>, or set ACR_TOKENS_SUBSCRIPTION_ID ` +
        `(or AZURE_CLI_SUBSCRIPTION_ID), or give --registry as a resource id, which names the subscription.`,
    );
  }
  const client = armClientFor(resolved, subscriptionId);
  const progress = new Progress(io.stderr, io.isTTY);
  try {
    const found =
      target.resourceGroupName !== undefined
        ? { resourceGroupName: target.resourceGroupName, registryName: target.registryName }
        : await findRegistry(client, target.registryName, subscriptionId, resolved, progress);
    const tokens = await listTokens(client, { subscriptionId, ...found }, resolved, progress);
    const now = currentTime({ env: io.env });
    const { resourceGroupName } = found;
    // The name as ARM spells it (the user may have typed another casing).
    const registryName = registryNameFromTokens(tokens) ?? found.registryName;
    return buildReport({
      registry: {
        id: `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroupName}/providers/Microsoft.ContainerRegistry/registries/${registryName}`,
        name: registryName,
        resourceGroup: resourceGroupName,
        subscriptionId,
      },
      credential: resolved.source,
      tokens,
      requested: options.tokens,
      now,
      expiringWithin: options.expiringWithin,
      expiringWithinMs: options.expiringWithinMs,
    });
  } finally {
    progress.clear();
  }
}

/** Finds the registry's resource group by listing the subscription's registries (ACR names are unique per cloud). */
async function findRegistry(
  client: ContainerRegistryManagementClient,
  registryName: string,
  subscriptionId: string,
  resolved: ResolvedCredential,
  progress: Progress,
): Promise<{ resourceGroupName: string; registryName: string }> {
  const seen: string[] = [];
  progress.update(`Finding registry ${registryName} in subscription ${subscriptionId}…`);
  try {
    for await (const page of client.registries.list().byPage()) {
      for (const registry of page) {
        if (registry.name === undefined) continue;
        if (registry.name.toLowerCase() === registryName.toLowerCase() && registry.id) {
          const group = /\/resourceGroups\/([^/]+)\//i.exec(registry.id)?.[1];
          if (group) return { resourceGroupName: group, registryName: registry.name };
        }
        seen.push(registry.name);
      }
      progress.update(`Finding registry ${registryName} in subscription ${subscriptionId}… ${seen.length} other registr${seen.length === 1 ? "y" : "ies"} seen`);
    }
  } catch (err) {
    throw notFound(err, { subscriptionId }) ?? wrapArmError(err, `Finding registry "${registryName}" in subscription ${subscriptionId}`, "registries.list", resolved);
  }
  const has =
    seen.length === 0
      ? "The subscription has no container registry the credential can see."
      : `The subscription has ${seen.length === 1 ? "the registry" : "the registries"} ${listNames(seen)}.`;
  throw new CheckTargetError(
    `Registry "${registryName}" was not found in subscription ${subscriptionId}. ${has} ` +
      `Check --registry and --subscription (or ACR_TOKENS_SUBSCRIPTION_ID), or pass the registry's resource id.`,
  );
}

/** Every token of the registry, following `nextLink`s. */
async function listTokens(
  client: ContainerRegistryManagementClient,
  where: { subscriptionId: string; resourceGroupName: string; registryName: string },
  resolved: ResolvedCredential,
  progress: Progress,
): Promise<Token[]> {
  const tokens: Token[] = [];
  progress.update(`Listing tokens of ${where.registryName}…`);
  try {
    for await (const page of client.tokens.list(where.resourceGroupName, where.registryName).byPage()) {
      tokens.push(...page);
      progress.update(`Listing tokens of ${where.registryName}… ${tokens.length} so far`);
    }
  } catch (err) {
    const missing = notFound(err, where);
    if (missing) throw missing;
    throw wrapArmError(err, `Listing the tokens of registry "${where.registryName}"`, "tokens.list", resolved);
  }
  return tokens;
}

/**
 * ARM's 404 for a list, as the part of the registry's address that is wrong; undefined for any other
 * failure. ARM answers for the first missing parent: subscription, then resource group, then registry.
 */
function notFound(err: unknown, where: { subscriptionId: string; resourceGroupName?: string; registryName?: string }): CheckTargetError | undefined {
  if (statusOf(err) !== 404) return undefined;
  const code = (err as { code?: unknown }).code;
  const arm = typeof code === "string" ? ` (ARM: ${code})` : "";
  const findInstead = "or leave out --resource-group to find the registry in the subscription.";
  if (code === "SubscriptionNotFound" || where.resourceGroupName === undefined) {
    return new CheckTargetError(
      `Subscription ${where.subscriptionId} was not found${arm}. Check --subscription (or ACR_TOKENS_SUBSCRIPTION_ID / AZURE_CLI_SUBSCRIPTION_ID), ` +
        `and that the credential belongs to the subscription's tenant.`,
      { cause: err },
    );
  }
  if (code === "ResourceGroupNotFound") {
    return new CheckTargetError(
      `Resource group "${where.resourceGroupName}" was not found in subscription ${where.subscriptionId}${arm}. Check --resource-group and --subscription, ${findInstead}`,
      { cause: err },
    );
  }
  return new CheckTargetError(
    `Registry "${where.registryName}" was not found in resource group "${where.resourceGroupName}" of subscription ${where.subscriptionId}${arm}. ` +
      `Check --registry, --resource-group and --subscription, ${findInstead}`,
    { cause: err },
  );
}

/** The registry's name as ARM spells it, taken from a token id. */
function registryNameFromTokens(tokens: readonly Token[]): string | undefined {
  const id = tokens.find((t) => t.id)?.id;
  return id ? parseRegistryResourceId(id)?.registryName : undefined;
}

/** What {@link buildReport} assesses. */
export interface ReportInput {
  registry: CheckReport["registry"];
  credential: string;
  /** The tokens as `tokens.list` returned them. */
  tokens: readonly Token[];
  /** `--token` names; empty for every token. */
  requested: readonly string[];
  now: Date;
  expiringWithin: string;
  expiringWithinMs: number;
}

/**
 * Assesses the listed tokens: the report, its flags and summary. Pure (no clock, no network).
 *
 * Internal. Exported for testing.
 */
export function buildReport(input: ReportInput): CheckReport {
  const now = input.now.getTime();
  const horizon = now + input.expiringWithinMs;
  const byName = new Map(input.tokens.filter((t) => t.name).map((t) => [t.name!.toLowerCase(), t]));
  const reports: TokenReport[] =
    input.requested.length > 0
      ? input.requested.map((name) => {
          const token = byName.get(name.toLowerCase());
          return token ? assessToken(token, now, horizon) : missingToken(name);
        })
      : [...byName.values()].map((t) => assessToken(t, now, horizon)).sort((a, b) => compareNames(a.name, b.name));

  const count = (flag: Flag): number => reports.filter((r) => r.flags.includes(flag)).length;
  const passwords = reports.flatMap((r) => r.passwords);
  const flagged = reports.filter((r) => r.flags.length > 0).length;
  return {
    schemaVersion: 1,
    registry: input.registry,
    credential: input.credential,
    checkedAt: input.now.toISOString(),
    expiringWithin: input.expiringWithin,
    expiringBefore: new Date(horizon).toISOString(),
    tokens: reports,
    summary: {
      tokens: reports.length,
      flagged,
      expiredPasswords: passwords.filter((p) => p.state === "expired").length,
      expiringPasswords: passwords.filter((p) => p.state === "expiring").length,
      disabled: count(Flag.Disabled),
      noPassword: count(Flag.NoPassword),
      missing: count(Flag.Missing),
      ok: flagged === 0,
    },
  };
}

function assessToken(token: Token, now: number, horizon: number): TokenReport {
  // Only name, creationTime and expiry are read: a password's `value` never enters the report.
  const passwords: PasswordReport[] = (token.credentials?.passwords ?? [])
    .map((p) => {
      const state = expiryState(assessPassword({ expiry: p.expiry }, now, horizon - now));
      return { name: p.name ?? "(unnamed)", creationTime: iso(p.creationTime), expiry: iso(p.expiry), state };
    })
    .sort((a, b) => compareNames(a.name, b.name));
  const status = token.status === "enabled" || token.status === "disabled" ? token.status : null;
  const flags: Array<Flag | LegacyFlag> = [];
  if (assessPassword({ expiry: null, tokenStatus: status }, now).includes(PasswordState.Disabled)) flags.push(Flag.Disabled);
  if (passwords.length === 0) flags.push(Flag.NoPassword);
  if (passwords.some((p) => p.state === "expired")) flags.push(Flag.Expired, LegacyFlag[Flag.Expired]);
  if (passwords.some((p) => p.state === "expiring")) flags.push(Flag.Expiring, LegacyFlag[Flag.Expiring]);
  const scopeMapId = token.scopeMapId ?? null;
  return {
    name: token.name!,
    id: token.id ?? null,
    found: true,
    status,
    scopeMap: scopeMapId ? (parseRegistryResourceId(scopeMapId)?.child?.name ?? scopeMapId) : null,
    scopeMapId,
    creationDate: iso(token.creationDate),
    passwords,
    flags,
  };
}

function missingToken(name: string): TokenReport {
  return { name, id: null, found: false, status: null, scopeMap: null, scopeMapId: null, creationDate: null, passwords: [], flags: [Flag.Missing] };
}

function validTime(d: Date | undefined): number | undefined {
  const t = d?.getTime();
  return t === undefined || Number.isNaN(t) ? undefined : t;
}

function iso(d: Date | undefined): string | null {
  const t = validTime(d);
  return t === undefined ? null : new Date(t).toISOString();
}

function compareNames(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

function listNames(names: readonly string[]): string {
  const shown = names.slice(0, 10).map((n) => `"${n}"`);
  return names.length > 10 ? `${shown.join(", ")} and ${names.length - 10} more` : shown.join(", ");
}
