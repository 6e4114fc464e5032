import { existsSync, readdirSync, readFileSync } from "node:fs";
import { Agent, request } from "node:https";
import { basename, join, resolve } from "node:path";
import { randomUUID } from "node:crypto";
import { load } from "js-yaml";

/**
 * Replays azure-cli's recorded ARM traffic (../shared/acr/recordings, VCR-style YAML) against the
 * emulator and compares each answer with the recorded one by shape.
 *
 * Internal to the fidelity tests (tests/fidelity/recordings.test.ts). The recordings are read in
 * place from the shared folder beside the repository; they are never copied into the project.
 */

/** The repository root (this file lives in testing/). */
export const REPO_ROOT = resolve(__dirname, "..");

/** Where the recordings live: `../shared/acr/recordings`, resolved from the repository root. */
const RECORDINGS_DIR = resolve(REPO_ROOT, "..", "shared", "acr", "recordings");

/** One recorded request/response pair, decoded. */
export interface RecordedInteraction {
  /** Position in the recording file (0-based), as used by the allow-list and the report. */
  index: number;
  /** 1-based line of the interaction's `- request:` in the YAML file. */
  line: number;
  method: string;
  uri: URL;
  /** The request body as sent (Python `b'…'` reprs decoded), or undefined when there was none. */
  requestBody: string | undefined;
  /** The recorded `User-Agent` and `CommandName` headers (first value), for titles and logs. */
  userAgent: string | undefined;
  command: string | undefined;
  status: number;
  /** Response headers, lower-cased names, first value. */
  responseHeaders: Record<string, string>;
  /** The response body text ("" when there was none). */
  responseBody: string;
}

/** A recording file. */
export interface Recording {
  /** File name, e.g. `test_repository_token_create.2023-03-20.yaml`. */
  file: string;
  interactions: RecordedInteraction[];
}

interface VcrFile {
  interactions: Array<{
    request: { method: string; uri: string; body: string | null; headers?: Record<string, string[] | string> };
    response: { status: { code: number }; headers?: Record<string, string[] | string>; body?: { string?: string | null } };
  }>;
}

function firstHeader(headers: Record<string, string[] | string> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() === name.toLowerCase()) return Array.isArray(v) ? v[0] : v;
  }
  return undefined;
}

/**
 * vcrpy wrote some request bodies as Python byte-string reprs (`b'{"tokenId": …}'`, the 2020
 * recordings). Undo that: strip `b'…'` and decode the escapes Python uses in such reprs.
 */
