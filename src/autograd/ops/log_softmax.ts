// log_softmax over a dim (LogSoftmaxBackward0), as PyTorch 1.13's CPU kernels compute it: along the last
// dim the row kernel (vec::reduce_all maximum, map_reduce_all of SLEEF's exp(x - max), SLEEF's log of the
// sums, then x - max - logsum); along another dim a kernel vectorised over the inner positions (SLEEF's
// exp and log) with a scalar tail (glibc's). Backward: g - exp(y)·Σg.

import { allocStorage, type Storage } from '../../tensor/dtype.js';
import { normalizeDim } from '../../tensor/shape.js';
import { logf } from '../../tensor/sleef.js';
import { logd } from '../../tensor/sleef64.js';
import { Tensor } from '../../tensor/tensor.js';
import { attach, shouldRecord } from '../../tensor/autograd/engine.js';
import { F32, F64, maximum, reduceAll, type Lanes } from './softmax.js';

/** _vec_log_softmax_lastdim over rows of n. */
function logSoftmaxLastDim(X: Storage, out: Storage, rows: number, n: number, k: Lanes, log: (v: number) => number): void {
  const add = (a: number, b: number): number => k.r(a + b);
  for (let row = 0; row < rows; row++) {
    const off = row * n;
    const max = reduceAll(n, (i) => X[off + i], maximum, k);
    const logSum = log(reduceAll(n, (i) => k.exp(k.r(X[off + i] - max)), add, k));
    for (let i = 0; i < n; i++) out[off + i] = k.r(k.r(X[off + i] - max) - logSum);
  }
}

/** One inner position: a vector lane (maximum, SLEEF's exp and log) or the scalar tail (std::max, glibc's exp, std::log). */
function logSoftmaxColumn(X: Storage, out: Storage, base: number, stride: number, n: number, k: Lanes, vector: boolean, log: (v: number) => number): void {
  let max = X[base];
  for (let d = 1; d < n; d++) {
    const v = X[base + d * stride];
    max = vector ? maximum(max, v) : max < v ? v : max;
  }
  let sum = 0;
  for (let d = 0; d < n; d++) sum = k.r(sum + (vector ? k.exp : k.expTail)(k.r(X[base + d * stride] - max)));
  // NOTE: the scalar tail's float64 log is glibc's in PyTorch, Math.log here (a last-bit difference now and then)
  const logSum = vector ? log(sum) : k.r(Math.log(sum));
  for (let d = 0; d < n; d++) out[base + d * stride] = k.r(k.r(X[base + d * stride] - max) - logSum);
}

/** Along another dim: inner positions in runs of a vector's width where they fit, the rest one by one (measured). */
function logSoftmaxInner(X: Storage, out: Storage, outer: number, n: number, inner: number, k: Lanes, log: (v: number) => number): void {
  const total = outer * inner;
  const V = k.width;
  let idx = 0;
  while (idx < total) {
    const innerIdx = idx % inner;
    const vector = innerIdx + V <= inner && idx + V <= total;
    const count = vector ? V : idx + V > total ? total - idx : inner - innerIdx;
    for (let j = 0; j < count; j++) {
      const o = Math.floor((idx + j) / inner);
      logSoftmaxColumn(X, out, o * n * inner + ((idx + j) % inner), inner, n, k, vector, log);
    }
    idx += count;
  }
}

/** g - exp(y)·Σg (product and difference fused) for one position's n values at base + d·stride. */
function backwardColumn(G: Storage, Y: Storage, gx: Storage, base: number, stride: number, n: number, k: Lanes, exp: (v: number) => number, sum: number): void {
  for (let d = 0; d < n; d++) {
    const at = base + d * stride;
    gx[at] = k.fma(-exp(Y[at]), sum, G[at]);
  }
}

/** Backward: along the last dim Σg by vec::reduce_all and SLEEF's exp; else per position, vector lanes and tail as forward. */
function logSoftmaxBackward(G: Storage, Y: Storage, gx: Storage, outer: number, n: number, inner: number, lastDim: boolean, k: Lanes): void {
  const add = (a: number, b: number): number => k.r(a + b);
  if (lastDim) {
    for (let row = 0; row < outer; row++) backwardColumn(G, Y, gx, row * n, 1, n, k, k.exp, reduceAll(n, (d) => G[row * n + d], add, k));
    return;
  }
  const total = outer * inner;
  const V = k.width;
  let idx = 0;
  while (idx < total) {
    const innerIdx = idx % inner;
    const vector = innerIdx + V <= inner && idx + V <= total;
    const count = vector ? V : idx + V > total ? total - idx : inner - innerIdx;
    for (let j = 0; j < count; j++) {
      const base = Math.floor((idx + j) / inner) * n * inner + ((idx + j) % inner);
      let sum = 0;
      for (let d = 0; d < n; d++) sum = k.r(sum + G[base + d * inner]);
      backwardColumn(G, Y, gx, base, inner, n, k, vector ? k.exp : k.expTail, sum);
    }
    idx += count;
  }
}

/** `torch.log_softmax(input, dim)` / `x.log_softmax(dim)` / `F.log_softmax(input, dim)`. */
export function log_softmax(input: Tensor, dim: number): Tensor {
  const ndim = Math.max(input.ndim, 1);
  const d = normalizeDim(dim, input.ndim);
  const shape = input.ndim === 0 ? [1] : input.shape;
  const n = shape[d];
  let inner = 1;
  for (let i = d + 1; i < ndim; i++) inner *= shape[i];
  const outer = n === 0 || inner === 0 ? 0 : input.numel() / (n * inner);
  const float32 = input.dtype === 'float32';
  const k = float32 ? F32 : F64;
  const X = input._data;
  const out = allocStorage(input.dtype, X.length);
  const lastDim = d === ndim - 1;
  if (X.length > 0) {
    if (lastDim) logSoftmaxLastDim(X, out, outer, n, k, float32 ? logf : logd);
    else logSoftmaxInner(X, out, outer, n, inner, k, float32 ? logf : logd);
  }
  const result = new Tensor(out, input.shape);
  if (!shouldRecord(input)) return result;
  return attach(
    result,
    'LogSoftmaxBackward0',
    [input],
    (g) => {
      const gx = allocStorage(input.dtype, g.length);
      if (g.length > 0) logSoftmaxBackward(g, out, gx, outer, n, inner, lastDim, k);
      return [gx];
    },
    [result],
  );
}
