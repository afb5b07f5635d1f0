// The benchmark's CSV files, made once and cached under bench/out/ (git-ignored): W1 is the shipped
// tutorial data; W2, W3 and W4 come from `autograd gen-data` (W3, ~1 GB, takes it a minute or two).

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';

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
  // the sidecar marks a finished gen-data file (an earlier bench wrote W3 without one, in another format)
  if (!existsSync(file) || !existsSync(`${file}.meta.json`)) {
    ctx.log(`generating ${path.relative(ctx.root, file)} with autograd gen-data ...`);
    const args = ['gen-data', '--n-samples', String(rows), '--n-features', String(features), '--n-informative', String(features),
      '--noise', '10', '--bias', '14.5', '--seed', String(seed), '--dtype', 'float32', '--out', file];
    const r = spawnSync(ctx.cli[0], [...ctx.cli.slice(1), ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
    if (r.status !== 0) throw new Error(`autograd gen-data failed (${r.status}): ${r.stderr}`);
  }
  return described(file, rows, features);
}
