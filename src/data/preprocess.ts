// Standardisation statistics and a seeded train/validation split.

import { ValueError } from '../errors.js';
import type { Generator } from '../random/generator.js';
import { randomSplitIndices } from './sampler.js';
import { allocBeside } from '../kernels/shared_memory.js';
import { Tensor } from '../tensor/tensor.js';
import { gatherRows } from './dataset.js';

/** Per-feature mean and standard deviation (population, ddof = 0; a zero std is stored as 1, as scikit-learn does). */
export interface Standardization {
  mean: number[];
  std: number[];
}

/** Statistics of the columns of a 2-d tensor [N, F], computed in float64. */
export function fitStandardization(x: Tensor): Standardization {
  if (x.ndim !== 2 || x.shape[0] === 0) throw new ValueError(`standardization needs a non-empty 2-d tensor, got shape [${x.shape.join(', ')}]`);
  const [n, f] = x.shape;
  const X = x._data;
  const mean = new Array<number>(f).fill(0);
  const std = new Array<number>(f).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < f; j++) mean[j] += X[i * f + j];
  for (let j = 0; j < f; j++) mean[j] /= n;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < f; j++) {
      const d = X[i * f + j] - mean[j];
      std[j] += d * d;
    }
  }
  for (let j = 0; j < f; j++) {
    const s = Math.sqrt(std[j] / n);
    std[j] = s > 0 && Number.isFinite(s) ? s : 1;
  }
  return { mean, std };
}

/** (x - mean) / std per column, as a new tensor of x's dtype. */
export function applyStandardization(x: Tensor, stats: Standardization): Tensor {
  const [n, f] = x.shape;
  if (f !== stats.mean.length) throw new ValueError(`standardization has ${stats.mean.length} features, data has ${f}`);
  const X = x._data;
  const out = allocBeside(X, x.dtype, X.length);
  for (let i = 0; i < n; i++) for (let j = 0; j < f; j++) out[i * f + j] = (X[i * f + j] - stats.mean[j]) / stats.std[j];
  return new Tensor(out, x.shape);
}

/**
 * Split rows of several tensors into train and validation parts as
 * `random_split(dataset, [n - nVal, nVal], generator)`: randperm(n), the first n - round(n·fraction)
 * permuted rows train and the rest validate. At least one row must remain in each.
 */
export function trainValSplit(tensors: Tensor[], fraction: number, generator?: Generator): { train: Tensor[]; val: Tensor[] } {
  const n = tensors[0].shape[0];
  if (!(fraction > 0 && fraction < 1)) throw new ValueError(`validation fraction must be in (0, 1), got ${fraction}`);
  const nVal = Math.round(n * fraction);
  if (nVal < 1 || nVal >= n) {
    throw new ValueError(`validation fraction ${fraction} of ${n} rows leaves ${nVal} validation and ${n - nVal} training rows; both need at least one`);
  }
  const [trainIdx, valIdx] = randomSplitIndices(n, [n - nVal, nVal], generator);
  const order = [...trainIdx, ...valIdx];
  // each part in the same kind of memory as its tensor (shared memory stays shared: see loadCsv's `shared`)
  const split = (t: Tensor, start: number, end: number): Tensor => gatherRows(t, order, start, end, (dtype, length) => allocBeside(t._data, dtype, length));
  return {
    train: tensors.map((t) => split(t, 0, n - nVal)),
    val: tensors.map((t) => split(t, n - nVal, n)),
  };
}
