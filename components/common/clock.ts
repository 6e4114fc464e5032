import { readFileSync, statSync } from "node:fs";
import { CredentialSettingsError } from "./errors";
import { displayValue, FILE_PATH_SHAPE } from "./redact";

/**
 * The package's clock and how it writes times. Every time-dependent decision — token pre-checks,
 * refresh-ahead, `expiresInDays`, rotation schedules, drift, `acr-tokens check` — reads "now" from
 * {@link currentTime}, so a test moves all of them by moving the emulator's clock.
 */

/** One day in milliseconds. */
export const DAY_MS = 86_400_000;

/** Where "now" comes from: an explicit function (tests), else the environment (`ACR_TOKENS_CLOCK_FILE`). */
export interface ClockSource {
  now?: () => Date;
  env?: NodeJS.ProcessEnv;
}

/**
 * The current time: `source.now()` when given; otherwise, when `ACR_TOKENS_CLOCK_FILE` is set, the
 * time in that file, which the emulator's ManualClock rewrites (an ISO 8601 timestamp) whenever a test
 * sets or moves it; otherwise the system clock.
 *
 * ManualClock follows real time from an offset, so the file is read as "this was the time when the file
 * was written": the real time elapsed since its modification time is added. The file is read on every
 * call, so a test that moves the emulator clock moves every process that shares the file.
 */
export function currentTime(source: ClockSource = {}): Date {
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

/** `2026-11-23T01:02:03Z`: a UTC time for messages, to the second. */
export function utc(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** `1 h 5 min`, `4 min 20 s`, `12 s`: a duration for messages. */
export function humanDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const parts: string[] = [];
  if (h) parts.push(`${h} h`);
  if (m) parts.push(`${m} min`);
  if (s || parts.length === 0) parts.push(`${s} s`);
  return parts.join(" ");
}

/** `2026-11-23 01:33`: an ISO time in UTC, to the minute (tables). */
export function humanTime(iso: string): string {
  return iso.slice(0, 16).replace("T", " ");
}

/**
 * `49 d`, `2 d 23 h`, `5 h 12 min`, `12 min`, `< 1 min`: a span, rounded down, with a second unit
 * below a week so that "2 d 23 h" does not read as "2 d" (tables).
 */
export function humanSpan(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const hours = Math.floor(minutes / 60);
  const days = Math.floor(hours / 24);
  const two = (a: number, unitA: string, b: number, unitB: string): string => (b === 0 ? `${a} ${unitA}` : `${a} ${unitA} ${b} ${unitB}`);
  if (days >= 7) return `${days} d`;
  if (days >= 1) return two(days, "d", hours % 24, "h");
  if (hours >= 1) return two(hours, "h", minutes % 60, "min");
  if (minutes >= 1) return `${minutes} min`;
  return "< 1 min";
}
