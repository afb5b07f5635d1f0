// Graph nodes: one Node per recorded result (its grad_fn), AccumulateGrad at the leaves.
// Below the tensor layer: nodes and the engine see a tensor only as a GraphTensor, so that
// tensor.ts imports the engine and never the other way round.

import type { DType, Storage } from '../dtype.js';
import type { Shape } from '../shape.js';

/** What the engine needs of a tensor; Tensor implements it. */
export interface GraphTensor {
  readonly shape: readonly number[];
  readonly dtype: DType;
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
}

/**
 * A backward function: the gradient of the node's output in, one gradient per input out
 * (`null` where `needs[i]` is false or the input gets none). A returned gradient has the input's
 * shape or, for broadcasting ops, the node's `gradShapes[i]`; the engine sums it down.
 */
export type BackwardFn = (grad: Storage, needs: readonly boolean[]) => ReadonlyArray<Storage | null>;

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
  /** Saved as a broadcast view of this shape (mse_loss's broadcast_tensors), as the version error shows it. */
  expanded?: Shape;
}

export type Edge = readonly [Node | null, number];

let sequenceCounter = 0;

export class Node {
  readonly next_functions: readonly Edge[];
  /** null once its saved values are freed (after a backward without retain_graph). */
  _backward: BackwardFn | null;
  readonly _saved: readonly SavedRef[];
  readonly _inputShapes: readonly Shape[];
  readonly _inputDtypes: readonly DType[];
  readonly _outShape: Shape;
  readonly _outDtype: DType;
  /** Per input: the shape its returned gradient has when that differs from the input's (broadcast). */
  _gradShapes: ReadonlyArray<Shape | null> | null = null;
  /** The non-leaf tensor that asked for `retain_grad()`. */
  _retained: GraphTensor | null = null;
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
    this.nodeName = name;
    this.next_functions = nextFunctions;
    this._backward = backward;
    this._saved = saved;
    this._inputShapes = inputShapes;
    this._inputDtypes = inputDtypes;
    this._outShape = outShape;
    this._outDtype = outDtype;
  }

  /** PyTorch's `grad_fn.name()`, e.g. `MulBackward0`. */
  name(): string {
    return this.nodeName;
  }

  toString(): string {
    return `<${this.nodeName} object>`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** The node that adds incoming gradients into a leaf's `.grad`. */
export class AccumulateGrad<T extends GraphTensor = GraphTensor> extends Node {
  readonly variable: T;
  constructor(variable: T) {
    super('AccumulateGrad', [], null, [], [variable.shape], [variable.dtype], variable.shape, variable.dtype);
    this.variable = variable;
    this._seq = Infinity;
  }
}
