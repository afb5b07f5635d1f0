// fit()'s fused step for the tutorial's model: nn.Linear + nn.MSELoss, forward and backward computed
// directly with the very kernels the autograd ops run (linearForward, mseLossValue, mseInputGrad,
// linearWeightGrad, sumRows), in the same order, so parameters and losses are bit-identical to the
// graph path; what it saves is building and walking a graph, which dominates small batches and
// the first, not yet optimised, steps of a short run. Anything else goes through the graph.

import { is_grad_enabled } from '../autograd/grad_mode.js';
import { linearForward, linearWeightGrad, mseInputGrad, mseLossValue, sumRows } from '../autograd/ops/nn.js';
import { fusedStepsEnabled } from '../kernels/select.js';
import { Linear } from '../nn/linear.js';
import { MSELoss } from '../nn/loss.js';
import type { Module } from '../nn/module.js';
import type { Storage } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';

/** The root gradient of a scalar loss: backward() starts from ones. */
const ONE = { float32: Float32Array.of(1), float64: Float64Array.of(1) };

interface Pending {
  X: Storage;
  T: Storage;
  out: Storage;
  rows: number;
}

export class FusedLinearMse {
  private readonly model: Linear;
  private readonly reduction: 'mean' | 'sum';
  private pending: Pending | null = null;

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

  /**
   * The loss of batch (x, y), or null when the batch needs the graph (other shapes, mixed dtypes,
   * inputs that require grad, parameters that do not, grad mode off). Does not touch any `.grad`.
   */
  forward(x: Tensor, y: Tensor): number | null {
    this.pending = null;
    const { weight, bias, in_features: inF, out_features: outF } = this.model;
    const dtype = weight.dtype;
    if (!is_grad_enabled() || !weight.requires_grad || (bias !== null && (!bias.requires_grad || bias.dtype !== dtype))) return null;
    if (x.ndim !== 2 || x.shape[1] !== inF || x.dtype !== dtype || x.requires_grad) return null;
    const rows = x.shape[0];
    // the graph path reshapes a target with the prediction's number of elements (fit's alignTarget)
    if (y.numel() !== rows * outF || y.dtype !== dtype || y.requires_grad || rows === 0) return null;
    const out = linearForward(x._data, weight._data, bias === null ? null : bias._data, rows, inF, outF, dtype);
    this.pending = { X: x._data, T: y._data, out, rows };
    return mseLossValue(out, y._data, rows * outF, this.reduction, dtype);
  }

  /** The gradients of the last forward(), accumulated into weight.grad and bias.grad as backward() would. */
  backward(): void {
    const p = this.pending;
    if (p === null) throw new Error('FusedLinearMse.backward() without a forward()');
    this.pending = null;
    const { weight, bias, in_features: inF, out_features: outF } = this.model;
    const dtype = weight.dtype;
    const n = p.rows * outF;
    const gOut = mseInputGrad(p.out, null, p.T, null, n, this.reduction, ONE[dtype], dtype);
    weight._accumulateGrad(linearWeightGrad(gOut, p.X, p.rows, inF, outF, dtype));
    if (bias !== null) bias._accumulateGrad(sumRows(gOut, p.rows, outF, dtype));
  }
}

/** `value` is an instance of exactly `cls` (not a subclass) whose `forward` is not replaced on the instance. */
function isExactly(value: unknown, cls: { prototype: object }): boolean {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === cls.prototype && !Object.hasOwn(value, 'forward');
}
