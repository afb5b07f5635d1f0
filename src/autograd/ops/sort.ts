// sort, argsort, msort and topk along a dim, as PyTorch 1.13's CPU kernels do them (libstdc++'s
// algorithms over (value, index) pairs: tensor/stl_sort.ts, so ties come out in PyTorch's order; NaN
// sorts as the largest value), and the line machinery the value-selecting reductions share.
// Values' gradients: value_selecting_reduction_backward (a scatter of the gradient into zeros).

import { IndexError, RuntimeError } from '../../errors.js';
import { allocStorage, type Storage } from '../../tensor/dtype.js';
import { around, normalizeDim } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { attach, shouldRecord } from '../../tensor/autograd/engine.js';
import { nthElement, partialSort, stableSort, stlSort, type Less, type Pairs } from '../../tensor/stl_sort.js';
import { at } from './at.js';
import { ReturnTypes } from './return_types.js';

/** One line's result: `m` values and indices from its pairs (length n). */
export type LineFn = (p: Pairs, n: number, outV: Float64Array, outI: Float64Array) => void;

export interface Lines {
  values: Storage;
  indices: Storage;
  /** x's shape with dim's size replaced by m (a 0-d x stays 0-d). */
  shape: number[];
  dim: number;
}

/** Run `line` over every line of x along `dim`, each giving m values and indices. */
export function alongLines(x: Tensor, dim: number, m: number, line: LineFn): Lines {
  const d = normalizeDim(dim, x.ndim);
  const shape = x.ndim === 0 ? [1] : x._shape;
  const [outer, n, inner] = around(shape, d);
  const values = allocStorage(x._dtype, outer * m * inner);
  const indices = allocStorage('int64', outer * m * inner);
  const p: Pairs = { v: new Float64Array(n), ix: new Float64Array(n) };
  const outV = new Float64Array(m);
  const outI = new Float64Array(m);
  const X = x._data;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      for (let k = 0; k < n; k++) {
        p.v[k] = X[base + k * inner];
        p.ix[k] = k;
      }
      line(p, n, outV, outI);
      const ob = o * m * inner + i;
      for (let k = 0; k < m; k++) {
        values[ob + k * inner] = outV[k];
        indices[ob + k * inner] = outI[k];
      }
    }
  }
  return { values, indices, shape: x.ndim === 0 ? [] : shape.map((s, k) => (k === d ? m : s)), dim: d };
}

/**
 * The (values, indices) pair, the values recording `name` with value_selecting_reduction_backward:
 * zeros of x's sizes, scattered with the gradient at the indices (unsqueezed back first unless keepdim).
 */
export function selected(opName: string, name: string, x: Tensor, r: Lines, keepdim: boolean): ReturnTypes {
  const outShape = keepdim || x.ndim === 0 ? r.shape : r.shape.filter((_, k) => k !== r.dim);
  const values = new Tensor(r.values, outShape);
  const indices = new Tensor(r.indices, outShape);
  if (shouldRecord(x)) {
    const kept = new Tensor(r.indices, r.shape);
    attach(values, name, [x], null, [indices], null, (g) => {
      const gk = keepdim || x.ndim === 0 ? g : at.unsqueeze(g, r.dim);
      return [at.scatter(at.full(x._shape, 0, g._dtype), r.dim, kept, gk)];
    });
  }
  return new ReturnTypes(opName, values, indices);
}

const isNaN = (v: number): boolean => v !== v;
/** KeyValueCompAsc / KeyValueCompDesc: NaN goes last ascending, first descending. */
const ascending: Less = (a, _i, b) => (!isNaN(a) && isNaN(b)) || a < b;
const descending: Less = (a, _i, b) => (isNaN(a) && !isNaN(b)) || a > b;

export interface SortOptions {
  dim?: number;
  descending?: boolean;
  stable?: boolean;
}

