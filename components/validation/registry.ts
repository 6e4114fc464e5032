import { parseRegistryResourceId } from "../arm/ids";
import { BuiltInScopeMap } from "../arm/types";
import { REGISTRY_NAME, SCOPE_MAP_NAME, checkName, checkResourceGroupName } from "../arm/names";
import { nearest, quote, type Checked, type ValidationProblem } from "../common/problems";
import { SUBSCRIPTION_ID } from "../credential/subscription";

const REGISTRY_NAME_IN_ID = { ...REGISTRY_NAME, lowerCase: false, allowedText: "letters and digits" };
const BUILT_IN_SCOPE_MAPS: readonly string[] = Object.values(BuiltInScopeMap);
const REGISTRY_ID_SHAPE =
  '"/subscriptions/<subscription id>/resourceGroups/<resource group>/providers/Microsoft.ContainerRegistry/registries/<registry name>"';

/** The registry a component works in, as the program gave it. */
export interface RegistryInput {
  readonly registryName?: string;
  readonly resourceGroupName?: string;
  readonly registryId?: string;
}

/** The registry, checked: always a name and resource group; the id only when the program gave it. */
export interface RegistryCoordinates {
  readonly registryName: string;
  readonly resourceGroupName: string;
  /** Canonical `/subscriptions/…/registries/<name>` id, when the registry was given by id. */
  readonly registryId?: string;
}

/**
 * Checks the registry arguments: exactly one of `registryName` + `resourceGroupName` or
 * `registryId`, each well formed. Internal. Exported for testing.
 */
export function checkRegistry(input: RegistryInput): {
  registry?: RegistryCoordinates;
  problems: ValidationProblem[];
} {
  const { registryName, resourceGroupName, registryId } = input;
  if (registryId !== undefined) {
    if (registryName !== undefined || resourceGroupName !== undefined) {
      const both = [registryName !== undefined ? "registryName" : undefined, resourceGroupName !== undefined ? "resourceGroupName" : undefined]
        .filter((p) => p !== undefined)
        .join(" and ");
      return {
        problems: [
          {
            propertyPath: "registryId",
            message: `registryId and ${both} are both set; they are two ways to name the registry. Remove registryId, or remove ${both}.`,
          },
        ],
      };
    }
    return parseRegistryId(registryId, "registryId");
  }
  if (registryName === undefined && resourceGroupName === undefined) {
    return {
      problems: [
        {
          propertyPath: "registryName",
          message:
            "registryName and resourceGroupName are not set; the registry is required. " +
            "Set registryName and resourceGroupName, or registryId (e.g. registry.id).",
        },
      ],
    };
  }
  if (registryName === undefined || resourceGroupName === undefined) {
    const [missing, given] = registryName === undefined ? ["registryName", "resourceGroupName"] : ["resourceGroupName", "registryName"];
    return {
      problems: [
        {
          propertyPath: missing,
          message: `${missing} is not set, but ${given} is; the registry needs both. Set ${missing}, or replace both with registryId.`,
        },
      ],
    };
  }
  const problems = [
    ...checkName(REGISTRY_NAME, registryName, { propertyPath: "registryName" }),
    ...checkResourceGroupName(resourceGroupName, "resourceGroupName"),
  ];
  return problems.length > 0 ? { problems } : { registry: { registryName, resourceGroupName }, problems };
}

/** {@link checkRegistry} in the {@link Checked} shape. Internal. Exported for testing. */
export function checkRegistryPlan(input: RegistryInput): Checked<RegistryCoordinates> {
  const { registry, problems } = checkRegistry(input);
  return registry === undefined ? { problems } : { plan: registry, problems };
}

/**
 * Parses a container registry resource id into its parts and a canonical id (ARM keywords in their
 * documented casing). Internal. Exported for testing.
 */
