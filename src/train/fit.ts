// The training loop: forward, loss, zero_grad, backward, step. Reports through callbacks, never prints.
// The one loop of the library and of `autograd train`: its batch source is any iterable of [x, y]
// tensors (a DataLoader, the CLI's row views) or, in fitAsync, an async iterable (`train --stream`'s
// batches read from the CSV as it streams). Divergence checks and the restore, validation, callbacks and
// optimizer stepping exist here only; fast_path.ts picks how a step runs.

import { InterruptedError, TrainingDivergedError, ValueError } from '../errors.js';
import { no_grad } from '../tensor/autograd/grad_mode.js';
import { reshape } from '../autograd/ops/shape.js';
import type { Module } from '../nn/module.js';
import type { Optimizer } from '../optim/optimizer.js';
import { sameShape } from '../tensor/shape.js';
import type { Storage } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { gatherRows, type IndexBatch } from '../data/dataset.js';
import type { FusedLinearMse } from './fused.js';
import { chooseStep, rowsTake, sharedTakes, type StepPlan } from './fast_path.js';

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
  /** The first parameter group's learning rate during the epoch (before the scheduler's step), or null. */
  lr: number | null;
}

export interface FitCallbacks {
  on_step?(info: StepInfo): void;
  on_epoch_end?(info: EpochInfo): void;
}

export type LossFn = Module | ((input: Tensor, target: Tensor) => Tensor);

/** Where fit() takes each epoch's batches from: iterated once per epoch. */
export type BatchSource = Iterable<Tensor[]>;
/**
 * Rows `rows.order[start..end)` of (X, Y), not gathered: what an asynchronous source may yield instead of
 * [x, y], so that a fused step reads the rows in place (`train --stream`'s shuffle buffer).
 */
export interface RowsBatch {
  X: Tensor;
  Y: Tensor;
  rows: IndexBatch;
}
/** fitAsync() also takes batches that arrive asynchronously (read from a file as it streams). */
export type AsyncBatchSource = BatchSource | AsyncIterable<Tensor[] | RowsBatch>;

/** What fit() reads of an AbortSignal (an AbortController's signal will do): written out, so that the
 * public types need neither the DOM library nor @types/node. */
export interface AbortSignalLike {
  readonly aborted: boolean;
}

export interface FitOptions<S extends AsyncBatchSource = BatchSource> {
  model: Module;
  loader: S;
  loss_fn: LossFn;
  optimizer: Optimizer<object>;
  epochs: number;
  val_loader?: Iterable<Tensor[]> | null;
  callbacks?: FitCallbacks;
  /** Aborting stops training before the next step with an InterruptedError. */
  signal?: AbortSignalLike;
  /**
   * Stop once the validation loss has not fallen below its best by more than `min_delta` (default 0)
   * for `patience` epochs in a row; the parameters of the best epoch are then restored (also when the
   * run ends without stopping). Needs `val_loader`.
   */
  early_stopping?: EarlyStopping | null;
  /**
   * An lr scheduler, stepped once at the end of every epoch, after validation: `step()`, or for one that
   * watches a metric (ReduceLROnPlateau: `takes_metric` true) `step(metric)` with the epoch's validation
   * loss when there is one, else its training loss.
   */
  scheduler?: EpochScheduler | null;
}

export interface EarlyStopping {
  patience: number;
  min_delta?: number;
}

export type EpochScheduler = { step(): void; readonly takes_metric?: false } | { step(metric: number): void; readonly takes_metric: true };

export interface History {
  train_loss: number[];
  val_loss: number[] | null;
  step_losses: number[];
  /** The first parameter group's lr during each epoch (null entries: the optimizer has no lr). */
  lr: Array<number | null>;
  /** With early_stopping: the epoch whose parameters were kept, and the epoch it stopped after (null: ran to the end). */
  best_epoch: number | null;
  stopped_epoch: number | null;
}

function callLoss(fn: LossFn, input: Tensor, target: Tensor): Tensor {
  return typeof fn === 'function' ? fn(input, target) : fn.forward(input, target);
}

