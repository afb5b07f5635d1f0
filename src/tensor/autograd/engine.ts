// The engine: graph wiring at forward time, and the iterative backward walk.
// Everything ops share lives here once: requires_grad propagation, grad mode, broadcasting
// reduction of gradients, dtype casts, leaf-only accumulation, freeing saved values.

import { cascadeSum } from '../cascade_sum.js';
import { RuntimeError } from '../../errors.js';
import { allocStorage, convertStorage, scalarTypeName, type Storage } from '../dtype.js';
import { numel, sameShape, shapeStr, type Shape } from '../shape.js';
import { is_grad_enabled } from './grad_mode.js';
import { AccumulateGrad, Node, type BackwardFn, type Edge, type GraphTensor, type SavedRef } from './node.js';

/** True when a result computed from `inputs` must record a graph node. */
export function shouldRecord(a: GraphTensor, b?: GraphTensor | null, c?: GraphTensor | null): boolean {
  if (!is_grad_enabled()) return false;
  return a.requires_grad || (b != null && b.requires_grad) || (c != null && c.requires_grad);
}

/** Where a gradient for `t` goes: its grad_fn, its AccumulateGrad (a leaf asked to), or nowhere. */
export function gradEdge(t: GraphTensor): Edge {
  const fn = t.grad_fn;
  if (fn !== null) return [fn, 0];
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
  backward: BackwardFn,
  saved: readonly GraphTensor[] = [],
  gradShapes: ReadonlyArray<Shape | null> | null = null,
): T {
  const edges = new Array<Edge>(inputs.length);
  const shapes = new Array<Shape>(inputs.length);
  const dtypes = new Array<GraphTensor['dtype']>(inputs.length);
  for (let i = 0; i < inputs.length; i++) {
    edges[i] = gradEdge(inputs[i]);
    shapes[i] = inputs[i].shape;
    dtypes[i] = inputs[i].dtype;
  }
  const refs: SavedRef[] = saved.map((t) => ({ tensor: t, version: t._version.value, output: null }));
  const node = new Node(name, edges, backward, refs, shapes, dtypes, out.shape, out.dtype);
  for (const r of refs) if (r.tensor === out) r.output = node;
  node._gradShapes = gradShapes;
  out._setGradFn(node);
  return out;
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

let passCounter = 0;

function savedError(ref: SavedRef): RuntimeError {
  const t = ref.tensor;
  const kind = `torch.${scalarTypeName(t.dtype)}Tensor`;
  // a saved output names the node that saved it; any other tensor its grad_fn now (after the in-place op)
  // a broadcast view saved by PyTorch was remade (AsStridedBackward0) by the in-place change
  const expanded = ref.expanded ?? null;
  const fn = expanded !== null ? (t.requires_grad ? 'AsStridedBackward0' : null) : (ref.output ?? t.grad_fn)?.name() ?? null;
  const origin = fn !== null ? `, which is output 0 of ${fn},` : '';
  return new RuntimeError(
    `one of the variables needed for gradient computation has been modified by an inplace operation: ` +
      `[${kind} ${shapeStr(expanded ?? t.shape)}]${origin} is at version ${t._version.value}; expected version ` +
      `${ref.version} instead. Hint: enable anomaly detection to find the operation that failed to ` +
      `compute its gradient, with torch.autograd.set_detect_anomaly(True).`,
  );
}

export const FREED_MESSAGE =
  'Trying to backward through the graph a second time (or directly access saved tensors after they ' +
  'have already been freed). Saved intermediate values of the graph are freed when you call .backward() ' +
  'or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time ' +
  'or if you need to access saved tensors after calling backward.';

/** Add `g` into `node._grad`, never mutating a buffer the engine did not allocate itself. */
function addPending(node: Node, g: Storage): void {
  const prev = node._grad;
  if (prev === null) {
    node._grad = g;
    return;
  }
  const sum = allocStorage(node._outDtype, prev.length);
  for (let i = 0; i < sum.length; i++) sum[i] = prev[i] + g[i];
  node._grad = sum;
}

/** Count, for every node reachable from `roots`, how many edges lead into it (iteratively). */
function countDependencies(roots: readonly Node[], pass: number): void {
  const stack: Node[] = [];
  for (const r of roots) {
    if (r._pass !== pass) {
      r._pass = pass;
      r._deps = 0;
      r._grad = null;
      stack.push(r);
    }
  }
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    for (const [next] of node.next_functions) {
      if (next === null) continue;
      if (next._pass !== pass) {
        next._pass = pass;
        next._deps = 0;
        next._grad = null;
        stack.push(next);
      }
      next._deps++;
    }
  }
}

/**
 * The nodes from which a captured node can be reached (PyTorch's exec_info): in autograd.grad only they
 * run, so the rest of the graph keeps its saved values. Iterative post-order walk.
 */
