import * as containerregistry from "@pulumi/azure-native/containerregistry";
import * as pulumi from "@pulumi/pulumi";
import { azureNativeChildOptions } from "./childOptions";
import { throwIfInvalid } from "./validation/errors";
import { isPlain, mapValid, validated, type Valid } from "./validation/validated";
import type { GatewayAction, RepositoryAction } from "./arm/types";
import { checkScope } from "./validation/actions";
import { checkRegistryPlan, type RegistryCoordinates } from "./validation/registry";
import { checkScopeMapName, planScopeMap, type ScopeMapInput } from "./validation/scopeMapArgs";

/** Arguments of {@link ScopeMap}. Give the registry as `registryName` + `resourceGroupName`, or as `registryId`. */
export interface ScopeMapArgs {
  /**
   * Name of the container registry: 5–50 lower-case letters and digits (the name, not the login server).
   * Requires `resourceGroupName`; mutually exclusive with `registryId`. Changing it replaces the scope map.
   * @example "contosoregistry"
   */
  registryName?: pulumi.Input<string>;
  /**
   * Resource group of the registry. Requires `registryName`; mutually exclusive with `registryId`.
   * Changing it replaces the scope map.
   * @default none: required with `registryName`
   */
  resourceGroupName?: pulumi.Input<string>;
  /**
   * Resource id of the registry, e.g. `registry.id`:
   * `/subscriptions/<subscription>/resourceGroups/<group>/providers/Microsoft.ContainerRegistry/registries/<name>`.
   * Mutually exclusive with `registryName`/`resourceGroupName`. Changing it replaces the scope map.
   * @default none: give either this, or `registryName` and `resourceGroupName`
   */
  registryId?: pulumi.Input<string>;
  /**
   * Actions granted per repository. Keys are repository names in the Docker grammar (lower-case path
   * components joined by `/`), optionally ending in `/*` to cover every repository under a prefix;
   * values are `RepositoryAction`s. Key and action order do not matter: the generated `actions`
   * are de-duplicated and sorted. Changing the grants updates the scope map in place, and every token
   * using it gets the new scope.
   * @default none: at least one of `repositories` or `gateways` must grant an action
   * @example { "app": ["content/read"], "team/*": ["content/read", "metadata/read"] }
   */
  repositories?: pulumi.Input<{ [repository: string]: pulumi.Input<pulumi.Input<RepositoryAction>[]> }>;
  /**
   * Actions granted per connected registry (ACR's on-premises gateway), keyed by the connected
   * registry's name (5–50 letters and digits); values are `GatewayAction`s. At least one of
   * `repositories` or `gateways` must grant an action; together at most 500 distinct actions.
   * Changing them updates the scope map in place.
   * @default none
   * @example { "edge01": ["config/read", "message/write"] }
   */
  gateways?: pulumi.Input<{ [connectedRegistry: string]: pulumi.Input<pulumi.Input<GatewayAction>[]> }>;
  /**
   * Free-text description shown in the portal and `az acr scope-map show`. Changing it updates in place.
   * @default none
   */
  description?: pulumi.Input<string>;
  /**
   * Name of the scope map in the registry: 5–50 letters, digits, hyphens and underscores, not a
   * built-in name (`_repositories_pull`, …); defaults to the Pulumi resource name. Changing it replaces
   * the scope map.
   * @default the Pulumi resource name
   */
  scopeMapName?: pulumi.Input<string>;
}

/**
 * An ACR scope map: the set of repository and connected-registry actions a token may perform,
 * written as typed grants instead of raw `repositories/<repo>/<action>` strings, and checked before
 * any Azure call (unknown actions, repository grammar, names, limits).
 *
 * Wraps `azure-native:containerregistry:ScopeMap`, registered as a child with this component's name.
 * No output is secret.
 *
 * @example
 * ```ts
 * const ci = new ScopeMap("ci-pull", {
 *   registryName: "contosoregistry",
 *   resourceGroupName: "rg-registry",
 *   repositories: { "app": ["content/read", "metadata/read"] },
 * });
 * ```
 */
