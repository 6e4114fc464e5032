/**
 * Statistics and formatting for the benchmark: pure functions (no timing, no I/O), unit-tested in
 * tests/bench/stats.test.ts.
 */

/** Median, min and max of a figure's runs. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  /** The individual runs, in the order they were measured. */
  runs: number[];
}

/** A target a figure must meet: `<=`/`<`/`>=`/`==` against `value`. */
export interface Target {
  op: "<=" | "<" | ">=" | "==";
  value: number;
}

/** One row of the results: a figure, its runs (or why it has none), its target and what it means. */
export interface Figure {
  /** JSON key, e.g. `speedupVsAzCli`. */
  key: string;
  /** Short human label for the table. */
  label: string;
  /** Unit shown after the numbers ("s", "×", "MiB", "calls", …). */
  unit: string;
  /** Null when the figure could not be measured; `reason` says why. */
  summary: Summary | null;
  reason?: string;
  target?: Target;
  /** The physical minimum, for ARM call counts (`minimumArmCalls…`). */
  minimum?: { key: string; value: number };
  /** What the figure means for a user, one sentence. */
  meaning: string;
}

/**
 * Summarises runs: median (mean of the two middle values for an even count), min and max.
 * Throws on an empty list or a non-finite value, which would make every figure meaningless.
 */
export function summarize(runs: readonly number[]): Summary {
  if (runs.length === 0) throw new Error("summarize: no runs to summarise; measure at least one run.");
  const bad = runs.find((r) => !Number.isFinite(r));
  if (bad !== undefined) throw new Error(`summarize: run value ${String(bad)} is not a finite number.`);
  const sorted = [...runs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, runs: [...runs] };
}

/**
 * The `p`-th percentile (0–100) by the nearest-rank method: the smallest value with at least p% of
 * the samples at or below it (p99 of 100 samples is the 99th smallest).
 */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new Error("percentile: no samples.");
  if (!(p > 0 && p <= 100)) throw new Error(`percentile: p must be in (0, 100], got ${p}.`);
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[rank - 1]!;
}

/** Element-wise ratios `numerators[i] / denominators[i]` of runs measured together (same run, same machine state). */
export function pairedRatios(numerators: readonly number[], denominators: readonly number[]): number[] {
  if (numerators.length !== denominators.length) {
    throw new Error(`pairedRatios: ${numerators.length} numerators but ${denominators.length} denominators; pair every run.`);
  }
  return numerators.map((n, i) => {
    const d = denominators[i]!;
    if (d === 0) throw new Error(`pairedRatios: run ${i} has a zero denominator.`);
    return n / d;
  });
}

/**
 * The ratio of two sides timed in ABBA order within one run (A, B, B, A): the sum of A's two timings
 * over B's. A load that rises or falls steadily during the run weighs on both sides alike, which
 * back-to-back pairs (A then B) do not give on a shared machine.
 */
export function abbaRatio(a1: number, b1: number, b2: number, a2: number): number {
  for (const v of [a1, b1, b2, a2]) if (!(Number.isFinite(v) && v > 0)) throw new Error(`abbaRatio: timing ${String(v)} is not a positive number.`);
  return (a1 + a2) / (b1 + b2);
}

/** Whether a summary's median meets the target; undefined when there is no target or no value. */
export function passes(summary: Summary | null, target: Target | undefined): boolean | undefined {
  if (!target || !summary) return undefined;
  const v = summary.median;
  switch (target.op) {
    case "<=":
      return v <= target.value;
    case "<":
      return v < target.value;
    case ">=":
      return v >= target.value;
    case "==":
      return v === target.value;
  }
}

/** A number with 3 significant digits (integers as they are, up to 1e6), e.g. 0.0123, 1.23, 123, 4567. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e6) return String(v);
  const abs = Math.abs(v);
  if (abs >= 1000) return String(Math.round(v));
  if (abs === 0) return "0";
  return Number(v.toPrecision(3)).toString();
}

function withUnit(v: number, unit: string): string {
  const n = formatNumber(v);
  if (unit === "×") return `${n}×`;
  return unit ? `${n} ${unit}` : n;
}

/** The text of a target, e.g. "≤ 1.5×", "= 0 calls". */
export function formatTarget(target: Target | undefined, unit: string): string {
  if (!target) return "";
  const op = { "<=": "≤", "<": "<", ">=": "≥", "==": "=" }[target.op];
  return `${op} ${withUnit(target.value, unit)}`;
}

/** The cells of one table row: figure, median, min, max, target, result, meaning. */
export function rowCells(f: Figure): string[] {
  const result = passes(f.summary, f.target);
  const minimum = f.minimum ? `min ${withUnit(f.minimum.value, f.unit)}` : "";
  const target = f.minimum && f.target ? `${formatTarget(f.target, f.unit)} (${minimum})` : f.minimum ? minimum : formatTarget(f.target, f.unit);
  const verdict = f.summary === null ? "n/a" : result === undefined ? (f.minimum ? (f.summary.median <= f.minimum.value ? "at min" : "above min") : "info") : result ? "pass" : "FAIL";
  if (f.summary === null) return [f.label, "—", "—", "—", target, verdict, `${f.meaning} (not measured: ${f.reason ?? "no reason given"})`];
  return [f.label, withUnit(f.summary.median, f.unit), withUnit(f.summary.min, f.unit), withUnit(f.summary.max, f.unit), target, verdict, f.meaning];
}

const HEADER = ["figure", "median", "min", "max", "target", "result", "what it means for a user"];

/** A plain-text table with aligned columns (the last column is left unpadded). */
export function formatTable(figures: readonly Figure[]): string {
  const rows = [HEADER, ...figures.map(rowCells)];
  const widths = HEADER.map((_, c) => Math.max(...rows.map((r) => [...r[c]!].length)));
  const line = (r: string[]) =>
    r
      .map((cell, c) => (c === r.length - 1 ? cell : cell + " ".repeat(widths[c]! - [...cell].length)))
      .join("  ")
      .trimEnd();
  const rule = widths.map((w, c) => "-".repeat(c === widths.length - 1 ? Math.min(w, 40) : w)).join("  ");
  return [line(rows[0]!), rule, ...rows.slice(1).map(line)].join("\n");
}

/** The same table in GitHub markdown (pipes in cells escaped). */
export function formatMarkdown(figures: readonly Figure[]): string {
  const esc = (s: string) => s.replace(/\|/g, "\\|");
  const row = (r: string[]) => `| ${r.map(esc).join(" | ")} |`;
  return [row(HEADER), row(HEADER.map(() => "---")), ...figures.map((f) => row(rowCells(f)))].join("\n");
}

/**
 * The JSON object: each figure's median under its key (null when not measured), `<key>Runs` with
 * min/max/runs (and the reason when null), the minimum next to ARM call counts, plus `extra` fields.
 */
export function toJson(figures: readonly Figure[], extra: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...extra };
  for (const f of figures) {
    out[f.key] = f.summary ? f.summary.median : null;
    out[`${f.key}Runs`] = f.summary
      ? { median: f.summary.median, min: f.summary.min, max: f.summary.max, runs: f.summary.runs, unit: f.unit }
      : { reason: f.reason ?? "not measured", unit: f.unit };
    if (f.minimum) out[f.minimum.key] = f.minimum.value;
    if (f.target) out[`${f.key}Target`] = `${f.target.op} ${f.target.value}`;
    const ok = passes(f.summary, f.target);
    if (ok !== undefined) out[`${f.key}Pass`] = ok;
  }
  return out;
}
