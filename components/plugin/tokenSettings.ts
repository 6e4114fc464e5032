import * as pulumi from "@pulumi/pulumi";
import type { TokenSettingsArgs } from "../tokenSettings";
import type { TokenStatus } from "../arm/types";

/**
 * The scope map and status of an existing ACR token, applied with PATCH (type
 * `acr-tokens:index:TokenSettings`): the provider plugin's form of the TypeScript package's dynamic
 * `TokenSettings`, with the same provider code. `RegistryToken` creates it when it runs inside the
 * plugin; it is not meant to be declared on its own.
 */
export class TokenSettings extends pulumi.CustomResource {
  /** The token's resource id. */
  declare readonly tokenId: pulumi.Output<string>;
  /** The scope map the token is bound to. */
  declare readonly scopeMapId: pulumi.Output<string>;
  /** `enabled` or `disabled`. */
  declare readonly status: pulumi.Output<TokenStatus>;

  /**
   * @param name - The unique name of this resource.
   * @param args - The token and the settings to apply to it.
   * @param opts - Resource options.
   */
  constructor(name: string, args: TokenSettingsArgs, opts?: pulumi.CustomResourceOptions) {
    super("acr-tokens:index:TokenSettings", name, { tokenId: args.tokenId, scopeMapId: args.scopeMapId, status: args.status }, opts);
  }
}
