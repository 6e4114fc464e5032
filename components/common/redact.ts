/**
 * The one redaction rule of the package. Every message that may carry a value from an untrusted or
 * secret-capable place — a setting, an input, a CLI argument, an ARM or Entra error message — is
 * built through this module:
 *
 * - **describe, never quote** a value whose place may hold a secret ({@link describe}: "a 40-character
 *   value", its kind and shape, never a character of it);
 * - **quote only what is allow-listed** ({@link show}): a short value of an expected shape with nothing
 *   credential-shaped in it; anything else is described;
 * - **scrub free text** from services before it joins a message ({@link scrub}): bearer tokens, JWTs and
 *   their parts, `Authorization` headers, `user:password@` in URLs, PEM blocks, JSON secret fields,
 *   long random-looking runs (base64, hex, Entra client secrets), and every secret this process has
 *   been handed ({@link rememberSecret});
 * - **a success body of a credential call is never text for a message** (callers describe it by
 *   {@link describeBody}).
 *
 * The boundaries (the providers' methods, the CLI's error output, the components' validation errors)
 * pass each message through {@link redactError} once more, so a path that forgot is still covered.
 */

/** Secrets this process was handed (access tokens, client secrets, generated passwords): scrubbed wherever they appear. */
const known = new Set<string>();
/** The value {@link rememberSecret} was last handed (already in {@link known}, or too short to keep). */
let lastRemembered: string | undefined;
/** The value of each {@link SECRET_ENV_NAMES} variable last remembered: a variable that did not change is skipped. */
const lastEnvValues = new Map<string, string>();

/**
 * Remembers a secret value so {@link scrub} removes it from any message of this process, whatever its
 * shape (a short password, a client secret in the wrong variable). Values under 6 characters are not
 * kept (too short to find without false hits). For a JWT, its parts are remembered too.
 */
export function rememberSecret(value: string | undefined): void {
  if (typeof value !== "string") return;
  // A provider hands the same token on every call: one string comparison instead of a trim and a
  // hash of a 1–2 kB string (bench/README.md, "Where our provider spends beyond the floor").
  if (value === lastRemembered) return;
  lastRemembered = value;
  const v = value.trim();
  if (v.length < 6 || known.has(v)) return; // a provider remembers the same token on every call
  if (known.size > 10_000) {
    // Bounded: a long-lived process rotating thousands of passwords. The environment's secrets are
    // remembered again on the next resolution.
    known.clear();
    lastEnvValues.clear();
  }
  known.add(v);
  if (/^eyJ/.test(v)) for (const part of v.split(".")) if (part.length >= 8) known.add(part);
}

/** Environment variables that hold secrets by design; {@link rememberEnvSecrets} remembers their values. */
export const SECRET_ENV_NAMES = [
  "ACR_TOKENS_ACCESS_TOKEN",
  "AZURE_CLI_ACCESS_TOKEN",
  "AZURE_CLIENT_SECRET",
  "AZURE_CLIENT_CERTIFICATE_PASSWORD",
  "AZURE_PASSWORD",
  "AZURE_FEDERATED_TOKEN",
  "ARM_CLIENT_SECRET",
] as const;

/** Remembers the values of {@link SECRET_ENV_NAMES} found in `env`. */
export function rememberEnvSecrets(env: NodeJS.ProcessEnv): void {
  for (const name of SECRET_ENV_NAMES) {
    const value = env[name];
    if (value === undefined || value === lastEnvValues.get(name)) continue;
    lastEnvValues.set(name, value);
    rememberSecret(value);
  }
}

/** "a 40-character", "an 8-character", "an 11-character": the article for a length. */
export function sized(n: number, noun = "character"): string {
  const spoken = String(n);
  const vowel = spoken.startsWith("8") || n === 11 || n === 18 || (spoken.length % 3 === 2 && /^1[18]/.test(spoken));
  return `${vowel ? "an" : "a"} ${n}-${noun}`;
}

