// Graph nodes: one Node per recorded result (its grad_fn), AccumulateGrad at the leaves.
// Below the tensor layer: nodes and the engine see a tensor only as a GraphTensor, so that
// tensor.ts imports the engine and never the other way round.

import { RuntimeError } from '../../errors.js';
import type { DType, Storage } from '../dtype.js';
import type { Shape } from '../shape.js';
import { forwardTrace, is_anomaly_enabled } from './anomaly.js';

/** What the engine needs of a tensor; Tensor implements it. */
export interface GraphTensor {
  readonly shape: readonly number[];
  readonly _shape: readonly number[];
  readonly _data: Storage;
  grad: GraphTensor | null;
  readonly _dtype: DType;
  readonly _version: VersionCounter;
  readonly grad_fn: Node | null;
  readonly requires_grad: boolean;
  /** A leaf's own requires_grad flag (false for results and for views). */
  readonly _leafRequiresGrad: boolean;
  /** The leaf's AccumulateGrad node, made once. */
  _gradAccumulator(): AccumulateGrad;
  /** Make this tensor the output of `node`. */
  _setGradFn(node: Node): void;
  /** `.grad += g` in place, or `.grad = copy of g` the first time. */
  _accumulateGrad(g: Storage): void;
  retain_grad(): void;
  /** Which output of its grad_fn this tensor is (PyTorch's output_nr). */
  readonly _outputNr: number;
  /** An inference tensor (made in inference mode). */
  readonly _inference: boolean;
}

/**
 * A backward function: the gradient of the node's output in, one gradient per input out
 * (`null` where `needs[i]` is false or the input gets none). A returned gradient has the input's
 * shape or, for broadcasting ops, the node's `gradShapes[i]`; the engine sums it down.
 */
export type BackwardFn = (grad: Storage, needs: readonly boolean[]) => ReadonlyArray<Storage | null>;

/**
 * The same backward written with differentiable tensor ops, run when a backward creates a graph
 * (create_graph): its results then have grad_fns of their own, as PyTorch's derivatives.yaml
 * formulas do. `node` is the node being run (for its saved output: ops/saved.ts).
 */
export type GraphBackwardFn = (grad: GraphTensor, needs: readonly boolean[], node: Node) => ReadonlyArray<GraphTensor | null>;

/** A function type whose parameters are checked bivariantly, so hooks may be typed with Tensor. */
type Bivariant<F extends (...args: never[]) => unknown> = { hook(...args: Parameters<F>): ReturnType<F> }['hook'];

/** `grad_fn.register_prehook(fn)`: the gradients of the node's outputs in, replacements (or nothing) out. */
export type NodePreHook = Bivariant<(gradOutputs: GraphTensor[]) => ReadonlyArray<GraphTensor | null> | null | undefined | void>;

/** `grad_fn.register_hook(fn)`: the gradients the node computed for its inputs and the ones it was given. */
export type NodePostHook = Bivariant<
  (gradInputs: Array<GraphTensor | null>, gradOutputs: GraphTensor[]) => ReadonlyArray<GraphTensor | null> | null | undefined | void
>;

/**
 * One entry of a node's pre-hooks, run in registration order on the gradient flowing into it: a
 * tensor's hooks (Tensor.register_hook, all of them in one entry as PyTorch's hook dict), the
 * retain_grad hook, or a register_prehook function.
 */
export interface PreHookEntry {
  readonly id: number;
  /** The gradients of the node's outputs in (null where an output got none), replacements out. */
  run(grads: ReadonlyArray<GraphTensor | null>): ReadonlyArray<GraphTensor | null>;
  /** The tensor whose retain_grad hook this is. */
  readonly retains: GraphTensor | null;
}

export interface PostHookEntry {
  readonly id: number;
  fn: NodePostHook;
}

let hookIds = 0;

/** A fresh id for a hook handle. */
export function nextHookId(): number {
  return hookIds++;
}

/** PyTorch's torch.utils.hooks.RemovableHandle: `remove()` unregisters the hook (twice is harmless). */
export class RemovableHandle {
  readonly id: number;
  private readonly detach: () => void;
  constructor(id: number, detach: () => void) {
    this.id = id;
    this.detach = detach;
  }

  remove(): void {
    this.detach();
  }

  toString(): string {
    return '<torch.utils.hooks.RemovableHandle object>';
  }
}

/** Shared by a tensor and its views/detached aliases; bumped by every in-place write. */
export interface VersionCounter {
  value: number;
}

/** A tensor the backward function will read, with the version it had when saved. */
export interface SavedRef {
  tensor: GraphTensor;
  version: number;
  /** The node when the saved tensor is its own output (PyTorch then names that node in the version error). */
  output: Node | null;
  /** Which of the node's outputs it is (custom Functions have several). */
  outputNr?: number;
  /** Saved as a broadcast view of this shape (mse_loss's broadcast_tensors), as the version error shows it. */
  expanded?: Shape;
  /** The output of an in-place op on a view: PyTorch keeps the view itself (saved_original), not an alias. */
  original?: boolean;
}

