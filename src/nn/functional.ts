// torch.nn.functional: the fused ops, the activations and dropout.

import { registry } from '../autograd/ops/registry.js';
import type { Tensor } from '../tensor/tensor.js';
import { warn } from '../warnings.js';

export { linear, mse_loss, binary_cross_entropy_with_logits, type Reduction, type BCEOptions } from '../autograd/ops/nn.js';
export { sigmoid, tanh } from '../autograd/ops/index.js';
export { leaky_relu, softplus, gelu, elu, silu, type GeluApproximate } from '../autograd/ops/activations.js';
export { dropout, type DropoutOptions } from './dropout.js';

/** `F.relu(input, inplace=False)`: torch.relu, or relu_ in place. */
export function relu(input: Tensor, inplace = false): Tensor {
  return inplace ? registry.relu.inplace(input) : registry.relu.fn(input);
}

/** PyTorch's _get_softmax_dim: dim 0 for 0-, 1- and 3-d inputs, else 1, with its deprecation warning. */
function implicitSoftmaxDim(name: string, ndim: number): number {
  warn(`Implicit dimension choice for ${name} has been deprecated. Change the call to include dim=X as an argument.`);
  return ndim === 0 || ndim === 1 || ndim === 3 ? 0 : 1;
}

/** `F.softmax(input, dim=None)`: along dim (SoftmaxBackward0); without one, PyTorch's implicit choice. */
export function softmax(input: Tensor, dim: number | null = null): Tensor {
  return registry.softmax.fn(input, dim ?? implicitSoftmaxDim('softmax', input.ndim));
}

/** `F.log_softmax(input, dim=None)`: along dim (LogSoftmaxBackward0); without one, PyTorch's implicit choice. */
export function log_softmax(input: Tensor, dim: number | null = null): Tensor {
  return registry.log_softmax.fn(input, dim ?? implicitSoftmaxDim('log_softmax', input.ndim));
}
