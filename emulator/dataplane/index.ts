import { mkdtempSync, rmSync } from "node:fs";
import { createServer as createHttpServer, request, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Clock } from "../clock";
import { ArmError } from "../errors";
import { idOf } from "../ids";
import type { PasswordDigests } from "../passwords";
import type { EmulatorStore, RegistryRecord } from "../store/types";
import { INSTALL_REGISTRY, registryBinary, startRegistryProcess, type RegistryProcess } from "./registryProcess";
import { basicCredentials, createTokenSigner, ISSUER, issueAccessToken, type TokenSigner } from "./tokenServer";

export { INSTALL_REGISTRY, registryBinary } from "./registryProcess";
export { ACR_TO_REGISTRY_ACTION, allowedActions, grantAccess, parseScopes, repositoryMatches, type RegistryAction, type ResourceAccess } from "./scopes";

/**
 * The registry data plane: what `docker login`, `skopeo` and `oras` meet on a registry's login server.
 *
 * Each registry gets its own listener on the emulator's host (`127.0.0.1:<port>`, TLS with the
 * emulator's CA unless the emulator runs plain http), and that address is the registry's
 * `loginServer` in ARM answers, so a client reaches the registry exactly as it would reach
 * `<name>.azurecr.io`, without DNS tricks or traffic leaving loopback. On it:
 *
 * - `GET /oauth2/token` (Basic auth; also `POST` with `grant_type=password`): ACR's token endpoint,
 *   served by the emulator (tokenServer.ts, scopes.ts);
 * - `/v2/…`: forwarded to a Debian `docker-registry` (distribution) started for that registry on first
 *   use, configured for token auth with this endpoint as its realm; it stores the images and enforces
 *   the access claims. `GET /v2/<repo>/tags/list` additionally needs `metadata_read` (metadata/read),
 *   which distribution does not know.
 *
 * Listeners are bound ahead (a small pool), because an ARM answer must name the login server at once.
 */

/** Options of the data plane ({@link EmulatorOptions.dataPlane}). */
export interface DataPlaneOptions {
  /**
   * Seconds after generation before a password authenticates at the registry, on the emulator clock
   * (the service documents up to 60 s for a regenerated password). Default 0.
   */
  replicationDelaySeconds?: number;
  /** The `docker-registry` binary; default `ACR_TOKENS_EMULATOR_REGISTRY_BIN` or `docker-registry` on the PATH. */
  registryBinary?: string;
}

/** One data-plane request, as logged (never a header value, password or token). */
export interface DataPlaneLogEntry {
  time: string;
  /** Registry name. */
  registry: string;
  method: string;
  /** Path without the query. */
  path: string;
  status: number;
  /** User name of a token request. */
  user?: string;
  /** Why a token request was refused (e.g. `token-disabled`, `expired`, `not-replicated`). */
  reason?: string;
}

/** The data plane of a running emulator (`emu.dataPlane`). */
export interface DataPlaneControl {
  /** Replication delay in seconds (see {@link DataPlaneOptions.replicationDelaySeconds}); settable live. */
  replicationDelaySeconds: number;
  /** The login server (`127.0.0.1:PORT`) of a registry, by name (case-insensitive); undefined when unknown. */
  loginServer(registryName: string): string | undefined;
  /** Data-plane requests in arrival order. */
  requests: DataPlaneLogEntry[];
  /** Whether a registry server binary was found (pull and push need it; `/oauth2/token` does not). */
  registryAvailable: boolean;
  /**
   * Called with each `/oauth2/token` request's entry before it is answered (tests move the clock here,
   * e.g. to stand for the time a client waits between attempts).
   */
  onTokenRequest?: (entry: DataPlaneLogEntry) => void;
}

interface Front {
  server: Server;
  port: number;
  /** ARM id of the registry this listener serves; undefined while in the pool. */
  registryId?: string;
  registryName?: string;
  process?: Promise<RegistryProcess>;
}

const POOL_SIZE = 2;

