// torch.autograd.backward and torch.autograd.grad (the engine's calls.ts, typed with Tensor).

import type { Tensor } from '../tensor/tensor.js';
import { backwardCall, gradCall, type BackwardCallOptions, type GradCallOptions, type Many } from '../tensor/autograd/calls.js';

export interface GradOptions extends GradCallOptions {
  retain_graph?: boolean | null;
  /** Record the gradients' own graph, so that they can be differentiated (retain_graph then defaults to true). */
  create_graph?: boolean;
  /** Return null for an input the outputs do not depend on, instead of PyTorch's error. */
  allow_unused?: boolean;
  /** The grad_outputs' first dim is a batch: one vector-Jacobian product per slice, stacked. */
  is_grads_batched?: boolean;
}

export interface AutogradBackwardOptions extends BackwardCallOptions {
  inputs?: Tensor | readonly Tensor[] | null;
}

/** `torch.autograd.backward(tensors, grad_tensors, {retain_graph, create_graph, inputs})`: accumulate into `.grad`. */
export function backward(
  tensors: Many<Tensor>,
  grad_tensors: Many<Tensor | null> | AutogradBackwardOptions | null = null,
  options: AutogradBackwardOptions = {},
): void {
  backwardCall(tensors, grad_tensors, options);
}

/**
 * `torch.autograd.grad(outputs, inputs, grad_outputs, options)`: the gradients of `outputs` with respect
 * to `inputs`, returned instead of accumulated (no `.grad` anywhere changes). With create_graph they
 * have grad_fns and can be differentiated again.
 */
export function grad(
  outputs: Many<Tensor>,
  inputs: Many<Tensor>,
  grad_outputs: Many<Tensor | null> | GradOptions | null = null,
  options: GradOptions = {},
): Array<Tensor | null> {
  return gradCall(outputs, inputs, grad_outputs, options) as Array<Tensor | null>;
}
