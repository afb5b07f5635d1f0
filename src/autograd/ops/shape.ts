// Shape ops: views that share storage (reshape, view, unsqueeze, squeeze, as_strided) and copies (t, transpose, clone).

import { IndexError, RuntimeError } from '../../errors.js';
import { allocStorage, convertStorage, isFloating, toDType, type DTypeArg } from '../../tensor/dtype.js';
import { inferReshape, normalizeDim } from '../../tensor/shape.js';
import { aliasOf, Tensor } from '../../tensor/tensor.js';
import { attach, shouldRecord } from '../../tensor/autograd/engine.js';
import { copy_ } from './inplace.js';
import { permuteView } from './views.js';
import { contiguousStrides, transposedStrides, viewStrides, virtualStrides } from './strides.js';
import { preservedStrides, sameStrides } from '../../tensor/strided.js';

type ViewGrad = (g: Tensor) => Tensor;

/**
 * A view over the same storage; its gradient is the upstream gradient read in the input's shape,
 * and over tensors `grad` (derivatives.yaml's formula: reshape back, squeeze, unsqueeze ...).
 */
function viewOp(x: Tensor, shape: number[], name: string, grad: ViewGrad): Tensor {
  const result = aliasOf(x, shape);
  if (!shouldRecord(x)) return result;
  return attach(result, name, [x], (g) => [g], [], null, (g) => [grad(g)]);
}

const VIEW_STRIDES_MESSAGE =
  "view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.";

/** PyTorch's strides of x seen as `shape` when x is strided (t, transpose, expand); undefined when x is contiguous. */
function stridesAs(x: Tensor, shape: readonly number[]): number[] | null | undefined {
  return x._strides === null ? undefined : viewStrides(x._shape, x._strides, shape);
}

/** Mark a view with the strides PyTorch's has, when they are not contiguous. */
function strided(result: Tensor, strides: readonly number[] | null | undefined): Tensor {
  if (strides === undefined || strides === null) return result;
  if (!sameStrides(strides, contiguousStrides(result._shape))) result._strides = strides;
  return result;
}

/** A view where PyTorch's strides allow one (ReshapeAliasBackward0), else `_unsafe_view` of a contiguous clone. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const size = inferReshape(shape, x.numel());
  const strides = stridesAs(x, size);
  if (strides === null) return unsafeView(clone(x), size);
  return strided(viewOp(x, size, 'ReshapeAliasBackward0', (g) => reshape(g, x._shape)), strides);
}

export function view(x: Tensor, shape: readonly number[]): Tensor {
  const size = inferReshape(shape, x.numel());
  const strides = stridesAs(x, size);
  if (strides === null) throw new RuntimeError(VIEW_STRIDES_MESSAGE);
  return strided(viewOp(x, size, 'ViewBackward0', (g) => reshape(g, x._shape)), strides);
}

/** `_unsafe_view` (reshape's copies, matmul's and linear's results): UnsafeViewBackward0, whose gradient is a reshape. */
export function unsafeView(x: Tensor, shape: readonly number[]): Tensor {
  // NOTE: not a view for autograd (its input is a temporary): in-place ops on it record their own node
  const result = new Tensor(x._data, inferReshape(shape, x.numel()));
  if (!shouldRecord(x)) return result;
  return attach(result, 'UnsafeViewBackward0', [x], (g) => [g], [], null, (g) => [reshape(g, x._shape)]);
}

/**
 * `as_strided` of the whole storage in another shape (every view here spans its storage):
 * AsStridedBackward0, whose gradient is as_strided_backward's: zeros as storage, the gradient copied
 * into a view of it (CopySlices), read back in the input's shape.
 */
export function asStrided(x: Tensor, shape: readonly number[]): Tensor {
  return viewOp(x, shape.slice(), 'AsStridedBackward0', (g) => asStridedBackward(g, x._shape));
}

export function asStridedBackward(g: Tensor, inputShape: readonly number[]): Tensor {
  if (g.numel() === 0 || inputShape.includes(0)) return new Tensor(allocStorage(g._dtype, 0), inputShape);
  // size-1 dims of the output geometry are squeezed off the gradient first (from the last)
  let grad = g;
  for (let d = g.ndim - 1; d >= 0; d--) if (g._shape[d] === 1) grad = squeeze(grad, d);
  const storage = new Tensor(allocStorage(g._dtype, g.numel()), [g.numel()]);
  copy_(asStrided(storage, grad._shape), grad);
  return asStrided(storage, inputShape);
}

export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, x.ndim + 1);
  const shape = x._shape.slice();
  shape.splice(d, 0, 1);
  const st = virtualStrides(x).slice();
  st.splice(d, 0, d >= x.ndim ? 1 : x._shape[d] * st[d]); // inferUnsqueezeGeometry
  return strided(viewOp(x, shape, 'UnsqueezeBackward0', (g) => squeeze(g, d)), st);
}