const JWT = /^eyJ[\w-]{4,}(\.[\w-]*){1,2}$/;

/** Character classes of a run: used to tell random-looking material from names and words. */
function classes(s: string): number {
  return (/[a-z]/.test(s) ? 1 : 0) + (/[A-Z]/.test(s) ? 1 : 0) + (/\d/.test(s) ? 1 : 0) + (/[+=~_]/.test(s) ? 1 : 0);
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * True when a run of token characters looks like key material rather than a name, id or word:
 * JWT-shaped; an Entra client secret (`~` in 30+ characters); a piece (between `/`, `.`, `-`) of 16+
 * characters mixing letters and digits; 12+ with base64 `+`/`=`, digits and both cases; or 32+ hex digits.
 */
function randomLooking(run: string): boolean {
  if (run.length < 12) return false;
  if (GUID.test(run)) return false;
  if (/eyJ[\w-]{8,}/.test(run)) return true;
  if (run.includes("~") && run.length >= 30) return true;
  // base64 with "/" splitting it into short pieces: a "+" in a long mixed run is no name or path.
  if (run.length >= 32 && run.includes("+") && /\d/.test(run) && /[a-z]/.test(run) && /[A-Z]/.test(run)) return true;
  for (const piece of run.split(/[/.-]/)) {
    if (piece.length >= 16 && /[a-zA-Z]/.test(piece) && /\d/.test(piece) && classes(piece) >= 3) return true;
    if (piece.length >= 12 && /[+=]/.test(piece) && /\d/.test(piece) && /[a-z]/.test(piece) && /[A-Z]/.test(piece)) return true;
    if (piece.length >= 32 && /^[0-9a-f]+$/i.test(piece)) return true;
    if (piece.length >= 40 && classes(piece) >= 2 && /\d/.test(piece)) return true;
  }
  return false;
}

/** Runs of characters a token, key or password is made of. */
const RUN = /[A-Za-z0-9+/=~_.-]{12,}/g;

/** True when `text` holds anything {@link scrub} would remove. */
export function looksSecret(text: string): boolean {
  return scrub(text) !== text;
}

/**
 * Removes credential-shaped material from free text (an ARM or Entra error message, a parser's
 * message), leaving the rest readable. Each removal is a bracketed description, e.g.
 * `[a 52-character value removed]`.
 */
export function scrub(text: string): string {
  let out = text;
  for (const secret of [...known].sort((a, b) => b.length - a.length)) {
    if (out.includes(secret)) out = out.split(secret).join(`[${sized(secret.length)} secret removed]`);
  }
  out = out
    // PEM blocks (private keys, certificates): never in a message.
    .replace(/-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(-----END [A-Z0-9 ]+-----|$)/g, "[a PEM block removed]")
    // Authorization headers, however quoted: `Authorization: Bearer x`, `"authorization":"x"`, `authorization=x`.
    .replace(/(["']?\b(?:proxy-)?authorization["']?\s*[:=]\s*)(["']?)(?:[A-Za-z-]+\s+)?[^\s"',;}]+\2/gi, "$1$2[header value removed]$2")
    // Schemes with a credential after them.
    .replace(/\b(Bearer|Basic|Digest|SharedKey|SharedAccessSignature|PoP)\s+(?=[A-Za-z0-9+/=~_.:%-]*[\d+/=~_.%])[A-Za-z0-9+/=~_.:%-]{8,}/gi, "$1 [credential removed]")
    // user:password@ in a URL.
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@:]*:[^\s/@]*@/gi, "$1[credentials removed]@")
    // JSON or form fields that hold a secret by name.
    .replace(
      /(["']?\b(?:password|passwd|secret|client_secret|clientSecret|access_token|accessToken|refresh_token|token|value|key|sig|signature)["']?\s*[:=]\s*)(["'])(?:\\.|(?!\2).){4,}?\2/gi,
      "$1$2[value removed]$2",
    );
  // Long random-looking runs: base64 passwords, hex keys, client secrets, JWTs and their parts.
  out = out.replace(RUN, (run) => (randomLooking(run) ? `[${sized(run.length)} value removed]` : run));
  return out;
}

/** The kind of a value, for {@link describe}: never a character of it. */
function kindOf(value: string): string | undefined {
  const v = value.trim();
  if (JWT.test(v.replace(/^bearer\s+/i, ""))) return "shaped like a JWT access token";
  if (v.startsWith("{") || v.startsWith("[")) return "that looks like JSON";
  if (v.includes("-----BEGIN")) return "that holds a PEM block";
  if (/^[a-z][a-z0-9+.-]*:\/\/[^\s/@]*@/i.test(v)) return "shaped like a URL with credentials in it";
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v)) return "shaped like a URL";
  if (/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]/.test(value)) return "with invisible or control characters in it";
  if (/\s/.test(v)) return "with spaces in it";
  if (/^-?\d+(\.\d+)?$/.test(v)) return "of digits";
  if (randomLooking(v) || known.has(v)) return "that looks like a password or key";
  return undefined;
}

