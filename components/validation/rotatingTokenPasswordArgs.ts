import { DAY_MS } from "../common/clock";
import type { Checked, ValidationProblem } from "../common/problems";
import { describe } from "../common/redact";

/** Upper bound of every schedule number, in days: two periods plus the grace stay centuries before year 9999. */
export const MAX_SCHEDULE_DAYS = 36_500;

/** Grace after a slot's rotation date when only `rotationPeriodDays` is given: covers a daily `up` that runs late. */
const DEFAULT_GRACE_DAYS = 1;

/** The schedule in milliseconds: period length and the grace added to each expiry. Internal. Exported for testing. */
export interface RotationSchedule {
  periodMs: number;
  graceMs: number;
}

/** Validates the schedule arguments, every problem at once. Internal. Exported for testing. */
export function checkRotationArgs(args: { rotationPeriodDays?: number; expiresInDays?: number; rotateBeforeExpiryDays?: number }): Checked<RotationSchedule> {
  const problems: ValidationProblem[] = [];
  const wholeDays = (property: string, value: number | undefined, min: number): value is number => {
    if (value === undefined) return false;
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > MAX_SCHEDULE_DAYS) {
      const shown = typeof value === "number" && Number.isFinite(value) ? String(value) : describe(value);
      problems.push({
        propertyPath: property,
        message: `${property} is ${shown}; use a whole number of days from ${min} to ${MAX_SCHEDULE_DAYS} (100 years): the schedule's expiries must stay real dates ARM accepts.`,
      });
      return false;
    }
    return true;
  };
  const { rotationPeriodDays: period, expiresInDays: lifetime, rotateBeforeExpiryDays: window } = args;
  if (period !== undefined && (lifetime !== undefined || window !== undefined)) {
    problems.push({
      propertyPath: "rotationPeriodDays",
      message: "rotationPeriodDays and expiresInDays/rotateBeforeExpiryDays are mutually exclusive. Give rotationPeriodDays alone, or both expiresInDays and rotateBeforeExpiryDays.",
    });
    return { problems };
  }
  if (period === undefined && lifetime === undefined && window === undefined) {
    problems.push({
      propertyPath: "rotationPeriodDays",
      message: "no schedule given. Set rotationPeriodDays (e.g. 30), or expiresInDays and rotateBeforeExpiryDays (e.g. 90 and 14).",
    });
    return { problems };
  }
  if (period !== undefined) {
    return wholeDays("rotationPeriodDays", period, 1)
      ? { plan: { periodMs: period * DAY_MS, graceMs: DEFAULT_GRACE_DAYS * DAY_MS }, problems }
      : { problems };
  }
  if (lifetime === undefined || window === undefined) {
    const missing = lifetime === undefined ? "expiresInDays" : "rotateBeforeExpiryDays";
    problems.push({ propertyPath: missing, message: `${missing} is missing: expiresInDays and rotateBeforeExpiryDays go together (e.g. 90 and 14).` });
    return { problems };
  }
  const okLifetime = wholeDays("expiresInDays", lifetime, 3);
  const okWindow = wholeDays("rotateBeforeExpiryDays", window, 1);
  if (okLifetime && okWindow && lifetime - window < 2) {
    problems.push({
      propertyPath: "rotateBeforeExpiryDays",
      message: `rotateBeforeExpiryDays ${window} leaves less than 2 days of expiresInDays ${lifetime} before the window; the two slots need at least a day each. Use a smaller window or a longer lifetime.`,
    });
  }
  if (problems.length > 0) return { problems };
  return { plan: { periodMs: ((lifetime - window) * DAY_MS) / 2, graceMs: window * DAY_MS }, problems };
}
