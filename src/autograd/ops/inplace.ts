// In-place ops: zero_, fill_, copy_, add_, sub_, mul_, div_ and the unary x.op_(). They bump the version
// counter (so that a backward reading an overwritten value fails loudly), refuse what PyTorch's
// check_inplace refuses, and rebase the history: the tensor's grad_fn becomes the op's node, or, for
// a view, its base's becomes CopySlices over that node (PyTorch's rebase_history).

import { RuntimeError } from '../../errors.js';
import { allocStorage, canCast, castScalar, checkScalarFits, convertStorage, dtypeOf, isFloating, scalarTypeName, type Storage } from '../../tensor/dtype.js';
import { broadcastShapes, numel, sameShape, shapeStr, type Shape } from '../../tensor/shape.js';
import { gatherGeom, scatterGeom, syncStorage, type ViewGeom } from '../../tensor/strided.js';
import { Tensor, viewRebaseMessage } from '../../tensor/tensor.js';
import { attach, gradEdge, sumTo } from '../../tensor/autograd/engine.js';
import { is_grad_enabled, is_inference_mode_enabled, no_grad } from '../../tensor/autograd/grad_mode.js';
import { moveRetainHook, Node } from '../../tensor/autograd/node.js';
import { expandTo } from '../../tensor/kernels.js';
import { at } from './at.js';
import { checkNoPartialOverlap } from './overlap.js';
import { hasInternalOverlap } from '../../tensor/strided.js';

const INTERNAL_OVERLAP_MESSAGE =
  'unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation.';

export const LEAF_INPLACE_MESSAGE = 'a leaf Variable that requires grad is being used in an in-place operation.';
const VIEW_OF_LEAF_MESSAGE = 'a view of a leaf Variable that requires grad is being used in an in-place operation.';

const INFERENCE_INPLACE_MESSAGE =
  'Inplace update to inference tensor outside InferenceMode is not allowed.You can make a clone to get a normal tensor before doing inplace update.' +
  'See https://github.com/pytorch/rfcs/pull/17 for more details.';

/** PyTorch's check_inplace, for an in-place op that records a node. */
export function checkInplace(self: Tensor): void {
  const base = self._base;
  if (base !== null) {
    if (self._viewMeta !== 'default') throw new RuntimeError(viewRebaseMessage(self, false));
    if (self.requires_grad && (base._copyViewOf ?? base).is_leaf) throw new RuntimeError(VIEW_OF_LEAF_MESSAGE);
  } else if (self._copyViewOf !== null && self.requires_grad && self._copyViewOf.is_leaf) {
    throw new RuntimeError(VIEW_OF_LEAF_MESSAGE);
  }
  if (self.requires_grad && self.is_leaf) throw new RuntimeError(LEAF_INPLACE_MESSAGE);
}

/** A tensor with a copy of `self`'s current values and its current place in the graph. */
function snapshot(self: Tensor): Tensor {
  const s = new Tensor(self._data.slice(), self._shape);
  const fn = self.grad_fn;
  if (fn !== null) s._setGradFn(fn);
  return s;
}

/**
 * The base's new grad_fn after an in-place `node` on one of its views: the node's backward applied to
 * the view's part of the base's gradient (here views span the whole storage, so all of it).
 */
function copySlices(base: Tensor, node: Node, geom: ViewGeom | null): Node {
  const inner = node._backward;
  const sizes = node._outShape;
  const fn = new Node(
    'torch::autograd::CopySlices',
    [gradEdge(base), ...node.next_functions.slice(1)],
    inner === null ? null : geom === null ? (g, needs) => inner(g, needs) : (g, needs) => copySlicesStorage(g, needs, inner, sizes, geom),
    node._saved,
    [base._shape, ...node._inputShapes.slice(1)],
    [base._dtype, ...node._inputDtypes.slice(1)],
    base._shape,
    base._dtype,
  );
  fn._gradShapes = [null, ...(node._gradShapes ?? node._inputShapes.map(() => null)).slice(1)];
  fn._inner = node;
  // NOTE: CopySlices::release_variables drops its inner node: a second backward through it fails even
  // when that node saved nothing
  fn._release = () => {
    fn._freed = true;
    fn._backward = null;
    fn._graphBackward = null;
    fn._forward = null;
  };
  const graph = node._graphBackward;
  if (graph !== null) fn._graphBackward = (g, needs) => copySlicesGraph(g as Tensor, needs, node, graph, geom);
  if (inner === null) fn._backward = null;
  return fn;
}

