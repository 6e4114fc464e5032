import type * as pulumi from "@pulumi/pulumi";
import { checkResult } from "../../validation/errors";
import { checkTokenSettingsInputs } from "../../validation/tokenSettingsArgs";
import { createSettings, readSettings, updateSettings } from "../tokenSettings/crud";
import { diffTokenSettings } from "../tokenSettings/diff";
import { TOKEN_SETTINGS, type TokenSettingsState } from "../tokenSettings/types";
import { configureProviders, type ConfigureRequest } from "./config";
import { redactedProvider } from "../../common/providerBoundary";
import { dynamicContext } from "./context";

/**
 * The TokenSettings provider as the dynamic-provider host calls it: each method maps to the core
 * (`../tokenSettings/`). The resource's serialized provider is a shim that `require`s this module at
 * call time (components/tokenSettings.ts).
 */
export const tokenSettingsProvider = redactedProvider({
  configure(req: ConfigureRequest): void {
    configureProviders(req);
  },

  async check(_olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
    return checkResult(TOKEN_SETTINGS, checkTokenSettingsInputs(news));
  },

  async diff(_id: string, olds: TokenSettingsState, news: TokenSettingsState): Promise<pulumi.dynamic.DiffResult> {
    return diffTokenSettings(olds, news);
  },

  async create(inputs: TokenSettingsState): Promise<pulumi.dynamic.CreateResult> {
    return { id: inputs.tokenId, outs: await createSettings(inputs, dynamicContext(TOKEN_SETTINGS)) };
  },

  async update(_id: string, _olds: TokenSettingsState, news: TokenSettingsState): Promise<pulumi.dynamic.UpdateResult> {
    return { outs: await updateSettings(news, dynamicContext(TOKEN_SETTINGS)) };
  },

  /** Reads back and realigns the stored inputs to what ARM has, so the next diff shows a change made outside Pulumi. */
  async read(id: string, props: TokenSettingsState): Promise<pulumi.dynamic.ReadResult> {
    const seen = await readSettings(props, dynamicContext(TOKEN_SETTINGS));
    if (!seen) return { id: "", props: {} };
    return { id, props: { ...seen }, inputs: { ...seen } };
  },

  /** Nothing: the token itself (and with it its settings) is deleted by the azure-native Token. */
  async delete(): Promise<void> {},
});
