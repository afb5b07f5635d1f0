// The Tensor: a flat row-major typed array, a shape and a dtype, plus its place in the autograd graph.
// Ops are attached as methods in src/autograd/ops/methods.ts, so this file depends on the engine only
// (which sees a Tensor as a GraphTensor and never imports this file).

import { ArgumentTypeError, RuntimeError, ValueError } from '../errors.js';
import { gradEdge, graphOps, installWrap } from './autograd/engine.js';
import { backwardCall, type BackwardCallOptions } from './autograd/calls.js';
import { checkHookResult } from './autograd/modes.js';
import { pythonTypeName } from './autograd/execute.js';
import { is_grad_enabled, is_inference_mode_enabled } from './autograd/grad_mode.js';
import { AccumulateGrad, hookName, nextHookId, Node, RemovableHandle, type GraphTensor, type VersionCounter } from './autograd/node.js';
import { asSize, type Size } from './size.js';
import { allocStorage, dtypeObject, dtypeOf, get_default_dtype, isFloating, type DType, type Storage, type TorchDType } from './dtype.js';
import { formatTensor } from './format.js';
import { numel, shapeStr, type Shape } from './shape.js';
import { asStridedBackwardStorage, contiguousStrides, viewStrides, type ViewGeom } from './strided.js';

import { flatten, inferShape, type NestedArray, type NestedData } from './nested.js';

export type { NestedArray, NestedData };

export interface BackwardOptions extends BackwardCallOptions {
  inputs?: Tensor | readonly Tensor[] | null;
}

/** A tensor hook: the gradient in, a replacement (same shape and dtype) or nothing out. */
export type TensorHook = (grad: Tensor) => Tensor | null | undefined | void;

interface TensorExtra {
  strides: readonly number[] | null;
  hooks: Map<number, TensorHook> | null;
  outputNr: number;
  /** A copy that stands for a view of this tensor without being one (no op makes such copies now; kept for the checks that read it). */
  copyOf?: Tensor;
  /** For a view with a storage offset or strides (x[0], x[:, 1]): where it is in its base's storage. */
  geom?: ViewGeom;
  /** An output of nonzero(as_tuple=True) / where(cond): PyTorch's views of a multi-output node made without grad. */
  /** PyTorch's storage_offset, where it differs from the geometry's (a view of a tensor laid out as `strides` says). */
  ptOffset?: number;
}

/** The storage and shape of `new Tensor(data)` / `new Tensor(...sizes)`, as torch.Tensor's legacy constructor makes them. */
function legacyData(data: NestedData, rest: readonly unknown[]): [Storage, number[]] {
  const dtype = get_default_dtype();
  if (typeof data === 'number' || rest.some((r) => r !== undefined)) {
    const sizes = [data, ...rest].filter((r) => r !== undefined);
    if (!sizes.every((s) => typeof s === 'number' && Number.isInteger(s) && s >= 0)) {
      throw new ArgumentTypeError(`new(): argument 'size' must be tuple of ints, but found element of type ${typeof sizes.find((s) => typeof s !== 'number')}`);
    }
    const shape = sizes as number[];
    return [allocStorage(dtype, numel(shape)), shape];
  }
  if (!Array.isArray(data)) throw new ArgumentTypeError(`new(): invalid data type '${typeof data}'`);
  const shape = inferShape(data);
  const out = allocStorage(dtype, numel(shape));
  flatten(data, shape, out);
  return [out, shape];
}

