import type * as pulumi from "@pulumi/pulumi";
import { specialSecretSig, specialSigKey, unknownValue } from "@pulumi/pulumi/runtime/rpc";
import type { Token } from "@azure/arm-containerregistry";
import { CredentialKind } from "../credential/types";
import { PasswordSlot } from "../types";
import { armClientFor, getToken, lroPollIntervalMs } from "./armClient";
import { configureProviders, type ConfigureRequest } from "./config";
import { armSession, now, type ArmSession } from "./context";
import { statusOf, wrapArmError } from "./errors";
import { parseTokenId, sameArmId, type TokenRef } from "./ids";

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
  tokenId: string;
  slot: PasswordSlot;
  /** Effective expiry (ISO 8601 UTC), or null for a password that never expires. */
  expiry: string | null;
  expiresInDays: number | null;
  credential: CredentialKind | null;
  /** The name `docker login` takes: the token name. */
  username: string;
  /** The generated password (a Pulumi secret). ARM returns it only once, from generateCredentials. */
  password: string;
  /** When ARM created the password (ISO 8601 UTC). */
  creationTime: string;
  /** The registry's login server, e.g. `myregistry.azurecr.io`. */
  loginServer: string;
  /** The rotation window in days, or null. Absent in state written before it existed. */
  rotateBeforeExpiryDays?: number | null;
  /**
   * What the last read found wrong, in words (several findings joined by "; "), or null when nothing.
   * Absent in state written before drift detection existed.
   */
  drift?: string | null;
  /** The same findings as codes, for the diff to act on (see {@link DriftCode}). */
  driftCodes?: DriftCode[];
}

/**
 * What a read can find wrong with a password. `slotRegenerated`, `slotDeleted`, `expired` and
 * `inRotationWindow` make the next `up` generate the password again (when it can, see
 * {@link diffTokenPassword}); `tokenDisabled` is only reported: generating again would not help.
 */
export const DriftCode = {
  /** The slot holds a password generated elsewhere (its creationTime is not ours). */
  SlotRegenerated: "slotRegenerated",
  /** The slot was removed (the token still exists). */
  SlotDeleted: "slotDeleted",
  /** The password's expiry has passed. */
  Expired: "expired",
  /** The password expires within `rotateBeforeExpiryDays`. */
  InRotationWindow: "inRotationWindow",
  /** The token is disabled: no password of it logs in. */
  TokenDisabled: "tokenDisabled",
} as const;
export type DriftCode = (typeof DriftCode)[keyof typeof DriftCode];

/** Every output key, so the resource declares them all (a dynamic resource only exposes keys present in its props). */
export const TOKEN_PASSWORD_OUTPUT_KEYS = [
  "tokenId",
  "slot",
  "expiry",
  "expiresInDays",
  "credential",
  "username",
  "password",
  "creationTime",
  "loginServer",
  "rotateBeforeExpiryDays",
  "drift",
  "driftCodes",
] as const satisfies ReadonlyArray<keyof TokenPasswordOutputs>;

const SLOTS: readonly string[] = Object.values(PasswordSlot);
const KINDS: readonly string[] = Object.values(CredentialKind);
const DAY_MS = 86_400_000;
const MAX_TIME = Date.parse("9999-12-31T23:59:59Z");
// ISO 8601 UTC: date, time (seconds optional fraction), then Z or +00:00.
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|\+00:00|\+0000)$/;

/** True when the date and time exist (Date.parse rolls "02-31" over to March instead of refusing it). */
function isRealUtcTime(iso: string): boolean {
  const t = Date.parse(iso);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 19) === iso.slice(0, 19);
}

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

/**
 * Validates raw inputs. Returns the normalised inputs and `{property, reason}` failures, each saying
 * what is wrong and how to fix it. Unknown values (preview, before the token exists) are passed
 * through unchecked. Internal. Exported for testing.
 */
