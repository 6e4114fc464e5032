import type * as pulumi from "@pulumi/pulumi";
import { redactedProvider } from "../../common/providerBoundary";
import { tokenPasswordMethods } from "../methods";
import type { TokenPasswordInputs, TokenPasswordOutputs } from "../tokenPassword/types";
import { configureProviders, type ConfigureRequest } from "./config";
import { dynamicContext } from "./context";

const methods = tokenPasswordMethods(dynamicContext);

/**
 * The TokenPassword provider as the dynamic-provider host calls it: the methods both hosts serve
 * (../methods.ts) with the context of this call, in the host's argument order.
 * The resource's serialized provider is a shim that `require`s this module at call time (see shim.ts).
 */
export const tokenPasswordProvider = redactedProvider({
  configure(req: ConfigureRequest): void {
    configureProviders(req);
  },

  check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
    return methods.check(olds, news);
  },

  diff(_id: string, olds: TokenPasswordOutputs, news: TokenPasswordInputs): Promise<pulumi.dynamic.DiffResult> {
    return methods.diff(olds, news);
  },

  create(inputs: TokenPasswordInputs): Promise<pulumi.dynamic.CreateResult> {
    return methods.create(inputs);
  },

  read(id: string, props: TokenPasswordOutputs): Promise<pulumi.dynamic.ReadResult> {
    return methods.read(id, props);
  },

  update(_id: string, olds: TokenPasswordOutputs, news: TokenPasswordInputs): Promise<pulumi.dynamic.UpdateResult> {
    return methods.update(olds, news);
  },

  delete(_id: string, props: TokenPasswordOutputs): Promise<void> {
    return methods.delete(props);
  },
});