export type Edge = readonly [Node | null, number];

/**
 * A backward of several outputs (custom Functions): one gradient per output in (null where none came),
 * one per input out. Always over tensors; the engine runs it unrecorded without create_graph.
 */
export type MultiBackwardFn = (grads: ReadonlyArray<GraphTensor | null>, needs: readonly boolean[], node: Node) => ReadonlyArray<GraphTensor | null>;

export interface OutputMeta {
  shape: Shape;
  dtype: DType;
}

interface NodeExtra {
  /** Every output's shape and dtype, for a node of several. */
  outputs: OutputMeta[] | null;
  multi: MultiBackwardFn | null;
  preHooks: PreHookEntry[] | null;
  postHooks: PostHookEntry[] | null;
  inner: Node | null;
  forward: Map<number, unknown> | null;
  trace: string | null;
}

const NO_EXTRA: NodeExtra = { outputs: null, multi: null, preHooks: null, postHooks: null, inner: null, forward: null, trace: null };

let sequenceCounter = 0;
let creationLog: Node[] | null = null;

/** Run `fn`, returning its result and the nodes created meanwhile, in order. */
export function collectNodes<T>(fn: () => T): [T, Node[]] {
  const previous = creationLog;
  const log: Node[] = [];
  creationLog = log;
  try {
    return [fn(), log];
  } finally {
    creationLog = previous;
    if (previous !== null) previous.push(...log);
  }
}

export class Node {
  readonly next_functions: readonly Edge[];
  /** The backward over storage (null for nodes that only have a graph form). */
  _backward: BackwardFn | null;
  /** The backward over tensors, recording a graph (null when the op has none: see engine.ts). */
  _graphBackward: GraphBackwardFn | null = null;
  /** True once its saved values are freed (after a backward without retain_graph). */
  _freed = false;
  /** PyTorch's node saves a tensor that is no input of the graph here (a mask, indices): it is freed too. */
  _holdsValues = false;
  _saved: readonly SavedRef[];
  readonly _inputShapes: readonly Shape[];
  readonly _inputDtypes: readonly DType[];
  _outShape: Shape;
  _outDtype: DType;
  /** Per input: the shape its returned gradient has when that differs from the input's (broadcast). */
  _gradShapes: ReadonlyArray<Shape | null> | null = null;
  /** The non-leaf tensor that asked for `retain_grad()`. */
  _retained: GraphTensor | null = null;
  /** What few nodes have (hooks, anomaly traces ...), kept apart so that every node stays small. */
  private extra: NodeExtra | null = is_anomaly_enabled() ? { ...NO_EXTRA, trace: forwardTrace() } : null;
  // Engine scratch space for one backward pass (valid while _pass equals the engine's pass number).
  _pass = 0;
  _deps = 0;
  _grad: Storage | null = null;
  /**
   * PyTorch's sequence_nr: creation order. The engine runs the ready node made last first, and
   * AccumulateGrad (Infinity) before any other, so partial results before an error match PyTorch's.
   */
  _seq = sequenceCounter++;

  private readonly nodeName: string;

  constructor(
    name: string,
    nextFunctions: readonly Edge[],
    backward: BackwardFn | null,
    saved: readonly SavedRef[],
    inputShapes: readonly Shape[],
    inputDtypes: readonly DType[],
    outShape: Shape,
    outDtype: DType,
  ) {
    if (creationLog !== null) creationLog.push(this);
    this.nodeName = name;
    this.next_functions = nextFunctions;
    this._backward = backward;
    this._saved = saved;
    this._inputShapes = inputShapes;
    this._inputDtypes = inputDtypes;
    this._outShape = outShape;
    this._outDtype = outDtype;
  }

  private ensureExtra(): NodeExtra {
    return (this.extra ??= { ...NO_EXTRA });
  }

  /** How many outputs the node has (1 but for custom Functions), and their shapes and dtypes. */
  get _numOutputs(): number {
    const outputs = this.extra === null ? null : this.extra.outputs;
    return outputs === null ? 1 : outputs.length;
  }
  get _outputs(): readonly OutputMeta[] {
    const outputs = this.extra === null ? null : this.extra.outputs;
    return outputs ?? [{ shape: this._outShape, dtype: this._outDtype }];
  }
  _setOutputs(outputs: OutputMeta[], backward: MultiBackwardFn): void {
    const extra = this.ensureExtra();
    extra.outputs = outputs;
    extra.multi = backward;
  }
  get _multiBackward(): MultiBackwardFn | null {
    return this.extra === null ? null : this.extra.multi;
  }

  /**
   * After a backward without retain_graph (PyTorch's release_variables): a node that saved tensors can
   * not run again. Custom Functions override it (their saved tensors refuse to be read instead).
   */
  _release(): void {
    if (this._saved.length === 0 && !this._holdsValues) return;
    this._freed = true;
    this._backward = null;
    this._graphBackward = null;
    this._forward = null;
  }

