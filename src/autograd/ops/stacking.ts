// torch.kron, dstack, column_stack and broadcast_tensors, decomposed as PyTorch 1.13 decomposes them
// (so their grad_fn is PyTorch's last node: UnsafeViewBackward0, CatBackward0, ExpandBackward0).

import { RuntimeError } from '../../errors.js';
import { allocStorage } from '../../tensor/dtype.js';
import { broadcastShapes, normalizeDim } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { index_select } from './index_ops.js';
import { at } from './at.js';
import { mul } from './arithmetic.js';
import { cat } from './cat.js';
import { expand } from './reorder.js';
import { flatten, reshape, unsqueeze } from './shape.js';

/** `torch.kron(input, other)`: mul of (a0,1,a1,1,…) and (1,b0,1,b1,…) views, then _unsafe_view to (a0·b0, …). */
export function kron(input: Tensor, other: Tensor): Tensor {
  const nd = Math.max(input.ndim, other.ndim);
  const pad = (t: Tensor): number[] => [...new Array<number>(nd - t.ndim).fill(1), ...t._shape];
  const [a, b] = [pad(input), pad(other)];
  const aView: number[] = [];
  const bView: number[] = [];
  for (let i = 0; i < nd; i++) {
    aView.push(a[i], 1);
    bView.push(1, b[i]);
  }
  const product = mul(reshape(input, aView), reshape(other, bView));
  return at.unsafeView(product, a.map((s, i) => s * b[i]));
}

/** `torch.dstack(tensors)`: cat along dim 2 after atleast_3d. */
export function dstack(tensors: readonly Tensor[]): Tensor {
  const at3 = (t: Tensor): Tensor => (t.ndim === 0 ? reshape(t, [1, 1, 1]) : t.ndim === 1 ? reshape(t, [1, t._shape[0], 1]) : t.ndim === 2 ? unsqueeze(t, -1) : t);
  return cat(tensors.map(at3), 2);
}

/** `torch.column_stack(tensors)`: 0-d and 1-d tensors as columns (reshape(numel, 1)), then cat along dim 1. */
export function column_stack(tensors: readonly Tensor[]): Tensor {
  return cat(tensors.map((t) => (t.ndim <= 1 ? reshape(t, [t.numel(), 1]) : t)), 1);
}

/** `torch.broadcast_tensors(*tensors)`: each expanded to the common shape. */
export function broadcast_tensors(...tensors: Tensor[]): Tensor[] {
  const shape = tensors.reduce<readonly number[]>((s, t) => broadcastShapes(s, t._shape), []);
  return tensors.map((t) => expand(t, shape));
}

/**
 * `torch.repeat_interleave(input, repeats, dim)`: index_select with each index repeated (IndexSelectBackward0);
 * no dim: over input.flatten().
 */
export function repeat_interleave(input: Tensor, repeats: number | Tensor, dim: number | null = null): Tensor {
  const x = dim === null ? flatten(input) : input;
  const d = dim === null ? 0 : normalizeDim(dim, Math.max(x.ndim, 1));
  const size = x.ndim === 0 ? 1 : x._shape[d];
  const counts = typeof repeats === 'number' ? new Array<number>(size).fill(repeats) : Array.from(repeats._data.subarray(0, repeats.numel()));
  if (typeof repeats !== 'number' && repeats.ndim > 1) throw new RuntimeError('repeats must be 0-dim or 1-dim tensor');
  if (counts.some((c) => c < 0)) throw new RuntimeError('repeats can not be negative');
  if (typeof repeats !== 'number' && repeats.numel() === 1 && size !== 1) counts.splice(0, counts.length, ...new Array<number>(size).fill(counts[0]));
  if (counts.length !== size) throw new RuntimeError('repeats must have the same size as input along dim');
  const idx: number[] = [];
  for (let i = 0; i < size; i++) for (let k = 0; k < counts[i]; k++) idx.push(i);
  const data = allocStorage('int64', idx.length);
  for (let i = 0; i < idx.length; i++) data[i] = idx[i];
  return index_select(x, d, new Tensor(data, [idx.length]));
}
