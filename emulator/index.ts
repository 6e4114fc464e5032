import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { resolve as resolvePath } from "node:path";
import { createIdentityService } from "./auth";
import type { IdentityService, IssueTokenOptions, PrincipalSeed } from "./auth/types";
import { ManualClock } from "./clock";
import { jsonSyntaxReason } from "./errors";
import { FaultInjector } from "./faults";
import { registryId, resourceGroupId, subscriptionId } from "./ids";
import type { RequestLogEntry } from "./log";
import { OperationTracker } from "./operations";
import { PasswordDigests, type PasswordCheck } from "./passwords";
import type { RouteEnv } from "./routes";
import { createRegistry } from "./routes/registries";
import { DataPlane, type DataPlaneControl, type DataPlaneOptions } from "./dataplane";
import { createRequestListener, handleClientError } from "./server";
import { JsonFileStore, MemoryStore } from "./store";
import type { EmulatorStore, RegistrySku, SystemData } from "./store/types";
import { createTlsMaterial, generateCa, type CaPair, type TlsMaterial } from "./tls";
import { formatTicks, ticksFromClock } from "./timestamps";

export { ManualClock, type Clock, type Duration } from "./clock";
export { FaultInjector, type Fault, type FaultRule, type InjectedFault } from "./faults";
export type { RequestKind, RequestLogEntry } from "./log";
export type { PasswordCheck } from "./passwords";
export type { DataPlaneControl, DataPlaneLogEntry, DataPlaneOptions } from "./dataplane";
export { INSTALL_REGISTRY } from "./dataplane";
export type { IdentityService, IssueTokenOptions, PrincipalSeed, Principal, RoleAssignment, AuthFailure } from "./auth/types";
export {
  ACR_TOKEN_API_VERSIONS,
  ACR_REGISTRY_API_VERSIONS,
  RESOURCES_API_VERSIONS,
  SUBSCRIPTIONS_API_VERSIONS,
  METADATA_API_VERSIONS,
} from "./apiVersions";

/** Subscription used when no seed names one (the id the azure-cli recordings use). */
export const DEFAULT_SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000000";
/** Tenant used when no seed names one. */
export const DEFAULT_TENANT_ID = "54826b22-38d6-4fb2-bad9-b7b93a3e9c5a";
/**
 * Client id of the system-assigned managed identity served when the seed names none: the
 * managed-identity endpoint answers for it, and it is a Contributor on the default subscription.
 */
export const DEFAULT_MANAGED_IDENTITY_CLIENT_ID = "7c1f0f64-3a52-4f5e-9d67-0a4e2c1b9d10";
/**
 * In-progress status polls before an LRO reports `Succeeded`, by default: what the recordings show
 * for most operations (41 of the 50 recorded PUT/PATCH operations with `Azure-AsyncOperation`
 * answered `Succeeded` at the first poll; tests/fidelity/lroPacing.test.ts counts them in place).
 */
export const DEFAULT_LRO_IN_PROGRESS_POLLS = 0;

