// torch.autograd.Function: custom ops with a user-written forward and backward.
//     class Exp extends torch.autograd.Function {
//       static forward(ctx, x) { const r = x.exp(); ctx.save_for_backward(r); return r; }
//       static backward(ctx, g) { const [r] = ctx.saved_tensors; return g.mul(r); }
//     }
//     const y = Exp.apply(x);   // y.grad_fn is <ExpBackward>
// As in PyTorch the ctx is the outputs' grad_fn (a node named <Class>Backward); forward runs without
// recording, backward with grad mode = create_graph, so a backward made of differentiable ops can be
// differentiated again. _wrap_outputs and PyNode::apply (python_function.cpp) are followed for the
// views, dirty and non-differentiable outputs, and the error texts.

import { ArgumentTypeError, RuntimeError } from '../errors.js';
import { allocStorage } from '../tensor/dtype.js';
import { aliasOf, Tensor } from '../tensor/tensor.js';
import { FREED_MESSAGE, gradEdge, savedError } from '../tensor/autograd/engine.js';
import { is_grad_enabled, no_grad } from '../tensor/autograd/grad_mode.js';
import { Node, type GraphTensor, type OutputMeta, type SavedRef } from '../tensor/autograd/node.js';
import { warn } from '../warnings.js';
import { pythonTypeName } from '../tensor/autograd/execute.js';

/** The ctx of forward and backward, and the outputs' grad_fn (PyTorch's BackwardCFunction). */
export class FunctionCtx extends Node {
  /** Arbitrary attributes, as on PyTorch's ctx. */
  [key: string]: unknown;
  /** Per forward argument: whether it is a tensor that requires grad (and a graph is recorded). */
  needs_input_grad: boolean[] = [];
  private toSave: Array<Tensor | null> = [];
  private savedRefs: Array<SavedRef | null> | null = null;
  private released = false;
  readonly _dirty = new Set<Tensor>();
  readonly _nonDifferentiable = new Set<Tensor>();
  _materializeGrads = true;

  /** Keep tensors (or null) for backward, where `saved_tensors` gives them back. */
  save_for_backward(...tensors: Array<Tensor | null | undefined>): void {
    this.toSave = tensors.map((t) => {
      if (t === null || t === undefined) return null;
      if (!(t instanceof Tensor)) throw new ArgumentTypeError(`save_for_backward can only save variables, but argument ${tensors.indexOf(t)} is of type ${pythonTypeName(t)}`);
      return t;
    });
  }

  /** The saved tensors, with PyTorch's errors once freed or changed in place since. */
  get saved_tensors(): Array<Tensor | null> {
    if (this.savedRefs === null) return this.toSave.slice();
    if (this.released) throw new RuntimeError(FREED_MESSAGE);
    return this.savedRefs.map((ref) => {
      if (ref === null) return null;
      if (ref.tensor._version.value !== ref.version) throw savedError(ref);
      return ref.tensor as Tensor;
    });
  }

  /** Inputs forward changed in place: they become outputs of this node (they must be returned). */
  mark_dirty(...tensors: Tensor[]): void {
    for (const t of tensors) this._dirty.add(t);
  }

  /** Outputs that get no gradient: they do not require grad (backward still receives zeros for them). */
  mark_non_differentiable(...tensors: Tensor[]): void {
    for (const t of tensors) this._nonDifferentiable.add(t);
  }

  /** With false, backward receives null instead of zeros for outputs that got no gradient. */
  set_materialize_grads(value: boolean): void {
    this._materializeGrads = value;
  }

  /** After forward: the saved tensors' versions now, and which are this node's outputs. */
  _commitSaved(outputs: readonly unknown[]): void {
    this.savedRefs = this.toSave.map((t) => {
      if (t === null) return null;
      const nr = outputs.indexOf(t);
      return { tensor: t, version: t._version.value, output: nr >= 0 ? this : null, outputNr: nr >= 0 ? nr : 0 };
    });
  }

