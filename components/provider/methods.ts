import type { ProviderContext } from "../arm/session";
import { rememberSecret } from "../common/redact";
import { checkResult } from "../validation/errors";
import { checkTokenPasswordInputs } from "../validation/tokenPasswordArgs";
import { checkTokenSettingsInputs } from "../validation/tokenSettingsArgs";
import { createPassword, deletePassword, readPassword, updatePassword } from "./tokenPassword/crud";
import { diffTokenPassword } from "./tokenPassword/diff";
import { TOKEN_PASSWORD, type TokenPasswordInputs, type TokenPasswordOutputs } from "./tokenPassword/types";
import { createSettings, readSettings, updateSettings } from "./tokenSettings/crud";
import { diffTokenSettings } from "./tokenSettings/diff";
import { TOKEN_SETTINGS, type TokenSettingsState } from "./tokenSettings/types";
import { secret } from "./wire";

/**
 * The provider methods of TokenPassword and TokenSettings as every host serves them (the dynamic
 * provider, dynamic/, and the provider plugin, plugin/provider.ts): each maps to the core with the
 * {@link ProviderContext} the host builds per call, returns the shapes both hosts answer with, and
 * marks a generated password secret on the way out. A host adds only what is its own (its argument
 * order, `configure`, the plugin's import) and the redaction boundary (common/providerBoundary.ts).
 */

/** The context of one call for a resource type (`dynamicContext` or `pluginContext`). */
export type ContextOf = (resourceType: string) => ProviderContext;

/** TokenPassword's methods with the context `contextOf` builds per call. */
export function tokenPasswordMethods(contextOf: ContextOf) {
  /** The outputs with the password marked secret (null stays null). */
  const withSecret = (outs: TokenPasswordOutputs) => ({ ...outs, password: secret(outs.password) });
  return {
    async check(olds: Record<string, unknown> | undefined, news: Record<string, unknown>) {
      return checkResult(TOKEN_PASSWORD, checkTokenPasswordInputs(olds ?? {}, news, contextOf(TOKEN_PASSWORD).now()));
    },
    async diff(olds: Partial<TokenPasswordOutputs>, news: TokenPasswordInputs) {
      return diffTokenPassword(olds, news, contextOf(TOKEN_PASSWORD).now());
    },
    async create(inputs: TokenPasswordInputs) {
      const { id, outs } = await createPassword(inputs, contextOf(TOKEN_PASSWORD));
      // Scrubbed from every later message of this process, whatever its shape.
      rememberSecret(outs.password);
      // Returned as a secret value and also listed in additionalSecretOutputs: the engine stores it
      // encrypted either way, and the secret marker also keeps it secret under mocks (which ignore that option).
      return { id, outs: withSecret(outs) };
    },
    async read(id: string, props: TokenPasswordOutputs) {
      const outs = await readPassword(props, contextOf(TOKEN_PASSWORD));
      return outs ? { id, props: withSecret(outs) } : { id: "", props: {} };
    },
    /** No ARM call: only the credential selector and the rotation window change in place. */
    async update(olds: TokenPasswordOutputs, news: TokenPasswordInputs) {
      return { outs: withSecret(updatePassword(olds, news)) };
    },
    async delete(props: TokenPasswordOutputs): Promise<void> {
      await deletePassword(props, contextOf(TOKEN_PASSWORD));
    },
  };
}

/** TokenSettings' methods with the context `contextOf` builds per call. */
export function tokenSettingsMethods(contextOf: ContextOf) {
  return {
    async check(_olds: Record<string, unknown> | undefined, news: Record<string, unknown>) {
      return checkResult(TOKEN_SETTINGS, checkTokenSettingsInputs(news));
    },
    async diff(olds: Partial<TokenSettingsState>, news: TokenSettingsState) {
      return diffTokenSettings(olds, news);
    },
    async create(inputs: TokenSettingsState) {
      return { id: inputs.tokenId, outs: await createSettings(inputs, contextOf(TOKEN_SETTINGS)) };
    },
    /** Reads back and realigns the stored inputs to what ARM has, so the next diff shows a change made outside Pulumi. */
    async read(id: string, props: TokenSettingsState) {
      const seen = await readSettings(props, contextOf(TOKEN_SETTINGS));
      return seen ? { id, props: { ...seen }, inputs: { ...seen } } : { id: "", props: {} };
    },
    async update(_olds: TokenSettingsState, news: TokenSettingsState) {
      return { outs: await updateSettings(news, contextOf(TOKEN_SETTINGS)) };
    },
    /** Nothing: the token itself (and with it its settings) is deleted by the azure-native Token. */
    async delete(_props: TokenSettingsState): Promise<void> {},
  };
}