export function parseRegistryId(
  value: string,
  propertyPath: string,
): { registry?: RegistryCoordinates; problems: ValidationProblem[] } {
  const parsed = parseRegistryResourceId(value);
  if (parsed === undefined || parsed.child !== undefined) {
    const inside = parsed?.child !== undefined || /\/registries\/[^/]+\/.+/i.test(value);
    const hint = inside ? " It names a resource inside a registry; drop everything after the registry name." : "";
    return {
      problems: [
        {
          propertyPath,
          message:
            `${propertyPath} ${quote(value)} is not a container registry resource id.${hint} ` +
            `Expected ${REGISTRY_ID_SHAPE}, e.g. registry.id.`,
        },
      ],
    };
  }
  const { subscriptionId, resourceGroupName, registryName } = parsed;
  if (!SUBSCRIPTION_ID.test(subscriptionId)) {
    return {
      problems: [
        {
          propertyPath,
          message:
            `${propertyPath} ${quote(value)} has the subscription id ${quote(subscriptionId)}, which is not a GUID. ` +
            "Use the registry's id as ARM gives it (registry.id, or 'az acr show -n <name> --query id -o tsv').",
        },
      ],
    };
  }
  const problems = [
    // An id comes from ARM (e.g. `registry.id`), which keeps the casing the registry was created with;
    // ARM names are case-insensitive, so upper case is accepted here and only the characters checked.
    ...checkName(REGISTRY_NAME_IN_ID, registryName, { propertyPath: `${propertyPath} (registry name)` }),
    ...checkResourceGroupName(resourceGroupName, `${propertyPath} (resource group)`),
  ];
  if (problems.length > 0) {
    return { problems };
  }
  const registryId = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroupName}/providers/Microsoft.ContainerRegistry/registries/${registryName}`;
  return { registry: { registryName, resourceGroupName, registryId }, problems };
}

/** What a token's `scopeMap` string refers to. */
export type ScopeMapReference =
  | { readonly kind: "id"; readonly id: string }
  | { readonly kind: "builtIn"; readonly name: BuiltInScopeMap };

/**
 * Checks a token's `scopeMap` string: a built-in scope map name, or a scope map resource id in the
 * token's own registry. Internal. Exported for testing.
 */
export function checkScopeMapReference(
  value: string,
  registry: RegistryCoordinates | undefined,
  /** The subscription a registry given by name is in (the azure-native provider's), when known. */
  providerSubscription?: { id: string; source: string },
): { reference?: ScopeMapReference; problems: ValidationProblem[] } {
  const problem = (message: string) => ({ problems: [{ propertyPath: "scopeMap", message }] });
  const builtIns = `Built-in scope maps: ${BUILT_IN_SCOPE_MAPS.join(", ")}.`;
  if (BUILT_IN_SCOPE_MAPS.includes(value)) {
    return { reference: { kind: "builtIn", name: value as BuiltInScopeMap }, problems: [] };
  }
  if (value.startsWith("_")) {
    const suggestion = nearest(value, BUILT_IN_SCOPE_MAPS);
    return problem(
      `scopeMap ${quote(value)} is not a built-in scope map.` +
        (suggestion === undefined ? "" : ` Did you mean ${quote(suggestion)}?`) +
        ` ${builtIns}`,
    );
  }
  if (!value.startsWith("/")) {
    const shown = quote(value);
    // The example repeats the value only when the redaction rule quoted it (a name, not a secret).
    const example = shown.startsWith('"') ? `"<registry id>/scopeMaps/${value}"` : '"<registry id>/scopeMaps/<scope map name>"';
    return problem(
      `scopeMap ${shown} is neither a scope map resource id nor a built-in scope map name. ` +
        `Pass the scope map's id (map.id of a ScopeMap, or ${example}) or a built-in name. ${builtIns}`,
    );
  }
  const parsed = parseRegistryResourceId(value);
  if (parsed?.child?.type.toLowerCase() !== "scopemaps") {
    return problem(
      `scopeMap ${quote(value)} is not a scope map resource id. ` +
        `Expected ${REGISTRY_ID_SHAPE.slice(0, -1)}/scopeMaps/<scope map name>", e.g. scopeMap.id.`,
    );
  }
  const { subscriptionId, resourceGroupName, registryName } = parsed;
  const scopeMapName = parsed.child.name;
  if (!SUBSCRIPTION_ID.test(subscriptionId)) {
    return problem(`scopeMap ${quote(value)} has the subscription id ${quote(subscriptionId)}, which is not a GUID. Use the scope map's id as ARM gives it (map.id).`);
  }
  const nameProblems = checkName(SCOPE_MAP_NAME, scopeMapName, { propertyPath: "scopeMap (scope map name)" });
  if (nameProblems.length > 0) {
    return { problems: nameProblems };
  }
  if (
    registry !== undefined &&
    (registry.registryName.toLowerCase() !== registryName.toLowerCase() ||
      registry.resourceGroupName.toLowerCase() !== resourceGroupName.toLowerCase() ||
      (registry.registryId !== undefined && !registry.registryId.toLowerCase().startsWith(`/subscriptions/${subscriptionId.toLowerCase()}/`)))
  ) {
    return problem(
      `scopeMap ${quote(value)} belongs to registry ${quote(registryName)} in resource group ${quote(resourceGroupName)}, ` +
        `but the token is in registry ${quote(registry.registryName)} in resource group ${quote(registry.resourceGroupName)}. ` +
        "A token can only use a scope map of its own registry; create the scope map in the token's registry.",
    );
  }
  if (registry !== undefined && registry.registryId === undefined && providerSubscription && providerSubscription.id.toLowerCase() !== subscriptionId.toLowerCase()) {
    return problem(
      `scopeMap ${quote(value)} is in subscription ${quote(subscriptionId)}, but the token's registry is given by name, so it is in ` +
        `${providerSubscription.source}'s subscription ${quote(providerSubscription.id)}. A token can only use a scope map of its own registry: ` +
        "pass registryId to name the registry's subscription, or use a scope map of that registry.",
    );
  }
  const id = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroupName}/providers/Microsoft.ContainerRegistry/registries/${registryName}/scopeMaps/${scopeMapName}`;
  return { reference: { kind: "id", id }, problems: [] };
}
