// The fused Linear (one output) + MSELoss forward and backward on rows picked by index straight from the
// dataset, without gathering a batch first: each row is read from memory once and used from cache by
// both the prediction and the weight gradient.
//
// NOTE: bit-identical to the graph path only because every sum is formed in the order of the kernels that
// path runs: the prediction in gemmDot's order (four partial sums over p mod 4, the tail into the first,
// then (s0 + s1) + (s2 + s3)), stored, then the bias added and stored; the loss summed over rows in order;
// the weight gradient in gemmRows' order (rows in fours, ((g0·x0 + g1·x1) + (g2·x2 + g3·x3)) added to a
// float64 row, the remaining rows one at a time); the bias gradient summed over rows in order, as sumRows.
// The stores into `pred`, `grad`, `gw` and `gb` round exactly where the graph path's storages do.
// test/train/fused.test.ts compares the two paths bit for bit.

import type { Storage } from '../tensor/dtype.js';
import { OUT_OF_CACHE_BYTES, touchRows } from './touch_rows.js';

/** One batch: rows `order[start..end)` of X [N, inF] and of the targets Y [N]. */
export interface RowBatch {
  X: Storage;
  Y: Storage;
  order: ArrayLike<number>;
  start: number;
  end: number;
}

/*
 * NOTE: each function below ends with its hot loop. V8 compiles a long-running loop on the fly (OSR);
 * code placed after the loop then has no type feedback yet in that compiled code, which was thrown away
 * at every call (~150 deoptimisations in a 200,000-row run) when the loss was divided after the loop.
 */

/** pred[r] = x_r · w + b for each row of the batch; returns Σ (pred - y)² (the caller divides for 'mean'). */
export function forwardRows(rb: RowBatch, inF: number, W: Storage, B: Storage | null, pred: Storage): number {
  const { X, Y, order, start, end } = rb;
  if (X.byteLength > OUT_OF_CACHE_BYTES) touchRows(X, order, start, end, inF);
  const k4 = inF - (inF % 4);
  let loss = 0;
  for (let r = 0; r < end - start; r++) {
    const i = order[start + r];
    const f = i * inF;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let p = 0;
    for (; p < k4; p += 4) {
      s0 += X[f + p] * W[p];
      s1 += X[f + p + 1] * W[p + 1];
      s2 += X[f + p + 2] * W[p + 2];
      s3 += X[f + p + 3] * W[p + 3];
    }
    for (; p < inF; p++) s0 += X[f + p] * W[p];
    pred[r] = s0 + s1 + (s2 + s3);
    if (B !== null) pred[r] += B[0];
    const d = pred[r] - Y[i];
    loss += d * d;
  }
  return loss;
}

/**
 * The gradients of forwardRows' loss: grad[r] = norm·(pred[r] - y), gw = Σ_r grad[r]·x_r into `gw`
 * (through the float64 `acc`), and Σ_r grad[r] returned (the bias gradient before it is stored).
 */
export function backwardRows(rb: RowBatch, inF: number, pred: Storage, grad: Storage, norm: number, acc: Float64Array, gw: Storage): number {
  const gb = outputGradients(rb, pred, grad, norm);
  acc.fill(0);
  const n = rb.end - rb.start;
  const n4 = n - (n % 4);
  accumulateFours(rb, inF, grad, n4, acc);
  accumulateRest(rb, inF, grad, n4, acc);
  gw.set(acc);
  return gb;
}

/** grad[r] = norm·(pred[r] - y_r); returns Σ grad[r] in row order. */
function outputGradients(rb: RowBatch, pred: Storage, grad: Storage, norm: number): number {
  const { Y, order, start } = rb;
  let gb = 0;
  for (let r = 0; r < rb.end - start; r++) {
    grad[r] = norm * (pred[r] - Y[order[start + r]]);
    gb += grad[r];
  }
  return gb;
}

/** acc += Σ over rows [0, n4), in fours, of ((g0·x0 + g1·x1) + (g2·x2 + g3·x3)): gemmRows' order. */
function accumulateFours(rb: RowBatch, inF: number, grad: Storage, n4: number, acc: Float64Array): void {
  const { X, order, start } = rb;
  for (let r = 0; r < n4; r += 4) {
    const a0 = grad[r];
    const a1 = grad[r + 1];
    const a2 = grad[r + 2];
    const a3 = grad[r + 3];
    const f0 = order[start + r] * inF;
    const f1 = order[start + r + 1] * inF;
    const f2 = order[start + r + 2] * inF;
    const f3 = order[start + r + 3] * inF;
    for (let j = 0; j < inF; j++) acc[j] += a0 * X[f0 + j] + a1 * X[f1 + j] + (a2 * X[f2 + j] + a3 * X[f3 + j]);
  }
}

/** acc += g·x for the rows from n4 on, one at a time (gemmRows' tail). */
function accumulateRest(rb: RowBatch, inF: number, grad: Storage, n4: number, acc: Float64Array): void {
  const { X, order, start } = rb;
  for (let r = n4; r < rb.end - start; r++) {
    const a = grad[r];
    const f = order[start + r] * inF;
    for (let j = 0; j < inF; j++) acc[j] += a * X[f + j];
  }
}
