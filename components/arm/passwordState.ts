/**
 * The state of one token password at an instant: one vocabulary and one assessment, used by a
 * TokenPassword's drift (`driftCodes`), `acr-tokens check` (its flags and JSON) and the docs.
 */

/** What can be wrong with a password; none of them means `valid`. */
export const PasswordState = {
  /** Nothing is wrong. */
  Valid: "valid",
  /** It expires within the window (`rotateBeforeExpiryDays` for a TokenPassword, `--expiring-within` for the check). */
  Expiring: "expiring",
  /** Its expiry has passed. */
  Expired: "expired",
  /** Its token is disabled: no password of the token logs in. */
  Disabled: "disabled",
} as const;
export type PasswordState = (typeof PasswordState)[keyof typeof PasswordState];

/** What {@link assessPassword} looks at. */
export interface PasswordFacts {
  /** The expiry (ISO 8601 or a Date), or null/undefined for a password that never expires. */
  expiry: string | Date | null | undefined;
  /** The token's status as ARM reports it; only `"disabled"` matters. */
  tokenStatus?: string | null | undefined;
}

/**
 * Everything wrong with a password at `at`: `expired` (its expiry has passed) or `expiring` (it
 * expires within `windowMs`; no window, never), then `disabled` (its token is). Empty: `valid`.
 */
export function assessPassword(facts: PasswordFacts, at: Date | number, windowMs?: number | null): PasswordState[] {
  const now = typeof at === "number" ? at : at.getTime();
  const found: PasswordState[] = [];
  const expiry = facts.expiry instanceof Date ? facts.expiry.getTime() : typeof facts.expiry === "string" ? Date.parse(facts.expiry) : NaN;
  if (!Number.isNaN(expiry)) {
    if (expiry <= now) found.push(PasswordState.Expired);
    else if (typeof windowMs === "number" && expiry - windowMs <= now) found.push(PasswordState.Expiring);
  }
  if (facts.tokenStatus === "disabled") found.push(PasswordState.Disabled);
  return found;
}

/** The expiry part of an assessment: `expired`, `expiring` or `valid` (a disabled token's password keeps its expiry state). */
export function expiryState(found: readonly PasswordState[]): "valid" | "expiring" | "expired" {
  return found.includes(PasswordState.Expired) ? "expired" : found.includes(PasswordState.Expiring) ? "expiring" : "valid";
}
