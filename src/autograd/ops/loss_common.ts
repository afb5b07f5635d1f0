// What the loss ops share: the reduction argument, the size-mismatch warning, broadcast index maps,
// PyTorch's reduction of elementwise losses, and which elements PyTorch's vectorised loop computes.

import { ValueError } from '../../errors.js';
import { cascadeSum } from '../../tensor/cascade_sum.js';
import { allocStorage, type DType, type Storage } from '../../tensor/dtype.js';
import { broadcastIndex, broadcastShapes, broadcastStrides, numel, sameShape, sizeStr, stridesOf, type Shape } from '../../tensor/shape.js';

export { broadcastIndex };
import { Tensor } from '../../tensor/tensor.js';
import { attach, shouldRecord, sumTo } from '../../tensor/autograd/engine.js';
import { warn } from '../../warnings.js';
import { at } from './at.js';

/** A loss's reduction, as PyTorch spells it. */
export type Reduction = 'mean' | 'sum' | 'none';

/** A loss's reduction, positional ('sum') or as Python's keyword (`{ reduction: 'sum' }`). */
export type ReductionArg = Reduction | { reduction?: Reduction };

/** The reduction of a ReductionArg, checked. */
export function reductionOf(arg: ReductionArg): Reduction {
  const reduction = typeof arg === 'object' && arg !== null ? (arg.reduction ?? 'mean') : arg;
  checkReduction(reduction);
  return reduction;
}

/** torch.nn._Reduction.get_enum's check. */
export function checkReduction(reduction: string): asserts reduction is Reduction {
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
    throw new ValueError(`${reduction} is not a valid value for reduction`);
  }
}

/** The UserWarning of F.l1_loss / smooth_l1_loss / huber_loss when the shapes differ; the broadcast shape. */
export function warnedShape(input: Tensor, target: Tensor): number[] {
  if (sameShape(input._shape, target._shape)) return input._shape.slice();
  warn(
    `Using a target size (${sizeStr(target._shape)}) that is different to the input size (${sizeStr(input._shape)}). ` +
      'This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.',
  );
  return broadcastShapes(input._shape, target._shape);
}

/** `x.expand(shape)` (ExpandBackward0, its gradient summed back to x's shape), or x itself when it has that shape. */
export function expandTo(x: Tensor, shape: Shape): Tensor {
  if (sameShape(x._shape, shape)) return x;
  const result = new Tensor(valuesAs(x, shape, x._dtype).slice(), shape);
  if (!shouldRecord(x)) return result;
  return attach(result, 'ExpandBackward0', [x], (g) => [sumTo(g, shape, x._shape)], [], null, (g) => [at.sumTo(g, x._shape)]);
}

/** torch.broadcast_tensors(input, target) after F.l1_loss's (smooth_l1's, huber's) size warning. */
export function broadcastPair(input: Tensor, target: Tensor): [Tensor, Tensor] {
  const shape = warnedShape(input, target);
  return [expandTo(input, shape), expandTo(target, shape)];
}

/** Values of `t` as `dtype` storage, broadcast to `shape` (a copy only when needed). */
export function valuesAs(t: Tensor, shape: Shape, dtype: DType): Storage {
  const idx = broadcastIndex(shape, t._shape);
  if (idx === null && t._dtype === dtype) return t._data;
  const out = allocStorage(dtype, numel(shape));
  const src = t._data;
  for (let i = 0; i < out.length; i++) out[i] = src[idx === null ? i : idx[i]];
  return out;
}

/** Sum of all values in PyTorch's order (tensor/cascade_sum.ts), rounded as the dtype is. */
export function sumAll(values: Storage, dtype: DType): number {
  const out = allocStorage(dtype, 1);
  out[0] = cascadeSum(values, [values.length], [true], dtype === 'float32')[0];
  return out[0];
}

/** apply_loss_reduction: `none` keeps the losses, `mean` is loss.mean(), `sum` loss.sum(). */
export function reduceLosses(losses: Storage, shape: Shape, reduction: Reduction, dtype: DType): Tensor {
  if (reduction === 'none') return new Tensor(losses, shape);
  const out = allocStorage(dtype, 1);
  const s = sumAll(losses, dtype);
  out[0] = reduction === 'mean' ? s / losses.length : s;
  return new Tensor(out, []);
}

export interface VectorPlan {
  rowSize: number;
  vectorPrefix: number;
}

/**
 * How PyTorch's cpu_kernel_vec runs an elementwise op over a contiguous output of `shape` whose inputs
 * are tensors of `inputShapes` expanded to it: the output in rows of `rowSize` elements (TensorIterator's
 * innermost dimension after coalescing), each row's first `vectorPrefix` elements by the vectorised
 * function (in blocks of two vectors of `lanes`), the rest by the scalar one. The vectorised loop runs
 * only when every input is contiguous along the row, or all but one are and that one is constant there.
 */
export function vectorPlan(shape: Shape, inputShapes: readonly Shape[], lanes: number): VectorPlan {
  const ops = [stridesOf(shape), ...inputShapes.map((s) => broadcastStrides(s, shape))];
  // innermost first, as TensorIterator orders them; then coalesce_dimensions
  const sizes = shape.slice().reverse();
  const strides = ops.map((s) => s.slice().reverse());
  if (sizes.length === 0) {
    sizes.push(1);
    for (const s of strides) s.push(0);
  }
  let prev = 0;
  for (let d = 1; d < sizes.length; d++) {
    const canMerge = sizes[prev] === 1 || sizes[d] === 1 || strides.every((s) => s[prev] * sizes[prev] === s[d]);
    if (canMerge) {
      if (sizes[prev] === 1) for (const s of strides) s[prev] = s[d];
      sizes[prev] *= sizes[d];
    } else {
      prev++;
      for (const s of strides) s[prev] = s[d];
      sizes[prev] = sizes[d];
    }
  }
  const rowSize = sizes[0];
  const inner = strides.slice(1).map((s) => s[0]);
  const contiguous = inner.filter((s) => s === 1).length;
  const constant = inner.filter((s) => s === 0).length;
  const vectorised = rowSize === 1 || contiguous === inner.length || (constant === 1 && contiguous === inner.length - 1);
  const block = 2 * lanes;
  return { rowSize, vectorPrefix: vectorised ? Math.floor(rowSize / block) * block : 0 };
}

/** True when element `i` of the output is computed by the vectorised function under `plan`. */
export function isVectorLane(plan: VectorPlan, i: number): boolean {
  return i % plan.rowSize < plan.vectorPrefix;
}
