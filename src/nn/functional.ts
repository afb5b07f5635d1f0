// torch.nn.functional: the fused ops, the activations and dropout.

import { registry } from '../autograd/ops/registry.js';
import type { Tensor } from '../tensor/tensor.js';

export { linear, mse_loss, binary_cross_entropy_with_logits, type Reduction, type BCEOptions } from '../autograd/ops/nn.js';
export { sigmoid, tanh } from '../autograd/ops/index.js';
export { leaky_relu, softplus, gelu, elu, silu, type GeluApproximate } from '../autograd/ops/activations.js';
export { dropout, type DropoutOptions } from './dropout.js';

/** `F.relu(input, inplace=False)`: torch.relu, or relu_ in place. */
export function relu(input: Tensor, inplace = false): Tensor {
  return inplace ? registry.relu.inplace(input) : registry.relu.fn(input);
}
