// fit()'s fused step for the tutorial's model: nn.Linear + nn.MSELoss, forward and backward computed
// directly with the very kernels the autograd ops run (linearForward, mseLossValue, mseInputGrad,
// linearWeightGrad, sumRows), in the same order, so parameters and losses are bit-identical to the
// graph path; what it saves is building and walking a graph, which dominates small batches and
// the first, not yet optimised, steps of a short run. forwardRows() does the same on rows of the
// dataset read in place (kernels/linear_mse_rows.ts, which sums in those kernels' order), or, for a
// float32 dataset in the shared memory, by the wasm kernels of kernels/linear_mse_shared.ts (the same
// order again, on one or two threads). Anything else goes through the graph.

import { is_grad_enabled } from '../tensor/autograd/grad_mode.js';
import { RuntimeError } from '../errors.js';
import { linearForward, linearWeightGrad, mseInputGrad, mseLossValue, sumRows } from '../autograd/ops/nn.js';
import { simdTakes } from '../kernels/gemm.js';
import { fusedStepsEnabled } from '../kernels/select.js';
import { Linear } from '../nn/linear.js';
import { MSELoss } from '../nn/loss.js';
import type { Module } from '../nn/module.js';
import { allocStorage, type Storage } from '../tensor/dtype.js';
import type { IndexBatch } from '../data/dataset.js';
import { backwardRows, forwardRows, type RowBatch } from '../kernels/linear_mse_rows.js';
import { backwardShared, forwardShared, sharedRowsApply } from '../kernels/linear_mse_shared.js';
import type { Tensor } from '../tensor/tensor.js';

/** The root gradient of a scalar loss: backward() starts from ones. */
const ONE = { float32: Float32Array.of(1), float64: Float64Array.of(1) };

/** The last forward() on a gathered batch, for backward(). */
interface Pending {
  X: Storage;
  T: Storage;
  out: Storage;
  rows: number;
}

/** Buffers of the row-indexed kernels, allocated once per fit and reused by every batch. */
interface RowBuffers {
  pred: Storage;
  grad: Storage;
  acc: Float64Array;
  gw: Storage;
  scalar: Storage;
}

export class FusedLinearMse {
  private readonly model: Linear;
  private readonly reduction: 'mean' | 'sum';
  private pending: Pending | null = null;
  private pendingRows: RowBatch | null = null;
  /** Whether pendingRows went through the shared-memory kernels. */
  private pendingShared = false;
  private buffers: RowBuffers | null = null;

  private constructor(model: Linear, reduction: 'mean' | 'sum') {
    this.model = model;
    this.reduction = reduction;
  }

  /** The fused step for exactly nn.Linear with nn.MSELoss ('mean' or 'sum'), neither subclassed nor patched; else null. */
  static for(model: Module, loss_fn: unknown): FusedLinearMse | null {
    if (!fusedStepsEnabled() || !isExactly(model, Linear) || !isExactly(loss_fn, MSELoss)) return null;
    const reduction = (loss_fn as MSELoss).reduction;
    return reduction === 'none' ? null : new FusedLinearMse(model as Linear, reduction);
  }

  /** Whether the parameters are as the fused kernels expect (both require grad, one dtype) and grad mode is on. */
  private paramsReady(): boolean {
    const { weight, bias } = this.model;
    return is_grad_enabled() && weight.requires_grad && (bias === null || (bias.requires_grad && bias.dtype === weight.dtype));
  }

  /**
   * The loss of batch (x, y), or null when the batch needs the graph (other shapes, mixed dtypes,
   * inputs that require grad, parameters that do not, grad mode off). Does not touch any `.grad`.
   */
  forward(x: Tensor, y: Tensor): number | null {
    this.pending = null;
    this.pendingRows = null;
    const { weight, bias, in_features: inF, out_features: outF } = this.model;
    const dtype = weight.dtype;
    if (!this.paramsReady() || !this.fits(x, y) || x.shape[0] === 0) return null;
    const rows = x.shape[0];
    const out = linearForward(x._data, weight._data, bias === null ? null : bias._data, rows, inF, outF, dtype);
    this.pending = { X: x._data, T: y._data, out, rows };
    return mseLossValue(out, y._data, rows * outF, this.reduction, dtype);
  }

  /**
   * Whether forwardRows() should train on the rows of (X, Y) directly, for batches of `batchSize`: one
   * output, X [N, in]
   * and Y [N] or [N, 1] of the parameters' dtype, neither requiring grad; and batches too small for the
   * SIMD kernels, which on a gathered batch are faster than the JavaScript row kernels (measured: W2's
   * 64×10 batches ~1.2× faster in place, W3's 1024×100 ~1.3× faster gathered), unless X is in the
   * shared memory, where wasm kernels read rows in place (W3: ~3× faster than gathering on the heap).
   */
  acceptsRows(X: Tensor, Y: Tensor, batchSize: number): boolean {
    const { weight, in_features: inF, out_features: outF } = this.model;
    if (outF !== 1 || !this.fits(X, Y)) return false;
    // a batch's forward product is batchSize × inF multiply-adds
    return !(weight.dtype === 'float32' && simdTakes(batchSize * inF)) || sharedRowsApply(X._data);
  }

