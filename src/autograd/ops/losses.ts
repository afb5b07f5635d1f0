// The pointwise regression losses of torch.nn.functional: l1_loss (PyTorch 1.13's composite
// abs(input - target) then mean/sum), and the fused huber_loss and smooth_l1_loss with PyTorch's own
// kernels (aten/src/ATen/native/cpu/BinaryOpsKernel.cpp forward, PointwiseOpsKernel.cpp backward).

import { RuntimeError } from '../../errors.js';
import { allocStorage, castScalar, scalarTypeName, type DType, type Storage } from '../../tensor/dtype.js';
import { numel } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { attach, shouldRecord } from '../../tensor/autograd/engine.js';
import { sub } from './arithmetic.js';
import { applyUnary, promoteTypes } from './elementwise.js';
import { broadcastPair, checkReduction, isVectorLane, reduceLosses, valuesAs, vectorPlan, type Reduction } from './loss_common.js';
import { mean, sum } from './reduce.js';
import { unaryOps } from './unary.js';

export interface HuberOptions {
  reduction?: Reduction;
  delta?: number;
}

export interface SmoothL1Options {
  reduction?: Reduction;
  beta?: number;
}

type Round = (x: number) => number;
const fr = Math.fround;
const exact: Round = (x) => x;

/** F.l1_loss: |input - target| (AbsBackward0), then mean (MeanBackward0) or sum (SumBackward0). */
export function l1_loss(input: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor {
  const [a, b] = broadcastPair(input, target);
  checkReduction(reduction);
  const loss = applyUnary(unaryOps.abs, sub(a, b));
  return reduction === 'mean' ? mean(loss) : reduction === 'sum' ? sum(loss) : loss;
}

interface Pointwise {
  /** input and target as torch.broadcast_tensors gives them. */
  a: Tensor;
  b: Tensor;
  shape: number[];
  dtype: DType;
  /** input and target broadcast to `shape`, in `dtype`. */
  X: Storage;
  T: Storage;
  n: number;
  r: Round;
}

function pointwise(input: Tensor, target: Tensor, reduction: string): Pointwise {
  const [a, b] = broadcastPair(input, target);
  checkReduction(reduction);
  const dtype = promoteTypes(a, b);
  const shape = a.shape.slice();
  return { a, b, shape, dtype, X: valuesAs(a, shape, dtype), T: valuesAs(b, shape, dtype), n: numel(shape), r: dtype === 'float32' ? fr : exact };
}

function options<O extends { reduction?: Reduction }>(arg: Reduction | O | undefined): O {
  return (typeof arg === 'string' ? { reduction: arg } : arg ?? {}) as O;
}

/** The gradients of a fused pointwise loss for input (a - b) and target (b - a), in the broadcast shape. */
function pointwiseNode(
  result: Tensor,
  name: string,
  p: Pointwise,
  grad: (a: Storage, b: Storage, g: Storage) => Storage,
  check: (needs: readonly boolean[]) => void = () => {},
): Tensor {
  return attach(result, name, [p.a, p.b], (g, needs) => {
    check(needs);
    return [needs[0] ? grad(p.X, p.T, g) : null, needs[1] ? grad(p.T, p.X, g) : null];
  }, [p.a, p.b]);
}

/** norm of PyTorch's loss backward kernels: 1/N for 'mean' (in the dtype), else 1. */
function normOf(reduction: Reduction, n: number, dtype: DType): number {
  return reduction === 'mean' ? castScalar(1 / n, dtype) : 1;
}

/** NOTE: PyTorch's huber backward (like mse's) refuses an input and target of different dtypes. */
function checkSameDtype(input: Tensor, target: Tensor, needs: readonly boolean[]): void {
  if (input.dtype === target.dtype) return;
  const [own, other] = needs[0] ? [input.dtype, target.dtype] : [target.dtype, input.dtype];
  throw new RuntimeError(`Found dtype ${scalarTypeName(other)} but expected ${scalarTypeName(own)}`);
}

/** 0.5·z² where z = |input - target| < delta, else delta·(z - 0.5·delta) (delta in the dtype). */
export function huber_loss(input: Tensor, target: Tensor, reductionOrOptions?: Reduction | HuberOptions, delta?: number): Tensor {
  const o = options<HuberOptions>(reductionOrOptions);
  const reduction = o.reduction ?? 'mean';
  const d = delta ?? o.delta ?? 1;
  const p = pointwise(input, target, reduction);
  if (!(d > 0)) throw new RuntimeError('huber_loss does not support non-positive values for delta.');
  const { X, T, n, r, dtype } = p;
  const dv = castScalar(d, dtype);
  const halfD = r(0.5 * dv);
  // NOTE: the result has input's dtype (at::empty_like(input)), computed in the promoted one
  const losses = allocStorage(input.dtype, n);
  for (let i = 0; i < n; i++) {
    const z = Math.abs(r(X[i] - T[i]));
    losses[i] = z < dv ? r(r(0.5 * z) * z) : r(dv * r(z - halfD));
  }
  const result = reduceLosses(losses, p.shape, reduction, input.dtype);
  if (!shouldRecord(p.a, p.b)) return result;
  const norm = normOf(reduction, n, dtype);
  const inputShapes = [input.shape, target.shape, reduction === 'none' ? p.shape : []];
  return pointwiseNode(result, 'HuberLossBackward0', p, (A, B, g) => {
    const plan = vectorPlan(p.shape, inputShapes, dtype === 'float32' ? 8 : 4);
    const gi = allocStorage(dtype, n);
    for (let i = 0; i < n; i++) {
      const x = r(A[i] - B[i]);
      const gv = g.length === 1 ? g[0] : g[i];
      if (isVectorLane(plan, i)) {
        // delta·sign(x) where |x| >= delta, else x; then norm·that·grad
        const v = Math.abs(x) >= dv ? (x > 0 ? dv : -dv) : x;
        gi[i] = r(r(norm * v) * gv);
      } else if (x <= -d) {
        // NOTE: the scalar loop compares with and multiplies by the double delta, not the dtype's
        gi[i] = r(r(-norm * gv) * d);
      } else if (x >= d) {
        gi[i] = r(r(norm * gv) * d);
      } else {
        gi[i] = r(r(norm * x) * gv);
      }
    }
    return gi;
  }, (needs) => checkSameDtype(input, target, needs));
}

/** 0.5·z²/beta where z = |input - target| < beta, else z - 0.5·beta; beta = 0 is l1_loss in one node. */
export function smooth_l1_loss(input: Tensor, target: Tensor, reductionOrOptions?: Reduction | SmoothL1Options, beta?: number): Tensor {
  const o = options<SmoothL1Options>(reductionOrOptions);
  const reduction = o.reduction ?? 'mean';
  const b = beta ?? o.beta ?? 1;
  const p = pointwise(input, target, reduction);
  if (!(b >= 0)) throw new RuntimeError('smooth_l1_loss does not support negative values for beta.');
  const { X, T, n, r, dtype } = p;
  const bv = castScalar(b, dtype);
  const halfB = r(0.5 * bv);
  const losses = allocStorage(dtype, n);
  for (let i = 0; i < n; i++) {
    const z = Math.abs(r(X[i] - T[i]));
    if (b === 0) losses[i] = z;
    else losses[i] = z < bv ? r(r(r(0.5 * z) * z) / bv) : r(z - halfB);
  }
  const result = reduceLosses(losses, p.shape, reduction, dtype);
  if (!shouldRecord(p.a, p.b)) return result;
  const norm = normOf(reduction, n, dtype);
  const inputShapes = [input.shape, target.shape, reduction === 'none' ? p.shape : []];
  return pointwiseNode(result, 'SmoothL1LossBackward0', p, (A, B, g) => {
    const gi = allocStorage(dtype, n);
    // NOTE: beta = 0 goes through the same kernel (|x| >= 0 everywhere): x = 0 gets -norm·grad, not l1's 0
    const plan = vectorPlan(p.shape, inputShapes, dtype === 'float32' ? 8 : 4);
    for (let i = 0; i < n; i++) {
      const x = r(A[i] - B[i]);
      const gv = g.length === 1 ? g[0] : g[i];
      if (isVectorLane(plan, i)) {
        const v = Math.abs(x) >= bv ? (x > 0 ? 1 : -1) : r(x / bv);
        gi[i] = r(r(norm * v) * gv);
      } else if (x <= -b) {
        gi[i] = r(-norm * gv);
      } else if (x >= b) {
        gi[i] = r(norm * gv);
      } else {
        // NOTE: the scalar loop divides by the double beta
        gi[i] = r(r(r(norm * x) * gv) / b);
      }
    }
    return gi;
  });
}
