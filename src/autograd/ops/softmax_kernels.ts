// PyTorch 1.13's CPU softmax and log_softmax kernels (aten/src/ATen/native/cpu/SoftMaxKernel.cpp, AVX2),
// in their own order of operations: along the last dimension a row at a time through Vectorized
// reductions (vec::reduce_all); along another dimension vectorised across the inner positions, the
// last (inner % lanes) positions in scalar code. exp and log are SLEEF's in vector code and the C
// library's in scalar code; the compiler fuses `a - b·c` and `a + b·c` into FMAs, as here.

import type { Storage } from '../../tensor/dtype.js';
import { expd, logd } from '../../math/sleef64.js';
import { expf, fma, fmaf, logf } from '../../math/sleef.js';
import { exp as libmExp, expf as libmExpf } from '../../math/libm.js';

/** The arithmetic of one dtype: rounding, vector lanes, SLEEF's exp/log, the C library's exp, one FMA. */
export interface Arith {
  r: (x: number) => number;
  lanes: number;
  vexp: (x: number) => number;
  vlog: (x: number) => number;
  cexp: (x: number) => number;
  fma: (a: number, b: number, c: number) => number;
  /** AVX2's float32 horizontal reduction is a tree of shuffles; float64's adds the lanes in order. */
  tree: boolean;
}

export const float64Arith: Arith = { r: (x) => x, lanes: 4, vexp: expd, vlog: logd, cexp: libmExp, fma, tree: false };
export const float32Arith: Arith = { r: Math.fround, lanes: 8, vexp: expf, vlog: logf, cexp: libmExpf, fma: fmaf, tree: true };

type Op = (a: number, b: number) => number;

/** vec::maximum: NaN when either is NaN; of equal values the second. */
const vmax: Op = (a, b) => (a !== a || b !== b ? NaN : a > b ? a : b);

/** vec_reduce_all over the first `n` lanes of an accumulator. */
function horizontal(k: Arith, acc: Float64Array, op: Op, n: number): number {
  if (n < k.lanes || !k.tree) {
    let a = acc[0];
    for (let l = 1; l < n; l++) a = op(a, acc[l]);
    return a;
  }
  const w0 = op(acc[0], acc[4]);
  const w1 = op(acc[1], acc[5]);
  const w2 = op(acc[2], acc[6]);
  const w3 = op(acc[3], acc[7]);
  return op(op(w0, w2), op(w1, w3));
}

/** The accumulator of one vector reduction (reused: the kernels run one row at a time). */
const lanes = new Float64Array(8);

/**
 * vec::map_reduce_all over x[base .. base+n): lanes of `map(x)` combined by `step(acc, x)` (which maps
 * and combines), the partial last vector only into its own lanes, then the lanes reduced by `op`.
 */
function reduceRow(k: Arith, x: Storage, base: number, n: number, map: (v: number, j: number) => number, step: (acc: number, j: number) => number, op: Op): number {
  const W = k.lanes;
  const acc = lanes;
  acc.fill(0);
  if (n < W) {
    for (let l = 0; l < n; l++) acc[l] = map(x[base + l], base + l);
    return horizontal(k, acc, op, n);
  }
  for (let l = 0; l < W; l++) acc[l] = map(x[base + l], base + l);
  let d = W;
  for (; d < n - (n % W); d += W) for (let l = 0; l < W; l++) acc[l] = step(acc[l], base + d + l);
  for (let l = 0; d + l < n; l++) acc[l] = step(acc[l], base + d + l);
  return horizontal(k, acc, op, W);
}

/** Softmax or log-softmax along the last dimension, `rows` rows of `n`. */
export function lastDimForward(k: Arith, x: Storage, out: Storage, rows: number, n: number, log: boolean): void {
  const { r } = k;
  const add: Op = (a, b) => r(a + b);
  for (let i = 0; i < rows; i++) {
    const base = i * n;
    const m = reduceRow(k, x, base, n, (v) => v, (a, j) => vmax(a, x[j]), vmax);
    if (log) {
      const s = reduceRow(k, x, base, n, (v) => k.vexp(r(v - m)), (a, j) => r(a + k.vexp(r(x[j] - m))), add);
      const ls = k.vlog(s);
      for (let j = base; j < base + n; j++) out[j] = r(r(x[j] - m) - ls);
    } else {
      for (let j = base; j < base + n; j++) out[j] = k.vexp(r(x[j] - m));
      const s = reduceRow(k, out, base, n, (v) => v, (a, j) => r(a + out[j]), add);
      const inv = r(1 / s);
      for (let j = base; j < base + n; j++) out[j] = r(out[j] * inv);
    }
  }
}

