// The options of `autograd train`, as commander parses them.

import type { DtypeName } from '../../options.js';

/** The names --optimizer, --loss and --scheduler take. */
export const OPTIMIZERS = ['sgd', 'adam', 'adamw', 'rmsprop', 'adagrad'] as const;
export const LOSSES = ['mse', 'l1', 'huber', 'smooth-l1'] as const;
export const SCHEDULERS = ['step', 'multistep', 'exponential', 'cosine', 'linear', 'plateau'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];
export type LossName = (typeof LOSSES)[number];
export type SchedulerName = (typeof SCHEDULERS)[number];

export interface TrainOptions {
  data: string;
  target?: Array<string | number>;
  features?: Array<string | number>;
  /** The field delimiter; 'auto' (default) detects it. */
  delimiter: ',' | ';' | '\t' | '|' | 'auto';
  /** A missing cell: an error, its row dropped, or its feature's training mean. */
  missing: 'error' | 'drop' | 'mean';
  /** Text columns to one-hot encode. */
  categorical?: Array<string | number>;
  lr: number;
  epochs: number;
  batchSize: number;
  shuffle: boolean;
  dropLast: boolean;
  seed: number;
  optimizer: OptimizerName;
  /** Undefined when not given: each optimizer's own default applies (choices.ts). */
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov: boolean;
  betas?: [number, number];
  eps?: number;
  amsgrad: boolean;
  alpha?: number;
  centered: boolean;
  lrDecay?: number;
  loss: LossName;
  delta?: number;
  beta?: number;
  scheduler?: SchedulerName;
  stepSize?: number;
  gamma?: number;
  milestones?: number[];
  tMax?: number;
  etaMin?: number;
  startFactor?: number;
  totalIters?: number;
  factor?: number;
  patience?: number;
  earlyStopping?: number;
  minDelta?: number;
  valSplit?: number;
  testSplit?: number;
  /** Continue from this model file: its weights, standardization and optimizer/scheduler state. */
  resume?: string;
  standardize: boolean;
  dtype: DtypeName;
  save?: string;
  json: boolean;
  quiet: boolean;
  chart: boolean;
  color: boolean;
  stream: boolean;
  /** Read the data through a binary cache (data/cache.ts) in cacheDir. */
  cache: boolean;
  cacheDir?: string;
  report?: string;
  plot?: string;
}
