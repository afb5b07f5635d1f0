// torch.kron, dstack, column_stack and broadcast_tensors, decomposed as PyTorch 1.13 decomposes them
// (so their grad_fn is PyTorch's last node: UnsafeViewBackward0, CatBackward0, ExpandBackward0).

import { broadcastShapes } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { at } from './at.js';
import { mul } from './arithmetic.js';
import { cat } from './cat.js';
import { expand } from './reorder.js';
import { reshape, unsqueeze } from './shape.js';

/** `torch.kron(input, other)`: mul of (a0,1,a1,1,…) and (1,b0,1,b1,…) views, then _unsafe_view to (a0·b0, …). */
export function kron(input: Tensor, other: Tensor): Tensor {
  const nd = Math.max(input.ndim, other.ndim);
  const pad = (t: Tensor): number[] => [...new Array<number>(nd - t.ndim).fill(1), ...t.shape];
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
  const at3 = (t: Tensor): Tensor => (t.ndim === 0 ? reshape(t, [1, 1, 1]) : t.ndim === 1 ? reshape(t, [1, t.shape[0], 1]) : t.ndim === 2 ? unsqueeze(t, -1) : t);
  return cat(tensors.map(at3), 2);
}

/** `torch.column_stack(tensors)`: 0-d and 1-d tensors as columns (reshape(numel, 1)), then cat along dim 1. */
export function column_stack(tensors: readonly Tensor[]): Tensor {
  return cat(tensors.map((t) => (t.ndim <= 1 ? reshape(t, [t.numel(), 1]) : t)), 1);
}

/** `torch.broadcast_tensors(*tensors)`: each expanded to the common shape. */
export function broadcast_tensors(...tensors: Tensor[]): Tensor[] {
  const shape = tensors.reduce<readonly number[]>((s, t) => broadcastShapes(s, t.shape), []);
  return tensors.map((t) => expand(t, shape));
}