/**
 * Describes a value by its shape without quoting any of it: `an empty value`, `a 40-character value
 * that looks like a password or key`, `a number`, `an object`.
 */
export function describe(value: unknown): string {
  if (value === undefined) return "nothing (undefined)";
  if (value === null) return "null";
  if (typeof value === "string") {
    if (value.trim() === "") return value === "" ? "an empty value" : `a value of ${value.length} blank characters`;
    const kind = kindOf(value);
    return `${sized(value.length)} value${kind ? ` ${kind}` : ""}`;
  }
  if (typeof value === "number") return Number.isFinite(value) ? "a number" : `the number ${String(value)}`;
  if (typeof value === "boolean") return `a boolean`;
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === "object") return "an object";
  return `a ${typeof value}`;
}

/** What {@link show} quotes: short, printable, nothing credential-shaped, and (when given) of the expected shape. */
export interface ShowOptions {
  /** The value must match this shape to be quoted (an allow-list: e.g. a name pattern). */
  shape?: RegExp;
  /** Longest value quoted; longer ones are described. @default 256 */
  maxLength?: number;
}

/**
 * A value for a message: quoted (as JSON does, so whitespace and quotes stay visible) when it is on the
 * allow-list — at most `maxLength` characters, printable, of `shape` when given, and with nothing
 * credential-shaped in it — otherwise {@link describe}d.
 */
export function show(value: unknown, options: ShowOptions = {}): string {
  if (typeof value !== "string") {
    if (typeof value === "number" && Number.isFinite(value)) return String(value);
    if (typeof value === "boolean") return String(value);
    return describe(value);
  }
  const max = options.maxLength ?? 256;
  const printable = !/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]/.test(value);
  if (value.length <= max && printable && (options.shape?.test(value) ?? true) && !looksSecret(value) && !known.has(value.trim())) {
    return JSON.stringify(value);
  }
  return describe(value);
}

/**
 * Describes a response body for a message without any of its text: `a 1234-character body that is not
 * valid JSON`. Used for every answer to a credential call (generateCredentials), whose body holds a
 * live password even when it does not parse.
 */
export function describeBody(body: string | undefined): string {
  if (body === undefined || body === "") return "an empty body";
  let what = "that is not valid JSON";
  try {
    JSON.parse(body);
    what = "that is JSON of an unexpected shape";
  } catch {
    // keep "not valid JSON"
  }
  return `${sized(body.length)} body ${what}`;
}

/**
 * Scrubs an error's message (and its `cause` chain's messages and stacks) in place, then returns it: the
 * last filter at a boundary (a provider method's rejection, the CLI's stderr, a component's error).
 */
