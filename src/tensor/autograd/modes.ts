// What a gradient is during one backward: plain storage (the usual, fast case) or, with create_graph,
// a tensor whose history is recorded, so that the gradient can itself be differentiated. The walk
// (execute.ts) is written once over a Mode; each mode sums, fits, runs and accumulates its own way.

import { RuntimeError } from '../../errors.js';
import { allocStorage, convertStorage, scalarTypeName, type Storage } from '../dtype.js';
import { numel, sameShape, shapeStr, type Shape } from '../shape.js';
import { FREED_MESSAGE, gradEdge, graphOps, savedError, sumTo, wrapStorage } from './engine.js';
import { no_grad } from './grad_mode.js';
import { Node, type GraphTensor } from './node.js';

export interface Mode<G> {
  /** a + b for two gradients meeting at a node; neither is changed. */
  add(node: Node, a: G, b: G): G;
  /** Input i's gradient brought to that input's shape (sum_to) and dtype. */
  fit(node: Node, i: number, g: G): G;
  /** The node's backward on its output's gradient. */
  run(node: Node, g: G, needs: readonly boolean[]): ReadonlyArray<G | null>;
  /** The backward of a node of several outputs (custom Functions). */
  runMulti(node: Node, gs: ReadonlyArray<G | null>, needs: readonly boolean[]): ReadonlyArray<G | null>;
  /** The gradient as a tensor of `shape`, for hooks. */
  tensor(g: G, shape: Shape): GraphTensor;
  value(t: GraphTensor): G;
  /** Into a leaf's `.grad`. */
  accumulate(leaf: GraphTensor, g: G): void;
  hasNan(g: G): boolean;
  /** Its number of elements. */
  length(g: G): number;
}

/** The freed and in-place checks PyTorch makes before running a node. */
export function checkRunnable(node: Node): void {
  if (node._freed || (node._backward === null && node._graphBackward === null && node._multiBackward === null)) throw new RuntimeError(FREED_MESSAGE);
  for (const ref of node._saved) if (ref.tensor._version.value !== ref.version) throw savedError(ref);
}

/** The shape of input i's gradient as a backward returned it (the input's, or the broadcast one). */
export function returnedShape(node: Node, i: number, length: number): Shape {
  const inShape = node._inputShapes[i];
  return length === numel(inShape) ? inShape : node._gradShapes?.[i] ?? node._outShape;
}

function incompatible(node: Node, i: number, got: Shape): RuntimeError {
  return new RuntimeError(
    `Function ${node.name()} returned an invalid gradient at index ${i} - got ${shapeStr(got)} but expected shape compatible with ${shapeStr(node._inputShapes[i])}`,
  );
}

/** PyTorch's validate_outputs: a returned gradient must have its input's shape or one that sums to it. */
function checkExpandable(node: Node, i: number, shape: Shape): void {
  const inShape = node._inputShapes[i];
  const lead = shape.length - inShape.length;
  if (lead < 0 || !inShape.every((s, d) => s === shape[d + lead] || s === 1)) throw incompatible(node, i, shape);
}

/** Whether `from` is `to` with leading dims of size 1, which sum_to sums too (-0 becomes 0). */
function leadingOnes(from: Shape, to: Shape): boolean {
  const lead = from.length - to.length;
  if (lead <= 0) return false;
  for (let d = 0; d < from.length; d++) if (d < lead ? from[d] !== 1 : from[d] !== to[d - lead]) return false;
  return true;
}

function fitStorage(node: Node, i: number, g: Storage, from: Shape, formula = false): Storage {
  const inShape = node._inputShapes[i];
  // a tensor formula's result has PyTorch's shape, and sum_to sums its leading dims even of size 1
  // (-0 becomes 0 there, as in PyTorch); a storage backward's gradShapes are this library's own
  if (g.length !== numel(inShape) || (formula && leadingOnes(from, inShape))) g = sumTo(g, from, inShape);
  const dtype = node._inputDtypes[i];
  if ((dtype === 'float64') !== g instanceof Float64Array) g = convertStorage(g, dtype);
  return g;
}

function anyNan(s: Storage): boolean {
  for (let i = 0; i < s.length; i++) if (s[i] !== s[i]) return true;
  return false;
}

