/**
 * ARM resource ids of ACR tokens and scope maps: parsing and validation (pure; no network).
 * Rules: ../shared/acr/README.md §2. ARM compares ids case-insensitively, so segment keywords are
 * matched case-insensitively and {@link sameArmId} compares whole ids that way.
 */

import { show } from "../common/redact";
import { SUBSCRIPTION_ID } from "../credential/subscription";
import { isValidName, isValidResourceGroupName, REGISTRY_NAME, SCOPE_MAP_NAME, TOKEN_NAME } from "./names";

/** An id for a message: quoted when id-shaped and credential-free (the redaction rule), else described. */
const ID_SHAPE = /^\/[\w ./()~-]{0,400}$/;
function q(value: string): string {
  return show(value, { shape: ID_SHAPE, maxLength: 400 });
}
/** A segment of an id for a message. */
function qs(value: string): string {
  return show(value, { shape: /^[\w .()~-]{0,100}$/, maxLength: 100 });
}

/** The parts of a token id `/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.ContainerRegistry/registries/{r}/tokens/{t}`. */
export interface TokenRef {
  subscriptionId: string;
  resourceGroupName: string;
  registryName: string;
  tokenName: string;
}

/**
 * A container registry id, or the id of a resource right inside one:
 * `/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.ContainerRegistry/registries/{r}[/{type}/{name}]`.
 */
export interface RegistryResourceId {
  subscriptionId: string;
  resourceGroupName: string;
  registryName: string;
  /** The resource inside the registry (`tokens`, `scopeMaps`, …), absent for the registry itself. */
  child?: { type: string; name: string };
}

/**
 * The one parser of ACR resource ids (providers, validation, the CLI): the parts of `id`, or undefined
 * when it does not have the shape (ARM keywords matched case-insensitively; empty segments refused).
 * Names are not checked here: see {@link parseTokenId} and the name rules in names.ts.
 */
export function parseRegistryResourceId(id: string): RegistryResourceId | undefined {
  const parts = id.split("/");
  if (parts.length !== 9 && parts.length !== 11) return undefined;
  const ok =
    parts[0] === "" &&
    eq(parts[1], "subscriptions") &&
    eq(parts[3], "resourceGroups") &&
    eq(parts[5], "providers") &&
    eq(parts[6], "Microsoft.ContainerRegistry") &&
    eq(parts[7], "registries") &&
    parts.slice(1).every((p) => p !== "");
  if (!ok) return undefined;
  const [, , subscriptionId, , resourceGroupName, , , , registryName, type, name] = parts as [string, string, string, string, string, string, string, string, string, string?, string?];
  return { subscriptionId, resourceGroupName, registryName, ...(type !== undefined && name !== undefined ? { child: { type, name } } : {}) };
}

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
  const parts = parseRegistryResourceId(id);
  if (!parts?.child || !eq(parts.child.type, "tokens")) {
    return { error: `${q(id)} is not a token resource id; expected ${TOKEN_ID_FORM}.` };
  }
  const { subscriptionId, resourceGroupName, registryName } = parts;
  const tokenName = parts.child.name;
  if (!SUBSCRIPTION_ID.test(subscriptionId)) {
    return { error: `${q(id)} has subscription id ${qs(subscriptionId)}, which is not a GUID (e.g. 00000000-0000-0000-0000-000000000000).` };
  }
  if (!isValidResourceGroupName(resourceGroupName)) {
    return {
      error: `${q(id)} has resource group ${qs(resourceGroupName)}, which is not a valid name (1–90 letters, digits, '_', '-', '.', '(', ')'; not ending in '.').`,
    };
  }
  if (!isValidName(REGISTRY_NAME, registryName)) {
    return { error: `${q(id)} has registry name ${qs(registryName)}, which is not valid (5–50 letters and digits).` };
  }
  if (!isValidName(TOKEN_NAME, tokenName)) {
    return { error: `${q(id)} has token name ${qs(tokenName)}, which is not valid (5–50 letters, digits and '-').` };
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
  const parts = parseRegistryResourceId(id);
  if (!parts?.child || !eq(parts.child.type, "scopeMaps") || !isValidName(SCOPE_MAP_NAME, parts.child.name)) {
    return `${q(id)} is not a scope map resource id; expected ${form}.`;
  }
  if (tokenRef && !sameArmId(registryIdOf(id), registryIdOf(tokenIdOf(tokenRef)))) {
    return `${q(id)} belongs to another registry than the token ("${tokenRef.registryName}" in resource group "${tokenRef.resourceGroupName}"); use a scope map of the token's registry.`;
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


function eq(a: string | undefined, b: string): boolean {
  return a !== undefined && a.toLowerCase() === b.toLowerCase();
}

function describe(v: unknown): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (typeof v === "string") return v === "" ? "an empty string" : q(v);
  return `a ${typeof v}`;
}