/** unsqueeze_to: unsqueeze `g` at every size-1 dim of `shape` (squeeze()'s gradient). */
function unsqueezeTo(g: Tensor, shape: readonly number[]): Tensor {
  let out = g;
  for (let d = 0; d < shape.length; d++) if (shape[d] === 1) out = unsqueeze(out, d);
  return out;
}

/** squeeze() drops every size-1 dim (SqueezeBackward0); squeeze(dim) only that one (SqueezeBackward1). */
export function squeeze(x: Tensor, dim?: number): Tensor {
  if (dim === undefined) {
    const all = x._shape.filter((s) => s !== 1);
    const st = virtualStrides(x).filter((_, d) => x._shape[d] !== 1);
    return strided(viewOp(x, all, 'SqueezeBackward0', (g) => unsqueezeTo(g, x._shape)), st);
  }
  if (x.ndim === 0) return viewOp(x, [], 'SqueezeBackward1', (g) => g);
  const d = normalizeDim(dim, x.ndim);
  const shape = x._shape.slice();
  const one = shape[d] === 1;
  if (one) shape.splice(d, 1);
  const st = virtualStrides(x).slice();
  if (one) st.splice(d, 1);
  return strided(viewOp(x, shape, 'SqueezeBackward1', (g) => (one ? unsqueeze(g, d) : g)), st);
}

function transposeOp(x: Tensor, d0: number, d1: number, name: string, grad: ViewGrad): Tensor {
  const dims = x._shape.map((_, d) => (d === d0 ? d1 : d === d1 ? d0 : d));
  return permuteView(x, dims, name, grad);
}

export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const nd = Math.max(x.ndim, 1);
  const d0 = normalizeDim(dim0, nd);
  const d1 = normalizeDim(dim1, nd);
  const grad: ViewGrad = (g) => transpose(g, d0, d1);
  const result = x.ndim < 2 || d0 === d1 ? viewOp(x, x._shape.slice(), 'TransposeBackward0', grad) : transposeOp(x, d0, d1, 'TransposeBackward0', grad);
  result._strides = x.ndim >= 2 ? transposedStrides(x, d0, d1) : x._strides;
  return result;
}

/** `t()`: transpose of a matrix; 0-d and 1-d tensors come back as they are (still a TBackward0 node). */
export function t(x: Tensor): Tensor {
  if (x.ndim > 2) throw new RuntimeError(`t() expects a tensor with <= 2 dimensions, but self is ${x.ndim}D`);
  if (x.ndim < 2) return strided(viewOp(x, x._shape.slice(), 'TBackward0', (g) => t(g)), x._strides);
  const result = transposeOp(x, 0, 1, 'TBackward0', (g) => t(g));
  result._strides = transposedStrides(x, 0, 1);
  return result;
}

/** `x.clone()`: a copy laid out as x is where x is dense (preserve_format), CloneBackward0. */
export function clone(x: Tensor): Tensor {
  const result = new Tensor(x._data.slice(), x._shape);
  if (x._strides !== null) result._strides = preservedStrides(x._shape, x._strides);
  if (!shouldRecord(x)) return result;
  return attach(result, 'CloneBackward0', [x], (g) => [g], [], null, (g) => [g]);
}

/** `to(dtype)`: a converted copy (ToCopyBackward0), or the tensor itself when the dtype already matches. */
export function toDtype(x: Tensor, dtypeArg: DTypeArg): Tensor {
  const dtype = toDType(dtypeArg);
  if (x._dtype === dtype) return x;
  const result = new Tensor(convertStorage(x._data.subarray(0, x.numel()), dtype), x._shape);
  if (x._strides !== null) result._strides = preservedStrides(x._shape, x._strides);
  // an integer or bool result has no gradient: it neither requires grad nor records a node
  if (!shouldRecord(x) || !isFloating(dtype)) return result;
  return attach(result, 'ToCopyBackward0', [x], (g) => [g], [], null, (g) => [toDtype(g, x._dtype)]);
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
  for (let d = start; d <= end; d++) merged *= x._shape[d];
  return reshape(x, [...x._shape.slice(0, start), merged, ...x._shape.slice(end + 1)]);
}

/** `unflatten(dim, sizes)`: dim split into sizes (one may be -1), a view (ViewBackward0). */
export function unflatten(x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  const d = normalizeDim(dim, x.ndim);
  if (sizes.length === 0) throw new RuntimeError('unflatten: sizes must be non-empty');
  if (x.ndim === 0) throw new IndexError(`Dimension specified as ${d} but tensor has no dimensions`);
  let inferred: number[];
  try {
    inferred = inferReshape(sizes, x._shape[d]);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (message.includes("shape '")) {
      throw new RuntimeError(`unflatten: Provided sizes [${sizes.join(', ')}] don't multiply up to the size of dim ${d} (${x._shape[d]}) in the input tensor`);
    }
    throw new RuntimeError(`unflatten got an unexpected error:\n${message}`);
  }
  return view(x, [...x._shape.slice(0, d), ...inferred, ...x._shape.slice(d + 1)]);
}