/** Initial state: what exists before any client call. Missing ids default to the first subscription. */
export interface EmulatorSeed {
  /** Default: one subscription {@link DEFAULT_SUBSCRIPTION_ID} in tenant {@link DEFAULT_TENANT_ID}. */
  subscriptions?: Array<{ id: string; tenantId?: string; displayName?: string }>;
  /** Resource groups; `location` defaults to "eastus". */
  resourceGroups?: Array<{ subscriptionId?: string; name: string; location?: string }>;
  /** Registries with their built-in scope maps; the resource group must be seeded too. `sku` defaults to Premium, `location` to the group's. */
  registries?: Array<{ subscriptionId?: string; resourceGroup: string; name: string; sku?: RegistrySku; location?: string }>;
  /** Service principals and managed identities with their role assignments. */
  principals?: PrincipalSeed[];
}

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /** TCP port; default 0 (a free port). */
  port?: number;
  /** Listen address; default "127.0.0.1" (loopback only). */
  host?: string;
  /** Default "https". The Azure SDK and the Azure CLI refuse bearer tokens over plain http. */
  protocol?: "https" | "http";
  /**
   * The CA that issues the server certificate. Default: the CA kept in `statePath` (generated on the
   * first start), or without a state file a CA generated at start. `caCertPem`/`caKeyPem` give one
   * directly; `caCertFile`/`caKeyFile` (the CLI's `--ca-cert`/`--ca-key`) name PEM files holding one,
   * created with a new CA when both are missing, so every restart serves a certificate clients trust.
   */
  tls?: { caCertPem?: string; caKeyPem?: string; caCertFile?: string; caKeyFile?: string };
  /** Initial state, as an object or the path of a JSON file. Applied on top of a loaded `statePath`. */
  seed?: EmulatorSeed | string;
  /**
   * Persist the state to this JSON file and reload it on start. Changes are appended to
   * `{statePath}.journal` and merged into the file when the journal outgrows it and at `close()`.
   * The file also keeps the token-signing key and the TLS CA, so tokens issued and certificates
   * trusted before a restart are accepted after it.
   */
  statePath?: string;
  /** Start time of the emulator clock (default: now). */
  startTime?: Date | string;
  /** Mirror the clock's time into this file (see ManualClock). */
  clockFile?: string;
  /**
   * LRO pacing: in-progress status polls before `Succeeded` (default
   * {@link DEFAULT_LRO_IN_PROGRESS_POLLS}, 0: what most recorded operations did; 1 reproduces the
   * others) and the `Retry-After` seconds sent on LRO answers (default none, as recorded).
   */
  lro?: {
    inProgressPolls?: number;
    retryAfterSeconds?: number;
    /**
     * generateCredentials: "sync" (default) answers 200 with the passwords, as every recorded call;
     * "accepted" answers 202 + `Location`, polled (`inProgressPolls` 202s) to 200 with the passwords,
     * the REST reference's other answer (2025-11-01 lists 200 and 202).
     */
    generateCredentials?: "sync" | "accepted";
  };
  /** Require a role assignment covering each ARM request (default false). */
  enforceRoleAssignments?: boolean;
  /** Called with every request log entry (the CLI writes them to stderr). */
  logRequests?: (e: RequestLogEntry) => void;
  /** Items per list page before a `nextLink` (default 100). */
  pageSize?: number;
  /** Largest accepted request body in bytes (default 1 MiB). */
  maxBodyBytes?: number;
  /**
   * Most entries kept in `requests` (default 50 000); older ones are dropped so a long-running
   * emulator (the CLI in CI) does not grow without bound. `logRequests` still sees every entry.
   */
  requestLogLimit?: number;
  /**
   * Serve each registry's data plane (`docker login`, pull, push) on its own loopback listener, which
   * becomes the registry's `loginServer` (see emulator/dataplane). `true` for the defaults. Pull and
   * push need Debian's `docker-registry`; `/oauth2/token` works without it. Default off.
   */
  dataPlane?: boolean | DataPlaneOptions;
}

/** LRO pacing (see {@link EmulatorOptions.lro}). */
export interface LroSettings {
  /** In-progress status polls before an operation reports its outcome (integer >= 0). */
  inProgressPolls: number;
  /** `Retry-After` seconds on LRO answers; undefined sends none (as recorded). */
  retryAfterSeconds: number | undefined;
  /** generateCredentials: "sync" (200, as recorded) or "accepted" (202 + Location, polled). */
  generateCredentials: "sync" | "accepted";
}

/** A running emulator. */
export interface Emulator {
  /** ARM base URL, e.g. "https://127.0.0.1:41234". */
  armEndpoint: string;
  /** Entra ID authority host (same origin; routes live at `/{tenant}/...` and `/adfs/...`). */
  authorityHost: string;
  /** Managed identity endpoint (`MSI_ENDPOINT` / `IDENTITY_ENDPOINT`). */
  managedIdentityEndpoint: string;
  /**
   * File holding the CA certificate clients must trust (empty with protocol "http"): `tls.caCertFile`,
   * else `{statePath}.ca.pem` with a state file (the same path and CA after a restart), else a
   * temporary file removed by `close()`.
   */
  caCertPath: string;
  /** The CA certificate (PEM; empty with protocol "http"). */
  caCertPem: string;
  /** The first seeded subscription ({@link DEFAULT_SUBSCRIPTION_ID} without a seed). */
  subscriptionId: string;
  /** The tenant of that subscription ({@link DEFAULT_TENANT_ID} without a seed); tokens must carry it as `tid`. */
  tenantId: string;
  /** Mints a bearer token signed by the emulator (delegates to the identity service). */
  issueToken(options?: IssueTokenOptions): string;
  /** The request log, in arrival order of responses (no credentials ever). */
  requests: RequestLogEntry[];
  /** Fault injection for the next matching requests. */
  faults: FaultInjector;
  /** The emulator's clock: set or advance it to test expiry; everything time-dependent reads it. */
  clock: ManualClock;
  /** The identity service: `addPrincipal`, `assignRole`, `stats`. */
  identity: IdentityService;
  /**
   * LRO pacing, live: changes apply to operations started afterwards (e.g. a replay sets
   * `inProgressPolls` to the number of in-progress polls recorded for the next PUT).
   */
  lro: LroSettings;
  /**
   * Whether `password` would log in (`docker login -u <token name>`) as the token with this ARM id now:
   * the data plane is not emulated, so this checks the SHA-256 the emulator kept of each password it
   * generated against the token's current slots, status and expiry (see emulator/passwords.ts).
   */
  checkPassword(tokenId: string, password: string): PasswordCheck;
  /** The registry data plane; undefined unless started with `dataPlane`. */
  dataPlane?: DataPlaneControl;
  /** Stops listening, drops open connections, removes the temporary CA file. */
  close(): Promise<void>;
}

