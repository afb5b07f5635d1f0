// torch.autograd.backward / Tensor.backward and torch.autograd.grad, as torch/autograd/__init__.py and
// python_engine.cpp's run_backward do them: _make_grads, the argument checks in their order, then the
// engine (execute.ts). Below the Tensor class: tensors are GraphTensors, new ones come from wrapStorage.

import { ArgumentTypeError, RuntimeError, ValueError } from '../../errors.js';
import { warn } from '../../warnings.js';
import { allocStorage } from '../dtype.js';
import { checkKeywords, isOptionsObject } from '../keywords.js';
import { sameShape, sizeStr } from '../shape.js';
import { checkGradShape, wrapStorage } from './engine.js';
import { runBackward } from './execute.js';
import type { GraphTensor, Node } from './node.js';

export interface BackwardCallOptions {
  /** Defaults to create_graph. */
  retain_graph?: boolean | null;
  create_graph?: boolean;
  /** Accumulate only into these tensors' `.grad`. */
  inputs?: GraphTensor | readonly GraphTensor[] | null;
}

export interface GradCallOptions {
  retain_graph?: boolean | null;
  create_graph?: boolean;
  allow_unused?: boolean;
  is_grads_batched?: boolean;
  /** Deprecated in PyTorch and ignored (a warning when false). */
  only_inputs?: boolean;
}

export type Many<T> = T | readonly T[];

const BACKWARD_KEYS = new Set(['retain_graph', 'create_graph', 'inputs']);
const GRAD_KEYS = new Set(['retain_graph', 'create_graph', 'allow_unused', 'is_grads_batched', 'only_inputs']);

/**
 * Python's keywords after the tensors: `y.backward({ retain_graph: true })` and
 * `grad(y, x, { create_graph: true })` pass the options where the gradients would go (an options object
 * is never a gradient). Unknown keys are PyTorch's TypeError, under the caller's Python name.
 */
function keywordsOf<G, O extends object>(name: string, given: G | O | null, options: O, allowed: ReadonlySet<string>): [G | null, O] {
  let grads = given as G | null;
  let opts = options;
  if (isOptionsObject(given)) {
    if (Object.keys(options).length > 0) throw new ArgumentTypeError(`${name}() takes the gradients, then one options object: got two options objects`);
    opts = given as unknown as O;
    grads = null;
  }
  checkKeywords(name, [opts], allowed);
  return [grads, opts];
}

const CYCLE_WARNING =
  'Using backward() with create_graph=True will create a reference cycle between the parameter and its gradient which ' +
  'can cause a memory leak. We recommend using autograd.grad when creating the graph to avoid this. If you have to use ' +
  'this function, make sure to reset the .grad fields of your parameters to None after use to break the cycle and avoid the leak.';

function isTensorLike(x: unknown): x is GraphTensor {
  return typeof x === 'object' && x !== null && '_version' in x && 'grad_fn' in x;
}

export function asList<T extends GraphTensor>(x: Many<T>): readonly T[] {
  return isTensorLike(x) ? [x as T] : (x as readonly T[]);
}

/** _tensor_or_tensors_to_tuple: None for every output, one tensor, or a list. */
function gradList(given: Many<GraphTensor | null> | null | undefined, n: number): ReadonlyArray<GraphTensor | null> {
  if (given === null || given === undefined) return new Array<null>(n).fill(null);
  return isTensorLike(given) ? [given] : (given as ReadonlyArray<GraphTensor | null>);
}

function ones(like: GraphTensor): GraphTensor {
  const data = allocStorage(like._dtype, like._data.length);
  data.fill(1);
  return wrapStorage(data, like._shape);
}

/** PyTorch's _make_grads: the given gradients checked, ones for one-element outputs that require grad. */
function makeGrads(outputs: readonly GraphTensor[], grads: ReadonlyArray<GraphTensor | null>, batched: boolean): Array<GraphTensor | null> {
  return outputs.map((out, i) => {
    const g = grads[i] ?? null;
    if (g !== null) {
      if (!isTensorLike(g)) throw new ArgumentTypeError(`gradients can be either Tensors or None, but got ${typeof g}`);
      if (batched) {
        if (!sameShape(out._shape, g._shape.slice(1))) {
          throw new RuntimeError(
            'If `is_grads_batched=True`, we interpret the first dimension of each grad_output as the batch dimension. The sizes of the ' +
              'remaining dimensions are expected to match the shape of corresponding output, but a mismatch was detected: ' +
              `grad_output[${i}] has a shape of ${sizeStr(g._shape)} and output[${i}] has a shape of ${sizeStr(out._shape)}. ` +
              'If you only want some tensors in `grad_output` to be considered batched, consider using vmap.',
          );
        }
      } else checkGradShape(out, g, i);
      return g;
    }
    if (!out.requires_grad) return null;
    if (out._data.length !== 1) throw new RuntimeError('grad can be implicitly created only for scalar outputs');
    return ones(out);
  });
}

/** The nodes backward starts from, with run_backward's error for an output outside the graph. */
function rootsOf(outputs: readonly GraphTensor[]): Node[] {
  return outputs.map((t, i) => {
    if (t.grad_fn !== null) return t.grad_fn;
    if (t._leafRequiresGrad) return t._gradAccumulator();
    throw new RuntimeError(`element ${i} of tensors does not require grad and does not have a grad_fn`);
  });
}

