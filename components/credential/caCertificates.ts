import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as tls from "node:tls";
import type { TlsSettings } from "@azure/core-rest-pipeline";
import { CredentialSettingsError } from "./errors";
import { displayValue, FILE_PATH_SHAPE, type Setting } from "./settings";

/**
 * The extra CA of `acr-tokens:caCertFile` / `ACR_TOKENS_CA_CERT_FILE`, read for every credential
 * resolution (every provider call) but cheaply:
 *
 * - A `stat` per call. The file is read again only when its identity or stamp changed (device, inode,
 *   size, modification and change time), so a CA file rewritten in place or replaced by a rename is
 *   picked up on the next call within the same provider process, and an unchanged one costs one `stat`.
 *   File times move in kernel ticks (a few ms; 2 s on some network and FAT file systems), so a
 *   same-size rewrite right after a read could keep every field. As git does for its index ("racy
 *   git"), a stamp younger than {@link SETTLE_MS} when it was read is not trusted: such a file is read
 *   again on every call until its stamp is old enough.
 * - The cache key is a SHA-256 of the PEM file's content alone, not of the trust list built from it:
 *   the default roots (about 150 certificates, 200 kB) are the same for the whole process, so hashing
 *   them on every call bought nothing. Equal content gives the same key, and so the same memoized
 *   credential and ARM client (components/arm/client.ts caches clients per resolved credential);
 *   changed content a new key, a new credential and a new client that trusts the new CA.
 * - The trust list (Node's default roots plus the PEM) is built only when the content changed, and the
 *   same `TlsSettings` object is returned until then.
 */

/** The file-system calls the cache makes; tests count them. */
export interface CaFileSystem {
  statSync(path: string, options: { bigint: true }): fs.BigIntStats;
  readFileSync(path: string, encoding: "utf8"): string;
}

/** The extra trust of one CA file version. */
export interface CaCertificates {
  /** Node's default roots plus the PEM, for the ARM client and the identity credential. */
  tlsOptions: TlsSettings;
  /** SHA-256 of the PEM (base64url): the part of the credential's cache key that stands for the trust. */
  key: string;
}

interface Entry extends CaCertificates {
  stamp: string;
  /** The stamp was old enough when read to be trusted (see {@link SETTLE_MS}). */
  settled: boolean;
}

/** How old a file's modification/change time must be before an unchanged stamp is taken to mean unchanged content. */
export const SETTLE_MS = 2000;

/**
 * Reads CA files, re-reading one only when its stat changed (see the file's comment).
 *
 * Internal. Exported for testing.
 */
export class CaCertificateCache {
  readonly #entries = new Map<string, Entry>();

  /**
   * @param fileSystem - The file-system calls (default `node:fs`).
   * @param now - The current time in ms (default `Date.now`), compared with the file's times.
   */
  constructor(
    private readonly fileSystem: CaFileSystem = fs,
    private readonly now: () => number = Date.now,
  ) {}

  /** The trust for the file the setting names; throws a {@link CredentialSettingsError} when it is unreadable or holds no certificate. */
  read(setting: Setting): CaCertificates {
    const path = setting.value;
    let stamp: string;
    let changedAtMs: number;
    try {
      const s = this.fileSystem.statSync(path, { bigint: true });
      stamp = `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
      changedAtMs = Number((s.mtimeNs > s.ctimeNs ? s.mtimeNs : s.ctimeNs) / 1_000_000n);
    } catch (err) {
      throw unreadable(setting, err);
    }
    const cached = this.#entries.get(path);
    if (cached && cached.settled && cached.stamp === stamp) return cached;

    let pem: string;
    try {
      pem = this.fileSystem.readFileSync(path, "utf8");
    } catch (err) {
      throw unreadable(setting, err);
    }
    if (!pem.includes("-----BEGIN CERTIFICATE-----")) {
      throw new CredentialSettingsError(`${setting.source} (${displayValue(path, FILE_PATH_SHAPE).text}) holds no PEM certificate. Point it at a PEM file with -----BEGIN CERTIFICATE----- blocks.`);
    }
    const key = createHash("sha256").update(pem).digest("base64url");
    // Touched but not changed: keep the trust object (and so the credential and client keyed by it).
    const settled = this.now() - changedAtMs >= SETTLE_MS;
    const tlsOptions = cached && cached.key === key ? cached.tlsOptions : { ca: [...defaultRoots(), pem] };
    const entry: Entry = { key, stamp, settled, tlsOptions };
    this.#entries.set(path, entry);
    return entry;
  }
}

/** `ca` replaces Node's trust store for the client, so the default roots stay next to the extra CA. */
function defaultRoots(): readonly string[] {
  return typeof tls.getCACertificates === "function" ? tls.getCACertificates("default") : tls.rootCertificates;
}

function unreadable(setting: Setting, err: unknown): CredentialSettingsError {
  return new CredentialSettingsError(
    `${setting.source} names a file that cannot be read (${displayValue(setting.value, FILE_PATH_SHAPE).text}: ${(err as NodeJS.ErrnoException).code ?? "error"}). ` +
      `Point it at a PEM file of the CA certificates to trust (the emulator reports its caCertPath), or unset it.`,
    { cause: err },
  );
}
