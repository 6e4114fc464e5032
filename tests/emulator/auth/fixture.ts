import { createServer, request as httpsRequest, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { ManualClock } from "../../../emulator/clock";
import { createTlsMaterial } from "../../../emulator/tls";
import { createIdentityService } from "../../../emulator/auth";
import type { IdentityService, IdentityServiceOptions } from "../../../emulator/auth/types";

/** Tenant of the test identity servers. */
export const TENANT_ID = "72f988bf-86f1-41af-91ab-2d7cd011db47";

/** A request the test server received (method and path only: never headers or bodies). */
export interface SeenRequest {
  method: string;
  path: string;
}

export interface IdentityServer {
  /** `https://127.0.0.1:PORT` */
  url: string;
  /** PEM of the CA that issued the server's certificate (pass as `tlsOptions.ca`). */
  ca: string;
  clock: ManualClock;
  identity: IdentityService;
  requests: SeenRequest[];
  close(): Promise<void>;
}

/** Path on the test server that checks its `Authorization` header as ARM would, for the emulator's tenant. */
export const ARM_PROBE_PATH = "/arm-probe";

/**
 * Serves an identity service alone over HTTPS on 127.0.0.1, port 0, with the emulator's TLS material
 * (a fresh CA and a certificate for IP:127.0.0.1): what the emulator's pipeline does for identity routes, without ARM.
 * `GET /arm-probe` answers `authenticate(Authorization header)` (200 with the principal, or the failure
 * with its status). Other unknown paths get 404.
 */
export async function startIdentityServer(options: Partial<IdentityServiceOptions> = {}): Promise<IdentityServer> {
  const clock = new ManualClock({ start: "2026-11-23T01:00:00Z", frozen: true });
  const identity = createIdentityService({ tenantId: TENANT_ID, clock, ...options });
  const tls = await createTlsMaterial();
  const requests: SeenRequest[] = [];
  const server: Server = createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "https://127.0.0.1");
      requests.push({ method: req.method ?? "", path: url.pathname });
      if (url.pathname === ARM_PROBE_PATH) {
        const result = identity.authenticate(req.headers.authorization, TENANT_ID);
        res.statusCode = "status" in result ? result.status : 200;
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify(result));
        return;
      }
      identity.handle(req, res, url, Buffer.concat(chunks)).then(
        (handled) => {
          if (!handled) {
            res.statusCode = 404;
            res.end();
          }
        },
        (err: unknown) => {
          res.statusCode = 500;
          res.end(String(err));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  identity.setBaseUrl(url);
  return {
    url,
    ca: tls.caCertPem,
    clock,
    identity,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        tls.dispose();
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** The claims of a JWT, decoded without verification (for assertions on what was issued). */
export function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split(".")[1];
  if (payload === undefined) throw new Error("not a JWT");
  return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
}

/** A response read in full. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  json: Record<string, unknown>;
}

/** Sends one request to the test server (trusting its certificate) and reads the whole response. */
export function send(
  server: Pick<IdentityServer, "url" | "ca">,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; form?: Record<string, string>; body?: string } = {},
): Promise<RawResponse> {
  const body = options.form ? new URLSearchParams(options.form).toString() : options.body;
  const headers: Record<string, string> = {
    ...(options.form ? { "content-type": "application/x-www-form-urlencoded" } : {}),
    ...options.headers,
  };
  return new Promise((resolve, reject) => {
    const req = httpsRequest(new URL(path, server.url), { method, headers, ca: server.ca, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json: Record<string, unknown> = {};
        try {
          json = JSON.parse(text) as Record<string, unknown>;
        } catch {
          // not JSON: json stays empty and the test asserts on text
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * Runs `fn` with exactly these identity-related environment variables set (all others that steer
 * @azure/identity are removed), then restores the environment as it was.
 */
export async function withIdentityEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const steering = [
    "AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_CLIENT_CERTIFICATE_PATH",
    "AZURE_FEDERATED_TOKEN_FILE", "AZURE_AUTHORITY_HOST", "AZURE_USERNAME", "AZURE_PASSWORD",
    "AZURE_TOKEN_CREDENTIALS", "AZURE_POD_IDENTITY_AUTHORITY_HOST", "IDENTITY_ENDPOINT", "IDENTITY_HEADER",
    "IDENTITY_SERVER_THUMBPRINT", "IMDS_ENDPOINT", "MSI_ENDPOINT", "MSI_SECRET",
  ];
  const saved = new Map(steering.concat(Object.keys(vars)).map((k) => [k, process.env[k]]));
  for (const k of steering) delete process.env[k];
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
