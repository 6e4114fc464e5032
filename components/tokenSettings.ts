import * as pulumi from "@pulumi/pulumi";
import { providerShim } from "./provider/dynamic/shim";
import type { TokenStatus } from "./arm/types";

/** Serialized into state as `__provider`; why it is a call-time shim: see `providerShim`. */
const tokenSettingsShim = providerShim("tokenSettingsProvider");

/** Arguments of {@link TokenSettings}. */
export interface TokenSettingsArgs {
  /**
   * The token's resource id. Changing it replaces this resource (the settings then apply to the other token).
   */
  tokenId: pulumi.Input<string>;
  /**
   * The resource id of the scope map the token is bound to; it must be in the token's registry.
   * Changing it updates the token in place with a PATCH (its passwords are kept).
   */
  scopeMapId: pulumi.Input<string>;
  /**
   * `enabled` or `disabled`. Changing it updates the token in place with a PATCH (its passwords are kept).
   */
  status: pulumi.Input<TokenStatus>;
}

/**
 * The scope map and status of an existing ACR token, applied with PATCH. Used by `RegistryToken`:
 * the azure-native Token creates, reads and deletes the token, but would update it with a PUT that
 * wipes the token's passwords, so these two settings are owned here instead. Refresh reads them back,
 * so a change made outside Pulumi shows as a diff. Deleting this resource changes nothing in Azure.
 */
export class TokenSettings extends pulumi.dynamic.Resource {
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
    super(
      tokenSettingsShim,
      name,
      { tokenId: args.tokenId, scopeMapId: args.scopeMapId, status: args.status },
      opts,
      "acr-tokens",
      "TokenSettings",
    );
  }
}
