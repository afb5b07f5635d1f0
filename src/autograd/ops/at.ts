// PyTorch's at:: namespace for derivative formulas: the differentiable tensor functions that a backward
// written over tensors (create_graph) calls, each recording the node PyTorch's formula records. The
// object is filled in by ops/bind.ts once every op module is loaded, so that op files can write their
// formulas with each other's ops without importing each other (derivatives are mutually recursive:
// sum's backward is expand, expand's is sum).

import type { DType } from '../../tensor/dtype.js';
import type { Shape } from '../../tensor/shape.js';
import type { ViewGeom } from '../../tensor/strided.js';
import { Tensor } from '../../tensor/tensor.js';
import { collectNodes, type Node } from '../../tensor/autograd/node.js';

type Reduction = 'mean' | 'sum' | 'none';

/** A boolean tensor as the formulas use it (`exponent == 0`): never differentiated, so plain bytes. */
export interface Mask {
  readonly data: Uint8Array;
  readonly shape: Shape;
}

export interface At {
  add(a: Tensor, b: Tensor): Tensor;
  sub(a: Tensor, b: Tensor): Tensor;
  mul(a: Tensor, b: Tensor): Tensor;
  div(a: Tensor, b: Tensor): Tensor;
  /** PowBackward1: a tensor exponent. */
  pow(a: Tensor, b: Tensor): Tensor;
  /** PowBackward0: a number exponent. */
  powScalar(a: Tensor, exponent: number): Tensor;
  /**
   * The Scalar overloads: AddBackward1, SubBackward1, MulBackward1, DivBackward1. `integral`: the C++
   * Scalar is an integer (a literal 2, a numel), which decides the dtype their own backward computes in.
   */
  addScalar(a: Tensor, s: number): Tensor;
  subScalar(a: Tensor, s: number): Tensor;
  mulScalar(a: Tensor, s: number, integral?: boolean): Tensor;
  divScalar(a: Tensor, s: number, integral?: boolean): Tensor;
  neg(a: Tensor): Tensor;
  exp(a: Tensor): Tensor;
  log(a: Tensor): Tensor;
  sqrt(a: Tensor): Tensor;
  reciprocal(a: Tensor): Tensor;
  rsqrt(a: Tensor): Tensor;
  sin(a: Tensor): Tensor;
  cos(a: Tensor): Tensor;
  sinh(a: Tensor): Tensor;
  cosh(a: Tensor): Tensor;
  sigmoid(a: Tensor): Tensor;
  tanh(a: Tensor): Tensor;
  erfinv(a: Tensor): Tensor;
  /** SgnBackward0. */
  sgn(a: Tensor): Tensor;
  /** TanhBackwardBackward0: g·(1 - y²). */
  tanhBackward(g: Tensor, y: Tensor): Tensor;
  /** SigmoidBackwardBackward0: g·(1 - y)·y. */
  sigmoidBackward(g: Tensor, y: Tensor): Tensor;
  /** ThresholdBackwardBackward0: g where x > threshold, else 0. */
  thresholdBackward(g: Tensor, x: Tensor, threshold: number): Tensor;
  /** WhereBackward0 over a, b (the condition is not differentiated). */
  where(cond: Mask, a: Tensor, b: Tensor): Tensor;
  /** MaskedFillBackward0: a number where the mask is set. */
  maskedFill(x: Tensor, mask: Mask, value: number): Tensor;
  /** MaskedFillBackward1: a 0-d tensor's value where the mask is set. */
  maskedFillTensor(x: Tensor, mask: Mask, value: Tensor): Tensor;
  /** MaskedSelectBackward0: the elements where the (broadcast) mask is set, as a 1-d tensor. */
  maskedSelect(x: Tensor, mask: Mask): Tensor;
  /** MaskedScatterBackward0: source's elements, in order, written where the mask is set. */
  maskedScatter(x: Tensor, mask: Mask, source: Tensor): Tensor;
  full(shape: Shape, value: number, dtype: DType): Tensor;
  zerosLike(a: Tensor): Tensor;
  /** mean() (MeanBackward0, dims null) or mean(dims, keepdim=true) (MeanBackward1). */
  meanDims(x: Tensor, dims: readonly number[] | null): Tensor;
  /** SumBackward0 (dims null) or SumBackward1. */
  sum(x: Tensor, dims: readonly number[] | null, keepdim: boolean): Tensor;
  /** ExpandBackward0. */
  expand(x: Tensor, shape: Shape): Tensor;
  /** PyTorch's at::sum_to: sum over leading dims and dims where `shape` has 1, then view. */
  sumTo(x: Tensor, shape: Shape): Tensor;
  /** ReshapeAliasBackward0 (every tensor here is contiguous, so reshape is a view). */
  reshape(x: Tensor, shape: Shape): Tensor;
  view(x: Tensor, shape: Shape): Tensor;
  unsafeView(x: Tensor, shape: Shape): Tensor;
  /** AsStridedBackward0: as_strided(sizes, strides, offset) of a tensor spanning its storage. */
  asStridedGeom(x: Tensor, shape: Shape, geom: ViewGeom): Tensor;
  /** AsStridedBackward0: a view of the whole storage in another shape. */
  asStrided(x: Tensor, shape: Shape): Tensor;
  unsqueeze(x: Tensor, dim: number): Tensor;
  /** SqueezeBackward1 with a dim, SqueezeBackward0 without. */
  squeeze(x: Tensor, dim?: number): Tensor;
  t(x: Tensor): Tensor;
  transpose(x: Tensor, dim0: number, dim1: number): Tensor;
  clone(x: Tensor): Tensor;
  toDtype(x: Tensor, dtype: DType): Tensor;
  /** MmBackward0, MvBackward0, DotBackward0, BmmBackward0. */
  mm(a: Tensor, b: Tensor): Tensor;
  mv(a: Tensor, b: Tensor): Tensor;
  dot(a: Tensor, b: Tensor): Tensor;
  bmm(a: Tensor, b: Tensor): Tensor;
  /** `self.copy_(src)` in place (CopyBackwards; CopySlices on a view). */
  copy_(self: Tensor, src: Tensor): Tensor;
  /** CatBackward0 and StackBackward0 (split's and unbind's formulas). */
  cat(tensors: readonly Tensor[], dim: number): Tensor;
  stack(tensors: readonly Tensor[], dim: number): Tensor;
  /** GatherBackward0, ScatterBackward0 (a src tensor) / ScatterBackward1 (a number), ScatterAddBackward0. */
  gather(x: Tensor, dim: number, index: Tensor): Tensor;
  scatter(x: Tensor, dim: number, index: Tensor, src: Tensor | number): Tensor;
  scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor;
  /** SelectBackward0 (x.select(dim, index)). */
  select(x: Tensor, dim: number, index: number): Tensor;
  /** LogSigmoidBackward0 and LogSigmoidBackwardBackward0. */
  logSigmoid(x: Tensor): Tensor;
  logSigmoidBackward(g: Tensor, x: Tensor): Tensor;
  /** MseLossBackwardBackward0. */
  mseLossBackward(g: Tensor, input: Tensor, target: Tensor, reduction: Reduction): Tensor;
}

