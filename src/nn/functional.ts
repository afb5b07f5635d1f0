// torch.nn.functional: the fused ops, the activations and dropout.

import { registry } from '../autograd/ops/registry.js';
import type { Tensor } from '../tensor/tensor.js';

export { linear, mse_loss, binary_cross_entropy_with_logits, type Reduction, type BCEOptions } from '../autograd/ops/nn.js';
export { sigmoid, tanh } from '../autograd/ops/index.js';
export { l1_loss, huber_loss, smooth_l1_loss, type HuberOptions, type SmoothL1Options } from '../autograd/ops/losses.js';
export { binary_cross_entropy, type BCEWeightOptions } from '../autograd/ops/bce.js';
export { nll_loss, type NLLOptions } from '../autograd/ops/nll.js';
export { cross_entropy, type CrossEntropyOptions } from '../autograd/ops/cross_entropy.js';
export { gaussian_nll_loss, type GaussianNLLOptions } from '../autograd/ops/gaussian_nll.js';
export { softmax, log_softmax } from '../autograd/ops/softmax.js';
export { leaky_relu, softplus, gelu, elu, silu, type GeluApproximate } from '../autograd/ops/activations.js';
export { dropout, type DropoutOptions } from './dropout.js';

/** `F.relu(input, inplace=False)`: torch.relu, or relu_ in place. */
export function relu(input: Tensor, inplace = false): Tensor {
  return inplace ? registry.relu.inplace(input) : registry.relu.fn(input);
}
