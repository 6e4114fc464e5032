import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { API_FAMILIES, isSupported } from "./apiVersions";
import type { IdentityService } from "./auth/types";
import type { Clock } from "./clock";
import {
  ArmError,
  injectedStatus,
  internalError,
  invalidRequestContent,
  invalidRequestUri,
  jsonSyntaxReason,
  methodNotAllowed,
  missingApiVersion,
  noRoute,
  requestTooLarge,
  unsupportedApiVersion,
  unsupportedMediaType,
} from "./errors";
import { type Fault, faultLabel, type FaultInjector } from "./faults";
import type { RequestKind, RequestLogEntry } from "./log";
import { matchRoute, type RouteContext, type RouteEnv, type RouteResult } from "./routes";

/**
 * The request pipeline, one stage per comment (Azurite's BlobRequestListenerFactory layout):
 *
 *   1. request id      x-ms-request-id / x-ms-correlation-request-id (and Date, by the emulator clock) on every response
 *   2. access log      one RequestLogEntry per request, written when the response ends
 *   3. fault injection the next matching FaultRule answers instead of the emulator
 *   4. parse / limits  path checks (`..`, encoded slashes), body size limit
 *   5. identity routes Entra ID, ADFS and managed-identity endpoints (emulator/auth)
 *   6. ARM routing     method + path → route (404/405 otherwise)
 *   7. ARM auth        bearer token validation and role assignments, answered as ARM does
 *   8. api-version     missing → MissingApiVersionParameter, unknown → ARM's refusal
 *   9. body            content type and JSON
 *  10. dispatch        the route's handler, then the store is flushed (persistence)
 *  11. error mapping   ArmError → ARM JSON; anything else → 500 without internals
 */

/** What the pipeline needs from the emulator. */
export interface PipelineDeps {
  env: RouteEnv;
  identity: IdentityService;
  faults: FaultInjector;
  clock: Clock;
  /** Origin clients use (`https://127.0.0.1:PORT`); known once the server listens. */
  origin: () => string;
  /** Receives every log entry. */
  log: (e: RequestLogEntry) => void;
  /** Largest accepted request body. */
  maxBodyBytes: number;
}

/** Path prefixes of ARM routes; everything else goes to the identity service first. */
const ARM_PREFIXES = ["/subscriptions", "/providers", "/metadata/endpoints"];

/** Builds the `request` listener. */
export function createRequestListener(deps: PipelineDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void handle(deps, req, res);
  };
}

