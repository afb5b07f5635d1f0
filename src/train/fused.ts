// fit()'s fused step for the tutorial's model: nn.Linear + nn.MSELoss, forward and backward computed
// directly with the very kernels the autograd ops run (linearForward, mseLossValue, mseInputGrad,
// linearWeightGrad, sumRows), in the same order, so parameters and losses are bit-identical to the
// graph path; what it saves is building and walking a graph, which dominates small batches and
// the first, not yet optimised, steps of a short run. forwardRows() does the same on rows of the
// dataset read in place (kernels/linear_mse_rows.ts, which sums in those kernels' order), or, for a
// float32 dataset in the shared memory, by the wasm kernels of kernels/linear_mse_shared.ts (the same
// order again, on one or two threads; they compute the gradients in the forward pass, backward() takes them). Which of these runs, and when the graph does instead, is decided
// in fast_path.ts.

import { is_grad_enabled } from '../tensor/autograd/grad_mode.js';
import { RuntimeError } from '../errors.js';
import { linearForward, linearWeightGrad, mseInputGrad, mseLossValue, sumRows } from '../autograd/ops/nn.js';
import type { Linear } from '../nn/linear.js';
import { allocStorage, type Storage } from '../tensor/dtype.js';
import type { IndexBatch } from '../data/dataset.js';
import { backwardRows, forwardRows, type RowBatch } from '../kernels/linear_mse_rows.js';
import { backwardShared, forwardShared } from '../kernels/linear_mse_shared.js';
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
  readonly model: Linear;
  private readonly reduction: 'mean' | 'sum';
  private pending: Pending | null = null;
  private pendingRows: RowBatch | null = null;
  /** Whether pendingRows went through the shared-memory kernels. */
  private pendingShared = false;
  private buffers: RowBuffers | null = null;

  /** Made by fast_path.ts's chooseFusedStep, which checks that the model and loss are exactly these. */
  constructor(model: Linear, reduction: 'mean' | 'sum') {
    this.model = model;
    this.reduction = reduction;
  }

  /** Whether the parameters are as the fused kernels expect (both require grad, one dtype) and grad mode is on. */
  private paramsReady(): boolean {
    const { weight, bias } = this.model;
    return is_grad_enabled() && weight.requires_grad && (bias === null || (bias.requires_grad && bias._dtype === weight._dtype));
  }

  /**
   * The loss of batch (x, y), or null when the batch needs the graph (other shapes, mixed dtypes,
   * inputs that require grad, parameters that do not, grad mode off). Does not touch any `.grad`.
   */
  forward(x: Tensor, y: Tensor): number | null {
    this.pending = null;
    this.pendingRows = null;
    const { weight, bias, in_features: inF, out_features: outF } = this.model;
    const dtype = weight._dtype;
    if (!this.paramsReady() || !this.fits(x, y) || x._shape[0] === 0) return null;
    const rows = x._shape[0];
    const out = linearForward(x._data, weight._data, bias === null ? null : bias._data, rows, inF, outF, dtype);
    this.pending = { X: x._data, T: y._data, out, rows };
    return mseLossValue(out, y._data, rows * outF, this.reduction, dtype);
  }

  /**
   * x is [rows, in] and y has rows × out elements (the graph path reshapes such a target to the
   * prediction's shape: fit's alignTarget), both of the parameters' dtype and neither requiring grad.
   */
  fits(x: Tensor, y: Tensor): boolean {
    const { weight, in_features: inF, out_features: outF } = this.model;
    const dtype = weight._dtype;
    if (x.ndim !== 2 || x._shape[1] !== inF || x._dtype !== dtype || x.requires_grad) return false;
    return y.numel() === x._shape[0] * outF && y._dtype === dtype && !y.requires_grad;
  }

  /**
   * forward() on rows `order[start..end)` of (X, Y), read in place ((X, Y) as fast_path.ts's rowsTake
   * accepts them), by the shared-memory wasm kernels when `shared` (fast_path.ts's sharedTakes).
   */
  forwardRows(X: Tensor, Y: Tensor, batch: IndexBatch, shared: boolean): number | null {
    this.pending = null;
    this.pendingRows = null;
    if (!this.paramsReady() || batch.end <= batch.start) return null;
    const { weight, bias } = this.model;
    const n = batch.end - batch.start;
    const b = this.rowBuffers(n);
    const rb: RowBatch = { X: X._data, Y: Y._data, order: batch.order, start: batch.start, end: batch.end };
    const B = bias === null ? null : bias._data;
    const norm = this.reduction === 'mean' ? 2 / n : 2; // as mseInputGrad
    const sharedSum = shared ? forwardShared(rb, this.model.in_features, weight._data, B, norm) : null;
    this.pendingShared = sharedSum !== null;
    const sum = sharedSum ?? forwardRows(rb, this.model.in_features, weight._data, B, b.pred);
    b.scalar[0] = this.reduction === 'mean' ? sum / (batch.end - batch.start) : sum; // as mse_loss's 'mean' (reduceSquaredErrors)
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
    const dtype = weight._dtype;
    const n = p.rows * outF;
    const gOut = mseInputGrad(p.out, null, p.T, null, n, this.reduction, ONE[dtype as 'float32' | 'float64'], dtype);
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
    b.scalar[0] = this.pendingShared ? backwardShared(inF, b.gw) : backwardRows(rb, inF, b.pred, b.grad, norm, b.acc, b.gw);
    weight._accumulateGrad(b.gw);
    if (bias !== null) bias._accumulateGrad(b.scalar);
  }

  private rowBuffers(rows: number): RowBuffers {
    const dtype = this.model.weight._dtype;
    const inF = this.model.in_features;
    if (this.buffers === null || this.buffers.pred.length < rows) {
      // acc: the weight gradient's float64 sums, or with one feature the column of x values (backwardRows)
      this.buffers = { pred: allocStorage(dtype, rows), grad: allocStorage(dtype, rows), acc: new Float64Array(Math.max(inF, rows)), gw: allocStorage(dtype, inF), scalar: allocStorage(dtype, 1) };
    }
    return this.buffers;
  }
}