/** `torch.autograd.backward(tensors, grad_tensors, {retain_graph, create_graph, inputs})`. */
export function backwardCall(
  tensors: Many<GraphTensor>,
  given: Many<GraphTensor | null> | BackwardCallOptions | null | undefined,
  givenOptions: BackwardCallOptions = {},
  name = 'backward',
): void {
  const [grad_tensors, options] = keywordsOf<Many<GraphTensor | null>, BackwardCallOptions>(name, given ?? null, givenOptions, BACKWARD_KEYS);
  const inputs = options.inputs === undefined || options.inputs === null ? null : asList(options.inputs);
  if (inputs !== null && inputs.length === 0) throw new RuntimeError("'inputs' argument to backward() cannot be empty.");
  const outs = asList(tensors);
  const grads = makeGrads(outs, gradList(grad_tensors, outs.length), false);
  const createGraph = options.create_graph ?? false;
  const roots = rootsOf(outs);
  let only: Node[] | null = null;
  if (inputs !== null) {
    only = [];
    for (const t of inputs) {
      t.retain_grad(); // PyTorch's run_backward: a non-leaf input keeps its .grad
      if (!t.requires_grad) throw new RuntimeError('One of the differentiated Tensors does not require grad');
      only.push(t.grad_fn ?? t._gradAccumulator());
    }
  }
  if (createGraph) warn(CYCLE_WARNING);
  const rootSlots = outs.map((t) => t._outputNr);
  runBackward({ roots, grads: grads as GraphTensor[], retainGraph: options.retain_graph ?? createGraph, createGraph, accumulateOnly: only, rootSlots });
}

const UNUSED =
  'One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.';

/** `torch.autograd.grad(outputs, inputs, grad_outputs, {retain_graph, create_graph, allow_unused, is_grads_batched})`. */
export function gradCall(
  outputs: Many<GraphTensor>,
  inputs: Many<GraphTensor>,
  given: Many<GraphTensor | null> | GradCallOptions | null | undefined,
  givenOptions: GradCallOptions = {},
): Array<GraphTensor | null> {
  const [grad_outputs, options] = keywordsOf<Many<GraphTensor | null>, GradCallOptions>('grad', given ?? null, givenOptions, GRAD_KEYS);
  if (options.only_inputs === false) {
    warn('only_inputs argument is deprecated and is ignored now (defaults to True). To accumulate gradient for other parts of the graph, please use torch.autograd.backward.');
  }
  const outs = asList(outputs);
  const ins = asList(inputs);
  const batched = options.is_grads_batched ?? false;
  const grads = makeGrads(outs, gradList(grad_outputs, outs.length), batched);
  const createGraph = options.create_graph ?? false;
  const retainGraph = options.retain_graph ?? createGraph;
  if (ins.length === 0) throw new ValueError('grad requires non-empty inputs.');
  if (batched) return batchedGrad(outs, ins, grads, retainGraph, createGraph, options.allow_unused ?? false);
  return gradOnce(outs, ins, grads as GraphTensor[], retainGraph, createGraph, options.allow_unused ?? false);
}

function gradOnce(
  outs: readonly GraphTensor[],
  ins: readonly GraphTensor[],
  grads: readonly GraphTensor[],
  retainGraph: boolean,
  createGraph: boolean,
  allowUnused: boolean,
): Array<GraphTensor | null> {
  const roots = rootsOf(outs); // outputs are checked before inputs, as PyTorch's engine does
  const targets = ins.map((t) => {
    if (!t.requires_grad) throw new RuntimeError('One of the differentiated Tensors does not require grad');
    return t.grad_fn ?? t._gradAccumulator();
  });
  const rootSlots = outs.map((t) => t._outputNr);
  const captured = runBackward({ roots, grads, retainGraph, createGraph, capture: targets, rootSlots });
  return targets.map((node, i) => {
    const g = captured(node, ins[i].grad_fn === null ? 0 : ins[i]._outputNr);
    if (g !== undefined) return g;
    if (allowUnused) return null;
    throw new RuntimeError(UNUSED);
  });
}

/**
 * is_grads_batched: one vector-Jacobian product per slice of the grad_outputs' first dim (PyTorch maps
 * one batched backward with vmap), the results stacked along a new first dim.
 */
function batchedGrad(
  outs: readonly GraphTensor[],
  ins: readonly GraphTensor[],
  grads: ReadonlyArray<GraphTensor | null>,
  retainGraph: boolean,
  createGraph: boolean,
  allowUnused: boolean,
): Array<GraphTensor | null> {
  const given = grads.filter((g): g is GraphTensor => g !== null);
  for (const g of given) {
    if (g._shape.length === 0) {
      throw new ValueError(
        'vmap(vjp, in_dims=0, ...)(<inputs>): Got in_dim=0 for some input, but that input is a Tensor of dimensionality 0 so expected in_dim to satisfy 0 <= in_dim < 0.',
      );
    }
  }
  if (createGraph) throw new RuntimeError('is_grads_batched=True with create_graph=True is not supported (PyTorch batches the backward with vmap)');
  const n = given.length > 0 ? given[0]._shape[0] : 1;
  const per: Array<Array<GraphTensor | null>> = [];
  for (let k = 0; k < n; k++) {
    const slice = grads.map((g) => (g === null ? null : sliceFirst(g, k)));
    per.push(gradOnce(outs, ins, slice as GraphTensor[], k < n - 1 || retainGraph, false, allowUnused));
  }
  return ins.map((t, j) => {
    if (per.every((r) => r[j] === null)) return null;
    const size = t._data.length;
    const data = allocStorage(t._dtype, n * size);
    per.forEach((r, k) => {
      const g = r[j];
      if (g !== null) data.set(g._data, k * size);
    });
    return wrapStorage(data, [n, ...t._shape]);
  });
}

function sliceFirst(g: GraphTensor, k: number): GraphTensor {
  const size = g._data.length / g._shape[0];
  return wrapStorage(g._data.slice(k * size, (k + 1) * size), g._shape.slice(1));
}