export function checkTokenPasswordInputs(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  at: Date,
): { inputs: Record<string, unknown>; failures: pulumi.dynamic.CheckFailure[] } {
  const failures: pulumi.dynamic.CheckFailure[] = [];
  const fail = (property: string, reason: string) => failures.push({ property, reason: `${TOKEN_PASSWORD}: ${reason}` });
  const inputs: Record<string, unknown> = {};

  const tokenId = news["tokenId"];
  if (tokenId !== unknownValue) {
    const parsed = parseTokenId(tokenId);
    if ("error" in parsed) fail("tokenId", `token ${parsed.error}`);
  }
  // Absent values stay absent: the host cannot send `undefined` back (harness pitfall 4).
  if (tokenId !== undefined) inputs["tokenId"] = tokenId;

  const slot = news["slot"] ?? PasswordSlot.Password1;
  if (slot !== unknownValue && (typeof slot !== "string" || !SLOTS.includes(slot))) {
    fail("slot", `slot is ${JSON.stringify(slot)}; use "password1" or "password2".`);
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
    } else if (typeof expiry !== "string" || !ISO_UTC.test(expiry) || !isRealUtcTime(expiry)) {
      fail(
        "expiry",
        `expiry ${JSON.stringify(expiry)} is not an ISO 8601 UTC time; write it like "2027-01-31T00:00:00Z" (UTC, "Z" suffix).`,
      );
    } else {
      const normalised = new Date(expiry).toISOString();
      inputs["expiry"] = normalised;
      // A past expiry is refused only when it is new: the expiry of an existing password passes by with
      // time, and that must not make every later preview fail.
      const unchanged = typeof olds["expiry"] === "string" && Date.parse(olds["expiry"]) === Date.parse(normalised);
      if (!unchanged && Date.parse(normalised) <= at.getTime()) {
        fail("expiry", `expiry ${expiry} is not in the future (now is ${at.toISOString()}); give a later time or use expiresInDays.`);
      }
    }
  }
  if (days !== undefined && days !== null) {
    if (days === unknownValue) {
      inputs["expiresInDays"] = days;
    } else if (typeof days !== "number" || !Number.isInteger(days) || days <= 0) {
      fail("expiresInDays", `expiresInDays is ${JSON.stringify(days)}; use a whole number of days greater than 0, e.g. 90.`);
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
        `rotateBeforeExpiryDays is ${JSON.stringify(window)}; use a whole number of days greater than 0, e.g. 14.`,
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
    if (credential !== unknownValue && (typeof credential !== "string" || !KINDS.includes(credential))) {
      fail("credential", `credential ${JSON.stringify(credential)} is not a credential source; use one of: ${KINDS.join(", ")}.`);
    }
    inputs["credential"] = credential;
  }
  return { inputs, failures };
}

/** What a read found: words for people, codes for the diff. */
export interface DriftReport {
  drift: string | null;
  driftCodes: DriftCode[];
}

/** True when `expiry` has passed at `at`. */
function hasExpired(expiry: string | null | undefined, at: Date): boolean {
  return typeof expiry === "string" && Date.parse(expiry) <= at.getTime();
}

/** True when `expiry` lies within `windowDays` of `at` (and has not passed). */
function inWindow(expiry: string | null | undefined, windowDays: number | null | undefined, at: Date): boolean {
  if (typeof expiry !== "string" || typeof windowDays !== "number") return false;
  const t = Date.parse(expiry);
  return t > at.getTime() && t - windowDays * DAY_MS <= at.getTime();
}

/**
 * Compares the token as one GET returned it with our password (state) at `at`. Only called when the
 * token exists (a deleted token makes the resource disappear). Internal. Exported for testing.
 */
export function assessDrift(token: Token, props: Partial<TokenPasswordOutputs>, at: Date): DriftReport {
  const slot = props.slot ?? PasswordSlot.Password1;
  const seen = observeSlot(token, slot, props.creationTime ?? null);
  const codes: DriftCode[] = [];
  const words: string[] = [];
  if (seen.kind === "slotGone") {
    codes.push(DriftCode.SlotDeleted);
    words.push(`${slot} was deleted out of band`);
  } else if (seen.kind === "present" && seen.replaced) {
    codes.push(DriftCode.SlotRegenerated);
    words.push(`${slot} was regenerated out of band at ${seen.creationTime ?? "an unknown time"}`);
  } else if (hasExpired(props.expiry, at)) {
    codes.push(DriftCode.Expired);
    const fixed = props.expiresInDays == null;
    words.push(`${slot} expired at ${props.expiry}${fixed ? "; give a later expiry to generate a new one" : ""}`);
  } else if (inWindow(props.expiry, props.rotateBeforeExpiryDays, at)) {
    codes.push(DriftCode.InRotationWindow);
    words.push(`${slot} expires at ${props.expiry} — inside the ${props.rotateBeforeExpiryDays}-day rotation window`);
  }
  if (token.status === "disabled") {
    codes.push(DriftCode.TokenDisabled);
    words.push(`token ${token.name ?? parseTokenName(props.tokenId)} is disabled`);
  }
  return { drift: words.length > 0 ? words.join("; ") : null, driftCodes: codes };
}

