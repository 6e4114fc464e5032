import { writeFileSync, renameSync } from "node:fs";

/**
 * The emulator's clock. Everything time-dependent in the emulator (JWT `exp`/`nbf` checks,
 * password `creationTime`, password expiry, LRO timestamps) reads this clock, never `Date.now()`,
 * so tests move time instead of sleeping.
 */
export interface Clock {
  /** The current emulator time. */
  now(): Date;
}

/** Durations accepted by {@link ManualClock.advance}. */
export interface Duration {
  days?: number;
  hours?: number;
  minutes?: number;
  seconds?: number;
  milliseconds?: number;
}

const MS = { days: 86_400_000, hours: 3_600_000, minutes: 60_000, seconds: 1_000, milliseconds: 1 } as const;

/** Milliseconds in a {@link Duration}, or the number itself when given milliseconds. */
export function durationMs(d: number | Duration): number {
  if (typeof d === "number") return d;
  let total = 0;
  for (const [unit, factor] of Object.entries(MS)) {
    const v = d[unit as keyof Duration];
    if (v !== undefined) total += v * factor;
  }
  return total;
}

/**
 * A clock that follows real time from an offset, which tests can set or move.
 *
 * With `mirrorFile`, every change of the offset writes the current emulator time (ISO 8601) to that
 * file atomically. A process that should share the emulator's notion of "now" (the dynamic-provider
 * host spawned by tests, through `ACR_TOKENS_CLOCK_FILE`) reads it from there.
 */
export class ManualClock implements Clock {
  private offsetMs = 0;
  private frozenAt: number | undefined;

  constructor(private readonly options: { start?: Date | string; frozen?: boolean; mirrorFile?: string } = {}) {
    if (options.start !== undefined) this.offsetMs = new Date(options.start).getTime() - Date.now();
    if (options.frozen) this.frozenAt = this.now().getTime();
    this.mirror();
  }

  now(): Date {
    return new Date(this.frozenAt ?? Date.now() + this.offsetMs);
  }

  /** Sets the emulator time. */
  set(at: Date | string): void {
    const t = new Date(at).getTime();
    if (Number.isNaN(t)) throw new Error(`clock.set: "${String(at)}" is not a date; pass a Date or an ISO 8601 string.`);
    if (this.frozenAt !== undefined) this.frozenAt = t;
    else this.offsetMs = t - Date.now();
    this.mirror();
  }

  /** Moves the emulator time forward (or backward, with a negative duration). */
  advance(by: number | Duration): Date {
    const ms = durationMs(by);
    if (this.frozenAt !== undefined) this.frozenAt += ms;
    else this.offsetMs += ms;
    this.mirror();
    return this.now();
  }

  /** The file this clock mirrors its time into, if any. */
  get mirrorFile(): string | undefined {
    return this.options.mirrorFile;
  }

  private mirror(): void {
    const file = this.options.mirrorFile;
    if (!file) return;
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, this.now().toISOString());
    renameSync(tmp, file);
  }
}
