import * as pulumi from "@pulumi/pulumi";
import { labelSlotOwner } from "./slotOwners";
import { currentTime } from "./common/clock";
import type { CredentialKind } from "./credential/types";
import { validated } from "./validation/validated";
import { newTokenPassword } from "./resourceHost";
import { tokenIdOf } from "./tokenPassword";
import { PasswordSlot } from "./arm/types";
import { checkRotationArgs, type RotationSchedule } from "./validation/rotatingTokenPasswordArgs";

/** Arguments of {@link RotatingTokenPassword}. Give `rotationPeriodDays`, or `expiresInDays` with `rotateBeforeExpiryDays`. */
export interface RotatingTokenPasswordArgs {
  /**
   * The token whose two password slots this component owns: a `RegistryToken` (its `id` is used) or a
   * token resource id. No other resource may manage `password1` or `password2` of this token.
   * Changing it replaces both passwords (new ones are generated on the other token).
   * @example token: ciToken
   */
  token: pulumi.Input<string> | { readonly id: pulumi.Input<string> };
  /**
   * How often a new password appears, in whole days (at least 1). The slots take turns: each period
   * one slot gets a new password, valid for two periods plus one day, so the previous password stays
   * valid for at least one more full period. Mutually exclusive with `expiresInDays` /
   * `rotateBeforeExpiryDays`. Changing it moves the schedule, which regenerates both passwords on the
   * next `up` (consumers must then take the new `password` at once).
   * @default none: give this, or `expiresInDays` and `rotateBeforeExpiryDays`
   * @example rotationPeriodDays: 30
   */
  rotationPeriodDays?: pulumi.Input<number>;
  /**
   * Lifetime of each password in whole days, with `rotateBeforeExpiryDays`: a slot is regenerated
   * when its password enters that window, so a new password appears every
   * `(expiresInDays - rotateBeforeExpiryDays) / 2` days (the two slots take turns). Must exceed
   * `rotateBeforeExpiryDays` by at least 2. Changing it moves the schedule (both passwords regenerated).
   * @default none
   * @example expiresInDays: 90
   */
  expiresInDays?: pulumi.Input<number>;
  /**
   * With `expiresInDays`: how many days before its expiry a password is replaced. This is also the
   * least time the previous password stays valid after its slot's turn, on top of one period.
   * @default none
   * @example rotateBeforeExpiryDays: 14
   */
  rotateBeforeExpiryDays?: pulumi.Input<number>;
  /**
   * Which credential source calls Azure, as in `TokenPassword.credential`. A selector only, never a
   * secret. Changing it makes no Azure call.
   * @default as TokenPassword
   */
  credential?: pulumi.Input<CredentialKind>;
}

/**
 * Two passwords for one token that take turns, so a valid password exists at every moment: each
 * rotation regenerates only the older slot, while the other one keeps working for at least one more
 * period. Run `pulumi up` at least once per period (daily from CI is typical); a plain `up` is
 * enough, no refresh needed.
 *
 * The schedule is stateless and follows the clock: time is cut into periods of `P` days counted from
 * 1970-01-01T00:00Z (UTC); period number `n` belongs to `password1` when `n` is even and to
 * `password2` when odd. A slot's password carries the fixed expiry `start(n) + 2P + grace` of the
 * latest period `n` it owns (grace = `rotateBeforeExpiryDays`, or 1 day with `rotationPeriodDays`).
 * When a new period begins, only the expiry of the slot that owns it changes, so the next `up`
 * replaces that one `TokenPassword` (one `generateCredentials`) and leaves the other slot untouched.
 * `password` is the password of the current period's slot, `previousPassword` the other one, still
 * valid until at least the end of the current period plus the grace.
 *
 * Known limits: changing the period or lifetime moves every slot's expiry, which regenerates both
 * passwords in one `up`; skipping `up` for a whole period does the same for the missed turns.
 *
 * @example
 * ```ts
 * const pull = new RotatingTokenPassword("ci-pull", { token: ciToken, rotationPeriodDays: 30 });
 * export const password = pull.password; // secret: the newest
 * export const nextRotation = pull.nextRotation;
 * ```
 */
