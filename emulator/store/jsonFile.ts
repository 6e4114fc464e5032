import { appendFileSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import type { IdentityKeys } from "../auth/types";
import type { CaPair } from "../tls";
import { jsonSyntaxReason } from "../errors";
import { MemoryStore, RECORD_KINDS, type RecordKind } from "./memory";
import type { StateSnapshot } from "./types";

/**
 * The in-memory store persisted to a JSON file (`statePath`, the CLI's `--state`): loaded at
 * start when the file exists. Changes are not written by rewriting the file per request (a
 * 50,000-token state is megabytes): each flush appends the changed records, one JSON line each, to
 * `{path}.journal`, and the file itself (the snapshot) is rewritten only when the journal has grown
 * past the snapshot's size (at least 1 MiB), when the keys change, and at close (`compact`). A
 * write therefore costs O(change), amortised. Loading reads the snapshot, then replays the journal;
 * replaying a journal over a snapshot that already holds its changes gives the same state, so a
 * crash between the snapshot's rename and the journal's removal loses nothing, and a crash during
 * an append loses at most that last, torn line. Snapshot writes go to a temporary file renamed
 * over the target, so a crash never leaves a half-written snapshot.
 *
 * The file also keeps the identity service's keys (`identity`: token-signing key, managed-identity
 * header), so tokens issued before a restart stay valid after it, as Entra's signing keys outlive an
 * ARM restart. Keeping a private key there is acceptable: it is an emulator-local test key that signs
 * only tokens this emulator accepts, the state file is the emulator's own data, and it is written
 * with 0600 permissions. Password values are still never stored. For the same reason it keeps the
 * emulator's TLS CA (`ca`), so a restart serves a certificate every client already trusts.
 */
export class JsonFileStore extends MemoryStore {
  private keys: IdentityKeys | undefined;
  private caPair: CaPair | undefined;
  /** Keys or CA changed: the next flush rewrites the snapshot. */
  private keysChanged = false;
  private snapshotBytes = 0;
  private journalBytes = 0;
  /** Snapshot rewrites and journal appends so far (for tests and the bench). */
  readonly writes = { snapshots: 0, journalAppends: 0, journalBytes: 0 };

  constructor(readonly path: string) {
    super();
    if (existsSync(path)) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(readFileSync(path, "utf8"));
      } catch (e) {
        throw new Error(
          `Emulator state file '${path}' is not valid JSON (${jsonSyntaxReason(e)}). Delete it to start from an empty state, or pass another --state path.`,
        );
      }
      if (!isSnapshot(parsed)) {
        throw new Error(
          `Emulator state file '${path}' is not an acr-tokens emulator state (version 1). Delete it or pass another --state path.`,
        );
      }
      this.load(parsed);
      this.keys = parsed.identity;
      this.caPair = parsed.ca;
      this.replayJournal();
    }
    this.trackChanges = true;
    this.compact();
  }

  /** The journal beside the snapshot. */
  get journalPath(): string {
    return `${this.path}.journal`;
  }

  /** The identity keys the file holds (undefined for a new file, or one written before keys were kept). */
  get identityKeys(): IdentityKeys | undefined {
    return this.keys;
  }

  /** Keeps `keys` in the file from the next flush on. */
  set identityKeys(keys: IdentityKeys | undefined) {
    this.keys = keys;
    this.keysChanged = true;
    this.dirty = true;
  }

  /** The TLS CA the file holds (undefined for a new file, or one written before the CA was kept). */
  get ca(): CaPair | undefined {
    return this.caPair;
  }

  /** Keeps `ca` in the file from the next flush on. */
  set ca(ca: CaPair | undefined) {
    this.caPair = ca;
    this.keysChanged = true;
    this.dirty = true;
  }

  /** Persists the changes since the last flush: appended to the journal, or a new snapshot when due. */
  override flush(): void {
    if (!this.dirty) return;
    if (this.keysChanged || this.journalBytes > Math.max(this.snapshotBytes, JOURNAL_MIN_BYTES)) {
      this.compact();
      return;
    }
    let lines = "";
    for (const c of this.changes.values()) lines += `${JSON.stringify(c.value === undefined ? { kind: c.kind, key: c.key, deleted: true } : { kind: c.kind, key: c.key, value: c.value })}\n`;
    if (lines !== "") {
      appendFileSync(this.journalPath, lines, { mode: 0o600 });
      const bytes = Buffer.byteLength(lines);
      this.journalBytes += bytes;
      this.writes.journalAppends++;
      this.writes.journalBytes += bytes;
    }
    super.flush();
  }

  /** Rewrites the snapshot with the whole state (atomically) and removes the journal. */
  compact(): void {
    const tmp = `${this.path}.${process.pid}.tmp`;
    const file: StateFile = { ...this.snapshot(), ...(this.keys ? { identity: this.keys } : {}), ...(this.caPair ? { ca: this.caPair } : {}) };
    const text = `${JSON.stringify(file, null, 2)}\n`;
    writeFileSync(tmp, text, { mode: 0o600 });
    renameSync(tmp, this.path);
    rmSync(this.journalPath, { force: true });
    this.snapshotBytes = Buffer.byteLength(text);
    this.journalBytes = 0;
    this.keysChanged = false;
    this.writes.snapshots++;
    super.flush();
  }

  /** Applies `{path}.journal` on top of the loaded snapshot; an unreadable last line is a torn append. */
  private replayJournal(): void {
    let text: string;
    try {
      text = readFileSync(this.journalPath, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
      throw new Error(`Emulator state journal '${this.journalPath}' cannot be read (${(e as NodeJS.ErrnoException).code ?? "error"}).`);
    }
    const lines = text.split("\n");
    lines.forEach((line, i) => {
      if (line === "") return;
      // Only the last piece can be torn: it lacks the newline every complete append ends with.
      const torn = i === lines.length - 1;
      let entry: unknown;
      try {
        entry = JSON.parse(line);
      } catch (e) {
        if (torn) return;
        throw new Error(`Emulator state journal '${this.journalPath}' line ${i + 1} is not valid JSON (${jsonSyntaxReason(e)}). Delete the journal (losing the changes since the last snapshot) or the state.`);
      }
      const c = entry as { kind?: unknown; key?: unknown; value?: unknown; deleted?: unknown };
      if (typeof c.key !== "string" || !(RECORD_KINDS as readonly unknown[]).includes(c.kind) || (c.deleted !== true && (typeof c.value !== "object" || c.value === null))) {
        throw new Error(`Emulator state journal '${this.journalPath}' line ${i + 1} is not a change record. Delete the journal (losing the changes since the last snapshot) or the state.`);
      }
      const collection = this.collection(c.kind as RecordKind);
      if (c.deleted === true) collection.delete(c.key);
      else collection.put(c.key, c.value);
    });
  }
}

