import type { ContainerRegistryManagementClient } from "@azure/arm-containerregistry";
import { lroPollIntervalMs } from "../../arm/client";
import { statusOf, wrapArmError } from "../../arm/errors";
import { parseTokenId, type TokenRef } from "../../arm/ids";
import { getToken, type ArmSession, type ProviderContext } from "../../arm/session";
import { PasswordSlot } from "../../arm/types";
import { DAY_MS } from "../../common/clock";
import { show } from "../../common/redact";
import type { CredentialKind } from "../../credential/types";
import { throwIfInvalidInputs } from "../../validation/errors";
import { checkTokenPasswordInputs } from "../../validation/tokenPasswordArgs";
import { replicationWaitSettings, replicationWarning, waitForReplication } from "./replication";
import { assessDrift, observeSlot } from "./drift";
import { TOKEN_PASSWORD, type TokenPasswordInputs, type TokenPasswordOutputs } from "./types";

/**
 * Create, read, update and delete of one TokenPassword, independent of the host that calls them: each
 * takes plain inputs or state and a {@link ProviderContext}, and returns plain outputs (the password
 * as a plain string; the host marks it secret).
 */

const loginServers = new Map<string, Promise<string>>();

/**
 * Slot writes of one token, serialized within this process. Delete is GET, then PATCH listing the
 * passwords to keep: a generateCredentials on the other slot landing between the two would be dropped
 * by the PATCH while its TokenPassword holds it as valid. The engine runs such a pair in parallel in
 * one `pulumi up` (a rotation, a replacement of older state), and one provider process serves every
 * TokenPassword of a stack, so each write (generate, or GET+PATCH) waits for the token's previous one.
 * Across processes (two stacks, or `az` at the same moment) no lock exists and ARM offers no
 * conditional PATCH, so a loss there cannot be prevented or seen from this side: one owner per slot
 * (README "Limits"); the lost password's own TokenPassword reports it as drift on its next refresh.
 */
const tokenWrites = new Map<string, Promise<unknown>>();

/** Runs `write` after every earlier write to the same token in this process has settled. Internal. Exported for testing. */
export function serializedTokenWrite<T>(ref: TokenRef, write: () => Promise<T>): Promise<T> {
  const key = `${ref.subscriptionId}/${ref.resourceGroupName}/${ref.registryName}/${ref.tokenName}`.toLowerCase();
  const previous = tokenWrites.get(key) ?? Promise.resolve();
  const next = previous.then(write, write);
  const settled = next.then(
    () => undefined,
    () => undefined,
  );
  tokenWrites.set(key, settled);
  void settled.then(() => {
    if (tokenWrites.get(key) === settled) tokenWrites.delete(key);
  });
  return next;
}

/**
 * The registry's login server, looked up once per registry per process (one GET). It cannot be derived
 * from the name: sovereign clouds use other suffixes (azurecr.cn, azurecr.us), a custom ARM endpoint
 * (the emulator) has its own, and registries with a domain-name-label scope get a hashed host name.
 */
function loginServerOf(client: ContainerRegistryManagementClient, ref: TokenRef): Promise<string> {
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

function sessionFor(ctx: ProviderContext, tokenId: string, slot: PasswordSlot, selector: CredentialKind | null | undefined): Promise<ArmSession> {
  const parsed = parseTokenId(tokenId);
  if ("error" in parsed) throw new Error(`${TOKEN_PASSWORD}: token ${parsed.error}`);
  const label = `${TOKEN_PASSWORD} ${slot} of token "${parsed.tokenName}" (registry "${parsed.registryName}")`;
  return ctx.session(parsed, label, selector ?? undefined);
}

/**
 * One generateCredentials POST for this slot (plus, once per registry per process, the registry GET for
 * the login server), then a wait until the new password logs in at the registry (replication.ts): the
 * service takes up to 60 s, and a consumer may switch to the exported password at once.
 */
export async function createPassword(inputs: TokenPasswordInputs, ctx: ProviderContext): Promise<{ id: string; outs: TokenPasswordOutputs }> {
  const at = ctx.now();
  throwIfInvalidInputs(TOKEN_PASSWORD, checkTokenPasswordInputs({}, inputs as unknown as Record<string, unknown>, at).problems);
  const slot = inputs.slot ?? PasswordSlot.Password1;
  const pollMs = lroPollIntervalMs();
  // Read before the POST: a bad setting must fail the create before a password exists.
  const replicationSettings = replicationWaitSettings();
  const { ref, label, resolved, client } = await sessionFor(ctx, inputs.tokenId, slot, inputs.credential);

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
    result = await serializedTokenWrite(ref, () =>
      client.registries.generateCredentials(
        ref.resourceGroupName,
        ref.registryName,
        { tokenId: inputs.tokenId, name: slot, ...(expiry ? { expiry } : {}) },
        { updateIntervalInMs: pollMs },
      ),
    );
  } catch (err) {
    throw wrapArmError(err, label, "registries.generateCredentials", resolved);
  }
  const generated = result.passwords?.find((p) => p.name === slot && typeof p.value === "string" && p.value !== "");
  if (!generated?.value) {
    throw new Error(`${label}: generateCredentials answered without a value for ${slot}; run \`pulumi up\` again to regenerate it.`);
  }
  const username = result.username ?? ref.tokenName;
  const replicated = await waitForReplication({
    loginServer,
    username,
    password: generated.value,
    armEndpoint: resolved.armEndpoint,
    ...(resolved.tlsOptions ? { tlsSettings: resolved.tlsOptions } : {}),
    now: () => ctx.now(),
    settings: replicationSettings,
  });
  const warning = replicationWarning(replicated, label, loginServer);
  if (warning) ctx.warn?.(warning);
  const outs: TokenPasswordOutputs = {
    tokenId: inputs.tokenId,
    slot,
    // What was asked for, not ARM's echo (which may drop the fraction), so diffs compare like with like.
    expiry: expiry ? expiry.toISOString() : generated.expiry ? generated.expiry.toISOString() : null,
    expiresInDays: inputs.expiresInDays ?? null,
    credential: inputs.credential ?? null,
    username,
    password: generated.value,
    creationTime: (generated.creationTime ?? ctx.now()).toISOString(),
    loginServer,
    rotateBeforeExpiryDays: inputs.rotateBeforeExpiryDays ?? null,
    drift: null,
    driftCodes: [],
  };
  return { id: `${inputs.tokenId}/passwords/${slot}`, outs };
}

