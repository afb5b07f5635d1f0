// F.cross_entropy as PyTorch 1.13's C++ composite (LossNLL.cpp cross_entropy_loss) builds it:
// class indices: nll_loss(log_softmax(input, 1)); with label smoothing, that mixed with the mean of
// -log_softmax over the classes; class probabilities (target shaped as input): -Σ target·log_softmax.

import { RuntimeError } from '../../errors.js';
import { allocStorage } from '../../tensor/dtype.js';
import { sameShape, shapeStr } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { add, div, mul } from './arithmetic.js';
import { applyUnary } from './elementwise.js';
import { checkReduction, sumAll, type Reduction } from './loss_common.js';
import { nll_loss } from './nll.js';
import { mean, sum } from './reduce.js';
import { at, maskOf } from './at.js';
import { addScalar, divScalar, indexPutMask, mulScalar } from './scalar_ops.js';
import { view } from './shape.js';
import { log_softmax } from './softmax.js';
import { unaryOps } from './unary.js';

export interface CrossEntropyOptions {
  weight?: Tensor | null;
  ignore_index?: number;
  reduction?: Reduction;
  label_smoothing?: number;
}

const neg = (x: Tensor): Tensor => applyUnary(unaryOps.neg, x);

/** A C++ double as `operator<<` prints it (6 significant digits). */
function cppDouble(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
  const e = v === 0 ? 0 : Math.floor(Math.log10(Math.abs(Number(v.toPrecision(6)))));
  if (e < -4 || e >= 6) {
    const [m, x] = v.toExponential(5).split('e');
    const mant = m.includes('.') ? m.replace(/0+$/, '').replace(/\.$/, '') : m;
    const ex = Number(x);
    return `${mant}e${ex < 0 ? '-' : '+'}${String(Math.abs(ex)).padStart(2, '0')}`;
  }
  return String(Number(v.toPrecision(6)));
}

/** The weight viewed to broadcast along the class dimension: [1, C, 1, ...]. */
function weightView(weight: Tensor, ndim: number, classDim: number): Tensor {
  if (ndim <= 1) return weight;
  const shape = new Array<number>(ndim).fill(1);
  shape[classDim] = weight._shape[0];
  return view(weight, shape);
}

function probabilityTarget(input: Tensor, target: Tensor, weight: Tensor | null, reduction: Reduction, smoothing: number): Tensor {
  const classDim = input.ndim === 1 ? 0 : 1;
  const classes = input._shape[classDim];
  if (weight !== null && !(weight.ndim === 1 && weight.numel() === classes)) {
    throw new RuntimeError(
      `cross_entropy: weight tensor should be defined either for all ${classes} classes or no classes but got weight tensor of shape: ${shapeStr(weight._shape)}`,
    );
  }
  const logp = log_softmax(input, classDim);
  let t = target;
  if (smoothing > 0) {
    if (smoothing > 1) throw new RuntimeError(`label_smoothing must be between 0.0 and 1.0. Got: ${cppDouble(smoothing)}`);
    t = addScalar(mulScalar(target, 1 - smoothing), smoothing / classes);
  }
  let prod = mul(logp, t);
  if (weight !== null) prod = mul(prod, weightView(weight, input.ndim, classDim));
  if (reduction === 'none') return neg(sum(prod, classDim));
  const total = neg(sum(prod));
  if (reduction === 'sum') return total;
  if (input.numel() === 0) return divScalar(total, NaN);
  return divScalar(total, Math.floor(input.numel() / classes));
}

/** A 0-d tensor of `value` in x's dtype (a denominator: no graph). */
function constant(value: number, like: Tensor): Tensor {
  const s = allocStorage(like._dtype, 1);
  s[0] = value;
  return new Tensor(s, []);
}

/**
 * `(1 - label_smoothing) * nllloss + ret * (label_smoothing / n_classes)`, its operands evaluated as
 * GCC does, right to left: the second MulBackward1 is the older node (its backward runs after the first's).
 */
function mixed(nll: Tensor, ret: Tensor, smoothing: number, classes: number): Tensor {
  const right = mulScalar(ret, smoothing / classes);
  return add(mulScalar(nll, 1 - smoothing), right);
}

function labelSmoothing(input: Tensor, target: Tensor, weight: Tensor | null, reduction: Reduction, ignore: number, smoothing: number): Tensor {
  const classDim = input.ndim === 1 ? 0 : 1;
  const logp = log_softmax(input, classDim);
  const nll = nll_loss(logp, target, { weight, reduction, ignore_index: ignore });
  const classes = logp._shape[classDim];
  const ignored = Array.from(target._data, (t) => t === ignore);
  const perClass = weight === null ? logp : mul(logp, weightView(weight, input.ndim, classDim));
  const smooth = indexPutMask(neg(sum(perClass, classDim)), ignored, 0);
  let ret: Tensor;
  if (reduction === 'mean') {
    let denominator: number;
    if (weight === null) {
      // smooth_loss.masked_select(~ignore_mask).mean()
      ret = mean(at.maskedSelect(smooth, maskOf(target, (t) => t !== ignore)));
      return mixed(nll, ret, smoothing, classes);
    } else {
      const picked = allocStorage(weight._dtype, ignored.filter((m) => !m).length);
      let k = 0;
      target._data.forEach((t, i) => {
        if (!ignored[i]) picked[k++] = weight._data[t];
      });
      denominator = sumAll(picked, weight._dtype);
    }
    ret = div(sum(smooth), constant(denominator, input));
  } else {
    ret = reduction === 'sum' ? sum(smooth) : smooth;
  }
  return mixed(nll, ret, smoothing, classes);
}

/** The cross entropy of logits `input` ([C], [N, C] or [N, C, d1, ...]) and class indices or class probabilities `target`. */
export function cross_entropy(input: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const reduction = options.reduction ?? 'mean';
  checkReduction(reduction);
  const weight = options.weight ?? null;
  const ignore = options.ignore_index ?? -100;
  const smoothing = options.label_smoothing ?? 0;
  if (sameShape(input._shape, target._shape)) {
    if (ignore >= 0) throw new RuntimeError('ignore_index is not supported for floating point target');
    return probabilityTarget(input, target, weight, reduction, smoothing);
  }
  if (smoothing > 0) {
    if (smoothing > 1) throw new RuntimeError(`label_smoothing must be between 0.0 and 1.0. Got: ${cppDouble(smoothing)}`);
    return labelSmoothing(input, target, weight, reduction, ignore, smoothing);
  }
  return nll_loss(log_softmax(input, input.ndim === 1 ? 0 : 1), target, { weight, reduction, ignore_index: ignore });
}