/**
 * Starts the ACR management-plane emulator.
 *
 * @example
 * ```ts
 * const emu = await startEmulator();
 * const client = new ContainerRegistryManagementClient(
 *   { getToken: async () => ({ token: emu.issueToken(), expiresOnTimestamp: Date.now() + 3_600_000 }) },
 *   emu.subscriptionId,
 *   { endpoint: emu.armEndpoint, credentials: { scopes: ["https://management.azure.com/.default"] }, tlsOptions: { ca: emu.caCertPem } },
 * );
 * ```
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const seed = loadSeed(options.seed);
  const subs = seed.subscriptions?.length ? seed.subscriptions : [{ id: DEFAULT_SUBSCRIPTION_ID }];
  const defaultSub = subs[0].id;
  const tenantId = subs[0].tenantId ?? DEFAULT_TENANT_ID;
  const protocol = options.protocol ?? "https";
  if (protocol !== "https" && protocol !== "http") throw new Error(`startEmulator: protocol must be "https" or "http", got "${String(protocol)}".`);
  const polls = options.lro?.inProgressPolls ?? DEFAULT_LRO_IN_PROGRESS_POLLS;
  if (!Number.isInteger(polls) || polls < 0) throw new Error(`startEmulator: lro.inProgressPolls must be an integer >= 0, got ${String(polls)}.`);
  const pageSize = options.pageSize ?? 100;
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new Error(`startEmulator: pageSize must be an integer >= 1, got ${String(pageSize)}.`);

  const logLimit = options.requestLogLimit ?? 50_000;
  if (!Number.isInteger(logLimit) || logLimit < 1) throw new Error(`startEmulator: requestLogLimit must be an integer >= 1, got ${String(logLimit)}.`);

  const clock = new ManualClock({ start: options.startTime, mirrorFile: options.clockFile });
  const store: EmulatorStore = options.statePath ? new JsonFileStore(options.statePath) : new MemoryStore();
  // With a state file, the signing key and managed-identity header persist with the state, so a
  // restart accepts the tokens issued before it (see JsonFileStore for why the file may hold them).
  const kept = store instanceof JsonFileStore ? store.identityKeys : undefined;
  let identity: IdentityService;
  try {
    identity = createIdentityService({
      tenantId,
      clock,
      principals: withDefaultManagedIdentity(seed.principals, defaultSub),
      enforceRoleAssignments: options.enforceRoleAssignments ?? false,
      ...(kept ? { signingKeyPem: kept.signingKeyPem, managedIdentityHeader: kept.managedIdentityHeader } : {}),
    });
  } catch (e) {
    if (!kept) throw e;
    throw new Error(`Emulator state file '${options.statePath ?? ""}' holds unusable identity keys: ${(e as Error).message}`, { cause: e });
  }
  if (store instanceof JsonFileStore && !kept) store.identityKeys = identity.exportKeys();
  const env: RouteEnv = {
    store,
    clock,
    operations: new OperationTracker(clock),
    inProgressPolls: polls,
    retryAfterSeconds: options.lro?.retryAfterSeconds,
    generateCredentials: generateCredentialsMode(options.lro?.generateCredentials ?? "sync"),
    pageSize,
    tenantId,
    passwords: new PasswordDigests(),
  };
  applySeed(env, seed, subs, defaultSub, tenantId);
  store.flush();

  const faults = new FaultInjector();
  const requests: RequestLogEntry[] = [];
  let origin = "";
  const listener = createRequestListener({
    env,
    identity,
    faults,
    clock,
    origin: () => origin,
    log: (e) => {
      requests.push(e);
      if (requests.length > logLimit) requests.splice(0, requests.length - logLimit);
      options.logRequests?.(e);
    },
    maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
  });

  let tls: TlsMaterial | undefined;
  let server: Server;
  if (protocol === "https") {
    const ca = await resolveCa(options, store);
    tls = await createTlsMaterial(ca.pair, ca.certPath);
    server = createHttpsServer({ cert: tls.certPem, key: tls.keyPem }, listener);
  } else {
    server = createHttpServer(listener);
  }
  server.on("clientError", handleClientError);
  let dataPlane: DataPlane | undefined;
  if (options.dataPlane) {
    try {
      dataPlane = await DataPlane.create(
        { store, clock, passwords: env.passwords!, host: options.host ?? "127.0.0.1", tls: tls ? { certPem: tls.certPem, keyPem: tls.keyPem } : undefined },
        options.dataPlane === true ? {} : options.dataPlane,
      );
    } catch (e) {
      tls?.dispose();
      throw e;
    }
    env.dataPlane = dataPlane;
    for (const r of store.registries.list()) await dataPlane.assign(r);
  }
  // Keep idle connections as long as Azure's front ends do (4 minutes). Node's 5 s default closes
  // sockets that SDK agents still hold, and a request sent on one as it closes fails with
  // "socket hang up" (seen between Pulumi engine steps, which idle longer than 5 s).
  server.keepAliveTimeout = 240_000;
  server.headersTimeout = 245_000;
  const host = options.host ?? "127.0.0.1";
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (e) {
    tls?.dispose();
    await dataPlane?.close();
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(`startEmulator: cannot listen on ${host}:${options.port ?? 0} (${code ?? (e as Error).message}). Pass port 0 for a free port, or stop what holds this one.`, { cause: e });
  }
  const { port } = server.address() as AddressInfo;
  origin = `${protocol}://${host.includes(":") ? `[${host}]` : host}:${port}`;
  identity.setBaseUrl(origin);

  let closed: Promise<void> | undefined;
  return {
    armEndpoint: origin,
    authorityHost: origin,
    managedIdentityEndpoint: `${origin}/msi/token`,
    caCertPath: tls?.caCertPath ?? "",
    caCertPem: tls?.caCertPem ?? "",
    subscriptionId: defaultSub,
    tenantId,
    issueToken: (o) => identity.issueToken(o),
    requests,
    faults,
    clock,
    identity,
    checkPassword: (tokenId, password) => env.passwords!.check(store, clock, tokenId, password, (dataPlane?.replicationDelaySeconds ?? 0) * 1000),
    dataPlane,
    lro: {
      get inProgressPolls() {
        return env.inProgressPolls;
      },
      set inProgressPolls(n: number) {
        if (!Number.isInteger(n) || n < 0) throw new Error(`emulator.lro.inProgressPolls must be an integer >= 0, got ${String(n)}.`);
        env.inProgressPolls = n;
      },
      get retryAfterSeconds() {
        return env.retryAfterSeconds;
      },
      set retryAfterSeconds(s: number | undefined) {
        if (s !== undefined && !(Number.isInteger(s) && s >= 0)) throw new Error(`emulator.lro.retryAfterSeconds must be an integer >= 0 or undefined, got ${String(s)}.`);
        env.retryAfterSeconds = s;
      },
      get generateCredentials() {
        return env.generateCredentials ?? "sync";
      },
      set generateCredentials(mode: "sync" | "accepted") {
        env.generateCredentials = generateCredentialsMode(mode, "emulator.lro.generateCredentials");
      },
    },
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        server.close(() => {
          // A state file is left as one snapshot (its journal merged in), readable on its own.
          if (store instanceof JsonFileStore) store.compact();
          else store.flush();
          void (dataPlane?.close() ?? Promise.resolve()).finally(() => {
            tls?.dispose();
            resolve();
          });
        });
        server.closeAllConnections();
      })),
  };
}

function generateCredentialsMode(mode: unknown, what = "startEmulator: lro.generateCredentials"): "sync" | "accepted" {
  if (mode !== "sync" && mode !== "accepted") throw new Error(`${what} must be "sync" (200, as recorded) or "accepted" (202 + Location), got ${JSON.stringify(mode)}.`);
  return mode;
}

/**
 * The seeded principals, plus {@link DEFAULT_MANAGED_IDENTITY_CLIENT_ID} (Contributor on the default
 * subscription) when none of them is a managed identity, so the managed-identity endpoint works out
 * of the box (`az` with `MSI_ENDPOINT`, `ManagedIdentityCredential`).
 */
