import { atLeast, FIELDS_SINCE } from "../apiVersions";
import { invalidBody, invalidResourceName, resourceNotFound } from "../errors";
import { connectedRegistryId, idOf, sameId, tokenId } from "../ids";
import type { ConnectedRegistryMode, ConnectedRegistryRecord, RegistryRecord } from "../store/types";
import {
  bodyObject,
  locationHeaders,
  newSystemData,
  optionalString,
  pageOf,
  propertiesOf,
  type Route,
  type RouteContext,
  type RouteResult,
} from "./context";
import { childNameOf, REGISTRY_ROUTE, requireRegistry } from "./lookup";

/**
 * Connected registries (`registries/{r}/connectedRegistries/{name}`), as the az CLI's recorded
 * traffic shows them (test_acr_connectedregistry.2021-10-27 and .2023-12-12, api-version
 * 2021-08-01-preview):
 * - PUT answers **200 synchronously** with `provisioningState: "Succeeded"` (no LRO header), also
 *   when it creates; PATCH answers 200 synchronously too; DELETE answers 200 with an empty body.
 * - The body echoes the request with enum values in canonical casing (`"readonly"` → `"ReadOnly"`),
 *   `connectionState: "Offline"`, `activation: {status: "Inactive"}` (no on-premises instance ever
 *   connects), `loginServer: {tls: {certificate: {}}}`, and for a connected registry whose parent is
 *   the cloud registry (no `parent.id`) `parent.syncProperties.gatewayEndpoint` =
 *   `{registry}.{region}.data.azurecr.io`.
 * - `systemData` is rewritten whole on every write (`createdAt` = `lastModifiedAt` = the write's
 *   time after a PATCH), as ACR does for scope maps.
 * - `deactivate` (POST) is not in the recordings: it follows the spec (202 + Location, final state
 *   via location) and sets `activation.status` to `Inactive`. UNCERTAIN.
 *
 * The emulator checks what the recordings and the spec make a client rely on: the name rule, the
 * required `mode`, `parent.syncProperties.tokenId` and `messageTtl`, that the sync token, the client
 * tokens and the parent connected registry exist in the same registry. Not checked (UNCERTAIN,
 * never recorded): Premium SKU, the registry's data endpoint, mode compatibility between parent and
 * child, deleting a connected registry that still has children, cron/ISO 8601 syntax; a PUT over an
 * existing connected registry replaces it whole (mode included; whether the service refuses a mode
 * change is UNCERTAIN). `garbageCollection`, `version`, `lastActivityTime` and `statusDetails`
 * (newer api-versions, never recorded) are not served.
 */

/**
 * 5–50 letters and digits: the REST spec's `ConnectedRegistryNameParameter` (azure-rest-api-specs,
 * containerregistry 2025-03-01-preview: minLength 5, maxLength 50, pattern `^[a-zA-Z0-9]*$`), the rule
 * components/validation uses too. The az CLI's help text differs ("5 to 40 characters, start with a
 * letter, alphanumerics including '_' or '-'"); every recorded name (connectedRegistry, rootregistry,
 * child, grandchild) fits both, and the service's own refusal was not recorded.
 */
const CONNECTED_REGISTRY_NAME = /^[a-zA-Z0-9]{5,50}$/;
const MODES: readonly ConnectedRegistryMode[] = ["ReadWrite", "ReadOnly", "Registry", "Mirror"];
/** The spec's LogLevel and AuditLogStatus enums; UNCERTAIN defaults (the spec's; az always sends both). */
const LOG_LEVELS = ["Debug", "Information", "Warning", "Error", "None"] as const;
const AUDIT_LOG_STATUSES = ["Enabled", "Disabled"] as const;