/** The gradient along the last dimension: g - exp(y)·Σg (log) or (g - Σg·y)·y, from the output y. */
export function lastDimBackward(k: Arith, g: Storage, y: Storage, gi: Storage, rows: number, n: number, log: boolean): void {
  const { r } = k;
  const add: Op = (a, b) => r(a + b);
  for (let i = 0; i < rows; i++) {
    const base = i * n;
    if (log) {
      const s = reduceRow(k, g, base, n, (v) => v, (a, j) => r(a + g[j]), add);
      for (let j = base; j < base + n; j++) gi[j] = k.fma(-k.vexp(y[j]), s, g[j]);
    } else {
      const s = reduceRow(k, g, base, n, (v, j) => r(v * y[j]), (a, j) => k.fma(g[j], y[j], a), add);
      for (let j = base; j < base + n; j++) gi[j] = r(r(g[j] - s) * y[j]);
    }
  }
}

/** Layout of a softmax along a middle dimension: [outer, dim, inner], contiguous. */
export interface Middle {
  outer: number;
  dim: number;
  inner: number;
}

/** True for the inner positions that PyTorch's loop takes a vector of lanes at a time. */
function vectorised(k: Arith, inner: number, i: number): boolean {
  return i - (i % k.lanes) + k.lanes <= inner;
}

/** Softmax (_vec_softmax) or log-softmax (_vec_logsoftmax) along a dimension that is not the last. */
export function middleForward(k: Arith, x: Storage, out: Storage, m: Middle, log: boolean): void {
  const { r } = k;
  const { dim: D, inner: I } = m;
  for (let a = 0; a < m.outer; a++) {
    for (let i = 0; i < I; i++) {
      const base = a * D * I + i;
      const vec = vectorised(k, I, i);
      const exp = vec ? k.vexp : k.cexp;
      if (log) {
        // max from -inf by `v > max` (NaN inputs are passed over), sums from 0
        let mx = -Infinity;
        for (let d = 0; d < D; d++) if (x[base + d * I] > mx) mx = x[base + d * I];
        let s = 0;
        for (let d = 0; d < D; d++) s = r(s + exp(r(x[base + d * I] - mx)));
        const ls = k.vlog(s);
        for (let d = 0; d < D; d++) out[base + d * I] = r(r(x[base + d * I] - mx) - ls);
      } else {
        let mx = x[base];
        for (let d = 1; d < D; d++) {
          const v = x[base + d * I];
          mx = vec ? vmax(mx, v) : mx < v ? v : mx;
        }
        let s = 0;
        for (let d = 0; d < D; d++) {
          const e = exp(r(x[base + d * I] - mx));
          out[base + d * I] = e;
          s = r(s + e);
        }
        for (let d = 0; d < D; d++) out[base + d * I] = r(out[base + d * I] / s);
      }
    }
  }
}

/** The gradient along a middle dimension, the sums accumulated down the dimension at each position. */
export function middleBackward(k: Arith, g: Storage, y: Storage, gi: Storage, m: Middle, log: boolean): void {
  const { r } = k;
  const { dim: D, inner: I } = m;
  for (let a = 0; a < m.outer; a++) {
    for (let i = 0; i < I; i++) {
      const base = a * D * I + i;
      let s = 0;
      if (log) {
        for (let d = 0; d < D; d++) s = r(s + g[base + d * I]);
        const exp = vectorised(k, I, i) ? k.vexp : k.cexp;
        for (let d = 0; d < D; d++) gi[base + d * I] = k.fma(-exp(y[base + d * I]), s, g[base + d * I]);
      } else {
        for (let d = 0; d < D; d++) s = k.fma(g[base + d * I], y[base + d * I], s);
        for (let d = 0; d < D; d++) gi[base + d * I] = r(y[base + d * I] * r(g[base + d * I] - s));
      }
    }
  }
}