function neededFor(roots: readonly Node[], capture: ReadonlySet<Node>): Set<Node> {
  const needed = new Set<Node>();
  const done = new Set<Node>();
  const stack: Array<[Node, number]> = roots.map((r) => [r, 0]);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const node = top[0];
    const edges = node.next_functions;
    if (done.has(node)) {
      stack.pop();
    } else if (top[1] < edges.length) {
      const next = edges[top[1]++][0];
      if (next !== null && !done.has(next)) stack.push([next, 0]);
    } else {
      stack.pop();
      done.add(node);
      if (edges.some(([m]) => m !== null && (capture.has(m) || needed.has(m)))) needed.add(node);
    }
  }
  return needed;
}

/** Bring a returned gradient to input `i`'s shape and dtype. */
function fitToInput(node: Node, i: number, g: Storage): Storage {
  const inShape = node._inputShapes[i];
  if (g.length !== numel(inShape)) {
    const from = node._gradShapes?.[i] ?? node._outShape;
    g = sumTo(g, from, inShape);
  }
  const dtype = node._inputDtypes[i];
  if ((dtype === 'float64') !== g instanceof Float64Array) g = convertStorage(g, dtype);
  return g;
}

function runNode(node: Node, grad: Storage, retainGraph: boolean): ReadonlyArray<Storage | null> {
  const fn = node._backward;
  if (fn === null) throw new RuntimeError(FREED_MESSAGE);
  for (const ref of node._saved) if (ref.tensor._version.value !== ref.version) throw savedError(ref);
  const needs = node.next_functions.map(([next]) => next !== null);
  const grads = fn(grad, needs);
  if (!retainGraph && node._saved.length > 0) node._backward = null;
  return grads;
}

/** A max-heap of ready nodes by sequence number (PyTorch's ReadyQueue order). */
class ReadyQueue {
  private readonly heap: Node[] = [];
  get size(): number {
    return this.heap.length;
  }
  has(node: Node): boolean {
    return this.heap.includes(node);
  }
  push(node: Node): void {
    const h = this.heap;
    h.push(node);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p]._seq >= h[i]._seq) break;
      [h[p], h[i]] = [h[i], h[p]];
      i = p;
    }
  }
  pop(): Node {
    const h = this.heap;
    const top = h[0];
    const last = h.pop() as Node;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && h[l]._seq > h[m]._seq) m = l;
        if (r < h.length && h[r]._seq > h[m]._seq) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i], h[m]];
        i = m;
      }
    }
    return top;
  }
}

/**
 * Backpropagate `grads` from `roots`. With `capture` (autograd.grad), gradients reaching the captured
 * nodes are returned in a map instead of being accumulated into any `.grad`.
 */
export function runBackward(
  roots: readonly Node[],
  grads: readonly Storage[],
  retainGraph: boolean,
  capture: ReadonlySet<Node> | null = null,
): Map<Node, Storage> {
  const pass = ++passCounter;
  countDependencies(roots, pass);
  for (let i = 0; i < roots.length; i++) addPending(roots[i], grads[i]);
  const captured = new Map<Node, Storage>();
  const needed = capture === null ? null : neededFor(roots, capture);
  const ready = new ReadyQueue();
  for (const r of roots) if (r._deps === 0 && !ready.has(r)) ready.push(r);
  while (ready.size > 0) {
    const node = ready.pop() as Node;
    const grad = node._grad;
    node._grad = null;
    if (grad !== null && capture !== null && capture.has(node)) captured.set(node, grad);
    if (node instanceof AccumulateGrad) {
      // NOTE: a leaf detached in place since the graph was built gets nothing (PyTorch's AccumulateGrad)
      if (grad !== null && capture === null && node.variable.requires_grad) node.variable._accumulateGrad(grad);
      continue;
    }
    if (grad !== null && node._retained !== null && capture === null) node._retained._accumulateGrad(grad);
    const results = grad === null || (needed !== null && !needed.has(node)) ? null : runNode(node, grad, retainGraph);
    const edges = node.next_functions;
    for (let i = 0; i < edges.length; i++) {
      const next = edges[i][0];
      if (next === null) continue;
      const g = results === null ? null : results[i];
      if (g != null) addPending(next, fitToInput(node, i, g));
      if (--next._deps === 0) ready.push(next);
    }
  }
  return captured;
}

/** Check a user-given gradient against the output it is for, with PyTorch's error text. */
export function checkGradShape(out: { readonly shape: Shape }, grad: { readonly shape: Shape }, index = 0): void {
  if (!sameShape(out.shape, grad.shape)) {
    throw new RuntimeError(
      `Mismatch in shape: grad_output[${index}] has a shape of torch.Size(${shapeStr(grad.shape)}) and ` +
        `output[${index}] has a shape of torch.Size(${shapeStr(out.shape)}).`,
    );
  }
}
