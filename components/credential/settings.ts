import { readFileSync, statSync } from "node:fs";
import type { CredentialSettingsSource } from "./types";
import { CredentialSettingsError } from "./errors";
import { displayValue, DURATION_SHAPE, FILE_PATH_SHAPE } from "../common/redact";

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
 * Reads one setting: stack config `acr-tokens:<configName>` first, then each environment variable in
 * order. Empty or blank values count as unset (CI systems often export unset secrets as "").
 * Values are trimmed.
 */
export function readSetting(settings: SettingsReader, configName: string | undefined, envNames: readonly string[]): Setting | undefined {
  if (configName !== undefined && settings.config) {
    const key = `${CONFIG_NAMESPACE}:${configName}`;
    const value = settings.config.get(key)?.trim();
    if (value) return { value, source: `stack config ${key}`, name: key };
  }
  for (const name of envNames) {
    const value = settings.env[name]?.trim();
    if (value) return { value, source: name, name };
  }
  return undefined;
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

/**
 * The current time for every time-dependent decision of the credential module and of the providers
 * (token pre-checks, refresh-ahead, `expiresInDays`): `source.now()` when given; otherwise, when
 * `ACR_TOKENS_CLOCK_FILE` is set, the time in that file, which the emulator's ManualClock rewrites
 * (an ISO 8601 timestamp) whenever a test sets or moves it; otherwise the system clock.
 *
 * ManualClock follows real time from an offset, so the file is read as "this was the time when the file
 * was written": the real time elapsed since its modification time is added. The file is read on every
 * call, so a test that moves the emulator clock moves every process that shares the file.
 */
export function currentTime(source: Pick<CredentialSettingsSource, "now" | "env"> = {}): Date {
  if (source.now) return source.now();
  const file = (source.env ?? process.env).ACR_TOKENS_CLOCK_FILE?.trim();
  if (!file) return new Date();
  let text: string;
  let writtenAt: number;
  try {
    text = readFileSync(file, "utf8").trim();
    writtenAt = statSync(file).mtimeMs;
  } catch (err) {
    throw new CredentialSettingsError(
      `ACR_TOKENS_CLOCK_FILE names a file that cannot be read (${displayValue(file, FILE_PATH_SHAPE).text}: ${(err as NodeJS.ErrnoException).code ?? "error"}). ` +
        `Point it at the file the emulator's clock mirrors into (startEmulator({ clockFile })), or unset it to use the system clock.`,
      { cause: err },
    );
  }
  const at = Date.parse(text);
  if (Number.isNaN(at)) {
    throw new CredentialSettingsError(
      `ACR_TOKENS_CLOCK_FILE (${displayValue(file, FILE_PATH_SHAPE).text}) does not hold an ISO 8601 time. Let the emulator's clock write it, or unset ACR_TOKENS_CLOCK_FILE to use the system clock.`,
    );
  }
  return new Date(at + Math.max(0, Date.now() - writtenAt));
}
