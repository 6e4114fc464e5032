/**
 * ARM resource ids of ACR tokens and scope maps: parsing and validation (pure; no network).
 * Rules: ../shared/acr/README.md §2. ARM compares ids case-insensitively, so segment keywords are
 * matched case-insensitively and {@link sameArmId} compares whole ids that way.
 */

import { SUBSCRIPTION_ID } from "../credential/subscription";

/** The parts of a token id `/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.ContainerRegistry/registries/{r}/tokens/{t}`. */
export interface TokenRef {
  subscriptionId: string;
  resourceGroupName: string;
  registryName: string;
  tokenName: string;
}

// Resource group: 1–90 chars of letters, digits, '_', '-', '.', '(' and ')', not ending in '.'.
const RESOURCE_GROUP = /^[\p{L}\p{N}_\-.()]{1,90}$/u;
const REGISTRY = /^[a-zA-Z0-9]{5,50}$/;
const TOKEN = /^[a-zA-Z0-9-]{5,50}$/;
const SCOPE_MAP = /^[a-zA-Z0-9-_]{5,50}$/;

const TOKEN_ID_FORM =
  "/subscriptions/<subscription id>/resourceGroups/<resource group>/providers/Microsoft.ContainerRegistry/registries/<registry>/tokens/<token>";

/**
 * Parses a token resource id. Returns the parts, or a message that says what is wrong and the
 * expected form (the caller prefixes the resource and property).
 */
export function parseTokenId(id: unknown): TokenRef | { error: string } {
  if (typeof id !== "string" || id.trim() === "") {
    return { error: `must be a token resource id (${TOKEN_ID_FORM}), a RegistryToken's id; got ${describe(id)}.` };
  }
  const parts = registryChildParts(id, "tokens");
  if (!parts) {
    return { error: `"${id}" is not a token resource id; expected ${TOKEN_ID_FORM}.` };
  }
  const [, , subscriptionId, , resourceGroupName, , , , registryName, , tokenName] = parts;
  if (!SUBSCRIPTION_ID.test(subscriptionId)) {
    return { error: `"${id}" has subscription id "${subscriptionId}", which is not a GUID (e.g. 00000000-0000-0000-0000-000000000000).` };
  }
  if (!RESOURCE_GROUP.test(resourceGroupName) || resourceGroupName.endsWith(".")) {
    return {
      error: `"${id}" has resource group "${resourceGroupName}", which is not a valid name (1–90 letters, digits, '_', '-', '.', '(', ')'; not ending in '.').`,
    };
  }
  if (!REGISTRY.test(registryName)) {
    return { error: `"${id}" has registry name "${registryName}", which is not valid (5–50 letters and digits).` };
  }
  if (!TOKEN.test(tokenName)) {
    return { error: `"${id}" has token name "${tokenName}", which is not valid (5–50 letters, digits and '-').` };
  }
  return { subscriptionId, resourceGroupName, registryName, tokenName };
}

/**
 * Checks a scope map resource id (`…/registries/{r}/scopeMaps/{m}`). Returns an error message or
 * undefined. When `tokenRef` is given, the scope map must belong to the same registry: ARM refuses a
 * token bound to another registry's scope map.
 */
export function scopeMapIdError(id: unknown, tokenRef?: TokenRef): string | undefined {
  const form =
    "/subscriptions/<subscription id>/resourceGroups/<resource group>/providers/Microsoft.ContainerRegistry/registries/<registry>/scopeMaps/<scope map>";
  if (typeof id !== "string" || id.trim() === "") {
    return `must be a scope map resource id (${form}); got ${describe(id)}.`;
  }
  const parts = registryChildParts(id, "scopeMaps");
  if (!parts || !SCOPE_MAP.test(parts[10])) return `"${id}" is not a scope map resource id; expected ${form}.`;
  if (tokenRef && !sameArmId(registryIdOf(id), registryIdOf(tokenIdOf(tokenRef)))) {
    return `"${id}" belongs to another registry than the token ("${tokenRef.registryName}" in resource group "${tokenRef.resourceGroupName}"); use a scope map of the token's registry.`;
  }
  return undefined;
}

/** The canonical token id of a {@link TokenRef}. */
export function tokenIdOf(ref: TokenRef): string {
  return (
    `/subscriptions/${ref.subscriptionId}/resourceGroups/${ref.resourceGroupName}` +
    `/providers/Microsoft.ContainerRegistry/registries/${ref.registryName}/tokens/${ref.tokenName}`
  );
}

/** ARM ids are case-insensitive (ARM itself returns `resourcegroups` at times). */
export function sameArmId(a: string | undefined | null, b: string | undefined | null): boolean {
  return typeof a === "string" && typeof b === "string" && a.toLowerCase() === b.toLowerCase();
}

function registryIdOf(childId: string): string {
  return childId.split("/").slice(0, 9).join("/");
}

/**
 * The 11 `/`-separated parts of `/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.ContainerRegistry/registries/{r}/{childType}/{name}`
 * (keywords matched case-insensitively), or undefined when `id` does not have that shape. Names are not checked.
 */
function registryChildParts(id: string, childType: string): ArmChildParts | undefined {
  const parts = id.split("/");
  const ok =
    parts.length === 11 &&
    parts[0] === "" &&
    eq(parts[1], "subscriptions") &&
    eq(parts[3], "resourceGroups") &&
    eq(parts[5], "providers") &&
    eq(parts[6], "Microsoft.ContainerRegistry") &&
    eq(parts[7], "registries") &&
    eq(parts[9], childType);
  return ok ? (parts as ArmChildParts) : undefined;
}

type ArmChildParts = [string, string, string, string, string, string, string, string, string, string, string];

function eq(a: string | undefined, b: string): boolean {
  return a !== undefined && a.toLowerCase() === b.toLowerCase();
}

function describe(v: unknown): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (typeof v === "string") return v === "" ? "an empty string" : `"${v}"`;
  return `a ${typeof v}`;
}
