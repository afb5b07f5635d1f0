// What both trainers (in memory and --stream) share: the header and result shapes, settings, baselines.

import { lstsq, mseOf } from '../../../linalg/lstsq.js';
import type { FitCallbacks } from '../../../train/fit.js';
import type { RegressionMetrics } from '../../../train/metrics.js';
import type { TrainOptions } from './options.js';
import type { Preprocessing, SettingValue, Standardization, TrainingState } from '../../model_file.js';
import { lossSettings, optimizerSettings, schedulerSettings, type OptimizerSettings } from './choices.js';

/** What is known before the first step: printed as the report's header. */
export interface TrainHeader {
  data: {
    file: string; rows: number; train_rows: number; val_rows: number; test_rows: number; features: string[]; targets: string[];
    /** The field delimiter, given or detected. */
    delimiter?: string;
    /** Rows left out for a missing cell (--missing drop), and missing cells filled (--missing mean). */
    dropped_rows?: number;
    filled_cells?: number;
  };
  model: string;
  loss: string;
  optimizer: string;
  /** The lr schedule, stepped once per epoch, or null. */
  scheduler: string | null;
  settings: Record<string, SettingValue>;
}

/** A linear model's parameters: weight [targets][features], bias [targets]. */
export interface LinearParams {
  weight: number[][];
  bias: number[];
}

export interface TrainResult {
  header: TrainHeader;
  history: { train_loss: number[]; val_loss: number[] | null; lr: Array<number | null>; best_epoch: number | null; stopped_epoch: number | null };
  /** The loss (--loss) of the final parameters over the training rows. */
  final_train_loss: number;
  /** MSE, RMSE, MAE and R² of the final parameters on each part (null: no such part, or not computed with --stream). */
  scores: { train: RegressionMetrics | null; val: RegressionMetrics | null; test: RegressionMetrics | null };
  /** MSE of always predicting the training targets' mean. */
  baseline_loss: number;
  /** The closed-form solution in raw feature units and its training MSE, or why there is none. */
  least_squares: (LinearParams & { loss: number }) | { skipped: string };
  /** As trained: in standardized units when `standardization` is set. */
  weight: number[][];
  bias: number[];
  standardization: Standardization | null;
  /** What --resume continues from; saved in the model file. */
  training_state: TrainingState;
  /** The columns read, one-hot encoded columns and missing-cell fill: saved in the model file. */
  preprocessing: Preprocessing;
  /** The rows as trained (features encoded and filled), kept when the data cannot be read again (standard input). */
  kept_rows: DataRows | null;
  timings: { load_s: number; train_s: number; samples_per_s: number };
}

/** Data rows: rows × features X and rows × targets Y, row-major. */
export interface DataRows {
  X: ArrayLike<number>;
  Y: ArrayLike<number>;
  rows: number;
}

export interface RunHooks {
  signal: AbortSignal;
  /** A one-line warning for stderr (e.g. an unusable --cache rebuilt). */
  warn?: (message: string) => void;
  /** Called once the data is read and the model built; returns the callbacks for fit(). */
  onStart(header: TrainHeader, samplesPerEpoch: number): FitCallbacks;
}

/** The optimizer's hyper-parameters that its PyTorch class takes (by PyTorch's argument names). */
function optimizerFields(s: OptimizerSettings): Record<string, SettingValue> {
  const common = { optimizer: s.name, lr: s.lr, weight_decay: s.weight_decay };
  switch (s.name) {
    case 'sgd':
      return { ...common, momentum: s.momentum, dampening: s.dampening, nesterov: s.nesterov };
    case 'adam':
    case 'adamw':
      return { ...common, betas: s.betas, eps: s.eps, amsgrad: s.amsgrad };
    case 'rmsprop':
      return { ...common, alpha: s.alpha, eps: s.eps, momentum: s.momentum, centered: s.centered };
    case 'adagrad':
      return { ...common, lr_decay: s.lr_decay, eps: s.eps };
  }
}

/** The settings as the JSON output and the model file record them (snake_case, like PyTorch's arguments). `delimiter`: the data's, given or detected. */
export function trainSettings(o: TrainOptions, delimiter?: string): Record<string, SettingValue> {
  const loss = lossSettings(o);
  const sched = schedulerSettings(o);
  return {
    epochs: o.epochs, batch_size: o.batchSize, shuffle: o.shuffle, drop_last: o.dropLast, seed: o.seed,
    ...optimizerFields(optimizerSettings(o)),
    loss: loss.name, ...(loss.name === 'huber' ? { delta: loss.delta } : loss.name === 'smooth-l1' ? { beta: loss.beta } : {}),
    scheduler: sched?.name ?? null,
    ...(sched === null ? {} : Object.fromEntries(Object.entries(sched).filter(([k]) => k !== 'name'))),
    early_stopping: o.earlyStopping ?? null, ...(o.earlyStopping === undefined ? {} : { min_delta: o.minDelta ?? 0 }),
    val_split: o.valSplit ?? null, test_split: o.testSplit ?? null, standardize: o.standardize, dtype: o.dtype, stream: o.stream,
    resumed_from: o.resume ?? null,
    delimiter: delimiter ?? o.delimiter, missing: o.missing, categorical: o.categorical === undefined ? null : o.categorical.join(','),
  };
}

/** MSE of predicting each target's mean: the loss any useful model must beat. */
export function baselineLoss(Y: ArrayLike<number>, rows: number, targets: number): number {
  let total = 0;
  for (let k = 0; k < targets; k++) {
    let mean = 0;
    for (let i = 0; i < rows; i++) mean += Y[i * targets + k];
    mean /= rows;
    for (let i = 0; i < rows; i++) total += (Y[i * targets + k] - mean) ** 2;
  }
  return total / (rows * targets);
}

/** Beyond this many multiply-adds (rows × features²) the QR solve would take longer than the training. */
export const LSTSQ_BUDGET = 2e8;

/** The closed-form least-squares fit (Householder QR), or the reason it was skipped. */
export function leastSquares(X: ArrayLike<number>, rows: number, F: number, Y: ArrayLike<number>, T: number): TrainResult['least_squares'] {
  if (rows * F * F > LSTSQ_BUDGET) return { skipped: `${rows} rows × ${F} features is too large to solve here` };
  const sol = lstsq(X, rows, F, Y, T);
  const weight = Array.from({ length: T }, (_, k) => Array.from(sol.weight.subarray(k * F, (k + 1) * F)));
  return { weight, bias: Array.from(sol.bias), loss: mseOf(X, rows, F, Y, T, sol.weight, sol.bias) };
}

/** Parameters in raw feature units from standardized ones: w' = w / std, b' = b - Σ w'·mean. */
export function unstandardize(p: LinearParams, stats: Standardization | null): LinearParams {
  if (stats === null) return p;
  const weight = p.weight.map((row) => row.map((w, j) => w / stats.std[j]));
  const bias = p.bias.map((b, k) => b - weight[k].reduce((s, w, j) => s + w * stats.mean[j], 0));
  return { weight, bias };
}
