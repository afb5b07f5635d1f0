// softmax over a dim (SoftmaxBackward0), as PyTorch 1.13's CPU kernels compute it: along the last dim
// the vectorised row kernel (vec::reduce_all maxima and sums in AVX2 lane order, SLEEF's exp, a multiply
// by 1/sum); along another dim the kernel vectorised over the inner positions (8 float or 4 double lanes,
// a division by the sum) with a scalar tail calling glibc's exp. Backward: along the last dim the row
// kernel (map2_reduce_all of g·y, then (g - sum)·y), else a per-position loop of fused multiply-adds.

import { RuntimeError } from '../../errors.js';
import { allocStorage, type Storage } from '../../tensor/dtype.js';
import { exp as glibcExp } from '../../tensor/glibc_exp.js';
import { expf as glibcExpf } from '../../tensor/glibcf.js';
import { normalizeDim } from '../../tensor/shape.js';
import { expf, fma, fmaf } from '../../tensor/sleef.js';
import { expd } from '../../tensor/sleef64.js';
import { Tensor } from '../../tensor/tensor.js';
import { attach, shouldRecord } from '../../tensor/autograd/engine.js';

const fr = Math.fround;
const same = (v: number): number => v;

/** Vectorized<float/double>::maximum: NaN when either is; _mm256_max's second operand when equal. */
export const maximum = (a: number, b: number): number => (a !== a || b !== b ? NaN : a > b ? a : b);

export interface Lanes {
  width: number;
  r: (v: number) => number;
  fma: (a: number, b: number, c: number) => number;
  exp: (v: number) => number;
  expTail: (v: number) => number;
}

export const F32: Lanes = { width: 8, r: fr, fma: fmaf, exp: expf, expTail: glibcExpf };
export const F64: Lanes = { width: 4, r: same, fma, exp: expd, expTail: glibcExp };

/** vec_reduce_all over one vector: the AVX2 float shuffle tree, or the double lanes in order. */
function reduceLanes(acc: number[], op: (a: number, b: number) => number, k: Lanes): number {
  if (k.width === 4) return op(op(op(acc[0], acc[1]), acc[2]), acc[3]);
  const w = [0, 1, 2, 3].map((l) => op(acc[l], acc[l + 4]));
  return op(op(w[0], w[2]), op(w[1], w[3]));
}

/** vec::reduce_all(op) over n values at data[off + i·stride] (map applied to each first). */
export function reduceAll(n: number, at: (i: number) => number, op: (a: number, b: number) => number, k: Lanes, accumulate?: (acc: number, i: number) => number): number {
  const V = k.width;
  if (n < V) {
    let acc = at(0);
    for (let i = 1; i < n; i++) acc = op(acc, at(i));
    return acc;
  }
  const acc = Array.from({ length: V }, (_, l) => at(l));
  const step = accumulate ?? ((a: number, i: number) => op(a, at(i)));
  let d = V;
  for (; d < n - (n % V); d += V) for (let l = 0; l < V; l++) acc[l] = step(acc[l], d + l);
  for (let l = 0; l < n - d; l++) acc[l] = step(acc[l], d + l);
  return reduceLanes(acc, op, k);
}

/** _vec_softmax_lastdim over rows of n. */
function softmaxLastDim(X: Storage, out: Storage, rows: number, n: number, k: Lanes): void {
  const add = (a: number, b: number): number => k.r(a + b);
  for (let row = 0; row < rows; row++) {
    const off = row * n;
    const max = reduceAll(n, (i) => X[off + i], maximum, k);
    for (let i = 0; i < n; i++) out[off + i] = k.exp(k.r(X[off + i] - max));
    const inv = k.r(1 / reduceAll(n, (i) => out[off + i], add, k));
    for (let i = 0; i < n; i++) out[off + i] = k.r(out[off + i] * inv);
  }
}

