import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { accessSync, constants, mkdirSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { delimiter, join } from "node:path";
import { gzipSync } from "node:zlib";

/**
 * Real registry clients for the data-plane tests: Debian's `skopeo`, run against the emulator's
 * registry listeners, and a small OCI image layout written to disk for it to copy.
 *
 * Internal to the tests (tests/emulator/dataplane/*.test.ts, tests/e2e/rotationPulls.test.ts) and bench.
 */

/** The command that installs what these tests need (what `.ci/run` does). */
export const REGISTRY_CLIENTS_INSTALL = "sudo apt-get install skopeo docker-registry";

/** An executable on PATH, or undefined. */
export function onPath(name: string, path: string | undefined = process.env.PATH): string | undefined {
  for (const dir of (path ?? "").split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Which of skopeo and docker-registry are missing from PATH. */
export function missingRegistryTools(): string[] {
  return ["skopeo", "docker-registry"].filter((t) => onPath(t) === undefined);
}

/**
 * For a `describe` body: true when the tools are present. Otherwise registers one failing test under
 * CI=true, or prints loudly what is skipped and how to install it, and returns false.
 */
export function requireRegistryTools(what: string): boolean {
  const missing = missingRegistryTools();
  if (missing.length === 0) return true;
  if (process.env.CI === "true") {
    it(`has ${missing.join(" and ")} installed (required under CI=true)`, function () {
      throw new Error(`${missing.join(" and ")} not on PATH, and CI=true requires ${missing.length > 1 ? "them" : "it"} for ${what}. Install with: ${REGISTRY_CLIENTS_INSTALL}`);
    });
  } else {
    console.warn(
      [
        "",
        `!!! SKIPPED: ${what} — ${missing.join(" and ")} not on PATH.`,
        `!!! Install with: ${REGISTRY_CLIENTS_INSTALL}   (under CI=true these tests fail instead)`,
        "",
      ].join("\n"),
    );
  }
  return false;
}

function sha256(b: Buffer | string): string {
  return createHash("sha256").update(b).digest("hex");
}

/** A one-file tar archive (ustar), hand-built: two 512-byte headers' worth of code, no tar dependency. */
function tarOneFile(name: string, content: Buffer): Buffer {
  const header = Buffer.alloc(512, 0);
  const put = (s: string, off: number, len: number) => header.write(s, off, Math.min(len, Buffer.byteLength(s)), "ascii");
  put(name, 0, 100);
  put("0000644\0", 100, 8);
  put("0000000\0", 108, 8);
  put("0000000\0", 116, 8);
  put(content.length.toString(8).padStart(11, "0") + "\0", 124, 12);
  put("00000000000\0", 136, 12);
  put("        ", 148, 8);
  put("0", 156, 1);
  put("ustar\0", 257, 6);
  put("00", 263, 2);
  let sum = 0;
  for (const b of header) sum += b;
  put(sum.toString(8).padStart(6, "0") + "\0 ", 148, 8);
  const pad = Buffer.alloc((512 - (content.length % 512)) % 512, 0);
  return Buffer.concat([header, content, pad, Buffer.alloc(1024, 0)]);
}

/**
 * Writes an OCI image layout (one layer holding `/hello.txt` = `text`) at `dir` with tag `tag`, and
 * returns the manifest digest. Different `text` gives a different image.
 */
export function writeOciLayout(dir: string, tag: string, text: string): string {
  const blobs = join(dir, "blobs", "sha256");
  mkdirSync(blobs, { recursive: true });
  const blob = (b: Buffer | string): { digest: string; size: number } => {
    const buf = Buffer.isBuffer(b) ? b : Buffer.from(b);
    const hex = sha256(buf);
    writeFileSync(join(blobs, hex), buf);
    return { digest: `sha256:${hex}`, size: buf.length };
  };
  const tar = tarOneFile("hello.txt", Buffer.from(text));
  const layer = blob(gzipSync(tar, { level: 9 }));
  const config = blob(JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [`sha256:${sha256(tar)}`] }, config: {} }));
  const manifest = blob(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: { mediaType: "application/vnd.oci.image.config.v1+json", ...config },
      layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", ...layer }],
    }),
  );
  writeFileSync(join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  writeFileSync(
    join(dir, "index.json"),
    JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: "application/vnd.oci.image.manifest.v1+json", ...manifest, annotations: { "org.opencontainers.image.ref.name": tag } }] }),
  );
  return manifest.digest;
}

/** One finished skopeo run. Its output never holds the password (it is passed in an auth file). */
export interface SkopeoResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * skopeo bound to a working folder: credentials go to a per-call auth file (never the command line),
 * the emulator's CA to a cert dir (`ca.crt`), and the signature policy is skipped.
 */
export class Skopeo {
  private calls = 0;

