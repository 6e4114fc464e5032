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

/** A Map keyed by lower-cased id. Records are copied in and out so callers cannot alias stored state. */
export class MemoryCollection<T> implements Collection<T> {
  private readonly items = new Map<string, T>();

  constructor(private readonly onChange: () => void) {}

  get(id: string): T | undefined {
    const v = this.items.get(id.toLowerCase());
    return v === undefined ? undefined : structuredClone(v);
  }

  put(id: string, value: T): void {
    this.items.set(id.toLowerCase(), structuredClone(value));
    this.onChange();
  }

  delete(id: string): boolean {
    const deleted = this.items.delete(id.toLowerCase());
    if (deleted) this.onChange();
    return deleted;
  }

  list(parentId?: string): T[] {
    const prefix = parentId === undefined ? undefined : `${parentId.toLowerCase()}/`;
    const out: T[] = [];
    for (const [k, v] of this.items) if (prefix === undefined || k.startsWith(prefix)) out.push(structuredClone(v));
    return out;
  }
}

/** The in-memory store: state lives as long as the emulator. */
export class MemoryStore implements EmulatorStore {
  protected dirty = false;
  private readonly mark = (): void => {
    this.dirty = true;
  };
  readonly subscriptions = new MemoryCollection<SubscriptionRecord>(this.mark);
  readonly resourceGroups = new MemoryCollection<ResourceGroupRecord>(this.mark);
  readonly registries = new MemoryCollection<RegistryRecord>(this.mark);
  readonly scopeMaps = new MemoryCollection<ScopeMapRecord>(this.mark);
  readonly tokens = new MemoryCollection<TokenRecord>(this.mark);
  readonly connectedRegistries = new MemoryCollection<ConnectedRegistryRecord>(this.mark);

  flush(): void {
    this.dirty = false;
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
}
