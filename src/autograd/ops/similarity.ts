// torch.nn.functional's one_hot, normalize, cosine_similarity, pairwise_distance and kl_div, each the
// composite PyTorch 1.13 runs (torch/nn/functional.py, aten/src/ATen/native/Distance.cpp, Loss.cpp), so the
// nodes are PyTorch's: normalize is DivBackward0 over ExpandBackward0(ClampMinBackward0(NormBackward1)),
// cosine_similarity SumBackward1 over x1 / sqrt(sum(x1²)) · x2 / sqrt(sum(x2²)), pairwise_distance
// NormBackward1 of x1 - x2 + eps, kl_div its elementwise loss and reduction.

import { RuntimeError, ValueError } from '../../errors.js';
import { allocStorage, dtypeOf, isFloating, scalarTypeName, type DType } from '../../tensor/dtype.js';
import { no_grad } from '../../tensor/autograd/grad_mode.js';
import { broadcastShapes, normalizeDim, sameShape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { warn } from '../../warnings.js';
import { add, div, mul, sub } from './arithmetic.js';
import { clamp_min, clamp_min_ } from './clamp.js';
import { applyUnary, powScalar, resultType } from './elementwise.js';
import { xlogy } from './more_math.js';
import { tensorNorm } from './norms.js';
import { mean, sum } from './reduce.js';
import { expand, expand_as } from './reorder.js';
import { toDtype } from './shape.js';
import { unaryOps } from './unary.js';

// ---- one_hot ----

/** `F.one_hot(tensor, num_classes=-1)`: int64, the classes along a new last dim; no graph. */
export function one_hot(tensor: Tensor, num_classes = -1): Tensor {
  if (dtypeOf(tensor._data) !== 'int64') throw new RuntimeError('one_hot is only applicable to index tensor.');
  const X = tensor._data;
  const shape = [...tensor._shape];
  if (X.length === 0) {
    if (num_classes <= 0) throw new RuntimeError('Can not infer total number of classes from empty tensor.');
    return new Tensor(allocStorage('int64', 0), [...shape, num_classes]);
  }
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < X.length; i++) {
    if (X[i] < min) min = X[i];
    if (X[i] > max) max = X[i];
  }
  if (min < 0) throw new RuntimeError('Class values must be non-negative.');
  let n = num_classes;
  if (n === -1) n = max + 1;
  else if (!(n > max)) throw new RuntimeError('Class values must be smaller than num_classes.');
  const out = allocStorage('int64', X.length * n);
  for (let i = 0; i < X.length; i++) out[i * n + X[i]] = 1;
  return new Tensor(out, [...shape, n]);
}

// ---- normalize, cosine_similarity, pairwise_distance ----

/** `F.normalize(input, p=2.0, dim=1, eps=1e-12)`: input / input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input). */
export function normalize(input: Tensor, p = 2.0, dim = 1, eps = 1e-12): Tensor {
  const denom = expand_as(clamp_min(tensorNorm(input, p, dim, true), eps), input);
  return div(input, denom);
}

/** The common floating dtype of two inputs, or PyTorch's error. */
function commonFloating(x1: Tensor, x2: Tensor): DType {
  const dtype = resultType([x1, x2]);
  if (!isFloating(dtype)) throw new RuntimeError(`expected common dtype to be floating point, yet common dtype is ${scalarTypeName(dtype)}`);
  return dtype;
}

/** √(max(Σ x², eps²)) along dim (kept): the sum clamped in place without a graph, as ATen does. */
function clampedNorm(x: Tensor, dim: number, eps: number): Tensor {
  const squared = sum(powScalar(x, 2), dim, true);
  no_grad(() => clamp_min_(squared, eps * eps));
  return applyUnary(unaryOps.sqrt, squared);
}

/** `F.cosine_similarity(x1, x2, dim=1, eps=1e-8)`: Σ (x1/‖x1‖)·(x2/‖x2‖) along dim, each norm at least eps. */
export function cosine_similarity(x1: Tensor, x2: Tensor, dim = 1, eps = 1e-8): Tensor {
  const dtype = commonFloating(x1, x2);
  // both in the common dtype first (a float32 x1 with a float64 x2 is computed in float64: ToCopyBackward0)
  const a = toDtype(x1, dtype);
  const b = toDtype(x2, dtype);
  const shape = sameShape(a._shape, b._shape) ? a._shape : broadcastShapes(a._shape, b._shape);
  const e1 = expand(a, [...shape]);
  const e2 = expand(b, [...shape]);
  const d = normalizeDim(dim, shape.length);
  return sum(mul(div(e1, clampedNorm(e1, d, eps)), div(e2, clampedNorm(e2, d, eps))), d);
}

/** `F.pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False)`: norm(x1 - x2 + eps, p, last dim, keepdim). */
export function pairwise_distance(x1: Tensor, x2: Tensor, p = 2.0, eps = 1e-6, keepdim = false): Tensor {
  const last = Math.max(x1.ndim, x2.ndim) - 1;
  return tensorNorm(add(sub(x1, x2), eps), p, last, keepdim);
}

// ---- kl_div ----

export type KLReduction = 'none' | 'mean' | 'sum' | 'batchmean';

const KL_MEAN_WARNING =
  "reduction: 'mean' divides the total loss by both the batch size and the support size.'batchmean' divides only by the batch size, and aligns with the KL div math definition.'mean' will be changed to behave the same as 'batchmean' in the next major release.";

/** `F.kl_div(input, target, reduction='mean', log_target=False)`: target·(log target - input), or exp(target)·(target - input). */
export function kl_div(input: Tensor, target: Tensor, options: { reduction?: KLReduction; log_target?: boolean } = {}): Tensor {
  const reduction = options.reduction ?? 'mean';
  if (!['none', 'mean', 'sum', 'batchmean'].includes(reduction)) throw new ValueError(`${reduction} is not a valid value for reduction`);
  if (reduction === 'mean') warn(KL_MEAN_WARNING);
  if (!isFloating(dtypeOf(input._data)) || !isFloating(dtypeOf(target._data))) throw new RuntimeError('kl_div: Integral inputs not supported.');
  const output = options.log_target === true ? klLogTarget(input, target) : klTarget(input, target);
  if (reduction === 'none') return output;
  if (reduction === 'mean') return mean(output);
  const total = sum(output);
  return reduction === 'batchmean' && input.ndim !== 0 ? div(total, input._shape[0]) : total;
}

// NOTE: GCC evaluates an operator's right operand first, so these ops are recorded in that order (which
// fixes the order their gradients are summed in)

/** exp(target) * (target - input). */
function klLogTarget(input: Tensor, target: Tensor): Tensor {
  const diff = sub(target, input);
  return mul(applyUnary(unaryOps.exp, target), diff);
}

/** xlogy(target, target) - target * input. */
function klTarget(input: Tensor, target: Tensor): Tensor {
  const product = mul(target, input);
  return sub(xlogy(target, target), product);
}
