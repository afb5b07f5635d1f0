// `autograd train --stream`: batches read from the CSV as it streams, so memory stays bounded by a shuffle
// buffer of 64 batches whatever the file size; the file is read again every epoch (and once more first
// with --standardize, for the statistics).

import * as torch from '../../../index.js';
import { DataError, InterruptedError, TrainingDivergedError } from '../../../errors.js';
import { streamCsv } from '../../../data/csv_stream.js';
import { gatherRows } from '../../../data/dataset.js';
import { randpermFill } from '../../../random/distributions.js';
import type { Storage } from '../../../tensor/dtype.js';
import type { TrainOptions } from './options.js';
import type { Standardization } from '../../model_file.js';
import { sgdText, trainSettings, type RunHooks, type TrainHeader, type TrainResult } from './common.js';
import { nowMs } from '../../clock.js';

const BUFFER_BATCHES = 64;

type Chunk = { X: Storage; y: Storage; rows: number; featureNames: string[]; targetNames: string[] };

function chunks(o: TrainOptions): AsyncGenerator<Chunk> {
  return streamCsv(o.data, { target: o.target, features: o.features, dtype: o.dtype, batchRows: o.batchSize * BUFFER_BATCHES });
}

/** Per-feature mean and population std in one streaming pass (sums in float64; a zero std becomes 1). */
async function streamedStandardization(o: TrainOptions): Promise<Standardization> {
  let n = 0;
  let sum: Float64Array | null = null;
  let sq: Float64Array | null = null;
  for await (const c of chunks(o)) {
    const F = c.featureNames.length;
    sum ??= new Float64Array(F);
    sq ??= new Float64Array(F);
    for (let i = 0; i < c.rows; i++) {
      for (let j = 0; j < F; j++) {
        const x = c.X[i * F + j];
        sum[j] += x;
        sq[j] += x * x;
      }
    }
    n += c.rows;
  }
  if (sum === null || sq === null || n === 0) throw new DataError(`${o.data}: no data rows`, { file: o.data });
  const mean = Array.from(sum, (s) => s / n);
  // population variance as E[x²] − E[x]², in float64
  const std = Array.from(sq, (s, j) => Math.sqrt(Math.max(0, s / n - mean[j] * mean[j])) || 1);
  return { mean, std };
}

function standardizeInPlace(X: Storage, rows: number, F: number, stats: Standardization): void {
  for (let i = 0; i < rows; i++) for (let j = 0; j < F; j++) X[i * F + j] = (X[i * F + j] - stats.mean[j]) / stats.std[j];
}

/** randperm(rows) from the run's generator: the order within one shuffle buffer. */
function shuffled(gen: torch.Generator, rows: number): Uint32Array {
  const order = new Uint32Array(rows);
  randpermFill(gen, order, rows);
  return order;
}

/** One pass over the file: [x, y] batches, shuffled within buffers of BUFFER_BATCHES batches. */
async function* epochBatches(o: TrainOptions, gen: torch.Generator, stats: Standardization | null, onChunk: (c: Chunk) => void): AsyncGenerator<[torch.Tensor, torch.Tensor]> {
  for await (const c of chunks(o)) {
    onChunk(c);
    const F = c.featureNames.length;
    if (stats !== null) standardizeInPlace(c.X, c.rows, F, stats);
    const order = o.shuffle ? shuffled(gen, c.rows) : Uint32Array.from({ length: c.rows }, (_, i) => i);
    const X = torch.from_numpy(c.X, [c.rows, F]);
    const Y = torch.from_numpy(c.y, [c.rows, c.targetNames.length]);
    const last = c.rows < o.batchSize * BUFFER_BATCHES;
    for (let s = 0; s < c.rows; s += o.batchSize) {
      const n = Math.min(o.batchSize, c.rows - s);
      if (n < o.batchSize && (!last || o.dropLast)) break;
      yield [gatherRows(X, order, s, s + n), gatherRows(Y, order, s, s + n)];
    }
  }
}

function diverged(what: string, epoch: number, step: number): TrainingDivergedError {
  const message = `training diverged: ${what} at epoch ${epoch}, step ${step}; try a smaller learning rate (e.g. --lr) or standardize the features (--standardize)`;
  return new TrainingDivergedError(message, epoch, step);
}

interface StreamState {
  header: TrainHeader | null;
  model: torch.nn.Linear | null;
  optimizer: torch.optim.SGD | null;
  callbacks: torch.FitCallbacks;
  rows: number;
  ySum: number;
  ySq: number;
}