  /** PyTorch's release_variables: the saved tensors are gone; the node itself may run again. */
  override _release(): void {
    if (this.savedRefs !== null && this.savedRefs.length > 0) this.released = true;
  }
}

type Args = unknown[];

/** What a Function subclass provides: its static forward and backward. */
export interface FunctionClass {
  readonly name: string;
  forward(ctx: FunctionCtx, ...args: never[]): unknown;
  backward(ctx: FunctionCtx, ...grads: never[]): unknown;
}

const DIRTY_NOT_OUTPUT =
  'Some elements marked as dirty during the forward method were not returned as output. The inputs that are modified inplace must all be outputs of the Function.';

function zerosOf(meta: OutputMeta): Tensor {
  let n = 1;
  for (const s of meta.shape) n *= s;
  return new Tensor(allocStorage(meta.dtype, n), meta.shape);
}

/** One output of forward made the node's output `nr` (PyTorch's _wrap_outputs' set_history). */
function wrapOutput(ctx: FunctionCtx | null, t: Tensor, nr: number, inputs: readonly Tensor[]): Tensor {
  const isInput = inputs.includes(t);
  const dirty = ctx !== null && ctx._dirty.has(t);
  if (ctx === null || ctx._nonDifferentiable.has(t)) {
    if (!t.requires_grad) return isInput && !dirty ? no_grad(() => aliasOf(t, t._shape)) : t;
    return isInput ? t.detach() : t._base === null ? t.detach_() : t;
  }
  if (dirty) {
    if (t.is_leaf && t.requires_grad) throw new RuntimeError('a leaf Variable that requires grad has been used in an in-place operation.');
    if (!isInput) warn('Only input Tensors should be given to ctx.mark_dirty(). If a Tensor is not an input, there is no need to pass it to mark_dirty().');
    if (t._base !== null) throw new RuntimeError('a custom Function modifying a view in place (mark_dirty) is not supported');
    t._setOutput(ctx, nr);
    return t;
  }
  const out = isInput ? no_grad(() => aliasOf(t, t._shape)) : t;
  out._setOutput(ctx, nr);
  return out;
}

/** Run `cls` on `args`: PyTorch's Function.apply. */
function applyFunction(cls: FunctionClass, args: Args): unknown {
  const inputs = args.filter((a): a is Tensor => a instanceof Tensor);
  const record = is_grad_enabled() && inputs.some((t) => t.requires_grad);
  const ctx = new FunctionCtx(
    `${cls.name}Backward`,
    inputs.map((t) => gradEdge(t)),
    null,
    [],
    inputs.map((t) => t._shape),
    inputs.map((t) => t._dtype),
    [],
    'float32',
  );
  ctx.needs_input_grad = args.map((a) => record && a instanceof Tensor && a.requires_grad);
  const raw = no_grad(() => (cls.forward as (ctx: FunctionCtx, ...a: Args) => unknown)(ctx, ...args));
  const isTuple = Array.isArray(raw);
  const outs: unknown[] = isTuple ? (raw as unknown[]).slice() : [raw];
  for (const t of ctx._dirty) if (!outs.includes(t)) throw new RuntimeError(DIRTY_NOT_OUTPUT);
  const wrapped = outs.map((o, nr) => (o instanceof Tensor ? wrapOutput(record ? ctx : null, o, nr, inputs) : o));
  if (record) {
    const meta: OutputMeta[] = outs.map((o) => (o instanceof Tensor ? { shape: o._shape.slice(), dtype: o._dtype } : { shape: [], dtype: 'float32' }));
    ctx._outShape = meta[0].shape;
    ctx._outDtype = meta[0].dtype;
    ctx._commitSaved(outs);
    const tensorOut = outs.map((o) => o instanceof Tensor);
    ctx._setOutputs(meta, (grads) => runBackward(cls, ctx, args, grads as Array<Tensor | null>, meta, tensorOut));
  }
  return isTuple ? wrapped : wrapped[0];
}

