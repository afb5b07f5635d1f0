// Whole-process runs side by side: `autograd train` and the PyTorch / pandas reference scripts of
// bench/reference/ (run with /usr/bin/python3 when it has torch), each timed from outside.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { medianOf, repeat, resultLine } from './processes.js';
import type { Workload } from './workloads.js';

export const PYTHON = '/usr/bin/python3';

export interface TrainFigures {
  samplesPerSec: number;
  loadS: number;
  wallS: number;
  peakMb: number | null;
  finalMse: number;
}

/** Versions of torch and pandas when /usr/bin/python3 can import torch, else null. */
export function pythonVersions(): string | null {
  if (!existsSync(PYTHON)) return null;
  const r = spawnSync(PYTHON, ['-c', 'import torch, numpy, pandas; print(f"torch {torch.__version__}, numpy {numpy.__version__}, pandas {pandas.__version__}")'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

interface TrainJson {
  final: { train_loss: number };
  timings: { load_s: number; train_s: number; samples_per_s: number };
}

/**
 * `autograd train --json` on `file` with the workload's settings (`env` e.g. AUTOGRAD_WASM=0); with
 * `stream`, `--stream` under a JavaScript heap limit of stream.heapMb (node --max-old-space-size).
 */
export function ourTrain(cli: string[], file: string, w: Workload, runs: number, env: Record<string, string> = {}, stream: { heapMb: number } | null = null, extra: string[] = []): TrainFigures {
  const node = stream === null ? [cli[0]] : [cli[0], `--max-old-space-size=${stream.heapMb}`];
  const flags = [...(stream === null ? [] : ['--stream']), ...extra];
  const argv = [...node, ...cli.slice(1), 'train', ...flags, '--data', file, '--batch-size', String(w.batch), '--epochs', String(w.epochs), '--lr', String(w.lr), '--json'];
  const r = repeat(argv, runs, (out) => JSON.parse(out) as TrainJson, env);
  return {
    samplesPerSec: medianOf(r.runs, (j) => j.timings.samples_per_s),
    loadS: medianOf(r.runs, (j) => j.timings.load_s),
    wallS: r.wallS,
    peakMb: r.peakMb,
    finalMse: medianOf(r.runs, (j) => j.final.train_loss),
  };
}

/** bench/reference/torch_train.py in `mode` ('dataloader': the tutorial loop; 'slice': PyTorch's best case). */
export function torchTrain(refDir: string, file: string, w: Workload, mode: 'dataloader' | 'slice', threads: number, runs: number): TrainFigures {
  const argv = [PYTHON, path.join(refDir, 'torch_train.py'), file, '--batch', String(w.batch), '--epochs', String(w.epochs), '--lr', String(w.lr), '--mode', mode, '--threads', String(threads)];
  const r = repeat(argv, runs, resultLine);
  return {
    samplesPerSec: medianOf(r.runs, (j) => Number(j.samples_per_s)),
    loadS: medianOf(r.runs, (j) => Number(j.load_s)),
    wallS: r.wallS,
    peakMb: r.peakMb,
    finalMse: medianOf(r.runs, (j) => Number(j.final_mse)),
  };
}

/** bench/reference/csv_parse_bench.py: MB/s of pandas or numpy.loadtxt reading `file` into float32. */
export function pythonCsv(refDir: string, file: string, how: 'pandas' | 'loadtxt', runs: number): number {
  const r = repeat([PYTHON, path.join(refDir, 'csv_parse_bench.py'), file, '--how', how], runs, resultLine);
  return medianOf(r.runs, (j) => Number(j.mb_per_s));
}