/** One inner position of _vec_softmax: a vector lane (maximum, SLEEF's exp) or the scalar tail (std::max, glibc's exp). */
function softmaxColumn(X: Storage, out: Storage, base: number, stride: number, n: number, k: Lanes, vector: boolean): void {
  let max = X[base];
  for (let d = 1; d < n; d++) {
    const v = X[base + d * stride];
    max = vector ? maximum(max, v) : max < v ? v : max;
  }
  let sum = 0;
  for (let d = 0; d < n; d++) {
    const e = (vector ? k.exp : k.expTail)(k.r(X[base + d * stride] - max));
    out[base + d * stride] = e;
    sum = k.r(sum + e);
  }
  for (let d = 0; d < n; d++) out[base + d * stride] = k.r(out[base + d * stride] / sum);
}

/** _vec_softmax: inner positions in runs of a vector's width where they fit, the rest one by one. */
function softmaxInner(X: Storage, out: Storage, outer: number, n: number, inner: number, k: Lanes): void {
  const total = outer * inner;
  const V = k.width;
  let idx = 0;
  while (idx < total) {
    const innerIdx = idx % inner;
    const vector = innerIdx + V <= inner && idx + V <= total;
    const count = vector ? V : idx + V > total ? total - idx : inner - innerIdx;
    for (let j = 0; j < count; j++) {
      const o = Math.floor((idx + j) / inner);
      softmaxColumn(X, out, o * n * inner + ((idx + j) % inner), inner, n, k, vector);
    }
    idx += count;
  }
}

/** _vec_host_softmax_backward_lastdim: sum = Σ g·y (the loop's a + g·y fused), then (g - sum)·y. */
function backwardLastDim(G: Storage, Y: Storage, gx: Storage, rows: number, n: number, k: Lanes): void {
  const add = (a: number, b: number): number => k.r(a + b);
  for (let row = 0; row < rows; row++) {
    const off = row * n;
    const product = (i: number): number => k.r(G[off + i] * Y[off + i]);
    const sum = reduceAll(n, product, add, k, (acc, i) => k.fma(G[off + i], Y[off + i], acc));
    for (let i = 0; i < n; i++) gx[off + i] = k.r(k.r(G[off + i] - sum) * Y[off + i]);
  }
}

/** Along another dim: sum = Σ g·y in the dtype, each step one fused multiply-add (measured), then (g - sum)·y. */
function backwardInner(G: Storage, Y: Storage, gx: Storage, outer: number, n: number, inner: number, k: Lanes): void {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const base = o * n * inner + j;
      let sum = 0;
      for (let d = 0; d < n; d++) sum = k.fma(G[base + d * inner], Y[base + d * inner], sum);
      for (let d = 0; d < n; d++) gx[base + d * inner] = k.r(k.r(G[base + d * inner] - sum) * Y[base + d * inner]);
    }
  }
}

/** `torch.softmax(input, dim)` / `x.softmax(dim)` / `F.softmax(input, dim)`. */
export function softmax(input: Tensor, dim: number): Tensor {
  if (typeof dim !== 'number') throw new RuntimeError('softmax(): argument dim must be an int');
  const ndim = Math.max(input.ndim, 1);
  const d = normalizeDim(dim, input.ndim);
  const shape = input.ndim === 0 ? [1] : input.shape;
  const n = shape[d];
  let inner = 1;
  for (let i = d + 1; i < ndim; i++) inner *= shape[i];
  const outer = n === 0 || inner === 0 ? 0 : input.numel() / (n * inner);
  const k = input.dtype === 'float32' ? F32 : F64;
  const X = input._data;
  const out = allocStorage(input.dtype, X.length);
  const lastDim = d === ndim - 1;
  if (X.length > 0) {
    if (lastDim) softmaxLastDim(X, out, outer, n, k);
    else softmaxInner(X, out, outer, n, inner, k);
  }
  const result = new Tensor(out, input.shape);
  if (!shouldRecord(input)) return result;
  return attach(
    result,
    'SoftmaxBackward0',
    [input],
    (g) => {
      const gx = allocStorage(input.dtype, g.length);
      if (g.length > 0) {
        if (lastDim) backwardLastDim(g, out, gx, outer, n, k);
        else backwardInner(g, out, gx, outer, n, inner, k);
      }
      return [gx];
    },
    [result],
  );
}
