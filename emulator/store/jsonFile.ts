import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import type { IdentityKeys } from "../auth/types";
import { jsonSyntaxReason } from "../errors";
import { MemoryStore } from "./memory";
import type { StateSnapshot } from "./types";

/**
 * The in-memory store persisted to a JSON file (`statePath`, the CLI's `--state`): loaded at
 * start when the file exists, written after every request that changed something. Writes go to a
 * temporary file in the same folder and are renamed over the target, so a crash never leaves a
 * half-written state file.
 *
 * The file also keeps the identity service's keys (`identity`: token-signing key, managed-identity
 * header), so tokens issued before a restart stay valid after it, as Entra's signing keys outlive an
 * ARM restart. Keeping a private key there is acceptable: it is an emulator-local test key that signs
 * only tokens this emulator accepts, the state file is the emulator's own data, and it is written
 * with 0600 permissions. Password values are still never stored.
 */
export class JsonFileStore extends MemoryStore {
  private keys: IdentityKeys | undefined;

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
    }
    this.dirty = true;
    this.flush();
  }

  /** The identity keys the file holds (undefined for a new file, or one written before keys were kept). */
  get identityKeys(): IdentityKeys | undefined {
    return this.keys;
  }

  /** Keeps `keys` in the file from the next flush on. */
  set identityKeys(keys: IdentityKeys | undefined) {
    this.keys = keys;
    this.dirty = true;
  }

  override flush(): void {
    if (!this.dirty) return;
    const tmp = `${this.path}.${process.pid}.tmp`;
    const file: StateFile = { ...this.snapshot(), ...(this.keys ? { identity: this.keys } : {}) };
    writeFileSync(tmp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, this.path);
    this.dirty = false;
  }
}

/** The file's form: the store's snapshot and, once an emulator ran on it, its identity keys. */
type StateFile = StateSnapshot & { identity?: IdentityKeys };

function isSnapshot(x: unknown): x is StateFile {
  if (typeof x !== "object" || x === null) return false;
  const s = x as Record<string, unknown>;
  const identity = s.identity as Record<string, unknown> | undefined;
  return (
    s.version === 1 &&
    ["subscriptions", "resourceGroups", "registries", "scopeMaps", "tokens"].every((k) => Array.isArray(s[k])) &&
    (s.connectedRegistries === undefined || Array.isArray(s.connectedRegistries)) &&
    (identity === undefined ||
      (typeof identity === "object" && identity !== null && typeof identity.signingKeyPem === "string" && typeof identity.managedIdentityHeader === "string"))
  );
}
