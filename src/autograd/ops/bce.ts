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
import { is_grad_enabled, no_grad } from '../../tensor/autograd/grad_mode.js';
import { at } from './at.js';
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
  if (!sameShape(input._shape, target._shape)) {
    throw new ValueError(
      `Using a target size (${sizeStr(target._shape)}) that is different to the input size (${sizeStr(input._shape)}) is deprecated. ` +
        'Please ensure they have the same size.',
    );
  }
  const weight = o.weight ?? null;
  if (weight !== null) {
    const expanded = broadcastShapes(target._shape, weight._shape); // _infer_size's error
    if (!sameShape(expanded, input._shape)) {
      throw new RuntimeError(`output with shape ${shapeStr(input._shape)} doesn't match the broadcast shape ${shapeStr(expanded)}`);
    }
  }
  if (target._dtype !== input._dtype) throw new RuntimeError(`Found dtype ${scalarTypeName(target._dtype)} but expected ${scalarTypeName(input._dtype)}`);
  const dtype = input._dtype;
  const shape = input._shape.slice();
  const X = valuesAs(input, shape, dtype);
  const T = valuesAs(target, shape, dtype);
  const W = weight === null ? null : valuesAs(weight, shape, dtype);
  const result = reduceLosses(bceLosses(X, T, W, dtype), shape, reduction, dtype);
  if (!shouldRecord(input, target)) return result;
  const w = weight === null ? null : sameShape(weight._shape, shape) ? weight : at.expand(weight, shape);
  return attach(result, 'BinaryCrossEntropyBackward0', [input, target], (g, needs) => [
    needs[0] ? inputGrad(X, T, W, g, reduction, dtype) : null,
    needs[1] ? targetGrad(X, W, g, reduction, dtype) : null,
  ], [input, target], null, (g, needs) => [
    needs[0] ? bceBackwardOp(g, input, target, w, W, reduction) : null,
    needs[1] ? targetGraph(g, input, w, reduction) : null,
  ]);
}

/** The `1` of `1 - input` in derivatives' C++ (a wrapped number: SubBackward0 with no edge for it). */
function one(x: Tensor): Tensor {
  return at.full([], 1, x._dtype);
}

/** FunctionsManual's `eps = 1e-12` (a double; the dtype's value when added to a float tensor). */
const EPS = 1e-12;

/**
 * binary_cross_entropy_backward over tensors (create_graph): BinaryCrossEntropyBackwardBackward0 with
 * derivatives.yaml's binary_cross_entropy_double_backward{_grad_output,,_target}.
 */
function bceBackwardOp(g: Tensor, x: Tensor, t: Tensor, w: Tensor | null, W: Storage | null, reduction: Reduction): Tensor {
  const result = new Tensor(inputGrad(x._data, t._data, W, g._data, reduction, x._dtype), x._shape);
  if (!is_grad_enabled() || !(g.requires_grad || x.requires_grad || t.requires_grad)) return result;
  const n = x.numel();
  const finish = (v: Tensor): Tensor => {
    const weighted = w === null ? v : at.mul(v, w);
    return reduction === 'mean' ? at.divScalar(weighted, n, true) : weighted;
  };
  return attach(result, 'BinaryCrossEntropyBackwardBackward0', [g, x, t], null, [g, x, t], null, (gg, needs) => {
    let gOut: Tensor | null = null;
    if (needs[0]) {
      // (input - target) / ((input + eps)·(1 - input + eps))·grad [·weight] [/ numel], summed to grad_output's shape
      const den = at.mul(at.addScalar(x, EPS), at.addScalar(at.sub(one(x), x), EPS));
      gOut = finish(at.mul(at.div(at.sub(x, t), den), gg));
      if (reduction !== 'none' && !sameShape(gOut._shape, g._shape)) gOut = at.sumTo(gOut, g._shape);
    }
    let gSelf: Tensor | null = null;
    if (needs[1]) {
      // (input² - 2·input·target + target) / ((input + eps)²·(1 - input + eps)²)·(grad·grad_output)
      const num = at.add(at.sub(at.mul(x, x), at.mul(at.mulScalar(x, 2, true), t)), t);
      const den = at.mul(at.powScalar(at.addScalar(x, EPS), 2), at.powScalar(at.addScalar(at.sub(one(x), x), EPS), 2));
      gSelf = finish(at.mul(at.div(num, den), at.mul(gg, g)));
    }
    let gTarget: Tensor | null = null;
    if (needs[2]) {
      // -grad·grad_output [·weight] / ((1 - input)·input).clamp_min_(eps) [/ numel]
      let res = at.mul(at.neg(gg), g);
      if (w !== null) res = at.mul(res, w);
      const denom = at.mul(at.sub(one(x), x), x);
      const eps = castScalar(EPS, x._dtype);
      const D = denom._data;
      for (let i = 0; i < D.length; i++) if (D[i] < eps) D[i] = eps; // under NoGradGuard
      res = at.div(res, denom);
      gTarget = reduction === 'mean' ? at.divScalar(res, n, true) : res;
    }
    return [gOut, gSelf, gTarget];
  });
}

/** `log` (LogBackward0) with torch.log's values (SLEEF), its derivative dividing by `saved`. */
function logNode(u: Tensor, saved: Tensor): Tensor {
  const f32 = u._dtype === 'float32';
  const log = f32 ? sleefLogf : logd;
  const U = u._data;
  const out = allocStorage(u._dtype, U.length);
  for (let i = 0; i < U.length; i++) out[i] = log(U[i]);
  const result = new Tensor(out, u._shape);
  if (!shouldRecord(u)) return result;
  return attach(result, 'LogBackward0', [u], null, [u], null, (gg) => [at.div(gg, saved)]);
}

/** `a.mul_(b)` in place: MulBackward0, b's derivative by a's value before (a clone, when b requires grad). */
function mulInPlace(a: Tensor, b: Tensor): Tensor {
  const before = b.requires_grad && a.requires_grad ? at.clone(a) : a;
  const value = no_grad(() => at.mul(a, b));
  if (!shouldRecord(a, b)) return value;
  return attach(value, 'MulBackward0', [a, b], null, [a, b], null, (gg, needs) => [needs[0] ? at.mul(gg, b) : null, needs[1] ? at.mul(gg, before) : null]);
}

/** binary_cross_entropy_target_backward over tensors: (1 - x).log_().sub_(x.log()).mul_(grad) [.mul_(weight)] [.div_(numel)]. */
function targetGraph(g: Tensor, x: Tensor, w: Tensor | null, reduction: Reduction): Tensor {
  const u = at.sub(one(x), x);
  // log_ in place saves the original (1 - x) as a clone
  const lu = logNode(u, u.requires_grad ? at.clone(u) : u);
  let gt = at.sub(lu, logNode(x, x));
  gt = mulInPlace(gt, g);
  if (w !== null) gt = at.mul(gt, w);
  return reduction === 'mean' ? at.divScalar(gt, x.numel(), true) : gt;
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
