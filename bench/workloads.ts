// In-process training throughput (samples/s) on a benchmark CSV: the tutorial loop through the public
// API, and the yardstick, a plain hand-written JavaScript loop computing the same gradients.

import * as torch from '../src/index.js';
import { loadCsv } from '../src/data/csv.js';
import { setFastKernels } from '../src/kernels/select.js';
import { median, seconds } from './timing.js';

export interface Workload {
  name: string;
  batch: number;
  epochs: number;
  lr: number;
}

export interface Loaded {
  X: Float32Array;
  y: Float32Array;
  rows: number;
  features: number;
}

/** NOTE: awaits loadCsv, which is being made asynchronous (awaiting a plain value works too). */
export async function loadWorkload(file: string): Promise<Loaded> {
  // as `autograd train` loads it: the features in the shared memory, where fit()'s fused step reads them
  const t = await loadCsv(file, { dtype: 'float32', shared: true });
  return { X: t.X as Float32Array, y: t.y as Float32Array, rows: t.rows, features: t.featureNames.length };
}

/** What both loops train: the same data, batches, initialisation and optimizer. */
function setup(w: Workload, d: Loaded): { loader: torch.DataLoader; model: torch.nn.Linear; optimizer: torch.optim.SGD } {
  const X = torch.from_numpy(d.X, [d.rows, d.features]);
  const y = torch.from_numpy(d.y, [d.rows]);
  const gen = new torch.Generator(1);
  const loader = new torch.DataLoader(new torch.TensorDataset(X, y), { batch_size: w.batch, shuffle: true, generator: gen });
  const model = new torch.nn.Linear(d.features, 1, { generator: gen });
  return { loader, model, optimizer: new torch.optim.SGD(model.parameters(), { lr: w.lr }) };
}

/** The seeds' loop: DataLoader(shuffle) → Linear → MSELoss(pred, y.reshape(-1, 1)) → item → zero_grad → backward → step. */
function tutorialLoop(w: Workload, d: Loaded): number {
  const { loader, model, optimizer } = setup(w, d);
  const criterion = new torch.nn.MSELoss();
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
  return (d.rows * w.epochs) / s;
}

/** The same training through the library's loop, fit() (its fused Linear + MSELoss step). */
function fitLoop(w: Workload, d: Loaded): number {
  const { loader, model, optimizer } = setup(w, d);
  const s = seconds(() => torch.fit({ model, loader, loss_fn: new torch.nn.MSELoss(), optimizer, epochs: w.epochs }));
  return (d.rows * w.epochs) / s;
}

/** One epoch of the yardstick: shuffled minibatches, float64 gradient sums, the SGD update. */
function yardstickEpoch(d: Loaded, batch: number, lr: number, order: Uint32Array, W: Float32Array, b: Float32Array, gw: Float64Array): void {
  const F = d.features;
  const X = d.X;
  for (let s0 = 0; s0 < d.rows; s0 += batch) {
    const n = Math.min(batch, d.rows - s0);
    gw.fill(0);
    let gb = 0;
    for (let r = 0; r < n; r++) {
      const i = order[s0 + r];
      const row = i * F;
      let p = b[0];
      for (let j = 0; j < F; j++) p += X[row + j] * W[j];
      const g = (2 / n) * (p - d.y[i]); // d/dp of mean((p - y)²)
      for (let j = 0; j < F; j++) gw[j] += g * X[row + j];
      gb += g;
    }
    for (let j = 0; j < F; j++) W[j] -= lr * gw[j];
    b[0] -= lr * gb;
  }
}

/** The yardstick: the same shuffles, gradients and updates as the tutorial loop, without the library. */
function yardstick(w: Workload, d: Loaded): number {
  const W = new Float32Array(d.features);
  const b = new Float32Array(1);
  const gw = new Float64Array(d.features);
  const order = new Uint32Array(d.rows);
  const gen = new torch.AleaGenerator(1);
  const s = seconds(() => {
    for (let e = 0; e < w.epochs; e++) {
      for (let i = 0; i < d.rows; i++) order[i] = i;
      for (let i = d.rows - 1; i > 0; i--) {
        const j = gen.randomInterval(i);
        const t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      yardstickEpoch(d, w.batch, w.lr, order, W, b, gw);
    }
  });
  return (d.rows * w.epochs) / s;
}

export interface LoopFigures {
  /** Median samples/s of the tutorial loop, with the fast kernels (the default) and without. */
  samplesPerSec: number;
  samplesPerSecJs: number;
  /** Median samples/s of fit() on the same data. */
  fitSamplesPerSec: number;
  yardstickSamplesPerSec: number;
}

/** Seconds of repetitions behind each in-process figure. */
const MIN_SAMPLE_S = 0.3;

/** Medians over `runs` (after a warm-up that is not counted). */
export function measureLoops(w: Workload, d: Loaded, runs: number): LoopFigures {
  // a W1 run takes milliseconds: each figure is the mean rate over repetitions lasting ≥ MIN_SAMPLE_S,
  // after warm-up runs lasting as long, so that the JIT has settled and the timer's noise is small
  const med = (f: () => number): number => {
    const rate = (): number => {
      let samples = 0;
      let time = 0;
      while (time < MIN_SAMPLE_S) {
        const perSec = f();
        const s = (d.rows * w.epochs) / perSec;
        samples += d.rows * w.epochs;
        time += s;
      }
      return samples / time;
    };
    rate();
    return median(Array.from({ length: runs }, rate));
  };
  const samplesPerSec = med(() => tutorialLoop(w, d));
  const previous = setFastKernels(false);
  const samplesPerSecJs = med(() => tutorialLoop(w, d));
  setFastKernels(previous);
  return { samplesPerSec, samplesPerSecJs, fitSamplesPerSec: med(() => fitLoop(w, d)), yardstickSamplesPerSec: med(() => yardstick(w, d)) };
}