/** A target with the prediction's shape when only their layout differs ([N] vs [N, 1]), as the tutorial reshapes it. */
function alignTarget(pred: Tensor, target: Tensor): Tensor {
  if (sameShape(pred._shape, target._shape) || pred.numel() !== target.numel()) return target;
  return reshape(target, pred._shape.slice());
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

/** Watches the validation loss; keeps the best epoch's parameters. */
class EarlyStopper {
  private best = Infinity;
  private bestEpoch = 0;
  private wait = 0;
  private readonly snapshot = new ParamBackup();

  constructor(
    private readonly o: EarlyStopping,
    private readonly params: readonly Tensor[],
  ) {
    if (!(Number.isInteger(o.patience) && o.patience >= 1)) throw new ValueError(`early_stopping.patience must be a positive integer, got ${o.patience}`);
    if (!((o.min_delta ?? 0) >= 0)) throw new ValueError(`early_stopping.min_delta must be a number >= 0, got ${o.min_delta}`);
  }

  /** After an epoch: whether to stop now. */
  update(info: EpochInfo): boolean {
    const v = info.val_loss;
    if (v !== null && v < this.best - (this.o.min_delta ?? 0)) {
      this.best = v;
      this.bestEpoch = info.epoch;
      this.wait = 0;
      this.snapshot.save(this.params);
      return false;
    }
    return ++this.wait >= this.o.patience;
  }

  /** Put back the best epoch's parameters (when any epoch had a finite validation loss) and record which epoch that was. */
  restore(history: History, lastEpoch: number): void {
    if (this.bestEpoch === 0) return;
    if (this.bestEpoch !== lastEpoch) this.snapshot.restore(this.params);
    history.best_epoch = this.bestEpoch;
  }
}

/** What every step of one fit() shares. */
interface StepState {
  params: readonly Tensor[];
  backup: ParamBackup;
  plan: StepPlan;
  /** The fused Linear + MSELoss step when the plan has one (same results, no graph). */
  fused: FusedLinearMse | null;
}

/** A batch as a step takes it: tensors, or rows of a TensorDataset's (X, Y) picked by index (not gathered). */
type Batch = { tensors: Tensor[] } | { X: Tensor; Y: Tensor; rows: IndexBatch };

function batchSize(b: Batch): number {
  if ('rows' in b) return b.rows.end - b.rows.start;
  return b.tensors[0].ndim === 0 ? 1 : b.tensors[0]._shape[0];
}

/** The loss by the fused step, or null when there is none or the batch needs the graph. */
function fusedLoss(s: StepState, b: Batch): number | null {
  if (s.fused === null) return null;
  if ('rows' in b) return s.fused.forwardRows(b.X, b.Y, b.rows, sharedTakes(b.X, b.rows.end - b.rows.start, s.fused.model.in_features));
  return b.tensors.length === 2 ? s.fused.forward(b.tensors[0], b.tensors[1]) : null;
}

/** The batch's loss value, and the graph to run backward on (null when the fused step computed it). */
function forwardLoss(o: FitOptions<AsyncBatchSource>, s: StepState, b: Batch): { value: number; loss: Tensor | null } {
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
 * A synchronous source's batches as the plan takes them: with the fused step and a DataLoader over a
 * TensorDataset (X, Y), the same batches from the same draws, but not gathered (the row kernels read the
 * rows in place) or gathered into reused buffers: nothing but the step sees them, and it keeps none.
 */
function batchesOf(source: BatchSource, plan: StepPlan): Iterable<Batch> {
  if (plan.path === 'fused rows') {
    const { X, Y } = plan;
    return mapped(plan.loader._indexBatches(), (rows) => ({ X, Y, rows }));
  }
  if (plan.path === 'fused' && plan.reuse !== null) return mapped(plan.reuse._reusedBatches(), (tensors) => ({ tensors }));
  return mapped(source, (tensors) => ({ tensors }));
}

/** One optimisation step; parameters are restored and an error thrown if it would make them non-finite. */
function trainStep(o: FitOptions<AsyncBatchSource>, s: StepState, batch: Batch, epoch: number, step: number): number {
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
      const n = x.ndim === 0 ? 1 : x._shape[0];
      total += callLoss(loss_fn, pred, alignTarget(pred, y)).item() * n;
      count += n;
    }
    return count === 0 ? NaN : total / count;
  });
}

/** The first parameter group's learning rate, or null when it has none. */
function epochLr(o: FitOptions<AsyncBatchSource>): number | null {
  const lr = (o.optimizer.param_groups[0] as { lr?: unknown } | undefined)?.lr;
  return typeof lr === 'number' ? lr : null;
}

/** One epoch's bookkeeping: steps, the mean loss, callbacks, then validation at its end. */
class Epoch {
  private sum = 0;
  private steps = 0;
  private samples = 0;

  constructor(
    private readonly o: FitOptions<AsyncBatchSource>,
    private readonly state: StepState,
    private readonly history: History,
    readonly epoch: number,
  ) {}

  step(batch: Batch): void {
    const { o, epoch } = this;
    if (o.signal?.aborted === true) throw new InterruptedError(`interrupted at epoch ${epoch}, step ${this.steps + 1}`);
    const value = trainStep(o, this.state, batch, epoch, this.steps + 1);
    this.steps++;
    this.sum += value;
    const size = batchSize(batch);
    this.samples += size;
    this.history.step_losses.push(value);
    o.callbacks?.on_step?.({ epoch, step: this.steps, loss: value, batch_size: size });
  }

