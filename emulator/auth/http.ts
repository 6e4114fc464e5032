import { randomUUID, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

/** Writes a JSON response with the no-store caching headers Entra and IMDS send (token bodies must not be cached). */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader("content-type", "application/json; charset=utf-8");
  res.setHeader("cache-control", "no-store, no-cache");
  res.setHeader("pragma", "no-cache");
  res.setHeader("content-length", Buffer.byteLength(payload));
  res.end(payload);
}

/** An Entra ID (AADSTS) OAuth error, as the v2.0 and v1 endpoints answer it. */
export interface EntraError {
  status: 400 | 401 | 405;
  error: string;
  /** The AADSTS number, e.g. 7000215. */
  code: number;
  message: string;
}

/** Writes `e` in Entra's body form (`error`, `error_description` with trace lines, `error_codes`, ids). */
export function sendEntraError(res: ServerResponse, e: EntraError, now: Date): void {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = `${now.toISOString().slice(0, 19).replace("T", " ")}Z`;
  sendJson(res, e.status, {
    error: e.error,
    error_description: `AADSTS${e.code}: ${e.message}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
    error_codes: [e.code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${e.code}`,
  });
}

/**
 * The form fields of a `application/x-www-form-urlencoded` body, or undefined for another content type.
 * (Entra and the managed-identity endpoints read nothing else.)
 */
export function readForm(req: IncomingMessage, body: Buffer): URLSearchParams | undefined {
  const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") return undefined;
  return new URLSearchParams(body.toString("utf8"));
}

/** A request header as one string (the first value when repeated). */
export function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Constant-time string comparison for secrets. */
export function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A request or claim value quoted in an error: printable ASCII only, at most 200 characters. */
export function printable(value: string): string {
  const clean = value.replace(/[^\x20-\x7e]/g, "?");
  return clean.length > 200 ? `${clean.slice(0, 200)}...` : clean;
}