export class Tensor implements GraphTensor {
  /** The storage: flat, contiguous, row-major. Shared with views and detached aliases. */
  _data: Storage;
  _shape: readonly number[];
  _version: VersionCounter;
  /**
   * For a view (reshape, view, unsqueeze, squeeze, basic indexing, t, transpose, permute, expand): the
   * tensor it views, which owns the history of the storage (PyTorch's `_base`; always a non-view). A view
   * shares the base's storage, or is a strided copy kept in step with it (strided.ts). An in-place op on a
   * view rebases the base (CopySlices); after any in-place change the view's grad_fn is remade (AsStridedBackward0).
   */
  _base: Tensor | null = null;
  /**
   * A view's CreationMeta: 'no_grad' (made in no_grad mode) and 'multi' (an output of split, chunk or unbind,
   * or a view of one) must not be rebased; a view of a view keeps the earlier one's unless its own is not 'default'.
   */
  _viewMeta: ViewMeta = 'default';
  /** The version at which a view's grad_fn was last set. */
  _attrVersion = 0;
  /** Made in inference mode (or a view of such a tensor): autograd refuses to save it outside that mode. */
  _inference = is_inference_mode_enabled();
  /** What few tensors have (hooks, PyTorch's strides), kept apart so that every tensor stays small. */
  private extra: TensorExtra | null = null;
  private gradFnValue: Node | null = null;
  private requiresGradFlag = false;
  private gradValue: Tensor | null = null;
  private accumulator: AccumulateGrad<Tensor> | null = null;
  private retainsGradFlag = false;
  private sizeCache: Size | null = null;
  private sizeOf: readonly number[] | null = null;

  constructor(data: Storage, shape: readonly number[], version?: VersionCounter);
  /** PyTorch's legacy constructor: `new torch.Tensor([[1, 2]])` (data, default dtype) or `new torch.Tensor(2, 3)` (zeros of that size). */
  constructor(data: NestedData | readonly number[], ...sizes: number[]);
  constructor(data: Storage | NestedData | readonly number[], shapeOrSize?: readonly number[] | number, versionOrSize?: VersionCounter | number, ...sizes: number[]) {
    let shape: readonly number[];
    if (!ArrayBuffer.isView(data)) {
      [data, shape] = legacyData(data as NestedData, [shapeOrSize, versionOrSize, ...sizes]);
      versionOrSize = undefined;
    } else {
      shape = shapeOrSize as readonly number[];
    }
    const version = versionOrSize as VersionCounter | undefined;
    if (data.length !== numel(shape)) {
      throw new RuntimeError(`storage of ${data.length} elements does not fit shape ${shapeStr(shape)}`);
    }
    this._data = data;
    this._shape = shape.slice();
    this._version = version ?? { value: 0 };
  }

  /**
   * The strides PyTorch's tensor would have, when not contiguous (t, transpose, permute, expand, x[:, 1]; their
   * storage here is a contiguous strided copy): read only by the formulas whose ops depend on the layout (autograd/ops/strides.ts).
   */
  get _strides(): readonly number[] | null {
    return this.extra === null ? null : this.extra.strides;
  }
  set _strides(v: readonly number[] | null) {
    if (v !== null || this.extra !== null) (this.extra ??= { strides: null, hooks: null, outputNr: 0 }).strides = v;
  }

  /**
   * The tensor a transposed copy stands for a view of, when it was made without a graph (no_grad, or an
   * input that did not require grad): it requires grad whenever that tensor does, as PyTorch's view does.
   */
  get _copyViewOf(): Tensor | null {
    return this.extra?.copyOf ?? null;
  }
  set _copyViewOf(v: Tensor | null) {
    if (v !== null || this.extra !== null) (this.extra ??= { strides: null, hooks: null, outputNr: 0 }).copyOf = v ?? undefined;
  }

  /** Where a view is in its base's storage (src/tensor/strided.ts); null for a view spanning all of it in order. */
  get _viewGeom(): ViewGeom | null {
    return this.extra?.geom ?? null;
  }
  set _viewGeom(v: ViewGeom | null) {
    if (v !== null || this.extra !== null) (this.extra ??= { strides: null, hooks: null, outputNr: 0 }).geom = v ?? undefined;
  }

  /** PyTorch's storage_offset(): in its base's storage as PyTorch lays it out (`_strides`). */
  get _ptOffset(): number {
    return this.extra?.ptOffset ?? this.extra?.geom?.offset ?? 0;
  }
  set _ptOffset(v: number) {
    if (v !== 0 || this.extra !== null) (this.extra ??= { strides: null, hooks: null, outputNr: 0 }).ptOffset = v;
  }

