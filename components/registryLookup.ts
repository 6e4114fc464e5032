import * as containerregistry from "@pulumi/azure-native/containerregistry";
import * as pulumi from "@pulumi/pulumi";
import type { Valid } from "./validation/validated";
import type { RegistryCoordinates } from "./validation/registry";

/** The getRegistry invoke's token, which also selects the provider a parent passes on to it. */
const GET_REGISTRY = "azure-native:containerregistry:getRegistry";

/** What a lookup is for: they differ in when they may run (see the two functions below). */
type Purpose = "loginServer" | "id";

/**
 * Registry lookups already made, per deployment (the resource monitor: a new one per `pulumi up`,
 * per Automation API stack, per `setMocks`), then per azure-native provider (`undefined`: the default
 * provider), then per purpose and registry.
 */
const lookups = new WeakMap<object, Map<pulumi.ProviderResource | undefined, Map<string, pulumi.Output<string>>>>();

/**
 * The cached lookup of `known` for `purpose` in this deployment, made with `lookup` the first time;
 * without a resource monitor (nothing to scope a cache to) every call looks up.
 */
function shared(parent: pulumi.Resource, purpose: Purpose, known: RegistryCoordinates, lookup: () => pulumi.Output<string>): pulumi.Output<string> {
  const monitor = pulumi.runtime.getMonitor();
  if (monitor === undefined) return lookup();
  const byProvider = lookups.get(monitor) ?? new Map<pulumi.ProviderResource | undefined, Map<string, pulumi.Output<string>>>();
  lookups.set(monitor, byProvider);
  const provider = parent.getProvider(GET_REGISTRY);
  const byRegistry = byProvider.get(provider) ?? new Map<string, pulumi.Output<string>>();
  byProvider.set(provider, byRegistry);
  // ARM names are case-insensitive: Contoso and contoso in one resource group are one registry.
  const key = `${purpose} ${known.resourceGroupName}/${known.registryName}`.toLowerCase();
  let value = byRegistry.get(key);
  if (value === undefined) {
    value = lookup();
    byRegistry.set(key, value);
  }
  return value;
}

/**
 * The registry's login server, looked up with azure-native's getRegistry invoke (its data-plane host
 * is not derivable from the name: sovereign clouds and registries with a domain-name-label hash have
 * other hosts), after `after` exists, so that a registry created by the same program exists too.
 *
 * One lookup per registry and provider per deployment when the registry is known at construction
 * (plain values): a program with 1,000 tokens in one registry makes one ARM read, not 1,000. The later
 * tokens' `loginServer` then waits for the first token in that registry instead of their own, which
 * only matters for ordering: the registry is the same. Registries given as Outputs are looked up per
 * token.
 */
export function registryLoginServer(parent: pulumi.Resource, registry: Valid<RegistryCoordinates>, after: pulumi.Resource): pulumi.Output<string> {
  const lookup = () => {
    const coordinates = pulumi.output(registry);
    return containerregistry.getRegistryOutput(
      { registryName: coordinates.registryName, resourceGroupName: coordinates.resourceGroupName },
      { parent, dependsOn: [after] },
    ).loginServer;
  };
  return pulumi.Output.isInstance(registry) ? lookup() : shared(parent, "loginServer", registry as RegistryCoordinates, lookup);
}

/**
 * The registry's resource id, looked up with the getRegistry invoke (the subscription is the
 * provider's, which the program does not know), for a built-in scope map named with `registryName` +
 * `resourceGroupName`. It runs before the token exists, so the registry must exist already. One lookup
 * per registry and provider per deployment: 1,000 tokens bound to `_repositories_pull` make one ARM
 * read during a preview, not 1,000.
 */
export function registryId(parent: pulumi.Resource, registry: RegistryCoordinates): pulumi.Output<string> {
  return shared(parent, "id", registry, () =>
    containerregistry.getRegistryOutput({ registryName: registry.registryName, resourceGroupName: registry.resourceGroupName }, { parent }).id,
  );
}
