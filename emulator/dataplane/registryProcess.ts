import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";

/**
 * One Debian `docker-registry` (CNCF distribution 2.8) per emulated registry: it stores blobs and
 * manifests and enforces the access claims of the JWTs the emulator's token server signs
 * (distribution's `auth.token`: realm, service, issuer, rootcertbundle). It listens on a unix socket
 * in the registry's folder, so only the emulator's front listener (which also serves `/oauth2/token`,
 * as ACR serves it on the login server) reaches it.
 */

/** The command that installs the registry server on Debian, for error messages and skipped tests. */
export const INSTALL_REGISTRY = "apt-get install -y docker-registry";

/** The registry binary: `ACR_TOKENS_EMULATOR_REGISTRY_BIN`, else `docker-registry` on the PATH. */
export function registryBinary(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const given = env.ACR_TOKENS_EMULATOR_REGISTRY_BIN?.trim();
  if (given) return given;
  const found = spawnSync("sh", ["-c", "command -v docker-registry"], { encoding: "utf8" });
  return found.status === 0 && found.stdout.trim() !== "" ? found.stdout.trim() : undefined;
}

/** Settings of one registry server. */
export interface RegistryProcessOptions {
  binary: string;
  /** Folder for the config, storage and socket (created if missing). */
  dir: string;
  /** `WWW-Authenticate` realm: the token endpoint on the login server. */
  realm: string;
  /** `service` (JWT audience): the login server. */
  service: string;
  /** JWT issuer. */
  issuer: string;
  /** PEM of the certificate whose key signs the JWTs (distribution's rootcertbundle). */
  signingCertPem: string;
}

/** A running registry server. */
export interface RegistryProcess {
  /** Unix socket the server listens on. */
  socketPath: string;
  /** Stops the server (SIGTERM to this one process). */
  stop(): void;
}

/** Writes the config and starts the server; resolves once it answers `GET /v2/`. */
export async function startRegistryProcess(o: RegistryProcessOptions): Promise<RegistryProcess> {
  mkdirSync(join(o.dir, "storage"), { recursive: true });
  const socketPath = join(o.dir, "registry.sock");
  const bundle = join(o.dir, "token-signing.pem");
  writeFileSync(bundle, o.signingCertPem);
  const config = join(o.dir, "config.yml");
  // JSON is YAML: no YAML writer needed. `relativeurls` keeps Location headers valid behind the front listener.
  writeFileSync(
    config,
    JSON.stringify(
      {
        version: 0.1,
        log: { level: "error", accesslog: { disabled: true } },
        storage: { filesystem: { rootdirectory: join(o.dir, "storage") }, delete: { enabled: true }, cache: { blobdescriptor: "inmemory" } },
        http: { net: "unix", addr: socketPath, secret: randomBytes(24).toString("hex"), relativeurls: true },
        auth: { token: { realm: o.realm, service: o.service, issuer: o.issuer, rootcertbundle: bundle } },
      },
      null,
      2,
    ),
  );
  const child: ChildProcess = spawn(o.binary, ["serve", config], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (d: string) => {
    stderr = (stderr + d).slice(-4000);
  });
  let exited: string | undefined;
  child.once("exit", (code, signal) => {
    exited = signal ?? String(code);
  });
  child.once("error", (e) => {
    exited = (e as NodeJS.ErrnoException).code ?? e.message;
  });
  // A test process that dies without close() must not leave registry servers behind.
  const onExit = (): void => {
    child.kill("SIGTERM");
  };
  process.once("exit", onExit);
  const stop = (): void => {
    process.off("exit", onExit);
    if (exited === undefined) child.kill("SIGTERM");
  };

  // Poll the socket until it answers (real time: the server's own start-up, not emulated time).
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (exited !== undefined) {
      stop();
      throw new Error(`docker-registry (${o.binary}) exited at start (${exited}): ${stderr.trim().slice(-1000) || "no output"}. Check the binary, or install it: ${INSTALL_REGISTRY}`);
    }
    if (existsSync(socketPath) && (await answers(socketPath))) break;
    if (Date.now() > deadline) {
      stop();
      throw new Error(`docker-registry (${o.binary}) did not answer on ${socketPath} within 15 s: ${stderr.trim().slice(-1000) || "no output"}`);
    }
    await delay(25);
  }
  return { socketPath, stop };
}

function answers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: "/v2/", method: "GET" }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on("error", () => resolve(false));
    req.end();
  });
}
