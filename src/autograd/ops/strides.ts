// The strides PyTorch's tensors would have. Every tensor's storage here is contiguous; the strided views
// (t, transpose, permute, expand, x[:, 1]: strided copies, tensor/strided.ts) mark their results with
// PyTorch's strides, for the few formulas whose ops depend on them (mm's backward, reshape as a view or a copy).

import { type Shape } from '../../tensor/shape.js';
import { contiguousStrides } from '../../tensor/strided.js';

export { contiguousStrides, viewStrides } from '../../tensor/strided.js';
import type { Tensor } from '../../tensor/tensor.js';

/** The strides PyTorch's tensor has: marked by t/transpose/expand, else contiguous. */
export function virtualStrides(t: Tensor): readonly number[] {
  return t._strides ?? contiguousStrides(t._shape);
}

/** x.transpose(d0, d1)'s strides: x's, swapped. */
export function transposedStrides(x: Tensor, d0: number, d1: number): number[] {
  const s = virtualStrides(x).slice();
  [s[d0], s[d1]] = [s[d1], s[d0]];
  return s;
}

/** x.expand(shape)'s strides: 0 on new and broadcast dims. */
export function expandedStrides(x: Tensor, shape: Shape): number[] {
  const inner = virtualStrides(x);
  const lead = shape.length - x.ndim;
  return shape.map((size, d) => (d < lead || (x._shape[d - lead] === 1 && size !== 1) ? 0 : inner[d - lead]));
}
