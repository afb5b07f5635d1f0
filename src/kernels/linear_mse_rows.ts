// The fused Linear (one output) + MSELoss forward and backward on rows picked by index straight from the
// dataset, without gathering a batch first: each row is read from memory once and used from cache by
// both the prediction and the weight gradient.
//
// NOTE: bit-identical to the graph path because it forms every sum as that path's kernels do. float32 as
// PyTorch's OpenBLAS does (blas_order.ts): the prediction in addmm's order (per k block of features one
// fused multiply-add chain, added to the bias), the weight gradient in mm's (per k block of rows one chain
// per feature, added to zero), the loss and the bias gradient by the cascade sum (cascade_sum.ts). float64
// through dot.ts's loops (gemmDot's dot4, gemmRows' axpy4 over rows in fours, then axpy), the bias
// gradient over rows in order. The stores into `pred`, `grad` and `gw` round exactly where the graph
// path's storages do. test/train/fused.test.ts compares the two paths bit for bit.

import { cascadeSum1d } from '../tensor/cascade_sum.js';
import { dtypeOf, type Storage } from '../tensor/dtype.js';
import { axpy, axpy4, dot4 } from './dot.js';
import { kBlocks } from './blas_order.js';
import { fma32 } from '../math/fma.js';
import { touchRows } from './touch_rows.js';

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
  predictRows(rb, inF, W, B, pred);
  return sumSquaredErrors(pred, rb.Y, rb.order, rb.start, rb.end - rb.start);
}

/** The squared differences of sumSquaredErrors, each rounded as pred's dtype (reused: a step allocates nothing). */
let squares = new Float64Array(1024);
const keep = (x: number): number => x;

/**
 * Σ_r (pred[r] - y_r)² as mse_loss forms it (autograd/ops/nn.ts): each difference and square rounded as
 * pred's dtype is, then PyTorch's cascade sum (tensor/cascade_sum.ts).
 */
export function sumSquaredErrors(pred: Storage, Y: Storage, order: ArrayLike<number>, start: number, n: number): number {
  const float32 = dtypeOf(pred) === 'float32';
  if (squares.length < n) squares = new Float64Array(Math.max(n, 2 * squares.length));
  const round = float32 ? Math.fround : keep;
  for (let r = 0; r < n; r++) {
    const d = round(pred[r] - Y[order[start + r]]);
    squares[r] = round(d * d);
  }
  return cascadeSum1d(squares, n, float32);
}

function predictRows(rb: RowBatch, inF: number, W: Storage, B: Storage | null, pred: Storage): void {
  const { X, order, start, end } = rb;
  touchRows(X, order, start, end, inF);
  if (dtypeOf(pred) === 'float32') return predictRows32(rb, inF, W, B, pred, kBlocks(end - start, 1, inF));
  for (let r = 0; r < end - start; r++) {
    const i = order[start + r];
    pred[r] = dot4(X, i * inF, W, 0, inF);
    if (B !== null) pred[r] += B[0];
  }
}

/**
 * float32: addmm's order (blas_order.ts): pred[r] starts as the bias (BLAS's C), then each k block's fused
 * multiply-add chain over the features is added to it.
 */
function predictRows32(rb: RowBatch, inF: number, W: Storage, B: Storage | null, pred: Storage, blocks: number[]): void {
  const { X, order, start, end } = rb;
  const b = B === null ? 0 : B[0];
  for (let r = 0; r < end - start; r++) {
    const x = order[start + r] * inF;
    let c = b;
    for (let q = 0, p = 0; q < blocks.length; q++) {
      let acc = 0;
      for (const e = p + blocks[q]; p < e; p++) acc = fma32(X[x + p], W[p], acc);
      c = Math.fround(c + acc);
    }
    pred[r] = c;
  }
}

/**
 * float32: the weight gradient as PyTorch's grad.t().mm(x) sums it (blas_order.ts): per k block (of rows)
 * one fused multiply-add chain per feature, added to gw; the bias gradient is sum_to's cascade.
 */
function backwardRows32(rb: RowBatch, inF: number, pred: Storage, grad: Storage, norm: number, acc: Float64Array, gw: Storage): number {
  const { Y, order, start } = rb;
  const n = rb.end - start;
  for (let r = 0; r < n; r++) grad[r] = norm * (pred[r] - Y[order[start + r]]);
  const blocks = kBlocks(inF === 1 ? 1 : inF, 1, n);
  gw.fill(0, 0, inF);
  for (let q = 0, r0 = 0; q < blocks.length; r0 += blocks[q], q++) {
    acc.fill(0, 0, inF);
    chainRows(rb, inF, grad, r0, r0 + blocks[q], acc);
    for (let j = 0; j < inF; j++) gw[j] = Math.fround(gw[j] + acc[j]);
  }
  return cascadeSum1d(grad, n, true);
}

/** acc[j] = fma(grad[r], x_r[j], acc[j]) for the rows r0..r1 in order. */
function chainRows(rb: RowBatch, inF: number, grad: Storage, r0: number, r1: number, acc: Float64Array): void {
  const { X, order, start } = rb;
  for (let r = r0; r < r1; r++) {
    const x = order[start + r] * inF;
    const g = grad[r];
    for (let j = 0; j < inF; j++) acc[j] = fma32(g, X[x + j], acc[j]);
  }
}

/**
 * The gradients of forwardRows' loss: grad[r] = norm·(pred[r] - y), gw = Σ_r grad[r]·x_r into `gw`
 * (through the float64 `acc`, of max(inF, rows) elements), and Σ_r grad[r] returned (the bias gradient
 * before it is stored).
 */
export function backwardRows(rb: RowBatch, inF: number, pred: Storage, grad: Storage, norm: number, acc: Float64Array, gw: Storage): number {
  if (dtypeOf(pred) === 'float32') return backwardRows32(rb, inF, pred, grad, norm, acc, gw);
  const gb = outputGradients(rb, pred, grad, norm);
  if (inF === 1) {
    // one feature: the graph's product gᵀ·X is then a dot product over the rows (gemmDot's dot4), so
    // the column of x values is gathered into acc and summed by dot4 itself
    const { X, order, start } = rb;
    for (let r = 0; r < rb.end - start; r++) acc[r] = X[order[start + r]];
    gw[0] = dot4(grad, 0, acc, 0, rb.end - start);
    return gb;
  }
  acc.fill(0, 0, inF);
  const n = rb.end - rb.start;
  const n4 = n - (n % 4);
  accumulateFours(rb, inF, grad, n4, acc);
  accumulateRest(rb, inF, grad, n4, acc);
  for (let j = 0; j < inF; j++) gw[j] = acc[j]; // rounded as the graph's storage rounds them
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
    const f0 = order[start + r] * inF;
    const f1 = order[start + r + 1] * inF;
    const f2 = order[start + r + 2] * inF;
    const f3 = order[start + r + 3] * inF;
    axpy4(acc, grad[r], grad[r + 1], grad[r + 2], grad[r + 3], X, f0, f1, f2, f3, inF);
  }
}

/** acc += g·x for the rows from n4 on, one at a time (gemmRows' tail). */
function accumulateRest(rb: RowBatch, inF: number, grad: Storage, n4: number, acc: Float64Array): void {
  const { X, order, start } = rb;
  for (let r = n4; r < rb.end - start; r++) {
    axpy(acc, grad[r], X, order[start + r] * inF, inF);
  }
}
