// torch.linalg.vector_norm (LinalgVectorNormBackward0) and torch.linalg.norm: vector norms of any order,
// and the matrix norms that need no SVD ('fro', 1, -1, inf, -inf), composed as PyTorch composes them.

import { ArgumentTypeError, RuntimeError } from '../../errors.js';
import { allocStorage, isFloating, scalarTypeName } from '../../tensor/dtype.js';
import { normalizeDim, normalizeDims, numel } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { at, maskOf, savedOutput } from './at.js';
import { recordNode } from './pointwise.js';
import { reducedShapes, type DimArg } from './reduce.js';
import { amax, amin, groupsOf, restoreDims } from './reductions.js';

export interface VectorNormOptions {
  ord?: number;
  dim?: DimArg;
  keepdim?: boolean;
}

type NormArgs = [] | [number | VectorNormOptions] | [number, DimArg] | [number, DimArg, boolean] | [number, DimArg, VectorNormOptions] | [number, VectorNormOptions];

function vectorArgs(args: NormArgs): { ord: number; dim: DimArg; keepdim: boolean } {
  const a = args as unknown[];
  let o: VectorNormOptions = {};
  const last = a[a.length - 1];
  if (last !== null && typeof last === 'object' && !Array.isArray(last)) o = last as VectorNormOptions;
  const ord = o.ord ?? (typeof a[0] === 'number' ? a[0] : 2);
  if (a[0] !== undefined && typeof a[0] !== 'number' && !(a[0] !== null && typeof a[0] === 'object')) {
    throw new ArgumentTypeError(`linalg_vector_norm(): argument 'ord' (position 2) must be Number, not ${typeof a[0] === 'string' ? 'str' : typeof a[0]}`);
  }
  const dim = o.dim !== undefined ? o.dim : a.length > 1 && (typeof a[1] === 'number' || Array.isArray(a[1]) || a[1] === null) ? (a[1] as DimArg) : undefined;
  const keepdim = o.keepdim ?? (typeof a[2] === 'boolean' ? a[2] : false);
  return { ord, dim, keepdim };
}

/** ‖x‖_ord over dims: float32 accumulates in float32, as PyTorch's norm reductions do. */
function normValue(vals: number[], ord: number, f32: boolean): number {
  const r = f32 ? Math.fround : (v: number): number => v;
  if (ord === Infinity || ord === -Infinity) {
    let best = ord === Infinity ? 0 : Infinity;
    for (const v of vals) {
      const a = Math.abs(v);
      if (a !== a) return a;
      if (ord === Infinity ? a > best : a < best) best = a;
    }
    return best;
  }
  let s = 0;
  if (ord === 0) {
    for (const v of vals) s += v !== 0 ? 1 : 0;
    return s;
  }
  if (ord === 1) {
    for (const v of vals) s = r(s + Math.abs(v));
    return s;
  }
  if (ord === 2) {
    for (const v of vals) s = r(s + r(v * v));
    return r(Math.sqrt(s));
  }
  // NormOps holds p in the accumulation type (float for float32) and projects with pow(acc, 1 / p) in it
  const p = r(ord);
  for (const v of vals) s = r(s + r(Math.abs(v) ** p));
  return r(s ** r(1 / p));
}

export function vector_norm(x: Tensor, ...args: NormArgs): Tensor {
  const { ord, dim, keepdim } = vectorArgs(args);
  return normOver(x, ord, dim, keepdim, 'LinalgVectorNormBackward0');
}

/** The `ord` vector norm over `dim` (all dims when undefined or null), recorded as node `name`. */
function normOver(x: Tensor, ord: number, dim: DimArg, keepdim: boolean, name: string): Tensor {
  const { keptShape, outShape } = reducedShapes(x._shape, dim, keepdim);
  if (x.numel() === 0 && (ord < 0 || ord === Infinity)) {
    // NOTE: PyTorch names the dim as given, and runs the words together ("dimension 0because")
    const name = ord === Infinity ? 'inf' : ord === -Infinity ? '-inf' : String(ord);
    const dims = dim === undefined || dim === null ? [] : typeof dim === 'number' ? [dim] : dim;
    if (dims.length === 0) throw new RuntimeError(`linalg.vector_norm cannot compute the ${name} norm on an empty tensor because the operation does not have an identity`);
    for (const d of dims) {
      if (x._shape[normalizeDim(d, x.ndim)] === 0) {
        throw new RuntimeError(`linalg.vector_norm cannot compute the ${name} norm on the dimension ${d}because this dimension is empty and the operation does not have an identity`);
      }
    }
  }
  const out = allocStorage(x._dtype, numel(keptShape));
  const f32 = x._dtype === 'float32';
  groupsOf(x, keptShape).forEach((vals, g) => {
    out[g] = normValue(vals, ord, f32);
  });
  const result = new Tensor(out, outShape);
  const reduced = x._shape.map((_, d) => d).filter((d) => keptShape[d] === 1);
  return recordNode(result, name, [x], [x, result], (grad, _needs, node) => {
    // norm_backward unsqueezes the reduced dims back (none when it reduced everything: dim is empty)
    const whole = dim === undefined || dim === null;
    const g = whole ? grad : restoreDims(grad, keptShape, keepdim || x.ndim === 0);
    const n = whole ? savedOutput(node) : restoreDims(savedOutput(node), keptShape, keepdim || x.ndim === 0);
    return [normBackward(g, x, ord, n, reduced)];
  }, false);
}