function parseTokenName(tokenId: string | undefined): string {
  const parsed = parseTokenId(tokenId);
  return "error" in parsed ? "?" : parsed.tokenName;
}

/**
 * Replacement rules: another token, slot or expiry is another password (replace). The provider's own
 * code (`__provider`) is not compared at all. Another credential selector or rotation window changes
 * nothing in Azure, but is an in-place update of state (no ARM call): read and delete run from state,
 * and must use the selector the program now names, not one whose credential may be gone.
 *
 * Drift (why diff, not read, decides): Pulumi's refresh can only rewrite state, and a password can
 * only be repaired by generating it again, which is a replacement. So read keeps the resource and
 * records `drift`/`driftCodes`; the engine hands the refreshed outputs to diff as `olds`, and diff
 * plans the replacement (`replaces: ["drift"]`) for a slot regenerated or deleted out of band. A
 * clean refresh records no code, so it plans nothing. A disabled token is only reported: a new
 * password would not log in either (RegistryToken's TokenSettings re-enables the token on the next
 * `up`, through its own refresh diff).
 *
 * Time (with `at`, as the provider passes "now"): an expired password, or one inside its
 * `rotateBeforeExpiryDays` window, is replaced (`replaces: ["expiry"]`) also on a plain `preview` or
 * `up` without refresh: the stored expiry is compared with the clock, so a scheduled `up` rotates on
 * time. Only passwords that a new generation renews: `expiresInDays` (a new expiry is counted from
 * the new creation) or no expiry. A fixed `expiry` that has passed cannot be generated again (the
 * same expiry would be refused); it stays reported as drift until the program gives a later one.
 * Without `at`, the result depends on state and inputs only.
 *
 * Order of a replacement: create before delete (the engine's default), also on the same token and
 * slot. generateCredentials on a slot overwrites it: the old password stops working the instant the
 * new one exists, so the slot is never empty. The old resource's delete then GETs the token, finds a
 * `creationTime` in the slot that is not the one in its state ({@link observeSlot} `replaced`) and
 * returns without a PATCH: 2 ARM calls (POST, GET) where delete-before-replace takes 6 (GET, PATCH,
 * LRO polls, GET, then the POST) and leaves the slot without a password in between. ACR writes
 * `creationTime` with 7 fractional digits; the SDK's Date keeps milliseconds, and that is enough: the
 * old password was generated by an earlier deployment, never in the same millisecond as its
 * replacement (a test on a frozen emulator clock must move it between the two). State without `creationTime` (older state) cannot prove the slot still holds our
 * password, and delete treats it as ours (so a removed resource still removes its password); such a
 * same-slot replacement keeps `deleteBeforeReplace`, or the old delete would remove the new password.
 * Internal. Exported for testing.
 */
