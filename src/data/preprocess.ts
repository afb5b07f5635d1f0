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

/**
 * Column statistics gathered chunk by chunk: each chunk's mean and sum of squared deviations by two
 * passes over it, merged as Chan, Golub and LeVeque's pairwise update, in float64. One chunk gives the
 * two-pass result exactly; the in-memory run (one chunk: the whole training set) and `train --stream`
 * (one chunk per read buffer) share this code and agree within float rounding.
 */
export class StandardizationAccumulator {
  private n = 0;
  private mean: Float64Array | null = null;
  private m2: Float64Array | null = null;

  /** Add `rows` rows of F features, row-major. */
  add(X: ArrayLike<number>, rows: number, F: number): void {
    if (rows === 0) return;
    const mean = new Float64Array(F);
    const m2 = new Float64Array(F);
    for (let i = 0; i < rows; i++) for (let j = 0; j < F; j++) mean[j] += X[i * F + j];
    for (let j = 0; j < F; j++) mean[j] /= rows;
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < F; j++) {
        const d = X[i * F + j] - mean[j];
        m2[j] += d * d;
      }
    }
    if (this.mean === null || this.m2 === null) {
      this.mean = mean;
      this.m2 = m2;
      this.n = rows;
      return;
    }
    const n = this.n + rows;
    for (let j = 0; j < F; j++) {
      const delta = mean[j] - this.mean[j];
      this.mean[j] += (delta * rows) / n;
      this.m2[j] += m2[j] + ((delta * delta * this.n) / n) * rows;
    }
    this.n = n;
  }

  get rows(): number {
    return this.n;
  }

  /** The statistics so far (population std; a zero or non-finite std becomes 1), or null before any row. */
  result(): Standardization | null {
    const { mean, m2, n } = this;
    if (mean === null || m2 === null) return null;
    const std = Array.from(m2, (v) => {
      const s = Math.sqrt(v / n);
      return s > 0 && Number.isFinite(s) ? s : 1;
    });
    return { mean: Array.from(mean), std };
  }
}

/** Statistics of the columns of a 2-d tensor [N, F], computed in float64. */
export function fitStandardization(x: Tensor): Standardization {
  if (x.ndim !== 2 || x._shape[0] === 0) throw new ValueError(`standardization needs a non-empty 2-d tensor, got shape [${x._shape.join(', ')}]`);
  const acc = new StandardizationAccumulator();
  acc.add(x._data, x._shape[0], x._shape[1]);
  return acc.result() as Standardization;
}

/** (x - mean) / std per column, as a row-major array in place. */
export function standardizeRows(X: { [i: number]: number }, rows: number, F: number, stats: Standardization): void {
  for (let i = 0; i < rows; i++) for (let j = 0; j < F; j++) X[i * F + j] = (X[i * F + j] - stats.mean[j]) / stats.std[j];
}

/** (x - mean) / std per column, as a new tensor of x's dtype. */
export function applyStandardization(x: Tensor, stats: Standardization): Tensor {
  const [n, f] = x._shape;
  if (f !== stats.mean.length) throw new ValueError(`standardization has ${stats.mean.length} features, data has ${f}`);
  const X = x._data;
  const out = allocBeside(X, x._dtype, X.length);
  out.set(X);
  standardizeRows(out, n, f, stats);
  return new Tensor(out, x._shape);
}

/**
 * Split rows of several tensors into train and validation parts as
 * `random_split(dataset, [n - nVal, nVal], generator)`: randperm(n), the first n - round(n·fraction)
 * permuted rows train and the rest validate. At least one row must remain in each.
 */
export function trainValSplit(tensors: Tensor[], fraction: number, generator?: Generator): { train: Tensor[]; val: Tensor[] } {
  if (!(fraction > 0 && fraction < 1)) throw new ValueError(`validation fraction must be in (0, 1), got ${fraction}`);
  const s = trainValTestSplit(tensors, { val: fraction }, generator);
  return { train: s.train, val: s.val as Tensor[] };
}

/** Python's round() of a non-negative number to an integer: half-way cases to the even neighbour. */
function pythonRound(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 === 1 ? r - 1 : r;
}

export interface SplitFractions {
  val?: number;
  test?: number;
}

/**
 * Train, validation and test parts as one `random_split(dataset, [nTrain, nVal, nTest], generator)`
 * (a part with no fraction is left out of the lengths): nVal = round(n·val), nTest = round(n·test) with
 * Python's round (ties to even, as a seeded script's `round(len(ds) * val)`), the rest trains; each part
 * present needs at least one row.
 */
export function trainValTestSplit(tensors: Tensor[], f: SplitFractions, generator?: Generator): { train: Tensor[]; val: Tensor[] | null; test: Tensor[] | null } {
  const n = tensors[0]._shape[0];
  for (const [name, v] of [['validation', f.val], ['test', f.test]] as const) {
    if (v !== undefined && !(v > 0 && v < 1)) throw new ValueError(`${name} fraction must be in (0, 1), got ${v}`);
  }
  const nVal = f.val === undefined ? 0 : pythonRound(n * f.val);
  const nTest = f.test === undefined ? 0 : pythonRound(n * f.test);
  const nTrain = n - nVal - nTest;
  const parts: Array<[string, number, boolean]> = [['validation', nVal, f.val !== undefined], ['test', nTest, f.test !== undefined], ['training', nTrain, true]];
  for (const [name, count, present] of parts) {
    if (present && count < 1) {
      const given = [f.val === undefined ? null : `validation fraction ${f.val}`, f.test === undefined ? null : `test fraction ${f.test}`].filter((x) => x !== null);
      const left = [f.val === undefined ? null : `${nVal} validation`, f.test === undefined ? null : `${nTest} test`, `${nTrain} training`].filter((x) => x !== null);
      throw new ValueError(`${given.join(' and ')} of ${n} rows leaves ${left.slice(0, -1).join(', ')} and ${left.at(-1)} rows; ${name} needs at least one`);
    }
  }
  const lengths = [nTrain, ...(f.val === undefined ? [] : [nVal]), ...(f.test === undefined ? [] : [nTest])];
  const order = randomSplitIndices(n, lengths, generator).flat();
  // each part in the same kind of memory as its tensor (shared memory stays shared: see loadCsv's `shared`)
  const split = (start: number, end: number): Tensor[] => tensors.map((t) => gatherRows(t, order, start, end, (dtype, length) => allocBeside(t._data, dtype, length)));
  return {
    train: split(0, nTrain),
    val: f.val === undefined ? null : split(nTrain, nTrain + nVal),
    test: f.test === undefined ? null : split(nTrain + nVal, n),
  };
}