export function decodeRecordedBody(body: string | null | undefined): string | undefined {
  if (body === null || body === undefined) return undefined;
  const m = /^b'([\s\S]*)'$/.exec(body) ?? /^b"([\s\S]*)"$/.exec(body);
  if (!m) return body;
  return m[1].replace(/\\(x[0-9a-fA-F]{2}|[\\'"nrt])/g, (_all, esc: string) => {
    if (esc.startsWith("x")) return String.fromCharCode(parseInt(esc.slice(1), 16));
    return ({ n: "\n", r: "\r", t: "\t" } as Record<string, string>)[esc] ?? esc;
  });
}

/** Parses one recording file. */
function parseRecording(path: string): Recording {
  const text = readFileSync(path, "utf8");
  const doc = load(text) as VcrFile;
  if (!doc || !Array.isArray(doc.interactions)) {
    throw new Error(`${path}: not a VCR recording (no "interactions" list).`);
  }
  const lines: number[] = [];
  text.split("\n").forEach((l, n) => {
    if (/^- request:/.test(l)) lines.push(n + 1);
  });
  if (lines.length !== doc.interactions.length) {
    throw new Error(`${path}: found ${lines.length} "- request:" lines for ${doc.interactions.length} interactions.`);
  }
  const interactions = doc.interactions.map((it, index): RecordedInteraction => {
    const responseHeaders: Record<string, string> = {};
    for (const [k, v] of Object.entries(it.response.headers ?? {})) {
      responseHeaders[k.toLowerCase()] = Array.isArray(v) ? v[0] : v;
    }
    return {
      index,
      line: lines[index],
      method: it.request.method.toUpperCase(),
      uri: new URL(it.request.uri),
      requestBody: decodeRecordedBody(it.request.body),
      userAgent: firstHeader(it.request.headers, "User-Agent"),
      command: firstHeader(it.request.headers, "CommandName"),
      status: it.response.status.code,
      responseHeaders,
      responseBody: it.response.body?.string ?? "",
    };
  });
  return { file: basename(path), interactions };
}

/**
 * Loads every `*.yaml` recording, sorted by file name. Throws a clear error when the shared folder
 * is missing, so the suite fails loudly instead of silently replaying nothing.
 */
export function loadRecordings(dir: string = RECORDINGS_DIR): Recording[] {
  if (!existsSync(dir)) {
    throw new Error(
      `Recordings not found at ${dir}. The fidelity suite replays azure-cli's recorded ARM traffic ` +
        `read in place from ../shared/acr/recordings (a folder beside this repository). Check out the ` +
        `shared folder next to the repository root; do not copy the recordings into the project.`,
    );
  }
  const files = readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort();
  if (files.length === 0) throw new Error(`No *.yaml recordings in ${dir}; expected azure-cli VCR recordings there.`);
  return files.map((f) => parseRecording(join(dir, f)));
}

// ---------------------------------------------------------------------------------------------
// The allow-list: every recorded request the replay does not send, with the reason. Nothing else
// is skipped; the test asserts that each rule matches something and that the per-file counts are
// the ones listed in EXPECTED_COUNTS.
// ---------------------------------------------------------------------------------------------

/** A rule excluding recorded requests from the replay. */
export interface Exclusion {
  /** Short id used in test titles and the report. */
  id: string;
  /** Which requests it covers. */
  matches(i: RecordedInteraction): boolean;
  /** Why the emulator is not asked. */
  reason: string;
}

/**
 * Empty: every recorded request is replayed. (Connected-registry routes, the last exclusion, are
 * served since emulator/routes/connectedRegistries.ts.) A new rule needs a reason the emulator
 * cannot be asked, e.g. a resource type outside its surface.
 */
export const EXCLUSIONS: readonly Exclusion[] = [];

/** How many interactions each recording has replayed and excluded; a change here must be deliberate. */
export const EXPECTED_COUNTS: Readonly<Record<string, { replayed: number; excluded: number }>> = {
  "hybrid_2020_09_01.test_repository_token_create.2021-08-06.yaml": { replayed: 5, excluded: 0 },
  "test_acr_connectedregistry.2021-10-27.yaml": { replayed: 128, excluded: 0 },
  "test_acr_connectedregistry.2023-12-12.yaml": { replayed: 208, excluded: 0 },
  "test_repository_token_create.2020-05-08.yaml": { replayed: 32, excluded: 0 },
  "test_repository_token_create.2020-12-23.yaml": { replayed: 41, excluded: 0 },
  "test_repository_token_create.2021-08-18.yaml": { replayed: 43, excluded: 0 },
  "test_repository_token_create.2023-03-20.yaml": { replayed: 43, excluded: 0 },
};

/**
 * Adjustments to replay order and comparison, each forced by how the recording was made, not by
 * the emulator. Listed here so the replay never quietly differs from the file.
 */
export interface ReplayAdjustment {
  file: string;
  /** `moveAfter`: replay interaction `index` right after interaction `after`. */
  kind: "moveAfter";
  index: number;
  after: number;
  reason: string;
}

export const ADJUSTMENTS: readonly ReplayAdjustment[] = [
  {
    file: "test_acr_connectedregistry.2021-10-27.yaml",
    kind: "moveAfter",
    index: 126,
    after: 127,
    reason:
      "#126 (poll of the scope-map PATCH #115) was recorded before the registry DELETE #127 but answered " +
      "404 ParentResourceNotFound 'Parent resource … not found', so the CLI's poller raced the test's " +
      "registry cleanup; in recorded order the registry would still exist.",
  },
];

/**
 * Response fields a recording cannot pin down for the emulator, each with the reason:
 * - `typeOnly`: the value (and array length) depends on an excluded request; compared by JSON type
 *   (none is needed at present; kept for excluded requests that change later responses).
 * - `mayBeAbsent`: the real service changed at the same api-version between recordings; the
 *   emulator follows the newest recording, so the field may be missing (if present, it must match).
 * - `independentTimes`: times that happen to be equal in the recording (within this object, or with
 *   times elsewhere in the replay) need not be equal in the emulator's (the equality was a lag).
 */
export interface ShapeRelaxation {
  file: string;
  /** From this interaction on. */
  fromIndex: number;
  /** Dotted path in the response body (array indices removed), e.g. `properties.dataEndpointHostNames`. */
  path: string;
  kind: "typeOnly" | "mayBeAbsent" | "independentTimes";
  reason: string;
}

export const RELAXATIONS: readonly ShapeRelaxation[] = [
  ...[
    "test_repository_token_create.2020-12-23.yaml",
    "test_repository_token_create.2021-08-18.yaml",
    "test_acr_connectedregistry.2021-10-27.yaml",
  ].map(
    (file): ShapeRelaxation => ({
      file,
      fromIndex: 0,
      path: "properties.credentials.certificates",
      kind: "mayBeAbsent",
      reason:
        "tokens at api-version 2020-11-01-preview carried `credentials.certificates: []` until 2021-10 and no " +
        "`certificates` key from 2023-02 on (test_repository_token_create.2023-03-20, test_acr_connectedregistry." +
        "2023-12-12, same api-version); the emulator answers as the service does now",
    }),
  ),
  ...["test_acr_connectedregistry.2021-10-27.yaml", "test_acr_connectedregistry.2023-12-12.yaml"].map(
    (file): ShapeRelaxation => ({
      file,
      fromIndex: 5,
      path: "value.systemData",
      kind: "independentTimes",
      reason:
        "the generic resource list (Microsoft.Resources index) showed lastModifiedAt = createdAt after the registry " +
        "PATCH #5 for a while (2023-12-12: until #26, when it shows the PATCH time; 2021-10-27: to the end), while " +
        "the registry itself had the PATCH time at once: index lag, not a rule",
    }),
  ),
];

/** The replay plan of one recording: what is sent, in which order, and what is excluded. */
export interface ReplayPlan {
  recording: Recording;
  steps: RecordedInteraction[];
  excluded: Array<{ interaction: RecordedInteraction; rule: Exclusion }>;
}

export function planReplay(recording: Recording): ReplayPlan {
  const excluded: ReplayPlan["excluded"] = [];
  let steps: RecordedInteraction[] = [];
  for (const i of recording.interactions) {
    const rule = EXCLUSIONS.find((r) => r.matches(i));
    if (rule) excluded.push({ interaction: i, rule });
    else steps.push(i);
  }
  for (const adj of ADJUSTMENTS.filter((a) => a.file === recording.file)) {
    const moved = steps.find((s) => s.index === adj.index);
    const anchor = steps.findIndex((s) => s.index === adj.after);
    if (!moved || anchor < 0) {
      throw new Error(`Adjustment for ${adj.file} #${adj.index} after #${adj.after} does not match the recording.`);
    }
    steps = steps.filter((s) => s !== moved);
    steps.splice(steps.findIndex((s) => s.index === adj.after) + 1, 0, moved);
  }
  return { recording, steps, excluded };
}

// ---------------------------------------------------------------------------------------------
// Name mapping: recorded subscription, resource group, registry, token and scope-map names map
// consistently to fresh ones, in URIs, request bodies, expected response bodies and LRO URLs.
// ---------------------------------------------------------------------------------------------

/** Fresh names for one recording: `tag` is unique per run and recording (lower-case letters/digits). */
export interface FreshNameOptions {
  subscriptionId: string;
  tag: string;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A consistent recorded → fresh renaming for one recording. */
export class NameMap {
  private readonly recordedSubscriptions = new Set<string>();
  /** Lower-cased recorded name → fresh name. */
  readonly resourceGroups = new Map<string, string>();
  /** Lower-cased recorded name → fresh name. */
  readonly registries = new Map<string, string>();
  /** Recorded token / scope-map / connected-registry name → fresh name (one fresh name when they share one). */
  readonly children = new Map<string, string>();

  private constructor(
    /** The fresh subscription id every recorded one maps to. */
    readonly subscriptionId: string,
  ) {}

  /** Collects every name the recording's request URIs use and gives each a fresh one. */
  static forRecording(recording: Recording, fresh: FreshNameOptions): NameMap {
    const map = new NameMap(fresh.subscriptionId);
    for (const i of recording.interactions) {
      const p = i.uri.pathname;
      const sub = /\/subscriptions\/([^/]+)/i.exec(p);
      if (sub) map.recordedSubscriptions.add(sub[1].toLowerCase());
      const rg = /\/resourcegroups\/([^/]+)/i.exec(p);
      if (rg && !map.resourceGroups.has(rg[1].toLowerCase())) {
        map.resourceGroups.set(rg[1].toLowerCase(), `fidelity-${fresh.tag}-rg${map.resourceGroups.size + 1}`);
      }
      const reg = /\/registries\/([^/]+)/i.exec(p);
      if (reg && !map.registries.has(reg[1].toLowerCase())) {
        map.registries.set(reg[1].toLowerCase(), `fid${fresh.tag}reg${map.registries.size + 1}`);
      }
      // Letters and digits only: connected-registry names allow nothing else, and a connected
      // registry, its sync token and that token's scope map share one recorded name.
      const child = /\/(?:tokens|scopeMaps|connectedRegistries)\/([^/]+)/i.exec(p);
      if (child && !map.children.has(child[1])) map.children.set(child[1], `x${fresh.tag}${child[1]}`);
    }
    return map;
  }

  /** True when an ARM id (already mapped) lies in one of this recording's fresh resource groups. */
  ownsId(mappedId: string): boolean {
    const rg = /\/resourcegroups\/([^/]+)/i.exec(mappedId);
    if (!rg) return false;
    const fresh = rg[1].toLowerCase();
    return [...this.resourceGroups.values()].some((v) => v.toLowerCase() === fresh);
  }

  /** Rewrites the ARM path segments of an id, path or URL. */
  mapPath(s: string): string {
    return s
      .replace(/(\/subscriptions\/)([^/?#]+)/gi, (all, pre: string, sub: string) =>
        this.recordedSubscriptions.has(sub.toLowerCase()) ? pre + this.subscriptionId : all,
      )
      .replace(/(\/resourcegroups\/)([^/?#]+)/gi, (all, pre: string, rg: string) => {
        const fresh = this.resourceGroups.get(rg.toLowerCase());
        return fresh ? pre + fresh : all;
      })
      .replace(/(\/registries\/)([^/?#]+)/gi, (all, pre: string, reg: string) => {
        const fresh = this.registries.get(reg.toLowerCase());
        return fresh ? pre + fresh : all;
      })
      .replace(/(\/(?:tokens|scopeMaps|connectedRegistries)\/)([^/?#]+)/gi, (all, pre: string, name: string) => {
        const fresh = this.children.get(name);
        return fresh ? pre + fresh : all;
      });
  }

  /** Maps one string value found in a body. */
  mapString(s: string, key?: string): string {
    if (/\/subscriptions\//i.test(s)) return this.mapPath(s);
    const child = this.children.get(s);
    if (child) return child;
    const reg = this.registries.get(s.toLowerCase());
    if (reg) return reg;
    const rg = this.resourceGroups.get(s.toLowerCase());
    if (rg) return rg;
    const host = /^([A-Za-z0-9]+)(\..*\.azurecr\.io)$/.exec(s) ?? /^([A-Za-z0-9]+)(\.azurecr\.io)$/.exec(s);
    if (host && this.registries.has(host[1].toLowerCase())) {
      return this.registries.get(host[1].toLowerCase())!.toLowerCase() + host[2];
    }
    if (key === "message") return this.mapWords(s);
    return s;
  }

  /** Replaces whole-word occurrences of recorded names in free text (ARM error messages). */
  mapWords(text: string): string {
    const pairs: Array<[string, string]> = [
      ...this.children.entries(),
      ...[...this.registries.entries()],
      ...[...this.resourceGroups.entries()],
    ];
    pairs.sort((a, b) => b[0].length - a[0].length);
    let out = text;
    for (const [from, to] of pairs) {
      out = out.replace(new RegExp(`(?<![A-Za-z0-9_.-])${escapeRegExp(from)}(?![A-Za-z0-9_-])`, "gi"), to);
    }
    return out;
  }

  /** Maps every string value of a parsed JSON document. */
  mapJson(value: unknown, key?: string): unknown {
    if (typeof value === "string") return this.mapString(value, key);
    if (Array.isArray(value)) return value.map((v) => this.mapJson(v, key));
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.mapJson(v, k)]));
    }
    return value;
  }
}

// ---------------------------------------------------------------------------------------------
// Shape comparison.
// ---------------------------------------------------------------------------------------------

/** Keys whose values must be equal (after name mapping), not only of the same JSON type. */
const FIXED_KEYS = new Set([
  "type",
  "provisioningState",
  "status",
  "name",
  "username",
  "loginServer",
  "id",
  "scopeMapId",
  "location",
  "tier",
  "code",
  "message",
  "expiry",
  "description",
  // Connected registries.
  "mode",
  "connectionState",
  "tokenId",
  "schedule",
  "syncWindow",
  "messageTtl",
  "gatewayEndpoint",
  "logLevel",
  "auditLogStatus",
]);

/** Arrays that must be equal element by element (action lists; a connected registry's token ids and notifications). */
const FIXED_ARRAYS = new Set(["actions", "clientTokenIds", "notificationsList"]);

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/;

/** The two password formats ACR has produced: 32 base64 characters (2020–2021), 52 with "+ACR" at 42–45 (2023). */
const PASSWORD_FORMATS = [/^[A-Za-z0-9+/=]{32}$/, /^[A-Za-z0-9+/=]{42}\+ACR[A-Za-z0-9+/=]{6}$/];

/** True when a string has one of the password formats the real service produced. */
export function isAcrPasswordFormat(value: string): boolean {
  return PASSWORD_FORMATS.some((re) => re.test(value));
}

function jsonType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v;
}

/** Describes a value for a difference report; never used for password values. */
function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

export interface CompareOptions {
  /** Dotted paths (array indices removed) compared by type only. */
  typeOnly: ReadonlySet<string>;
  /** Dotted paths (array indices removed) the emulator may leave out. */
  mayBeAbsent: ReadonlySet<string>;
  /** Dotted paths (array indices removed) of objects exempt from the equal-times-within rule. */
  independentTimes?: ReadonlySet<string>;
  /** For list pages (`value` arrays of resources): which mapped ids belong to this replay. */
  ownsId: (mappedId: string) => boolean;
  /**
   * Called for every recorded timestamp with the emulator's value at the same place; returns
   * differences. Times equal in the recording must be equal in the replay: a password's
   * `creationTime` in generateCredentials and in later GETs, both passwords of one call, a
   * resource's `creationDate` and `systemData` across reads, policy times.
   */
  correlate?: (recorded: string, actual: string, at: string) => string[];
}

/** A path without array positions or list-element ids: `value[/subscriptions/…].systemData` → `value.systemData`. */
function normalizePath(path: string): string {
  return path.replace(/\[[^\]]*\]/g, "");
}

/**
 * Compares an emulator response body with the (name-mapped) recorded one: same keys recursively,
 * same JSON types, fixed values equal, timestamps in the recorded format, password values by
 * format only. Returns the differences; an empty list means the shapes match. Password values are
 * never included in the output.
 */
export function compareShape(expected: unknown, actual: unknown, options: CompareOptions, path = "", key = ""): string[] {
  const at = path || "(body)";
  const relaxed = options.typeOnly.has(normalizePath(path));
  if (jsonType(expected) !== jsonType(actual)) {
    const got = key === "value" && typeof actual === "string" ? "a string" : `${jsonType(actual)} ${show(actual)}`;
    return [`${at}: expected ${jsonType(expected)}, got ${got}`];
  }
  if (relaxed) return [];
  if (typeof expected === "string" && typeof actual === "string") {
    if (key === "value") {
      return isAcrPasswordFormat(actual)
        ? []
        : [`${at}: password value does not have an ACR password format (32 base64 characters, or 52 with "+ACR" at 42-45)`];
    }
    if (FIXED_KEYS.has(key)) return expected === actual ? [] : [`${at}: expected ${show(expected)}, got ${show(actual)}`];
    const e = DATE_TIME.exec(expected);
    if (e) {
      const a = DATE_TIME.exec(actual);
      if (!a) return [`${at}: expected a date-time like ${show(expected)}, got ${show(actual)}`];
      const eDigits = e[1]?.length ?? 0;
      const aDigits = a[1]?.length ?? 0;
      const digitsOk = eDigits === 7 ? aDigits === 7 : eDigits === 0 ? aDigits === 0 : aDigits >= 1 && aDigits <= 7;
      const zoneOk = e[2] === a[2];
      if (!digitsOk || !zoneOk) {
        return [`${at}: timestamp format differs: recorded ${show(expected)} (${eDigits} fraction digits, "${e[2]}"), got ${show(actual)}`];
      }
      // A time the recording repeats (anywhere later in the replay) must repeat in the emulator's answers.
      const lagging = options.independentTimes?.has(normalizePath(path.replace(/\.[^.]*$/, ""))) ?? false;
      return lagging ? [] : (options.correlate?.(expected, actual, at) ?? []);
    }
    return [];
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (FIXED_ARRAYS.has(key)) {
      return JSON.stringify(expected) === JSON.stringify(actual) ? [] : [`${at}: expected ${show(expected)}, got ${show(actual)}`];
    }
    if (key === "value" && path === "value") return compareListPage(expected, actual, options);
    const diffs: string[] = [];
    if (expected.length !== actual.length) {
      const primitive = [...expected, ...actual].every((v) => v === null || typeof v !== "object");
      diffs.push(`${at}: expected ${expected.length} element(s)${primitive ? ` ${show(expected)}` : ""}, got ${actual.length}${primitive ? ` ${show(actual)}` : ""}`);
    }
    for (let n = 0; n < Math.min(expected.length, actual.length); n++) {
      diffs.push(...compareShape(expected[n], actual[n], options, `${path}[${n}]`, key));
    }
    return diffs;
  }
  if (expected !== null && typeof expected === "object" && actual !== null && typeof actual === "object") {
    const e = expected as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    const diffs: string[] = [];
    for (const k of Object.keys(e)) {
      const child = path ? `${path}.${k}` : k;
      if (!(k in a) && !options.mayBeAbsent.has(normalizePath(child))) diffs.push(`${child}: missing (recorded ${jsonType(e[k])})`);
    }
    for (const k of Object.keys(a)) {
      if (!(k in e)) diffs.push(`${path ? `${path}.` : ""}${k}: not in the recorded response`);
    }
    for (const k of Object.keys(e)) {
      if (k in a) diffs.push(...compareShape(e[k], a[k], options, path ? `${path}.${k}` : k, k));
    }
    if (!options.independentTimes?.has(normalizePath(path))) diffs.push(...equalTimesWithin(e, a, path));
    return diffs;
  }
  return [];
}

/**
 * Times equal within one recorded object (e.g. `systemData.createdAt` and `lastModifiedAt`, which
 * ACR rewrites together on a scope-map PATCH) must be equal within the emulator's object too.
 */
function equalTimesWithin(e: Record<string, unknown>, a: Record<string, unknown>, path: string): string[] {
  const keys = Object.keys(e).filter((k) => typeof e[k] === "string" && DATE_TIME.test(e[k] as string));
  const diffs: string[] = [];
  for (let x = 0; x < keys.length; x++) {
    for (let y = x + 1; y < keys.length; y++) {
      const [k1, k2] = [keys[x], keys[y]];
      if (e[k1] === e[k2] && typeof a[k1] === "string" && typeof a[k2] === "string" && a[k1] !== a[k2]) {
        diffs.push(`${path || "(body)"}: ${k1} and ${k2} are equal in the recording (${show(e[k1])}), got ${show(a[k1])} and ${show(a[k2])}`);
      }
    }
  }
  return diffs;
}

/** Every date-time string of a JSON document with its path (arrays by position). */
function timesIn(v: unknown, path = "", out: Array<{ path: string; text: string }> = []): Array<{ path: string; text: string }> {
  if (typeof v === "string" && DATE_TIME.test(v)) out.push({ path, text: v });
  else if (Array.isArray(v)) v.forEach((x, n) => timesIn(x, `${path}[${n}]`, out));
  else if (v !== null && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) timesIn(x, path ? `${path}.${k}` : k, out);
  }
  return out;
}

/**
 * Within one resource body (not a list page), fields the recording shows at the same instant,
 * whatever their form (a registry's `creationDate` "…Z" and its `systemData.createdAt` "…+00:00"),
 * must be at the same instant in the emulator's body too.
 */
export function sameInstants(expected: unknown, actual: unknown): string[] {
  if (expected !== null && typeof expected === "object" && Array.isArray((expected as { value?: unknown }).value)) return [];
  const rec = timesIn(expected);
  const got = new Map(timesIn(actual).map((t) => [t.path, t.text]));
  const diffs: string[] = [];
  for (let x = 0; x < rec.length; x++) {
    for (let y = x + 1; y < rec.length; y++) {
      const [p, q] = [rec[x], rec[y]];
      if (fractionalInstant(p.text) !== fractionalInstant(q.text)) continue;
      const [a, b] = [got.get(p.path), got.get(q.path)];
      if (a === undefined || b === undefined) continue;
      if (fractionalInstant(a) !== fractionalInstant(b)) {
        diffs.push(`${p.path} and ${q.path} are the same instant in the recording (${show(p.text)}), got ${show(a)} and ${show(b)}`);
      }
    }
  }
  return diffs;
}

/** A date-time reduced to its UTC wall time with all fraction digits (Date.parse stops at ms). */
function fractionalInstant(text: string): string {
  const m = DATE_TIME.exec(text);
  if (!m) return text;
  const ms = Date.parse(text);
  const frac = (m[1] ?? "").padEnd(7, "0");
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}.${frac}`;
}

/**
 * A list page: the recorded subscription held resources of other tests (foreign ids), and the
 * shared emulator holds other recordings' resources. Both sides keep only this replay's resources;
 * those are matched by id and compared.
 */
function compareListPage(expected: unknown[], actual: unknown[], options: CompareOptions): string[] {
  const idOf = (v: unknown): string | undefined =>
    v !== null && typeof v === "object" && typeof (v as { id?: unknown }).id === "string" ? (v as { id: string }).id : undefined;
  const own = (list: unknown[]) => list.filter((v) => idOf(v) === undefined || options.ownsId(idOf(v)!));
  const exp = own(expected);
  const act = own(actual);
  const diffs: string[] = [];
  const used = new Set<number>();
  for (const e of exp) {
    const id = idOf(e);
    const n = act.findIndex((a, k) => !used.has(k) && (id === undefined ? idOf(a) === undefined : idOf(a)?.toLowerCase() === id.toLowerCase()));
    if (n < 0) {
      diffs.push(`value: missing element ${id ?? show(e)}`);
      continue;
    }
    used.add(n);
    diffs.push(...compareShape(e, act[n], options, `value[${id ?? n}]`, "value"));
  }
  act.forEach((a, k) => {
    if (!used.has(k)) diffs.push(`value: unexpected element ${idOf(a) ?? show(a)}`);
  });
  return diffs;
}

/** Parses a body as JSON; "" and "null" both mean "no body". */
export function parseBody(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text.trim() === "" || text.trim() === "null") return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

// ---------------------------------------------------------------------------------------------
// Sending requests and replaying.
// ---------------------------------------------------------------------------------------------

/** A raw ARM response. */
export interface ArmResponse {
  status: number;
  /** Lower-cased names, first value. */
  headers: Record<string, string>;
  body: string;
}

/**
 * Sends one HTTPS request trusting only the emulator's CA. Hand-written on node:https because the
 * replay must send the recorded method, path and body verbatim (no SDK serialization, no retries,
 * no LRO handling by a client library).
 */
function armRequest(options: {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: string;
  agent: Agent;
}): Promise<ArmResponse> {
  return new Promise((resolvePromise, reject) => {
    const req = request(
      options.url,
      { method: options.method, headers: options.headers, agent: options.agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) {
            if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v[0] : v;
          }
          resolvePromise({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString("utf8") });
        });
      },
    );
    req.on("error", reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** What the emulator answered to one replayed interaction, and how it differs from the recording. */
export interface StepResult {
  /** The URL actually sent (emulator origin, mapped names, LRO URLs from the emulator). */
  url: URL;
  response: ArmResponse;
  /** Differences; empty when status, headers and body shape match. */
  diffs: string[];
}

/**
 * Header differences no client acts on (ARM front-door headers, the `api-supported-versions`
 * list), gathered over the whole replay and asserted once, so that one missing header does not
 * fail every request's test and hide the differences that matter.
 */
export class HeaderNotes {
  private readonly notes = new Map<string, { count: number; example: string }>();

  /** Records a difference; notes that differ only in an `e.g. "…"` example are counted together. */
  add(note: string, where: string): void {
    const key = note.replace(/ \(recorded e\.g\. "[^"]*"\)$/, "");
    const n = this.notes.get(key);
    if (n) n.count++;
    else this.notes.set(key, { count: 1, example: `${where}${note === key ? "" : note.slice(key.length)}` });
  }

  /** One line per difference: what, on how many responses, and the first recording line. */
  lines(): string[] {
    return [...this.notes].map(([note, { count, example }]) => `${note} — on ${count} response(s), first at ${example}`);
  }
}

/** The emulator endpoints the replayer needs. */
export interface ReplayTarget {
  armEndpoint: string;
  caCertPem: string;
  /** A bearer token for ARM (from the emulator's `issueToken()`). */
  bearer: () => string;
  /** Where front-door header differences go (see {@link HeaderNotes}). */
  headerNotes: HeaderNotes;
}

const LRO_HEADERS = ["azure-asyncoperation", "location"] as const;

/**
 * ARM front-door headers the recordings show; the emulator must send each one the recorded
 * response had (presence only). Not checked: `server`, `vary`, `x-cache`, `x-msedge-ref`,
 * `transfer-encoding` (CDN and transport details no client reads).
 */
const ARM_HEADERS = [
  "cache-control",
  "pragma",
  "expires",
  "x-content-type-options",
  "strict-transport-security",
  "x-ms-ratelimit-remaining-subscription-writes",
  "x-ms-ratelimit-remaining-subscription-deletes",
] as const;

/** The path of an LRO URL with its operation id replaced, e.g. `…/operationStatuses/token-*`. */
function lroShape(path: string): string {
  return path.replace(/\/([A-Za-z]+)-[^/]+$/, "/$1-*");
}

/** Replays one recording's interactions in order against the emulator. */
export class Replayer {
  private readonly agent: Agent;
  private readonly origin: URL;
  /** Mapped, lower-cased path of a recorded LRO URL → the URL the emulator gave at the same position. */
  private readonly lroUrls = new Map<string, string>();
  /**
   * Recorded timestamp (as written) → where the emulator first answered it (its value and the
   * step). A time the recording shows twice (a password's creationTime in generateCredentials and
   * in the next GET, both passwords of one generate call, a token's creationDate and systemData in
   * PUT and GET) must come back equal from the emulator too.
   */
  private readonly times = new Map<string, { value: string; at: string }>();

  constructor(
    private readonly target: ReplayTarget,
    readonly names: NameMap,
    private readonly recordingFile: string,
  ) {
    this.agent = new Agent({ ca: target.caCertPem, keepAlive: true, maxSockets: 1 });
    this.origin = new URL(target.armEndpoint);
  }

  close(): void {
    this.agent.destroy();
  }

  /** The URL to send for a recorded request. */
  urlFor(i: RecordedInteraction): URL {
    const mappedPath = this.names.mapPath(i.uri.pathname);
    const lro = this.lroUrls.get(mappedPath.toLowerCase());
    if (lro) return new URL(lro);
    if (/\/(operationStatuses|operationResults)\//i.test(i.uri.pathname)) {
      throw new Error(
        `#${i.index} polls ${mappedPath}, but no earlier emulator response carried an Azure-AsyncOperation/Location ` +
          `header at the position where the recording had this URL.`,
      );
    }
    const url = new URL(this.origin.href);
    url.pathname = mappedPath;
    url.search = i.uri.search;
    return url;
  }

  /** The fresh subscription id of this replay. */
  get subscriptionId(): string {
    return this.names.subscriptionId;
  }

  private baseHeaders(): Record<string, string> {
    return {
      Accept: "application/json",
      Authorization: `Bearer ${this.target.bearer()}`,
      "x-ms-client-request-id": randomUUID(),
    };
  }

  /** Sends a request that is not part of the recording (setup), e.g. creating a resource group. */
  send(method: string, pathAndQuery: string, json?: unknown): Promise<ArmResponse> {
    const headers = this.baseHeaders();
    const body = json === undefined ? undefined : JSON.stringify(json);
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      headers["Content-Length"] = String(Buffer.byteLength(body));
    }
    return armRequest({ url: new URL(pathAndQuery, this.origin), method, headers, body, agent: this.agent });
  }

  /** Sends one recorded request and compares the answer. */
  async step(i: RecordedInteraction): Promise<StepResult> {
    const url = this.urlFor(i);
    const headers = this.baseHeaders();
    if (i.userAgent) headers["User-Agent"] = i.userAgent;
    if (i.command) headers.CommandName = i.command;
    let body: string | undefined;
    if (i.requestBody !== undefined) {
      body = JSON.stringify(this.names.mapJson(JSON.parse(i.requestBody)));
      headers["Content-Type"] = "application/json";
      headers["Content-Length"] = String(Buffer.byteLength(body));
    }
    const response = await armRequest({ url, method: i.method, headers, body, agent: this.agent });
    const diffs: string[] = [];
    if (response.status !== i.status) diffs.push(`status: expected ${i.status}, got ${response.status}`);
    diffs.push(...this.compareHeaders(i, response));

    const expected = parseBody(i.responseBody);
    const actual = parseBody(response.body);
    if (!expected.ok) throw new Error(`#${i.index}: the recorded response body is not JSON.`);
    if (!actual.ok) {
      diffs.push(`body: not JSON (content-type ${response.headers["content-type"] ?? "none"}, ${response.body.length} bytes)`);
    } else if (expected.value === undefined || actual.value === undefined) {
      if (expected.value !== actual.value) {
        diffs.push(expected.value === undefined ? "body: expected no body (empty or null), got a JSON document" : "body: expected a JSON document, got none");
      }
    } else {
      const applicable = RELAXATIONS.filter((r) => r.file === this.recordingFile && i.index >= r.fromIndex);
      const mapped = this.names.mapJson(expected.value);
      diffs.push(...sameInstants(mapped, actual.value));
      diffs.push(
        ...compareShape(mapped, actual.value, {
          typeOnly: new Set(applicable.filter((r) => r.kind === "typeOnly").map((r) => r.path)),
          mayBeAbsent: new Set(applicable.filter((r) => r.kind === "mayBeAbsent").map((r) => r.path)),
          independentTimes: new Set(applicable.filter((r) => r.kind === "independentTimes").map((r) => r.path)),
          ownsId: (id) => this.names.ownsId(id),
          correlate: (recorded, value, at) => this.correlate(recorded, value, `#${i.index} ${at}`),
        }),
      );
    }
    return { url, response, diffs };
  }

  private note(what: string, i: RecordedInteraction): void {
    this.target.headerNotes.add(what, `${this.recordingFile}:${i.line} (#${i.index} ${i.method})`);
  }

  private correlate(recorded: string, value: string, at: string): string[] {
    const first = this.times.get(recorded);
    if (!first) {
      this.times.set(recorded, { value, at });
      return [];
    }
    if (first.value === value) return [];
    return [`${at.replace(/^#\d+ /, "")}: ${show(value)}, but the recording has the same time here as at ${first.at} (emulator: ${show(first.value)})`];
  }

  private compareHeaders(i: RecordedInteraction, response: ArmResponse): string[] {
    const diffs: string[] = [];
    for (const h of LRO_HEADERS) {
      const rec = i.responseHeaders[h];
      const got = response.headers[h];
      if (rec && !got) diffs.push(`header ${h}: missing (recorded ${lroShape(this.names.mapPath(new URL(rec).pathname))})`);
      if (!rec && got) diffs.push(`header ${h}: not in the recorded response (got ${got})`);
      if (!rec || !got) continue;
      const recUrl = new URL(rec);
      let gotUrl: URL;
      try {
        gotUrl = new URL(got, this.origin);
      } catch {
        diffs.push(`header ${h}: not a URL: ${got}`);
        continue;
      }
      // Remember where the emulator wants this operation polled, keyed like the recorded URL.
      this.lroUrls.set(this.names.mapPath(recUrl.pathname).toLowerCase(), gotUrl.href);
      if (gotUrl.origin !== this.origin.origin) diffs.push(`header ${h}: points at ${gotUrl.origin}, not the emulator (${this.origin.origin})`);
      const want = lroShape(this.names.mapPath(recUrl.pathname));
      const have = lroShape(gotUrl.pathname);
      if (want !== have) diffs.push(`header ${h}: expected a URL like ${want}, got ${have}`);
      const wantVersion = recUrl.searchParams.get("api-version");
      if (wantVersion !== gotUrl.searchParams.get("api-version")) {
        diffs.push(`header ${h}: api-version ${gotUrl.searchParams.get("api-version")}, recorded ${wantVersion}`);
      }
    }
    const cause = i.responseHeaders["x-ms-failure-cause"];
    if (cause && response.headers["x-ms-failure-cause"] !== cause) {
      diffs.push(`header x-ms-failure-cause: expected "${cause}", got ${show(response.headers["x-ms-failure-cause"] ?? null)}`);
    }
    if (!i.responseHeaders["retry-after"] && response.headers["retry-after"]) {
      diffs.push(`header retry-after: "${response.headers["retry-after"]}" not in the recorded response`);
    }
    if (!response.headers["x-ms-request-id"]) diffs.push("header x-ms-request-id: missing (issue #4 §1: on every response)");
    for (const h of ARM_HEADERS) {
      if (i.responseHeaders[h] !== undefined && response.headers[h] === undefined) this.note(`${h}: missing (recorded e.g. "${i.responseHeaders[h]}")`, i);
    }
    const supported = i.responseHeaders["api-supported-versions"];
    if (supported) {
      const got = response.headers["api-supported-versions"];
      const versions = (got ?? "").split(",").map((v) => v.trim());
      const sent = i.uri.searchParams.get("api-version") ?? "";
      if (!versions.includes(sent)) {
        diffs.push(`header api-supported-versions: ${got === undefined ? "missing" : "does not list"} the request's api-version ${sent}`);
      } else if (supported === sent && got !== sent) {
        // Registry routes answered with the requested version alone; token routes list many.
        const route = i.uri.pathname.replace(/.*\/providers\//i, "…/").replace(/\/registries\/[^/]+/i, "/registries/{name}").replace(/\/operationStatuses\/[^/]+/i, "/operationStatuses/{id}");
        this.note(`api-supported-versions: the recording has only the requested version on ${route}; the emulator lists every version`, i);
      }
    }
    const recordedType = i.responseHeaders["content-type"];
    if (recordedType?.startsWith("application/json") && i.responseBody.trim() !== "" && !response.headers["content-type"]?.startsWith("application/json")) {
      diffs.push(`header content-type: expected ${recordedType}, got ${response.headers["content-type"] ?? "none"}`);
    }
    return diffs;
  }
}

/**
 * For a recorded request that starts a long-running operation, how many in-progress answers
 * (`Creating`/`Updating`/`Deleting`) the recording shows on that operation's status URL before its
 * outcome; undefined for requests that start none. The real service's pacing is timing: the
 * emulator can only reproduce it when told per operation how many polls to keep it in progress.
 */
export function recordedInProgressPolls(plan: ReplayPlan, step: RecordedInteraction): number | undefined {
  const header = step.method === "GET" ? undefined : (step.responseHeaders["azure-asyncoperation"] ?? step.responseHeaders.location);
  if (!header) return undefined;
  const path = new URL(header).pathname.toLowerCase();
  let count = 0;
  for (const later of plan.steps.slice(plan.steps.indexOf(step) + 1)) {
    if (later.method !== "GET" || later.uri.pathname.toLowerCase() !== path) continue;
    const body = parseBody(later.responseBody);
    const status = body.ok && body.value !== null && typeof body.value === "object" ? (body.value as { status?: unknown }).status : undefined;
    if (status === "Creating" || status === "Updating" || status === "Deleting") count++;
    else break;
  }
  return count;
}
