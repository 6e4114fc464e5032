import type * as pulumi from "@pulumi/pulumi";
import { redactedProvider } from "../../common/providerBoundary";
import { tokenSettingsMethods } from "../methods";
import type { TokenSettingsState } from "../tokenSettings/types";
import { configureProviders, type ConfigureRequest } from "./config";
import { dynamicContext } from "./context";

const methods = tokenSettingsMethods(dynamicContext);

/**
 * The TokenSettings provider as the dynamic-provider host calls it: the methods both hosts serve
 * (../methods.ts) with the context of this call, in the host's argument order. The resource's
 * serialized provider is a shim that `require`s this module at call time (components/tokenSettings.ts).
 */
export const tokenSettingsProvider = redactedProvider({
  configure(req: ConfigureRequest): void {
    configureProviders(req);
  },

  check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
    return methods.check(olds, news);
  },

  diff(_id: string, olds: TokenSettingsState, news: TokenSettingsState): Promise<pulumi.dynamic.DiffResult> {
    return methods.diff(olds, news);
  },

  create(inputs: TokenSettingsState): Promise<pulumi.dynamic.CreateResult> {
    return methods.create(inputs);
  },

  update(_id: string, olds: TokenSettingsState, news: TokenSettingsState): Promise<pulumi.dynamic.UpdateResult> {
    return methods.update(olds, news);
  },

  read(id: string, props: TokenSettingsState): Promise<pulumi.dynamic.ReadResult> {
    return methods.read(id, props);
  },

  delete(_id: string, props: TokenSettingsState): Promise<void> {
    return methods.delete(props);
  },
});
