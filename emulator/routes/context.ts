import type { Clock } from "../clock";
import type { Principal } from "../auth/types";
import type { ApiFamilyName } from "../apiVersions";
import type { OperationTracker } from "../operations";
import type { Collection, EmulatorStore, RegistryRecord, SystemData } from "../store/types";
import type { PasswordDigests } from "../passwords";
import { ArmError, invalidBody } from "../errors";
import { formatTicks, ticksFromClock } from "../timestamps";

/** Settings the routes read. */
export interface RouteEnv {
  store: EmulatorStore;
  clock: Clock;
  operations: OperationTracker;
  /** In-progress polls before an LRO reports its outcome. */
  inProgressPolls: number;
  /** Seconds for `Retry-After` on LRO responses; none when undefined (as recorded). */
  retryAfterSeconds?: number;
  /** generateCredentials: "sync" answers 200 (as recorded), "accepted" 202 + Location polled to the result (the spec's other answer). */
  generateCredentials?: "sync" | "accepted";
  /** Items per list page before a `nextLink`. */
  pageSize: number;
  /** The emulator's default tenant. */
  tenantId: string;
  /** Digests of generated passwords, for {@link Emulator.checkPassword} (in memory only). */
  passwords?: PasswordDigests;
  /** The registry data plane, when enabled: registries' `loginServer` is its listener (emulator/dataplane). */
  dataPlane?: { loginServerOf(r: RegistryRecord): string };
}

/** One ARM request, parsed. */
export interface RouteContext {
  method: string;
  path: string;
  /** Path parameters, decoded, in the caller's casing. */
  params: Record<string, string>;
  apiVersion: string;
  query: URLSearchParams;
  /** Parsed JSON body; undefined when none was sent. */
  body: unknown;
  /** `https://127.0.0.1:PORT`: absolute URLs (nextLink, LRO headers) use it. */
  origin: string;
  /** The authenticated caller (absent only on anonymous routes). */
  principal?: Principal;
  /** True when an injected `lroFailed` fault applies to this request. */
  lroFailed: boolean;
  /** Whether the caller may perform `action` on `scope` (always true unless role assignments are enforced). */
  mayAccess: (scope: string, action: string) => boolean;
  env: RouteEnv;
}

/** What a handler answers. */
export interface RouteResult {
  status: number;
  /** JSON body; `null` sends the literal `null` (ACR's 202 DELETE); undefined sends nothing. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** A route: method, path pattern (literals match case-insensitively, `{x}` is one segment), handler. */
export interface Route {
  method: "GET" | "PUT" | "PATCH" | "POST" | "DELETE" | "HEAD";
  pattern: string;
  family: ApiFamilyName;
  /** Name in the request log, e.g. `tokens.get`. */
  operation: string;
  /** ARM action checked against role assignments, e.g. `Microsoft.ContainerRegistry/registries/tokens/write`. */
  action: string;
  /** True for routes ARM serves without a bearer token. */
  anonymous?: boolean;
  /**
   * How role assignments apply (only when enforced): "enforce" (default) answers 403 without a
   * covering assignment; "filter" lists only what the caller may read (ARM's generic resource
   * list does this); "skip" for subscription lists and the subscription-level `operationResults`
   * URL. A resource's `operationStatuses` URL is checked like a read of that resource, as ARM does:
   * a principal without a role there (or with one on another group) gets 403, not the status.
   */
  roleCheck?: "enforce" | "filter" | "skip";
  /** True when the route takes a JSON body (PUT/PATCH/POST). */
  takesBody?: boolean;
  handler: (ctx: RouteContext) => RouteResult;
}

/**
 * `systemData` for a write by the caller now. With `previous`, the creation half is kept (registries,
 * resource groups); without it both halves are now. ACR writes tokens and scope maps that way on
 * every PUT/PATCH: the recorded scope-map PATCH answers and later GETs show `createdAt` equal to
 * `lastModifiedAt` (the write's time) while `properties.creationDate` keeps the original creation.
 * Tokens follow by analogy (no token PATCH was recorded: UNCERTAIN).
 */
export function newSystemData(ctx: RouteContext, previous?: SystemData): SystemData {
  const at = formatTicks(ticksFromClock(ctx.env.clock.now()));
  const by = ctx.principal?.clientId ?? ctx.principal?.objectId ?? "anonymous";
  const type = ctx.principal?.kind === "user" ? "User" : ctx.principal?.kind === "managedIdentity" ? "ManagedIdentity" : "Application";
  return {
    createdBy: previous?.createdBy ?? by,
    createdByType: previous?.createdByType ?? type,
    createdAt: previous?.createdAt ?? at,
    lastModifiedBy: by,
    lastModifiedByType: type,
    lastModifiedAt: at,
  };
}

/** The `$skipToken` of a list request as a non-negative integer (0 without one), or a 400. */
function skipToken(ctx: RouteContext): number {
  const raw = ctx.query.get("$skipToken") ?? ctx.query.get("$skiptoken");
  if (raw === null) return 0;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n)) {
    throw new ArmError(400, "InvalidSkipToken", `The $skipToken '${raw}' is invalid. Follow the nextLink of the previous page unchanged.`);
  }
  return n;
}