function withDefaultManagedIdentity(principals: PrincipalSeed[] | undefined, defaultSub: string): PrincipalSeed[] {
  const list = principals ?? [];
  if (list.some((p) => p.managedIdentity === true)) return list;
  return [...list, { clientId: DEFAULT_MANAGED_IDENTITY_CLIENT_ID, managedIdentity: true, roles: [{ scope: subscriptionId(defaultSub), role: "Contributor" }] }];
}

/**
 * The CA to serve from, and where its certificate file lives when it must outlive this run (see
 * {@link EmulatorOptions.tls}). Throws a clear error for a half-given pair.
 */
async function resolveCa(options: EmulatorOptions, store: EmulatorStore): Promise<{ pair?: CaPair; certPath?: string }> {
  const t = options.tls ?? {};
  if (t.caCertFile !== undefined || t.caKeyFile !== undefined) {
    if (t.caCertPem !== undefined || t.caKeyPem !== undefined) throw new Error("startEmulator: give the CA either as tls.caCertPem/caKeyPem or as tls.caCertFile/caKeyFile, not both.");
    if (t.caCertFile === undefined || t.caKeyFile === undefined) throw new Error("startEmulator: tls.caCertFile and tls.caKeyFile (--ca-cert, --ca-key) go together: pass both.");
    return { pair: await caFromFiles(t.caCertFile, t.caKeyFile), certPath: resolvePath(t.caCertFile) };
  }
  if (t.caCertPem !== undefined || t.caKeyPem !== undefined) {
    return { pair: { caCertPem: t.caCertPem ?? "", caKeyPem: t.caKeyPem ?? "" }, ...(store instanceof JsonFileStore ? { certPath: `${resolvePath(store.path)}.ca.pem` } : {}) };
  }
  if (!(store instanceof JsonFileStore)) return {};
  let pair = store.ca;
  if (!pair) {
    pair = await generateCa();
    store.ca = pair;
    store.flush();
  }
  return { pair, certPath: `${resolvePath(store.path)}.ca.pem` };
}

