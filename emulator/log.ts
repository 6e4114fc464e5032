/**
 * The request log. It records what an operator needs to follow traffic and nothing a caller
 * sent as a credential: no header values, no query string, no body. `path` is the URL path
 * only (ARM paths hold names and ids, never secrets); the Authorization header contributes
 * only its scheme and, once validated, the caller's object id.
 */

/** Which surface a request hit. */
export type RequestKind = "arm" | "entra" | "msi" | "other";

/** One request, as recorded in `Emulator.requests` and passed to `logRequests`. */
export interface RequestLogEntry {
  /** Emulator-clock time the request arrived (ISO 8601). */
  time: string;
  method: string;
  /** URL path without the query string. */
  path: string;
  /** The `api-version` query parameter, when sent. */
  apiVersion?: string;
  /** HTTP status answered (0 when the connection was reset by an injected fault). */
  status: number;
  /** Object id of the authenticated caller (ARM routes), never the token. */
  principal?: string;
  /**
   * Scheme of the Authorization header ("Bearer", "Basic", …) when one was sent; "(no scheme)" for a
   * header without one (a bare token) and "(unknown scheme)" otherwise: never characters of the header.
   */
  authScheme?: string;
  kind: RequestKind;
  /** Wall-clock milliseconds spent answering. */
  durationMs: number;
  /** The `x-ms-request-id` answered. */
  requestId: string;
  /** Route operation, e.g. `tokens.get`, `scopeMaps.update`, `operations.status`. */
  operation?: string;
  /** The fault injected into this request, if any. */
  fault?: string;
}

/** Formats an entry as one access-log line (the CLI writes these to stderr). */
export function formatLogLine(e: RequestLogEntry): string {
  const parts = [e.time, e.method, e.path, e.apiVersion ? `api-version=${e.apiVersion}` : "-", String(e.status), `${e.durationMs.toFixed(1)}ms`, e.kind, e.operation ?? "-", e.principal ? `oid=${e.principal}` : "-", `req=${e.requestId}`];
  if (e.fault) parts.push(`fault=${e.fault}`);
  return parts.join(" ");
}
