// Reductions without gradients: argmax/argmin (int64 indices), any/all (bool), count_nonzero (int64).
// Over all elements, or along one dim with keepdim, as PyTorch's.

import { IndexError, RuntimeError } from '../../errors.js';
import { allocStorage, type DType } from '../../tensor/dtype.js';
import { around, normalizeDim } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';

/** Reduce `x` along `dim` (or all of it) with `fold(values, start, count, stride)` into a tensor of `dtype`. */
function along(x: Tensor, dim: number | undefined, keepdim: boolean, dtype: DType, fold: (X: ArrayLike<number>, start: number, n: number, stride: number) => number): Tensor {
  const X = x._data;
  if (dim === undefined) {
    const out = allocStorage(dtype, 1);
    out[0] = fold(X, 0, x.numel(), 1);
    return new Tensor(out, keepdim ? x._shape.map(() => 1) : []);
  }
  const d = x.ndim === 0 ? normalizeDim(dim, 1) : normalizeDim(dim, x.ndim);
  const shape = x.ndim === 0 ? [1] : x._shape;
  const [outer, n, inner] = around(shape, d);
  const out = allocStorage(dtype, outer * inner);
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) out[o * inner + i] = fold(X, o * n * inner + i, n, inner);
  const outShape = x.ndim === 0 ? [] : keepdim ? shape.map((s, k) => (k === d ? 1 : s)) : shape.filter((_, k) => k !== d);
  return new Tensor(out, outShape);
}

function argExtreme(name: 'argmax' | 'argmin', x: Tensor, dim: number | undefined, keepdim: boolean): Tensor {
  if (x.numel() === 0 && dim === undefined) {
    throw new IndexError(`${name}(): Expected reduction dim to be specified for input.numel() == 0.`);
  }
  if (dim !== undefined && x.ndim > 0 && x._shape[normalizeDim(dim, x.ndim)] === 0) {
    throw new IndexError(`${name}(): Expected reduction dim ${normalizeDim(dim, x.ndim)} to have non-zero size.`);
  }
  // NOTE: PyTorch has no bool kernel, but a reduction along a dim of one element never reaches it
  const length = dim === undefined ? Infinity : x.ndim === 0 ? 1 : x._shape[normalizeDim(dim, x.ndim)];
  if (x._dtype === 'bool' && length > 1) throw new RuntimeError(`"${name}_cpu" not implemented for 'Bool'`);
  const better = name === 'argmax' ? (v: number, b: number) => v > b : (v: number, b: number) => v < b;
  return along(x, dim, keepdim, 'int64', (X, start, n, stride) => {
    let best = X[start];
    let at = 0;
    if (best !== best) return 0;
    for (let k = 1; k < n; k++) {
      const v = X[start + k * stride];
      if (v !== v) return k; // the first NaN wins
      if (better(v, best)) {
        best = v;
        at = k;
      }
    }
    return at;
  });
}

/** `argmax()` (flat index) or `argmax(dim, keepdim)`: the first index of the largest value (NaN counts as largest). */
export function argmax(x: Tensor, dim?: number | null, keepdim = false): Tensor {
  return argExtreme('argmax', x, dim ?? undefined, keepdim);
}

export function argmin(x: Tensor, dim?: number | null, keepdim = false): Tensor {
  return argExtreme('argmin', x, dim ?? undefined, keepdim);
}

/** `any()` / `any(dim, keepdim)`: whether some element is nonzero (NaN is); bool, or uint8 for uint8 (as PyTorch 1.13). */
export function any(x: Tensor, dim?: number, keepdim = false): Tensor {
  return along(x, dim, keepdim, x._dtype === 'uint8' ? 'uint8' : 'bool', (X, start, n, stride) => {
    for (let k = 0; k < n; k++) if (X[start + k * stride] !== 0) return 1;
    return 0;
  });
}

/** `all()` / `all(dim, keepdim)`: whether every element is nonzero. */
export function all(x: Tensor, dim?: number, keepdim = false): Tensor {
  return along(x, dim, keepdim, x._dtype === 'uint8' ? 'uint8' : 'bool', (X, start, n, stride) => {
    for (let k = 0; k < n; k++) if (X[start + k * stride] === 0) return 0;
    return 1;
  });
}

/** `count_nonzero()` / `count_nonzero(dim)`: int64 counts. */
export function count_nonzero(x: Tensor, dim?: number): Tensor {
  return along(x, dim, false, 'int64', (X, start, n, stride) => {
    let c = 0;
    for (let k = 0; k < n; k++) if (X[start + k * stride] !== 0) c++;
    return c;
  });
}
