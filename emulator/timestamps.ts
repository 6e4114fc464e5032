import { randomInt } from "node:crypto";

/**
 * Timestamps in the forms ACR writes (../shared/acr/README.md §3.4, recordings):
 * .NET `DateTimeOffset` round-trips with up to 7 fractional digits, trailing zeros trimmed and the
 * dot dropped when the fraction is zero, then `+00:00` (token/scope-map/password times) or `Z`
 * (a registry's `creationDate`, Microsoft.Resources `systemData`).
 */

const ISO = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/i;

/** A point in time with the 100 ns ticks .NET keeps (JS dates stop at milliseconds). */
export interface Ticks {
  /** Milliseconds since the epoch. */
  ms: number;
  /** Seven fractional digits of the second, as a string ("9185397"). */
  fraction7: string;
}

/**
 * Ticks for a clock reading. The clock has millisecond precision, so the four sub-millisecond
 * digits are random and non-zero in the last place; real creation times show seven digits.
 */
export function ticksFromClock(now: Date): Ticks {
  const ms = now.getTime();
  const millis = String(((ms % 1000) + 1000) % 1000).padStart(3, "0");
  const sub = String(randomInt(0, 1000)).padStart(3, "0") + String(randomInt(1, 10));
  return { ms, fraction7: millis + sub };
}

/**
 * Parses an RFC 3339 date-time as sent by clients ("2023-02-08T15:55:24.300813Z",
 * "2100-12-31T12:59:59.000Z", "…+02:00"), keeping up to seven fractional digits.
 * Returns undefined when the string is not one.
 */
export function parseDateTime(s: string): Ticks | undefined {
  const m = ISO.exec(s);
  if (!m) return undefined;
  const [, date, time, frac = "", zone] = m;
  const ms = Date.parse(`${date}T${time}${zone.toUpperCase() === "Z" ? "Z" : zone}`);
  if (Number.isNaN(ms)) return undefined;
  const fraction7 = frac.padEnd(7, "0").slice(0, 7);
  return { ms: ms + Number(fraction7.slice(0, 3)), fraction7 };
}

/** Formats ticks in UTC, .NET style: `2023-02-07T15:54:06.9185397+00:00`, or with `Z`. */
export function formatTicks(t: Ticks, zone: "+00:00" | "Z" = "+00:00"): string {
  const whole = new Date(Math.floor(t.ms / 1000) * 1000).toISOString().slice(0, 19);
  const frac = t.fraction7.replace(/0+$/, "");
  return `${whole}${frac ? `.${frac}` : ""}${zone}`;
}