  /** Which output of its grad_fn this tensor is (PyTorch's output_nr; custom Functions have several). */
  get output_nr(): number {
    return this.extra === null ? 0 : this.extra.outputNr;
  }

  get _outputNr(): number {
    return this.extra === null ? 0 : this.extra.outputNr;
  }

  /** Make this tensor output `nr` of `node`. */
  _setOutput(node: Node, nr: number): void {
    this._setGradFn(node);
    if (nr !== 0 || this.extra !== null) (this.extra ??= { strides: null, hooks: null, outputNr: 0 }).outputNr = nr;
  }

  /** Where the tensor is stored: always the CPU (PyTorch's `torch.device('cpu')` prints as `cpu`). */
  get device(): 'cpu' {
    return 'cpu';
  }

  /** The sizes as a `torch.Size` (made once per shape: internal code reads `_shape`). */
  get shape(): Size {
    if (this.sizeOf !== this._shape) {
      this.sizeCache = asSize(this._shape);
      this.sizeOf = this._shape;
    }
    return this.sizeCache as Size;
  }

  /** The dtype as Python sees it: a `torch.dtype` object (`torch.float32`), compared by identity. */
  get dtype(): TorchDType {
    return dtypeObject(dtypeOf(this._data));
  }

  /** The dtype as the library's string ('float32'), for code that switches on it. */
  get _dtype(): DType {
    return dtypeOf(this._data);
  }

  get ndim(): number {
    return this._shape.length;
  }

  dim(): number {
    return this._shape.length;
  }

  /** `size()` is the shape; `size(d)` one dimension (negative d counts from the end). */
  size(): Size;
  size(dim: number): number;
  size(dim?: number): Size | number {
    if (dim === undefined) return this.shape;
    const d = dim < 0 ? dim + this._shape.length : dim;
    if (d < 0 || d >= this._shape.length) {
      throw new RuntimeError(
        `Dimension out of range (expected to be in range of [${-this.ndim}, ${this.ndim - 1}], but got ${dim})`,
      );
    }
    return this._shape[d];
  }

  numel(): number {
    return this._data.length;
  }

  /** The node that made this tensor; for a view changed in place since, remade as AsStridedBackward0. */
  get grad_fn(): Node | null {
    const base = this._base;
    if (base === null) return this.gradFnValue;
    if (this.gradFnValue === null && !base.requires_grad) return null;
    if (this._attrVersion !== this._version.value) {
      if (this._viewMeta !== 'default') throw new RuntimeError(viewRebaseMessage(this, true));
      this.gradFnValue = viewRegrad(base, this);
      this._attrVersion = this._version.value;
    }
    return this.gradFnValue;
  }

  /** The grad_fn as recorded, without remaking a changed view's (PyTorch's autograd_meta->grad_fn_). */
  get _recordedGradFn(): Node | null {
    return this.gradFnValue;
  }

  /** True for a leaf asked to, for every result of a recorded op, and for a view of either. */
  get requires_grad(): boolean {
    return (
      this.requiresGradFlag ||
      this.gradFnValue !== null ||
      (this._base !== null && this._base.requires_grad) ||
      (this.extra?.copyOf?.requires_grad ?? false)
    );
  }

  set requires_grad(flag: boolean) {
    if (flag && !isFloating(this._dtype)) throw new RuntimeError('only Tensors of floating point dtype can require gradients');
    if (flag && this._inference && !is_inference_mode_enabled()) {
      throw new RuntimeError('Setting requires_grad=True on inference tensor outside InferenceMode is not allowed.');
    }
    if (this.grad_fn !== null && !flag) {
      throw new RuntimeError(
        "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().",
      );
    }
    if (this.grad_fn === null) this.requiresGradFlag = flag;
  }

  /** A leaf's own flag: whether it has an AccumulateGrad (a view of such a leaf does not). */
  get _leafRequiresGrad(): boolean {
    return this.requiresGradFlag;
  }

  /** `requires_grad_()` sets the flag in place and returns this tensor. */
  requires_grad_(flag = true): this {
    this.requires_grad = flag;
    return this;
  }

  /** True for a tensor made in `inference_mode` (and views of one). */
  is_inference(): boolean {
    return this._inference;
  }

