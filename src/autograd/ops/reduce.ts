// Reductions: sum, mean (all, one dim or several; keepdim), min, max, norm.

import { RuntimeError } from '../../errors.js';
import { allocStorage } from '../../tensor/dtype.js';
import { normalizeDims, numel, type Shape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { attach, shouldRecord } from '../../tensor/autograd/engine.js';
import { expandTo } from '../../tensor/kernels.js';
import { cascadeSum } from '../../tensor/cascade_sum.js';

export type DimArg = number | readonly number[] | null | undefined;

interface Reduced {
  /** Shape with reduced dims kept as 1 (what the gradient is broadcast from). */
  keptShape: number[];
  outShape: number[];
  count: number;
}

function reducedShapes(shape: Shape, dim: DimArg, keepdim: boolean): Reduced {
  // NOTE: an empty dim list reduces over every dim, as PyTorch's sum(x, []) does
  const all = dim === null || dim === undefined || (typeof dim !== 'number' && dim.length === 0);
  const dims = all ? shape.map((_, i) => i) : normalizeDims(typeof dim === 'number' ? [dim] : (dim as readonly number[]), shape.length);
  const keptShape = shape.map((s, i) => (dims.includes(i) ? 1 : s));
  const outShape = all && !keepdim ? [] : keepdim ? keptShape : shape.filter((_, i) => !dims.includes(i));
  return { keptShape, outShape, count: numel(shape) / numel(keptShape) };
}

function reduceSum(x: Tensor, dim: DimArg, keepdim: boolean, mean: boolean): Tensor {
  const { keptShape, outShape, count } = reducedShapes(x.shape, dim, keepdim);
  // PyTorch's own summation order (float32 in float32): tensor/cascade_sum.ts
  const out = allocStorage(x.dtype, numel(keptShape));
  out.set(cascadeSum(x._data, x.shape, keptShape.map((k, i) => k !== x.shape[i]), x.dtype === 'float32'));
  if (mean) for (let i = 0; i < out.length; i++) out[i] = out[i] / count;
  const result = new Tensor(out, outShape);
  if (!shouldRecord(x)) return result;
  // sum()/mean() without arguments are SumBackward0/MeanBackward0; any dim argument (None included) the dim overload's 1
  const name = `${mean ? 'Mean' : 'Sum'}Backward${dim === undefined ? 0 : 1}`;
  return attach(result, name, [x], (g) => {
    const gx = expandTo(g, keptShape, x.shape, allocStorage(x.dtype, x.numel()));
    if (mean) for (let i = 0; i < gx.length; i++) gx[i] = gx[i] / count;
    return [gx];
  }, mean && dim !== undefined ? [x] : []); // NOTE: PyTorch's MeanBackward1 saves self (for its numel)
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
  let best = X[0];
  for (let i = 1; i < X.length; i++) {
    const v = X[i];
    if (v !== v) {
      best = v;
      break;
    }
    if (isMax ? v > best : v < best) best = v;
  }
  const out = allocStorage(x.dtype, 1);
  out[0] = best;
  const result = new Tensor(out, []);
  if (!shouldRecord(x)) return result;
  return attach(result, isMax ? 'MaxBackward1' : 'MinBackward1', [x], (g) => {
    const gx = allocStorage(x.dtype, X.length);
    let ties = 0;
    for (let i = 0; i < X.length; i++) if (X[i] === best || (best !== best && X[i] !== X[i])) ties++;
    for (let i = 0; i < X.length; i++) if (X[i] === best || (best !== best && X[i] !== X[i])) gx[i] = g[0] / ties;
    return [gx];
  }, [x, result]);
}

export function max(x: Tensor): Tensor {
  return extreme(x, true);
}

export function min(x: Tensor): Tensor {
  return extreme(x, false);
}

/** The 2-norm of all elements: NormBackward1 (PyTorch's x.norm()), gradient x/‖x‖ (0 where ‖x‖ == 0). */
export function norm(x: Tensor): Tensor {
  const X = x._data;
  let s = 0;
  // NOTE: PyTorch accumulates a float32 norm in float32: squares of values past 1.8e19 overflow to inf
  if (x.dtype === 'float32') for (let i = 0; i < X.length; i++) s = Math.fround(s + Math.fround(X[i] * X[i]));
  else for (let i = 0; i < X.length; i++) s += X[i] * X[i];
  const out = allocStorage(x.dtype, 1);
  out[0] = Math.sqrt(s);
  const result = new Tensor(out, []);
  if (!shouldRecord(x)) return result;
  return attach(result, 'NormBackward1', [x], (g) => {
    const gx = allocStorage(x.dtype, X.length);
    const n = out[0];
    if (n !== 0) for (let i = 0; i < X.length; i++) gx[i] = (g[0] * X[i]) / n;
    return [gx];
  }, [x, result]);
}
