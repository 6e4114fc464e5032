import { atLeast, FIELDS_SINCE } from "../apiVersions";
import { invalidBody, invalidResourceName, passwordValueNotAllowed, resourceNotFound } from "../errors";
import { idOf, scopeMapId, tokenId } from "../ids";
import type { PasswordName, PasswordRecord, RegistryRecord, TokenRecord } from "../store/types";
import { formatTicks, ticksFromClock } from "../timestamps";
import {
  acceptedDelete,
  asyncOperationHeaders,
  bodyObject,
  newSystemData,
  optionalString,
  pageOf,
  propertiesOf,
  type Route,
  type RouteContext,
  type RouteResult,
} from "./context";
import { childNameOf, REGISTRY_ROUTE, requireRegistry } from "./lookup";
import { checkSku } from "./scopeMaps";

/**
 * Tokens (../shared/acr/README.md §3.3):
 * - PUT answers 201 + Azure-AsyncOperation (`Creating` → `Succeeded`) for a new token, and
 *   replaces an existing one (200 + Azure-AsyncOperation, `Updating`): its passwords are dropped
 *   unless the body lists them by name (Azure/acr#667 and #596).
 * - PATCH answers 201 + Azure-AsyncOperation (`Updating`); without `credentials` it keeps the
 *   passwords; `credentials.passwords` lists the names to keep (`[]` removes all).
 * - No request can set a password value; GET never returns values; `passwords: []` when none.
 * - DELETE answers 202 + Location to the subscription+region operationResults URL.
 */

const TOKEN_NAME = /^[a-zA-Z0-9-]{5,50}$/;
const PASSWORD_NAMES: readonly PasswordName[] = ["password1", "password2"];

/** The wire form, fields in the recorded order; 2019-05-01-preview also carried `certificates: []`. */
function tokenBody(t: TokenRecord, apiVersion: string): Record<string, unknown> {
  const credentials: Record<string, unknown> = {};
  if (apiVersion === "2019-05-01-preview") credentials.certificates = [];
  credentials.passwords = t.passwords.map(passwordBody);
  const properties: Record<string, unknown> = { creationDate: t.creationDate, provisioningState: t.provisioningState };
  if (t.scopeMapId !== undefined) properties.scopeMapId = t.scopeMapId;
  properties.credentials = credentials;
  properties.status = t.status;
  const body: Record<string, unknown> = { type: "Microsoft.ContainerRegistry/registries/tokens", id: idOf.token(t), name: t.name };
  if (atLeast(apiVersion, FIELDS_SINCE.systemData)) body.systemData = t.systemData;
  body.properties = properties;
  return body;
}

/** A password as GET shows it: creationTime, expiry (when set), name; never a value. */
export function passwordBody(p: PasswordRecord): Record<string, unknown> {
  const out: Record<string, unknown> = { creationTime: p.creationTime };
  if (p.expiry !== undefined) out.expiry = p.expiry;
  out.name = p.name;
  return out;
}

function parseStatus(p: Record<string, unknown>): TokenRecord["status"] | undefined {
  const s = optionalString(p, "status", "properties.status");
  if (s === undefined) return undefined;
  const lower = s.toLowerCase();
  if (lower !== "enabled" && lower !== "disabled") throw invalidBody(`'properties.status' must be "enabled" or "disabled", got "${s}".`, "properties.status");
  return lower;
}

/** The scope map id, checked to exist in this registry. */
function parseScopeMapId(ctx: RouteContext, reg: RegistryRecord, p: Record<string, unknown>, required: boolean): string | undefined {
  const id = optionalString(p, "scopeMapId", "properties.scopeMapId");
  if (id === undefined) {
    // UNCERTAIN: the schema makes scopeMapId optional; every client (az, terraform, azure-native
    // programs) sends it, and a token without a scope map grants nothing, so the emulator requires it.
    if (required) throw invalidBody("'properties.scopeMapId' is required: pass the ARM id of a scope map in the same registry.", "properties.scopeMapId");
    return undefined;
  }
  const name = childNameOf(reg, id, "scopeMaps", "scope map", "properties.scopeMapId");
  // UNCERTAIN: not recorded. A scope map in another registry is a 400 (the id is wrong); a missing
  // one in this registry answers ACR's own ResourceNotFound, as a GET of that map would.
  const map = ctx.env.store.scopeMaps.get(scopeMapId(idOf.registry(reg), name));
  if (!map) throw resourceNotFound(name);
  return idOf.scopeMap(map);
}

/**
 * The password names a body keeps (`credentials.passwords[].name`), or undefined without
 * `credentials.passwords`. Any `value` is refused: passwords can only be generated.
 */
function parseKeptPasswords(p: Record<string, unknown>): PasswordName[] | undefined {
  const c = p.credentials;
  if (c === undefined || c === null) return undefined;
  if (typeof c !== "object" || Array.isArray(c)) throw invalidBody("'properties.credentials' must be an object.", "properties.credentials");
  const list = (c as Record<string, unknown>).passwords;
  if (list === undefined || list === null) return undefined;
  if (!Array.isArray(list)) throw invalidBody("'properties.credentials.passwords' must be an array.", "properties.credentials.passwords");
  const names: PasswordName[] = [];
  for (const [i, e] of list.entries()) {
    if (typeof e !== "object" || e === null || Array.isArray(e)) throw invalidBody(`'properties.credentials.passwords[${i}]' must be an object.`, "properties.credentials.passwords");
    const entry = e as Record<string, unknown>;
    if (entry.value !== undefined && entry.value !== null) throw passwordValueNotAllowed();
    const name = entry.name;
    if (typeof name !== "string" || !PASSWORD_NAMES.includes(name as PasswordName)) {
      throw invalidBody(`'properties.credentials.passwords[${i}].name' must be "password1" or "password2".`, "properties.credentials.passwords");
    }
    names.push(name as PasswordName);
  }
  return names;
}