async function handle(deps: PipelineDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  // 1. request id
  const requestId = randomUUID();
  const correlation = single(req.headers["x-ms-correlation-request-id"]) ?? requestId;
  res.setHeader("x-ms-request-id", requestId);
  res.setHeader("x-ms-correlation-request-id", /^[\w-]{1,64}$/.test(correlation) ? correlation : requestId);
  // The Date header tells the emulator's time, as ARM's tells the service's (Node would send wall-clock time).
  res.setHeader("Date", deps.clock.now().toUTCString());

  // 2. access log (never a header value, query string or body)
  const started = process.hrtime.bigint();
  const method = (req.method ?? "GET").toUpperCase();
  const rawUrl = req.url ?? "/";
  const rawPath = rawUrl.split("?")[0];
  const entry: RequestLogEntry = {
    time: deps.clock.now().toISOString(),
    method,
    path: rawPath,
    status: 0,
    kind: kindOf(rawPath),
    durationMs: 0,
    requestId,
  };
  const auth = single(req.headers.authorization);
  if (auth) entry.authScheme = authSchemeOf(auth);
  // The entry is written when the response is ended (before the client can see it, so tests that
  // await a response find its entry), or with status 0 when the connection closes unanswered.
  let logged = false;
  const finish = (status: number): void => {
    if (logged) return;
    logged = true;
    entry.status = status;
    entry.durationMs = Number(process.hrtime.bigint() - started) / 1e6;
    deps.log(entry);
  };
  const end = res.end.bind(res) as (...a: unknown[]) => ServerResponse;
  res.end = ((...args: unknown[]) => {
    finish(res.statusCode);
    return end(...args);
  }) as ServerResponse["end"];
  // While the request is still being handled (a latency fault), a closed connection does not end the
  // entry: ARM finishes work its client gave up waiting for, and the entry records what it did.
  let handling = true;
  res.once("close", () => {
    if (!handling) finish(res.headersSent ? res.statusCode : 0);
  });

  try {
    let url: URL;
    try {
      url = new URL(rawUrl, "http://emulator.invalid");
    } catch {
      throw invalidRequestUri(rawPath.slice(0, 200), "it is not a valid request target");
    }
    const apiVersion = url.searchParams.get("api-version") ?? undefined;
    if (apiVersion !== undefined) entry.apiVersion = apiVersion.slice(0, 40);

    // 3. fault injection
    const fault = deps.faults.take(method, rawPath);
    let lroFailed = false;
    let mangle: Extract<Fault, { kind: "mangleBody" }> | undefined;
    let body: Buffer | undefined;
    if (fault) {
      entry.fault = faultLabel(fault);
      // A slow ARM still does the work after its client stopped waiting: take the body before the
      // delay, so a request whose client timed out is processed (its effect real, its answer unseen).
      if (fault.kind === "latency") body = await readBody(req, deps.maxBodyBytes);
      const outcome = await applyFault(fault, req, res);
      if (outcome === "answered") return;
      lroFailed = outcome === "lroFailed";
      if (fault.kind === "mangleBody") mangle = fault;
    }

    // 4. parse / limits
    const segments = parsePath(rawPath);
    body ??= await readBody(req, deps.maxBodyBytes);

    // 5. identity routes
    if (!ARM_PREFIXES.some((p) => rawPath.toLowerCase().startsWith(p))) {
      if (await deps.identity.handle(req, res, url, body)) return;
      throw noRoute(method, rawPath);
    }

    // 6. ARM routing
    const match = matchRoute(method, segments);
    if (match.kind === "method") throw methodNotAllowed(method);
    if (match.kind === "none") throw noRoute(method, rawPath);
    const { route, params } = match;
    entry.operation = route.operation;
    const family = API_FAMILIES[route.family];

    // 7. ARM auth
    let principal: RouteContext["principal"];
    if (!route.anonymous) {
      const sub = params.subscriptionId;
      const tenant = (sub && deps.env.store.subscriptions.get(`/subscriptions/${sub}`)?.tenantId) || deps.env.tenantId;
      const who = deps.identity.authenticate(auth, tenant);
      if ("status" in who) throw authFailure(who);
      principal = who;
      entry.principal = who.objectId;
      if ((route.roleCheck ?? "enforce") === "enforce") {
        const denied = deps.identity.authorize(who, scopeOf(segments), route.action);
        if (denied) throw authFailure(denied);
      }
    }

    // 8. api-version
    if (apiVersion === undefined || apiVersion === "") throw missingApiVersion();
    if (!isSupported(family, apiVersion)) throw unsupportedApiVersion(apiVersion, family.resourceType, family.versions, family.providerRoute);
    // ACR's token and scope-map routes list every version; its registry routes name only the one requested (as recorded).
    if (family.advertise) res.setHeader("api-supported-versions", route.family === "registries" ? apiVersion : family.versions.join(", "));

    // 9. body
    let json: unknown;
    if (route.takesBody && body.length > 0) json = parseJson(req, body);

    // 10. dispatch
    const ctx: RouteContext = {
      method,
      path: rawPath,
      params,
      apiVersion: apiVersion.toLowerCase(),
      query: url.searchParams,
      body: json,
      origin: deps.origin(),
      principal,
      lroFailed,
      mayAccess: (scope, action) => principal === undefined || deps.identity.authorize(principal, scope, action) === undefined,
      env: deps.env,
    };
    let result: RouteResult;
    try {
      result = route.handler(ctx);
    } finally {
      deps.env.store.flush();
    }
    send(res, result, mangle);
  } catch (e) {
    // 11. error mapping
    if (res.headersSent || res.destroyed) return;
    if (e instanceof ArmError) {
      sendError(res, e);
      return;
    }
    process.stderr.write(`acr-tokens emulator: request ${requestId} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    sendError(res, internalError(requestId));
  } finally {
    handling = false;
    if (res.destroyed) finish(res.headersSent ? res.statusCode : 0);
  }
}

/** Schemes the log may name. Anything else is a label, never characters of the header (which may be a bare token). */
const AUTH_SCHEMES = ["Bearer", "Basic", "PoP", "Digest", "Negotiate", "NTLM", "SharedKey", "SharedAccessSignature"];

/** The Authorization header's scheme for the request log: a known scheme's name, "(no scheme)" or "(unknown scheme)". */
export function authSchemeOf(header: string): string {
  const space = header.indexOf(" ");
  if (space <= 0) return "(no scheme)";
  const word = header.slice(0, space).toLowerCase();
  return AUTH_SCHEMES.find((s) => s.toLowerCase() === word) ?? "(unknown scheme)";
}

/** Writes a route result as ARM does (JSON, no-cache headers). */
function send(res: ServerResponse, r: RouteResult, mangle?: Extract<Fault, { kind: "mangleBody" }>): void {
  for (const [k, v] of Object.entries(r.headers ?? {})) res.setHeader(k, v);
  // ARM front-door headers, as on every recorded response (rate-limit counters on writes and deletes;
  // the emulator does not throttle, so they stay at ARM's hourly allowance minus one).
  res.setHeader("Cache-Control", "no-cache");
  res.setHeader("Pragma", "no-cache");
  res.setHeader("Expires", "-1");
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  const method = res.req.method;
  if (method === "PUT" || method === "PATCH" || method === "POST") res.setHeader("x-ms-ratelimit-remaining-subscription-writes", "1199");
  if (method === "DELETE") res.setHeader("x-ms-ratelimit-remaining-subscription-deletes", "14999");
  res.statusCode = r.status;
  if (r.body === undefined || r.status === 204 || res.req.method === "HEAD") {
    res.setHeader("Content-Length", "0");
    res.end();
    return;
  }
  const json = JSON.stringify(r.body);
  const text = mangle && r.status >= 200 && r.status < 300 ? mangle.mangle(json) : json;
  res.setHeader("Content-Type", mangle?.contentType ?? "application/json; charset=utf-8");
  res.setHeader("Content-Length", Buffer.byteLength(text));
  res.end(text);
}

function sendError(res: ServerResponse, e: ArmError): void {
  send(res, { status: e.status, body: res.req.method === "HEAD" ? undefined : e.body(), headers: e.extra.headers });
}

/** Applies a fault: "answered" when the fault wrote the response (or dropped the connection). */
async function applyFault(fault: Fault, req: IncomingMessage, res: ServerResponse): Promise<"answered" | "continue" | "lroFailed"> {
  switch (fault.kind) {
    case "status": {
      const e = injectedStatus(fault.status);
      const headers = fault.retryAfterSeconds !== undefined ? { "Retry-After": String(fault.retryAfterSeconds) } : undefined;
      send(res, { status: e.status, body: e.body(), headers });
      return "answered";
    }
    case "reset":
      req.socket.destroy();
      return "answered";
    case "latency":
      await delay(fault.ms);
      return "continue";
    case "lroFailed":
      return "lroFailed";
    case "mangleBody":
      return "continue";
  }
}

/** Splits and decodes the path, refusing dot segments, encoded separators and control characters. */
function parsePath(rawPath: string): string[] {
  if (!rawPath.startsWith("/")) throw invalidRequestUri(rawPath.slice(0, 200), "it must start with '/'");
  const raw = rawPath.split("/").slice(1);
  if (raw.length > 1 && raw[raw.length - 1] === "") raw.pop(); // a trailing slash is ignored, as ARM does
  return raw.map((s) => {
    let d: string;
    try {
      d = decodeURIComponent(s);
    } catch {
      throw invalidRequestUri(rawPath.slice(0, 200), "it has an invalid percent-encoding");
    }
    if (d === "." || d === "..") throw invalidRequestUri(rawPath.slice(0, 200), "it has a '.' or '..' segment");
    if (/[/\\]/.test(d)) throw invalidRequestUri(rawPath.slice(0, 200), "a segment has an encoded '/' or '\\'");
    if (/[\u0000-\u001f\u007f]/.test(d)) throw invalidRequestUri(rawPath.slice(0, 200), "it has control characters");
    if (d === "" && raw.length > 1) throw invalidRequestUri(rawPath.slice(0, 200), "it has an empty segment ('//')");
    return d;
  });
}

/** Reads the body up to `limit` bytes; a larger body is refused (and the rest drained). */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limit) throw requestTooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) tooLarge = true;
    else chunks.push(chunk);
  }
  if (tooLarge) throw requestTooLarge(limit);
  return Buffer.concat(chunks);
}

function parseJson(req: IncomingMessage, body: Buffer): unknown {
  const type = (single(req.headers["content-type"]) ?? "").split(";")[0].trim().toLowerCase();
  if (type !== "application/json" && !type.endsWith("+json")) throw unsupportedMediaType(type || "(none)");
  const text = body.toString("utf8").replace(/^\uFEFF/, "");
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw invalidRequestContent(jsonSyntaxReason(e));
  }
}

function authFailure(f: { status: number; code: string; message: string; wwwAuthenticate?: string }): ArmError {
  return new ArmError(f.status, f.code, f.message, f.wwwAuthenticate ? { headers: { "WWW-Authenticate": f.wwwAuthenticate } } : {});
}

/** The ARM scope of a request: the path up to the deepest resource it names. */
function scopeOf(segments: string[]): string {
  return `/${segments.join("/")}`;
}

function kindOf(path: string): RequestKind {
  const p = path.toLowerCase();
  if (ARM_PREFIXES.some((x) => p.startsWith(x))) return "arm";
  if (p.startsWith("/msi/") || p.startsWith("/metadata/identity")) return "msi";
  if (/^\/[^/]+\/(oauth2|v2\.0|discovery|\.well-known)/.test(p) || p.startsWith("/adfs")) return "entra";
  return "other";
}

function single(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Answers protocol errors Node's parser raises before a request exists (headers above the
 * limit, malformed request lines) with an ARM-shaped body instead of a bare close.
 */
export function handleClientError(err: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const tooLarge = err.code === "HPE_HEADER_OVERFLOW";
  const id = randomUUID();
  const status = tooLarge ? 431 : 400;
  const body = JSON.stringify(
    tooLarge
      ? { error: { code: "RequestHeaderFieldsTooLarge", message: "The request headers are too large. Send fewer or shorter headers." } }
      : { error: { code: "BadRequest", message: "The request could not be parsed as HTTP/1.1." } },
  );
  socket.end(
    `HTTP/1.1 ${status} ${tooLarge ? "Request Header Fields Too Large" : "Bad Request"}\r\n` +
      `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `x-ms-request-id: ${id}\r\nx-ms-correlation-request-id: ${id}\r\nConnection: close\r\n\r\n${body}`,
  );
}
