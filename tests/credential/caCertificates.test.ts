import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tls from "node:tls";
import { CaCertificateCache, SETTLE_MS, type CaFileSystem } from "../../components/credential/caCertificates";
import { clearCredentialCache, CredentialSettingsErrorName, resolveCredential, type ResolvedCredential } from "../../components/credential";
import { armClientFor } from "../../components/arm/client";
import { jwt, NOW } from "./fixtures";

/** A PEM-shaped certificate (the cache only checks for the BEGIN line; TLS itself is covered by emulator.test.ts). */
const pem = (body: string): string => `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
const SUB = "3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b";

describe("credential: the caCertFile trust is re-read only when the file changes", () => {
  const dir = fs.mkdtempSync(join(tmpdir(), "acr-tokens-ca-"));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** `node:fs`, counting the calls the cache makes. */
  function countingFs(): CaFileSystem & { stats: number; reads: number } {
    const counter = {
      stats: 0,
      reads: 0,
      statSync(path: string, options: { bigint: true }): fs.BigIntStats {
        counter.stats++;
        return fs.statSync(path, options);
      },
      readFileSync(path: string, encoding: "utf8"): string {
        counter.reads++;
        return fs.readFileSync(path, encoding);
      },
    };
    return counter;
  }

  /**
   * The cache's clock in the tests where every file has settled: well after any file time (its change
   * time is the real time of the last write, which utimes cannot move back).
   */
  const settled = (): number => Date.now() + 10 * SETTLE_MS;

  /** Writes the file and sets its modification time to `atMs`. */
  function write(path: string, content: string, atMs: number): void {
    fs.writeFileSync(path, content);
    fs.utimesSync(path, atMs / 1000, atMs / 1000);
  }
  const setting = (path: string) => ({ value: path, source: "ACR_TOKENS_CA_CERT_FILE", name: "ACR_TOKENS_CA_CERT_FILE" });
  const hourAgo = NOW - 3_600_000;

  it("an unchanged file is stat-ed, not read or hashed again: the same trust object and key", () => {
    const file = join(dir, "unchanged.pem");
    write(file, pem("AAAA"), hourAgo);
    const io = countingFs();
    const cache = new CaCertificateCache(io, settled);
    const first = cache.read(setting(file));
    for (let i = 0; i < 5; i++) {
      const again = cache.read(setting(file));
      assert.equal(again.tlsOptions, first.tlsOptions, "the trust was rebuilt");
      assert.equal(again.key, first.key);
    }
    assert.equal(io.reads, 1);
    assert.equal(io.stats, 6);
  });

  it("the trust is Node's default roots plus the file, and the key hashes the file alone", () => {
    const a = join(dir, "a.pem");
    const b = join(dir, "b.pem");
    write(a, pem("SAME"), hourAgo);
    write(b, pem("SAME"), hourAgo);
    const cache = new CaCertificateCache(countingFs(), settled);
    const ca = cache.read(setting(a)).tlsOptions.ca as string[];
    const roots = typeof tls.getCACertificates === "function" ? tls.getCACertificates("default") : tls.rootCertificates;
    assert.deepEqual(ca, [...roots, pem("SAME")]);
    assert.equal(cache.read(setting(b)).key, cache.read(setting(a)).key, "same content, different key");
  });

  it("a file rewritten in place, or replaced by a rename, gives a new trust and key on the next read", () => {
    const file = join(dir, "rotated.pem");
    write(file, pem("OLD"), hourAgo);
    const io = countingFs();
    const cache = new CaCertificateCache(io, settled);
    const old = cache.read(setting(file));

    write(file, pem("NEW"), hourAgo + 1000);
    const rewritten = cache.read(setting(file));
    assert.notEqual(rewritten.key, old.key);
    assert.equal((rewritten.tlsOptions.ca as string[]).at(-1), pem("NEW"));

    const next = join(dir, "rotated.pem.tmp");
    write(next, pem("NEWER"), hourAgo + 2000);
    fs.renameSync(next, file);
    const renamed = cache.read(setting(file));
    assert.notEqual(renamed.key, rewritten.key);
    assert.equal((renamed.tlsOptions.ca as string[]).at(-1), pem("NEWER"));
    assert.equal(io.reads, 3);
  });

  it("a touched file is read again but keeps its trust object when the content is the same", () => {
    const file = join(dir, "touched.pem");
    write(file, pem("T"), hourAgo);
    const io = countingFs();
    const cache = new CaCertificateCache(io, settled);
    const first = cache.read(setting(file));
    fs.utimesSync(file, (hourAgo + 5000) / 1000, (hourAgo + 5000) / 1000);
    assert.equal(cache.read(setting(file)).tlsOptions, first.tlsOptions);
    assert.equal(io.reads, 2);
  });

  it(`a file changed less than ${SETTLE_MS} ms before it was read is read again until it settles (a same-size rewrite in one time tick is not missed)`, () => {
    const file = join(dir, "racy.pem");
    fs.writeFileSync(file, pem("R1"));
    const { mtimeMs } = fs.statSync(file);
    const io = countingFs();
    // The clock stands still just after the write, so the file stays young until the test moves it.
    let now = Date.now();
    const cache = new CaCertificateCache(io, () => now);
    const first = cache.read(setting(file));
    // Same size, same modification time: only the content (and the change time, maybe within the same tick) differs.
    fs.writeFileSync(file, pem("R2"));
    fs.utimesSync(file, mtimeMs / 1000, mtimeMs / 1000);
    const second = cache.read(setting(file));
    assert.notEqual(second.key, first.key, "a rewrite of a young file was missed");
    assert.equal(io.reads, 2);
    now = Date.now() + SETTLE_MS;
    cache.read(setting(file));
    assert.equal(io.reads, 3, "read once more to settle");
    cache.read(setting(file));
    cache.read(setting(file));
    assert.equal(io.reads, 3, "a settled file was read again");
  });

  it("refuses a missing file or one without a certificate, naming the setting", () => {
    const cache = new CaCertificateCache(countingFs(), settled);
    const missing = join(dir, "missing.pem");
    assert.throws(() => cache.read(setting(missing)), (err: Error) => {
      assert.equal(err.name, CredentialSettingsErrorName);
      assert.ok(err.message.startsWith(`ACR_TOKENS_CA_CERT_FILE names a file that cannot be read ("${missing}": ENOENT).`), err.message);
      return true;
    });
    const empty = join(dir, "empty.pem");
    write(empty, "not a certificate\n", hourAgo);
    assert.throws(() => cache.read(setting(empty)), /ACR_TOKENS_CA_CERT_FILE \(".*empty\.pem"\) holds no PEM certificate\./);
  });

  describe("through resolveCredential and the providers' ARM client", () => {
    beforeEach(() => clearCredentialCache());

    async function resolve(file: string): Promise<ResolvedCredential> {
      return resolveCredential({
        env: { ACR_TOKENS_ACCESS_TOKEN: jwt(), ACR_TOKENS_CA_CERT_FILE: file, ACR_TOKENS_ARM_ENDPOINT: "https://127.0.0.1:9" },
        now: () => new Date(NOW),
      });
    }

    it("an unchanged CA file keeps the credential and the ARM client; a changed one gets a new client that trusts the new CA", async () => {
      const file = join(dir, "provider.pem");
      write(file, pem("P1"), Date.now() - 3_600_000);
      const first = await resolve(file);
      const client = armClientFor(first, SUB);
      const again = await resolve(file);
      assert.equal(again, first, "an unchanged CA file resolved a new credential");
      assert.equal(armClientFor(again, SUB), client, "an unchanged CA file built a new ARM client");

      write(file, pem("P2"), Date.now() - 1_800_000);
      const changed = await resolve(file);
      assert.notEqual(changed, first, "a changed CA file kept the old credential");
      assert.equal((changed.tlsOptions?.ca as string[]).at(-1), pem("P2"));
      assert.notEqual(armClientFor(changed, SUB), client, "a changed CA file kept the old ARM client");
    });

    it("the identity path too: a changed CA file is a new credential", async () => {
      const file = join(dir, "identity.pem");
      write(file, pem("I1"), Date.now() - 3_600_000);
      const env = { ACR_TOKENS_CREDENTIAL: "environment", ACR_TOKENS_CA_CERT_FILE: file };
      const first = await resolveCredential({ env });
      assert.equal(await resolveCredential({ env }), first);
      write(file, pem("I2"), Date.now() - 1_800_000);
      const changed = await resolveCredential({ env });
      assert.notEqual(changed, first);
      assert.equal((changed.tlsOptions?.ca as string[]).at(-1), pem("I2"));
    });
  });
});
