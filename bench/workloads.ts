// Workload benchmarks (issues 3 and 5): CSV load throughput on a 1,000,000 × 20 file, and training
// throughput (samples/s) of the tutorial loop for W1 100×1 batch 16, W2 100,000×10 batch 64 and
// W3 1,000,000×100 batch 1024, plus a hand-written JavaScript yardstick computing the same gradients.

import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as torch from '../src/index.js';
import { exactText } from '../src/cli/format_values.js';
import { loadCsv } from '../src/data/csv.js';
import { median, seconds } from './timing.js';

export interface Workload {
  name: string;
  rows: number;
  features: number;
  batch: number;
  epochs: number;
  lr: number;
}

export const WORKLOADS: Workload[] = [
  { name: 'W1 100×1, batch 16', rows: 100, features: 1, batch: 16, epochs: 100, lr: 0.01 },
  { name: 'W2 100,000×10, batch 64', rows: 100_000, features: 10, batch: 64, epochs: 5, lr: 0.01 },
  { name: 'W3 1,000,000×100, batch 1024', rows: 1_000_000, features: 100, batch: 1024, epochs: 2, lr: 0.001 },
];

function data(w: Workload, seed: number): { X: torch.Tensor; y: torch.Tensor } {
  const a = torch.makeRegressionArrays({ n_samples: w.rows, n_features: w.features, n_informative: w.features, noise: 10, bias: 14.5 }, new torch.Generator(seed));
  return { X: torch.tensor(a.X, { dtype: 'float32' }).reshape(w.rows, w.features), y: torch.tensor(a.y, { dtype: 'float32' }) };
}

/** The seeds' loop: DataLoader(shuffle) → Linear → MSELoss(pred, y.reshape(-1, 1)) → zero_grad → backward → step. */
function tutorialLoop(w: Workload, X: torch.Tensor, y: torch.Tensor): number {
  const gen = new torch.Generator(1);
  const loader = new torch.DataLoader(new torch.TensorDataset(X, y), { batch_size: w.batch, shuffle: true, generator: gen });
  const model = new torch.nn.Linear(w.features, 1, { generator: gen });
  const criterion = new torch.nn.MSELoss();
  const optimizer = new torch.optim.SGD(model.parameters(), { lr: w.lr });
  const s = seconds(() => {
    for (let e = 0; e < w.epochs; e++) {
      for (const [bx, by] of loader) {
        const loss = criterion.forward(model.forward(bx), by.reshape(-1, 1));
        loss.item();
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
      }
    }
  });
  return (w.rows * w.epochs) / s;
}

/** A plain JavaScript loop with the same shuffles, gradients and updates, no engine: the yardstick. */
function yardstick(w: Workload, X: Float32Array, y: Float32Array): number {
  const F = w.features;
  const W = new Float32Array(F);
  let b = 0;
  const order = new Uint32Array(w.rows);
  const gen = new torch.Generator(1);
  const gw = new Float64Array(F);
  const s = seconds(() => {
    for (let e = 0; e < w.epochs; e++) {
      for (let i = 0; i < w.rows; i++) order[i] = i;
      for (let i = w.rows - 1; i > 0; i--) {
        const j = gen.randomInterval(i);
        const t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      for (let s0 = 0; s0 < w.rows; s0 += w.batch) {
        const n = Math.min(w.batch, w.rows - s0);
        gw.fill(0);
        let gb = 0;
        for (let r = 0; r < n; r++) {
          const row = order[s0 + r] * F;
          let p = b;
          for (let j = 0; j < F; j++) p += X[row + j] * W[j];
          const g = (2 / n) * (p - y[order[s0 + r]]);
          for (let j = 0; j < F; j++) gw[j] += g * X[row + j];
          gb += g;
        }
        for (let j = 0; j < F; j++) W[j] -= w.lr * gw[j];
        b -= w.lr * gb;
      }
    }
  });
  return (w.rows * w.epochs) / s;
}

export interface WorkloadFigures {
  name: string;
  samplesPerSec: number;
  yardstickSamplesPerSec: number;
}

export function runTrainingWorkloads(runs: number, quick: boolean): WorkloadFigures[] {
  return WORKLOADS.map((w0) => {
    const w = quick && w0.rows > 100_000 ? { ...w0, rows: 200_000, name: `${w0.name} (--quick: 200,000 rows)` } : w0;
    const { X, y } = data(w, 3);
    const ours = median(Array.from({ length: runs }, () => tutorialLoop(w, X, y)));
    const yard = median(Array.from({ length: runs }, () => yardstick(w, X.numpy() as Float32Array, y.numpy() as Float32Array)));
    return { name: w.name, samplesPerSec: ours, yardstickSamplesPerSec: yard };
  });
}

/** W4: a 1,000,000 × 20 CSV (float32-exact values, cached under bench/out/) loaded into float32. */
export function runCsvWorkload(runs: number, quick: boolean): { file: string; mb: number; mbPerSec: number } {
  const rows = quick ? 200_000 : 1_000_000;
  const dir = path.resolve('bench/out');
  const file = path.join(dir, `w4-${rows}x20.csv`);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    const a = torch.makeRegressionArrays({ n_samples: rows, n_features: 20, n_informative: 20, noise: 10, bias: 14.5 }, new torch.Generator(4));
    const lines = [[...Array.from({ length: 20 }, (_, j) => `x${j}`), 'y'].join(',')];
    for (let i = 0; i < rows; i++) {
      const row = Array.from(a.X.subarray(i * 20, i * 20 + 20), (v) => exactText(v, 'float32'));
      row.push(exactText(a.y[i], 'float32'));
      lines.push(row.join(','));
    }
    writeFileSync(file, `${lines.join('\n')}\n`);
  }
  const mb = statSync(file).size / 1e6;
  const times = Array.from({ length: runs }, () => seconds(() => void loadCsv(file)));
  return { file, mb, mbPerSec: mb / median(times) };
}