/** The options, and whether `stable` was given (the sort.stable overload: SortBackward1). */
function sortOptions(dim: number | SortOptions | undefined, desc: boolean | undefined): Required<SortOptions> & { overload: boolean } {
  if (typeof dim === 'object') return { dim: dim.dim ?? -1, descending: dim.descending ?? false, stable: dim.stable ?? false, overload: dim.stable !== undefined };
  return { dim: dim ?? -1, descending: desc ?? false, stable: false, overload: false };
}

/** `x.sort(dim=-1, descending=false)` or `x.sort({ dim, descending, stable })`: SortBackward0. */
export function sort(x: Tensor, dim?: number | SortOptions, desc?: boolean): ReturnTypes {
  const o = sortOptions(dim, desc);
  const less = o.descending ? descending : ascending;
  const n = x.ndim === 0 ? 1 : x._shape[normalizeDim(o.dim, x.ndim)];
  const r = alongLines(x, o.dim, n, (p, len, outV, outI) => {
    // NOTE: std::sort is not stable; PyTorch 1.13 calls it unless stable=True
    (o.stable ? stableSort : stlSort)(p, 0, len, less);
    outV.set(p.v);
    outI.set(p.ix);
  });
  const pair = selected('sort', o.overload ? 'SortBackward1' : 'SortBackward0', x, r, true);
  // NOTE: PyTorch's results take a dense input's layout (a transposed input's sort is transposed too)
  if (x._strides !== null && !x._strides.includes(0)) pair.values._strides = pair.indices._strides = x._strides;
  return pair;
}

/** `x.argsort(dim=-1, descending=false)`: sort's indices. */
export function argsort(x: Tensor, dim?: number | SortOptions, desc?: boolean): Tensor {
  return sort(x, dim, desc).indices;
}

/** `torch.msort(x)`: sort along dim 0. */
export function msort(x: Tensor): Tensor {
  return sort(x, 0).values;
}

export interface TopkOptions {
  dim?: number;
  largest?: boolean;
  sorted?: boolean;
}

/** `x.topk(k, dim=-1, largest=true, sorted=true)` (or `x.topk(k, { dim, largest, sorted })`): TopkBackward0. */
export function topk(x: Tensor, k: number, dim?: number | TopkOptions, largest?: boolean, sorted?: boolean): ReturnTypes {
  const o = typeof dim === 'object' ? dim : { dim, largest, sorted };
  const d = o.dim ?? -1;
  const big = o.largest ?? true;
  const inOrder = o.sorted ?? true;
  const n = x.ndim === 0 ? 1 : x._shape[normalizeDim(d, x.ndim)];
  if (!(k >= 0 && k <= n)) throw new RuntimeError('selected index k out of range');
  if (x.ndim > 0) noBool('topk_cpu', x);
  const less = big ? descending : ascending;
  // NOTE: a 0-d input is its own top 1, also for k = 0
  const m = x.ndim === 0 ? 1 : k;
  const r = alongLines(x, d, m, (p, len, outV, outI) => {
    // TopKImpl.h: a partial sort for small k, else nth_element and a sort of the k-1 before it
    if (x.ndim === 0) {
      // nothing to order
    } else if (k * 64 <= len) partialSort(p, 0, k, len, less);
    else {
      nthElement(p, 0, k - 1, len, less);
      if (inOrder) stlSort(p, 0, k - 1, less);
    }
    outV.set(p.v.subarray(0, m));
    outI.set(p.ix.subarray(0, m));
  });
  return selected('topk', 'TopkBackward0', x, r, true);
}

/** The kernels PyTorch has no bool version of. */
export function noBool(kernel: string, x: Tensor): void {
  if (x._dtype === 'bool') throw new RuntimeError(`"${kernel}" not implemented for 'Bool'`);
}

/** zero_numel_check_dims: a reduction along an empty dim has no value to select. */
export function nonEmptyDim(name: string, x: Tensor, dim: number): void {
  const d = normalizeDim(dim, x.ndim);
  if (x.ndim > 0 && x._shape[d] === 0) throw new IndexError(`${name}(): Expected reduction dim ${d} to have non-zero size.`);
}
