// F.binary_cross_entropy, as PyTorch 1.13's CPU kernels compute it (aten/src/ATen/native/Loss.cpp):
// -w·(t·log(x) + (1 - t)·log(1 - x)) with each log clamped at -100, and its gradients
// d/dx = w·(x - t) / max((1 - x)·x, 1e-12) and d/dt = w·(log(1 - x) - log(x)).

import { RuntimeError, ValueError } from '../../errors.js';
import { allocStorage, castScalar, scalarTypeName, type DType, type Storage } from '../../tensor/dtype.js';
import { logd } from '../../math/sleef64.js';
import { logf as sleefLogf } from '../../math/sleef.js';
import { log as libmLog, logf as libmLogf } from '../../math/libm.js';
import { broadcastShapes, sameShape, shapeStr, sizeStr } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { attach, shouldRecord } from '../../tensor/autograd/engine.js';
import { checkReduction, reduceLosses, valuesAs, type Reduction } from './loss_common.js';

export interface BCEWeightOptions {
  weight?: Tensor | null;
  reduction?: Reduction;
}

/** Loss.cpp's `constexpr float EPSILON = 1e-12`: the float32 nearest 1e-12, in either dtype. */
const EPSILON = Math.fround(1e-12);

/** `binary_cross_entropy(input, target, weight?, reduction?)` or `(input, target, { weight, reduction })`. */
export function binary_cross_entropy(
  input: Tensor,
  target: Tensor,
  weightOrOptions?: Tensor | null | BCEWeightOptions,
  reductionArg?: Reduction,
): Tensor {
  const o: BCEWeightOptions = weightOrOptions instanceof Tensor || weightOrOptions === null ? { weight: weightOrOptions } : weightOrOptions ?? {};
  const reduction = reductionArg ?? o.reduction ?? 'mean';
  checkReduction(reduction);
  if (!sameShape(input.shape, target.shape)) {
    throw new ValueError(
      `Using a target size (${sizeStr(target.shape)}) that is different to the input size (${sizeStr(input.shape)}) is deprecated. ` +
        'Please ensure they have the same size.',
    );
  }
  const weight = o.weight ?? null;
  if (weight !== null) {
    const expanded = broadcastShapes(target.shape, weight.shape); // _infer_size's error
    if (!sameShape(expanded, input.shape)) {
      throw new RuntimeError(`output with shape ${shapeStr(input.shape)} doesn't match the broadcast shape ${shapeStr(expanded)}`);
    }
  }
  if (target.dtype !== input.dtype) throw new RuntimeError(`Found dtype ${scalarTypeName(target.dtype)} but expected ${scalarTypeName(input.dtype)}`);
  const dtype = input.dtype;
  const shape = input.shape.slice();
  const X = valuesAs(input, shape, dtype);
  const T = valuesAs(target, shape, dtype);
  const W = weight === null ? null : valuesAs(weight, shape, dtype);
  const result = reduceLosses(bceLosses(X, T, W, dtype), shape, reduction, dtype);
  if (!shouldRecord(input, target)) return result;
  return attach(result, 'BinaryCrossEntropyBackward0', [input, target], (g, needs) => [
    needs[0] ? inputGrad(X, T, W, g, reduction, dtype) : null,
    needs[1] ? targetGrad(X, W, g, reduction, dtype) : null,
  ], [input, target]);
}

function bceLosses(X: Storage, T: Storage, W: Storage | null, dtype: DType): Storage {
  const f32 = dtype === 'float32';
  const r = f32 ? Math.fround : (x: number) => x;
  // the C library's log (std::log in a scalar loop)
  const log = f32 ? libmLogf : libmLog;
  const losses = allocStorage(dtype, X.length);
  for (let i = 0; i < X.length; i++) {
    const x = X[i];
    const t = T[i];
    if (!(x >= 0 && x <= 1)) throw new RuntimeError('all elements of input should be between 0 and 1');
    const a = clampLog(log(r(1 - x)));
    const b = clampLog(log(x));
    losses[i] = r(r(r(t - 1) * a) - r(t * b));
  }
  if (W !== null) for (let i = 0; i < losses.length; i++) losses[i] = r(losses[i] * W[i]);
  return losses;
}

/** std::max(log, -100): NaN stays NaN. */
function clampLog(v: number): number {
  return v < -100 ? -100 : v;
}

function inputGrad(X: Storage, T: Storage, W: Storage | null, g: Storage, reduction: Reduction, dtype: DType): Storage {
  const r = dtype === 'float32' ? Math.fround : (x: number) => x;
  const eps = castScalar(EPSILON, dtype);
  const gi = allocStorage(dtype, X.length);
  for (let i = 0; i < X.length; i++) {
    const x = X[i];
    const gv = g.length === 1 ? g[0] : g[i];
    const den = r(r(1 - x) * x);
    gi[i] = r(r(gv * r(x - T[i])) / (den < eps ? eps : den));
  }
  return finish(gi, W, reduction, r);
}

/** binary_cross_entropy_target_backward: (1 - x).log_().sub_(x.log()), times grad, weight, 1/N. */
function targetGrad(X: Storage, W: Storage | null, g: Storage, reduction: Reduction, dtype: DType): Storage {
  const f32 = dtype === 'float32';
  const r = f32 ? Math.fround : (x: number) => x;
  // torch.log: SLEEF's vectorised log
  const log = f32 ? sleefLogf : logd;
  const gt = allocStorage(dtype, X.length);
  for (let i = 0; i < X.length; i++) {
    const gv = g.length === 1 ? g[0] : g[i];
    gt[i] = r(r(log(r(1 - X[i])) - log(X[i])) * gv);
  }
  return finish(gt, W, reduction, r);
}

/** `.mul_(weight)` and, for 'mean', `.div_(numel)`. */
function finish(grad: Storage, W: Storage | null, reduction: Reduction, r: (x: number) => number): Storage {
  if (W !== null) for (let i = 0; i < grad.length; i++) grad[i] = r(grad[i] * W[i]);
  if (reduction === 'mean') for (let i = 0; i < grad.length; i++) grad[i] = r(grad[i] / grad.length);
  return grad;
}
