// The options of `autograd train`, as commander parses them.

import type { DtypeName } from '../../options.js';

export interface TrainOptions {
  data: string;
  target?: Array<string | number>;
  features?: Array<string | number>;
  lr: number;
  epochs: number;
  batchSize: number;
  shuffle: boolean;
  dropLast: boolean;
  seed: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  valSplit?: number;
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