/**
 * CopySlices::apply over tensors: the base's gradient copied (new_empty_strided().copy_: CopyBackwards),
 * the node's formula run on a clone of the view's part, and its result copied back into that part.
 */
function copySlicesGraph(g: Tensor, needs: readonly boolean[], node: Node, graph: NonNullable<Node['_graphBackward']>, geom: ViewGeom | null): Array<Tensor | null> {
  const result = at.copy_(at.zerosLike(g), g);
  const slice = geom === null ? at.asStrided(result, node._outShape) : at.asStridedGeom(result, node._outShape, geom);
  const res = graph(at.clone(slice), needs, node) as ReadonlyArray<Tensor | null>;
  const out: Array<Tensor | null> = res.slice();
  if (needs[0] && res[0] !== null) {
    at.copy_(slice, res[0]);
    out[0] = result;
  } else if (needs[0] && geom !== null) {
    at.copy_(slice, at.zerosLike(slice));
    out[0] = result;
  }
  return out;
}

/** CopySlices over storage, for a view at `geom` in its base: the node's backward on the view's part of g. */
function copySlicesStorage(g: Storage, needs: readonly boolean[], inner: NonNullable<Node['_backward']>, sizes: Shape, geom: ViewGeom): Array<Storage | null> {
  const part = gatherGeom(g, sizes, geom, allocStorage(dtypeOf(g), numel(sizes)));
  const res = inner(part, needs);
  const out: Array<Storage | null> = res.slice();
  if (needs[0]) {
    const result = g.slice();
    scatterGeom(res[0] ?? allocStorage(dtypeOf(g), part.length), sizes, geom, result);
    out[0] = result;
  }
  return out;
}

/** Make `self` (just overwritten with `result`'s values) the output of `result`'s node. */
function rebase(self: Tensor, result: Tensor, node: Node): void {
  for (const ref of node._saved) {
    if (ref.tensor === result) {
      ref.tensor = self;
      ref.version = self._version.value;
      ref.original = self._base !== null;
    }
  }
  const base = self._base;
  if (base !== null) {
    base._setGradFn(copySlices(base, node, self._viewGeom));
    return;
  }
  const old = self.grad_fn;
  self._setGradFn(node);
  if (old !== null && old._retained === self) {
    old._retained = null;
    node._retained = self; // retain_grad follows the tensor to its new grad_fn
    moveRetainHook(old, node, self);
  }
}

/**
 * The overlap check of `self` and `other`: TensorIterator's (partial overlap refused, the default),
 * assert_no_overlap's (index_put_: any overlap refused), or none (fill_ with a tensor reads its value first).
 */
export type OverlapCheck = 'partial' | 'any' | 'none';

export interface InplaceChecks {
  /** The check of self against the other input (default 'partial'). */
  overlap?: OverlapCheck;
  /** false: a self whose elements share memory (an expanded tensor) is allowed, as fill_ allows it. */
  internal?: boolean;
  /** copy_'s rule: an integer or bool self is no differentiable output, so nothing is checked or recorded. */
  floatSelfOnly?: boolean;
}

/**
 * Run the out-of-place `op(self)` and write its result into `self`. When a graph is recorded, the op
 * reads a snapshot of `self` (the value before the change), and the history is rebased.
 */