/** The model is built on the first chunk (when the columns are known); the header is announced then. */
function setUp(o: TrainOptions, s: StreamState, c: Chunk, gen: torch.Generator, hooks: RunHooks): void {
  if (s.model !== null) return;
  const model = new torch.nn.Linear(c.featureNames.length, c.targetNames.length, { dtype: o.dtype, generator: gen });
  s.model = model;
  s.optimizer = new torch.optim.SGD(model.parameters(), { lr: o.lr, momentum: o.momentum, dampening: o.dampening, weight_decay: o.weightDecay, nesterov: o.nesterov });
  const data = { file: o.data, rows: NaN, train_rows: NaN, val_rows: 0, features: c.featureNames, targets: c.targetNames };
  s.header = { data, model: String(model), loss: 'MSELoss()', optimizer: sgdText(o), settings: trainSettings(o) };
  // rows are not known before the first pass ends: NaN tells the report and the ETA so
  s.callbacks = hooks.onStart(s.header, NaN);
}

function step(s: StreamState, x: torch.Tensor, y: torch.Tensor, epoch: number, stepNo: number): number {
  const model = s.model as torch.nn.Linear;
  const loss = torch.nn.functional.mse_loss(model.forward(x), y);
  const value = loss.item();
  if (!Number.isFinite(value)) throw diverged(`the loss became ${value}`, epoch, stepNo);
  const optimizer = s.optimizer as torch.optim.SGD;
  optimizer.zero_grad();
  loss.backward();
  optimizer.step();
  for (const p of model.parameters()) if (!p._data.every(Number.isFinite)) throw diverged('a parameter became non-finite', epoch, stepNo);
  return value;
}

export async function runStreaming(o: TrainOptions, hooks: RunHooks): Promise<TrainResult> {
  const t0 = nowMs();
  const stats = o.standardize ? await streamedStandardization(o) : null;
  const gen = new torch.Generator(o.seed);
  const s: StreamState = { header: null, model: null, optimizer: null, callbacks: {}, rows: 0, ySum: 0, ySq: 0 };
  const trainLoss: number[] = [];
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    let total = 0;
    let steps = 0;
    let samples = 0;
    const onChunk = (c: Chunk): void => {
      setUp(o, s, c, gen, hooks);
      if (epoch > 1) return;
      s.rows += c.rows;
      for (let i = 0; i < c.y.length; i++) {
        s.ySum += c.y[i];
        s.ySq += c.y[i] * c.y[i];
      }
    };
    for await (const [x, y] of epochBatches(o, gen, stats, onChunk)) {
      if (hooks.signal.aborted) throw new InterruptedError(`interrupted at epoch ${epoch}, step ${steps + 1}`);
      const value = step(s, x, y, epoch, steps + 1);
      total += value;
      steps++;
      samples += x.shape[0];
      s.callbacks.on_step?.({ epoch, step: steps, loss: value, batch_size: x.shape[0] });
    }
    if (s.model === null) throw new DataError(`${o.data}: no data rows`, { file: o.data });
    if (steps === 0) throw new DataError(`${o.data}: ${s.rows} rows make no batch of ${o.batchSize} with --drop-last`, { file: o.data });
    trainLoss.push(total / steps);
    s.callbacks.on_epoch_end?.({ epoch, train_loss: total / steps, val_loss: null, steps, samples });
  }
  return result(o, s, trainLoss, stats, (nowMs() - t0) / 1000);
}

function result(o: TrainOptions, s: StreamState, trainLoss: number[], stats: Standardization | null, train_s: number): TrainResult {
  const model = s.model as torch.nn.Linear;
  const header = s.header as TrainHeader;
  const T = model.out_features;
  const n = s.rows * T;
  const mean = s.ySum / n;
  return {
    header: { ...header, data: { ...header.data, rows: s.rows, train_rows: s.rows } },
    history: { train_loss: trainLoss, val_loss: null },
    final_train_loss: trainLoss[trainLoss.length - 1],
    baseline_loss: Math.max(0, s.ySq / n - mean * mean),
    least_squares: { skipped: 'not computed with --stream' },
    weight: model.weight.detach().tolist() as number[][],
    bias: Array.from(model.bias === null ? [] : model.bias.detach().numpy()),
    standardization: stats,
    timings: { load_s: 0, train_s, samples_per_s: (s.rows * o.epochs) / Math.max(train_s, 1e-9) },
  };
}
