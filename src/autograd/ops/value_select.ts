// The reductions that select one element of each line and return (values, indices): max/min along a
// dim (and their full-reduction and binary forms), median, nanmedian, mode and kthvalue, with PyTorch
// 1.13's CPU kernels' choice among ties (first max; median's index order; mode's std::sort run;
// kthvalue's quick select).

import { RuntimeError } from '../../errors.js';
import { allocStorage, castScalar } from '../../tensor/dtype.js';
import { normalizeDim } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { nthElement, stlSort, type Less, type Pairs } from '../../tensor/stl_sort.js';
import { evenlyDistributed, max as maxAll, min as minAll } from './reduce.js';
import { maximum, minimum } from './pointwise.js';
import { alongLines, noBool, nonEmptyDim, selected } from './sort.js';
import type { ReturnTypes } from './return_types.js';

export interface DimOptions {
  dim: number;
  keepdim?: boolean;
}

const isNaN = (v: number): boolean => v !== v;

function extremeDim(name: 'max' | 'min', x: Tensor, dim: number, keepdim: boolean): ReturnTypes {
  nonEmptyDim(name, x, dim);
  const isMax = name === 'max';
  // compare_base_kernel: a later value replaces the best only if !(v <= best) (max), so the first of equal ones stays; NaN stops
  const r = alongLines(x, dim, 1, (p, n, outV, outI) => {
    let best = p.v[0];
    let at = 0;
    for (let k = 0; k < n; k++) {
      const v = p.v[k];
      if (!(isMax ? v <= best : v >= best)) {
        best = v;
        at = k;
        if (isNaN(v)) break;
      }
    }
    outV[0] = best;
    outI[0] = at;
  });
  return selected(name, isMax ? 'MaxBackward0' : 'MinBackward0', x, r, keepdim);
}

/** `max()` (MaxBackward1), `max(dim, keepdim)` (values and indices, MaxBackward0), `max(other)` (maximum). */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, other: Tensor): Tensor;
export function max(x: Tensor, dim: number | DimOptions, keepdim?: boolean): ReturnTypes;
export function max(x: Tensor, dim?: number | Tensor | DimOptions, keepdim = false): Tensor | ReturnTypes {
  if (dim === undefined) return maxAll(x);
  if (dim instanceof Tensor) return maximum(x, dim);
  if (typeof dim === 'object') return extremeDim('max', x, dim.dim, dim.keepdim ?? false);
  return extremeDim('max', x, dim, keepdim);
}

export function min(x: Tensor): Tensor;
export function min(x: Tensor, other: Tensor): Tensor;
export function min(x: Tensor, dim: number | DimOptions, keepdim?: boolean): ReturnTypes;
export function min(x: Tensor, dim?: number | Tensor | DimOptions, keepdim = false): Tensor | ReturnTypes {
  if (dim === undefined) return minAll(x);
  if (dim instanceof Tensor) return minimum(x, dim);
  if (typeof dim === 'object') return extremeDim('min', x, dim.dim, dim.keepdim ?? false);
  return extremeDim('min', x, dim, keepdim);
}

/** median_impl: nth_element at (n - nans - 1) / 2 of a copy (NaN, for median, if there is one; NaN when empty). */
function medianAll(x: Tensor, ignoreNan: boolean): Tensor {
  const n = x.numel();
  if (n > 0) noBool('median_cpu', x);
  const out = allocStorage(x._dtype, 1);
  const p: Pairs = { v: Float64Array.from(x._data), ix: new Float64Array(n) };
  let nans = 0;
  for (let i = 0; i < n; i++) if (isNaN(p.v[i])) nans++;
  if (n === 0 || (!ignoreNan && nans > 0)) out[0] = castScalar(NaN, x._dtype);
  else {
    const mid = Math.trunc((n - nans - 1) / 2); // C++'s division: (-1) / 2 is 0
    nthElement(p, 0, mid, n, (a, _i, b) => a < b || (isNaN(b) && !isNaN(a)));
    out[0] = p.v[mid];
  }
  return evenlyDistributed(new Tensor(out, []), ignoreNan ? 'NanmedianBackward0' : 'MedianBackward0', x);
}

/** median_with_indices_impl: the first NaN (median), else nth_element under (value, index) order. */
function medianDim(name: 'median' | 'nanmedian', x: Tensor, dim: number, keepdim: boolean): ReturnTypes {
  nonEmptyDim('median', x, dim); // NOTE: nanmedian's error says median() too
  noBool('median_out', x);
  const ignoreNan = name === 'nanmedian';
  const byIndex: Less = (a, i, b, j) => a < b || (a === b && i < j) || (ignoreNan && isNaN(b) && !isNaN(a));
  const r = alongLines(x, dim, 1, (p, n, outV, outI) => {
    let nans = 0;
    for (let k = 0; k < n; k++) {
      if (!isNaN(p.v[k])) continue;
      if (!ignoreNan) {
        outV[0] = p.v[k];
        outI[0] = k;
        return;
      }
      nans++;
    }
    const mid = Math.trunc((n - nans - 1) / 2);
    nthElement(p, 0, mid, n, byIndex);
    outV[0] = p.v[mid];
    outI[0] = p.ix[mid];
  });
  return selected(name, ignoreNan ? 'NanmedianBackward1' : 'MedianBackward1', x, r, keepdim);
}

