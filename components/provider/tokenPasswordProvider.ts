import type * as pulumi from "@pulumi/pulumi";
import { specialSecretSig, specialSigKey, unknownValue } from "@pulumi/pulumi/runtime/rpc";
import type { Token } from "@azure/arm-containerregistry";
import { CredentialKind } from "../credential/types";
import { PasswordSlot } from "../types";
import { armClientFor, lroPollIntervalMs } from "./armClient";
import { configureProviders, type ConfigureRequest } from "./config";
import { credentialFor, now } from "./context";
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
}

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
 * What the token's GET says about one password slot. Read maps it onto the resource today; the drift
 * issue will map the `replaced` case (regenerated elsewhere) onto a diff.
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

  const credential = news["credential"];
  if (credential !== undefined && credential !== null) {
    if (credential !== unknownValue && (typeof credential !== "string" || !KINDS.includes(credential))) {
      fail("credential", `credential ${JSON.stringify(credential)} is not a credential source; use one of: ${KINDS.join(", ")}.`);
    }
    inputs["credential"] = credential;
  }
  return { inputs, failures };
}

/**
 * Replacement rules: another token, slot or expiry is another password (replace). The provider's own
 * code (`__provider`) is not compared at all. Another credential selector changes nothing in Azure,
 * but is an in-place update of state (no ARM call): read and delete run from state, and must use the
 * selector the program now names, not one whose credential may be gone. Internal. Exported for testing.
 */
export function diffTokenPassword(olds: Partial<TokenPasswordOutputs>, news: TokenPasswordInputs): pulumi.dynamic.DiffResult {
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
  // Same token and slot: generating the replacement regenerates that very slot, so the old password
  // must be removed first, or the old resource's delete would remove the new password.
  const sameSlot = !replaces.includes("tokenId") && !replaces.includes("slot");
  const selectorChanged = (olds.credential ?? null) !== (news.credential ?? null);
  return {
    changes: replaces.length > 0 || selectorChanged,
    replaces,
    deleteBeforeReplace: replaces.length > 0 && sameSlot,
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

async function getToken(client: ReturnType<typeof armClientFor>, ref: TokenRef): Promise<Token | undefined> {
  try {
    return await client.tokens.get(ref.resourceGroupName, ref.registryName, ref.tokenName);
  } catch (err) {
    if (statusOf(err) === 404) return undefined;
    throw err;
  }
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
    return diffTokenPassword(olds, news);
  },

  /** One generateCredentials POST for this slot (plus, once per registry per process, the registry GET for the login server). */
  async create(inputs: TokenPasswordInputs): Promise<pulumi.dynamic.CreateResult> {
    const checked = checkTokenPasswordInputs({}, inputs as unknown as Record<string, unknown>, now(TOKEN_PASSWORD));
    if (checked.failures.length > 0) throw new Error(checked.failures.map((f) => f.reason).join(" "));
    const ref = refOf(inputs.tokenId);
    const slot = inputs.slot ?? PasswordSlot.Password1;
    const label = labelOf(ref, slot);
    const pollMs = lroPollIntervalMs();
    const resolved = await credentialFor(TOKEN_PASSWORD, inputs.credential);
    const client = armClientFor(resolved, ref.subscriptionId);

    const expiry =
      inputs.expiry !== undefined
        ? new Date(inputs.expiry)
        : inputs.expiresInDays !== undefined
          ? new Date(now(TOKEN_PASSWORD).getTime() + inputs.expiresInDays * DAY_MS)
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
    };
    return { id: `${inputs.tokenId}/passwords/${slot}`, outs };
  },

  /** One GET of the token: reports the slot's creation time and expiry; a token or slot that is gone makes the resource disappear. */
  async read(id: string, props: TokenPasswordOutputs): Promise<pulumi.dynamic.ReadResult> {
    const ref = refOf(props.tokenId);
    const slot = props.slot ?? PasswordSlot.Password1;
    const resolved = await credentialFor(TOKEN_PASSWORD, props.credential ?? undefined);
    const client = armClientFor(resolved, ref.subscriptionId);
    let token: Token | undefined;
    try {
      token = await getToken(client, ref);
    } catch (err) {
      throw wrapArmError(err, labelOf(ref, slot), "tokens.get", resolved);
    }
    const seen = observeSlot(token, slot, props.creationTime ?? null);
    if (seen.kind !== "present") return { id: "", props: {} };
    return {
      id,
      props: {
        ...props,
        password: props.password != null ? secret(props.password) : null,
        creationTime: seen.creationTime ?? props.creationTime,
        expiry: seen.expiry,
      },
    };
  },

  /** Only the credential selector changes in place: it is recorded in state, with no ARM call. */
  async update(_id: string, olds: TokenPasswordOutputs, news: TokenPasswordInputs): Promise<pulumi.dynamic.UpdateResult> {
    return { outs: { ...olds, password: olds.password != null ? secret(olds.password) : null, credential: news.credential ?? null } };
  },

  /**
   * Removes this slot only, as `az acr token credential delete` does: GET the token, then PATCH the
   * names of the passwords to keep. A token or slot already gone is success, and so is a slot holding
   * another password than ours (regenerated since: it belongs to someone else now).
   */
  async delete(_id: string, props: TokenPasswordOutputs): Promise<void> {
    const ref = refOf(props.tokenId);
    const slot = props.slot ?? PasswordSlot.Password1;
    const label = labelOf(ref, slot);
    const pollMs = lroPollIntervalMs();
    const resolved = await credentialFor(TOKEN_PASSWORD, props.credential ?? undefined);
    const client = armClientFor(resolved, ref.subscriptionId);
    let token: Token | undefined;
    try {
      token = await getToken(client, ref);
    } catch (err) {
      throw wrapArmError(err, label, "tokens.get", resolved);
    }
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