/** The wire form, fields in the recorded order. */
function connectedRegistryBody(c: ConnectedRegistryRecord, reg: RegistryRecord, apiVersion: string): Record<string, unknown> {
  const sync: Record<string, unknown> = { tokenId: c.syncTokenId };
  if (c.schedule !== undefined) sync.schedule = c.schedule;
  if (c.syncWindow !== undefined) sync.syncWindow = c.syncWindow;
  sync.messageTtl = c.messageTtl;
  // Recorded only on connected registries that sync with the cloud registry itself.
  if (c.parentId === undefined) sync.gatewayEndpoint = `${reg.name.toLowerCase()}.${reg.location}.data.azurecr.io`;
  const parent: Record<string, unknown> = {};
  if (c.parentId !== undefined) parent.id = c.parentId;
  parent.syncProperties = sync;
  const properties: Record<string, unknown> = {
    provisioningState: c.provisioningState,
    mode: c.mode,
    connectionState: "Offline",
    activation: { status: c.activation },
    parent,
  };
  if (c.clientTokenIds !== undefined) properties.clientTokenIds = c.clientTokenIds;
  properties.loginServer = { tls: { certificate: {} } };
  properties.logging = { logLevel: c.logLevel, auditLogStatus: c.auditLogStatus };
  if (c.notificationsList !== undefined) properties.notificationsList = c.notificationsList;
  const body: Record<string, unknown> = { type: "Microsoft.ContainerRegistry/registries/connectedRegistries", id: idOf.connectedRegistry(c), name: c.name };
  if (atLeast(apiVersion, FIELDS_SINCE.systemData)) body.systemData = c.systemData;
  body.properties = properties;
  return body;
}

/** An object-valued field (absent → undefined), or a 400. */
function optionalObject(o: Record<string, unknown>, key: string, target: string): Record<string, unknown> | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "object" || Array.isArray(v)) throw invalidBody(`'${target}' must be a JSON object.`, target);
  return v as Record<string, unknown>;
}

function requiredString(o: Record<string, unknown>, key: string, target: string, hint: string): string {
  const v = optionalString(o, key, target);
  if (v === undefined || v === "") throw invalidBody(`'${target}' is required: ${hint}`, target);
  return v;
}

/** An enum value matched case-insensitively (the service accepted `"readonly"`) in canonical casing, or a 400. */
function enumValue<T extends string>(value: string | undefined, allowed: readonly T[], target: string): T | undefined {
  if (value === undefined) return undefined;
  const hit = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
  if (!hit) throw invalidBody(`'${target}' must be one of ${allowed.map((a) => `"${a}"`).join(", ")}, got "${value}".`, target);
  return hit;
}

function optionalStringList(o: Record<string, unknown>, key: string, target: string): string[] | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) throw invalidBody(`'${target}' must be an array of strings.`, target);
  return v as string[];
}

/** A token id of this registry that exists, in the registry's casing; 400 for a malformed id or another registry, 404 when missing. */
function existingTokenId(reg: RegistryRecord, ctx: RouteContext, id: string, target: string): string {
  const name = childNameOf(reg, id, "tokens", "token", target);
  // UNCERTAIN: not recorded; answered as a GET of the missing token would be (as tokens do for scopeMapId).
  const token = ctx.env.store.tokens.get(tokenId(idOf.registry(reg), name));
  if (!token) throw resourceNotFound(name);
  return idOf.token(token);
}

function checkName(name: string): void {
  if (!CONNECTED_REGISTRY_NAME.test(name)) throw invalidResourceName("connected registry", name, "use 5-50 letters and digits");
}

function current(ctx: RouteContext, reg: RegistryRecord): { id: string; cr: ConnectedRegistryRecord | undefined } {
  const id = connectedRegistryId(idOf.registry(reg), ctx.params.connectedRegistryName);
  ctx.env.operations.settle(id);
  return { id, cr: ctx.env.store.connectedRegistries.get(id) };
}

/** The parent connected registry's id (in its stored casing), checked to exist in this registry. */
function parentIdOf(ctx: RouteContext, reg: RegistryRecord, id: string, self: string): string {
  const name = childNameOf(reg, id, "connectedRegistries", "connected registry", "properties.parent.id");
  if (sameId(id, self)) throw invalidBody("'properties.parent.id' names the connected registry itself; name its parent, or omit 'id' to sync with the cloud registry.", "properties.parent.id");
  const parent = ctx.env.store.connectedRegistries.get(connectedRegistryId(idOf.registry(reg), name));
  if (!parent) throw resourceNotFound(name);
  return idOf.connectedRegistry(parent);
}

/**
 * `logging`, `clientTokenIds` and `notificationsList`, which PUT and PATCH read alike: sets what the
 * body gives onto `record` and keeps what it leaves out (PUT's record holds the defaults).
 */
