import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { parseTokenId } from "../arm/ids";
import { PasswordSlot } from "../arm/types";
import { DAY_MS } from "../common/clock";
import { CredentialKind } from "../credential/types";
import type { Checked, ValidationProblem } from "../common/problems";
import { describe } from "../common/redact";

/**
 * What an input held, for a check failure: numbers as they are, anything else described and never
 * quoted. The dynamic-provider host receives secrets as plain values (acceptSecrets is false), so a
 * secret Output passed to the wrong input cannot be told apart here and must not be echoed.
 */
function given(value: unknown): string {
  return typeof value === "number" && Number.isFinite(value) ? String(value) : describe(value);
}

const SLOTS: readonly string[] = Object.values(PasswordSlot);
const KINDS: readonly string[] = Object.values(CredentialKind);
const MAX_TIME = Date.parse("9999-12-31T23:59:59Z");
// RFC 3339 / ISO 8601 UTC: date, time (seconds, optional fraction), then Z, +00:00 or -00:00 (RFC 3339's
// "offset unknown" form of UTC). RFC 3339 allows lower-case "t" and "z"; they are normalised to upper case.
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]00:00|\+0000)$/;

/** An RFC 3339 UTC time in the form Date.parse and the checks read: upper-case T and Z, "-00:00" as "+00:00". */
function normaliseUtc(text: string): string {
  return text.toUpperCase().replace(/-00:00$/, "+00:00");
}

/** True when the date and time exist (Date.parse rolls "02-31" over to March instead of refusing it). */
function isRealUtcTime(iso: string): boolean {
  const t = Date.parse(iso);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 19) === iso.slice(0, 19);
}

/**
 * The rules of a TokenPassword's inputs, for the provider's `check` (raw inputs from the engine) and
 * for the TokenPassword constructor (its plain arguments). Returns the normalised inputs as the plan,
 * also when there are problems, each saying what is wrong and how to fix it. Unknown values (preview,
 * before the token exists; an Output argument at construction) pass unchecked. `olds` undefined means
 * the previous inputs are not known (at construction): rules that depend on them are left to the provider.
 */
export function checkTokenPasswordInputs(
  olds: Record<string, unknown> | undefined,
  news: Record<string, unknown>,
  at: Date,
): Checked<Record<string, unknown>> & { plan: Record<string, unknown> } {
  const problems: ValidationProblem[] = [];
  const fail = (propertyPath: string, message: string) => problems.push({ propertyPath, message });
  const inputs: Record<string, unknown> = {};

  const tokenId = news["tokenId"];
  if (tokenId !== unknownValue) {
    const parsed = parseTokenId(tokenId);
    if ("error" in parsed) fail("tokenId", `token ${parsed.error}`);
  }
  // Absent values stay absent: the host cannot send `undefined` back (an absent key is how "not set" survives the wire).
  if (tokenId !== undefined) inputs["tokenId"] = tokenId;

  const slot = news["slot"] ?? PasswordSlot.Password1;
  if (slot !== unknownValue && (typeof slot !== "string" || !SLOTS.includes(slot))) {
    fail("slot", `slot is ${given(slot)}; use "password1" or "password2".`);
  }
  inputs["slot"] = slot;

  const expiry = news["expiry"];
  const days = news["expiresInDays"];
  if (expiry !== undefined && expiry !== null && days !== undefined && days !== null) {
    fail("expiry", "give either expiry (a fixed time) or expiresInDays (days from creation), not both.");
  }
  if (expiry !== undefined && expiry !== null) {
    if (expiry === unknownValue) {
      inputs["expiry"] = expiry;
    } else if (typeof expiry !== "string" || !ISO_UTC.test(normaliseUtc(expiry)) || !isRealUtcTime(normaliseUtc(expiry))) {
      fail(
        "expiry",
        `expiry is ${given(expiry)}, not an ISO 8601 UTC time; write it like "2027-01-31T00:00:00Z" (UTC, "Z" suffix).`,
      );
    } else {
      const normalised = new Date(normaliseUtc(expiry)).toISOString();
      inputs["expiry"] = normalised;
      // A past expiry is refused only when it is new: the expiry of an existing password passes by with
      // time, and that must not make every later preview fail.
      const unchanged = olds === undefined || (typeof olds["expiry"] === "string" && Date.parse(olds["expiry"]) === Date.parse(normalised));
      if (!unchanged && Date.parse(normalised) <= at.getTime()) {
        fail("expiry", `expiry ${expiry} is not in the future (now is ${at.toISOString()}); give a later time or use expiresInDays.`);
      }
    }
  }
  if (days !== undefined && days !== null) {
    if (days === unknownValue) {
      inputs["expiresInDays"] = days;
    } else if (typeof days !== "number" || !Number.isInteger(days) || days <= 0) {
      fail("expiresInDays", `expiresInDays is ${given(days)}; use a whole number of days greater than 0, e.g. 90.`);
    } else if (at.getTime() + days * DAY_MS > MAX_TIME) {
      fail("expiresInDays", `expiresInDays ${days} ends after the year 9999; use a smaller number of days.`);
    } else {
      inputs["expiresInDays"] = days;
    }
  }

  const window = news["rotateBeforeExpiryDays"];
  if (window !== undefined && window !== null) {
    if (window === unknownValue) {
      inputs["rotateBeforeExpiryDays"] = window;
    } else if (typeof window !== "number" || !Number.isInteger(window) || window <= 0) {
      fail(
        "rotateBeforeExpiryDays",
        `rotateBeforeExpiryDays is ${given(window)}; use a whole number of days greater than 0, e.g. 14.`,
      );
    } else if (days === undefined || days === null) {
      // Regenerating keeps a fixed expiry, so the password would stay inside its window and be
      // regenerated on every run; with no expiry it never needs rotating.
      fail(
        "rotateBeforeExpiryDays",
        "rotateBeforeExpiryDays needs expiresInDays (a lifetime to renew): with a fixed expiry, or none, generating again cannot move the expiry. Use expiresInDays, or remove rotateBeforeExpiryDays.",
      );
    } else if (typeof days === "number" && window >= days) {
      fail(
        "rotateBeforeExpiryDays",
        `rotateBeforeExpiryDays ${window} is not less than expiresInDays ${days}: every new password would be due at once. Use fewer days than expiresInDays, e.g. ${Math.max(1, Math.floor(days / 6))}.`,
      );
    } else {
      inputs["rotateBeforeExpiryDays"] = window;
    }
  }

  const credential = news["credential"];
  if (credential !== undefined && credential !== null) {
    // Any case, as ACR_TOKENS_CREDENTIAL and acr-tokens:credential accept it; kept in its canonical spelling.
    const kind = typeof credential === "string" ? KINDS.find((k) => k.toLowerCase() === credential.trim().toLowerCase()) : undefined;
    if (credential !== unknownValue && kind === undefined) {
      fail("credential", `credential is ${given(credential)}, not a credential source; use one of: ${KINDS.join(", ")} (any case).`);
    }
    inputs["credential"] = kind ?? credential;
  }
  return { plan: inputs, problems };
}
