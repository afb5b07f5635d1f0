// Reductions without index outputs: prod, cumsum, cumprod, logsumexp, amax, amin (var/std: variance.ts).
// Forward kernels over groups of reduced elements; gradients are derivatives.yaml's formulas over tensors.

import { IndexError, RuntimeError } from '../../errors.js';
import { allocStorage, type Storage } from '../../tensor/dtype.js';
import { normalizeDim, numel, stridesOf, type Shape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { cascadeSum } from '../../tensor/cascade_sum.js';
import { expf, logf } from '../../math/sleef.js';
import { expd, logd } from '../../math/sleef64.js';
import { is_grad_enabled } from '../../tensor/autograd/grad_mode.js';
import { at, savedOutput } from './at.js';
import { recordNode } from './pointwise.js';
import { reducedShapes, type DimArg } from './reduce.js';

/** For each element of x, the flat index of its reduction group (the kept-dims shape), in row-major order. */
export function groupIndex(shape: Shape, keptShape: Shape): Int32Array {
  const n = numel(shape);
  const out = new Int32Array(n);
  const ks = stridesOf(keptShape);
  const idx = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < n; i++) {
    let g = 0;
    for (let d = 0; d < shape.length; d++) if (keptShape[d] !== 1) g += idx[d] * ks[d];
    out[i] = g;
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

/** The values of each reduction group, in order: groups[g] lists x's elements reduced into output g. */
export function groupsOf(x: Tensor, keptShape: Shape): number[][] {
  const gi = groupIndex(x._shape, keptShape);
  const groups: number[][] = Array.from({ length: numel(keptShape) }, () => []);
  for (let i = 0; i < gi.length; i++) groups[gi[i]].push(x._data[i]);
  return groups;
}

/** `grad` with the reduced dims put back as size 1 (unsqueeze_multiple / restore_reduced_dims). */
export function restoreDims(g: Tensor, keptShape: Shape, keepdim: boolean): Tensor {
  return keepdim || g.ndim === keptShape.length ? g : at.reshape(g, keptShape);
}

export interface ProdOptions {
  dim?: number;
  keepdim?: boolean;
}

/** prod(): ProdBackward0; prod(dim, keepdim): ProdBackward1. The product accumulates in float64 per group, rounded once. */
export function prod(x: Tensor, dim?: number | ProdOptions, keepdim = false): Tensor {
  if (dim !== undefined && typeof dim === 'object') return prod(x, dim.dim, dim.keepdim ?? false);
  const d = dim === undefined ? undefined : normalizeDim(dim, x.ndim);
  const { keptShape, outShape } = reducedShapes(x._shape, d === undefined ? null : [d], keepdim);
  const f32 = x._dtype === 'float32';
  const out = allocStorage(x._dtype, numel(keptShape));
  groupsOf(x, keptShape).forEach((vals, g) => {
    let p = 1;
    for (const v of vals) p = f32 ? Math.fround(p * v) : p * v;
    out[g] = p;
  });
  const result = new Tensor(out, outShape);
  return recordNode(result, d === undefined ? 'ProdBackward0' : 'ProdBackward1', [x], [x, result], (g, _needs, node) => {
    if (x.ndim === 0) return [g];
    const y = restoreDims(savedOutput(node), keptShape, keepdim || d === undefined);
    const gg = restoreDims(g, keptShape, keepdim || d === undefined);
    let zeros = false;
    for (let i = 0; i < x._data.length; i++) if (x._data[i] === 0) zeros = true;
    // prod_backward: grad * (result / input) without zeros, else prod_safe_zeros_backward's exclusive products
    if (!zeros) return [at.mul(gg, at.div(y, x))];
    // NOTE: without create_graph, a full product with two zeros or more has a zero gradient (even where -0 would be)
    if (d === undefined && !is_grad_enabled() && zeroCount(x) > 1) return [at.zerosLike(x)];
    return [at.mul(gg, exclusiveProducts(x, keptShape))];
  }, false);
}

function zeroCount(x: Tensor): number {
  let n = 0;
  for (let i = 0; i < x._data.length; i++) if (x._data[i] === 0) n++;
  return n;
}

/** For each element, the product of the others in its group (prod_safe_zeros_backward's cumprods). */
function exclusiveProducts(x: Tensor, keptShape: Shape): Tensor {
  const gi = groupIndex(x._shape, keptShape);
  const members: number[][] = Array.from({ length: numel(keptShape) }, () => []);
  for (let i = 0; i < gi.length; i++) members[gi[i]].push(i);
  const out = allocStorage(x._dtype, x._data.length);
  const f32 = x._dtype === 'float32';
  const mul = (a: number, b: number): number => (f32 ? Math.fround(a * b) : a * b);
  for (const m of members) {
    // exclusive cumprod from the front times exclusive cumprod from the back
    const front = new Array<number>(m.length);
    let p = 1;
    for (let j = 0; j < m.length; j++) {
      front[j] = p;
      p = mul(p, x._data[m[j]]);
    }
    p = 1;
    for (let j = m.length - 1; j >= 0; j--) {
      out[m[j]] = mul(front[j], p);
      p = mul(p, x._data[m[j]]);
    }
  }
  const t = new Tensor(out, x._shape);
  // d/dx_j of the product of the others in x_i's group: the product of all but x_i and x_j
  return recordNode(t, 'ProdSafeZerosBackward', [x], [x], (g) => [pairProducts(x, members, g)], false);
}

function pairProducts(x: Tensor, members: number[][], g: Tensor): Tensor {
  const out = allocStorage(g._dtype, x._data.length);
  for (const m of members) {
    for (const j of m) {
      let s = 0;
      for (const i of m) {
        if (i === j) continue;
        let p = g._data[i];
        for (const k of m) if (k !== i && k !== j) p *= x._data[k];
        s += p;
      }
      out[j] = s;
    }
  }
  return new Tensor(out, x._shape);
}

/** Walk every line along `dim`: visit(offsets) with the flat offsets of its elements. */
function lines(shape: Shape, dim: number, visit: (offsets: number[]) => void): void {
  const size = shape[dim] ?? 1;
  const stride = shape.length === 0 ? 1 : stridesOf(shape)[dim];
  const total = numel(shape);
  if (total === 0) return;
  const outer = total / (size * stride);
  for (let o = 0; o < outer; o++) {
    for (let s = 0; s < stride; s++) {
      const base = o * size * stride + s;
      const offs = new Array<number>(size);
      for (let k = 0; k < size; k++) offs[k] = base + k * stride;
      visit(offs);
    }
  }
}

export interface CumOptions {
  dim: number;
}

function cumDim(x: Tensor, dim: number | CumOptions): number {
  const d = typeof dim === 'object' ? dim.dim : dim;
  return normalizeDim(d, x.ndim);
}

/** cumsum along dim, accumulated in float64 and rounded per element (PyTorch's cpu_cum_base_kernel). */
export function cumsum(x: Tensor, dim: number | CumOptions): Tensor {
  const d = cumDim(x, dim);
  const out = allocStorage(x._dtype, x._data.length);
  lines(x._shape, d, (offs) => {
    let s = 0;
    for (const o of offs) out[o] = s += x._data[o];
  });
  // cumsum_backward: the grad itself for one element along dim, else grad.flip(dim).cumsum(dim).flip(dim)
  return recordNode(new Tensor(out, x._shape), 'CumsumBackward0', [x], [], (g) => {
    if (g.numel() <= 1 || (x._shape[d] ?? 1) === 1) return [g];
    return [flip(cumsum(flip(g, d), d), d)];
  }, false);
}

/** cumprod along dim (float64 accumulator): CumprodBackward0. */
export function cumprod(x: Tensor, dim: number | CumOptions): Tensor {
  const d = cumDim(x, dim);
  const out = allocStorage(x._dtype, x._data.length);
  lines(x._shape, d, (offs) => {
    let p = 1;
    for (const o of offs) out[o] = p *= x._data[o];
  });
  const result = new Tensor(out, x._shape);
  return recordNode(result, 'CumprodBackward0', [x], [x, result], (g, _needs, node) => {
    if (x.numel() <= 1 || (x._shape[d] ?? 1) === 1) return [g];
    let zeros = false;
    for (let i = 0; i < x._data.length; i++) if (x._data[i] === 0) zeros = true;
    // cumprod_backward without zeros: reversed_cumsum(output * grad, dim).div(input)
    if (!zeros) return [at.div(flip(cumsum(flip(at.mul(savedOutput(node), g), d), d), d), x)];
    return [cumprodZerosGrad(x, g, d)];
  }, false);
}

/**
 * cumprod_backward with zeros (differentiable once): before a line's first zero z, the reversed cumsum of
 * output·grad divided by the input; at z, out[z-1]·Σ_{i>=z} g_i·Π_{z<j<=i} x_j; after it, 0.
 */
function cumprodZerosGrad(x: Tensor, g: Tensor, d: number): Tensor {
  const out = allocStorage(g._dtype, x._data.length);
  const X = x._data;
  lines(x._shape, d, (offs) => {
    let z = offs.findIndex((o) => X[o] === 0);
    if (z < 0) z = offs.length;
    let before = 1;
    for (let j = 0; j < z; j++) before *= X[offs[j]];
    let acc = 0;
    let p = before;
    const w: number[] = [];
    for (let j = 0; j < z; j++) {
      w.push(0);
    }
    let q = 1;
    for (let j = 0; j < z; j++) {
      q *= X[offs[j]];
      w[j] = q * g._data[offs[j]];
    }
    for (let k = z - 1; k >= 0; k--) {
      acc += w[k];
      out[offs[k]] = acc / X[offs[k]];
    }
    if (z < offs.length) {
      let s = 0;
      p = 1;
      for (let i = z; i < offs.length; i++) {
        if (i > z) p *= X[offs[i]];
        s += g._data[offs[i]] * p;
      }
      out[offs[z]] = before * s;
    }
  });
  return new Tensor(out, x._shape);
}

/** x.flip(dim): FlipBackward0, whose gradient is the flip of the gradient. */
export function flip(x: Tensor, dim: number): Tensor {
  const out = allocStorage(x._dtype, x._data.length);
  lines(x._shape, dim, (offs) => {
    for (let k = 0; k < offs.length; k++) out[offs[k]] = x._data[offs[offs.length - 1 - k]];
  });
  return recordNode(new Tensor(out, x._shape), 'FlipBackward0', [x], [], (g) => [flip(g, dim)], false);
}

export interface ReduceDimsOptions {
  dim?: DimArg;
  keepdim?: boolean;
}

function dimArgs(dim: DimArg | ReduceDimsOptions, keepdim: boolean): [DimArg, boolean] {
  if (dim !== null && typeof dim === 'object' && !Array.isArray(dim)) {
    const o = dim as ReduceDimsOptions;
    return [o.dim, o.keepdim ?? false];
  }
  return [dim as DimArg, keepdim];
}

/** amax / amin over dims (all of them for none or []): NaN propagates; the gradient is shared among ties. */
function extremum(x: Tensor, dimArg: DimArg | ReduceDimsOptions, keepdimArg: boolean, isMax: boolean): Tensor {
  const [dim, keepdim] = dimArgs(dimArg, keepdimArg);
  const name = isMax ? 'amax' : 'amin';
  const { keptShape, outShape } = reducedShapes(x._shape, dim, keepdim);
  const all = dim === null || dim === undefined || (Array.isArray(dim) && dim.length === 0);
  if (x.numel() === 0 && all) {
    throw new RuntimeError(`${name}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`);
  }
  const empty = x._shape.findIndex((s, d) => s === 0 && keptShape[d] === 1);
  if (empty >= 0) {
    // PyTorch names the dim as it was given (-1 stays -1)
    const given = (typeof dim === 'number' ? [dim] : (dim as readonly number[])).find((d) => (d < 0 ? d + x.ndim : d) === empty) ?? empty;
    throw new IndexError(`${name}(): Expected reduction dim ${given} to have non-zero size.`);
  }
  const out = allocStorage(x._dtype, numel(keptShape));
  groupsOf(x, keptShape).forEach((vals, g) => {
    let best = vals[0];
    for (const v of vals) {
      if (v !== v) {
        best = v;
        break;
      }
      if (isMax ? v > best : v < best) best = v;
    }
    out[g] = best;
  });
  const result = new Tensor(out, outShape);
  return recordNode(result, isMax ? 'AmaxBackward0' : 'AminBackward0', [x], [x, result], (g, _needs, node) => {
    // scale_grad_by_count(restore_reduced_dims(grad), restore_reduced_dims(result) == self, dim)
    const y = restoreDims(savedOutput(node), keptShape, keepdim);
    const mask = equalMask(x, y);
    const count = at.sum(mask, reducedList(x._shape, keptShape), true);
    return [at.mul(at.div(restoreDims(g, keptShape, keepdim), count), mask)];
  }, false);
}

function reducedList(shape: Shape, keptShape: Shape): number[] {
  const dims: number[] = [];
  for (let d = 0; d < shape.length; d++) if (keptShape[d] === 1) dims.push(d);
  return dims;
}

/** self == y (broadcast) as a constant 0/1 tensor of self's dtype. */
function equalMask(x: Tensor, y: Tensor): Tensor {
  const vals = y._data;
  const gi = groupIndex(x._shape, y._shape.length === x._shape.length ? y._shape : x._shape.map(() => 1));
  const out = allocStorage(x._dtype, x._data.length);
  for (let i = 0; i < out.length; i++) out[i] = x._data[i] === vals[gi[i]] ? 1 : 0;
  return new Tensor(out, x._shape);
}

export function amax(x: Tensor, dim: DimArg | ReduceDimsOptions = [], keepdim = false): Tensor {
  return extremum(x, dim, keepdim, true);
}

export function amin(x: Tensor, dim: DimArg | ReduceDimsOptions = [], keepdim = false): Tensor {
  return extremum(x, dim, keepdim, false);
}

/**
 * log Σ exp over dims: m = amax (0 where infinite), log(sum(exp(x - m))) + m, with PyTorch's exp and log
 * kernels and its summation order.
 */
export function logsumexp(x: Tensor, dimArg: DimArg | ReduceDimsOptions, keepdimArg = false): Tensor {
  const [dim, keepdim] = dimArgs(dimArg, keepdimArg);
  const { keptShape, outShape } = reducedShapes(x._shape, dim, keepdim);
  const f32 = x._dtype === 'float32';
  const m = x.numel() === 0 ? allocStorage(x._dtype, numel(keptShape)) : amax(x, dim === null || dim === undefined ? [] : dim, true)._data;
  for (let i = 0; i < m.length; i++) if (Math.abs(m[i]) === Infinity) m[i] = 0;
  const gi = groupIndex(x._shape, keptShape);
  const e = allocStorage(x._dtype, x._data.length);
  for (let i = 0; i < e.length; i++) e[i] = f32 ? expf(Math.fround(x._data[i] - m[gi[i]])) : expd(x._data[i] - m[gi[i]]);
  const s = cascadeSum(e, x._shape, keptShape.map((k, i) => k !== x._shape[i]), f32);
  const out: Storage = allocStorage(x._dtype, numel(keptShape));
  for (let i = 0; i < out.length; i++) out[i] = f32 ? Math.fround(logf(s[i]) + m[i]) : logd(s[i]) + m[i];
  const result = new Tensor(out, outShape);
  // logsumexp_backward: grad * (self - result).exp(), both unsqueezed back
  return recordNode(result, 'LogsumexpBackward0', [x], [x, result], (g, _needs, node) => {
    const y = restoreDims(savedOutput(node), keptShape, keepdim);
    return [at.mul(restoreDims(g, keptShape, keepdim), at.exp(at.sub(x, y)))];
  }, false);
}
