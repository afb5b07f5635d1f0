// The training loop: forward, loss, zero_grad, backward, step. Reports through callbacks, never prints.

import { InterruptedError, TrainingDivergedError } from '../errors.js';
import { no_grad } from '../tensor/autograd/grad_mode.js';
import { reshape } from '../autograd/ops/shape.js';
import type { Module } from '../nn/module.js';
import type { Optimizer } from '../optim/optimizer.js';
import { sameShape } from '../tensor/shape.js';
import type { Storage } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { DataLoader, gatherRows, TensorDataset, type IndexBatch } from '../data/dataset.js';
import { FusedLinearMse } from './fused.js';

export interface StepInfo {
  /** 1-based epoch and step within the epoch. */
  epoch: number;
  step: number;
  loss: number;
  batch_size: number;
}

export interface EpochInfo {
  epoch: number;
  /** Mean of the epoch's step losses. */
  train_loss: number;
  /** Sample-weighted mean loss over the validation loader, or null without one. */
  val_loss: number | null;
  steps: number;
  samples: number;
}

export interface FitCallbacks {
  on_step?(info: StepInfo): void;
  on_epoch_end?(info: EpochInfo): void;
}

export type LossFn = Module | ((input: Tensor, target: Tensor) => Tensor);

export interface FitOptions {
  model: Module;
  loader: Iterable<Tensor[]>;
  loss_fn: LossFn;
  optimizer: Optimizer<object>;
  epochs: number;
  val_loader?: Iterable<Tensor[]> | null;
  callbacks?: FitCallbacks;
  /** Aborting stops training before the next step with an InterruptedError. */
  signal?: AbortSignal;
}

export interface History {
  train_loss: number[];
  val_loss: number[] | null;
  step_losses: number[];
}

function callLoss(fn: LossFn, input: Tensor, target: Tensor): Tensor {
  return typeof fn === 'function' ? fn(input, target) : fn.forward(input, target);
}

/** A target with the prediction's shape when only their layout differs ([N] vs [N, 1]), as the tutorial reshapes it. */
function alignTarget(pred: Tensor, target: Tensor): Tensor {
  if (sameShape(pred.shape, target.shape) || pred.numel() !== target.numel()) return target;
  return reshape(target, pred.shape.slice());
}

function divergedMessage(what: string, epoch: number, step: number): string {
  return `training diverged: ${what} at epoch ${epoch}, step ${step}; try a smaller learning rate (e.g. --lr) or standardize the features (--standardize)`;
}

function allFinite(params: readonly Tensor[]): boolean {
  for (const p of params) for (let i = 0; i < p._data.length; i++) if (!Number.isFinite(p._data[i])) return false;
  return true;
}

/** The parameters' values before a step, in buffers allocated once (a step may replace a parameter's storage). */
class ParamBackup {
  private readonly saved: Storage[] = [];

  save(params: readonly Tensor[]): void {
    for (let i = 0; i < params.length; i++) {
      const data = params[i]._data;
      const buf = this.saved[i];
      if (buf === undefined || buf.length !== data.length || buf.constructor !== data.constructor) this.saved[i] = data.slice();
      else buf.set(data);
    }
  }

  restore(params: readonly Tensor[]): void {
    for (let i = 0; i < params.length; i++) params[i]._data.set(this.saved[i]);
  }
}

/** What every step of one fit() shares. */
interface StepState {
  params: readonly Tensor[];
  backup: ParamBackup;
  /** The fused Linear + MSELoss step when the model and loss allow it (same results, no graph). */
  fused: FusedLinearMse | null;
}

/** A batch as a step takes it: tensors, or rows of a TensorDataset's (X, Y) picked by index (not gathered). */
type Batch = { tensors: Tensor[] } | { X: Tensor; Y: Tensor; rows: IndexBatch };

function batchSize(b: Batch): number {
  if ('rows' in b) return b.rows.end - b.rows.start;
  return b.tensors[0].ndim === 0 ? 1 : b.tensors[0].shape[0];
}

/** The loss by the fused step, or null when there is none or the batch needs the graph. */
function fusedLoss(s: StepState, b: Batch): number | null {
  if (s.fused === null) return null;
  if ('rows' in b) return s.fused.forwardRows(b.X, b.Y, b.rows);
  return b.tensors.length === 2 ? s.fused.forward(b.tensors[0], b.tensors[1]) : null;
}

/** The batch's loss value, and the graph to run backward on (null when the fused step computed it). */
function forwardLoss(o: FitOptions, s: StepState, b: Batch): { value: number; loss: Tensor | null } {
  const fused = fusedLoss(s, b);
  if (fused !== null) return { value: fused, loss: null };
  const [x, y] = 'rows' in b ? [b.X, b.Y].map((t) => gatherRows(t, b.rows.order, b.rows.start, b.rows.end)) : b.tensors;
  const pred = o.model.forward(x);
  const loss = callLoss(o.loss_fn, pred, alignTarget(pred, y));
  return { value: loss.item(), loss };
}

