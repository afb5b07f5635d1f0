// F.nll_loss as PyTorch 1.13's nll_loss_nd dispatches it: 1-d/2-d input to nll_loss (NllLossBackward0),
// 4-d to nll_loss2d (NllLoss2DBackward0), 3-d and above 4-d viewed as [N, C, 1, rest] for nll_loss2d.
// The reductions are aten/src/ATen/native/LossNLL*.cpp's: a cascade of 8 levels of partial sums.
// NOTE: class-index targets are float tensors holding integers (the library has no int64 dtype).

import { IndexError, RuntimeError, ValueError } from '../../errors.js';
import { allocStorage, scalarTypeName, type DType, type Storage } from '../../tensor/dtype.js';
import { numel, shapeStr } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { attach, shouldRecord } from '../../tensor/autograd/engine.js';
import { is_grad_enabled } from '../../tensor/autograd/grad_mode.js';
import { at as aten } from './at.js';
import { checkReduction, type Reduction } from './loss_common.js';
import { view } from './shape.js';

export interface NLLOptions {
  weight?: Tensor | null;
  ignore_index?: number;
  reduction?: Reduction;
}

/** What the kernels read: classes at stride `mapSize` for each of `batch` × `mapSize` positions. */
interface Frame {
  X: Storage;
  targets: Storage;
  W: Storage | null;
  batch: number;
  classes: number;
  mapSize: number;
  ignore: number;
  dtype: DType;
}

function checkTargets(target: Tensor): void {
  for (const v of target._data) {
    if (!Number.isInteger(v)) throw new RuntimeError(`expected scalar type Long but found ${scalarTypeName(target._dtype)}`);
  }
}

/** Where position p's value for class t is. */
function at(f: Frame, p: number, t: number): number {
  const b = Math.floor(p / f.mapSize);
  return b * f.classes * f.mapSize + t * f.mapSize + (p % f.mapSize);
}

function targetAt(f: Frame, p: number): number {
  const t = f.targets[p];
  if (t !== f.ignore && !(t >= 0 && t < f.classes)) throw new IndexError(`Target ${t} is out of bounds.`);
  return t;
}

/** The unreduced losses -w[t]·x[t] (0 where ignored). */
function lossesNone(f: Frame): Storage {
  const r = f.dtype === 'float32' ? Math.fround : (x: number) => x;
  const out = allocStorage(f.dtype, f.batch * f.mapSize);
  for (let p = 0; p < out.length; p++) {
    const t = targetAt(f, p);
    if (t === f.ignore) continue;
    out[p] = r(-f.X[at(f, p, t)] * (f.W === null ? 1 : f.W[t]));
  }
  return out;
}

/** The reduced loss and the total weight, summed in 8 cascaded levels as LossNLL.cpp does. */
function lossReduced(f: Frame, reduction: Reduction): [number, number] {
  const r = f.dtype === 'float32' ? Math.fround : (x: number) => x;
  const count = f.batch * f.mapSize;
  const levels = 8;
  const power = Math.max(4, Math.floor(ceilLog2(count) / levels));
  const step = 2 ** power;
  const losses = new Array<number>(levels).fill(0);
  const weights = new Array<number>(levels).fill(0);
  let ignored = 0;
  for (let p = 0; p < count; p++) {
    const t = targetAt(f, p);
    if (t === f.ignore) {
      ignored++;
      continue;
    }
    const x = f.X[at(f, p, t)];
    if (f.W !== null) {
      losses[0] = r(losses[0] - r(x * f.W[t]));
      weights[0] = r(weights[0] + f.W[t]);
    } else {
      losses[0] = r(losses[0] - x);
    }
    for (let j = 0; j + 1 < levels; j++) {
      if (Math.floor(p / 2 ** (j * power)) % step !== 0) break;
      weights[j + 1] = r(weights[j + 1] + weights[j]);
      losses[j + 1] = r(losses[j + 1] + losses[j]);
      weights[j] = 0;
      losses[j] = 0;
    }
  }
  const total = f.W === null ? count - ignored : weights.reduce((a, b) => r(a + b), 0);
  let value = losses.reduce((a, b) => r(a + b), 0);
  if (count === 0) value = reduction === 'mean' ? NaN : 0;
  else if (reduction === 'mean') value = r(value / total);
  return [value, total];
}

function ceilLog2(x: number): number {
  return x <= 2 ? 1 : 32 - Math.clz32(x - 1);
}

/** The gradient: -w[t]·g at each position's target (reduced: -(g / total weight for 'mean')·w[t]). */
function lossGrad(f: Frame, g: Storage, none: boolean, total: number, mean: boolean): Storage {
  const r = f.dtype === 'float32' ? Math.fround : (x: number) => x;
  const gi = allocStorage(f.dtype, f.X.length);
  const grad = none ? 0 : -(mean ? r(g[0] / total) : g[0]);
  for (let p = 0; p < f.batch * f.mapSize; p++) {
    const t = f.targets[p];
    if (t === f.ignore) continue;
    const w = f.W === null ? 1 : f.W[t];
    gi[at(f, p, t)] = none ? r(-w * g[p]) : f.W === null ? grad : r(w * grad);
  }
  return gi;
}

/** The loss again, on another tensor of input's shape (nll_loss or nll_loss2d with the same target, weight ...). */
type Again = (x: Tensor) => Tensor;

