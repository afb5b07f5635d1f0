// torch.multinomial on the CPU (aten/src/ATen/native/Distributions.cpp, cpu/MultinomialKernel.cpp).

import { RuntimeError } from '../errors.js';
import { default_generator, Generator } from '../random/generator.js';
import { exponentialFill } from '../random/distributions.js';
import { allocStorage, type DType, type Storage } from './dtype.js';
import { Tensor } from './tensor.js';

export interface MultinomialOptions {
  replacement?: boolean;
  generator?: Generator;
}

/** Sampled indices are int64. */
function indexDtype(): DType {
  return 'int64';
}

/**
 * Without replacement: q ~ Exp(1) in input's dtype, then the top n_samples of p / q
 * (argmax for one). With replacement: per row, cumulative sums in the input's dtype divided by their total,
 * the last set to 1, and a binary search for each 53-bit uniform.
 */
export function multinomial(input: Tensor, num_samples: number, options: MultinomialOptions = {}): Tensor {
  const replacement = options.replacement ?? false;
  const g = options.generator ?? default_generator;
  if (!(g instanceof Generator)) throw new globalThis.TypeError('generator must be a torch.Generator');
  if (input.ndim !== 1 && input.ndim !== 2) throw new RuntimeError('prob_dist must be 1 or 2 dim');
  const cats = input._shape[input.ndim - 1];
  const rows = input.ndim === 2 ? input._shape[0] : 1;
  if (!(num_samples > 0)) throw new RuntimeError('cannot sample n_sample <= 0 samples');
  if (!replacement && num_samples > cats) throw new RuntimeError('cannot sample n_sample > prob_dist.size(-1) samples without replacement');
  const p = input._data;
  const out = allocStorage(indexDtype(), rows * num_samples);
  // NOTE: 1.13 takes this path without replacement only (one sample with replacement is a draw from the cumulative sums)
  if (!replacement) {
    for (let i = 0; i < p.length; i++) {
      if (!(p[i] >= 0) || p[i] === Infinity) throw new RuntimeError('probability tensor contains either `inf`, `nan` or element < 0');
    }
    for (let r = 0; r < rows; r++) {
      let sum = 0;
      for (let j = 0; j < cats; j++) sum += p[r * cats + j];
      if (sum === 0) throw new RuntimeError('invalid multinomial distribution (sum of probabilities <= 0)');
    }
    const q = allocStorage(input._dtype, p.length);
    exponentialFill(g, q, 1);
    for (let i = 0; i < q.length; i++) q[i] = p[i] / q[i];
    for (let r = 0; r < rows; r++) topIndices(q, r * cats, cats, num_samples, out, r * num_samples);
  } else {
    withReplacement(g, p, input._dtype, rows, cats, num_samples, out);
  }
  const shape = input.ndim === 2 ? [rows, num_samples] : [num_samples];
  return new Tensor(out, shape);
}

/** Indices of the k largest of q[at..at+n), largest first (ties: the lower index first). */
function topIndices(q: Storage, at: number, n: number, k: number, out: Storage, to: number): void {
  const idx = Array.from({ length: n }, (_, i) => i);
  idx.sort((a, b) => (q[at + b] - q[at + a]) || a - b);
  for (let i = 0; i < k; i++) out[to + i] = idx[i];
}

function withReplacement(g: Generator, p: Storage, dtype: DType, rows: number, cats: number, n: number, out: Storage): void {
  const cum = allocStorage(dtype, cats);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let j = 0; j < cats; j++) {
      const v = p[r * cats + j];
      if (!(v >= 0)) throw new RuntimeError('invalid multinomial distribution (encountering probability entry < 0)');
      if (!Number.isFinite(v)) throw new RuntimeError('invalid multinomial distribution (encountering probability entry = infinity or NaN)');
      sum = dtype === 'float32' ? Math.fround(sum + v) : sum + v;
      cum[j] = sum;
    }
    if (!(sum > 0)) throw new RuntimeError('invalid multinomial distribution (sum of probabilities <= 0)');
    for (let j = 0; j < cats; j++) cum[j] /= sum;
    for (let s = 0; s < n; s++) {
      const u = g.nextDouble53();
      cum[cats - 1] = 1;
      let left = 0;
      let right = cats;
      while (right - left > 0) {
        const mid = left + ((right - left) >> 1);
        if (cum[mid] < u) left = mid + 1;
        else right = mid;
      }
      out[r * n + s] = left;
    }
  }
}
