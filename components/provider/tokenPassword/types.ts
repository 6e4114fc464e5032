import type { PasswordSlot } from "../../arm/types";
import type { CredentialKind } from "../../credential/types";

/**
 * The shapes of a TokenPassword: its checked inputs and its outputs, declared once here. The
 * `TokenPassword` resource builds its props and its typed output properties from
 * {@link TokenPasswordOutputs} and {@link TOKEN_PASSWORD_OUTPUT_KEYS}.
 */

/** Type name used in messages; the full token is `pulumi-nodejs:dynamic/acr-tokens:TokenPassword`. */
export const TOKEN_PASSWORD = "TokenPassword";

/** The checked inputs of a TokenPassword, as stored in state. Holds no secret. */
export interface TokenPasswordInputs {
  /** ARM id of the token. */
  tokenId: string;
  /** Which of the token's two passwords this resource owns. */
  slot: PasswordSlot;
  /** Fixed expiry, ISO 8601 UTC (normalised by `check` to `toISOString()` form). */
  expiry?: string;
  /** Lifetime in days from creation; turned into a fixed expiry once, in `create`. */
  expiresInDays?: number;
  /** Which credential to use (a selector, never a secret). */
  credential?: CredentialKind;
  /** Days before the expiry from which the password is due for regeneration (needs `expiresInDays`). */
  rotateBeforeExpiryDays?: number;
}

/** The outputs of a TokenPassword. `password` is secret; absent values are `null`, never `undefined`. */
export interface TokenPasswordOutputs {
  /** The token's resource id. */
  tokenId: string;
  /** The slot this resource owns (`password1` or `password2`). */
  slot: PasswordSlot;
  /** The effective expiry (ISO 8601 UTC), or null when the password never expires. */
  expiry: string | null;
  /** The lifetime in days this password was created with, or null. */
  expiresInDays: number | null;
  /** The credential selector recorded at creation, or null. */
  credential: CredentialKind | null;
  /** The user name for `docker login`: the token name. */
  username: string;
  /** The password. Secret. ARM returns it only once, from generateCredentials. */
  password: string;
  /** When ARM created the password (ISO 8601 UTC). */
  creationTime: string;
  /** The registry's login server for `docker login`, e.g. `myregistry.azurecr.io`. */
  loginServer: string;
  /** The rotation window in days, or null. Absent in state written before it existed. */
  rotateBeforeExpiryDays?: number | null;
  /**
   * What the last `pulumi refresh` found wrong with this password, in words, or null: e.g.
   * `"password1 was regenerated out of band at 2026-…Z"`, `"password1 was deleted out of band"`,
   * `"password1 expired at …"`, `"password1 expires at … — inside the 14-day rotation window"`,
   * `"token ci-pull is disabled"` (several joined by "; "). The next `up` repairs all but a disabled
   * token by generating the password again. Absent in state written before drift detection existed.
   */
  drift?: string | null;
  /**
   * The same findings as codes: `slotRegenerated`, `slotDeleted`, `expired`, `expiring`, `disabled` (see
   * {@link DriftCode}). State written by the previous release may hold `inRotationWindow` and
   * `tokenDisabled` (the old names of `expiring` and `disabled`) until its next refresh.
   */
  driftCodes?: Array<DriftCode | LegacyDriftCode>;
}

/**
 * What a read can find wrong with a password: the slot's own findings, then the password states of
 * `acr-tokens check` (one vocabulary, arm/passwordState.ts). `slotRegenerated`, `slotDeleted`,
 * `expired` and `expiring` make the next `up` generate the password again (when it can, see
 * `diffTokenPassword`); `disabled` is only reported: generating again would not help.
 */
export const DriftCode = {
  /** The slot holds a password generated elsewhere (its creationTime is not ours). */
  SlotRegenerated: "slotRegenerated",
  /** The slot was removed (the token still exists). */
  SlotDeleted: "slotDeleted",
  // The words of PasswordState (arm/passwordState.ts), written out: the plugin's schema inference
  // takes only literals (tests/arm/passwordState.test.ts checks they stay the same words).
  /** The password's expiry has passed. */
  Expired: "expired",
  /** The password expires within `rotateBeforeExpiryDays` (was `inRotationWindow`). */
  Expiring: "expiring",
  /** The token is disabled: no password of it logs in (was `tokenDisabled`). */
  Disabled: "disabled",
} as const;
export type DriftCode = (typeof DriftCode)[keyof typeof DriftCode];

/** Names of the previous release for `expiring` and `disabled`, still found in state it wrote. */
export type LegacyDriftCode = "inRotationWindow" | "tokenDisabled";

/** Checked against {@link TokenPasswordOutputs} by the compiler: every key, no other. */
const OUTPUT_KEYS: Record<keyof TokenPasswordOutputs, true> = {
  tokenId: true,
  slot: true,
  expiry: true,
  expiresInDays: true,
  credential: true,
  username: true,
  password: true,
  creationTime: true,
  loginServer: true,
  rotateBeforeExpiryDays: true,
  drift: true,
  driftCodes: true,
};

/** Every output key, so the resource declares them all (a dynamic resource only exposes keys present in its props). */
export const TOKEN_PASSWORD_OUTPUT_KEYS = Object.keys(OUTPUT_KEYS) as ReadonlyArray<keyof TokenPasswordOutputs>;

/** What a diff decides (the shape of `pulumi.dynamic.DiffResult`, without depending on the host). */
export interface PasswordDiff {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace: boolean;
}
