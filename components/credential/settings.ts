import type { CredentialSettingsSource } from "./types";
import { CredentialSettingsError } from "./errors";
import { displayValue, DURATION_SHAPE } from "../common/redact";

export { displayValue, FILE_PATH_SHAPE } from "../common/redact";

/** The stack-config namespace of every setting (`acr-tokens:<name>`). */
export const CONFIG_NAMESPACE = "acr-tokens";

/** Config and environment, with the environment defaulted to `process.env`. */
export interface SettingsReader {
  config?: CredentialSettingsSource["config"];
  env: NodeJS.ProcessEnv;
}

/** One setting's value and where it came from (`stack config acr-tokens:cloud`, `ACR_TOKENS_CLOUD`): safe to log, unlike the value. */
export interface Setting {
  value: string;
  /** A human-readable name of the source, used in messages and logs. */
  source: string;
  /** The config key or environment variable name alone. */
  name: string;
}

/** Wraps a {@link CredentialSettingsSource} for {@link readSetting}. */
export function settingsReader(source: CredentialSettingsSource): SettingsReader {
  return { config: source.config, env: source.env ?? process.env };
}

/**
 * Reads one setting: stack config `<namespace>:<configName>` first (`acr-tokens:` unless another
 * package's settings are read, e.g. `azure-native:`), then each environment variable in order. Empty or
 * blank values count as unset (CI systems often export unset secrets as ""). Values are trimmed.
 */
export function readSetting(
  settings: SettingsReader,
  configName: string | undefined,
  envNames: readonly string[],
  namespace: string = CONFIG_NAMESPACE,
): Setting | undefined {
  if (configName !== undefined && settings.config) {
    const key = `${namespace}:${configName}`;
    const value = settings.config.get(key)?.trim();
    if (value) return { value, source: `stack config ${key}`, name: key };
  }
  for (const name of envNames) {
    const value = settings.env[name]?.trim();
    if (value) return { value, source: name, name };
  }
  return undefined;
}

/**
 * True for a tenant id as @azure/identity takes it, a GUID or a domain (`contoso.onmicrosoft.com`), that
 * the redaction rule would quote (a JWT matches the character class too): the test for a configured
 * tenant and for the tenant a bring-your-own token names, both of which join messages and the `az` fix.
 */
export function isTenantId(value: string): boolean {
  return /^[0-9A-Za-z._-]+$/.test(value) && !displayValue(value).hidden;
}

const DURATION = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/**
 * Parses a duration given in seconds (`300`) or with units (`10m`, `1h30m`, `90s`) into milliseconds.
 *
 * Internal. Exported for testing.
 */
export function parseDuration(setting: Setting): number {
  const text = setting.value.toLowerCase();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const m = DURATION.exec(text);
  if (!m || text === "") {
    throw new CredentialSettingsError(
      `${setting.source} is not a duration: ${displayValue(setting.value, DURATION_SHAPE).text}. Give whole seconds (300) or hours/minutes/seconds such as 10m, 1h30m or 90s.`,
    );
  }
  const [, h = "0", min = "0", s = "0"] = m;
  return ((Number(h) * 60 + Number(min)) * 60 + Number(s)) * 1000;
}

