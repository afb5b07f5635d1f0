// The engine: graph wiring at forward time, and the iterative backward walk.
// Everything ops share lives here once: requires_grad propagation, grad mode, broadcasting
// reduction of gradients, dtype casts, leaf-only accumulation, freeing saved values (the walk itself:
// execute.ts, over storage or, with create_graph, over tensors: modes.ts).

import { cascadeSum } from '../cascade_sum.js';
import { RuntimeError } from '../../errors.js';
import { allocStorage, scalarTypeName, type DType, type Storage } from '../dtype.js';
import { numel, sameShape, shapeStr, type Shape } from '../shape.js';
import type { ViewGeom } from '../strided.js';
import { is_grad_enabled, is_inference_mode_enabled } from './grad_mode.js';
import { Node, type BackwardFn, type Edge, type GraphBackwardFn, type GraphTensor, type SavedRef } from './node.js';

/**
 * The tensor ops the engine's own bookkeeping records with create_graph, given by the op layer
 * (autograd/ops/bind.ts), which sits above the tensor and so cannot be imported from here.
 */
export interface GraphOps {
  /** a + b (AddBackward0): summing the gradients that meet at a node. */
  add(a: GraphTensor, b: GraphTensor): GraphTensor;
  /** at::sum_to: a broadcast gradient summed to its input's shape. */
  sumTo(g: GraphTensor, shape: Shape): GraphTensor;
  /** g.to(dtype): a gradient cast to its input's dtype. */
  cast(g: GraphTensor, dtype: DType): GraphTensor;
  /** g.clone(): what retain_grad keeps. */
  clone(g: GraphTensor): GraphTensor;
  /** new_empty_strided(...).copy_(g): what AccumulateGrad keeps the first time. */
  copyGrad(g: GraphTensor): GraphTensor;
  /** as_strided_backward, for the grad_fn of a view whose base changed in place. */
  asStridedBackward(g: GraphTensor, inputShape: Shape, geom?: ViewGeom | null): GraphTensor;
}

let graphOpsValue: GraphOps | null = null;
let wrapValue: ((data: Storage, shape: Shape) => GraphTensor) | null = null;

/** Given by tensor.ts: how the engine makes a tensor over storage (seeds, captured gradients, hooks' arguments). */
export function installWrap(wrap: (data: Storage, shape: Shape) => GraphTensor): void {
  wrapValue = wrap;
}

/** A tensor over `data`, outside any graph. */
export function wrapStorage(data: Storage, shape: Shape): GraphTensor {
  return (wrapValue as (data: Storage, shape: Shape) => GraphTensor)(data, shape);
}

export function installGraphOps(ops: GraphOps): void {
  graphOpsValue = ops;
}

export function graphOps(): GraphOps {
  if (graphOpsValue === null) throw new Error('internal: the tensor ops for create_graph are not loaded (import autograd/ops)');
  return graphOpsValue;
}

/** True when a result computed from `inputs` must record a graph node. */
export function shouldRecord(a: GraphTensor, b?: GraphTensor | null, c?: GraphTensor | null): boolean {
  if (!is_grad_enabled()) return false;
  return a.requires_grad || (b != null && b.requires_grad) || (c != null && c.requires_grad);
}

/** Where a gradient for `t` goes: its grad_fn, its AccumulateGrad (a leaf asked to), or nowhere. */
export function gradEdge(t: GraphTensor): Edge {
  const fn = t.grad_fn;
  if (fn !== null) return [fn, t._outputNr];
  if (t._leafRequiresGrad) return [t._gradAccumulator(), 0];
  return [null, 0];
}

/**
 * Make `out` the result of node `name` over `inputs`. `saved` are the tensors `backward` reads,
 * checked against in-place modification when the backward runs. Returns `out`.
 */
