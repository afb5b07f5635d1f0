// nn.functional.embedding: rows of a 2-d weight picked by integer indices (EmbeddingBackward0), as
// torch/nn/functional.py checks padding_idx and max_norm and ATen's embedding / embedding_dense_backward_cpu
// compute it: the weight's gradient sums the rows of the upstream gradient in the order of the indices,
// skipping padding_idx, each scaled by 1/count with scale_grad_by_freq; its own derivative is
// embedding_dense_double_backward (EmbeddingDenseBackwardBackward0), which does not scale.

import { AssertionError, IndexError, NotImplementedError, RuntimeError } from '../../errors.js';
import { allocStorage, dtypeOf, tensorTypeName, type Storage } from '../../tensor/dtype.js';
import { is_grad_enabled, no_grad } from '../../tensor/autograd/grad_mode.js';
import { attach, shouldRecord } from '../../tensor/autograd/engine.js';
import { Tensor } from '../../tensor/tensor.js';
import { fma, fmaf } from '../../math/sleef.js';
import { mul_ } from './arithmetic.js';
import { at, maskOf } from './at.js';
import { index_select } from './index_ops.js';
import { tensorNorm } from './norms.js';
import { reshape } from './shape.js';
import { select } from './views.js';

export interface EmbeddingOptions {
  padding_idx?: number | null;
  max_norm?: number | null;
  norm_type?: number;
  scale_grad_by_freq?: boolean;
  sparse?: boolean;
}

/** torch/nn/functional.py's padding_idx: within [-num, num), a negative one counted from the end; -1 for none. */
export function paddingIndex(padding_idx: number | null | undefined, num: number): number {
  if (padding_idx === null || padding_idx === undefined) return -1;
  if (padding_idx > 0 && !(padding_idx < num)) throw new AssertionError('Padding_idx must be within num_embeddings');
  if (padding_idx < 0) {
    if (!(padding_idx >= -num)) throw new AssertionError('Padding_idx must be within num_embeddings');
    return num + padding_idx;
  }
  return padding_idx;
}

/** embedding_renorm_: each distinct row (in sorted order) whose p-norm exceeds max_norm scaled by max_norm / (norm + 1e-7), in place. */
function renorm(weight: Tensor, indices: Tensor, maxNorm: number, normType: number): void {
  const sorted = Array.from(indices._data, Number).sort((a, b) => a - b);
  no_grad(() => {
    for (let i = 0; i < sorted.length; i++) {
      if (i > 0 && sorted[i] === sorted[i - 1]) continue;
      const row = select(weight, 0, sorted[i]);
      const norm = Number(tensorNorm(row, normType)._data[0]);
      if (norm > maxNorm) mul_(row, maxNorm / (norm + 1e-7));
    }
  });
}

/** embedding_dense_backward_cpu: grad_weight[k] += grad[i]·scale for each index k = indices[i] other than padding_idx. */
function denseBackward(g: Storage, indices: Tensor, num: number, dim: number, padding: number, byFreq: boolean): Storage {
  const I = indices._data;
  const dtype = dtypeOf(g);
  const out = allocStorage(dtype, num * dim);
  const counts = new Map<number, number>();
  if (byFreq) for (let i = 0; i < I.length; i++) counts.set(Number(I[i]), (counts.get(Number(I[i])) ?? 0) + 1);
  const fused = dtype === 'float32' ? fmaf : fma;
  for (let i = 0; i < I.length; i++) {
    const k = Number(I[i]);
    if (k === padding) continue;
    const scale = byFreq ? 1 / (counts.get(k) as number) : 1;
    for (let j = 0; j < dim; j++) out[k * dim + j] = scale === 1 ? out[k * dim + j] + g[i * dim + j] : fused(g[i * dim + j], scale, out[k * dim + j]);
  }
  return out;
}

/** embedding_dense_double_backward: grad.index_select(0, indices) with the padding rows zeroed, viewed as indices' shape + [dim]. */
function doubleBackward(gg: Tensor, indices: Tensor, padding: number): Tensor {
  const flat = reshape(indices, [-1]);
  let rows = index_select(gg, 0, flat);
  if (padding >= 0) rows = at.maskedFill(rows, maskOf(at.reshape(at.expand(at.reshape(flat, [-1, 1]), rows._shape), rows._shape), (v) => v === padding), 0);
  return at.view(rows, [...indices._shape, gg._shape[1]]);
}

/** The weight's gradient over tensors (create_graph): EmbeddingDenseBackwardBackward0 when the upstream gradient requires grad. */
function embeddingBackward(g: Tensor, indices: Tensor, num: number, padding: number, byFreq: boolean): Tensor {
  const dim = g._shape[g.ndim - 1];
  const result = new Tensor(denseBackward(g._data, indices, num, dim, padding, byFreq), [num, dim]);
  if (!is_grad_enabled() || !g.requires_grad) return result;
  return attach(result, 'EmbeddingDenseBackwardBackward0', [g], null, [indices], null, (gg) => [doubleBackward(gg, indices, padding)]);
}

/** `F.embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False, sparse=False)`. */
export function embedding(input: Tensor, weight: Tensor, options: EmbeddingOptions = {}): Tensor {
  const num = weight._shape[0];
  const padding = paddingIndex(options.padding_idx, num ?? 0);
  const itype = dtypeOf(input._data);
  if (options.max_norm !== null && options.max_norm !== undefined) renorm(weight, input, options.max_norm, options.norm_type ?? 2);
  if (weight.ndim !== 2) throw new RuntimeError("'weight' must be 2-D");
  if (itype !== 'int64' && itype !== 'int32') {
    throw new RuntimeError(
      `Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got ${tensorTypeName(itype)} instead (while checking arguments for embedding)`,
    );
  }
  if (options.sparse === true) throw new NotImplementedError('embedding: sparse gradients are not supported');
  const I = input._data;
  for (let i = 0; i < I.length; i++) if (!(I[i] >= 0 && I[i] < num)) throw new IndexError('index out of range in self');
  const dim = weight._shape[1];
  const W = weight._data;
  const out = allocStorage(dtypeOf(W), I.length * dim);
  for (let i = 0; i < I.length; i++) out.set(W.subarray(Number(I[i]) * dim, (Number(I[i]) + 1) * dim), i * dim);
  const result = new Tensor(out, [...input._shape, dim]);
  if (!shouldRecord(weight)) return result;
  const byFreq = options.scale_grad_by_freq === true;
  const indices = input;
  return attach(
    result,
    'EmbeddingBackward0',
    [weight],
    (g) => [denseBackward(g, indices, num, dim, padding, byFreq)],
    [indices],
    null,
    (g) => [embeddingBackward(g, indices, num, padding, byFreq)],
  );
}
