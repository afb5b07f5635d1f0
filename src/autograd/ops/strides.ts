// The strides PyTorch's tensors would have. Every tensor here is contiguous; t, transpose and expand,
// which PyTorch makes as strided views, mark their results with PyTorch's strides, for the few
// formulas whose ops depend on them (mm's backward, reshape as a view or a copy).

import { numel, type Shape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';

/** PyTorch's contiguous strides (size-0 and size-1 dims count as 1). */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= Math.max(shape[i], 1);
  }
  return strides;
}

/** The strides PyTorch's tensor has: marked by t/transpose/expand, else contiguous. */
export function virtualStrides(t: Tensor): readonly number[] {
  return t._strides ?? contiguousStrides(t.shape);
}

/** PyTorch's computeStride: the strides of a view of (shape, strides) as newShape, or null when only a copy can do. */
export function viewStrides(shape: Shape, strides: readonly number[], newShape: Shape): number[] | null {
  if (shape.length === 0) return newShape.map(() => 1);
  const n = numel(shape);
  if (n === 0) return contiguousStrides(newShape);
  const out = new Array<number>(newShape.length);
  let viewD = newShape.length - 1;
  let chunkBase = strides[strides.length - 1];
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    tensorNumel *= shape[d];
    if (d === 0 || (shape[d - 1] !== 1 && strides[d - 1] !== tensorNumel * chunkBase)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] === 1)) {
        out[viewD] = viewNumel * chunkBase;
        viewNumel *= newShape[viewD];
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) {
        chunkBase = strides[d - 1];
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  return viewD === -1 ? out : null;
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
  return shape.map((size, d) => (d < lead || (x.shape[d - lead] === 1 && size !== 1) ? 0 : inner[d - lead]));
}