  constructor(
    private readonly workDir: string,
    /** The emulator's CA (PEM); empty for a plain-http emulator (then TLS verification is off). */
    private readonly caCertPem: string,
  ) {
    mkdirSync(workDir, { recursive: true });
    if (caCertPem) {
      mkdirSync(join(workDir, "certs"), { recursive: true });
      writeFileSync(join(workDir, "certs", "ca.crt"), caCertPem);
    }
  }

  /** Copies `from` to `to` (skopeo transport references), logging in to `loginServer` as `creds` (if given). */
  copy(from: string, to: string, loginServer: string, creds?: { username: string; password: string }): Promise<SkopeoResult> {
    const side = to.startsWith("docker://") ? "dest" : "src";
    return this.run(["copy", "--retry-times", "0", ...this.tlsArgs(side), ...this.authArgs(side, loginServer, creds), from, to]);
  }

  /** `skopeo list-tags docker://<loginServer>/<repo>`. */
  listTags(loginServer: string, repo: string, creds?: { username: string; password: string }): Promise<SkopeoResult> {
    return this.run(["list-tags", ...this.tlsArgs(""), ...this.authArgs("", loginServer, creds), `docker://${loginServer}/${repo}`]);
  }

  private tlsArgs(side: "src" | "dest" | ""): string[] {
    const flag = (n: string) => (side ? `--${side}-${n}` : `--${n}`);
    return this.caCertPem ? [flag("cert-dir"), join(this.workDir, "certs")] : [`${flag("tls-verify")}=false`];
  }

  private authArgs(side: "src" | "dest" | "", loginServer: string, creds?: { username: string; password: string }): string[] {
    const flag = side ? `--${side}-authfile` : "--authfile";
    const file = join(this.workDir, `auth-${++this.calls}.json`);
    const auths = creds ? { [loginServer]: { auth: Buffer.from(`${creds.username}:${creds.password}`).toString("base64") } } : {};
    writeFileSync(file, JSON.stringify({ auths }), { mode: 0o600 });
    return [flag, file];
  }

  private run(args: string[]): Promise<SkopeoResult> {
    return new Promise((resolve) => {
      execFile(
        "skopeo",
        ["--insecure-policy", ...args],
        { env: { PATH: process.env.PATH, HOME: this.workDir, XDG_RUNTIME_DIR: this.workDir, TMPDIR: this.workDir }, timeout: 60_000 },
        (err, stdout, stderr) => {
          const code = err ? (typeof (err as NodeJS.ErrnoException & { code?: unknown }).code === "number" ? Number((err as { code?: unknown }).code) : 1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
    });
  }
}

/** The outcome of {@link pullImage}: which step failed with which HTTP status (never a credential). */
export type PullResult = { ok: true; digest: string } | { ok: false; step: "token" | "manifest" | "blob" | "digest"; status: number };

function get(url: string, headers: Record<string, string>, ca: string | undefined): Promise<{ status: number; body: Buffer; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = (url.startsWith("https:") ? httpsRequest : httpRequest)(url, { headers, ...(ca ? { ca } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), headers: res.headers }));
      res.on("error", reject);
    });
    req.once("error", reject);
    req.end();
  });
}

/**
 * Pulls `repo:tag` as a registry client does, over HTTP(S) from Node (a few ms, against skopeo's
 * process start, for loops of hundreds of pulls): the token from `/oauth2/token` (Basic auth, scope
 * `repository:<repo>:pull`), the manifest, then the config and every layer, each checked against its digest.
 */
export async function pullImage(loginServer: string, repo: string, tag: string, creds: { username: string; password: string }, caCertPem: string): Promise<PullResult> {
  const base = `${caCertPem ? "https" : "http"}://${loginServer}`;
  const ca = caCertPem || undefined;
  const basic = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString("base64")}`;
  const tokenRes = await get(`${base}/oauth2/token?service=${encodeURIComponent(loginServer)}&scope=${encodeURIComponent(`repository:${repo}:pull`)}`, { Authorization: basic }, ca);
  if (tokenRes.status !== 200) return { ok: false, step: "token", status: tokenRes.status };
  const bearer = { Authorization: `Bearer ${(JSON.parse(tokenRes.body.toString("utf8")) as { access_token: string }).access_token}` };
  const manifestRes = await get(`${base}/v2/${repo}/manifests/${tag}`, { ...bearer, Accept: "application/vnd.oci.image.manifest.v1+json" }, ca);
  if (manifestRes.status !== 200) return { ok: false, step: "manifest", status: manifestRes.status };
  const manifest = JSON.parse(manifestRes.body.toString("utf8")) as { config: { digest: string }; layers: Array<{ digest: string }> };
  for (const { digest } of [manifest.config, ...manifest.layers]) {
    const blob = await get(`${base}/v2/${repo}/blobs/${digest}`, bearer, ca);
    if (blob.status !== 200) return { ok: false, step: "blob", status: blob.status };
    if (`sha256:${sha256(blob.body)}` !== digest) return { ok: false, step: "digest", status: blob.status };
  }
  return { ok: true, digest: `sha256:${sha256(manifestRes.body)}` };
}