/** The journal may grow to the snapshot's size, and at least this much, before a new snapshot is written. */
const JOURNAL_MIN_BYTES = 1024 * 1024;

/**
 * What another process needs from a running emulator's state file to mint tokens it accepts (the
 * `acr-tokens-emulator token` command): the signing key and the first subscription's tenant. Reads
 * the file and writes nothing, so it is safe while the emulator runs.
 */
export function readStateIdentity(path: string): { keys: IdentityKeys; tenantId: string | undefined; subscriptionId: string | undefined } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== undefined) throw new Error(`Emulator state file '${path}' cannot be read (${code}). Pass the --state file of a running or stopped emulator.`);
    throw new Error(`Emulator state file '${path}' is not valid JSON (${jsonSyntaxReason(e)}).`);
  }
  if (!isSnapshot(parsed)) throw new Error(`Emulator state file '${path}' is not an acr-tokens emulator state (version 1).`);
  if (!parsed.identity) throw new Error(`Emulator state file '${path}' holds no signing key yet; start the emulator with --state '${path}' once.`);
  const first = parsed.subscriptions[0];
  return { keys: parsed.identity, tenantId: first?.tenantId, subscriptionId: first?.subscriptionId };
}

/** The file's form: the store's snapshot and, once an emulator ran on it, its identity keys and TLS CA. */
type StateFile = StateSnapshot & { identity?: IdentityKeys; ca?: CaPair };

function isSnapshot(x: unknown): x is StateFile {
  if (typeof x !== "object" || x === null) return false;
  const s = x as Record<string, unknown>;
  const identity = s.identity as Record<string, unknown> | undefined;
  const ca = s.ca as Record<string, unknown> | undefined;
  return (
    s.version === 1 &&
    ["subscriptions", "resourceGroups", "registries", "scopeMaps", "tokens"].every((k) => Array.isArray(s[k])) &&
    (s.connectedRegistries === undefined || Array.isArray(s.connectedRegistries)) &&
    (identity === undefined ||
      (typeof identity === "object" && identity !== null && typeof identity.signingKeyPem === "string" && typeof identity.managedIdentityHeader === "string")) &&
    (ca === undefined || (typeof ca === "object" && ca !== null && typeof ca.caCertPem === "string" && typeof ca.caKeyPem === "string"))
  );
}
