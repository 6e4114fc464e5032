import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { MemoryStore } from "./memory";
import type { StateSnapshot } from "./types";

/**
 * The in-memory store persisted to a JSON file (`statePath`, the CLI's `--state`): loaded at
 * start when the file exists, written after every request that changed something. Writes go to a
 * temporary file in the same folder and are renamed over the target, so a crash never leaves a
 * half-written state file.
 */
export class JsonFileStore extends MemoryStore {
  constructor(readonly path: string) {
    super();
    if (existsSync(path)) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(readFileSync(path, "utf8"));
      } catch (e) {
        throw new Error(
          `Emulator state file '${path}' is not valid JSON (${(e as Error).message}). Delete it to start from an empty state, or pass another --state path.`,
        );
      }
      if (!isSnapshot(parsed)) {
        throw new Error(
          `Emulator state file '${path}' is not an acr-tokens emulator state (version 1). Delete it or pass another --state path.`,
        );
      }
      this.load(parsed);
    }
    this.dirty = true;
    this.flush();
  }

  override flush(): void {
    if (!this.dirty) return;
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(this.snapshot(), null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, this.path);
    this.dirty = false;
  }
}

function isSnapshot(x: unknown): x is StateSnapshot {
  if (typeof x !== "object" || x === null) return false;
  const s = x as Record<string, unknown>;
  return (
    s.version === 1 &&
    ["subscriptions", "resourceGroups", "registries", "scopeMaps", "tokens"].every((k) => Array.isArray(s[k]))
  );
}
