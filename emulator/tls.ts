import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generate } from "selfsigned";

/** The TLS material of one emulator run. */
export interface TlsMaterial {
  /** The CA certificate clients trust (PEM). */
  caCertPem: string;
  /** A file holding `caCertPem`, for NODE_EXTRA_CA_CERTS / REQUESTS_CA_BUNDLE (temporary unless a path was given). */
  caCertPath: string;
  /** The server certificate (PEM), issued by the CA for IP:127.0.0.1 and DNS:localhost. */
  certPem: string;
  keyPem: string;
  /** Removes the temporary folder holding `caCertPath` (a given path is kept). */
  dispose(): void;
}

/** A CA certificate and its private key (PEM). */
export interface CaPair {
  caCertPem: string;
  caKeyPem: string;
}

/** Key and validity of every certificate the emulator makes: EC P-256, valid from yesterday for 825 days. */
function keyAndValidity(now: Date) {
  return {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate: new Date(now.getTime() - 86_400_000),
    notAfterDate: new Date(now.getTime() + 825 * 86_400_000),
  } as const;
}

/** Generates the emulator's CA: EC P-256, valid from yesterday for 825 days. */
export async function generateCa(now = new Date()): Promise<CaPair> {
  const ca = await generate([{ name: "commonName", value: "acr-tokens emulator CA" }], {
    ...keyAndValidity(now),
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  return { caCertPem: ca.cert, caKeyPem: ca.private };
}

/**
 * Issues a server certificate from a CA: the given one, or a CA generated now. A separate CA
 * (rather than one self-signed leaf) is what Python's `requests` and Node both accept as a
 * trust anchor while still validating the leaf's SAN.
 */
export async function createTlsMaterial(given?: { caCertPem?: string; caKeyPem?: string }, caCertPath?: string): Promise<TlsMaterial> {
  if ((given?.caCertPem === undefined) !== (given?.caKeyPem === undefined)) {
    throw new Error("startEmulator: tls needs both caCertPem and caKeyPem (the CA issues the server certificate), or neither to generate a CA.");
  }
  const now = new Date();
  const { caCertPem, caKeyPem } = given?.caCertPem !== undefined && given.caKeyPem !== undefined ? (given as CaPair) : await generateCa(now);
  const leaf = await generate([{ name: "commonName", value: "localhost" }], {
    ...keyAndValidity(now),
    ca: { cert: caCertPem, key: caKeyPem },
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }, { type: 2, value: "localhost" }] },
    ],
  });
  if (caCertPath !== undefined) {
    writeFileSync(caCertPath, caCertPem);
    return { caCertPem, caCertPath, certPem: leaf.cert, keyPem: leaf.private, dispose: () => undefined };
  }
  const dir = mkdtempSync(join(tmpdir(), "acr-tokens-emulator-"));
  const tempPath = join(dir, "ca.pem");
  writeFileSync(tempPath, caCertPem);
  return {
    caCertPem,
    caCertPath: tempPath,
    certPem: leaf.cert,
    keyPem: leaf.private,
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
