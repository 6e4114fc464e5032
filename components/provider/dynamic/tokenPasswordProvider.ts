import type * as pulumi from "@pulumi/pulumi";
import { checkResult } from "../../validation/errors";
import { checkTokenPasswordInputs } from "../../validation/tokenPasswordArgs";
import { createPassword, deletePassword, readPassword, updatePassword } from "../tokenPassword/crud";
import { diffTokenPassword } from "../tokenPassword/diff";
import { TOKEN_PASSWORD, type TokenPasswordInputs, type TokenPasswordOutputs } from "../tokenPassword/types";
import { configureProviders, type ConfigureRequest } from "./config";
import { rememberSecret } from "../../common/redact";
import { redactedProvider } from "../../common/providerBoundary";
import { dynamicContext } from "./context";
import { secret } from "./wire";

/**
 * The TokenPassword provider as the dynamic-provider host calls it: maps each method to the core
 * (`../tokenPassword/`) with the context of this call, and marks the password secret on the way out.
 * The resource's serialized provider is a shim that `require`s this module at call time (see shim.ts).
 */
export const tokenPasswordProvider = redactedProvider({
  configure(req: ConfigureRequest): void {
    configureProviders(req);
  },

  async check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
    return checkResult(TOKEN_PASSWORD, checkTokenPasswordInputs(olds ?? {}, news, dynamicContext(TOKEN_PASSWORD).now()));
  },

  async diff(_id: string, olds: TokenPasswordOutputs, news: TokenPasswordInputs): Promise<pulumi.dynamic.DiffResult> {
    return diffTokenPassword(olds, news, dynamicContext(TOKEN_PASSWORD).now());
  },

  async create(inputs: TokenPasswordInputs): Promise<pulumi.dynamic.CreateResult> {
    const { id, outs } = await createPassword(inputs, dynamicContext(TOKEN_PASSWORD));
    // Scrubbed from every later message of this process, whatever its shape.
    rememberSecret(outs.password);
    // Returned as a secret value and also listed in additionalSecretOutputs: the engine stores it
    // encrypted either way, and the secret marker also keeps it secret under mocks (which ignore that option).
    return { id, outs: { ...outs, password: secret(outs.password) } };
  },

  async read(id: string, props: TokenPasswordOutputs): Promise<pulumi.dynamic.ReadResult> {
    const outs = await readPassword(props, dynamicContext(TOKEN_PASSWORD));
    if (!outs) return { id: "", props: {} };
    return { id, props: { ...outs, password: outs.password != null ? secret(outs.password) : null } };
  },

  async update(_id: string, olds: TokenPasswordOutputs, news: TokenPasswordInputs): Promise<pulumi.dynamic.UpdateResult> {
    const outs = updatePassword(olds, news);
    return { outs: { ...outs, password: outs.password != null ? secret(outs.password) : null } };
  },

  async delete(_id: string, props: TokenPasswordOutputs): Promise<void> {
    await deletePassword(props, dynamicContext(TOKEN_PASSWORD));
  },
});