export function attach<T extends GraphTensor>(
  out: T,
  name: string,
  inputs: readonly GraphTensor[],
  backward: BackwardFn | null,
  saved: readonly GraphTensor[] = [],
  gradShapes: ReadonlyArray<Shape | null> | null = null,
  graph: ((grad: T, needs: readonly boolean[], node: Node) => ReadonlyArray<T | null>) | null = null,
): T {
  const edges = new Array<Edge>(inputs.length);
  const shapes = new Array<Shape>(inputs.length);
  const dtypes = new Array<GraphTensor['_dtype']>(inputs.length);
  for (let i = 0; i < inputs.length; i++) {
    edges[i] = gradEdge(inputs[i]);
    shapes[i] = inputs[i]._shape;
    dtypes[i] = inputs[i]._dtype;
  }
  if (saved.some((t) => t._inference) && !is_inference_mode_enabled()) throw new RuntimeError(INFERENCE_SAVED);
  const refs: SavedRef[] = saved.map((t) => ({ tensor: t, version: t._version.value, output: null }));
  const node = new Node(name, edges, backward, refs, shapes, dtypes, out._shape, out._dtype);
  for (const r of refs) if (r.tensor === out) r.output = node;
  node._gradShapes = gradShapes;
  node._graphBackward = graph as GraphBackwardFn | null;
  out._setGradFn(node);
  return out;
}

/** Mark t's node as one that saved a mask or indices (PyTorch's SavedVariable): a backward frees it. */
export function holdsSaved<T extends GraphTensor>(t: T): T {
  const fn = t.grad_fn;
  if (fn !== null) fn._holdsValues = true;
  return t;
}

/**
 * Sum a gradient of shape `from` down to the broadcast-compatible shape `to` (PyTorch's sum_to: the
 * leading dimensions, and those where `to` has size 1), in PyTorch's summation order (cascade_sum.ts).
 */
export function sumTo(grad: Storage, from: Shape, to: Shape): Storage {
  const lead = from.length - to.length;
  const reduced = from.map((s, d) => d < lead || (to[d - lead] === 1 && s !== 1));
  const float32 = !(grad instanceof Float64Array);
  const out = allocStorage(float32 ? 'float32' : 'float64', numel(to));
  out.set(cascadeSum(grad, from, reduced, float32));
  return out;
}

export function savedError(ref: SavedRef): RuntimeError {
  const t = ref.tensor;
  const kind = `torch.${scalarTypeName(t._dtype)}Tensor`;
  // a saved output names the node that saved it; any other tensor its grad_fn now (after the in-place op)
  // a broadcast view saved by PyTorch was remade (AsStridedBackward0) by the in-place change
  const expanded = ref.expanded ?? null;
  const fn = expanded !== null ? (t.requires_grad ? 'AsStridedBackward0' : null) : (ref.output ?? t.grad_fn)?.name() ?? null;
  const origin = fn !== null ? `, which is output ${ref.outputNr ?? 0} of ${fn},` : '';
  return new RuntimeError(
    `one of the variables needed for gradient computation has been modified by an inplace operation: ` +
      `[${kind} ${shapeStr(expanded ?? t._shape)}]${origin} is at version ${t._version.value}; expected version ` +
      `${ref.version} instead. Hint: enable anomaly detection to find the operation that failed to ` +
      `compute its gradient, with torch.autograd.set_detect_anomaly(True).`,
  );
}

const INFERENCE_SAVED =
  'Inference tensors cannot be saved for backward. To work around you can make a clone to get a normal tensor and use it in autograd.';

export const FREED_MESSAGE =
  'Trying to backward through the graph a second time (or directly access saved tensors after they ' +
  'have already been freed). Saved intermediate values of the graph are freed when you call .backward() ' +
  'or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time ' +
  'or if you need to access saved tensors after calling backward.';

/** Check a user-given gradient against the output it is for, with PyTorch's error text. */
export function checkGradShape(out: { readonly _shape: Shape }, grad: { readonly _shape: Shape }, index = 0): void {
  if (!sameShape(out._shape, grad._shape)) {
    throw new RuntimeError(
      `Mismatch in shape: grad_output[${index}] has a shape of torch.Size(${shapeStr(grad._shape)}) and ` +
        `output[${index}] has a shape of torch.Size(${shapeStr(out._shape)}).`,
    );
  }
}
