// Shape ops: views that share storage (reshape, view, unsqueeze, squeeze) and copies (t, transpose, clone).

import { RuntimeError } from '../../errors.js';
import { allocStorage, type DType } from '../../tensor/dtype.js';
import { inferReshape, normalizeDim, stridesOf } from '../../tensor/shape.js';
import { aliasOf, Tensor } from '../../tensor/tensor.js';
import { attach, shouldRecord } from '../../tensor/autograd/engine.js';

/** A view over the same storage; its gradient is the upstream gradient read in the input's shape. */
function viewOp(x: Tensor, shape: number[], name: string): Tensor {
  const result = aliasOf(x, shape);
  if (!shouldRecord(x)) return result;
  return attach(result, name, [x], (g) => [g]);
}

export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  return viewOp(x, inferReshape(shape, x.numel()), 'ReshapeAliasBackward0');
}

export function view(x: Tensor, shape: readonly number[]): Tensor {
  return viewOp(x, inferReshape(shape, x.numel()), 'ViewBackward0');
}

export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, x.ndim + 1);
  const shape = x.shape.slice();
  shape.splice(d, 0, 1);
  return viewOp(x, shape, 'UnsqueezeBackward0');
}

/** squeeze() drops every size-1 dim (SqueezeBackward0); squeeze(dim) only that one (SqueezeBackward1). */
export function squeeze(x: Tensor, dim?: number): Tensor {
  if (dim === undefined) return viewOp(x, x.shape.filter((s) => s !== 1), 'SqueezeBackward0');
  if (x.ndim === 0) return viewOp(x, [], 'SqueezeBackward1');
  const d = normalizeDim(dim, x.ndim);
  const shape = x.shape.slice();
  if (shape[d] === 1) shape.splice(d, 1);
  return viewOp(x, shape, 'SqueezeBackward1');
}

/** Copy with dims d0 and d1 swapped. */
function swapDims(data: Tensor['_data'], shape: readonly number[], d0: number, d1: number, dtype: DType): Tensor['_data'] {
  const out = allocStorage(dtype, data.length);
  const outShape = shape.slice();
  outShape[d0] = shape[d1];
  outShape[d1] = shape[d0];
  const inStrides = stridesOf(shape);
  const readStrides = inStrides.slice();
  readStrides[d0] = inStrides[d1];
  readStrides[d1] = inStrides[d0];
  const nd = shape.length;
  const idx = new Array<number>(nd).fill(0);
  let src = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = data[src];
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]++;
      src += readStrides[d];
      if (idx[d] < outShape[d]) break;
      src -= readStrides[d] * outShape[d];
      idx[d] = 0;
    }
  }
  return out;
}

function transposeOp(x: Tensor, d0: number, d1: number, name: string): Tensor {
  const shape = x.shape.slice();
  shape[d0] = x.shape[d1];
  shape[d1] = x.shape[d0];
  const result = new Tensor(swapDims(x._data, x.shape, d0, d1, x.dtype), shape);
  if (!shouldRecord(x)) return result;
  return attach(result, name, [x], (g) => [swapDims(g, shape, d0, d1, x.dtype)]);
}

export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const nd = Math.max(x.ndim, 1);
  const d0 = normalizeDim(dim0, nd);
  const d1 = normalizeDim(dim1, nd);
  if (x.ndim < 2 || d0 === d1) return viewOp(x, x.shape.slice(), 'TransposeBackward0');
  return transposeOp(x, d0, d1, 'TransposeBackward0');
}

/** `t()`: transpose of a matrix; 0-d and 1-d tensors come back as they are (still a TBackward0 node). */
export function t(x: Tensor): Tensor {
  if (x.ndim > 2) throw new RuntimeError(`t() expects a tensor with <= 2 dimensions, but self is ${x.ndim}D`);
  if (x.ndim < 2) return viewOp(x, x.shape.slice(), 'TBackward0');
  return transposeOp(x, 0, 1, 'TBackward0');
}

export function clone(x: Tensor): Tensor {
  const result = new Tensor(x._data.slice(), x.shape);
  if (!shouldRecord(x)) return result;
  return attach(result, 'CloneBackward0', [x], (g) => [g]);
}

/** `to(dtype)`: a converted copy (ToCopyBackward0), or the tensor itself when the dtype already matches. */
export function toDtype(x: Tensor, dtype: DType): Tensor {
  if (x.dtype === dtype) return x;
  const out = allocStorage(dtype, x.numel());
  out.set(x._data);
  const result = new Tensor(out, x.shape);
  if (!shouldRecord(x)) return result;
  return attach(result, 'ToCopyBackward0', [x], (g) => [g]);
}

/**
 * `flatten(start_dim=0, end_dim=-1)`: dims start..end merged, a reshape (ReshapeAliasBackward0); the
 * tensor itself when start == end; a 0-d tensor becomes [1].
 */
export function flatten(x: Tensor, start_dim = 0, end_dim = -1): Tensor {
  const start = normalizeDim(start_dim, x.ndim);
  const end = normalizeDim(end_dim, x.ndim);
  if (x.ndim === 0) return reshape(x, [1]);
  if (start > end) throw new RuntimeError('flatten() has invalid args: start_dim cannot come after end_dim');
  if (start === end) return x;
  let merged = 1;
  for (let d = start; d <= end; d++) merged *= x.shape[d];
  return reshape(x, [...x.shape.slice(0, start), merged, ...x.shape.slice(end + 1)]);
}

/** `unflatten(dim, sizes)`: dim split into sizes (one may be -1), a view (ViewBackward0). */
export function unflatten(x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  const d = normalizeDim(dim, x.ndim);
  if (sizes.length === 0) throw new RuntimeError('unflatten: sizes must be non-empty');
  let inferred: number[];
  try {
    inferred = inferReshape(sizes, x.shape[d]);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (message.includes("shape '")) {
      throw new RuntimeError(`unflatten: Provided sizes [${sizes.join(', ')}] don't multiply up to the size of dim ${d} (${x.shape[d]}) in the input tensor`);
    }
    throw new RuntimeError(`unflatten got an unexpected error:\n${message}`);
  }
  return view(x, [...x.shape.slice(0, d), ...inferred, ...x.shape.slice(d + 1)]);
}
