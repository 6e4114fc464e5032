import type { Token } from "@azure/arm-containerregistry";
import { parseTokenId } from "../../arm/ids";
import { assessPassword, PasswordState } from "../../arm/passwordState";
import { PasswordSlot } from "../../arm/types";
import { DAY_MS } from "../../common/clock";
import { DriftCode, type TokenPasswordOutputs } from "./types";

/**
 * What the token's GET says about one password slot (see {@link assessDrift} for what read makes of it).
 */
export type SlotObservation =
  | { kind: "tokenGone" }
  | { kind: "slotGone" }
  | { kind: "present"; creationTime: string | null; expiry: string | null; replaced: boolean };

/** Reads one slot from a token as ARM returned it. Internal. Exported for testing. */
export function observeSlot(token: Token | undefined, slot: PasswordSlot, ourCreationTime: string | null): SlotObservation {
  if (!token) return { kind: "tokenGone" };
  const entry = token.credentials?.passwords?.find((p) => p.name === slot);
  if (!entry) return { kind: "slotGone" };
  const creationTime = entry.creationTime ? entry.creationTime.toISOString() : null;
  const replaced = ourCreationTime !== null && creationTime !== null && Date.parse(ourCreationTime) !== Date.parse(creationTime);
  return { kind: "present", creationTime, expiry: entry.expiry ? entry.expiry.toISOString() : null, replaced };
}

/** What a read found: words for people, codes for the diff. */
export interface DriftReport {
  drift: string | null;
  driftCodes: DriftCode[];
}

/** True when `expiry` has passed at `at` ({@link assessPassword}). */
export function hasExpired(expiry: string | null | undefined, at: Date): boolean {
  return assessPassword({ expiry }, at).includes(PasswordState.Expired);
}

/** True when `expiry` lies within `windowDays` of `at` and has not passed ({@link assessPassword}). */
export function inWindow(expiry: string | null | undefined, windowDays: number | null | undefined, at: Date): boolean {
  return typeof windowDays === "number" && assessPassword({ expiry }, at, windowDays * DAY_MS).includes(PasswordState.Expiring);
}

/**
 * Compares the token as one GET returned it with our password (state) at `at`. Only called when the
 * token exists (a deleted token makes the resource disappear). Internal. Exported for testing.
 */
export function assessDrift(token: Token, props: Partial<TokenPasswordOutputs>, at: Date): DriftReport {
  const slot = props.slot ?? PasswordSlot.Password1;
  const seen = observeSlot(token, slot, props.creationTime ?? null);
  const windowMs = typeof props.rotateBeforeExpiryDays === "number" ? props.rotateBeforeExpiryDays * DAY_MS : undefined;
  const state = assessPassword({ expiry: props.expiry, tokenStatus: token.status }, at, windowMs);
  const codes: DriftCode[] = [];
  const words: string[] = [];
  if (seen.kind === "slotGone") {
    codes.push(DriftCode.SlotDeleted);
    words.push(`${slot} was deleted out of band`);
  } else if (seen.kind === "present" && seen.replaced) {
    codes.push(DriftCode.SlotRegenerated);
    words.push(`${slot} was regenerated out of band at ${seen.creationTime ?? "an unknown time"}`);
  } else if (state.includes(PasswordState.Expired)) {
    codes.push(DriftCode.Expired);
    const fixed = props.expiresInDays == null;
    words.push(`${slot} expired at ${props.expiry}${fixed ? "; give a later expiry to generate a new one" : ""}`);
  } else if (state.includes(PasswordState.Expiring)) {
    codes.push(DriftCode.Expiring);
    words.push(`${slot} expires at ${props.expiry} — inside the ${props.rotateBeforeExpiryDays}-day rotation window`);
  }
  if (state.includes(PasswordState.Disabled)) {
    codes.push(DriftCode.Disabled);
    words.push(`token ${token.name ?? parseTokenName(props.tokenId)} is disabled`);
  }
  return { drift: words.length > 0 ? words.join("; ") : null, driftCodes: codes };
}

function parseTokenName(tokenId: string | undefined): string {
  const parsed = parseTokenId(tokenId);
  return "error" in parsed ? "?" : parsed.tokenName;
}