export class ScopeMap extends pulumi.ComponentResource {
  /** Resource id of the scope map, what `RegistryToken.scopeMap` and `az acr token create --scope-map` take. */
  readonly id: pulumi.Output<string>;
  /**
   * The same resource id as `id`, under the name other Pulumi languages get it by: a component's `id`
   * does not travel back from the provider plugin's Construct (the SDK never sends `id` in its state).
   * Not in `registerOutputs`: a TypeScript program's state keeps only `id`.
   */
  readonly scopeMapId: pulumi.Output<string>;
  /** Name of the scope map in the registry. */
  readonly scopeMapName: pulumi.Output<string>;
  /** The canonical actions sent to ACR: `repositories/<repo>/<action>` and `gateway/<name>/<action>`, sorted. */
  readonly actions: pulumi.Output<string[]>;

  /**
   * Returns true if `obj` is a {@link ScopeMap}, also when several copies of this package are loaded.
   */
  static isInstance(obj: unknown): obj is ScopeMap {
    return pulumi.Resource.isInstance(obj) && pulumi.resourceType(obj) === "acr-tokens:index:ScopeMap";
  }

  /**
   * @param name - The unique name of the scope map component; also the default `scopeMapName`.
   * @param args - The registry, the grants and optional name and description.
   * @param opts - Options for the component; children inherit its provider and other options.
   * @throws InvalidArgumentsError when a plain argument is invalid; with Output arguments, the
   * same error fails the deployment as soon as their values are known, before any Azure call.
   */
  constructor(name: string, args: ScopeMapArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validate before registering anything, each rule once. Plain arguments: every problem at once,
    // thrown here, and the plan is what the child gets.
    let registry: Valid<RegistryCoordinates>;
    let scopeMapName: Valid<string>;
    let actions: Valid<string[]>;
    if (isPlain(args)) {
      const checked = planScopeMap(name, args as ScopeMapInput);
      throwIfInvalid("ScopeMap", name, checked.problems);
      if (checked.plan === undefined) throw new Error(`ScopeMap ${JSON.stringify(name)}: validation produced no plan (a bug in acr-tokens).`);
      ({ registry, scopeMapName, actions } = checked.plan);
    } else {
      // Outputs: each group on its own, so a value unknown at preview leaves the others checked.
      const registryArgs = { registryName: args.registryName, resourceGroupName: args.resourceGroupName, registryId: args.registryId };
      registry = validated("ScopeMap", name, registryArgs, checkRegistryPlan);
      scopeMapName = validated("ScopeMap", name, { scopeMapName: args.scopeMapName }, (r) => checkScopeMapName(name, r.scopeMapName));
      actions = validated("ScopeMap", name, { repositories: args.repositories, gateways: args.gateways }, (r) => {
        const checked = checkScope(r);
        return { plan: checked.actions, problems: checked.problems };
      });
    }
    // No component inputs in state: the azure-native ScopeMap child records every argument (see
    // RegistryToken's constructor).
    super("acr-tokens:index:ScopeMap", name, {}, opts);

    const scopeMap = azureScopeMap(name, this, { registry, scopeMapName, actions, description: args.description });

    this.id = scopeMap.id;
    this.scopeMapId = scopeMap.id;
    this.scopeMapName = scopeMap.name;
    this.actions = scopeMap.actions;
    this.registerOutputs({ id: this.id, scopeMapName: this.scopeMapName, actions: this.actions });
  }
}

/** The checked arguments of an azure-native scope map. */
interface AzureScopeMapArgs {
  registry: Valid<RegistryCoordinates>;
  scopeMapName: Valid<string>;
  actions: Valid<string[]>;
  description?: pulumi.Input<string>;
}

/**
 * The azure-native ScopeMap behind a {@link ScopeMap}, and behind a {@link RegistryToken}'s inline
 * grants (registered directly under the token: a component in between would cost a program two more
 * registrations per token and show nothing the scope map does not).
 */
export function azureScopeMap(name: string, parent: pulumi.Resource, args: AzureScopeMapArgs): containerregistry.ScopeMap {
  return new containerregistry.ScopeMap(
    name,
    {
      registryName: mapValid(args.registry, (r) => r.registryName),
      resourceGroupName: mapValid(args.registry, (r) => r.resourceGroupName),
      scopeMapName: args.scopeMapName,
      actions: args.actions,
      description: args.description,
    },
    azureNativeChildOptions(parent, ["name", "actions"]),
  );
}