function current(ctx: RouteContext, reg: RegistryRecord): { id: string; token: TokenRecord | undefined } {
  const id = tokenId(idOf.registry(reg), ctx.params.tokenName);
  ctx.env.operations.settle(id);
  return { id, token: ctx.env.store.tokens.get(id) };
}

function startLro(ctx: RouteContext, id: string, inProgress: "Creating" | "Updating"): string {
  const op = ctx.env.operations.start({
    prefix: "token",
    resourceId: id,
    inProgress,
    polls: ctx.env.inProgressPolls,
    failed: ctx.lroFailed,
    finish: (outcome) => {
      const t = ctx.env.store.tokens.get(id);
      if (t) ctx.env.store.tokens.put(id, { ...t, provisioningState: outcome });
    },
  });
  return op.id;
}

function put(ctx: RouteContext): RouteResult {
  const reg = requireRegistry(ctx, true);
  checkSku(ctx, reg);
  const name = ctx.params.tokenName;
  if (!TOKEN_NAME.test(name)) throw invalidResourceName("token", name, "use 5-50 letters, digits and hyphens");
  const props = propertiesOf(bodyObject(ctx), true);
  const keep = parseKeptPasswords(props);
  const scopeMapId = parseScopeMapId(ctx, reg, props, true);
  const status = parseStatus(props) ?? "enabled"; // UNCERTAIN default: clients always send it.
  const { id, token } = current(ctx, reg);
  const record: TokenRecord = {
    registryId: idOf.registry(reg),
    name: token?.name ?? name,
    scopeMapId,
    status,
    creationDate: token?.creationDate ?? formatTicks(ticksFromClock(ctx.env.clock.now())),
    provisioningState: token ? "Updating" : "Creating",
    // A PUT replaces the token: passwords survive only when the body names them.
    passwords: token && keep ? token.passwords.filter((p) => keep.includes(p.name)) : [],
    systemData: newSystemData(ctx),
  };
  ctx.env.store.tokens.put(id, record);
  const opId = startLro(ctx, id, record.provisioningState === "Creating" ? "Creating" : "Updating");
  return { status: token ? 200 : 201, body: tokenBody(record, ctx.apiVersion), headers: asyncOperationHeaders(ctx, id, opId) };
}

function patch(ctx: RouteContext): RouteResult {
  const reg = requireRegistry(ctx, true);
  checkSku(ctx, reg);
  const { id, token } = current(ctx, reg);
  if (!token) throw resourceNotFound(ctx.params.tokenName);
  const props = propertiesOf(bodyObject(ctx), false);
  const keep = parseKeptPasswords(props);
  const scopeMapId = parseScopeMapId(ctx, reg, props, false);
  const status = parseStatus(props);
  const updated: TokenRecord = {
    ...token,
    scopeMapId: scopeMapId ?? token.scopeMapId,
    status: status ?? token.status,
    provisioningState: "Updating",
    passwords: keep ? token.passwords.filter((p) => keep.includes(p.name)) : token.passwords,
    systemData: newSystemData(ctx),
  };
  ctx.env.store.tokens.put(id, updated);
  const opId = startLro(ctx, id, "Updating");
  return { status: 201, body: tokenBody(updated, ctx.apiVersion), headers: asyncOperationHeaders(ctx, id, opId) };
}

function get(ctx: RouteContext): RouteResult {
  const reg = requireRegistry(ctx, true);
  const { token } = current(ctx, reg);
  if (!token) throw resourceNotFound(ctx.params.tokenName);
  return { status: 200, body: tokenBody(token, ctx.apiVersion) };
}

function list(ctx: RouteContext): RouteResult {
  const reg = requireRegistry(ctx, true);
  return { status: 200, body: pageOf(ctx, ctx.env.store.tokens, idOf.registry(reg), (t) => tokenBody(t, ctx.apiVersion)) };
}

function remove(ctx: RouteContext): RouteResult {
  const reg = requireRegistry(ctx, true);
  checkSku(ctx, reg);
  const { id, token } = current(ctx, reg);
  if (!token) return { status: 204 };
  return acceptedDelete(ctx, reg, id, () => ctx.env.store.tokens.delete(id));
}

const T = "Microsoft.ContainerRegistry/registries/tokens";

export const tokenRoutes: Route[] = [
  { method: "PUT", pattern: `${REGISTRY_ROUTE}/tokens/{tokenName}`, family: "tokens", operation: "tokens.create", action: `${T}/write`, takesBody: true, handler: put },
  { method: "PATCH", pattern: `${REGISTRY_ROUTE}/tokens/{tokenName}`, family: "tokens", operation: "tokens.update", action: `${T}/write`, takesBody: true, handler: patch },
  { method: "GET", pattern: `${REGISTRY_ROUTE}/tokens/{tokenName}`, family: "tokens", operation: "tokens.get", action: `${T}/read`, handler: get },
  { method: "DELETE", pattern: `${REGISTRY_ROUTE}/tokens/{tokenName}`, family: "tokens", operation: "tokens.delete", action: `${T}/delete`, handler: remove },
  { method: "GET", pattern: `${REGISTRY_ROUTE}/tokens`, family: "tokens", operation: "tokens.list", action: `${T}/read`, handler: list },
];
