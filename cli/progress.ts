/** Where the CLI writes text: `process.stdout`/`process.stderr`, or a buffer in tests. */
export interface TextSink {
  write(text: string): unknown;
}

/**
 * One status line on a terminal, rewritten in place (`\r` + erase line) and erased when the work is
 * done, so a finished run leaves only its result. When stderr is not a terminal (CI logs, pipes) it
 * writes nothing at all: a log full of carriage returns helps nobody.
 */
export class Progress {
  private shown = false;

  constructor(
    private readonly sink: TextSink,
    private readonly enabled: boolean,
  ) {}

  /** Replaces the status line. */
  update(text: string): void {
    if (!this.enabled) return;
    this.sink.write(`\r\x1b[2K${text}`);
    this.shown = true;
  }

  /** Erases the status line, if one is shown. */
  clear(): void {
    if (!this.shown) return;
    this.sink.write("\r\x1b[2K");
    this.shown = false;
  }
}