/** PyTorch's norm_backward, order by order. */
function normBackward(g: Tensor, x: Tensor, p: number, norm: Tensor, dims: number[]): Tensor | null {
  const normZero = maskOf(norm, (v) => v === 0);
  if (p === 0) return null; // norm_backward returns an undefined tensor: no gradient at all
  if (p === 1) return at.mul(at.sgn(x), g);
  if (p === 2) return at.mul(g, at.maskedFill(at.div(x, norm), normZero, 0));
  if (!Number.isFinite(p)) {
    // amax(abs(self))'s derivative respecting NaNs: the mask of |x| == norm or NaN, shared evenly
    const absX = x._data;
    const mask = allocStorage(x._dtype, absX.length);
    const nd = norm._data;
    const idx = norm.numel() === 1 ? null : groupIndexOf(x, norm);
    for (let i = 0; i < mask.length; i++) {
      const a = Math.abs(absX[i]);
      mask[i] = a === nd[idx === null ? 0 : idx[i]] || a !== a ? 1 : 0;
    }
    const m = new Tensor(mask, x._shape);
    return at.mul(at.sgn(x), at.mul(at.div(g, at.sum(m, dims, true)), m));
  }
  const absPow = (e: number): Tensor => at.powScalar(absOf(x), e);
  if (p < 1) {
    const scaled = at.mul(at.sgn(x), at.maskedFill(absPow(p - 1), maskOf(x, (v) => v === 0), 0));
    return at.mul(at.mul(scaled, g), at.powScalar(norm, 1 - p));
  }
  const scaled = p < 2 ? at.mul(at.sgn(x), absPow(p - 1)) : at.mul(x, absPow(p - 2));
  const scale = at.maskedFill(at.div(g, at.powScalar(norm, p - 1)), normZero, 0);
  return at.mul(scaled, scale);
}

function absOf(x: Tensor): Tensor {
  return at.mul(x, at.sgn(x));
}

