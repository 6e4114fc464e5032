import type * as pulumi from "@pulumi/pulumi";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import type { Token } from "@azure/arm-containerregistry";
import { TokenStatus } from "../arm/types";
import { getToken, lroPollIntervalMs } from "../arm/client";
import { configureProviders, type ConfigureRequest } from "./dynamic/config";
import { armSession, type ArmSession } from "./context";
import { wrapArmError } from "../arm/errors";
import { parseTokenId, sameArmId, scopeMapIdError, type TokenRef } from "../arm/ids";

/** Type name used in messages; the full token is `pulumi-nodejs:dynamic/acr-tokens:TokenSettings`. */
export const TOKEN_SETTINGS = "TokenSettings";

/** Inputs and outputs of TokenSettings (the same three values). */
export interface TokenSettingsState {
  /** ARM id of the token. */
  tokenId: string;
  /** ARM id of the scope map the token is bound to. */
  scopeMapId: string;
  /** Whether the token can authenticate. */
  status: TokenStatus;
}

const STATUSES: readonly string[] = Object.values(TokenStatus);

/** Validates raw inputs; unknown values (preview) pass unchecked. Internal. Exported for testing. */
export function checkTokenSettingsInputs(news: Record<string, unknown>): {
  inputs: Record<string, unknown>;
  failures: pulumi.dynamic.CheckFailure[];
} {
  const failures: pulumi.dynamic.CheckFailure[] = [];
  const fail = (property: string, reason: string) => failures.push({ property, reason: `${TOKEN_SETTINGS}: ${reason}` });
  const { tokenId, scopeMapId, status } = news;
  let ref: TokenRef | undefined;
  if (tokenId !== unknownValue) {
    const parsed = parseTokenId(tokenId);
    if ("error" in parsed) fail("tokenId", `tokenId ${parsed.error}`);
    else ref = parsed;
  }
  if (scopeMapId !== unknownValue) {
    const error = scopeMapIdError(scopeMapId, ref);
    if (error) fail("scopeMapId", `scopeMapId ${error}`);
  }
  if (status !== unknownValue && (typeof status !== "string" || !STATUSES.includes(status))) {
    fail("status", `status is ${JSON.stringify(status)}; use "enabled" or "disabled".`);
  }
  // Absent values stay absent: the host cannot send `undefined` back (harness pitfall 4).
  const inputs = Object.fromEntries(Object.entries({ tokenId, scopeMapId, status }).filter(([, v]) => v !== undefined));
  return { inputs, failures };
}

/** Another token replaces; scope map or status are updated in place (PATCH). Internal. Exported for testing. */
export function diffTokenSettings(olds: Partial<TokenSettingsState>, news: TokenSettingsState): pulumi.dynamic.DiffResult {
  const replaces = sameArmId(olds.tokenId, news.tokenId) ? [] : ["tokenId"];
  const changed = !sameArmId(olds.scopeMapId, news.scopeMapId) || olds.status !== news.status;
  return { changes: replaces.length > 0 || changed, replaces };
}

function refOf(tokenId: string): TokenRef {
  const parsed = parseTokenId(tokenId);
  if ("error" in parsed) throw new Error(`${TOKEN_SETTINGS}: tokenId ${parsed.error}`);
  return parsed;
}

function labelOf(ref: TokenRef): string {
  return `${TOKEN_SETTINGS} of token "${ref.tokenName}" (registry "${ref.registryName}")`;
}

/** What ARM reports, keeping the caller's casing of an id ARM returns with another casing. */
function actual(token: Token, wanted: TokenSettingsState): TokenSettingsState {
  const scopeMapId = sameArmId(token.scopeMapId, wanted.scopeMapId) ? wanted.scopeMapId : (token.scopeMapId ?? "");
  const status = (token.status ?? TokenStatus.Enabled) as TokenStatus;
  return { tokenId: wanted.tokenId, scopeMapId, status };
}

function sessionFor(tokenId: string): Promise<ArmSession> {
  const ref = refOf(tokenId);
  return armSession(TOKEN_SETTINGS, ref, labelOf(ref), undefined);
}

async function patch({ ref, label, resolved, client }: ArmSession, state: TokenSettingsState): Promise<void> {
  const pollMs = lroPollIntervalMs();
  try {
    // Only scopeMapId and status, never `credentials`: a PATCH without credentials keeps the token's
    // passwords (as terraform's token update and `az acr token update` rely on).
    await client.tokens.update(
      ref.resourceGroupName,
      ref.registryName,
      ref.tokenName,
      { scopeMapId: state.scopeMapId, status: state.status },
      { updateIntervalInMs: pollMs },
    );
  } catch (err) {
    throw wrapArmError(err, label, "tokens.update", resolved);
  }
}

/**
 * The real TokenSettings provider: applies a RegistryToken's scope map and status with PATCH, so the
 * azure-native Token (which would update with a password-wiping PUT) never has to. The resource's
 * serialized provider is a shim that `require`s this module at call time (components/tokenSettings.ts).
 */
export const tokenSettingsProvider = {
  configure(req: ConfigureRequest): void {
    configureProviders(req);
  },

  async check(_olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
    return checkTokenSettingsInputs(news);
  },

  async diff(_id: string, olds: TokenSettingsState, news: TokenSettingsState): Promise<pulumi.dynamic.DiffResult> {
    return diffTokenSettings(olds, news);
  },

  /**
   * One GET; a PATCH only when the token differs. azure-native has just PUT the token with these very
   * values, so normally nothing is sent; the GET makes create also correct for a token that existed
   * before its TokenSettings (a stack upgraded from a version without it, or an imported token).
   */
  async create(inputs: TokenSettingsState): Promise<pulumi.dynamic.CreateResult> {
    const checked = checkTokenSettingsInputs(inputs as unknown as Record<string, unknown>);
    if (checked.failures.length > 0) throw new Error(checked.failures.map((f) => f.reason).join(" "));
    const session = await sessionFor(inputs.tokenId);
    const token = await getToken(session);
    if (!token) {
      throw new Error(`${session.label}: the token does not exist. Create it first (RegistryToken does), or fix tokenId "${inputs.tokenId}".`);
    }
    const seen = actual(token, inputs);
    if (!sameArmId(seen.scopeMapId, inputs.scopeMapId) || seen.status !== inputs.status) await patch(session, inputs);
    const outs: TokenSettingsState = { tokenId: inputs.tokenId, scopeMapId: inputs.scopeMapId, status: inputs.status };
    return { id: inputs.tokenId, outs };
  },

  /** PATCH `{scopeMapId, status}` only: the token's passwords survive. */
  async update(_id: string, _olds: TokenSettingsState, news: TokenSettingsState): Promise<pulumi.dynamic.UpdateResult> {
    await patch(await sessionFor(news.tokenId), news);
    const outs: TokenSettingsState = { tokenId: news.tokenId, scopeMapId: news.scopeMapId, status: news.status };
    return { outs };
  },

  /**
   * One GET. Reports the actual scope map and status and realigns the stored inputs to them, so an
   * out-of-band change (portal, `az acr token update`) shows as a diff on the next preview and `up`
   * PATCHes it back. A token that is gone makes this resource disappear too.
   */
  async read(id: string, props: TokenSettingsState): Promise<pulumi.dynamic.ReadResult> {
    const token = await getToken(await sessionFor(props.tokenId));
    if (!token) return { id: "", props: {} };
    const seen = actual(token, props);
    return { id, props: { ...seen }, inputs: { ...seen } };
  },

  /** Nothing: the token itself (and with it its settings) is deleted by the azure-native Token. */
  async delete(): Promise<void> {},
};