  get is_leaf(): boolean {
    return this.grad_fn === null;
  }

  get grad(): Tensor | null {
    return this.gradValue;
  }

  set grad(value: Tensor | null) {
    if (value !== null && (value.ndim !== this.ndim || value._shape.some((s, i) => s !== this._shape[i]))) {
      throw new RuntimeError('assigned grad has data of a different size');
    }
    this.gradValue = value;
  }

  get retains_grad(): boolean {
    return this.retainsGradFlag;
  }

  /**
   * Keep `.grad` on a non-leaf after backward (a no-op on leaves, as in PyTorch): a pre-hook on its
   * grad_fn, run in registration order with the tensor's other hooks, as PyTorch 1.13 does.
   */
  retain_grad(): void {
    if (!this.requires_grad) throw new RuntimeError("can't retain_grad on Tensor that has requires_grad=False");
    if (this.gradFnValue === null) return; // NOTE: PyTorch's is_leaf here does not remake a view's grad_fn
    if (this.retainsGradFlag) return;
    this.retainsGradFlag = true;
    const node = this.grad_fn as Node;
    node._retained = this;
    node._addPreHook((g) => {
      this._retainGrad(g as Tensor);
      return g;
    }, this, this._outputNr);
  }

  /** retain_grad's hook: the first gradient cloned, later ones added (out of place). */
  _retainGrad(g: Tensor): void {
    const prev = this.gradValue;
    if (is_grad_enabled()) {
      // create_graph: clone (CloneBackward0) and add (AddBackward0) are recorded, as in PyTorch
      const ops = graphOps();
      this.gradValue = (prev === null ? ops.clone(g) : ops.add(prev, g)) as Tensor;
      return;
    }
    const out = allocStorage(prev?._dtype ?? g._dtype, g._data.length);
    out.set(g._data);
    if (prev !== null) for (let i = 0; i < out.length; i++) out[i] += prev._data[i];
    this.gradValue = new Tensor(out, g._shape);
  }

  /**
   * `register_hook(fn)`: fn(grad) runs when this tensor's gradient is computed and may return a
   * replacement; the handle's remove() takes it off. On a leaf it runs before accumulation.
   */
  register_hook(hook: TensorHook): RemovableHandle {
    if (!this.requires_grad) throw new RuntimeError("cannot register a hook on a tensor that doesn't require gradient");
    const extra = (this.extra ??= { strides: null, hooks: null, outputNr: 0 });
    if (extra.hooks === null) {
      const hooks = new Map<number, TensorHook>();
      extra.hooks = hooks;
      const node = this.grad_fn ?? this._gradAccumulator();
      node._addPreHook((g) => runTensorHooks(hooks, g as Tensor), null, this.grad_fn === null ? 0 : this._outputNr);
    }
    const id = nextHookId();
    const dict = extra.hooks;
    dict.set(id, hook);
    return new RemovableHandle(id, () => {
      dict.delete(id);
    });
  }

  /** A tensor sharing this storage, outside the graph, with its own version counter (PyTorch's `.data`). */
  get data(): Tensor {
    const d = new Tensor(this._data, this._shape);
    d._inference = this._inference;
    return d;
  }

  /** `x.data = other`: this tensor now uses `other`'s storage, shape and dtype; its graph role stays. */
  set data(other: Tensor) {
    if (!(other instanceof Tensor)) throw new ArgumentTypeError('data must be a Tensor');
    this._data = other._data;
    this._shape = other._shape.slice();
  }

  /** A new leaf sharing storage and version counter; it never requires grad. */
  detach(): Tensor {
    const d = new Tensor(this._data, this._shape, this._version);
    d._inference = this._inference;
    return d;
  }

  /** Detach in place: this tensor becomes a leaf that does not require grad. */
  detach_(): this {
    if (this._base !== null || this._copyViewOf !== null) throw new RuntimeError(DETACH_VIEW_MESSAGE);
    this.gradFnValue = null;
    this.requiresGradFlag = false;
    return this;
  }

