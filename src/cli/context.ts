// What a command may touch of the outside world. Tests build one with captured streams.

/** The process-facing surface a command uses; main.ts builds the real one, tests a fake one. */
export interface CliContext {
  /** Write to standard output (data, JSON, reports). */
  stdout(text: string): void;
  /** Write to standard error (progress, diagnostics, errors). */
  stderr(text: string): void;
  /** True when stdout is an interactive terminal (live progress, redrawn charts). */
  isTTY: boolean;
  /**
   * True when stderr, where progress goes, is a terminal (a live line redrawn with `\r`); when absent,
   * `isTTY` decides. Optional so that contexts written before it still work.
   */
  progressTTY?: boolean;
  /** Whether colour escapes are allowed (TTY, FORCE_COLOR, NO_COLOR and --no-color decide). */
  color: boolean;
  /** Terminal width in columns (80 when unknown). */
  columns: number;
  /** Environment variables (process.env, or a test's own). */
  env: Readonly<Record<string, string | undefined>>;
  /** Directory relative paths resolve against. */
  cwd: string;
  /** Aborted on SIGINT; long-running commands check it and stop cleanly (exit 130). */
  signal: AbortSignal;
}
