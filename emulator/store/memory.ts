import { idOf } from "../ids";
import type {
  Collection,
  ConnectedRegistryRecord,
  EmulatorStore,
  RegistryRecord,
  ResourceGroupRecord,
  ScopeMapRecord,
  StateSnapshot,
  SubscriptionRecord,
  TokenRecord,
} from "./types";

/** Stored record, its insertion sequence number (the page cursor) and its direct parent's key. */
interface Entry<T> {
  value: T;
  seq: number;
}

/**
 * The children of one parent in insertion order: keys with their sequence numbers, ascending.
 * Deleted keys stay as tombstones (found stale by sequence number) until they outnumber the live
 * ones, so a delete costs O(1) amortised and a page O(log n + page).
 */
interface Bucket {
  keys: string[];
  seqs: number[];
  live: number;
}

/** The id of the direct parent: the id without its last `type/name` pair. */
function parentKey(key: string): string {
  const cut = key.lastIndexOf("/", key.lastIndexOf("/") - 1);
  return cut <= 0 ? "" : key.slice(0, cut);
}

/**
 * A Map keyed by lower-cased id. Records are copied in and out so callers cannot alias stored state.
 * An index of each parent's children in insertion order serves {@link MemoryCollection.page} in time
 * proportional to the page, not the collection (50,000 tokens listed in 500 pages clone 50,000
 * records once, not 500 times).
 */
export class MemoryCollection<T> implements Collection<T> {
  private readonly items = new Map<string, Entry<T>>();
  private readonly children = new Map<string, Bucket>();
  private nextSeq = 1;

  /** @param onChange - Called after every change with the lower-cased id and the new record (undefined: deleted). */
  constructor(private readonly onChange: (key: string, value: T | undefined) => void) {}

  get(id: string): T | undefined {
    const e = this.items.get(id.toLowerCase());
    return e === undefined ? undefined : structuredClone(e.value);
  }

  put(id: string, value: T): void {
    const key = id.toLowerCase();
    const stored = structuredClone(value);
    const existing = this.items.get(key);
    if (existing) {
      // A replacement keeps its place (ARM lists keep creation order).
      existing.value = stored;
    } else {
      const seq = this.nextSeq++;
      this.items.set(key, { value: stored, seq });
      const parent = parentKey(key);
      let bucket = this.children.get(parent);
      if (!bucket) this.children.set(parent, (bucket = { keys: [], seqs: [], live: 0 }));
      bucket.keys.push(key);
      bucket.seqs.push(seq);
      bucket.live++;
    }
    this.onChange(key, stored);
  }

  delete(id: string): boolean {
    const key = id.toLowerCase();
    if (!this.items.delete(key)) return false;
    const parent = parentKey(key);
    const bucket = this.children.get(parent);
    if (bucket) {
      bucket.live--;
      if (bucket.live === 0) this.children.delete(parent);
      else if (bucket.keys.length > 64 && bucket.live * 2 < bucket.keys.length) this.compact(bucket);
    }
    this.onChange(key, undefined);
    return true;
  }

  list(parentId?: string): T[] {
    const prefix = parentId === undefined ? undefined : `${parentId.toLowerCase()}/`;
    const out: T[] = [];
    for (const [k, e] of this.items) if (prefix === undefined || k.startsWith(prefix)) out.push(structuredClone(e.value));
    return out;
  }

