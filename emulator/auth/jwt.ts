import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from "node:crypto";

/*
 * RS256 JSON Web Tokens, hand-written on node:crypto: signing and verifying RS256 is one
 * `crypto.sign`/`crypto.verify` call each, so a JWT library would only add a dependency for
 * base64url and JSON. Only what the emulator issues and checks is supported (RS256, compact form).
 */

/** A key pair the emulator signs tokens with, and the `kid` that names it in headers and the JWKS. */
export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** The protected header of a token. */
export interface JwtHeader {
  typ?: unknown;
  alg?: unknown;
  kid?: unknown;
  x5t?: unknown;
}

/** A compact JWT split into its parts; claims are not type-checked yet. */
export interface DecodedJwt {
  header: JwtHeader;
  claims: Record<string, unknown>;
  /** `base64url(header) + "." + base64url(payload)`: the bytes the signature covers. */
  signingInput: string;
  signature: Buffer;
}

/** A public key in JWKS form, as Entra publishes at `/discovery/v2.0/keys`. */
export interface PublicJwk {
  kty: "RSA";
  use: "sig";
  alg: "RS256";
  kid: string;
  x5t: string;
  n: string;
  e: string;
}

/** Generates an RSA-2048 key pair; `kid` is its RFC 7638 JWK thumbprint (SHA-256, base64url). */
export function createSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { kid: thumbprintOf(publicKey), privateKey, publicKey };
}

/** The PKCS#8 PEM of `key`'s private half, for {@link signingKeyFromPem} (the emulator's state file). */
export function signingKeyToPem(key: SigningKey): string {
  return key.privateKey.export({ format: "pem", type: "pkcs8" }).toString();
}

/**
 * The signing key whose private half `pem` (PKCS#8) holds; same `kid` as when it was created.
 * Throws a message naming `source` when `pem` is not an RSA private key.
 */
export function signingKeyFromPem(pem: string, source: string): SigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (e) {
    throw new Error(`${source}: the token-signing key is not a PEM private key (${(e as Error).message}). Delete the file to start with a new key.`, { cause: e });
  }
  if (privateKey.asymmetricKeyType !== "rsa") {
    throw new Error(`${source}: the token-signing key is ${String(privateKey.asymmetricKeyType)}, not RSA. Delete the file to start with a new key.`);
  }
  const publicKey = createPublicKey(privateKey);
  return { kid: thumbprintOf(publicKey), privateKey, publicKey };
}

/** RFC 7638 JWK thumbprint (SHA-256, base64url) of an RSA public key. */
function thumbprintOf(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: "jwk" });
  // RFC 7638: the required members in lexicographic order, no whitespace.
  const thumbprint = JSON.stringify({ e: jwk.e, kty: "RSA", n: jwk.n });
  return createHash("sha256").update(thumbprint).digest("base64url");
}

/** The public half of `key` as a JWKS entry (`x5t` repeats `kid`, as Entra's entries do). */
export function publicJwk(key: SigningKey): PublicJwk {
  const jwk = key.publicKey.export({ format: "jwk" });
  if (typeof jwk.n !== "string" || typeof jwk.e !== "string") throw new Error("RSA public key export lacks n/e");
  return { kty: "RSA", use: "sig", alg: "RS256", kid: key.kid, x5t: key.kid, n: jwk.n, e: jwk.e };
}

/** Signs `claims` with `key` (RS256) and returns the compact token. */
export function signJwt(key: SigningKey, claims: object): string {
  const header = { typ: "JWT", alg: "RS256", x5t: key.kid, kid: key.kid };
  const signingInput = `${b64json(header)}.${b64json(claims)}`;
  const signature = sign("sha256", Buffer.from(signingInput), key.privateKey);
  return `${signingInput}.${signature.toString("base64url")}`;
}

/** Splits and parses a compact JWT; undefined when it is not three base64url parts with JSON objects. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  const [h, p, s] = parts as [string, string, string];
  const base64url = /^[A-Za-z0-9_-]*$/;
  if (!h || !p || !base64url.test(h) || !base64url.test(p) || !base64url.test(s)) return undefined;
  const header = parseObject(h);
  const claims = parseObject(p);
  if (!header || !claims) return undefined;
  return { header, claims, signingInput: `${h}.${p}`, signature: Buffer.from(s, "base64url") };
}

/** True when `jwt` is RS256 and signed by the key its `kid` names in `keys`. */
export function verifyJwtSignature(jwt: DecodedJwt, keys: ReadonlyMap<string, KeyObject>): boolean {
  if (jwt.header.alg !== "RS256" || typeof jwt.header.kid !== "string") return false;
  const key = keys.get(jwt.header.kid);
  if (!key || jwt.signature.length === 0) return false;
  return verify("sha256", Buffer.from(jwt.signingInput), key, jwt.signature);
}

function b64json(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

function parseObject(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