/** Filled in by bind.ts. */
export const at = {} as At;

/** The mask of `t`'s elements for which `pred` holds. */
export function maskOf(t: Tensor, pred: (v: number) => boolean): Mask {
  const src = t._data;
  const data = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i++) data[i] = pred(src[i]) ? 1 : 0;
  return { data, shape: t._shape };
}

/** Elementwise `a && b` of two masks of one shape. */
export function maskAnd(a: Mask, b: Mask): Mask {
  const data = new Uint8Array(a.data.length);
  for (let i = 0; i < data.length; i++) data[i] = a.data[i] & b.data[i];
  return { data, shape: a.shape };
}

/**
 * A node's saved output as its formula reads it (PyTorch's SavedVariable::unpack): the saved values,
 * as a tensor whose grad_fn is the node itself, so that a gradient through it flows back into the node.
 */
export function savedOutput(node: Node): Tensor {
  const ref = node._saved.find((r) => r.output === node);
  if (ref === undefined) throw new Error(`internal: ${node.name()} saved no output`);
  const t = ref.tensor as Tensor;
  if (ref.original === true) return t;
  const y = new Tensor(t._data, t._shape, t._version);
  y._setGradFn(node);
  return y;
}

/**
 * A tensor of the composite forward PyTorch runs where this library has one fused node (matmul's
 * unsqueezed input, linear's weight.t() ...), as a formula over tensors needs it: made once per node,
 * and its nodes numbered as if made just before that node, in `rank` order, so that later backward
 * passes run them when PyTorch runs its own (the engine orders ready nodes by that number).
 */
export function forwardOf(node: Node, rank: number, make: () => Tensor): Tensor {
  const cache = node._forward ?? new Map<number, unknown>();
  node._forward = cache;
  const hit = cache.get(rank);
  if (hit !== undefined) return hit as Tensor;
  const [t, nodes] = collectNodes(make);
  nodes.forEach((n, j) => {
    n._seq = node._seq - 1 + (rank + 1) / 64 + (j + 1) / 4096;
  });
  cache.set(rank, t);
  return t;
}