export function diffTokenPassword(olds: Partial<TokenPasswordOutputs>, news: TokenPasswordInputs, at?: Date): pulumi.dynamic.DiffResult {
  const replaces: string[] = [];
  if (!sameArmId(olds.tokenId, news.tokenId)) replaces.push("tokenId");
  if ((olds.slot ?? PasswordSlot.Password1) !== (news.slot ?? PasswordSlot.Password1)) replaces.push("slot");
  const oldDays = olds.expiresInDays ?? null;
  const newDays = news.expiresInDays ?? null;
  if (oldDays !== newDays) {
    replaces.push("expiresInDays");
  }
  // With a fixed expiry, compare instants; with expiresInDays, the stored expiry was computed at
  // creation and is compared through expiresInDays above, never re-evaluated.
  if (newDays === null) {
    const oldExpiry = olds.expiry ?? null;
    const newExpiry = news.expiry ?? null;
    const same = oldExpiry === null || newExpiry === null ? oldExpiry === newExpiry : Date.parse(oldExpiry) === Date.parse(newExpiry);
    if (!same && oldDays === null) replaces.push("expiry");
  }
  if (replaces.length === 0) {
    // Same password as planned: repair what refresh found, or rotate on time.
    const renewable = newDays !== null || news.expiry === undefined || (at !== undefined && !hasExpired(news.expiry, at));
    const codes = olds.driftCodes ?? [];
    if (codes.includes(DriftCode.SlotRegenerated) || codes.includes(DriftCode.SlotDeleted)) {
      if (renewable) replaces.push("drift");
    } else if (renewable && newDays !== null) {
      const expired = codes.includes(DriftCode.Expired) || (at !== undefined && hasExpired(olds.expiry, at));
      const due = at !== undefined && inWindow(olds.expiry, news.rotateBeforeExpiryDays, at);
      if (expired || due) replaces.push("expiry");
    }
  }
  // Same token and slot: create first; the old delete then sees another creationTime and keeps the
  // slot. Only state without a creationTime must delete first (see above).
  const sameSlot = !replaces.includes("tokenId") && !replaces.includes("slot");
  const hasCreationTime = typeof olds.creationTime === "string" && !Number.isNaN(Date.parse(olds.creationTime));
  const selectorChanged = (olds.credential ?? null) !== (news.credential ?? null);
  const windowChanged = (olds.rotateBeforeExpiryDays ?? null) !== (news.rotateBeforeExpiryDays ?? null);
  return {
    changes: replaces.length > 0 || selectorChanged || windowChanged,
    replaces,
    deleteBeforeReplace: replaces.length > 0 && sameSlot && !hasCreationTime,
  };
}

const loginServers = new Map<string, Promise<string>>();

/**
 * The registry's login server, looked up once per registry per process (one GET). It cannot be derived
 * from the name: sovereign clouds use other suffixes (azurecr.cn, azurecr.us), a custom ARM endpoint
 * (the emulator) has its own, and registries with a domain-name-label scope get a hashed host name.
 */
function loginServerOf(client: ReturnType<typeof armClientFor>, ref: TokenRef): Promise<string> {
  const key = `${ref.subscriptionId}/${ref.resourceGroupName}/${ref.registryName}`.toLowerCase();
  let pending = loginServers.get(key);
  if (!pending) {
    pending = client.registries.get(ref.resourceGroupName, ref.registryName).then((r) => {
      if (!r.loginServer) throw new Error(`registry "${ref.registryName}" has no loginServer in ARM's answer.`);
      return r.loginServer;
    });
    pending.catch(() => loginServers.delete(key));
    loginServers.set(key, pending);
  }
  return pending;
}

/**
 * `read` with nothing but the id, as `pulumi import` calls it (the provider plugin's TokenPassword; a
 * dynamic resource cannot be imported, pulumi/pulumi#16175): one GET of the token. The id is
 * `<token id>/passwords/<slot>`, as `create` returns it. The slot's metadata becomes the state (token,
 * slot, expiry, creation time, user name, login server) and the inputs `{tokenId, slot, expiry}`; the
 * password itself cannot be read back, so `password` is null until a replacement generates one. A
 * token or slot that does not exist is "not found" (empty id).
 */