function applyCommon(ctx: RouteContext, reg: RegistryRecord, props: Record<string, unknown>, record: ConnectedRegistryRecord): void {
  const logging = optionalObject(props, "logging", "properties.logging") ?? {};
  record.logLevel = enumValue(optionalString(logging, "logLevel", "properties.logging.logLevel"), LOG_LEVELS, "properties.logging.logLevel") ?? record.logLevel;
  record.auditLogStatus =
    enumValue(optionalString(logging, "auditLogStatus", "properties.logging.auditLogStatus"), AUDIT_LOG_STATUSES, "properties.logging.auditLogStatus") ?? record.auditLogStatus;
  const clientTokenIds = optionalStringList(props, "clientTokenIds", "properties.clientTokenIds");
  if (clientTokenIds !== undefined) record.clientTokenIds = clientTokenIds.map((t, i) => existingTokenId(reg, ctx, t, `properties.clientTokenIds[${i}]`));
  const notifications = optionalStringList(props, "notificationsList", "properties.notificationsList");
  if (notifications !== undefined) record.notificationsList = notifications;
}

function put(ctx: RouteContext): RouteResult {
  const reg = requireRegistry(ctx, true);
  const name = ctx.params.connectedRegistryName;
  checkName(name);
  const { id, cr } = current(ctx, reg);
  const props = propertiesOf(bodyObject(ctx), true);
  const mode = enumValue(optionalString(props, "mode", "properties.mode"), MODES, "properties.mode");
  if (mode === undefined) throw invalidBody(`'properties.mode' is required: one of ${MODES.map((m) => `"${m}"`).join(", ")}.`, "properties.mode");
  const parent = optionalObject(props, "parent", "properties.parent");
  if (!parent) throw invalidBody("'properties.parent' is required: give 'syncProperties' (and 'id' for a connected registry under another one).", "properties.parent");
  const sync = optionalObject(parent, "syncProperties", "properties.parent.syncProperties");
  if (!sync) throw invalidBody("'properties.parent.syncProperties' is required: give at least 'tokenId' and 'messageTtl'.", "properties.parent.syncProperties");
  const parentId = optionalString(parent, "id", "properties.parent.id");
  const record: ConnectedRegistryRecord = {
    registryId: idOf.registry(reg),
    name: cr?.name ?? name,
    mode,
    activation: cr?.activation ?? "Inactive",
    syncTokenId: existingTokenId(
      reg,
      ctx,
      requiredString(sync, "tokenId", "properties.parent.syncProperties.tokenId", "the ARM id of the sync token (a token of this registry with gateway actions)."),
      "properties.parent.syncProperties.tokenId",
    ),
    messageTtl: requiredString(sync, "messageTtl", "properties.parent.syncProperties.messageTtl", "an ISO 8601 duration such as \"P2D\"."),
    logLevel: "Information",
    auditLogStatus: "Disabled",
    provisioningState: "Succeeded",
    systemData: newSystemData(ctx),
  };
  if (parentId !== undefined) record.parentId = parentIdOf(ctx, reg, parentId, id);
  const schedule = optionalString(sync, "schedule", "properties.parent.syncProperties.schedule");
  if (schedule !== undefined) record.schedule = schedule;
  const syncWindow = optionalString(sync, "syncWindow", "properties.parent.syncProperties.syncWindow");
  if (syncWindow !== undefined) record.syncWindow = syncWindow;
  applyCommon(ctx, reg, props, record);
  ctx.env.store.connectedRegistries.put(id, record);
  return { status: 200, body: connectedRegistryBody(record, reg, ctx.apiVersion) };
}

/**
 * PATCH: `syncProperties` (schedule, syncWindow, messageTtl), `logging`, `clientTokenIds`,
 * `notificationsList`; fields left out are kept, except that a new `schedule` without a
 * `syncWindow` drops the old window: the recorded PATCH `{syncProperties: {schedule: "* * * * *"}}`
 * on a map with `syncWindow: "PT4H"` answered without `syncWindow` (both recordings) while keeping
 * `messageTtl`. UNCERTAIN whether the service clears the window for another reason.
 */
