// Reductions: sum, mean (all, one dim or several; keepdim), min, max.

import { RuntimeError } from '../../errors.js';
import { allocStorage, isFloating, scalarTypeName } from '../../tensor/dtype.js';
import { normalizeDims, numel, type Shape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { attach, shouldRecord } from '../../tensor/autograd/engine.js';
import { expandTo } from '../../tensor/kernels.js';
import { cascadeSum } from '../../tensor/cascade_sum.js';
import { at, maskOf } from './at.js';
import { view } from './shape.js';
import { expandedStrides } from './strides.js';

export type DimArg = number | readonly number[] | null | undefined;

interface Reduced {
  /** Shape with reduced dims kept as 1 (what the gradient is broadcast from). */
  keptShape: number[];
  outShape: number[];
  count: number;
  /** The reduced dims, or null for all of them. */
  dims: number[] | null;
}

export function reducedShapes(shape: Shape, dim: DimArg, keepdim: boolean): Reduced {
  // NOTE: an empty dim list reduces over every dim, as PyTorch's sum(x, []) does
  const all = dim === null || dim === undefined || (typeof dim !== 'number' && dim.length === 0);
  const dims = all ? shape.map((_, i) => i) : normalizeDims(typeof dim === 'number' ? [dim] : (dim as readonly number[]), shape.length);
  const keptShape = shape.map((s, i) => (dims.includes(i) ? 1 : s));
  const outShape = all && !keepdim ? [] : keepdim ? keptShape : shape.filter((_, i) => !dims.includes(i));
  return { keptShape, outShape, count: numel(shape) / numel(keptShape), dims: all ? null : dims };
}

/**
 * cascadeSum over x as PyTorch's memory holds it: a tensor whose PyTorch strides are a permutation of a
 * contiguous layout (x.t(), a permute) is summed in the order TensorIterator walks that memory.
 */
function layoutSum(x: Tensor, reduced: readonly boolean[]): Float64Array {
  const f32 = x._dtype === 'float32';
  const strides = x._strides;
  if (strides === null || !isPermutedDense(x._shape, strides)) return cascadeSum(x._data, x._shape, reduced, f32);
  const nd = x.ndim;
  const phys = allocStorage(x._dtype, x.numel());
  const idx = new Array<number>(nd).fill(0);
  let off = 0;
  for (let k = 0; k < phys.length; k++) {
    phys[off] = x._data[k];
    for (let d = nd - 1; d >= 0; d--) {
      off += strides[d];
      if (++idx[d] < x._shape[d]) break;
      off -= strides[d] * x._shape[d];
      idx[d] = 0;
    }
  }
  return cascadeSum(phys, x._shape, reduced, f32, strides);
}

/** The strides are those of a contiguous tensor of these sizes in some order of the dims. */
function isPermutedDense(shape: Shape, strides: readonly number[]): boolean {
  const order = [...shape.keys()].filter((d) => shape[d] !== 1).sort((a, b) => strides[a] - strides[b]);
  let expected = 1;
  for (const d of order) {
    if (strides[d] !== expected) return false;
    expected *= shape[d];
  }
  return true;
}

function reduceSum(x: Tensor, dim: DimArg, keepdim: boolean, mean: boolean): Tensor {
  const { keptShape, outShape, count, dims } = reducedShapes(x._shape, dim, keepdim);
  if (!isFloating(x._dtype) && mean) {
    throw new RuntimeError(`mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${scalarTypeName(x._dtype)}`);
  }
  // PyTorch's own summation order (float32 in float32): tensor/cascade_sum.ts; integers and bools sum to int64
  const out = allocStorage(isFloating(x._dtype) ? x._dtype : 'int64', numel(keptShape));
  out.set(layoutSum(x, keptShape.map((k, i) => k !== x._shape[i])));
  if (mean) for (let i = 0; i < out.length; i++) out[i] = out[i] / count;
  const result = new Tensor(out, outShape);
  if (!shouldRecord(x)) return result;
  // sum()/mean() without arguments are SumBackward0/MeanBackward0; any dim argument (None included) the dim overload's 1
  const name = `${mean ? 'Mean' : 'Sum'}Backward${dim === undefined ? 0 : 1}`;
  return attach(result, name, [x], (g) => {
    const gx = expandTo(g, keptShape, x._shape, allocStorage(x._dtype, x.numel()));
    if (mean) for (let i = 0; i < gx.length; i++) gx[i] = gx[i] / count;
    return [gx];
  }, mean && dim !== undefined ? [x] : [], null, (g) => {
    // sum_backward: unsqueeze the reduced dims back (unless keepdim), expand; mean_backward then / n
    let gx = g;
    if (!keepdim && dims !== null && x.ndim > 0) for (const d of dims.slice().sort((p, q) => p - q)) gx = at.unsqueeze(gx, d);
    gx = at.expand(gx, x._shape);
    return [mean ? at.divScalar(gx, count, true) : gx];
  }); // NOTE: PyTorch's MeanBackward1 saves self (for its numel)
}

/** expand as derivative formulas use it (a copy; the public `x.expand` is a view, reorder.ts): ExpandBackward0, whose gradient is sum_to. */
export function expand(x: Tensor, shape: Shape): Tensor {
  const out = expandTo(x._data, x._shape, shape, allocStorage(x._dtype, numel(shape)));
  const result = new Tensor(out, shape);
  result._strides = expandedStrides(x, shape);
  if (!shouldRecord(x)) return result;
  return attach(result, 'ExpandBackward0', [x], null, [], null, (g) => [sumToShape(g, x._shape)]);
}

/**
 * PyTorch's at::sum_to: sum over the leading dims and those where `shape` has 1 (keepdim), then a
 * view when dims were dropped; sum() for a 0-d shape; otherwise the tensor itself when nothing is reduced.
 */
export function sumToShape(x: Tensor, shape: Shape): Tensor {
  if (shape.length === 0) return sum(x); // NOTE: even of a 0-d tensor, as PyTorch's sum_to does
  const lead = x.ndim - shape.length;
  const dims: number[] = [];
  for (let d = 0; d < x.ndim; d++) if (d < lead || (shape[d - lead] === 1 && x._shape[d] !== 1)) dims.push(d);
  const reduced = dims.length > 0 ? sum(x, dims, true) : x;
  return lead > 0 ? view(reduced, shape) : reduced;
}

export function sum(x: Tensor, dim?: DimArg, keepdim = false): Tensor {
  return reduceSum(x, dim, keepdim, false);
}

export function mean(x: Tensor, dim?: DimArg, keepdim = false): Tensor {
  return reduceSum(x, dim, keepdim, true);
}

/** min()/max() over all elements; the gradient is shared evenly among ties (PyTorch's evenly_distribute_backward). */
function extreme(x: Tensor, isMax: boolean): Tensor {
  const X = x._data;
  if (X.length === 0) {
    throw new RuntimeError(`${isMax ? 'max' : 'min'}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`);
  }
  const best = isFloating(x._dtype) ? vectorExtreme(X, x._dtype === 'float32' ? 8 : 4, isMax) : scalarExtreme(X, isMax);
  const out = allocStorage(x._dtype, 1);
  out[0] = best;
  return evenlyDistributed(new Tensor(out, []), isMax ? 'MaxBackward1' : 'MinBackward1', x);
}

function scalarExtreme(X: ArrayLike<number>, isMax: boolean): number {
  let best = X[0];
  for (let i = 1; i < X.length; i++) if (isMax ? X[i] > best : X[i] < best) best = X[i];
  return best;
}

/**
 * max_all / min_all as PyTorch's AVX2 kernels reduce floats (reduce_all over vectors of `w` lanes, then
 * the lanes), which decides which of 0 and -0 a tie gives: _mm256_max_ps returns its second operand on
 * equality; NaN anywhere gives NaN. float32's lanes fold by shuffles (vec_reduce_all's AVX2 form),
 * float64's one by one into lane 0, as do tensors shorter than a vector.
 */
function vectorExtreme(X: ArrayLike<number>, w: number, isMax: boolean): number {
  const pick = (a: number, b: number): number => (a !== a || b !== b ? NaN : isMax ? (a > b ? a : b) : a < b ? a : b);
  const n = X.length;
  if (n < w) {
    let acc = X[0];
    for (let i = 1; i < n; i++) acc = pick(acc, X[i]);
    return acc;
  }
  const v = new Float64Array(w);
  for (let j = 0; j < w; j++) v[j] = X[j];
  let d = w;
  for (; d < n - (n % w); d += w) for (let j = 0; j < w; j++) v[j] = pick(v[j], X[d + j]);
  for (let j = 0; j < n - d; j++) v[j] = pick(v[j], X[d + j]);
  if (w === 8) {
    // permute2f128, then shuffle 0x4E, then 0xB1: lane 0 folds the lanes as a tree
    const u = [0, 1, 2, 3].map((j) => pick(v[j], v[j + 4]));
    return pick(pick(u[0], u[2]), pick(u[1], u[3]));
  }
  let acc = v[0];
  for (let j = 1; j < w; j++) acc = pick(acc, v[j]);
  return acc;
}

/**
 * A full reduction that selects a value (max(), min(), median()): its gradient is shared evenly among the
 * elements equal to it (PyTorch's evenly_distribute_backward; NaN ties with NaN).
 */
export function evenlyDistributed(result: Tensor, name: string, x: Tensor): Tensor {
  if (!shouldRecord(x)) return result;
  const X = x._data;
  const best = result._data[0];
  const tie = (v: number): boolean => v === best || (best !== best && v !== v);
  return attach(result, name, [x], (g) => {
    const gx = allocStorage(x._dtype, X.length);
    let ties = 0;
    for (let i = 0; i < X.length; i++) if (tie(X[i])) ties++;
    for (let i = 0; i < X.length; i++) if (tie(X[i])) gx[i] = g[0] / ties;
    return [gx];
  }, [x, result], null, (g) => {
    // evenly_distribute_backward: zeros_like(input).masked_fill_(mask, grad / mask.sum())
    const mask = maskOf(x, tie);
    let ties = 0;
    for (let i = 0; i < mask.data.length; i++) ties += mask.data[i];
    return [at.maskedFillTensor(at.zerosLike(x), mask, at.div(g, at.full([], ties, g._dtype)))];
  });
}

export function max(x: Tensor): Tensor {
  return extreme(x, true);
}

export function min(x: Tensor): Tensor {
  return extreme(x, false);
}