/** Internal: the emulator wires this to its store and routes. */
export class DataPlane implements DataPlaneControl {
  readonly requests: DataPlaneLogEntry[] = [];
  readonly registryAvailable: boolean;
  onTokenRequest?: (entry: DataPlaneLogEntry) => void;
  private delayMs: number;
  private readonly binary: string | undefined;
  private readonly spares: Front[] = [];
  private readonly byRegistry = new Map<string, Front>();
  private readonly all: Front[] = [];
  private readonly dir = mkdtempSync(join(tmpdir(), "acr-tokens-dataplane-"));
  private refilling: Promise<void> | undefined;
  private closed = false;

  private constructor(
    private readonly deps: { store: EmulatorStore; clock: Clock; passwords: PasswordDigests; host: string; tls?: { certPem: string; keyPem: string } },
    private readonly signer: TokenSigner,
    options: DataPlaneOptions,
  ) {
    this.delayMs = seconds(options.replicationDelaySeconds ?? 0, "dataPlane.replicationDelaySeconds") * 1000;
    this.binary = options.registryBinary ?? registryBinary();
    this.registryAvailable = this.binary !== undefined;
  }

  static async create(deps: DataPlane["deps"], options: DataPlaneOptions): Promise<DataPlane> {
    const dp = new DataPlane(deps, await createTokenSigner(), options);
    await dp.refill();
    return dp;
  }

  get replicationDelaySeconds(): number {
    return this.delayMs / 1000;
  }

  set replicationDelaySeconds(s: number) {
    this.delayMs = seconds(s, "emulator.dataPlane.replicationDelaySeconds") * 1000;
  }

  loginServer(registryName: string): string | undefined {
    const reg = this.deps.store.registries.list().find((r) => r.name.toLowerCase() === registryName.toLowerCase());
    return reg ? this.loginServerOf(reg) : undefined;
  }

  /**
   * The login server of `reg`, assigning a pooled listener on first use (synchronous: ARM routes call
   * it while writing an answer). With the pool momentarily empty (more registries created at once than
   * it holds), answers 503 with `Retry-After: 1`, which ARM clients retry.
   */
  loginServerOf(reg: RegistryRecord): string {
    const id = idOf.registry(reg).toLowerCase();
    let front = this.byRegistry.get(id);
    if (!front) {
      front = this.spares.shift();
      if (!front) {
        void this.refill();
        throw new ArmError(503, "ServiceUnavailable", "The registry data plane is starting a listener for this registry. Retry in a second.", { headers: { "Retry-After": "1" } });
      }
      front.registryId = id;
      front.registryName = reg.name;
      this.byRegistry.set(id, front);
      void this.refill();
    }
    return `${this.hostForUrl()}:${front.port}`;
  }

  /** Assigns a listener to `reg` now, waiting for the pool when it is empty (start-up of seeded or saved registries). */
  async assign(reg: RegistryRecord): Promise<string> {
    while (this.spares.length === 0 && !this.byRegistry.has(idOf.registry(reg).toLowerCase())) await this.refill();
    return this.loginServerOf(reg);
  }

  /** Stops every registry server and listener and removes the data plane's folder. */
  async close(): Promise<void> {
    this.closed = true;
    await this.refilling?.catch(() => undefined);
    for (const f of this.all) {
      const p = await f.process?.catch(() => undefined);
      p?.stop();
    }
    await Promise.all(
      this.all.map(
        (f) =>
          new Promise<void>((resolve) => {
            f.server.close(() => resolve());
            f.server.closeAllConnections();
          }),
      ),
    );
    rmSync(this.dir, { recursive: true, force: true });
  }

  private hostForUrl(): string {
    return this.deps.host.includes(":") ? `[${this.deps.host}]` : this.deps.host;
  }

  private refill(): Promise<void> {
    this.refilling ??= (async () => {
      try {
        while (!this.closed && this.spares.length < POOL_SIZE) this.spares.push(await this.listen());
      } finally {
        this.refilling = undefined;
      }
    })();
    return this.refilling;
  }