async function importTokenPassword(id: string): Promise<pulumi.dynamic.ReadResult> {
  const match = /^(.*)\/passwords\/([^/]+)$/.exec(id);
  const slot = match?.[2];
  if (!match || slot === undefined || !SLOTS.includes(slot)) {
    throw new Error(
      `${TOKEN_PASSWORD}: cannot import "${id}": give the id as <token resource id>/passwords/<slot>, with slot "password1" or "password2".`,
    );
  }
  const tokenId = match[1]!;
  const session = await sessionFor(tokenId, slot as PasswordSlot, undefined);
  const token = await getToken(session);
  const seen = observeSlot(token, slot as PasswordSlot, null);
  if (!token || seen.kind !== "present") return { id: "", props: {} };
  let loginServer: string;
  try {
    loginServer = await loginServerOf(session.client, session.ref);
  } catch (err) {
    throw wrapArmError(err, session.label, "registries.get", session.resolved);
  }
  const inputs = { tokenId, slot, ...(seen.expiry !== null ? { expiry: seen.expiry } : {}) };
  const props = {
    ...inputs,
    expiry: seen.expiry,
    expiresInDays: null,
    credential: null,
    username: token.name ?? session.ref.tokenName,
    password: null,
    creationTime: seen.creationTime,
    loginServer,
    rotateBeforeExpiryDays: null,
    ...assessDrift(token, { tokenId, slot: slot as PasswordSlot, expiry: seen.expiry, creationTime: seen.creationTime ?? undefined }, now(TOKEN_PASSWORD)),
  };
  return { id, props, inputs };
}

function secret<T>(value: T): { [specialSigKey]: string; value: T } {
  return { [specialSigKey]: specialSecretSig, value };
}

function refOf(tokenId: string): TokenRef {
  const parsed = parseTokenId(tokenId);
  if ("error" in parsed) throw new Error(`${TOKEN_PASSWORD}: token ${parsed.error}`);
  return parsed;
}

function labelOf(ref: TokenRef, slot: string): string {
  return `${TOKEN_PASSWORD} ${slot} of token "${ref.tokenName}" (registry "${ref.registryName}")`;
}

function sessionFor(tokenId: string, slot: PasswordSlot, selector: CredentialKind | null | undefined): Promise<ArmSession> {
  const ref = refOf(tokenId);
  return armSession(TOKEN_PASSWORD, ref, labelOf(ref, slot), selector ?? undefined);
}

/**
 * The real TokenPassword provider. The resource's serialized provider is a shim that `require`s this
 * module at call time (see components/tokenPassword.ts).
 */
