// torch.nn.functional: the fused ops and activations.

export { linear, mse_loss, binary_cross_entropy_with_logits, type Reduction, type BCEOptions } from '../autograd/ops/nn.js';
export { relu, sigmoid, tanh } from '../autograd/ops/index.js';