/** Reads a CA pair from two PEM files, or creates both (key 0600) with a new CA when neither exists. */
async function caFromFiles(certFile: string, keyFile: string): Promise<CaPair> {
  const certThere = existsSync(certFile);
  const keyThere = existsSync(keyFile);
  if (!certThere && !keyThere) {
    const pair = await generateCa();
    writeFileSync(keyFile, pair.caKeyPem, { mode: 0o600 });
    writeFileSync(certFile, pair.caCertPem);
    return pair;
  }
  if (certThere !== keyThere) {
    const [there, missing] = certThere ? [certFile, keyFile] : [keyFile, certFile];
    throw new Error(`startEmulator: the CA file '${there}' exists but '${missing}' does not. Pass the certificate and key of one CA, or two paths that do not exist yet to create a new CA there.`);
  }
  const caCertPem = readFileSync(certFile, "utf8");
  const caKeyPem = readFileSync(keyFile, "utf8");
  // Names what is wrong without echoing the files' text (one of them is a private key).
  if (!caCertPem.includes("-----BEGIN CERTIFICATE-----")) throw new Error(`startEmulator: '${certFile}' (--ca-cert) is not a PEM certificate.`);
  if (!/-----BEGIN (EC |RSA )?PRIVATE KEY-----/.test(caKeyPem)) throw new Error(`startEmulator: '${keyFile}' (--ca-key) is not a PEM private key.`);
  return { caCertPem, caKeyPem };
}