export function redactError<E>(err: E): E {
  const seen = new Set<unknown>();
  let current: unknown = err;
  while (current instanceof Error && !seen.has(current)) {
    seen.add(current);
    const clean = scrub(current.message);
    if (clean !== current.message) {
      try {
        current.message = clean;
      } catch {
        // a frozen error: leave it
      }
    }
    if (typeof current.stack === "string") {
      const stack = scrub(current.stack);
      if (stack !== current.stack) {
        try {
          current.stack = stack;
        } catch {
          // leave it
        }
      }
    }
    current = (current as { cause?: unknown }).cause;
  }
  return err;
}

/**
 * `NODE_DEBUG` sections under which Node itself prints request options, headers or socket data to
 * stderr — the `Authorization: Bearer …` header among them — before any redaction of ours can run.
 */
const LEAKY_DEBUG_SECTIONS = ["http", "https", "http2", "net", "tls", "undici", "fetch", "stream"];

/** `name` of {@link NetworkDebugError}. */
export const NetworkDebugErrorName = "NetworkDebugError";

/** Node's network debug output is on; it would print the bearer token, so nothing is sent. */
export class NetworkDebugError extends Error {
  override readonly name = NetworkDebugErrorName;
}

/**
 * Refuses to run when `NODE_DEBUG` switches on a section of Node's network stack: Node then prints each
 * request's options, with the `Authorization` header, to stderr — in a provider host that is
 * `pulumi up`'s output and CI logs. Node reads `NODE_DEBUG` once at start, so it cannot be switched off
 * from here; the only safe answer is to send nothing. `AZURE_LOG_LEVEL` and `DEBUG` stay allowed (the
 * Azure SDK's logger redacts headers).
 */
export function refuseNetworkDebug(env: NodeJS.ProcessEnv = process.env): void {
  const raw = env["NODE_DEBUG"];
  if (!raw) return;
  const sections = raw.split(/[\s,]+/).map((s) => s.trim().toLowerCase()).filter(Boolean);
  const leaky = sections.filter((s) => s === "*" || LEAKY_DEBUG_SECTIONS.some((l) => s === l || (s.endsWith("*") && l.startsWith(s.slice(0, -1)))));
  if (leaky.length === 0) return;
  throw new NetworkDebugError(
    `NODE_DEBUG includes ${leaky.map((s) => JSON.stringify(s)).join(", ")}, which makes Node print every HTTPS request's headers, ` +
      "including the Authorization bearer token, to stderr. Nothing was sent. Unset NODE_DEBUG (or remove " +
      `${LEAKY_DEBUG_SECTIONS.join(", ")} from it) and run again; for request logs use AZURE_LOG_LEVEL=verbose, which redacts headers.`,
  );
}

/**
 * A setting's value for an error message, through the package's one redaction rule: quoted only when it is short (at most 64 characters), of the setting's
 * expected `shape` when given, and nothing credential-shaped; otherwise described by its length and
 * kind, never quoted (a secret pasted into the wrong setting stays unprinted).
 */
export function displayValue(value: string, shape?: RegExp): { text: string; hidden: boolean } {
  const text = show(value, { maxLength: 128, ...(shape ? { shape } : {}) });
  return text.startsWith('"') ? { text, hidden: false } : { text: `${text} (not shown: it may be a secret)`, hidden: true };
}

/** The shape of a file path a setting may quote: absolute, relative (`./`, `../`), home (`~/`) or a drive path. */
export const FILE_PATH_SHAPE = /^(?:[A-Za-z]:)?[\\/.~][^\n]*$/;

/** The shape of a duration a setting may quote (a typo of one, e.g. `5 minutes`). */
export const DURATION_SHAPE = /^[\w .:-]{0,20}$/;

/** A service message on one line, bounded and scrubbed, so an error never carries a body dump or a credential. */
export function oneLine(s: string): string {
  const flat = scrub(s).replace(/\s+/g, " ").trim();
  return flat.length > 300 ? `${flat.slice(0, 297)}...` : flat;
}