  /** Whether a batch of `rows` rows of X goes to the shared-memory kernels (large enough for SIMD). */
  private sharedTakes(X: Tensor, rows: number): boolean {
    return simdTakes(rows * this.model.in_features) && sharedRowsApply(X._data);
  }

  /**
   * x is [rows, in] and y has rows × out elements (the graph path reshapes such a target to the
   * prediction's shape: fit's alignTarget), both of the parameters' dtype and neither requiring grad.
   */
  private fits(x: Tensor, y: Tensor): boolean {
    const { weight, in_features: inF, out_features: outF } = this.model;
    const dtype = weight.dtype;
    if (x.ndim !== 2 || x.shape[1] !== inF || x.dtype !== dtype || x.requires_grad) return false;
    return y.numel() === x.shape[0] * outF && y.dtype === dtype && !y.requires_grad;
  }

  /** forward() on rows `order[start..end)` of (X, Y), read in place; (X, Y) must be accepted by acceptsRows. */
  forwardRows(X: Tensor, Y: Tensor, batch: IndexBatch): number | null {
    this.pending = null;
    this.pendingRows = null;
    if (!this.paramsReady() || batch.end <= batch.start) return null;
    const { weight, bias } = this.model;
    const n = batch.end - batch.start;
    const b = this.rowBuffers(n);
    const rb: RowBatch = { X: X._data, Y: Y._data, order: batch.order, start: batch.start, end: batch.end };
    const B = bias === null ? null : bias._data;
    const shared = this.sharedTakes(X, n) ? forwardShared(rb, this.model.in_features, weight._data, B, X._version.value) : null;
    this.pendingShared = shared !== null;
    const sum = shared ?? forwardRows(rb, this.model.in_features, weight._data, B, b.pred);
    b.scalar[0] = this.reduction === 'mean' ? sum / (batch.end - batch.start) : sum; // as sumSquaredErrors
    this.pendingRows = rb;
    return b.scalar[0];
  }

  /** The gradients of the last forward() or forwardRows(), accumulated into weight.grad and bias.grad as backward() would. */
  backward(): void {
    if (this.pendingRows !== null) return this.backwardRows(this.pendingRows);
    const p = this.pending;
    if (p === null) throw new RuntimeError('FusedLinearMse.backward() without a forward()');
    this.pending = null;
    const { weight, bias, in_features: inF, out_features: outF } = this.model;
    const dtype = weight.dtype;
    const n = p.rows * outF;
    const gOut = mseInputGrad(p.out, null, p.T, null, n, this.reduction, ONE[dtype], dtype);
    weight._accumulateGrad(linearWeightGrad(gOut, p.X, p.rows, inF, outF, dtype));
    if (bias !== null) bias._accumulateGrad(sumRows(gOut, p.rows, outF, dtype));
  }

  private backwardRows(rb: RowBatch): void {
    this.pendingRows = null;
    const { weight, bias } = this.model;
    const b = this.buffers as RowBuffers;
    const n = rb.end - rb.start;
    const norm = this.reduction === 'mean' ? 2 / n : 2; // as mseInputGrad
    const inF = this.model.in_features;
    b.scalar[0] = this.pendingShared ? backwardShared(rb, inF, norm, b.gw) : backwardRows(rb, inF, b.pred, b.grad, norm, b.acc, b.gw);
    weight._accumulateGrad(b.gw);
    if (bias !== null) bias._accumulateGrad(b.scalar);
  }

  private rowBuffers(rows: number): RowBuffers {
    const dtype = this.model.weight.dtype;
    const inF = this.model.in_features;
    if (this.buffers === null || this.buffers.pred.length < rows) {
      // acc: the weight gradient's float64 sums, or with one feature the column of x values (backwardRows)
      this.buffers = { pred: allocStorage(dtype, rows), grad: allocStorage(dtype, rows), acc: new Float64Array(Math.max(inF, rows)), gw: allocStorage(dtype, inF), scalar: allocStorage(dtype, 1) };
    }
    return this.buffers;
  }
}

/** `value` is an instance of exactly `cls` (not a subclass) whose `forward` is not replaced on the instance. */
function isExactly(value: unknown, cls: { prototype: object }): boolean {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === cls.prototype && !Object.hasOwn(value, 'forward');
}