/**
 * One GET of the token. A token that is gone makes the resource disappear (undefined: the next `up`
 * creates the token and then this password again). Otherwise the resource stays, still describing our
 * password (its creation time and expiry), with `drift`/`driftCodes` saying what is wrong with it
 * now: slot regenerated or deleted out of band, expired, inside the rotation window, token
 * disabled. The diff turns those into a replacement (see `diffTokenPassword`). Nothing else
 * changes, so a refresh with no drift leaves the state exactly as it was.
 */
export async function readPassword(props: TokenPasswordOutputs, ctx: ProviderContext): Promise<TokenPasswordOutputs | undefined> {
  const slot = props.slot ?? PasswordSlot.Password1;
  const token = await getToken(await sessionFor(ctx, props.tokenId, slot, props.credential));
  if (!token) return undefined;
  const report = assessDrift(token, props, ctx.now());
  return { ...props, rotateBeforeExpiryDays: props.rotateBeforeExpiryDays ?? null, drift: report.drift, driftCodes: report.driftCodes };
}

/** Only the credential selector and the rotation window change in place: recorded in state, with no ARM call. */
export function updatePassword(olds: TokenPasswordOutputs, news: TokenPasswordInputs): TokenPasswordOutputs {
  return {
    ...olds,
    credential: news.credential ?? null,
    rotateBeforeExpiryDays: news.rotateBeforeExpiryDays ?? null,
    drift: olds.drift ?? null,
    driftCodes: olds.driftCodes ?? [],
  };
}

/**
 * Removes this slot only, as `az acr token credential delete` does: GET the token, then PATCH the
 * names of the passwords to keep. A token or slot already gone is success, and so is a slot holding
 * another password than ours (regenerated since: it belongs to someone else now). That is also how a
 * same-slot replacement ends: the new resource's generateCredentials came first, so this delete is
 * one GET and no PATCH (see `diffTokenPassword`). Without a `creationTime` in state (older
 * state) the slot is taken to be ours and removed; diff orders those replacements delete-first.
 */
export async function deletePassword(props: TokenPasswordOutputs, ctx: ProviderContext): Promise<void> {
  const slot = props.slot ?? PasswordSlot.Password1;
  const pollMs = lroPollIntervalMs();
  const session = await sessionFor(ctx, props.tokenId, slot, props.credential);
  const { ref, label, resolved, client } = session;
  await serializedTokenWrite(ref, async () => {
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
  });
}

/**
 * Adopts an existing slot from its id alone, as `pulumi import` reads a resource (the provider plugin's
 * TokenPassword; a dynamic resource cannot be imported, pulumi/pulumi#16175): one GET of the token,
 * plus the login-server lookup. The id is `<token id>/passwords/<slot>`, as {@link createPassword}
 * returns it. The slot's metadata becomes the state (token, slot, expiry, creation time, user name,
 * login server, drift as a refresh would find it) and the inputs `{tokenId, slot, expiry}`; the
 * password itself cannot be read back, so `password` is null until a replacement generates one.
 * Undefined when the token or the slot does not exist ("not found").
 */
export async function importPassword(
  id: string,
  ctx: ProviderContext,
): Promise<{ inputs: TokenPasswordInputs; outs: Omit<TokenPasswordOutputs, "password"> & { password: null } } | undefined> {
  const match = /^(.*)\/passwords\/([^/]+)$/.exec(id);
  const slot = match?.[2] as PasswordSlot | undefined;
  if (!match || slot === undefined || !(Object.values(PasswordSlot) as string[]).includes(slot)) {
    throw new Error(
      `${TOKEN_PASSWORD}: cannot import ${show(id)}: give the id as <token resource id>/passwords/<slot>, with slot "password1" or "password2".`,
    );
  }
  const tokenId = match[1]!;
  const session = await sessionFor(ctx, tokenId, slot, undefined);
  const token = await getToken(session);
  const seen = observeSlot(token, slot, null);
  if (!token || seen.kind !== "present") return undefined;
  let loginServer: string;
  try {
    loginServer = await loginServerOf(session.client, session.ref);
  } catch (err) {
    throw wrapArmError(err, session.label, "registries.get", session.resolved);
  }
  const inputs: TokenPasswordInputs = { tokenId, slot, ...(seen.expiry !== null ? { expiry: seen.expiry } : {}) };
  const drift = assessDrift(token, { tokenId, slot, expiry: seen.expiry, ...(seen.creationTime !== null ? { creationTime: seen.creationTime } : {}) }, ctx.now());
  return {
    inputs,
    outs: {
      tokenId,
      slot,
      expiry: seen.expiry,
      expiresInDays: null,
      credential: null,
      username: token.name ?? session.ref.tokenName,
      password: null,
      creationTime: seen.creationTime ?? "",
      loginServer,
      rotateBeforeExpiryDays: null,
      drift: drift.drift,
      driftCodes: drift.driftCodes,
    },
  };
}