  /** The value of a one-element tensor. */
  item(): number {
    if (this._data.length !== 1) {
      throw new ValueError('only one element tensors can be converted to Python scalars');
    }
    return this._data[0];
  }

  /** Nested arrays (a number for a 0-d tensor). */
  tolist(): NestedArray {
    if (this._shape.length === 0) return this._data[0];
    const build = (dim: number, offset: number, stride: number): NestedArray[] => {
      const n = this._shape[dim];
      const inner = stride / n;
      const out: NestedArray[] = new Array(n);
      for (let i = 0; i < n; i++) {
        out[i] = dim === this._shape.length - 1 ? this._data[offset + i] : build(dim + 1, offset + i * inner, inner);
      }
      return out;
    };
    return build(0, 0, this._data.length);
  }

  /** The storage itself (shared, like `Tensor.numpy()`); refused while the tensor requires grad. */
  numpy(): Storage {
    if (this.requires_grad) {
      throw new RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.");
    }
    return this._data;
  }

  /**
   * Backpropagate from this tensor. Without `gradient` it must hold one element; otherwise
   * `gradient` (same shape) is the vector in the vector-Jacobian product.
   */
  backward(gradient?: Tensor | BackwardOptions | null, options: BackwardOptions = {}): void {
    backwardCall(this, gradient ?? null, options, 'Tensor.backward');
  }

  /** The node a backward from this tensor starts at, with PyTorch's error when there is none. */
  rootNode(): Node {
    if (this.grad_fn !== null) return this.grad_fn;
    if (this.requiresGradFlag) return this._gradAccumulator();
    throw new RuntimeError('element 0 of tensors does not require grad and does not have a grad_fn');
  }

