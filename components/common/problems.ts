import { show } from "./redact";
/**
 * One thing wrong with one input, found before any Azure call.
 *
 * `message` is a complete sentence (or several) that starts with the property path, states the rule
 * and ends with the fix, e.g. `repositories["app"] has unknown action "content/reed". Did you mean
 * "content/read"? Allowed: …`. The component prefixes it with its own label (`ScopeMap "ci": `).
 */
export interface ValidationProblem {
  /** The property path in Pulumi's notation, e.g. `repositories["app"]` or `registryId`. */
  readonly propertyPath: string;
  /** What is wrong and what to do, starting with the property path. */
  readonly message: string;
}

/** A checked value (the plan), or the problems that prevent it. */
export interface Checked<T> {
  readonly plan?: T;
  readonly problems: ValidationProblem[];
}

/**
 * Quotes a value for a message the way JSON does, so whitespace and quotes stay visible — through the
 * package's redaction rule (components/common/redact.ts): a value that looks like a token, password or key
 * (a secret passed to the wrong input) is described by its length and kind instead.
 */
export function quote(value: string): string {
  return show(value, { maxLength: 300 });
}

/** `repositories["app"]`: a map entry's property path. */
export function entryPath(property: string, key: string): string {
  return `${property}[${quote(key)}]`;
}

/**
 * The closest candidate to `value` by edit distance, if it is close enough to be a plausible typo
 * (at most a third of the value's length, and at most 3 edits).
 *
 * Hand-written: a 15-line Levenshtein distance is smaller than any dependency that provides one.
 */
export function nearest(value: string, candidates: readonly string[]): string | undefined {
  const limit = Math.min(3, Math.max(1, Math.floor(value.length / 3)));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(value.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/** Levenshtein distance (insert, delete, substitute each cost 1), two-row dynamic programming. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}