function groupIndexOf(x: Tensor, kept: Tensor): Int32Array {
  const out = new Int32Array(x.numel());
  const ks = kept._shape;
  const idx = new Array<number>(x.ndim).fill(0);
  for (let i = 0; i < out.length; i++) {
    let g = 0;
    let s = 1;
    for (let d = x.ndim - 1; d >= 0; d--) {
      if (ks[d] !== 1) g += idx[d] * s;
      s *= ks[d];
    }
    out[i] = g;
    for (let d = x.ndim - 1; d >= 0; d--) {
      if (++idx[d] < x._shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

export type MatrixOrd = number | 'fro' | 'nuc';

export interface TensorNormOptions {
  p?: number | 'fro' | 'nuc' | null;
  dim?: DimArg;
  keepdim?: boolean;
}

/**
 * `torch.norm(x, p='fro', dim=None, keepdim=False)` / `x.norm(...)` as 1.13's torch/functional.py routes it:
 * a number p, or 'fro' over all dims or one, is norm.ScalarOpt_dim (NormBackward1); 'fro' over two dims
 * is frobenius_norm's sqrt(sum(x * x)) (SqrtBackward0). 'nuc' needs an SVD, which the library does not have.
 */
export function tensorNorm(x: Tensor, p: number | string | null | TensorNormOptions = 'fro', dim?: DimArg | TensorNormOptions, keepdim?: boolean | TensorNormOptions): Tensor {
  let o: TensorNormOptions = {};
  for (const a of [p, dim, keepdim]) if (a !== null && typeof a === 'object' && !Array.isArray(a)) o = a as TensorNormOptions;
  const ord = o.p !== undefined ? o.p : typeof p === 'object' && p !== null ? 'fro' : p;
  const dims = o.dim !== undefined ? o.dim : typeof dim === 'object' && dim !== null && !Array.isArray(dim) ? undefined : (dim as DimArg);
  const keep = o.keepdim ?? (typeof keepdim === 'boolean' ? keepdim : false);
  if (!isFloating(x._dtype)) throw new RuntimeError(`norm(): input dtype should be either floating point or complex. Got ${scalarTypeName(x._dtype)} instead.`);
  const list = dims === undefined || dims === null ? null : typeof dims === 'number' ? [dims] : dims;
  if (typeof ord === 'string') {
    if (ord === 'fro') {
      if (list === null || list.length <= 1) return normOver(x, 2, list ?? undefined, keep, 'NormBackward1');
      if (list.length > 2) throw new RuntimeError(`Expected at most 2 dimensions, but got ${list.length} dimensions instead.`);
      return at.sqrt(at.sum(at.mul(x, x), normalizeDims(list, x.ndim), keep));
    }
    if (ord === 'nuc') throw new RuntimeError("norm(p='nuc') needs a singular value decomposition, which this library does not have");
    throw new RuntimeError(`only valid string values are 'fro' and 'nuc', found ${ord}`);
  }
  return normOver(x, ord ?? 2, list ?? undefined, keep, 'NormBackward1');
}

export interface NormOptions {
  ord?: MatrixOrd | null;
  dim?: DimArg;
  keepdim?: boolean;
}

/** torch.linalg.norm(x, ord, dim, keepdim): vector_norm for vectors and ord None, matrix_norm for two dims. */
export function norm(x: Tensor, ord?: MatrixOrd | null | NormOptions, dim?: DimArg | NormOptions, keepdim?: boolean | NormOptions): Tensor {
  let o: NormOptions = {};
  for (const a of [ord, dim, keepdim]) if (a !== null && typeof a === 'object' && !Array.isArray(a)) o = a as NormOptions;
  const p = o.ord !== undefined ? o.ord : typeof ord === 'object' ? null : (ord ?? null);
  const d = o.dim !== undefined ? o.dim : dim !== null && typeof dim === 'object' && !Array.isArray(dim) ? undefined : (dim as DimArg);
  const k = o.keepdim ?? (typeof keepdim === 'boolean' ? keepdim : false);
  const dims = d === null || d === undefined ? null : typeof d === 'number' ? [d] : [...d];
  if (dims !== null && dims.length !== 1 && dims.length !== 2) throw new RuntimeError(`linalg.norm: If dim is specified, it must be of length 1 or 2. Got [${dims.join(', ')}]`);
  if (dims === null && p !== null && x.ndim !== 1 && x.ndim !== 2) {
    throw new RuntimeError(`linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got ${x.ndim}D.`);
  }
  if (p === null) return vector_norm(x, 2, dims, k);
  const matrix = dims !== null ? dims.length === 2 : x.ndim === 2;
  if (!matrix) {
    if (typeof p === 'string') throw new RuntimeError('linalg.matrix_norm: The input tensor A must have at least 2 dimensions.');
    return vector_norm(x, p, dims, k);
  }
  return matrixNorm(x, p, dims ?? [-2, -1], k);
}

function matrixNorm(x: Tensor, ord: MatrixOrd, dims: number[], keepdim: boolean): Tensor {
  if (x.ndim < 2) throw new RuntimeError('linalg.matrix_norm: The input tensor A must have at least 2 dimensions.');
  const d = dims.map((v) => normalizeDim(v, x.ndim));
  if (ord === 'fro') return vector_norm(x, 2, d, keepdim);
  if (ord === 'nuc' || ord === 2 || ord === -2) throw new RuntimeError(`linalg.matrix_norm: ord ${ord} needs singular values, which this library does not compute`);
  if (Math.abs(ord) !== 1 && Math.abs(ord) !== Infinity) throw new RuntimeError(`linalg.matrix_norm: Order ${ord} not supported.`);
  // the inf norm is the 1 norm of the transpose: sum over one dim, then amax/amin over the other
  if (Math.abs(ord) === Infinity) d.reverse();
  if (!keepdim && d[0] < d[1]) d[1]--;
  const sums = vector_norm(x, 1, [d[0]], keepdim);
  return ord > 0 ? amax(sums, d[1], keepdim) : amin(sums, d[1], keepdim);
}