/** `median()`: the lower median (MedianBackward0); `median(dim, keepdim)`: values and indices (MedianBackward1). */
export function median(x: Tensor): Tensor;
export function median(x: Tensor, dim: number | DimOptions, keepdim?: boolean): ReturnTypes;
export function median(x: Tensor, dim?: number | DimOptions, keepdim = false): Tensor | ReturnTypes {
  if (dim === undefined) return medianAll(x, false);
  if (typeof dim === 'object') return medianDim('median', x, dim.dim, dim.keepdim ?? false);
  return medianDim('median', x, dim, keepdim);
}

/** median ignoring NaNs (NaN only where every value is). */
export function nanmedian(x: Tensor): Tensor;
export function nanmedian(x: Tensor, dim: number | DimOptions, keepdim?: boolean): ReturnTypes;
export function nanmedian(x: Tensor, dim?: number | DimOptions, keepdim = false): Tensor | ReturnTypes {
  if (dim === undefined) return medianAll(x, true);
  if (typeof dim === 'object') return medianDim('nanmedian', x, dim.dim, dim.keepdim ?? false);
  return medianDim('nanmedian', x, dim, keepdim);
}

/**
 * `x.mode(dim=-1, keepdim=false)`: the most frequent value (the smallest of equally frequent ones) and
 * the index std::sort leaves last in its run; ModeBackward0.
 */
export function mode(x: Tensor, dim: number | Partial<DimOptions> = -1, keepdim = false): ReturnTypes {
  if (typeof dim === 'object') return mode(x, dim.dim ?? -1, dim.keepdim ?? false);
  nonEmptyDim('mode', x, dim);
  const r = alongLines(x, dim, 1, (p, n, outV, outI) => {
    stlSort(p, 0, n, (a, _i, b) => a < b);
    let modeV = 0;
    let modeI = 0;
    let run = 0;
    let best = 0;
    for (let i = 0; i < n; i++) {
      run++;
      if (i === n - 1 || p.v[i] !== p.v[i + 1]) {
        if (run > best) {
          modeV = p.v[i];
          modeI = p.ix[i];
          best = run;
        }
        run = 0;
      }
    }
    outV[0] = modeV;
    outI[0] = modeI;
  });
  return selected('mode', 'ModeBackward0', x, r, keepdim);
}

/** SortingUtils.h's quick_select_template: the k-th smallest moved to position k (NaN largest). */
function quickSelect(p: Pairs, k: number, n: number): void {
  const gt = (a: number, b: number): boolean => (isNaN(a) && !isNaN(b)) || a > b;
  const swap = (i: number, j: number): void => {
    const v = p.v[i];
    p.v[i] = p.v[j];
    p.v[j] = v;
    const ix = p.ix[i];
    p.ix[i] = p.ix[j];
    p.ix[j] = ix;
  };
  let L = 0;
  let R = n - 1;
  for (;;) {
    if (R <= L) return;
    if (R === L + 1) {
      if (gt(p.v[L], p.v[R])) swap(L, R);
      return;
    }
    // median of three for the pivot
    const P = L + ((R - L) >> 1);
    swap(P, L + 1);
    if (gt(p.v[L + 1], p.v[R])) swap(L + 1, R);
    if (gt(p.v[L], p.v[R])) swap(L, R);
    if (gt(p.v[L + 1], p.v[L])) swap(L + 1, L);
    let i = L + 1;
    let j = R;
    const piv = p.v[L];
    for (;;) {
      do i++;
      while (gt(piv, p.v[i]));
      do j--;
      while (gt(p.v[j], piv));
      if (j < i) break;
      swap(i, j);
    }
    swap(L, j);
    if (j <= k) L = i;
    if (j >= k) R = j - 1;
  }
}

/** `x.kthvalue(k, dim=-1, keepdim=false)`: the k-th smallest value and its index; KthvalueBackward0. */
export function kthvalue(x: Tensor, k: number, dim: number | Partial<DimOptions> = -1, keepdim = false): ReturnTypes {
  if (typeof dim === 'object') return kthvalue(x, k, dim.dim ?? -1, dim.keepdim ?? false);
  const d = normalizeDim(dim, x.ndim);
  nonEmptyDim('kthvalue', x, d);
  const size = x.ndim === 0 ? 1 : x._shape[d];
  if (!(k >= 1 && k <= size)) throw new RuntimeError(`kthvalue(): selected number k out of range for dimension ${d}`);
  if (x.ndim > 0) noBool('kthvalue_cpu', x);
  const r = alongLines(x, d, 1, (p, n, outV, outI) => {
    quickSelect(p, k - 1, n);
    outV[0] = p.v[k - 1];
    outI[0] = p.ix[k - 1];
  });
  return selected('kthvalue', 'KthvalueBackward0', x, r, keepdim);
}
