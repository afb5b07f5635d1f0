// The backward walk: iterative (no recursion over the graph), nodes run in PyTorch's ReadyQueue order,
// hooks and captures where PyTorch's engine has them, over storage or, with create_graph, over
// recorded tensors (modes.ts). Grad mode during the walk is create_graph, as in PyTorch.

import { ArgumentTypeError, RuntimeError } from '../../errors.js';
import { warn } from '../../warnings.js';
import { convertStorage, type DType } from '../dtype.js';
import { is_anomaly_check_nan_enabled, is_anomaly_enabled } from './anomaly.js';
import { graphOps, wrapStorage } from './engine.js';
import { set_grad_enabled } from './grad_mode.js';
import { checkHookResult, checkRunnable, graphMode, returnedShape, storageMode, type Mode } from './modes.js';
import { AccumulateGrad, hookName, type GraphTensor, type Node } from './node.js';

export interface BackwardRequest {
  roots: readonly Node[];
  /** One gradient per root, of its output's shape. */
  grads: readonly GraphTensor[];
  retainGraph: boolean;
  createGraph: boolean;
  /** autograd.grad: the gradients reaching these nodes are returned; nothing is accumulated. */
  capture?: readonly Node[] | null;
  /** backward(inputs=): only these nodes (leaves' accumulators, non-leaves' grad_fns) accumulate. */
  accumulateOnly?: readonly Node[] | null;
  /** Which output of each root the gradient is for (custom Functions' outputs other than the first). */
  rootSlots?: readonly number[] | null;
}

let passCounter = 0;