/** An absolute `nextLink` on the emulator's origin for this request with `$skipToken` set. */
function nextLink(ctx: RouteContext, token: number): string {
  const q = new URLSearchParams();
  q.set("api-version", ctx.apiVersion);
  const filter = ctx.query.get("$filter");
  if (filter !== null) q.set("$filter", filter);
  q.set("$skipToken", String(token));
  return `${ctx.origin}${ctx.path}?${q.toString().replace(/\+/g, "%20")}`;
}

/** One page of a list held in memory (`$skipToken` is an offset), with an absolute `nextLink`. */
export function page<T>(ctx: RouteContext, items: T[]): { value: T[]; nextLink?: string } {
  const offset = skipToken(ctx);
  const size = ctx.env.pageSize;
  const value = items.slice(offset, offset + size);
  if (offset + size >= items.length) return { value };
  return { value, nextLink: nextLink(ctx, offset + size) };
}

/**
 * One page of the records directly below `parentId` (a registry's tokens, scope maps, connected
 * registries), read from the store's index: `$skipToken` is the store's cursor, so a page costs its
 * own size whatever the collection's (see {@link Collection.page}).
 */
export function pageOf<T, R>(ctx: RouteContext, collection: Collection<T>, parentId: string, toBody: (record: T) => R): { value: R[]; nextLink?: string } {
  const { items, next } = collection.page(parentId, skipToken(ctx), ctx.env.pageSize);
  const value = items.map(toBody);
  return next === undefined ? { value } : { value, nextLink: nextLink(ctx, next) };
}

/** The body as an object, or a 400 naming what is wrong. */
export function bodyObject(ctx: RouteContext): Record<string, unknown> {
  const b = ctx.body;
  if (b === undefined) throw invalidBody("The request body is required. Send a JSON object.");
  if (typeof b !== "object" || b === null || Array.isArray(b)) {
    throw invalidBody(`The request body must be a JSON object, got ${Array.isArray(b) ? "an array" : b === null ? "null" : typeof b}.`);
  }
  return b as Record<string, unknown>;
}

/** `body.properties` as an object (missing → empty), or a 400. */
export function propertiesOf(body: Record<string, unknown>, required: boolean): Record<string, unknown> {
  const p = body.properties;
  if (p === undefined || p === null) {
    if (required) throw invalidBody("The request body must have a 'properties' object.", "properties");
    return {};
  }
  if (typeof p !== "object" || Array.isArray(p)) throw invalidBody("'properties' must be a JSON object.", "properties");
  return p as Record<string, unknown>;
}

/** Optional string field, or a 400. */
export function optionalString(o: Record<string, unknown>, key: string, target: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw invalidBody(`'${target}' must be a string, got ${typeof v}.`, target);
  return v;
}

/** Optional string map (tags), or a 400. */
export function optionalTags(o: Record<string, unknown>): Record<string, string> | undefined {
  const v = o.tags;
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "object" || Array.isArray(v)) throw invalidBody("'tags' must be an object of strings.", "tags");
  for (const [k, x] of Object.entries(v)) if (typeof x !== "string") throw invalidBody(`'tags.${k}' must be a string.`, `tags.${k}`);
  return v as Record<string, string>;
}

/** Headers of an ACR LRO answer: `Azure-AsyncOperation` (+ `Retry-After` when configured). */
export function asyncOperationHeaders(ctx: RouteContext, resourceId: string, opId: string): Record<string, string> {
  const h: Record<string, string> = {
    "Azure-AsyncOperation": `${ctx.origin}${resourceId}/operationStatuses/${opId}?api-version=${ctx.apiVersion}`,
  };
  if (ctx.env.retryAfterSeconds !== undefined) h["Retry-After"] = String(ctx.env.retryAfterSeconds);
  return h;
}

/** Headers of an ACR DELETE answer: `Location` on the subscription+region operationResults URL. */
export function locationHeaders(ctx: RouteContext, subscription: string, location: string, opId: string): Record<string, string> {
  const h: Record<string, string> = {
    Location: `${ctx.origin}/subscriptions/${subscription}/providers/Microsoft.ContainerRegistry/locations/${location.toUpperCase()}/operationResults/${opId}?api-version=${ctx.apiVersion}`,
  };
  if (ctx.env.retryAfterSeconds !== undefined) h["Retry-After"] = String(ctx.env.retryAfterSeconds);
  return h;
}

/**
 * The DELETE of a token or scope map: the record goes at once (unless an injected `lroFailed` fault
 * keeps it), answered 202 + Location to an operation that reports the outcome on its first poll.
 */
export function acceptedDelete(ctx: RouteContext, reg: RegistryRecord, id: string, remove: () => void): RouteResult {
  if (!ctx.lroFailed) remove();
  const op = ctx.env.operations.start({ prefix: "token", resourceId: id, inProgress: "Deleting", polls: 0, failed: ctx.lroFailed, finish: () => undefined });
  return { status: 202, body: null, headers: locationHeaders(ctx, reg.subscriptionId, reg.location, op.id) };
}
