import type { Token } from "@azure/arm-containerregistry";
import { lroPollIntervalMs } from "../../arm/client";
import { wrapArmError } from "../../arm/errors";
import { parseTokenId, sameArmId } from "../../arm/ids";
import { getToken, type ArmSession, type ProviderContext } from "../../arm/session";
import { TokenStatus } from "../../arm/types";
import { throwIfInvalidInputs } from "../../validation/errors";
import { checkTokenSettingsInputs } from "../../validation/tokenSettingsArgs";
import { TOKEN_SETTINGS, type TokenSettingsState } from "./types";

/**
 * Create, read and update of a RegistryToken's scope map and status, applied with PATCH so the
 * azure-native Token (which would update with a password-wiping PUT) never has to. Independent of
 * the host: plain state in, plain state out, ARM through the {@link ProviderContext}. Delete is
 * nothing: the token itself (and with it its settings) is deleted by the azure-native Token.
 */

function sessionFor(ctx: ProviderContext, tokenId: string): Promise<ArmSession> {
  const parsed = parseTokenId(tokenId);
  if ("error" in parsed) throw new Error(`${TOKEN_SETTINGS}: tokenId ${parsed.error}`);
  return ctx.session(parsed, `${TOKEN_SETTINGS} of token "${parsed.tokenName}" (registry "${parsed.registryName}")`);
}

/** What ARM reports, keeping the caller's casing of an id ARM returns with another casing. */
function actual(token: Token, wanted: TokenSettingsState): TokenSettingsState {
  const scopeMapId = sameArmId(token.scopeMapId, wanted.scopeMapId) ? wanted.scopeMapId : (token.scopeMapId ?? "");
  const status = (token.status ?? TokenStatus.Enabled) as TokenStatus;
  return { tokenId: wanted.tokenId, scopeMapId, status };
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
 * One GET; a PATCH only when the token differs. azure-native has just PUT the token with these very
 * values, so normally nothing is sent; the GET makes create also correct for a token that existed
 * before its TokenSettings (a stack upgraded from a version without it, or an imported token).
 */
export async function createSettings(inputs: TokenSettingsState, ctx: ProviderContext): Promise<TokenSettingsState> {
  throwIfInvalidInputs(TOKEN_SETTINGS, checkTokenSettingsInputs(inputs as unknown as Record<string, unknown>).problems);
  const session = await sessionFor(ctx, inputs.tokenId);
  const token = await getToken(session);
  if (!token) {
    throw new Error(`${session.label}: the token does not exist. Create it first (RegistryToken does), or fix tokenId "${inputs.tokenId}".`);
  }
  const seen = actual(token, inputs);
  if (!sameArmId(seen.scopeMapId, inputs.scopeMapId) || seen.status !== inputs.status) await patch(session, inputs);
  return { tokenId: inputs.tokenId, scopeMapId: inputs.scopeMapId, status: inputs.status };
}

/** PATCH `{scopeMapId, status}` only: the token's passwords survive. */
export async function updateSettings(news: TokenSettingsState, ctx: ProviderContext): Promise<TokenSettingsState> {
  await patch(await sessionFor(ctx, news.tokenId), news);
  return { tokenId: news.tokenId, scopeMapId: news.scopeMapId, status: news.status };
}

/**
 * One GET. Reports the actual scope map and status, so an out-of-band change (portal, `az acr token
 * update`) shows as a diff on the next preview and `up` PATCHes it back. Undefined when the token is
 * gone (this resource disappears too).
 */
export async function readSettings(props: TokenSettingsState, ctx: ProviderContext): Promise<TokenSettingsState | undefined> {
  const token = await getToken(await sessionFor(ctx, props.tokenId));
  return token ? actual(token, props) : undefined;
}