/** PyNode::apply: materialise missing gradients, call backward, check what it returns. */
function runBackward(
  cls: FunctionClass,
  ctx: FunctionCtx,
  args: Args,
  grads: ReadonlyArray<Tensor | null>,
  meta: readonly OutputMeta[],
  tensorOut: readonly boolean[],
): Array<GraphTensor | null> {
  const given = grads.map((g, i) => (g !== null ? g : ctx._materializeGrads && tensorOut[i] ? zerosOf(meta[i]) : null));
  const r = (cls.backward as (ctx: FunctionCtx, ...g: Array<Tensor | null>) => unknown)(ctx, ...given);
  let results: unknown[] = Array.isArray(r) ? r.slice() : [r];
  const name = ctx.name();
  if (results.length > args.length && results.slice(args.length).every((x) => x === null || x === undefined)) results = results.slice(0, args.length);
  if (results.length !== args.length) {
    throw new RuntimeError(`function ${name} returned an incorrect number of gradients (expected ${args.length}, got ${results.length})`);
  }
  const out: Array<GraphTensor | null> = [];
  results.forEach((g, i) => {
    if (!(args[i] instanceof Tensor)) {
      if (g !== null && g !== undefined) {
        throw new RuntimeError(`function ${name} returned a gradient different than None at position ${i + 1}, but the corresponding forward input was not a Variable`);
      }
      return;
    }
    if (g === null || g === undefined) out.push(null);
    else if (g instanceof Tensor) out.push(g);
    else throw new RuntimeError(`expected Variable or None (got ${pythonTypeName(g)})`);
  });
  return out;
}

/** torch.autograd.Function: subclass it with static forward(ctx, ...args) and backward(ctx, ...grads). */
export class Function {
  static forward(_ctx: FunctionCtx, ..._args: never[]): unknown {
    throw new RuntimeError('You must implement the forward function for custom autograd.Function.');
  }

  static backward(_ctx: FunctionCtx, ..._grads: never[]): unknown {
    throw new RuntimeError('You must implement either the backward or vjp method for your custom autograd.Function to use it with backward mode AD.');
  }

  /** Run forward on `args` and record the node whose backward is this class's backward. */
  static apply<C extends FunctionClass>(this: C, ...args: ForwardArgs<C>): ForwardResult<C> {
    return applyFunction(this, args) as ForwardResult<C>;
  }
}

/** The arguments of C.forward after ctx. */
export type ForwardArgs<C extends FunctionClass> = C['forward'] extends (ctx: FunctionCtx, ...args: infer A) => unknown ? A : never;
export type ForwardResult<C extends FunctionClass> = C['forward'] extends (...args: never[]) => infer R ? R : never;

/**
 * `@once_differentiable` for a backward: it runs without recording, and a gradient it returns that
 * would need a graph differentiates to PyTorch's DelayedError.
 */
export function once_differentiable<F extends (ctx: FunctionCtx, ...grads: never[]) => unknown>(fn: F): F {
  const wrapper = (ctx: FunctionCtx, ...grads: never[]): unknown => {
    const outputs = no_grad(() => fn(ctx, ...grads));
    if (!is_grad_enabled()) return outputs;
    const requiresGrad = (grads as unknown[]).some((g) => g instanceof Tensor && g.requires_grad);
    if (!requiresGrad) return outputs;
    const list = Array.isArray(outputs) ? outputs : [outputs];
    const delayed = list.map((v) => (v instanceof Tensor ? delayedError(v) : v));
    return Array.isArray(outputs) ? delayed : delayed[0];
  };
  return wrapper as F;
}

const ONCE = 'trying to differentiate twice a function that was marked with @once_differentiable';

function delayedError(v: Tensor): Tensor {
  const leaf = v.detach().requires_grad_(true);
  const out = new Tensor(v._data, v._shape);
  const node = new Node('Error', // PyTorch's DelayedError node prints as <Error>
     [gradEdge(leaf)], () => {
    throw new RuntimeError(ONCE);
  }, [], [v._shape], [v._dtype], v._shape, v._dtype);
  out._setGradFn(node);
  return out;
}
