import type * as pulumi from "@pulumi/pulumi";
import { TokenPassword, type TokenPasswordSpec } from "./tokenPassword";
import { claimSlotWhenKnown, ownerLabel } from "./slotOwners";
import { TokenSettings, type TokenSettingsArgs } from "./tokenSettings";
import type { CredentialKind } from "./credential/types";
import type { PasswordSlot, TokenStatus } from "./arm/types";

/**
 * Who runs the CRUD of the package's own custom resources (TokenPassword, TokenSettings) that the
 * components create as children:
 * - `dynamic` (the default): a TypeScript program. The children are `pulumi.dynamic.Resource`s whose
 *   provider runs in the engine's `pulumi-nodejs` dynamic-provider host.
 * - `plugin`: the components run inside the `acr-tokens` provider plugin, by `Construct` for a
 *   program in another language. A dynamic resource cannot run there (its host starts in the
 *   consumer's directory, which has no node_modules: pulumi/pulumi#5455), so the children are the
 *   plugin's custom resources `acr-tokens:index:TokenPassword` / `TokenSettings`, served by the same
 *   plugin process with the same provider code.
 *
 * The plugin's entry point selects `plugin` once at start-up, handing over its resource classes
 * (components/plugin/), so that this module, and the components, never import the plugin's folder;
 * nothing else changes it. Both kinds of child expose the same outputs, so the components read them alike.
 */
export type ResourceHost = "dynamic" | "plugin";

/** The plugin's own custom resource classes (components/plugin/), given by the plugin's entry point. */
export interface PluginChildren {
  TokenSettings: new (name: string, args: TokenSettingsArgs, opts?: pulumi.CustomResourceOptions) => TokenSettingsChild;
  TokenPassword: new (name: string, args: TokenPasswordSpec & { tokenId: pulumi.Input<string> }, opts?: pulumi.CustomResourceOptions) => TokenPasswordChild;
}

let host: ResourceHost = "dynamic";
let pluginChildren: PluginChildren | undefined;

/** Selects the host of the components' custom children for this process (see {@link ResourceHost}). */
export function setResourceHost(value: "dynamic"): void;
export function setResourceHost(value: "plugin", children: PluginChildren): void;
export function setResourceHost(value: ResourceHost, children?: PluginChildren): void {
  if (value !== "dynamic" && value !== "plugin") throw new Error(`setResourceHost: "${String(value)}" is not "dynamic" or "plugin".`);
  if (value === "plugin" && !children) throw new Error('setResourceHost: "plugin" needs the plugin\'s resource classes.');
  host = value;
  pluginChildren = value === "plugin" ? children : undefined;
}

/** The host selected for this process. */
export function resourceHost(): ResourceHost {
  return host;
}

/** What the components read from a TokenSettings child, whichever host runs it. */
export interface TokenSettingsChild extends pulumi.CustomResource {
  readonly scopeMapId: pulumi.Output<string>;
  readonly status: pulumi.Output<TokenStatus>;
}

/** What the components read from a TokenPassword child, whichever host runs it. */
export interface TokenPasswordChild extends pulumi.CustomResource {
  readonly username: pulumi.Output<string>;
  readonly password: pulumi.Output<string>;
  readonly expiry: pulumi.Output<string | null | undefined>;
  readonly loginServer: pulumi.Output<string>;
  readonly slot: pulumi.Output<PasswordSlot>;
  readonly credential?: pulumi.Output<CredentialKind | null>;
}

/** A TokenSettings child for the selected host. */
export function newTokenSettings(name: string, args: TokenSettingsArgs, opts: pulumi.CustomResourceOptions): TokenSettingsChild {
  return pluginChildren ? new pluginChildren.TokenSettings(name, args, opts) : new TokenSettings(name, args, opts);
}

/** A TokenPassword child for the selected host, on the token `tokenId`. */
export function newTokenPassword(
  name: string,
  tokenId: pulumi.Input<string>,
  spec: TokenPasswordSpec,
  opts: pulumi.CustomResourceOptions,
): TokenPasswordChild {
  if (!pluginChildren) return new TokenPassword(name, { token: tokenId, ...spec }, opts);
  // The dynamic TokenPassword claims its slot itself; the plugin's child is claimed here (one owner per slot).
  claimSlotWhenKnown(tokenId, spec.slot, ownerLabel(name, opts.parent));
  return new pluginChildren.TokenPassword(name, { tokenId, ...spec }, opts);
}