  private async listen(): Promise<Front> {
    const front = {} as Front;
    const handler = (req: IncomingMessage, res: ServerResponse): void => {
      void this.handle(front, req, res).catch((e: unknown) => {
        process.stderr.write(`acr-tokens emulator data plane: ${e instanceof Error ? e.message : String(e)}\n`);
        if (!res.headersSent) sendJson(res, 500, { errors: [{ code: "UNKNOWN", message: "internal error of the emulator's data plane" }] });
        else res.destroy();
      });
    };
    const server = this.deps.tls ? createHttpsServer({ cert: this.deps.tls.certPem, key: this.deps.tls.keyPem }, handler) : createHttpServer(handler);
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, this.deps.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    front.server = server;
    front.port = (server.address() as AddressInfo).port;
    this.all.push(front);
    return front;
  }

  private origin(front: Front): string {
    return `${this.deps.tls ? "https" : "http"}://${this.hostForUrl()}:${front.port}`;
  }

  private async handle(front: Front, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? "GET").toUpperCase();
    const url = new URL(req.url ?? "/", "http://data-plane.invalid");
    const entry: DataPlaneLogEntry = { time: this.deps.clock.now().toISOString(), registry: front.registryName ?? "", method, path: url.pathname.slice(0, 300), status: 0 };
    res.once("finish", () => {
      entry.status = res.statusCode;
      this.requests.push(entry);
      if (this.requests.length > 50_000) this.requests.splice(0, this.requests.length - 50_000);
    });
    const reg = front.registryId ? this.deps.store.registries.get(front.registryId) : undefined;
    if (!reg) {
      sendJson(res, 404, { errors: [{ code: "NAME_UNKNOWN", message: "no registry is served on this address (it was deleted, or never created)" }] });
      return;
    }
    const service = `${this.hostForUrl()}:${front.port}`;
    if (url.pathname === "/oauth2/token") {
      await this.token(req, res, url, reg, service, entry);
      return;
    }
    if (url.pathname === "/oauth2/exchange") {
      // UNCERTAIN for clients that need it: Entra ID (AAD) token exchange is not emulated; tokens log in with Basic auth.
      sendJson(res, 400, { errors: [{ code: "UNSUPPORTED", message: "the emulator does not exchange Entra ID tokens; log in with a repository-scoped token's name and password" }] });
      return;
    }
    if (!url.pathname.startsWith("/v2")) {
      sendJson(res, 404, { errors: [{ code: "NOT_FOUND", message: "the data plane serves /v2/ and /oauth2/token" }] });
      return;
    }
    const challenge = `Bearer realm="${this.origin(front)}/oauth2/token",service="${service}"`;
    const tags = /^\/v2\/(.+)\/tags\/list$/.exec(url.pathname);
    if (tags && (method === "GET" || method === "HEAD") && !bearerGrants(req.headers.authorization, tags[1], "metadata_read")) {
      // ACR lists tags only for tokens with metadata/read (Azure/acr#690); distribution would allow any `pull`.
      res.setHeader("WWW-Authenticate", `${challenge},scope="repository:${tags[1]}:metadata_read",error="insufficient_scope"`);
      sendJson(res, 401, { errors: [{ code: "UNAUTHORIZED", message: "listing tags needs metadata/read on the repository", detail: [{ Type: "repository", Name: tags[1], Action: "metadata_read" }] }] });
      return;
    }
    if (!this.binary) {
      sendJson(res, 503, { errors: [{ code: "UNAVAILABLE", message: `the emulator's data plane needs the docker-registry server to store images; install it (${INSTALL_REGISTRY}) or set ACR_TOKENS_EMULATOR_REGISTRY_BIN` }] });
      return;
    }
    front.process ??= startRegistryProcess({
      binary: this.binary,
      dir: join(this.dir, reg.name.toLowerCase()),
      realm: `${this.origin(front)}/oauth2/token`,
      service,
      issuer: ISSUER,
      signingCertPem: this.signer.certPem,
    });
    let registry: RegistryProcess;
    try {
      registry = await front.process;
    } catch (e) {
      front.process = undefined;
      sendJson(res, 503, { errors: [{ code: "UNAVAILABLE", message: (e as Error).message }] });
      return;
    }
    await forward(registry.socketPath, req, res, this.deps.tls !== undefined);
  }

  private async token(req: IncomingMessage, res: ServerResponse, url: URL, reg: RegistryRecord, service: string, entry: DataPlaneLogEntry): Promise<void> {
    const method = entry.method;
    let credentials = basicCredentials(single(req.headers.authorization));
    let scopes = url.searchParams.getAll("scope");
    if (method === "POST") {
      const form = new URLSearchParams((await readText(req)).slice(0, 64 * 1024));
      if (form.get("grant_type") === "password") credentials = { user: form.get("username") ?? "", password: form.get("password") ?? "" };
      else if (!credentials) {
        sendJson(res, 400, { errors: [{ code: "UNSUPPORTED", message: "the emulator's token endpoint takes grant_type=password (or GET with Basic auth); refresh tokens are not issued" }] });
        return;
      }
      scopes = [...scopes, ...form.getAll("scope")];
    } else if (method !== "GET") {
      sendJson(res, 405, { errors: [{ code: "UNSUPPORTED", message: "use GET (Basic auth) or POST (grant_type=password)" }] });
      return;
    }
    const outcome = issueAccessToken(
      { store: this.deps.store, clock: this.deps.clock, passwords: this.deps.passwords, signer: this.signer, replicationDelayMs: () => this.delayMs },
      idOf.registry(reg),
      service,
      credentials,
      scopes,
    );
    if (outcome.user !== undefined) entry.user = outcome.user.slice(0, 64);
    if (outcome.status !== 200) {
      entry.reason = outcome.reason;
      res.setHeader("WWW-Authenticate", `Basic realm="${service}"`);
    }
    this.onTokenRequest?.(entry);
    sendJson(res, outcome.status, outcome.body);
  }
}