  /** Pre-hooks in registration order (tensor hooks, retain_grad, register_prehook); null when none. */
  get _preHooks(): PreHookEntry[] | null {
    return this.extra === null ? null : this.extra.preHooks;
  }
  set _preHooks(v: PreHookEntry[] | null) {
    this.ensureExtra().preHooks = v;
  }
  get _postHooks(): PostHookEntry[] | null {
    return this.extra === null ? null : this.extra.postHooks;
  }
  set _postHooks(v: PostHookEntry[] | null) {
    this.ensureExtra().postHooks = v;
  }
  /** For CopySlices: the in-place op's node it runs on the view's part of the gradient. */
  get _inner(): Node | null {
    return this.extra === null ? null : this.extra.inner;
  }
  set _inner(v: Node | null) {
    this.ensureExtra().inner = v;
  }
  /** Tensors a formula over tensors made once for this node (forwardOf in autograd/ops/at.ts); freed with it. */
  get _forward(): Map<number, unknown> | null {
    return this.extra === null ? null : this.extra.forward;
  }
  set _forward(v: Map<number, unknown> | null) {
    if (v !== null || this.extra !== null) this.ensureExtra().forward = v;
  }
  /** With anomaly detection on: where in the user's code the forward op ran (Error().stack). */
  get _trace(): string | null {
    return this.extra === null ? null : this.extra.trace;
  }

  /** PyTorch's `grad_fn.name()`, e.g. `MulBackward0`. */
  name(): string {
    return this.nodeName;
  }

  /** `grad_fn.register_prehook(fn)`: fn(grad_outputs) may return replacement gradients. */
  register_prehook(fn: NodePreHook): RemovableHandle {
    const name = hookName(fn);
    return this.addEntry((gs) => {
      const out = fn(gs as GraphTensor[]);
      if (out === null || out === undefined) return gs;
      if (out.length !== gs.length) throw new RuntimeError(`hook '${name}' has returned an incorrect number of values (got ${out.length}, but expected ${gs.length})`);
      return out.map((g, i) => g ?? gs[i]);
    }, null);
  }

  /** `grad_fn.register_hook(fn)`: fn(grad_inputs, grad_outputs) runs after the node, and may replace grad_inputs. */
  register_hook(fn: NodePostHook): RemovableHandle {
    const entry: PostHookEntry = { id: nextHookId(), fn };
    const extra = this.ensureExtra();
    (extra.postHooks ??= []).push(entry);
    return new RemovableHandle(entry.id, () => {
      if (this._postHooks !== null) this._postHooks = this._postHooks.filter((e) => e !== entry);
    });
  }

  /** Append a pre-hook on output `output`'s gradient (run only when it has one); the handle removes it. */
  _addPreHook(run: (grad: GraphTensor) => GraphTensor, retains: GraphTensor | null = null, output = 0): RemovableHandle {
    return this.addEntry((gs) => {
      const g = gs[output];
      if (g === null || g === undefined) return gs;
      const out = gs.slice();
      out[output] = run(g);
      return out;
    }, retains);
  }

  private addEntry(run: PreHookEntry['run'], retains: GraphTensor | null): RemovableHandle {
    const entry: PreHookEntry = { id: nextHookId(), run, retains };
    const extra = this.ensureExtra();
    (extra.preHooks ??= []).push(entry);
    return new RemovableHandle(entry.id, () => {
      if (this._preHooks !== null) this._preHooks = this._preHooks.filter((e) => e !== entry);
    });
  }

  /** PyTorch's repr: the class name, without name()'s C++ namespace (`<CopySlices object>`). */
  toString(): string {
    return `<${this.nodeName.replace('torch::autograd::', '')} object>`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** A hook's name as PyTorch's messages show it: the function's name, or <lambda> for an anonymous one. */
export function hookName(fn: { name: string }): string {
  return fn.name === '' ? '<lambda>' : fn.name;
}

/** The node that adds incoming gradients into a leaf's `.grad`. */
export class AccumulateGrad<T extends GraphTensor = GraphTensor> extends Node {
  readonly variable: T;
  constructor(variable: T) {
    super('torch::autograd::AccumulateGrad', [], null, [], [variable._shape], [variable._dtype], variable._shape, variable._dtype);
    this.variable = variable;
    this._seq = Infinity;
  }
}

/** An in-place op gave `t` the grad_fn `to`: its retain_grad hook moves there from `from`. */
export function moveRetainHook(from: Node, to: Node, t: GraphTensor): void {
  const entry = from._preHooks?.find((e) => e.retains === t);
  if (entry === undefined) return;
  from._preHooks = (from._preHooks as PreHookEntry[]).filter((e) => e !== entry);
  to._preHooks = [...(to._preHooks ?? []), entry];
}