  end(): EpochInfo {
    const { o, history, epoch, steps, samples } = this;
    const train_loss = steps === 0 ? NaN : this.sum / steps;
    const val_loss = o.val_loader ? evaluateLoss(o.model, o.val_loader, o.loss_fn) : null;
    history.train_loss.push(train_loss);
    history.lr.push(epochLr(o));
    if (history.val_loss !== null && val_loss !== null) history.val_loss.push(val_loss);
    const info = { epoch, train_loss, val_loss, steps, samples, lr: history.lr[history.lr.length - 1] };
    o.callbacks?.on_epoch_end?.(info);
    return info;
  }
}

/** The end of an epoch past its callbacks: the scheduler's step, then whether early stopping ends the run. */
function afterEpoch(o: FitOptions<AsyncBatchSource>, info: EpochInfo, stopper: EarlyStopper | null, history: History): boolean {
  const s = o.scheduler;
  if (s != null) {
    if (s.takes_metric === true) s.step(info.val_loss ?? info.train_loss);
    else s.step();
  }
  if (stopper === null) return false;
  const stop = stopper.update(info);
  if (stop) history.stopped_epoch = info.epoch;
  if (stop || info.epoch === o.epochs) stopper.restore(history, info.epoch);
  return stop;
}

function earlyStopper(o: FitOptions<AsyncBatchSource>, state: StepState): EarlyStopper | null {
  if (o.early_stopping == null) return null;
  if (o.val_loader == null) throw new ValueError('early_stopping needs a val_loader: it watches the validation loss');
  return new EarlyStopper(o.early_stopping, state.params);
}

function stepState(o: FitOptions<AsyncBatchSource>): StepState {
  const plan = chooseStep(o.model, o.loss_fn, o.loader);
  return { params: [...o.model.parameters()], backup: new ParamBackup(), plan, fused: plan.path === 'graph' ? null : plan.fused };
}

function isSync(source: AsyncBatchSource): source is BatchSource {
  return typeof (source as Partial<Iterable<Tensor[]>>)[Symbol.iterator] === 'function';
}

/** The training loop over a synchronous source, as a generator that pauses after every epoch. */
function* epochs(o: FitOptions, history: History): Generator<EpochInfo> {
  const state = stepState(o);
  const stopper = earlyStopper(o, state);
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    const e = new Epoch(o, state, history, epoch);
    for (const batch of batchesOf(o.loader, state.plan)) e.step(batch);
    const info = e.end();
    const stop = afterEpoch(o, info, stopper, history);
    yield info;
    if (stop) return;
  }
}

/** An asynchronous source's batch as the step takes it: rows read in place where the fused step reads them so, else tensors. */
function asyncBatch(s: StepState, b: Tensor[] | RowsBatch): Batch {
  if (Array.isArray(b)) return { tensors: b };
  if (s.fused === null || rowsTake(s.fused, b.X, b.Y, b.rows.end - b.rows.start)) return b; // the graph gathers them itself
  return { tensors: [b.X, b.Y].map((t) => gatherRows(t, b.rows.order, b.rows.start, b.rows.end)) };
}

/** The same loop over an asynchronous source: its batches as tensors, or rows of (X, Y) (the plan is 'graph' or 'fused'). */
async function* epochsAsync(o: FitOptions<AsyncIterable<Tensor[] | RowsBatch>>, history: History): AsyncGenerator<EpochInfo> {
  const state = stepState(o);
  const stopper = earlyStopper(o, state);
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    const e = new Epoch(o, state, history, epoch);
    for await (const b of o.loader) e.step(asyncBatch(state, b));
    const info = e.end();
    const stop = afterEpoch(o, info, stopper, history);
    yield info;
    if (stop) return;
  }
}

function newHistory(o: FitOptions<AsyncBatchSource>): History {
  return { train_loss: [], val_loss: o.val_loader ? [] : null, step_losses: [], lr: [], best_epoch: null, stopped_epoch: null };
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
export async function fitAsync(o: FitOptions<AsyncBatchSource>): Promise<History> {
  const history = newHistory(o);
  if (!isSync(o.loader)) {
    // an asynchronous source gives the event loop its turns between batches
    for await (const _ of epochsAsync({ ...o, loader: o.loader }, history)) {
      // the callbacks report each epoch
    }
    return history;
  }
  let last = Date.now();
  for (const _ of epochs({ ...o, loader: o.loader }, history)) {
    if (Date.now() - last < YIELD_EVERY_MS) continue;
    await new Promise<void>((resolve) => setImmediate(resolve));
    last = Date.now();
  }
  return history;
}