function patch(ctx: RouteContext): RouteResult {
  const reg = requireRegistry(ctx, true);
  const { id, cr } = current(ctx, reg);
  if (!cr) throw resourceNotFound(ctx.params.connectedRegistryName);
  const props = propertiesOf(bodyObject(ctx), false);
  const updated: ConnectedRegistryRecord = { ...cr, systemData: newSystemData(ctx) };
  const sync = optionalObject(props, "syncProperties", "properties.syncProperties");
  if (sync) {
    const schedule = optionalString(sync, "schedule", "properties.syncProperties.schedule");
    const syncWindow = optionalString(sync, "syncWindow", "properties.syncProperties.syncWindow");
    const messageTtl = optionalString(sync, "messageTtl", "properties.syncProperties.messageTtl");
    if (schedule !== undefined) {
      updated.schedule = schedule;
      delete updated.syncWindow;
    }
    if (syncWindow !== undefined) updated.syncWindow = syncWindow;
    if (messageTtl !== undefined) updated.messageTtl = messageTtl;
  }
  applyCommon(ctx, reg, props, updated);
  ctx.env.store.connectedRegistries.put(id, updated);
  return { status: 200, body: connectedRegistryBody(updated, reg, ctx.apiVersion) };
}

function get(ctx: RouteContext): RouteResult {
  const reg = requireRegistry(ctx, true);
  const { cr } = current(ctx, reg);
  if (!cr) throw resourceNotFound(ctx.params.connectedRegistryName);
  return { status: 200, body: connectedRegistryBody(cr, reg, ctx.apiVersion) };
}

function list(ctx: RouteContext): RouteResult {
  const reg = requireRegistry(ctx, true);
  return { status: 200, body: pageOf(ctx, ctx.env.store.connectedRegistries, idOf.registry(reg), (c) => connectedRegistryBody(c, reg, ctx.apiVersion)) };
}

/** DELETE: 200 with an empty body, synchronously (recorded); 204 when absent (UNCERTAIN, as for tokens). */
function remove(ctx: RouteContext): RouteResult {
  const reg = requireRegistry(ctx, true);
  const { id, cr } = current(ctx, reg);
  if (!cr) return { status: 204 };
  ctx.env.store.connectedRegistries.delete(id);
  return { status: 200 };
}

/** POST deactivate: 202 + Location (spec; never recorded, UNCERTAIN); the outcome sets `activation` to Inactive. */
function deactivate(ctx: RouteContext): RouteResult {
  const reg = requireRegistry(ctx, true);
  const { id, cr } = current(ctx, reg);
  if (!cr) throw resourceNotFound(ctx.params.connectedRegistryName);
  const op = ctx.env.operations.start({
    prefix: "connectedRegistries",
    resourceId: id,
    inProgress: "Updating",
    polls: ctx.env.inProgressPolls,
    failed: ctx.lroFailed,
    finish: (outcome) => {
      const c = ctx.env.store.connectedRegistries.get(id);
      if (c && outcome === "Succeeded") ctx.env.store.connectedRegistries.put(id, { ...c, activation: "Inactive" });
    },
  });
  return { status: 202, body: null, headers: locationHeaders(ctx, reg.subscriptionId, reg.location, op.id) };
}

const C = "Microsoft.ContainerRegistry/registries/connectedRegistries";
const ONE = `${REGISTRY_ROUTE}/connectedRegistries/{connectedRegistryName}`;

export const connectedRegistryRoutes: Route[] = [
  { method: "PUT", pattern: ONE, family: "connectedRegistries", operation: "connectedRegistries.create", action: `${C}/write`, takesBody: true, handler: put },
  { method: "PATCH", pattern: ONE, family: "connectedRegistries", operation: "connectedRegistries.update", action: `${C}/write`, takesBody: true, handler: patch },
  { method: "GET", pattern: ONE, family: "connectedRegistries", operation: "connectedRegistries.get", action: `${C}/read`, handler: get },
  { method: "DELETE", pattern: ONE, family: "connectedRegistries", operation: "connectedRegistries.delete", action: `${C}/delete`, handler: remove },
  { method: "GET", pattern: `${REGISTRY_ROUTE}/connectedRegistries`, family: "connectedRegistries", operation: "connectedRegistries.list", action: `${C}/read`, handler: list },
  { method: "POST", pattern: `${ONE}/deactivate`, family: "connectedRegistries", operation: "connectedRegistries.deactivate", action: `${C}/deactivate/action`, handler: deactivate },
];
