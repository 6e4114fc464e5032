import { appendFileSync } from "node:fs";

/**
 * Figures for the README, recorded by the fault, bad-input and canary suites as they run and summed
 * by `npm run figures` (scripts/figures.ts). A test records only after its assertions passed, so a
 * recorded fault is one the suite survived. Writes nothing unless `ACR_TOKENS_FIGURES_FILE` names a
 * file (one JSON object a line).
 */
export type FigureSurface = "faults" | "badInput" | "canary";

export function recordFigure(surface: FigureSurface, key: string, count = 1): void {
  const file = process.env["ACR_TOKENS_FIGURES_FILE"];
  if (!file || count === 0) return;
  appendFileSync(file, `${JSON.stringify({ surface, key, count })}\n`);
}

/** Records the faults an emulator injected since `before` (a `faults.counts()` snapshot), by kind. */
export function recordFaults(before: Record<string, number>, after: Record<string, number>): void {
  for (const [kind, n] of Object.entries(after)) recordFigure("faults", kind, n - (before[kind] ?? 0));
}
