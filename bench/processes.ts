// Whole processes timed from outside: wall time and peak RSS through /usr/bin/time when it exists
// (GNU time's %M), else wall time only; medians over several runs.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { median } from './timing.js';

export interface ProcessRun {
  wallS: number;
  /** Peak resident set size in MB, or null without /usr/bin/time. */
  peakMb: number | null;
  stdout: string;
}

const TIME = '/usr/bin/time';
const MARK = '@@BENCH ';

/** Run `argv` once; throws with its stderr when it fails. */
export function runProcess(argv: string[], env: Record<string, string> = {}): ProcessRun {
  const withTime = existsSync(TIME);
  const cmd = withTime ? TIME : argv[0];
  const args = withTime ? ['-f', `${MARK}%e %M`, ...argv] : argv.slice(1);
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, ...env } });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited with ${r.status}: ${r.stderr.slice(-2000)}`);
  const line = withTime ? r.stderr.split('\n').find((l) => l.startsWith(MARK)) : undefined;
  if (line === undefined) return { wallS: wall, peakMb: null, stdout: r.stdout };
  // %e has only two decimals: the wall time is our own clock's; %M is the peak RSS in KB
  const kb = Number(line.slice(MARK.length).split(' ')[1]);
  return { wallS: wall, peakMb: kb / 1024, stdout: r.stdout };
}

export interface Repeated<T> {
  runs: T[];
  wallS: number;
  peakMb: number | null;
}

/** `runs` runs of `argv`, each parsed by `parse`; medians of wall time and peak RSS. */
export function repeat<T>(argv: string[], runs: number, parse: (stdout: string) => T, env: Record<string, string> = {}): Repeated<T> {
  const all: Array<ProcessRun & { parsed: T }> = [];
  for (let i = 0; i < runs; i++) {
    const r = runProcess(argv, env);
    all.push({ ...r, parsed: parse(r.stdout) });
  }
  const peaks = all.map((r) => r.peakMb).filter((m): m is number => m !== null);
  return { runs: all.map((r) => r.parsed), wallS: median(all.map((r) => r.wallS)), peakMb: peaks.length > 0 ? median(peaks) : null };
}

/** The reference scripts' `RESULT {json}` line. */
export function resultLine(stdout: string): Record<string, number | string> {
  const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (line === undefined) throw new Error(`no RESULT line in: ${stdout.slice(0, 500)}`);
  return JSON.parse(line.slice('RESULT '.length)) as Record<string, number | string>;
}

/** The median of one numeric field over parsed runs. */
export function medianOf<T>(runs: readonly T[], pick: (r: T) => number): number {
  return median(runs.map(pick));
}
