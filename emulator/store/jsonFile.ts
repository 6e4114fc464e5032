import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import type { IdentityKeys } from "../auth/types";
import type { CaPair } from "../tls";
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
 * with 0600 permissions. Password values are still never stored. For the same reason it keeps the
 * emulator's TLS CA (`ca`), so a restart serves a certificate every client already trusts.
 */
export class JsonFileStore extends MemoryStore {
  private keys: IdentityKeys | undefined;
  private caPair: CaPair | undefined;

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

  /** The TLS CA the file holds (undefined for a new file, or one written before the CA was kept). */
  get ca(): CaPair | undefined {
    return this.caPair;
  }

  /** Keeps `ca` in the file from the next flush on. */
  set ca(ca: CaPair | undefined) {
    this.caPair = ca;
    this.dirty = true;
  }

  override flush(): void {
    if (!this.dirty) return;
    const tmp = `${this.path}.${process.pid}.tmp`;
    const file: StateFile = { ...this.snapshot(), ...(this.keys ? { identity: this.keys } : {}), ...(this.caPair ? { ca: this.caPair } : {}) };
    writeFileSync(tmp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, this.path);
    this.dirty = false;
  }
}

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