/** True when the bearer token's `access` claim grants `action` on repository `name`. Signature checks are the registry server's. */
function bearerGrants(header: string | string[] | undefined, name: string, action: string): boolean {
  const h = single(header);
  const m = h && /^Bearer\s+([\w-]+)\.([\w-]+)\.([\w-]*)$/i.exec(h);
  if (!m) return false;
  try {
    const claims = JSON.parse(Buffer.from(m[2], "base64url").toString("utf8")) as { access?: Array<{ type?: string; name?: string; actions?: string[] }> };
    return (claims.access ?? []).some((a) => a.type === "repository" && a.name === name && (a.actions ?? []).includes(action));
  } catch {
    return false;
  }
}

/** Bodies up to this size are read whole before they are forwarded (see {@link forward}). */
const BUFFERED_BODY_BYTES = 8 * 1024 * 1024;

/**
 * Forwards the request to the registry server's socket and streams its answer back. A body of known
 * size up to {@link BUFFERED_BODY_BYTES} (manifests, small blobs) is read first and sent in one write:
 * the registry answers a refused manifest PUT (401) and closes before reading a body still being
 * streamed, which the client would see as EPIPE instead of the 401. Larger bodies are streamed.
 */
async function forward(socketPath: string, req: IncomingMessage, res: ServerResponse, https: boolean): Promise<void> {
  const length = Number(req.headers["content-length"] ?? NaN);
  const body = Number.isInteger(length) && length > 0 && length <= BUFFERED_BODY_BYTES ? await readAll(req) : undefined;
  return new Promise((resolve) => {
    const headers = { ...req.headers, "x-forwarded-proto": https ? "https" : "http" };
    const up = request({ socketPath, method: req.method, path: req.url, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
      answer.once("end", () => resolve());
      answer.once("error", () => {
        res.destroy();
        resolve();
      });
    });
    up.once("error", (e) => {
      if (!res.headersSent) sendJson(res, 502, { errors: [{ code: "UNAVAILABLE", message: `the registry server did not answer (${(e as NodeJS.ErrnoException).code ?? e.message})` }] });
      else res.destroy();
      resolve();
    });
    if (body) up.end(body);
    else req.pipe(up);
  });
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.setHeader("Content-Length", Buffer.byteLength(text));
  res.setHeader("Docker-Distribution-Api-Version", "registry/2.0");
  res.end(text);
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size <= 64 * 1024) chunks.push(c);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function single(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function seconds(v: number, name: string): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || v > 86_400) throw new Error(`${name} must be a number of seconds from 0 to 86400, got ${String(v)}.`);
  return v;
}
