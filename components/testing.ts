import type * as pulumi from "@pulumi/pulumi";
import { secret } from "./provider/wire";

/**
 * `acr-tokens/testing`: mocks for unit-testing a program that uses these components under
 * `pulumi.runtime.setMocks`, so that no test needs to know what the components register.
 *
 * Pulumi's mocks return a resource's inputs as its state unless told otherwise; azure-native's
 * `Token` and `ScopeMap` have no `name` input, so without these mocks a `RegistryToken`'s `username`
 * (the token's `name`) is undefined, and `TokenPassword`'s outputs (set by its provider) are missing.
 *
 * @example
 * ```ts
 * import * as pulumi from "@pulumi/pulumi";
 * import { acrTokensMocks } from "acr-tokens/testing";
 *
 * pulumi.runtime.setMocks(acrTokensMocks(), "my-project", "test", false);
 * const { username, password } = await import("./index"); // the program under test
 * ```
 */

/** Options of {@link acrTokensMocks}. */
export interface AcrTokensMocksOptions {
  /**
   * The subscription of mocked registry ids (`getRegistry`).
   * @default "00000000-0000-0000-0000-000000000000"
   */
  subscriptionId?: string;
  /**
   * Your own mocks, asked for every resource and invoke these mocks do not answer (anything that is
   * not an ACR scope map, token, registry lookup or an acr-tokens dynamic resource).
   * @default inputs as state, id `<name>-id`; an unknown invoke throws "Mock call not implemented".
   */
  fallback?: pulumi.runtime.Mocks;
}

const TOKEN_PASSWORD = "pulumi-nodejs:dynamic/acr-tokens:TokenPassword";
const TOKEN_SETTINGS = "pulumi-nodejs:dynamic/acr-tokens:TokenSettings";

/**
 * Mocks that answer as Azure would for what the components register: `name` (hence `username`) for
 * tokens and scope maps, `loginServer` from `getRegistry` (the lower-cased registry name +
 * `.azurecr.io`), and for each `TokenPassword` a fake password (`mock-password-<name>`, never a real
 * credential) marked secret as the engine marks it, its slot, creation time and expiry, no drift.
 */
export function acrTokensMocks(options: AcrTokensMocksOptions = {}): pulumi.runtime.Mocks {
  const subscriptionId = options.subscriptionId ?? "00000000-0000-0000-0000-000000000000";
  const registryId = (resourceGroupName: unknown, registryName: unknown) =>
    `/subscriptions/${subscriptionId}/resourceGroups/${String(resourceGroupName)}/providers/Microsoft.ContainerRegistry/registries/${String(registryName)}`;
  return {
    newResource(args) {
      const inputs = args.inputs as Record<string, unknown>;
      const { __provider: _provider, ...withoutProvider } = inputs;
      switch (args.type) {
        case "azure-native:containerregistry:ScopeMap": {
          const name = String(inputs["scopeMapName"]);
          return { id: `${registryId(inputs["resourceGroupName"], inputs["registryName"])}/scopeMaps/${name}`, state: { ...inputs, name } };
        }
        case "azure-native:containerregistry:Token": {
          const name = String(inputs["tokenName"]);
          return { id: `${registryId(inputs["resourceGroupName"], inputs["registryName"])}/tokens/${name}`, state: { ...inputs, name } };
        }
        case TOKEN_PASSWORD: {
          const tokenId = String(inputs["tokenId"]);
          const slot = String(inputs["slot"] ?? "password1");
          const registryName = /\/registries\/([^/]+)\//.exec(tokenId)?.[1] ?? "registry";
          const creationTime = new Date().toISOString();
          const days = typeof inputs["expiresInDays"] === "number" ? inputs["expiresInDays"] : undefined;
          const expiry = inputs["expiry"] ?? (days !== undefined ? new Date(Date.now() + days * 86_400_000).toISOString() : null);
          return {
            id: `${tokenId}/${slot}`,
            state: {
              ...withoutProvider,
              slot,
              username: tokenId.split("/").pop(),
              // Secret, as the engine makes it (additionalSecretOutputs); Pulumi's mock monitor would not.
              password: secret(`mock-password-${args.name}`),
              creationTime,
              expiry,
              loginServer: `${registryName.toLowerCase()}.azurecr.io`,
              drift: null,
              driftCodes: [],
            },
          };
        }
        case TOKEN_SETTINGS:
          return { id: `${String(inputs["tokenId"])}/settings`, state: withoutProvider };
        default:
          return options.fallback ? options.fallback.newResource(args) : { id: args.custom ? `${args.name}-id` : "", state: withoutProvider };
      }
    },
    call(args) {
      if (args.token === "azure-native:containerregistry:getRegistry") {
        const { registryName, resourceGroupName } = args.inputs as { registryName: string; resourceGroupName: string };
        return { id: registryId(resourceGroupName, registryName), name: registryName, loginServer: `${registryName.toLowerCase()}.azurecr.io` };
      }
      if (options.fallback) return options.fallback.call(args);
      throw new Error(`Mock call not implemented: ${args.token}`);
    },
  };
}
