// torch.autograd.backward and torch.autograd.grad on top of the engine.

import { RuntimeError } from '../errors.js';
import { allocStorage, type Storage } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { checkGradShape, runBackward } from '../tensor/autograd/engine.js';
import type { Node } from '../tensor/autograd/node.js';

export interface GradOptions {
  retain_graph?: boolean;
  allow_unused?: boolean;
}

function asList(x: Tensor | readonly Tensor[]): readonly Tensor[] {
  return x instanceof Tensor ? [x] : x;
}

/** The gradient a backward starts from: ones for a one-element output, else the given one. */
function seedGrads(outputs: readonly Tensor[], given: ReadonlyArray<Tensor | null> | null): Storage[] {
  return outputs.map((out, i) => {
    const g = given?.[i] ?? null;
    if (g === null) {
      // PyTorch's _make_grads asks for a scalar only of outputs that require grad (the engine refuses the rest)
      if (out.numel() !== 1 && out.requires_grad) throw new RuntimeError('grad can be implicitly created only for scalar outputs');
      const one = allocStorage(out.dtype, 1);
      one[0] = 1;
      return one;
    }
    checkGradShape(out, g, i);
    return g._data;
  });
}

/** `torch.autograd.backward(tensors, grad_tensors)`: accumulate into the leaves' `.grad`. */
export function backward(
  tensors: Tensor | readonly Tensor[],
  grad_tensors: Tensor | ReadonlyArray<Tensor | null> | null = null,
  options: { retain_graph?: boolean } = {},
): void {
  const outs = asList(tensors);
  const given = grad_tensors === null ? null : grad_tensors instanceof Tensor ? [grad_tensors] : grad_tensors;
  const seeds = seedGrads(outs, given); // PyTorch's _make_grads runs before the engine's checks
  runBackward(outs.map((t) => t.rootNode()), seeds, options.retain_graph ?? false);
}

/**
 * `torch.autograd.grad(outputs, inputs, grad_outputs)`: the gradients of `outputs` with respect to
 * `inputs`, returned instead of accumulated (no `.grad` anywhere changes).
 */
export function grad(
  outputs: Tensor | readonly Tensor[],
  inputs: Tensor | readonly Tensor[],
  grad_outputs: Tensor | ReadonlyArray<Tensor | null> | null = null,
  options: GradOptions = {},
): Array<Tensor | null> {
  const outs = asList(outputs);
  const ins = asList(inputs);
  const given = grad_outputs === null ? null : grad_outputs instanceof Tensor ? [grad_outputs] : grad_outputs;
  const seeds = seedGrads(outs, given);
  const roots = outs.map((t) => t.rootNode()); // outputs are checked before inputs, as PyTorch's engine does
  const targets: Node[] = ins.map((t) => {
    if (!t.requires_grad) throw new RuntimeError('One of the differentiated Tensors does not require grad');
    return t.grad_fn ?? t._gradAccumulator();
  });
  const captured = runBackward(roots, seeds, options.retain_graph ?? false, new Set(targets));
  return ins.map((t, i) => {
    const g = captured.get(targets[i]);
    if (g === undefined) {
      if (options.allow_unused === true) return null;
      throw new RuntimeError('One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.');
    }
    const copy = allocStorage(t.dtype, g.length);
    copy.set(g);
    return new Tensor(copy, t.shape);
  });
}