  page(parentId: string, after: number, limit: number): { items: T[]; next?: number } {
    const bucket = this.children.get(parentId.toLowerCase());
    if (!bucket) return { items: [] };
    // First position with a sequence number above the cursor (binary search: seqs ascend).
    let lo = 0;
    let hi = bucket.seqs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (bucket.seqs[mid]! <= after) lo = mid + 1;
      else hi = mid;
    }
    const out: T[] = [];
    let last = after;
    for (let i = lo; i < bucket.keys.length; i++) {
      const e = this.items.get(bucket.keys[i]!);
      if (e === undefined || e.seq !== bucket.seqs[i]) continue; // a tombstone
      if (out.length === limit) return { items: out, next: last };
      out.push(structuredClone(e.value));
      last = e.seq;
    }
    return { items: out };
  }

  /** Every record with its lower-cased id, uncopied, in insertion order (persistence only; do not mutate). */
  entries(): IterableIterator<[string, T]> {
    const it = this.items.entries();
    return (function* () {
      for (const [k, e] of it) yield [k, e.value] as [string, T];
    })();
  }

  private compact(bucket: Bucket): void {
    const keys: string[] = [];
    const seqs: number[] = [];
    for (let i = 0; i < bucket.keys.length; i++) {
      const e = this.items.get(bucket.keys[i]!);
      if (e !== undefined && e.seq === bucket.seqs[i]) {
        keys.push(bucket.keys[i]!);
        seqs.push(bucket.seqs[i]!);
      }
    }
    bucket.keys = keys;
    bucket.seqs = seqs;
  }
}

/** The kinds of record a store keeps (its collections' names, and the state file's keys). */
export const RECORD_KINDS = ["subscriptions", "resourceGroups", "registries", "scopeMaps", "tokens", "connectedRegistries"] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

/** One change since the last flush: the record now stored under `key`, or undefined when deleted. */
export interface StoreChange {
  kind: RecordKind;
  key: string;
  value: unknown;
}

/** The in-memory store: state lives as long as the emulator. */
export class MemoryStore implements EmulatorStore {
  protected dirty = false;
  /** When true, every change is kept in {@link MemoryStore.changes} until the next flush (the JSON backend's journal). */
  protected trackChanges = false;
  /** The last change per record since the last flush, in order of first change. */
  protected readonly changes = new Map<string, StoreChange>();
  private readonly track =
    (kind: RecordKind) =>
    (key: string, value: unknown): void => {
      this.dirty = true;
      if (this.trackChanges) this.changes.set(`${kind}\u0000${key}`, { kind, key, value });
    };
  readonly subscriptions = new MemoryCollection<SubscriptionRecord>(this.track("subscriptions"));
  readonly resourceGroups = new MemoryCollection<ResourceGroupRecord>(this.track("resourceGroups"));
  readonly registries = new MemoryCollection<RegistryRecord>(this.track("registries"));
  readonly scopeMaps = new MemoryCollection<ScopeMapRecord>(this.track("scopeMaps"));
  readonly tokens = new MemoryCollection<TokenRecord>(this.track("tokens"));
  readonly connectedRegistries = new MemoryCollection<ConnectedRegistryRecord>(this.track("connectedRegistries"));

  flush(): void {
    this.dirty = false;
    this.changes.clear();
  }

  /** The whole state, for persistence. */
  snapshot(): StateSnapshot {
    return {
      version: 1,
      subscriptions: this.subscriptions.list(),
      resourceGroups: this.resourceGroups.list(),
      registries: this.registries.list(),
      scopeMaps: this.scopeMaps.list(),
      tokens: this.tokens.list(),
      connectedRegistries: this.connectedRegistries.list(),
    };
  }

  /** Replaces nothing: adds every record of a snapshot. */
  load(s: StateSnapshot): void {
    for (const x of s.subscriptions) this.subscriptions.put(idOf.subscription(x), x);
    for (const x of s.resourceGroups) this.resourceGroups.put(idOf.resourceGroup(x), x);
    for (const x of s.registries) this.registries.put(idOf.registry(x), x);
    for (const x of s.scopeMaps) this.scopeMaps.put(idOf.scopeMap(x), x);
    for (const x of s.tokens) this.tokens.put(idOf.token(x), x);
    for (const x of s.connectedRegistries ?? []) this.connectedRegistries.put(idOf.connectedRegistry(x), x);
  }

  /** The collection of a kind (journal replay). */
  protected collection(kind: RecordKind): MemoryCollection<unknown> {
    return this[kind] as MemoryCollection<unknown>;
  }
}