function* mapped<T, U>(items: Iterable<T>, f: (item: T) => U): Generator<U> {
  for (const item of items) yield f(item);
}

/**
 * The loader's batches. With the fused step and a DataLoader over a TensorDataset (X, Y), the same batches
 * from the same draws, but not gathered (the row kernels read the rows in place) or, where those do not
 * apply, gathered into reused buffers: nothing but the step sees them, and it keeps none.
 */
function batchesOf(o: FitOptions, s: StepState): Iterable<Batch> {
  const loader = o.loader;
  const plain = loader instanceof DataLoader && Object.getPrototypeOf(loader) === DataLoader.prototype;
  if (s.fused === null || !plain) return mapped(loader, (tensors) => ({ tensors }));
  const ds = loader.dataset;
  if (ds instanceof TensorDataset && Object.getPrototypeOf(ds) === TensorDataset.prototype && ds.tensors.length === 2) {
    const [X, Y] = ds.tensors;
    if (s.fused.acceptsRows(X, Y, loader.batch_size)) return mapped(loader._indexBatches(), (rows) => ({ X, Y, rows }));
  }
  return mapped(loader._reusedBatches(), (tensors) => ({ tensors }));
}

/** One optimisation step; parameters are restored and an error thrown if it would make them non-finite. */
function trainStep(o: FitOptions, s: StepState, batch: Batch, epoch: number, step: number): number {
  const { value, loss } = forwardLoss(o, s, batch);
  if (!Number.isFinite(value)) throw new TrainingDivergedError(divergedMessage(`the loss became ${value}`, epoch, step), epoch, step);
  o.optimizer.zero_grad();
  if (loss === null) s.fused?.backward();
  else loss.backward();
  s.backup.save(s.params);
  o.optimizer.step();
  if (!allFinite(s.params)) {
    s.backup.restore(s.params);
    throw new TrainingDivergedError(divergedMessage('a parameter became non-finite', epoch, step), epoch, step);
  }
  return value;
}

/** Sample-weighted mean loss over a loader, without recording a graph. */
export function evaluateLoss(model: Module, loader: Iterable<Tensor[]>, loss_fn: LossFn): number {
  return no_grad(() => {
    let total = 0;
    let count = 0;
    for (const [x, y] of loader) {
      const pred = model.forward(x);
      const n = x.ndim === 0 ? 1 : x.shape[0];
      total += callLoss(loss_fn, pred, alignTarget(pred, y)).item() * n;
      count += n;
    }
    return count === 0 ? NaN : total / count;
  });
}

/** The training loop as a generator that pauses after every epoch (fit runs it through; fitAsync awaits between). */
function* epochs(o: FitOptions, history: History): Generator<EpochInfo> {
  const state: StepState = { params: [...o.model.parameters()], backup: new ParamBackup(), fused: FusedLinearMse.for(o.model, o.loss_fn) };
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    let sum = 0;
    let steps = 0;
    let samples = 0;
    for (const batch of batchesOf(o, state)) {
      if (o.signal?.aborted === true) throw new InterruptedError(`interrupted at epoch ${epoch}, step ${steps + 1}`);
      const value = trainStep(o, state, batch, epoch, steps + 1);
      steps++;
      sum += value;
      const size = batchSize(batch);
      samples += size;
      history.step_losses.push(value);
      o.callbacks?.on_step?.({ epoch, step: steps, loss: value, batch_size: size });
    }
    const train_loss = steps === 0 ? NaN : sum / steps;
    const val_loss = o.val_loader ? evaluateLoss(o.model, o.val_loader, o.loss_fn) : null;
    history.train_loss.push(train_loss);
    if (history.val_loss !== null && val_loss !== null) history.val_loss.push(val_loss);
    const info = { epoch, train_loss, val_loss, steps, samples };
    o.callbacks?.on_epoch_end?.(info);
    yield info;
  }
}

function newHistory(o: FitOptions): History {
  return { train_loss: [], val_loss: o.val_loader ? [] : null, step_losses: [] };
}

export function fit(o: FitOptions): History {
  const history = newHistory(o);
  for (const _ of epochs(o, history)) {
    // every epoch runs to completion; nothing to wait for between them
  }
  return history;
}

/** How often fitAsync lets the event loop run: each turn costs ~0.1 ms, a whole W1 epoch takes less. */
const YIELD_EVERY_MS = 20;

/**
 * fit(), giving the event loop a turn at the end of an epoch once YIELD_EVERY_MS have passed since
 * the last, so that a signal (Ctrl-C) can abort a long run. Same steps, same results. (Date.now: its
 * milliseconds are enough here, and performance.now would load perf_hooks, ~1 ms of a small run.)
 */
export async function fitAsync(o: FitOptions): Promise<History> {
  const history = newHistory(o);
  let last = Date.now();
  for (const _ of epochs(o, history)) {
    if (Date.now() - last < YIELD_EVERY_MS) continue;
    await new Promise<void>((resolve) => setImmediate(resolve));
    last = Date.now();
  }
  return history;
}