export class RotatingTokenPassword extends pulumi.ComponentResource {
  /** The user name for `docker login`: the token name. */
  readonly username: pulumi.Output<string>;
  /** The newest password (the current period's slot). Secret. */
  readonly password: pulumi.Output<string>;
  /** The other slot's password, still valid (see the class docs for how long). Secret. */
  readonly previousPassword: pulumi.Output<string>;
  /** Which slot holds `password`: `password1` or `password2`. */
  readonly currentSlot: pulumi.Output<PasswordSlot>;
  /** When the next period begins (ISO 8601 UTC): the first `up` after it regenerates the other slot. */
  readonly nextRotation: pulumi.Output<string>;
  /** The expiry of `password` (ISO 8601 UTC). */
  readonly passwordExpiry: pulumi.Output<string>;
  /** The expiry of `previousPassword` (ISO 8601 UTC). */
  readonly previousPasswordExpiry: pulumi.Output<string>;
  /** The registry's login server for `docker login`, e.g. `myregistry.azurecr.io`. */
  readonly loginServer: pulumi.Output<string>;

  /**
   * @param name - The unique name of this component; its children are `${name}-password1` and `${name}-password2`.
   * @param args - The token, the schedule and the credential selector.
   * @param opts - Options for the component; children inherit its provider and other options.
   * @throws InvalidArgumentsError when the schedule is invalid (with Output arguments, as soon as they are known, before any Azure call).
   */
  constructor(name: string, args: RotatingTokenPasswordArgs, opts?: pulumi.ComponentResourceOptions) {
    const component = "RotatingTokenPassword";
    const schedule = pulumi.output(
      validated(
        component,
        name,
        { rotationPeriodDays: args.rotationPeriodDays, expiresInDays: args.expiresInDays, rotateBeforeExpiryDays: args.rotateBeforeExpiryDays },
        checkRotationArgs,
      ),
    );
    const tokenId = tokenIdOf(args.token);
    // The token id only: a RegistryToken resource must not travel as a component input.
    super("acr-tokens:index:RotatingTokenPassword", name, { ...args, token: tokenId }, opts);

    // "Now" once per run: the program's view of the clock (ACR_TOKENS_CLOCK_FILE when set, as the provider's).
    const plan = schedule.apply((s) => planRotation(s, currentTime({ env: process.env })));
    labelSlotOwner(this, `RotatingTokenPassword "${name}"`);
    const child = (slot: PasswordSlot) =>
      newTokenPassword(`${name}-${slot}`, tokenId, { slot, expiry: plan.apply((p) => p.expiry[slot]), credential: args.credential }, { parent: this });
    const password1 = child(PasswordSlot.Password1);
    const password2 = child(PasswordSlot.Password2);
    const pick = <T>(current: boolean, a: pulumi.Output<T>, b: pulumi.Output<T>) =>
      pulumi.all([plan, a, b]).apply(([p, one, two]) => ((p.current === PasswordSlot.Password1) === current ? one : two));

    this.username = password1.username;
    this.password = pulumi.secret(pick(true, password1.password, password2.password));
    this.previousPassword = pulumi.secret(pick(false, password1.password, password2.password));
    this.currentSlot = plan.apply((p) => p.current);
    this.nextRotation = plan.apply((p) => p.nextRotation);
    this.passwordExpiry = pick(true, password1.expiry, password2.expiry).apply((e) => e ?? "");
    this.previousPasswordExpiry = pick(false, password1.expiry, password2.expiry).apply((e) => e ?? "");
    this.loginServer = password1.loginServer;
    this.registerOutputs({
      username: this.username,
      password: this.password,
      previousPassword: this.previousPassword,
      currentSlot: this.currentSlot,
      nextRotation: this.nextRotation,
      passwordExpiry: this.passwordExpiry,
      previousPasswordExpiry: this.previousPasswordExpiry,
      loginServer: this.loginServer,
    });
  }
}

/** Where the schedule stands at one instant. Internal. Exported for testing. */
export interface RotationPlan {
  /** Period number since 1970-01-01T00:00Z. */
  period: number;
  /** The slot of the current period (holds the newest password). */
  current: PasswordSlot;
  /** Each slot's expiry: `start(n) + 2P + grace` for the latest period `n` it owns (ISO 8601 UTC). */
  expiry: Record<PasswordSlot, string>;
  /** Start of the next period (ISO 8601 UTC). */
  nextRotation: string;
}

/** The schedule at `at` (see the class docs). Internal. Exported for testing. */
export function planRotation(schedule: RotationSchedule, at: Date): RotationPlan {
  const { periodMs, graceMs } = schedule;
  const period = Math.floor(at.getTime() / periodMs);
  const expiryOf = (parity: 0 | 1) => {
    const owned = period % 2 === parity ? period : period - 1;
    return new Date((owned + 2) * periodMs + graceMs).toISOString();
  };
  return {
    period,
    current: period % 2 === 0 ? PasswordSlot.Password1 : PasswordSlot.Password2,
    expiry: { [PasswordSlot.Password1]: expiryOf(0), [PasswordSlot.Password2]: expiryOf(1) },
    nextRotation: new Date((period + 1) * periodMs).toISOString(),
  };
}
