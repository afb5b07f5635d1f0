// The pointwise regression losses of torch.nn.functional: l1_loss (PyTorch 1.13's composite
// abs(input - target) then mean/sum), and the fused huber_loss and smooth_l1_loss with PyTorch's own
// kernels (aten/src/ATen/native/cpu/BinaryOpsKernel.cpp forward, PointwiseOpsKernel.cpp backward).

import { RuntimeError } from '../../errors.js';
import { allocStorage, castScalar, scalarTypeName, type DType, type Storage } from '../../tensor/dtype.js';
import { numel, sameShape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { attach, shouldRecord } from '../../tensor/autograd/engine.js';
import { is_grad_enabled } from '../../tensor/autograd/grad_mode.js';
import { at } from './at.js';
import { sub } from './arithmetic.js';
import { applyUnary, promoteTypes } from './elementwise.js';
import { broadcastPair, checkReduction, isVectorLane, reduceLosses, reductionOf, valuesAs, vectorPlan, type Reduction, type ReductionArg, type VectorPlan } from './loss_common.js';
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
export function l1_loss(input: Tensor, target: Tensor, reductionArg: ReductionArg = 'mean'): Tensor {
  const [a, b] = broadcastPair(input, target);
  const reduction = reductionOf(reductionArg);
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
  const shape = a._shape.slice();
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
  graph: BackwardOp,
  check: (needs: readonly boolean[]) => void = () => {},
): Tensor {
  return attach(result, name, [p.a, p.b], (g, needs) => {
    check(needs);
    return [needs[0] ? grad(p.X, p.T, g) : null, needs[1] ? grad(p.T, p.X, g) : null];
  }, [p.a, p.b], null, (g, needs) => {
    check(needs);
    // derivatives.yaml: self gets *_backward(grad, self, target), target *_backward(grad, target, self)
    return [needs[0] ? graph(g, p.a, p.b) : null, needs[1] ? graph(g, p.b, p.a) : null];
  });
}

/** A fused loss's *_backward op over tensors: (grad_output, self, target) to the gradient for self. */
type BackwardOp = (g: Tensor, a: Tensor, b: Tensor) => Tensor;

interface BackwardOpSpec {
  /** The backward node's name (HuberLossBackwardBackward0 ...). */
  name: string;
  reduction: Reduction;
  k: Kernel;
  kernel: BackwardKernel;
  /** The shapes input and target had before broadcast_tensors expanded them (their strides). */
  layout: ReadonlyArray<readonly number[]>;
  /**
   * The gradient for grad_output given the node's upstream gradient `gg`: *_double_backward_grad_output.
   * `op` is the backward op itself.
   */
  gradOutput(op: BackwardOp, gg: Tensor, g: Tensor, a: Tensor, b: Tensor): Tensor;
  /** The gradient for self of the backward op: *_double_backward(grad·grad_output, self, target). */
  self(ggg: Tensor, a: Tensor, b: Tensor): Tensor;
}

/**
 * The *_backward op as create_graph records it: the same kernel over tensors, its own node with
 * derivatives.yaml's derivatives for (grad_output, self, target), target's the negation of self's.
 */
function backwardOp(spec: BackwardOpSpec): BackwardOp {
  const op: BackwardOp = (g, a, b) => {
    const dtype = a._dtype;
    const shape = a._shape.slice();
    const n = numel(shape);
    const gi = allocStorage(dtype, n);
    const G = g.numel() === 1 ? g._data : valuesAs(g, shape, dtype);
    spec.kernel(a._data, b._data, G, gi, vectorPlan(shape, [...spec.layout, g._shape], dtype === 'float32' ? 8 : 4));
    const result = new Tensor(gi, shape);
    if (!is_grad_enabled() || !(g.requires_grad || a.requires_grad || b.requires_grad)) return result;
    return attach(result, spec.name, [g, a, b], null, [g, a, b], null, (gg, needs) => [
      needs[0] ? spec.gradOutput(op, gg, g, a, b) : null,
      needs[1] ? spec.self(at.mul(gg, g), a, b) : null,
      needs[2] ? at.neg(spec.self(at.mul(gg, g), a, b)) : null,
    ]);
  };
  return op;
}

/** `(input - target).abs() < bound` as 0/1 in `like`'s dtype (a constant: the comparison has no gradient). */
function nearMask(a: Tensor, b: Tensor, bound: number, like: Tensor): Tensor {
  const r = a._dtype === 'float32' ? fr : exact;
  const A = a._data;
  const B = b._data;
  const out = allocStorage(like._dtype, A.length);
  for (let i = 0; i < A.length; i++) out[i] = Math.abs(r(A[i] - B[i])) < bound ? 1 : 0;
  return new Tensor(out, a._shape);
}

/** NOTE: PyTorch's huber backward (like mse's) refuses an input and target of different dtypes. */
function checkSameDtype(input: Tensor, target: Tensor, needs: readonly boolean[]): void {
  if (input._dtype === target._dtype) return;
  const [own, other] = needs[0] ? [input._dtype, target._dtype] : [target._dtype, input._dtype];
  throw new RuntimeError(`Found dtype ${scalarTypeName(other)} but expected ${scalarTypeName(own)}`);
}

interface Kernel {
  r: Round;
  /** 1/N for 'mean' (in the dtype), else 1. */
  norm: number;
  /** delta or beta as the double the scalar loop uses, and as the dtype's value the vector loop uses. */
  h: number;
  hv: number;
}

function kernelOf(p: Pointwise, reduction: Reduction, h: number): Kernel {
  return { r: p.r, norm: reduction === 'mean' ? castScalar(1 / p.n, p.dtype) : 1, h, hv: castScalar(h, p.dtype) };
}

/** The backward function of a fused pointwise loss: which elements PyTorch vectorises, then `kernel`. */
type BackwardKernel = (A: Storage, B: Storage, g: Storage, gi: Storage, plan: VectorPlan) => void;

function backwardOf(p: Pointwise, input: Tensor, target: Tensor, reduction: Reduction, kernel: BackwardKernel): (A: Storage, B: Storage, g: Storage) => Storage {
  const inputShapes = [input._shape, target._shape, reduction === 'none' ? p.shape : []];
  return (A: Storage, B: Storage, g: Storage): Storage => {
    const gi = allocStorage(p.dtype, p.n);
    kernel(A, B, g, gi, vectorPlan(p.shape, inputShapes, p.dtype === 'float32' ? 8 : 4));
    return gi;
  };
}

/** huber_kernel: 0.5·z² where z = |a - b| < delta, else delta·(z - 0.5·delta). */
function huberForward(k: Kernel, X: Storage, T: Storage, out: Storage): void {
  const { r, hv } = k;
  const half = r(0.5 * hv);
  for (let i = 0; i < out.length; i++) {
    const z = Math.abs(r(X[i] - T[i]));
    out[i] = z < hv ? r(r(0.5 * z) * z) : r(hv * r(z - half));
  }
}

/** huber_backward_cpu_kernel: norm·x·grad where |x| < delta, else ±norm·grad·delta. */
function huberBackward(k: Kernel, A: Storage, B: Storage, g: Storage, gi: Storage, plan: VectorPlan): void {
  const { r, norm, h, hv } = k;
  for (let i = 0; i < gi.length; i++) {
    const x = r(A[i] - B[i]);
    const gv = g.length === 1 ? g[0] : g[i];
    if (isVectorLane(plan, i)) {
      // delta·sign(x) where |x| >= delta, else x; then norm·that·grad
      const v = Math.abs(x) >= hv ? (x > 0 ? hv : -hv) : x;
      gi[i] = r(r(norm * v) * gv);
    } else if (x <= -h) {
      // NOTE: the scalar loop compares with and multiplies by the double delta, not the dtype's
      gi[i] = r(r(-norm * gv) * h);
    } else if (x >= h) {
      gi[i] = r(r(norm * gv) * h);
    } else {
      gi[i] = r(r(norm * x) * gv);
    }
  }
}

/** smooth_l1_kernel: 0.5·z²/beta where z = |a - b| < beta, else z - 0.5·beta (beta = 0: z). */
function smoothL1Forward(k: Kernel, X: Storage, T: Storage, out: Storage): void {
  const { r, h, hv } = k;
  const half = r(0.5 * hv);
  for (let i = 0; i < out.length; i++) {
    const z = Math.abs(r(X[i] - T[i]));
    out[i] = h === 0 ? z : z < hv ? r(r(r(0.5 * z) * z) / hv) : r(z - half);
  }
}

/**
 * smooth_l1_backward_cpu_kernel: norm·x·grad/beta where |x| < beta, else ±norm·grad.
 * NOTE: beta = 0 goes through it too (|x| >= 0 everywhere): x = 0 gets -norm·grad, not l1's 0.
 */
function smoothL1Backward(k: Kernel, A: Storage, B: Storage, g: Storage, gi: Storage, plan: VectorPlan): void {
  const { r, norm, h, hv } = k;
  for (let i = 0; i < gi.length; i++) {
    const x = r(A[i] - B[i]);
    const gv = g.length === 1 ? g[0] : g[i];
    if (isVectorLane(plan, i)) {
      const v = Math.abs(x) >= hv ? (x > 0 ? 1 : -1) : r(x / hv);
      gi[i] = r(r(norm * v) * gv);
    } else if (x <= -h) {
      gi[i] = r(-norm * gv);
    } else if (x >= h) {
      gi[i] = r(norm * gv);
    } else {
      // NOTE: the scalar loop divides by the double beta
      gi[i] = r(r(r(norm * x) * gv) / h);
    }
  }
}

/** Huber loss: quadratic for |input - target| < delta, linear beyond (HuberLossBackward0). */
export function huber_loss(input: Tensor, target: Tensor, reductionOrOptions?: Reduction | HuberOptions, delta?: number): Tensor {
  const o = options<HuberOptions>(reductionOrOptions);
  const reduction = o.reduction ?? 'mean';
  const d = delta ?? o.delta ?? 1;
  const p = pointwise(input, target, reduction);
  if (!(d > 0)) throw new RuntimeError('huber_loss does not support non-positive values for delta.');
  const k = kernelOf(p, reduction, d);
  // NOTE: the result has input's dtype (at::empty_like(input)), computed in the promoted one
  const losses = allocStorage(input._dtype, p.n);
  huberForward(k, p.X, p.T, losses);
  const result = reduceLosses(losses, p.shape, reduction, input._dtype);
  if (!shouldRecord(p.a, p.b)) return result;
  const kernel: BackwardKernel = (A, B, g, gi, plan) => huberBackward(k, A, B, g, gi, plan);
  const grad = backwardOf(p, input, target, reduction, kernel);
  const n = p.n;
  const graph = backwardOp({
    name: 'HuberLossBackwardBackward0',
    reduction,
    k,
    kernel,
    layout: [input._shape, target._shape],
    // huber_loss_double_backward_grad_output: the op again for 'none', else (op(ones, ...)·grad).sum()
    gradOutput: (op, gg, g, a, b) =>
      reduction === 'none' ? op(gg, a, b) : at.sum(at.mul(op(at.full(g._shape, 1, g._dtype), a, b), gg), null, false),
    // huber_loss_double_backward: grad·(|input - target| < delta), / numel for 'mean'
    self: (ggg, a, b) => {
      const out = at.mul(ggg, nearMask(a, b, k.hv, ggg));
      return reduction === 'mean' ? at.divScalar(out, n, true) : out;
    },
  });
  return pointwiseNode(result, 'HuberLossBackward0', p, grad, graph, (needs) => checkSameDtype(input, target, needs));
}

/** Smooth L1 loss: quadratic (divided by beta) for |input - target| < beta, linear beyond (SmoothL1LossBackward0). */
export function smooth_l1_loss(input: Tensor, target: Tensor, reductionOrOptions?: Reduction | SmoothL1Options, beta?: number): Tensor {
  const o = options<SmoothL1Options>(reductionOrOptions);
  const reduction = o.reduction ?? 'mean';
  const b = beta ?? o.beta ?? 1;
  const p = pointwise(input, target, reduction);
  if (!(b >= 0)) throw new RuntimeError('smooth_l1_loss does not support negative values for beta.');
  const k = kernelOf(p, reduction, b);
  const losses = allocStorage(p.dtype, p.n);
  smoothL1Forward(k, p.X, p.T, losses);
  const result = reduceLosses(losses, p.shape, reduction, p.dtype);
  if (!shouldRecord(p.a, p.b)) return result;
  const kernel: BackwardKernel = (A, B, g, gi, plan) => smoothL1Backward(k, A, B, g, gi, plan);
  const n = p.n;
  const graph = backwardOp({
    name: 'SmoothL1LossBackwardBackward0',
    reduction,
    k,
    kernel,
    layout: [input._shape, target._shape],
    // PyTorch 1.13's grad_output formula is smooth_l1_loss_backward(grad, self, target) itself, summed
    // to grad_output's shape for a reduction
    gradOutput: (op, gg, g, a, b) => {
      const out = op(gg, a, b);
      return reduction === 'none' || sameShape(out._shape, g._shape) ? out : at.sumTo(out, g._shape);
    },
    // smooth_l1_loss_double_backward: zeros for beta = 0, else grad·(|input - target| < beta) / beta, / numel for 'mean'
    self: (ggg, a, b) => {
      if (k.h === 0) return at.zerosLike(ggg);
      let out = at.divScalar(at.mul(ggg, nearMask(a, b, k.hv, ggg)), k.h);
      if (reduction === 'mean') out = at.divScalar(out, n, true);
      return out;
    },
  });
  return pointwiseNode(result, 'SmoothL1LossBackward0', p, backwardOf(p, input, target, reduction, kernel), graph);
}
