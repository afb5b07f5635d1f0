// The benchmark's CSV files, made once and cached under bench/out/ (git-ignored): W1 is the shipped
// tutorial data; W2 and W4 come from `autograd gen-data`; W3 (1.3 GB, more than one JavaScript string
// can hold, which gen-data builds) from the library's make_regression through a streaming writer.

import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, renameSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import * as torch from '../src/index.js';

export interface DataFile {
  file: string;
  rows: number;
  features: number;
  mb: number;
}

export interface DataContext {
  root: string;
  outDir: string;
  /** argv prefix that runs our CLI: [node, entry]. */
  cli: string[];
  log: (line: string) => void;
}

function described(file: string, rows: number, features: number): DataFile {
  return { file, rows, features, mb: statSync(file).size / 1e6 };
}

/** W1: the tutorial's make_regression(100, 1, noise=10, bias=14.5, random_state=0), shipped in data/. */
export function tutorialData(ctx: DataContext): DataFile {
  const file = path.join(ctx.root, 'data', 'tutorial.csv');
  if (!existsSync(file)) throw new Error(`missing ${file}`);
  return described(file, 100, 1);
}

/** A make_regression CSV (float32 text) through `autograd gen-data`. */
export function genData(ctx: DataContext, name: string, rows: number, features: number, seed: number): DataFile {
  mkdirSync(ctx.outDir, { recursive: true });
  const file = path.join(ctx.outDir, `${name}-${rows}x${features}.csv`);
  if (!existsSync(file)) {
    ctx.log(`generating ${path.relative(ctx.root, file)} with autograd gen-data ...`);
    const args = ['gen-data', '--n-samples', String(rows), '--n-features', String(features), '--n-informative', String(features),
      '--noise', '10', '--bias', '14.5', '--seed', String(seed), '--dtype', 'float32', '--out', file];
    const r = spawnSync(ctx.cli[0], [...ctx.cli.slice(1), ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
    if (r.status !== 0) throw new Error(`autograd gen-data failed (${r.status}): ${r.stderr}`);
  }
  return described(file, rows, features);
}

/** `v` with 6 decimals ("%.6f"), written into `buf` at `pos`; returns the new position. */
function writeFixed6(buf: Buffer, pos: number, v: number): number {
  let p = pos;
  if (v < 0) {
    buf[p++] = 0x2d;
    v = -v;
  }
  const scaled = Math.round(v * 1e6);
  const int = Math.floor(scaled / 1e6);
  let frac = scaled - int * 1e6;
  p += buf.write(String(int), p, 'latin1');
  buf[p++] = 0x2e;
  for (let d = 5; d >= 0; d--) {
    buf[p + d] = 0x30 + (frac % 10);
    frac = Math.floor(frac / 10);
  }
  return p + 6;
}

/** Rows of X and y as CSV text, streamed to `file` in blocks (atomic: written to a .tmp, then renamed). */
function writeCsv(file: string, X: Float64Array, y: Float64Array, rows: number, features: number): void {
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w');
  const header = [...Array.from({ length: features }, (_, j) => `x${j}`), 'y'].join(',');
  writeSync(fd, `${header}\n`);
  const block = 10_000;
  const buf = Buffer.alloc(block * (features + 1) * 24);
  for (let r0 = 0; r0 < rows; r0 += block) {
    let p = 0;
    for (let r = r0; r < Math.min(rows, r0 + block); r++) {
      for (let j = 0; j < features; j++) {
        p = writeFixed6(buf, p, X[r * features + j]);
        buf[p++] = 0x2c;
      }
      p = writeFixed6(buf, p, y[r]);
      buf[p++] = 0x0a;
    }
    writeSync(fd, buf, 0, p);
  }
  closeSync(fd);
  renameSync(tmp, file);
}

/** W3: make_regression(rows, 100, n_informative=100, noise=10, bias=14.5) from seed 3, values as "%.6f". */
export function largeData(ctx: DataContext, rows: number, features: number): DataFile {
  mkdirSync(ctx.outDir, { recursive: true });
  const file = path.join(ctx.outDir, `w3-${rows}x${features}.csv`);
  if (!existsSync(file)) {
    ctx.log(`generating ${path.relative(ctx.root, file)} through the library (once; cached) ...`);
    const a = torch.makeRegressionArrays({ n_samples: rows, n_features: features, n_informative: features, noise: 10, bias: 14.5 }, new torch.Generator(3));
    writeCsv(file, a.X, a.y, rows, features);
  }
  return described(file, rows, features);
}