function run(input: Tensor, target: Tensor, f: Frame, reduction: Reduction, none: boolean, outShape: number[], name: string, again: Again): Tensor {
  let result: Tensor;
  let total = 0;
  if (none) {
    result = new Tensor(lossesNone(f), outShape);
  } else {
    const out = allocStorage(f.dtype, 1);
    [out[0], total] = lossReduced(f, reduction);
    result = new Tensor(out, []);
  }
  if (!shouldRecord(input)) return result;
  const mean = reduction === 'mean';
  return attach(result, name, [input], (g) => [lossGrad(f, g, none, total, mean)], [input, target], null, (g) => {
    // nll_loss_backward (linear in grad_output) as its own node: derivatives.yaml's grad_output is the
    // loss of the upstream gradient, self's zeros_like(grad)
    const gi = new Tensor(lossGrad(f, g._data, none, total, mean), input._shape);
    if (!is_grad_enabled() || !(g.requires_grad || input.requires_grad)) return [gi];
    return [attach(gi, name.replace('Backward0', 'BackwardBackward0'), [g, input], null, [g, input], null, (gg, needs) => [
      needs[0] ? again(gg) : null,
      needs[1] ? aten.zerosLike(gg) : null,
    ])];
  });
}

function weightStorage(weight: Tensor | null, input: Tensor): Storage | null {
  if (weight === null) return null;
  if (weight._dtype !== input._dtype) throw new RuntimeError(`expected scalar type ${scalarTypeName(input._dtype)} but found ${scalarTypeName(weight._dtype)}`);
  return weight._data;
}

/** nll_loss for 1-d ([C], target 0-d) and 2-d ([N, C], target [N]) input. */
function nll1d2d(input: Tensor, target: Tensor, weight: Tensor | null, reduction: Reduction, ignore: number): Tensor {
  if (target.ndim > 1) throw new RuntimeError('0D or 1D target tensor expected, multi-target not supported');
  const noBatch = input.ndim === 1 && target.ndim === 0;
  if (!noBatch && input._shape[0] !== target._shape[0]) {
    throw new RuntimeError(`size mismatch (got input: ${shapeStr(input._shape)}, target: ${shapeStr(target._shape)})`);
  }
  const classes = input._shape[input.ndim - 1];
  if (weight !== null && !(weight.ndim === 1 && weight.numel() === classes)) {
    throw new RuntimeError(`weight tensor should be defined either for all ${classes} classes or no classes but got weight tensor of shape: ${shapeStr(weight._shape)}`);
  }
  checkTargets(target);
  const batch = input.ndim === 1 ? 1 : input._shape[0];
  const f: Frame = { X: input._data, targets: target._data, W: weightStorage(weight, input), batch, classes, mapSize: 1, ignore, dtype: input._dtype };
  const again: Again = (x) => nll1d2d(x, target, weight, reduction, ignore);
  return run(input, target, f, reduction, reduction === 'none' && input.ndim === 2, [batch], 'NllLossBackward0', again);
}

/** nll_loss2d: input [N, C, H, W], target [N, H, W]. */
function nll2d(input: Tensor, target: Tensor, weight: Tensor | null, reduction: Reduction, ignore: number): Tensor {
  if (target.ndim !== 3) throw new RuntimeError(`only batches of spatial targets supported (3D tensors) but got targets of dimension: ${target.ndim}`);
  const [n, classes, h, w] = input._shape;
  if (weight !== null && weight.numel() !== classes) throw new RuntimeError('weight tensor should be defined either for all or no classes');
  if (n !== target._shape[0] || h !== target._shape[1] || w !== target._shape[2]) {
    throw new RuntimeError(`size mismatch (got input: ${shapeStr(input._shape)} , target: ${shapeStr(target._shape)}`);
  }
  checkTargets(target);
  const f: Frame = { X: input._data, targets: target._data, W: weightStorage(weight, input), batch: n, classes, mapSize: h * w, ignore, dtype: input._dtype };
  const again: Again = (x) => nll2d(x, target, weight, reduction, ignore);
  return run(input, target, f, reduction, reduction === 'none', [n, h, w], 'NllLoss2DBackward0', again);
}

/** The negative log likelihood loss of log-probabilities `input` ([C], [N, C] or [N, C, d1, ...]) at class indices `target`. */
export function nll_loss(input: Tensor, target: Tensor, options: NLLOptions = {}): Tensor {
  const reduction = options.reduction ?? 'mean';
  checkReduction(reduction);
  const weight = options.weight ?? null;
  const ignore = options.ignore_index ?? -100;
  if (input.ndim < 1) throw new ValueError(`Expected 1 or more dimensions (got ${input.ndim})`);
  if (input.ndim !== 1 && input._shape[0] !== (target.ndim === 0 ? 1 : target._shape[0])) {
    throw new ValueError(`Expected input batch_size (${input._shape[0]}) to match target batch_size (${target.ndim === 0 ? 1 : target._shape[0]}).`);
  }
  if (input.ndim <= 2) return nll1d2d(input, target, weight, reduction, ignore);
  if (input.ndim === 4) return nll2d(input, target, weight, reduction, ignore);
  const [n, c] = input._shape;
  const outSize = [n, ...input._shape.slice(2)];
  if (target.ndim !== input.ndim - 1 || target._shape.slice(1).some((s, i) => s !== input._shape[i + 2])) {
    throw new RuntimeError(`Expected target size ${shapeStr(outSize)}, got ${shapeStr(target._shape)}`);
  }
  const empty = input.numel() === 0;
  const input4 = view(input, empty ? [n, c, 0, 0] : [n, c, 1, -1]);
  const target3 = new Tensor(target._data, empty ? [n, 0, 0] : [n, 1, numel(target._shape) / Math.max(n, 1)]);
  const out = nll2d(input4, target3, weight, reduction, ignore);
  return reduction === 'none' ? view(out, outSize) : out;
}