export const storageMode: Mode<Storage> = {
  add(_node, a, b) {
    const sum = allocStorage(a instanceof Float64Array ? 'float64' : 'float32', a.length);
    for (let i = 0; i < sum.length; i++) sum[i] = a[i] + b[i];
    return sum;
  },
  fit: (node, i, g) => fitStorage(node, i, g, node._gradShapes?.[i] ?? node._outShape),
  run(node, g, needs) {
    if (node._backward !== null) return node._backward(g, needs);
    // a node with only a tensor formula (the ops derivative formulas record): run it unrecorded
    const graph = node._graphBackward as NonNullable<Node['_graphBackward']>;
    const results = no_grad(() => graph(wrapStorage(g, node._outShape), needs, node));
    return results.map((t, i) => {
      if (t === null) return null;
      if (!sameShape(t._shape, node._inputShapes[i])) checkExpandable(node, i, t._shape);
      return fitStorage(node, i, t._data, t._shape, true);
    });
  },
  runMulti(node, gs, needs) {
    const meta = node._outputs;
    const fn = node._multiBackward as NonNullable<Node['_multiBackward']>;
    const results = no_grad(() => fn(gs.map((g, i) => (g === null ? null : wrapStorage(g, meta[i].shape))), needs, node));
    return results.map((t, i) => {
      if (t === null) return null;
      if (!sameShape(t._shape, node._inputShapes[i])) checkExpandable(node, i, t._shape);
      return fitStorage(node, i, t._data, t._shape);
    });
  },
  tensor: (g, shape) => wrapStorage(g, shape),
  value: (t) => t._data,
  accumulate: (leaf, g) => leaf._accumulateGrad(g),
  hasNan: anyNan,
  length: (g) => g.length,
};

/** A result computed without a formula over tensors: it differentiates to PyTorch's not-implemented error. */
function notDifferentiable(node: Node, i: number, s: Storage, grad: GraphTensor): GraphTensor {
  const t = wrapStorage(s, returnedShape(node, i, s.length));
  const sources = [grad, ...node._saved.map((r) => r.tensor)].filter((x) => x.requires_grad);
  if (sources.length === 0) return t;
  const message = `the derivative for '${node.name()}' is not implemented.`;
  const fn = new Node(
    'NotImplemented',
    sources.map(gradEdge),
    () => {
      throw new RuntimeError(message);
    },
    [],
    sources.map((x) => x._shape),
    sources.map((x) => x._dtype),
    t._shape,
    t._dtype,
  );
  t._setGradFn(fn);
  return t;
}

export const graphMode: Mode<GraphTensor> = {
  add: (_node, a, b) => graphOps().add(a, b),
  fit(node, i, g) {
    const inShape = node._inputShapes[i];
    if (!sameShape(g._shape, inShape)) {
      checkExpandable(node, i, g._shape);
      g = graphOps().sumTo(g, inShape);
    }
    const dtype = node._inputDtypes[i];
    return g._dtype === dtype ? g : graphOps().cast(g, dtype);
  },
  run(node, g, needs) {
    if (node._graphBackward !== null) return node._graphBackward(g, needs, node);
    const results = (node._backward as NonNullable<Node['_backward']>)(g._data, needs);
    return results.map((s, i) => (s === null ? null : notDifferentiable(node, i, s, g)));
  },
  runMulti: (node, gs, needs) => (node._multiBackward as NonNullable<Node['_multiBackward']>)(gs, needs, node),
  tensor: (g) => g,
  value: (t) => t,
  accumulate(leaf, g) {
    const ops = graphOps();
    leaf.grad = leaf.grad === null ? ops.copyGrad(g) : ops.add(leaf.grad, g);
  },
  hasNan: (g) => anyNan(g._data),
  length: (g) => g._data.length,
};

/** PyTorch's check of a hook's replacement gradient against the one it was given. */
export function checkHookResult(name: string, original: GraphTensor, result: GraphTensor): void {
  if (original._dtype !== result._dtype) {
    throw new RuntimeError(
      `hook '${name}' has changed the type of value (was torch.${scalarTypeName(original._dtype)}Tensor got torch.${scalarTypeName(result._dtype)}Tensor)`,
    );
  }
  if (!sameShape(original._shape, result._shape)) throw new RuntimeError(`hook '${name}' has changed the size of value`);
}
