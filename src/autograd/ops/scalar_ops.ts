// The ATen ops that PyTorch's C++ composites (cross_entropy's) call with a C++ number, so their nodes
// are the .Scalar overloads' (MulBackward1, AddBackward1, DivBackward1), and masked_fill with a value.
// The number meets the tensor as a value of its dtype, as everywhere.

import { allocStorage, castScalar, type Storage } from '../../tensor/dtype.js';
import { Tensor } from '../../tensor/tensor.js';
import { attach, shouldRecord } from '../../tensor/autograd/engine.js';
import { at } from './at.js';

function scalarOp(
  x: Tensor,
  name: string,
  f: (v: number) => number,
  df: ((g: Storage) => Storage) | null,
  graph: ((g: Tensor) => Tensor) | null,
): Tensor {
  const X = x._data;
  const out = allocStorage(x._dtype, X.length);
  for (let i = 0; i < X.length; i++) out[i] = f(X[i]);
  const result = new Tensor(out, x._shape);
  if (!shouldRecord(x)) return result;
  return attach(result, name, [x], (g) => [df === null ? g : df(g)], [], null, (g) => [graph === null ? g : graph(g)]);
}

/**
 * create_graph: mul.Scalar's formula over `scalar_to_tensor(s)`, a 0-d float64 tensor (MulBackward0
 * with no edge for it); a 0-d float32 gradient is promoted to float64 by it and cast back to the
 * input's dtype (ToCopyBackward0). div.Scalar's divides by s as a wrapped number (DivBackward0, the
 * gradient's dtype).
 */
function overScalarTensor(g: Tensor, s: number, op: (a: Tensor, b: Tensor) => Tensor): Tensor {
  const out = op(g, at.full([], s, 'float64'));
  return out._dtype === g._dtype ? out : at.toDtype(out, g._dtype);
}

function mapped(g: Storage, f: (v: number) => number): Storage {
  const out = allocStorage(g instanceof Float64Array ? 'float64' : 'float32', g.length);
  for (let i = 0; i < g.length; i++) out[i] = f(g[i]);
  return out;
}

/**
 * `x * s` (mul.Scalar): MulBackward1, gradient g·s.
 * NOTE: PyTorch's backward multiplies by `scalar_tensor(s)`, a 0-d float64 tensor: a 0-d float32 gradient
 * is then multiplied in float64 (and rounded once), a larger one by s as a float32.
 */
export function mulScalar(x: Tensor, s: number): Tensor {
  const c = castScalar(s, x._dtype);
  const inGrad = x.ndim === 0 ? s : c;
  return scalarOp(x, 'MulBackward1', (v) => v * c, (g) => mapped(g, (v) => v * inGrad), (g) => overScalarTensor(g, s, at.mul));
}

/** `x + s` (add.Scalar): AddBackward1, gradient g. */
export function addScalar(x: Tensor, s: number): Tensor {
  const c = castScalar(s, x._dtype);
  return scalarOp(x, 'AddBackward1', (v) => v + c, null, null);
}

/** `x / s` (div.Scalar): DivBackward1, gradient g / s. */
export function divScalar(x: Tensor, s: number): Tensor {
  const c = castScalar(s, x._dtype);
  return scalarOp(x, 'DivBackward1', (v) => v / c, (g) => mapped(g, (v) => v / c), (g) => at.div(g, at.full([], s, g._dtype)));
}

/**
 * `x.index_put_({mask}, value)` for a boolean mask of x's shape (cross_entropy's ignored positions):
 * IndexPutBackward0 (CopySlices for a 0-d x), gradient g where not masked.
 */
export function indexPutMask(x: Tensor, mask: readonly boolean[], value: number): Tensor {
  const c = castScalar(value, x._dtype);
  const X = x._data;
  const out = allocStorage(x._dtype, X.length);
  for (let i = 0; i < X.length; i++) out[i] = mask[i] ? c : X[i];
  const result = new Tensor(out, x._shape);
  if (!shouldRecord(x)) return result;
  return attach(result, x.ndim === 0 ? 'torch::autograd::CopySlices' : 'IndexPutBackward0', [x], (g) => {
    const gx = allocStorage(x._dtype, g.length);
    for (let i = 0; i < g.length; i++) gx[i] = mask[i] ? 0 : g[i];
    return [gx];
  }, [], null, (g) => [indexPutZeros(g, mask)]);
}

/**
 * index_put's self gradient over tensors: grad.index_put({mask}, zeros_like(values)), IndexPutBackward0
 * with no edge for the zeros.
 * NOTE: a 0-d x's CopySlices gradient is this same op (PyTorch's is a CopySlices over an as_strided clone).
 */
function indexPutZeros(g: Tensor, mask: readonly boolean[]): Tensor {
  const G = g._data;
  const out = allocStorage(g._dtype, G.length);
  let k = 0;
  for (let i = 0; i < G.length; i++) {
    if (mask[i]) k++;
    else out[i] = G[i];
  }
  const result = new Tensor(out, g._shape);
  if (!shouldRecord(g)) return result;
  const values = new Tensor(allocStorage(g._dtype, k), [k]);
  return attach(result, 'IndexPutBackward0', [g, values], null, [], null, (gg) => [indexPutZeros(gg, mask), null]);
}