export const tokenPasswordProvider = {
  configure(req: ConfigureRequest): void {
    configureProviders(req);
  },

  async check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
    return checkTokenPasswordInputs(olds ?? {}, news, now(TOKEN_PASSWORD));
  },

  async diff(_id: string, olds: TokenPasswordOutputs, news: TokenPasswordInputs): Promise<pulumi.dynamic.DiffResult> {
    return diffTokenPassword(olds, news, now(TOKEN_PASSWORD));
  },

  /** One generateCredentials POST for this slot (plus, once per registry per process, the registry GET for the login server). */
  async create(inputs: TokenPasswordInputs): Promise<pulumi.dynamic.CreateResult> {
    const at = now(TOKEN_PASSWORD);
    const checked = checkTokenPasswordInputs({}, inputs as unknown as Record<string, unknown>, at);
    if (checked.failures.length > 0) throw new Error(checked.failures.map((f) => f.reason).join(" "));
    const slot = inputs.slot ?? PasswordSlot.Password1;
    const pollMs = lroPollIntervalMs();
    const { ref, label, resolved, client } = await sessionFor(inputs.tokenId, slot, inputs.credential);

    const expiry =
      inputs.expiry !== undefined
        ? new Date(inputs.expiry)
        : inputs.expiresInDays !== undefined
          ? new Date(at.getTime() + inputs.expiresInDays * DAY_MS)
          : undefined;

    let loginServer: string;
    try {
      loginServer = await loginServerOf(client, ref);
    } catch (err) {
      throw wrapArmError(err, label, "registries.get", resolved);
    }
    let result;
    try {
      result = await client.registries.generateCredentials(
        ref.resourceGroupName,
        ref.registryName,
        { tokenId: inputs.tokenId, name: slot, ...(expiry ? { expiry } : {}) },
        { updateIntervalInMs: pollMs },
      );
    } catch (err) {
      throw wrapArmError(err, label, "registries.generateCredentials", resolved);
    }
    const generated = result.passwords?.find((p) => p.name === slot && typeof p.value === "string" && p.value !== "");
    if (!generated?.value) {
      throw new Error(`${label}: generateCredentials answered without a value for ${slot}; run \`pulumi up\` again to regenerate it.`);
    }
    const outs: Record<string, unknown> = {
      tokenId: inputs.tokenId,
      slot,
      // What was asked for, not ARM's echo (which may drop the fraction), so diffs compare like with like.
      expiry: expiry ? expiry.toISOString() : generated.expiry ? generated.expiry.toISOString() : null,
      expiresInDays: inputs.expiresInDays ?? null,
      credential: inputs.credential ?? null,
      username: result.username ?? ref.tokenName,
      // Returned as a secret value and also listed in additionalSecretOutputs: the engine stores it
      // encrypted either way, and the secret marker also works under mocks (harness pitfall 8).
      password: secret(generated.value),
      creationTime: (generated.creationTime ?? now(TOKEN_PASSWORD)).toISOString(),
      loginServer,
      rotateBeforeExpiryDays: inputs.rotateBeforeExpiryDays ?? null,
      drift: null,
      driftCodes: [],
    };
    return { id: `${inputs.tokenId}/passwords/${slot}`, outs };
  },

  /**
   * One GET of the token. A token that is gone makes the resource disappear (the next `up` creates
   * the token and then this password again). Otherwise the resource stays, still describing our
   * password (its creation time and expiry), with `drift`/`driftCodes` saying what is wrong with it
   * now: slot regenerated or deleted out of band, expired, inside the rotation window, token
   * disabled. The diff turns those into a replacement (see {@link diffTokenPassword}). Nothing else
   * changes, so a refresh with no drift leaves the state exactly as it was.
   */
  async read(id: string, props: TokenPasswordOutputs): Promise<pulumi.dynamic.ReadResult> {
    if (props.tokenId === undefined) return importTokenPassword(id);
    const slot = props.slot ?? PasswordSlot.Password1;
    const token = await getToken(await sessionFor(props.tokenId, slot, props.credential));
    if (!token) return { id: "", props: {} };
    const report = assessDrift(token, props, now(TOKEN_PASSWORD));
    return {
      id,
      props: {
        ...props,
        password: props.password != null ? secret(props.password) : null,
        rotateBeforeExpiryDays: props.rotateBeforeExpiryDays ?? null,
        drift: report.drift,
        driftCodes: report.driftCodes,
      },
    };
  },

  /** Only the credential selector and the rotation window change in place: recorded in state, with no ARM call. */
  async update(_id: string, olds: TokenPasswordOutputs, news: TokenPasswordInputs): Promise<pulumi.dynamic.UpdateResult> {
    return {
      outs: {
        ...olds,
        password: olds.password != null ? secret(olds.password) : null,
        credential: news.credential ?? null,
        rotateBeforeExpiryDays: news.rotateBeforeExpiryDays ?? null,
        drift: olds.drift ?? null,
        driftCodes: olds.driftCodes ?? [],
      },
    };
  },

  /**
   * Removes this slot only, as `az acr token credential delete` does: GET the token, then PATCH the
   * names of the passwords to keep. A token or slot already gone is success, and so is a slot holding
   * another password than ours (regenerated since: it belongs to someone else now). That is also how a
   * same-slot replacement ends: the new resource's generateCredentials came first, so this delete is
   * one GET and no PATCH (see {@link diffTokenPassword}). Without a `creationTime` in state (older
   * state) the slot is taken to be ours and removed; diff orders those replacements delete-first.
   */
  async delete(_id: string, props: TokenPasswordOutputs): Promise<void> {
    const slot = props.slot ?? PasswordSlot.Password1;
    const pollMs = lroPollIntervalMs();
    const session = await sessionFor(props.tokenId, slot, props.credential);
    const { ref, label, resolved, client } = session;
    const token = await getToken(session);
    const seen = observeSlot(token, slot, props.creationTime ?? null);
    if (seen.kind !== "present" || seen.replaced) return;
    const keep = (token?.credentials?.passwords ?? [])
      .map((p) => p.name)
      .filter((name): name is string => typeof name === "string" && name !== slot)
      .map((name) => ({ name }));
    try {
      await client.tokens.update(
        ref.resourceGroupName,
        ref.registryName,
        ref.tokenName,
        { credentials: { passwords: keep } },
        { updateIntervalInMs: pollMs },
      );
    } catch (err) {
      if (statusOf(err) === 404) return;
      throw wrapArmError(err, label, "tokens.update", resolved);
    }
  },
};