export function applyInplace(self: Tensor, other: Tensor | null, op: (a: Tensor, b: Tensor | null) => Tensor, checks: InplaceChecks = {}): Tensor {
  const { overlap = 'partial', internal = true, floatSelfOnly = false } = checks;
  if (self._inference && !is_inference_mode_enabled()) {
    // NOTE: PyTorch writes the result first and raises afterwards
    self._data.set(no_grad(() => op(self, other))._data);
    syncStorage(self._data);
    throw new RuntimeError(INFERENCE_INPLACE_MESSAGE);
  }
  const differentiable = !floatSelfOnly || isFloating(self._dtype);
  const record = is_grad_enabled() && differentiable && (self.requires_grad || (other !== null && other.requires_grad));
  if (record) checkInplace(self);
  if (internal && hasInternalOverlap(self)) throw new RuntimeError(INTERNAL_OVERLAP_MESSAGE);
  if (other !== null && overlap !== 'none') checkNoPartialOverlap(self, other, overlap === 'any');
  const before = record ? snapshot(self) : null;
  const result = before !== null ? op(before, other) : no_grad(() => op(self, other));
  if (!sameShape(result._shape, self._shape)) {
    throw new RuntimeError(`output with shape ${shapeStr(self._shape)} doesn't match the broadcast shape ${shapeStr(result._shape)}`);
  }
  if (!canCast(result._dtype, self._dtype)) {
    throw new RuntimeError(`result type ${scalarTypeName(result._dtype)} can't be cast to the desired output type ${scalarTypeName(self._dtype)}`);
  }
  self._data.set(result._dtype === self._dtype || isFloating(self._dtype) ? result._data : convertStorage(result._data, self._dtype));
  syncStorage(self._data);
  self._version.value++;
  const node = result.grad_fn;
  if (before !== null && node !== null) {
    originalSelf(before, node);
    rebase(self, result, node);
  }
  return self;
}

/**
 * An in-place op whose formula reads self saves PyTorch's `original_self = self.clone()`: the snapshot's
 * history becomes that clone's (CloneBackward0, made after the node), which formulas over tensors see.
 */
function originalSelf(before: Tensor, node: Node): void {
  if (before.grad_fn === null || !node._saved.some((r) => r.tensor === before)) return;
  const fn = at.clone(before).grad_fn;
  if (fn !== null) before._setGradFn(fn);
}

/** A constant of self's shape and dtype whose node passes a zero gradient to self's history. */
/** `values` as the result of an in-place op on `a` whose gradient is zeros (fill_, zero_, the random draws): `name`'s node when `a` requires grad. */
export function zeroGradResult(a: Tensor, values: Tensor, name: string): Tensor {
  if (!is_grad_enabled() || !a.requires_grad) return values;
  return attach(values, name, [a], () => [allocStorage(a._dtype, a.numel())], [], null, () => [at.zerosLike(a)]);
}

function constantLike(a: Tensor, value: number, name: string): Tensor {
  const data = allocStorage(a._dtype, a.numel());
  data.fill(castScalar(value, a._dtype));
  return zeroGradResult(a, new Tensor(data, a._shape), name);
}

export function fill_(self: Tensor, value: number): Tensor {
  checkScalarFits(value, self._dtype, true);
  return applyInplace(self, null, (a) => constantLike(a, value, 'FillBackward2'), { internal: false });
}

export function zero_(self: Tensor): Tensor {
  return applyInplace(self, null, (a) => constantLike(a, 0, 'ZeroBackward0'), { internal: false });
}

/** Copy `src` (broadcast to self's shape, converted to self's dtype) into `self`: CopyBackwards. */
export function copy_(self: Tensor, src: Tensor): Tensor {
  // NOTE: copy_impl returns at once when src is self (is_same), before TensorIterator's overlap checks
  const internal = src !== self;
  return applyInplace(self, src, (a, b) => {
    const s = b as Tensor;
    const shape = broadcastShapes(a._shape, s._shape); // after check_inplace, as in PyTorch
    if (!sameShape(shape, a._shape)) {
      throw new RuntimeError(`output with shape ${shapeStr(a._shape)} doesn't match the broadcast shape ${shapeStr(shape)}`);
    }
    const values = convertStorage(s._data, a._dtype);
    const out = new Tensor(expandTo(values, s._shape, a._shape, allocStorage(a._dtype, a.numel())), a._shape);
    // NOTE: an integer or bool result cannot require grad: PyTorch records no node
    if (!is_grad_enabled() || !(a.requires_grad || s.requires_grad) || !isFloating(a._dtype)) return out;
    return attach(out, 'torch::autograd::CopyBackwards', [a, s], (g, needs) => [
      needs[0] ? allocStorage(a._dtype, a.numel()) : null,
      needs[1] ? (sameShape(a._shape, s._shape) ? g : sumTo(g, a._shape, s._shape)) : null,
    ], [], null, (g, needs) => [needs[0] ? at.zerosLike(g) : null, needs[1] ? g : null]); // the engine sums and casts src's
  }, { internal, floatSelfOnly: true });
}