  toString(): string {
    return formatTensor({
      data: this._data,
      shape: this._shape,
      dtype: this._dtype,
      gradFnName: this.grad_fn?.name().replace('torch::autograd::', '') ?? null,
      requiresGrad: this.requires_grad,
    });
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  /**
   * A one-element tensor used as a number (`while (y.norm() < 1000)`, `+t`, `Number(t)`) is its value, as
   * PyTorch's `__float__`/`__bool__`; with more elements it is PyTorch's error. In a string it prints.
   */
  [Symbol.toPrimitive](hint: 'number' | 'string' | 'default'): number | string {
    if (hint === 'string' || (hint === 'default' && this._data.length !== 1)) return this.toString();
    return this.item();
  }

  // ---- engine plumbing (underscored: used by the engine and ops, not part of PyTorch's API) ----

  /** Make this tensor the output of `node`. */
  _setGradFn(node: Node): void {
    this.gradFnValue = node;
    this.requiresGradFlag = false;
    this._attrVersion = this._version.value;
    if (this.extra !== null) this.extra.outputNr = 0;
  }

  /** The leaf's AccumulateGrad node, made once. */
  _gradAccumulator(): AccumulateGrad<Tensor> {
    if (this.accumulator === null) this.accumulator = new AccumulateGrad<Tensor>(this);
    return this.accumulator;
  }

  /** `.grad += g` in place, or `.grad = copy of g` the first time. */
  _accumulateGrad(g: Storage): void {
    const current = this.gradValue;
    if (current === null) {
      const copy = allocStorage(this._dtype, g.length);
      copy.set(g);
      this.gradValue = new Tensor(copy, this._shape);
      return;
    }
    const dst = current._data;
    for (let i = 0; i < dst.length; i++) dst[i] += g[i];
    current._version.value++;
  }
}

/** A tensor over existing storage (no copy). */
export function fromStorage(data: Storage, shape: Shape): Tensor {
  return new Tensor(data, shape);
}

/** A view: same storage and version counter, another shape; its base is t's base or t. */
export function aliasOf(t: Tensor, shape: Shape): Tensor {
  const v = new Tensor(t._data, shape, t._version);
  v._base = t._base ?? t;
  const geom = t._viewGeom;
  if (geom !== null) v._viewGeom = { offset: geom.offset, strides: viewStrides(t._shape, geom.strides, shape) ?? contiguousStrides(shape) };
  v._ptOffset = t._ptOffset;
  v._viewMeta = viewMetaOf(t, false);
  v._attrVersion = t._version.value;
  v._inference = t._inference;
  return v;
}

/** PyTorch's CreationMeta of a view (INFERENCE_MODE and IN_CUSTOM_FUNCTION are not kept apart here). */
export type ViewMeta = 'default' | 'no_grad' | 'multi';

/** The CreationMeta of a new view of x (propagate_creation_meta: the new one, unless it is DEFAULT). */
export function viewMetaOf(x: Tensor, multiOutput: boolean): ViewMeta {
  const own: ViewMeta = !is_grad_enabled() ? 'no_grad' : multiOutput ? 'multi' : 'default';
  return own === 'default' ? x._viewMeta : own;
}

/** What PyTorch 1.13 raises for a view made with grad_fn from a view made in no_grad mode, when rebased (its own assertion). */
export const NO_GRAD_VIEW_ASSERT = '!grad_fn INTERNAL ASSERT FAILED at "./torch/csrc/autograd/variable.cpp":792, please report a bug to PyTorch. ';

const NO_GRAD_SUFFIX =
  " Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify your code by moving both the view and the inplace either both inside the no_grad block (if you don't want the inplace to be tracked) or both outside (if you want the inplace to be tracked).";
const MULTI_SUFFIX =
  ' This view is the output of a function that returns multiple views. Such functions do not allow the output views to be modified inplace. You should replace the inplace operation by an out-of-place one.';

/**
 * handle_view_on_rebase: why view v (CreationMeta not DEFAULT) may not be rebased, when it is changed in
 * place itself, or (`indirect`) when its grad_fn is read after its base or another view of it was.
 */
export function viewRebaseMessage(v: Tensor, indirect: boolean): string {
  const fn = v._recordedGradFn;
  if (v._viewMeta === 'no_grad' && fn !== null) return NO_GRAD_VIEW_ASSERT;
  const what = indirect ? 'its base or another view of its base has been' : 'is being';
  const head = fn !== null ? `Output ${v._outputNr} of ${fn.name()} is a view and ${what} modified inplace.` : `A view was created in no_grad mode and ${what} modified inplace with grad mode enabled.`;
  return head + (v._viewMeta === 'multi' ? MULTI_SUFFIX : NO_GRAD_SUFFIX);
}

const DETACH_VIEW_MESSAGE =
  "Can't detach views in-place. Use detach() instead. If you are using DistributedDataParallel (DDP) for training, and " +
  'gradient_as_bucket_view is set as True, gradients are views of DDP buckets, and hence detach_() cannot be called on ' +
  'these gradients. To fix this error, please refer to the Optimizer.zero_grad() function in torch/optim/optimizer.py as the solution.';

/** The grad_fn of a view whose storage was changed in place: the view read out of its base's history. */
function viewRegrad(base: Tensor, view: Tensor): Node {
  const geom = view._viewGeom;
  const shape = view._shape.slice();
  const backward = geom === null ? (g: Storage) => [g] : (g: Storage) => [asStridedBackwardStorage(g, shape, geom, allocStorage(dtypeOf(g), base.numel()))];
  const node = new Node('AsStridedBackward0', [gradEdge(base)], backward, [], [base._shape], [base._dtype], view._shape, view._dtype);
  node._graphBackward = (g) => [graphOps().asStridedBackward(g, base._shape, geom)];
  return node;
}

/** The tensor's hooks in order, each given the previous one's result; PyTorch's checks of what they return. */
function runTensorHooks(hooks: ReadonlyMap<number, TensorHook>, grad: Tensor): Tensor {
  let g = grad;
  for (const hook of [...hooks.values()]) {
    const r = hook(g);
    if (r === null || r === undefined) continue;
    if (!(r instanceof Tensor)) throw new ArgumentTypeError(`expected Variable, but hook returned '${pythonTypeName(r)}'`);
    checkHookResult(hookName(hook), g, r);
    g = r;
  }
  return g;
}

installWrap((data, shape) => new Tensor(data, shape));

export function isTensor(x: unknown): x is Tensor {
  return x instanceof Tensor;
}
