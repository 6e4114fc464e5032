/**
 * Fault injection for tests: the next N requests matching a method and a path answer with an
 * error status, a reset connection, added latency, an LRO that ends `Failed`, or a mangled success body.
 */

/** What to do to a matching request. */
export type Fault =
  | { kind: "status"; status: 429 | 500 | 503 | 409; retryAfterSeconds?: number }
  | { kind: "reset" }
  | { kind: "latency"; ms: number }
  | { kind: "lroFailed" }
  /**
   * The request is handled for real (a generateCredentials really replaces the slot), then its successful
   * answer's body text is replaced by `mangle(text)`: truncated JSON, trailing bytes, a wrapper, another
   * content type… A malformed success, which must never make the client print the body.
   */
  | { kind: "mangleBody"; mangle: (text: string) => string; contentType?: string };

/** A rule: which requests, how many times, what fault. */
export interface FaultRule {
  /** HTTP method to match (case-insensitive); any method when omitted. */
  method?: string;
  /**
   * Path to match (never the query string): a RegExp tested against the path, or a string
   * found anywhere in it, case-insensitively (e.g. `"/tokens/"`).
   */
  route: string | RegExp;
  /** How many matching requests get the fault. Default 1. */
  count?: number;
  fault: Fault;
}

/** A fault that fired, for assertions and figures. */
export interface InjectedFault {
  method: string;
  path: string;
  fault: Fault;
}

interface ActiveRule extends FaultRule {
  remaining: number;
}

/** The registry of pending fault rules and of the faults injected so far. */
export class FaultInjector {
  private rules: ActiveRule[] = [];
  /** Every fault that fired, in order. */
  readonly injected: InjectedFault[] = [];

  /** Adds a rule; the first matching rule with remaining count fires. */
  add(rule: FaultRule): void {
    const count = rule.count ?? 1;
    if (!Number.isInteger(count) || count < 1) {
      throw new Error(`faults.add: count must be a positive integer, got ${String(rule.count)}.`);
    }
    if (rule.fault.kind === "latency" && !(rule.fault.ms >= 0)) {
      throw new Error(`faults.add: latency ms must be >= 0, got ${String(rule.fault.ms)}.`);
    }
    this.rules.push({ ...rule, remaining: count });
  }

  /** Removes every pending rule (the record of injected faults stays). */
  clear(): void {
    this.rules = [];
  }

  /** Rules not yet used up. */
  get pending(): number {
    return this.rules.reduce((n, r) => n + r.remaining, 0);
  }

  /** Faults injected so far, by kind ("status:429", "reset", "latency", "lroFailed"). */
  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const f of this.injected) {
      const k = f.fault.kind === "status" ? `status:${f.fault.status}` : f.fault.kind;
      out[k] = (out[k] ?? 0) + 1;
    }
    return out;
  }

  /** Takes the fault for this request, if a rule matches (internal to the pipeline). */
  take(method: string, path: string): Fault | undefined {
    const rule = this.rules.find((r) => r.remaining > 0 && matches(r, method, path));
    if (!rule) return undefined;
    rule.remaining -= 1;
    this.rules = this.rules.filter((r) => r.remaining > 0);
    this.injected.push({ method, path, fault: rule.fault });
    return rule.fault;
  }
}

function matches(rule: FaultRule, method: string, path: string): boolean {
  if (rule.method !== undefined && rule.method.toUpperCase() !== method.toUpperCase()) return false;
  if (typeof rule.route === "string") return path.toLowerCase().includes(rule.route.toLowerCase());
  rule.route.lastIndex = 0;
  return rule.route.test(path);
}

/** A short label for the request log. */
export function faultLabel(f: Fault): string {
  return f.kind === "status" ? `status:${f.status}` : f.kind;
}