/** Count, for every node reachable from `roots`, how many edges lead into it (iteratively). */
function countDependencies(roots: readonly Node[], pass: number): void {
  const stack: Node[] = [];
  for (const r of roots) {
    if (r._pass === pass) continue;
    r._pass = pass;
    r._deps = 0;
    r._grad = null;
    stack.push(r);
  }
  while (stack.length > 0) {
    const edges = (stack.pop() as Node).next_functions;
    for (let i = 0; i < edges.length; i++) {
      const next = edges[i][0];
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
 * The nodes from which a target can be reached (PyTorch's exec_info): in autograd.grad and
 * backward(inputs=) only they run, so the rest of the graph keeps its saved values. Iterative post-order.
 */
function neededFor(roots: readonly Node[], targets: ReadonlySet<Node>): Set<Node> {
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
      if (edges.some(([m]) => m !== null && (targets.has(m) || needed.has(m)))) needed.add(node);
    }
  }
  return needed;
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

/** Add g to what node's output `slot` has received (a node of several outputs keeps one slot each). */
function pend<G>(mode: Mode<G>, node: Node, slot: number, g: G): void {
  if (node._numOutputs === 1) {
    const prev = node._grad as G | null;
    node._grad = (prev === null ? g : mode.add(node, prev, g)) as Node['_grad'];
    return;
  }
  const slots = (node._grad as unknown as Array<G | null> | null) ?? new Array<G | null>(node._numOutputs).fill(null);
  const prev = slots[slot];
  slots[slot] = prev === null ? g : mode.add(node, prev, g);
  node._grad = slots as unknown as Node['_grad'];
}

/** The node's pre-hooks over the gradients of its outputs (null where one got none). */
function runPreHooks<G>(mode: Mode<G>, node: Node, grads: ReadonlyArray<G | null>): Array<G | null> {
  const hooks = node._preHooks;
  if (hooks === null || hooks.length === 0) return grads.slice();
  const meta = node._outputs;
  let ts: ReadonlyArray<GraphTensor | null> = grads.map((g, i) => (g === null ? null : mode.tensor(g, meta[i].shape)));
  for (const entry of hooks.slice()) ts = entry.run(ts);
  return ts.map((t) => (t === null ? null : mode.value(t)));
}

/** A Python type name for a hook's wrong return value, as PyTorch's TypeError shows it. */
export function pythonTypeName(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'list';
  return typeof v === 'function' ? 'function' : 'object';
}

function runPostHooks<G>(mode: Mode<G>, node: Node, gs: ReadonlyArray<G | null>, results: ReadonlyArray<G | null>): ReadonlyArray<G | null> {
  const hooks = node._postHooks;
  if (hooks === null || hooks.length === 0) return results;
  const meta = node._outputs;
  const output = gs.map((g, i) => (g === null ? null : mode.tensor(g, meta[i].shape))) as GraphTensor[];
  let inputs = results.map((r, i) => (r === null ? null : mode.tensor(r, returnedShape(node, i, mode.length(r)))));
  for (const { fn } of hooks.slice()) {
    const out = fn(inputs, output);
    if (out === null || out === undefined) continue;
    const name = hookName(fn);
    if (!Array.isArray(out)) throw new ArgumentTypeError(`expected tuple, but hook returned '${pythonTypeName(out)}'`);
    if (out.length !== inputs.length) throw new RuntimeError(`hook '${name}' has returned an incorrect number of values (got ${out.length}, but expected ${inputs.length})`);
    inputs = inputs.map((prev, i) => {
      const r = out[i] as GraphTensor | null | undefined;
      if (r === null || r === undefined) return null;
      if (prev === null) throw new RuntimeError("can't replace a None gradient with a non-None value");
      checkHookResult(name, prev, r);
      return r;
    });
  }
  return inputs.map((t) => (t === null ? null : mode.value(t)));
}

/**
 * Run one node: pre-hooks, its backward; with post-hooks or anomaly detection also the fitting to its
 * inputs (PyTorch's validate_outputs) and what follows it, else the caller fits while propagating.
 */
let evaluatedFitted = false;

function evaluate<G>(mode: Mode<G>, node: Node, grad: G, retainGraph: boolean): ReadonlyArray<G | null> {
  const slotted = node._numOutputs > 1;
  const multi = node._multiBackward !== null;
  let g = grad;
  let gs: Array<G | null> | null = null;
  if (slotted || multi || node._preHooks !== null) {
    gs = runPreHooks(mode, node, slotted ? (grad as unknown as Array<G | null>) : [grad]);
    g = gs[0] as G;
  }
  checkRunnable(node);
  const edges = node.next_functions;
  const needs = new Array<boolean>(edges.length);
  for (let i = 0; i < edges.length; i++) needs[i] = edges[i][0] !== null;
  const results = multi ? mode.runMulti(node, gs as Array<G | null>, needs) : mode.run(node, g, needs);
  if (!retainGraph) node._release();
  const nanCheck = is_anomaly_enabled() && is_anomaly_check_nan_enabled();
  evaluatedFitted = node._postHooks !== null || nanCheck;
  if (!evaluatedFitted) return results;
  let fitted: ReadonlyArray<G | null> = results.map((r, i) => (r === null || edges[i][0] === null ? null : mode.fit(node, i, r)));
  // NOTE: PyTorch's post-hooks see the gradients after validate_outputs (summed to the inputs' shapes, cast)
  fitted = runPostHooks(mode, node, gs ?? [g], fitted);
  if (nanCheck) {
    fitted.forEach((r, i) => {
      if (r !== null && mode.hasNan(r)) throw new RuntimeError(`Function '${node.name()}' returned nan values in its ${i}th output.`);
    });
  }
  return fitted;
}

/** With anomaly detection: PyTorch's warning naming the node and where its forward op ran. */
function reportAnomaly(node: Node): void {
  const name = node.name();
  if (node._trace === null) {
    warn(`Error detected in ${name}. No forward pass information available. Enable detect anomaly during forward pass for more information.`);
  } else {
    warn(`Error detected in ${name}. Traceback of forward call that caused the error:\n${node._trace}`);
  }
}

function execute<G>(mode: Mode<G>, req: BackwardRequest, seeds: readonly G[]): Map<Node, G | Array<G | null>> {
  const { roots, retainGraph } = req;
  countDependencies(roots, ++passCounter);
  for (let i = 0; i < roots.length; i++) pend(mode, roots[i], req.rootSlots?.[i] ?? 0, seeds[i]);
  const capture = req.capture == null ? null : new Set(req.capture);
  const only = req.accumulateOnly == null ? null : new Set(req.accumulateOnly);
  const targets = capture ?? only;
  const needed = targets === null ? null : neededFor(roots, targets);
  if (only !== null) for (const n of only) (needed as Set<Node>).add(n);
  const captured = new Map<Node, G | Array<G | null>>();
  const ready = new ReadyQueue();
  for (const r of roots) if (r._deps === 0 && !ready.has(r)) ready.push(r);
  while (ready.size > 0) {
    const node = ready.pop();
    const grad = node._grad as G | null;
    node._grad = null;
    // NOTE: PyTorch 1.13 captures before the node's pre-hooks run (and runs none of a node it only captures)
    if (grad !== null && capture !== null && capture.has(node)) captured.set(node, grad);
    const runs = grad !== null && (needed === null || needed.has(node));
    if (node instanceof AccumulateGrad) {
      // NOTE: a leaf detached in place since the graph was built gets nothing (PyTorch's AccumulateGrad)
      if (runs && node.variable.requires_grad) mode.accumulate(node.variable, runPreHooks(mode, node, [grad as G])[0] as G);
      continue;
    }
    let results: ReadonlyArray<G | null> | null = null;
    let fitted = false;
    // NOTE: PyTorch 1.13's CopySlices adds its inner node's next nodes to what runs (a workaround in
    // CopySlices::apply): in autograd.grad a leaf behind an in-place op on a view then gets its .grad
    if (runs && needed !== null && node._inner !== null) for (const [n] of node._inner.next_functions) if (n !== null) needed.add(n);
    if (runs) {
      try {
        results = evaluate(mode, node, grad as G, retainGraph);
        fitted = evaluatedFitted;
      } catch (e) {
        if (is_anomaly_enabled()) reportAnomaly(node);
        throw e;
      }
    }
    const edges = node.next_functions;
    for (let i = 0; i < edges.length; i++) {
      const next = edges[i][0];
      if (next === null) continue;
      const g = results === null ? null : results[i];
      if (g != null) pend(mode, next, edges[i][1], fitted ? g : mode.fit(node, i, g));
      if (--next._deps === 0) ready.push(next);
    }
  }
  return captured;
}

/** The gradients autograd.grad captured: the one that reached output `nr` of a node. */
export type Captured = (node: Node, nr: number) => GraphTensor | undefined;

/**
 * Backpropagate `req.grads` from `req.roots`. Returns the captured gradients (autograd.grad) as tensors;
 * with create_graph they carry their own history.
 */
export function runBackward(req: BackwardRequest): Captured {
  return set_grad_enabled(req.createGraph, () => {
    const slot = <G>(v: G | Array<G | null> | undefined, node: Node, nr: number): G | null | undefined =>
      v === undefined ? undefined : node._numOutputs > 1 ? (v as Array<G | null>)[nr] : (v as G);
    if (req.createGraph) {
      const seeds = req.grads.map((g, i) => (g._dtype === dtypeOf(req, i) ? g : graphOps().cast(g, dtypeOf(req, i))));
      const captured = execute(graphMode, req, seeds);
      return (node, nr) => slot(captured.get(node), node, nr) ?? undefined;
    }
    const seeds = req.grads.map((g, i) => (g._dtype === dtypeOf(req, i) ? g._data : convertStorage(g._data, dtypeOf(req, i))));
    const captured = execute(storageMode, req, seeds);
    return (node, nr) => {
      const g = slot(captured.get(node), node, nr);
      return g === undefined || g === null ? undefined : wrapStorage(g.slice(), node._outputs[nr].shape);
    };
  });
}

/** The dtype of the root output a seed is for. */
function dtypeOf(req: BackwardRequest, i: number): DType {
  return req.roots[i]._outputs[req.rootSlots?.[i] ?? 0].dtype;
}
