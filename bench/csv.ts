// W4 CSV load benchmark: MB/s of loadCsv into float32 (median of runs), and with --compare the same
// file through csv-parse for every row. Standalone: node bench/csv.js [FILE] [--runs N] [--compare];
// without FILE it writes a 1,000,000 × 20 file of '%.7g' values (as gen_data.py does) under bench/out/.

import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadCsv, type CsvOptions } from '../src/data/csv.js';
import { makeRegressionArrays } from '../src/data/make_regression.js';
import { AleaGenerator } from '../src/random/alea.js';

export interface CsvBenchResult {
  mbPerSec: number;
  seconds: number[];
  rows: number;
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Load `file` `runs` times (after one warm-up run); MB/s from the median time. */
export async function benchCsv(file: string, runs: number, options: CsvOptions = {}, warmUp = true): Promise<CsvBenchResult> {
  const mb = statSync(file).size / 1e6;
  let rows = warmUp ? (await loadCsv(file, { dtype: 'float32', ...options })).rows : 0;
  const seconds: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = process.hrtime.bigint();
    rows = (await loadCsv(file, { dtype: 'float32', ...options })).rows;
    seconds.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return { mbPerSec: mb / median(seconds), seconds, rows };
}

/** C's '%.7g': 7 significant digits, trailing zeros dropped, exponent form below 1e-4 or from 1e7. */
export function formatG7(x: number): string {
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const [digits, exp] = x.toExponential(6).split('e');
  const e = Number(exp);
  const trim = (s: string): string => (s.includes('.') ? s.replace(/\.?0+$/, '') : s);
  if (e < -4 || e >= 7) return `${trim(digits)}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  return trim(x.toFixed(Math.max(0, 6 - e)));
}

/** A W4-shaped file: header x0..x19,y and make_regression rows written as '%.7g'. */
export function writeW4(file: string, rows: number): void {
  const F = 20;
  const a = makeRegressionArrays({ n_samples: rows, n_features: F, n_informative: F, noise: 10, bias: 14.5 }, new AleaGenerator(4));
  const lines = [[...Array.from({ length: F }, (_, j) => `x${j}`), 'y'].join(',')];
  for (let i = 0; i < rows; i++) {
    const row = Array.from(a.X.subarray(i * F, i * F + F), formatG7);
    row.push(formatG7(a.y[i]));
    lines.push(row.join(','));
  }
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${lines.join('\n')}\n`);
}

async function main(args: string[]): Promise<void> {
  const runsAt = args.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 5;
  const given = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--runs');
  const file = given ?? path.resolve('bench/out/w4-g7-1000000x20.csv');
  if (given === undefined && !existsSync(file)) writeW4(file, 1_000_000);
  const mb = statSync(file).size / 1e6;
  const fast = await benchCsv(file, runs);
  console.log(`${file}: ${mb.toFixed(1)} MB, ${fast.rows} rows → float32: ${fast.mbPerSec.toFixed(0)} MB/s (median of ${runs}: ${fast.seconds.map((s) => s.toFixed(3)).join(' ')} s)`);
  if (args.includes('--compare')) {
    const slow = await benchCsv(file, 1, { fastPath: false });
    console.log(`csv-parse for every row: ${slow.mbPerSec.toFixed(1)} MB/s (${slow.seconds[0].toFixed(1)} s)`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
