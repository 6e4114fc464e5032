import { CredentialSettingsError } from "./errors";
import { displayValue } from "../common/redact";
import { type Setting } from "./settings";

/**
 * The subscription a setting supplies (`acr-tokens:subscriptionId`, `ACR_TOKENS_SUBSCRIPTION_ID`,
 * `AZURE_CLI_SUBSCRIPTION_ID`, or the `subscription` field of `az account get-access-token` JSON), and
 * the check that it is a subscription id. ARM takes only the id (a GUID) in `/subscriptions/{id}`: a
 * name or a resource path reaches ARM and comes back as `SubscriptionNotFound` after a round trip,
 * which tells the user nothing about which setting was wrong.
 *
 * The check runs where the subscription is used, not when the credential is resolved: the providers
 * take the subscription from the token id (already checked as a GUID, components/arm/ids.ts) and
 * never read the setting, and `acr-tokens check --subscription` overrides it. An unused setting must
 * not fail a run whose subscription is valid (CI often exports `AZURE_CLI_SUBSCRIPTION_ID` for other
 * tools).
 */

/** A subscription id: a GUID, any case. */
export const SUBSCRIPTION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const GUID_INSIDE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** Where a subscription id came from. */
export interface SubscriptionOrigin {
  value: string;
  /** For messages: `ACR_TOKENS_SUBSCRIPTION_ID`, `stack config acr-tokens:subscriptionId`, `the "subscription" field of …`. */
  source: string;
  /** The config key or environment variable to set in the fix (`acr-tokens:subscriptionId`, `ACR_TOKENS_SUBSCRIPTION_ID`). */
  settingName: string;
}

/** A subscription setting as a {@link SubscriptionOrigin}: the fix sets the same setting. */
export function subscriptionFromSetting(setting: Setting): SubscriptionOrigin {
  return { value: setting.value, source: setting.source, settingName: setting.name };
}

/**
 * The error for a subscription that is not a GUID, or undefined for a valid one. The message names
 * where the value came from, shows it unless it looks like a secret (see {@link displayValue}), and
 * gives the command that sets the id instead: the GUID inside a resource path, or the id of the
 * subscription of that name (`az account show --subscription <name> --query id -o tsv`).
 *
 * Internal. Exported for testing.
 */
export function subscriptionIdProblem(origin: SubscriptionOrigin): CredentialSettingsError | undefined {
  const value = origin.value.trim();
  if (SUBSCRIPTION_ID.test(value)) return undefined;
  const shown = displayValue(value);
  const head = `${origin.source} is not a valid subscription id: ${shown.text}. Use the id alone (a GUID such as 00000000-0000-0000-0000-000000000000), not a name or a resource path`;
  if (shown.hidden) {
    return new CredentialSettingsError(`${head}; list your subscriptions' ids with 'az account list --query "[].{name:name, id:id}" -o table' and ${setCommand(origin.settingName, "<id>")}.`);
  }
  const inside = GUID_INSIDE.exec(value)?.[0];
  if (inside) return new CredentialSettingsError(`${head}; this one names ${inside}: ${setCommand(origin.settingName, inside)}.`);
  const lookup = `$(az account show --subscription "${value.replace(/[\\"$`]/g, "\\$&")}" --query id -o tsv)`;
  return new CredentialSettingsError(`${head}. If "${value}" is the subscription's name, set its id: ${setCommand(origin.settingName, `"${lookup}"`)}.`);
}

/** `'export NAME=value'` or `'pulumi config set acr-tokens:name value'`. */
function setCommand(settingName: string, value: string): string {
  return settingName.includes(":") ? `'pulumi config set ${settingName} ${value}'` : `'export ${settingName}=${value}'`;
}