/** The seed an option names: the object checked, or the JSON file read and checked (errors never echo the file). */
export function loadSeed(seed: EmulatorSeed | string | undefined): EmulatorSeed {
  if (seed === undefined) return {};
  if (typeof seed !== "string") return validateSeed(seed, "seed");
  let text: string;
  try {
    text = readFileSync(seed, "utf8");
  } catch (e) {
    throw new Error(`Emulator seed file '${seed}' cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). Pass the path of a JSON seed file.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(`Emulator seed file '${seed}' is not valid JSON: ${jsonSyntaxReason(e)}.`);
  }
  return validateSeed(parsed, `seed file '${seed}'`);
}

/** Checks the seed's shape, listing every problem at once. */
function validateSeed(seed: unknown, what: string): EmulatorSeed {
  if (typeof seed !== "object" || seed === null || Array.isArray(seed)) {
    throw new Error(`Emulator ${what} must be a JSON object with subscriptions, resourceGroups, registries and/or principals.`);
  }
  const s = seed as Record<string, unknown>;
  const problems: string[] = [];
  const known = ["subscriptions", "resourceGroups", "registries", "principals"];
  for (const key of Object.keys(s)) if (!known.includes(key)) problems.push(`unknown key '${key}' (known: ${known.join(", ")})`);
  const required: Record<string, string[]> = { subscriptions: ["id"], resourceGroups: ["name"], registries: ["resourceGroup", "name"], principals: ["clientId"] };
  for (const [key, fields] of Object.entries(required)) {
    const list = s[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      problems.push(`'${key}' must be an array`);
      continue;
    }
    list.forEach((item: unknown, i) => {
      if (typeof item !== "object" || item === null) problems.push(`${key}[${i}] must be an object`);
      else for (const f of fields) if (typeof (item as Record<string, unknown>)[f] !== "string") problems.push(`${key}[${i}].${f} must be a string`);
    });
  }
  if (problems.length > 0) throw new Error(`Emulator ${what} is invalid:\n${problems.map((p, i) => `  ${i + 1}. ${p}`).join("\n")}`);
  return s as EmulatorSeed;
}

/** Adds the seeded subscriptions, groups and registries that do not exist yet (a loaded state wins). */
function applySeed(env: RouteEnv, seed: EmulatorSeed, subs: NonNullable<EmulatorSeed["subscriptions"]>, defaultSub: string, tenantId: string): void {
  const { store } = env;
  for (const s of subs) {
    if (!store.subscriptions.get(subscriptionId(s.id))) {
      store.subscriptions.put(subscriptionId(s.id), { subscriptionId: s.id, tenantId: s.tenantId ?? tenantId, displayName: s.displayName ?? "acr-tokens emulator" });
    }
  }
  for (const g of seed.resourceGroups ?? []) {
    const sub = g.subscriptionId ?? defaultSub;
    if (!store.subscriptions.get(subscriptionId(sub))) throw new Error(`Emulator seed: resource group '${g.name}' names subscription '${sub}', which the seed does not list.`);
    const id = resourceGroupId(sub, g.name);
    if (!store.resourceGroups.get(id)) store.resourceGroups.put(id, { subscriptionId: sub, name: g.name, location: g.location ?? "eastus", tags: {} });
  }
  const at = formatTicks(ticksFromClock(env.clock.now()));
  const systemData: SystemData = { createdBy: "seed", createdByType: "Application", createdAt: at, lastModifiedBy: "seed", lastModifiedByType: "Application", lastModifiedAt: at };
  for (const r of seed.registries ?? []) {
    const sub = r.subscriptionId ?? defaultSub;
    const rg = store.resourceGroups.get(resourceGroupId(sub, r.resourceGroup));
    if (!rg) throw new Error(`Emulator seed: registry '${r.name}' names resource group '${r.resourceGroup}', which the seed does not list. Add it to resourceGroups.`);
    if (r.sku !== undefined && !["Basic", "Standard", "Premium"].includes(r.sku)) throw new Error(`Emulator seed: registry '${r.name}' has sku '${String(r.sku)}'; use Basic, Standard or Premium.`);
    if (store.registries.get(registryId(sub, rg.name, r.name))) continue;
    createRegistry(
      env,
      {
        subscriptionId: sub,
        resourceGroup: rg.name,
        name: r.name,
        location: r.location ?? rg.location,
        sku: r.sku ?? "Premium",
        tags: {},
        adminUserEnabled: false,
        anonymousPullEnabled: false,
        dataEndpointEnabled: false,
        publicNetworkAccess: "Enabled",
      },
      systemData,
    );
  }
}
