// torch.nn.functional: the fused ops, the activations and dropout.

import { registry } from '../autograd/ops/registry.js';
import { KEYWORDS, POSITIONAL, PUBLIC_POSITIONAL } from '../autograd/ops/keywords.generated.js';
import { withKeywordCheck } from '../tensor/keywords.js';
import type { Tensor } from '../tensor/tensor.js';
import { dropout as dropoutImpl } from './dropout.js';

export { type Reduction, type BCEOptions } from '../autograd/ops/nn.js';
export { type HuberOptions, type SmoothL1Options } from '../autograd/ops/losses.js';
export { type BCEWeightOptions } from '../autograd/ops/bce.js';
export { type NLLOptions } from '../autograd/ops/nll.js';
export { type CrossEntropyOptions } from '../autograd/ops/cross_entropy.js';
export { type GaussianNLLOptions } from '../autograd/ops/gaussian_nll.js';
export { type GeluApproximate } from '../autograd/ops/activations.js';
export { type KLReduction } from '../autograd/ops/similarity.js';

// the registry's spellings, which check their keyword options
export const linear = withKeywordCheck('linear', registry.linear.fn, KEYWORDS.linear.fn, POSITIONAL.linear.functional ?? POSITIONAL.linear.fn);
export const mse_loss = withKeywordCheck('mse_loss', registry.mse_loss.fn, KEYWORDS.mse_loss.fn, POSITIONAL.mse_loss.functional ?? POSITIONAL.mse_loss.fn);
export const binary_cross_entropy_with_logits = withKeywordCheck('binary_cross_entropy_with_logits', registry.binary_cross_entropy_with_logits.fn, KEYWORDS.binary_cross_entropy_with_logits.fn, POSITIONAL.binary_cross_entropy_with_logits.functional ?? POSITIONAL.binary_cross_entropy_with_logits.fn);
export const sigmoid = withKeywordCheck('sigmoid', registry.sigmoid.fn, KEYWORDS.sigmoid.fn, POSITIONAL.sigmoid.functional ?? POSITIONAL.sigmoid.fn);
export const tanh = withKeywordCheck('tanh', registry.tanh.fn, KEYWORDS.tanh.fn, POSITIONAL.tanh.functional ?? POSITIONAL.tanh.fn);
export const l1_loss = withKeywordCheck('l1_loss', registry.l1_loss.fn, KEYWORDS.l1_loss.fn, POSITIONAL.l1_loss.functional ?? POSITIONAL.l1_loss.fn);
export const huber_loss = withKeywordCheck('huber_loss', registry.huber_loss.fn, KEYWORDS.huber_loss.fn, POSITIONAL.huber_loss.functional ?? POSITIONAL.huber_loss.fn);
export const smooth_l1_loss = withKeywordCheck('smooth_l1_loss', registry.smooth_l1_loss.fn, KEYWORDS.smooth_l1_loss.fn, POSITIONAL.smooth_l1_loss.functional ?? POSITIONAL.smooth_l1_loss.fn);
export const binary_cross_entropy = withKeywordCheck('binary_cross_entropy', registry.binary_cross_entropy.fn, KEYWORDS.binary_cross_entropy.fn, POSITIONAL.binary_cross_entropy.functional ?? POSITIONAL.binary_cross_entropy.fn);
export const nll_loss = withKeywordCheck('nll_loss', registry.nll_loss.fn, KEYWORDS.nll_loss.fn, POSITIONAL.nll_loss.functional ?? POSITIONAL.nll_loss.fn);
export const cross_entropy = withKeywordCheck('cross_entropy', registry.cross_entropy.fn, KEYWORDS.cross_entropy.fn, POSITIONAL.cross_entropy.functional ?? POSITIONAL.cross_entropy.fn);
export const gaussian_nll_loss = withKeywordCheck('gaussian_nll_loss', registry.gaussian_nll_loss.fn, KEYWORDS.gaussian_nll_loss.fn, POSITIONAL.gaussian_nll_loss.functional ?? POSITIONAL.gaussian_nll_loss.fn);
export const softmax = withKeywordCheck('softmax', registry.softmax.fn, KEYWORDS.softmax.fn, POSITIONAL.softmax.functional ?? POSITIONAL.softmax.fn);
export const log_softmax = withKeywordCheck('log_softmax', registry.log_softmax.fn, KEYWORDS.log_softmax.fn, POSITIONAL.log_softmax.functional ?? POSITIONAL.log_softmax.fn);
export const leaky_relu = withKeywordCheck('leaky_relu', registry.leaky_relu.fn, KEYWORDS.leaky_relu.fn, POSITIONAL.leaky_relu.functional ?? POSITIONAL.leaky_relu.fn);
export const softplus = withKeywordCheck('softplus', registry.softplus.fn, KEYWORDS.softplus.fn, POSITIONAL.softplus.functional ?? POSITIONAL.softplus.fn);
export const gelu = withKeywordCheck('gelu', registry.gelu.fn, KEYWORDS.gelu.fn, POSITIONAL.gelu.functional ?? POSITIONAL.gelu.fn);
export const elu = withKeywordCheck('elu', registry.elu.fn, KEYWORDS.elu.fn, POSITIONAL.elu.functional ?? POSITIONAL.elu.fn);
export const silu = withKeywordCheck('silu', registry.silu.fn, KEYWORDS.silu.fn, POSITIONAL.silu.functional ?? POSITIONAL.silu.fn);
export const leaky_relu_ = withKeywordCheck('leaky_relu_', registry.leaky_relu_.fn, KEYWORDS.leaky_relu_.fn, POSITIONAL.leaky_relu_.functional ?? POSITIONAL.leaky_relu_.fn);
export const elu_ = withKeywordCheck('elu_', registry.elu_.fn, KEYWORDS.elu_.fn, POSITIONAL.elu_.functional ?? POSITIONAL.elu_.fn);
export const relu6 = withKeywordCheck('relu6', registry.relu6.fn, KEYWORDS.relu6.fn, POSITIONAL.relu6.functional ?? POSITIONAL.relu6.fn);
export const hardtanh = withKeywordCheck('hardtanh', registry.hardtanh.fn, KEYWORDS.hardtanh.fn, POSITIONAL.hardtanh.functional ?? POSITIONAL.hardtanh.fn);
export const hardtanh_ = withKeywordCheck('hardtanh_', registry.hardtanh_.fn, KEYWORDS.hardtanh_.fn, POSITIONAL.hardtanh_.functional ?? POSITIONAL.hardtanh_.fn);
export const selu = withKeywordCheck('selu', registry.selu.fn, KEYWORDS.selu.fn, POSITIONAL.selu.functional ?? POSITIONAL.selu.fn);
export const selu_ = withKeywordCheck('selu_', registry.selu_.fn, KEYWORDS.selu_.fn, POSITIONAL.selu_.functional ?? POSITIONAL.selu_.fn);
export const celu = withKeywordCheck('celu', registry.celu.fn, KEYWORDS.celu.fn, POSITIONAL.celu.functional ?? POSITIONAL.celu.fn);
export const celu_ = withKeywordCheck('celu_', registry.celu_.fn, KEYWORDS.celu_.fn, POSITIONAL.celu_.functional ?? POSITIONAL.celu_.fn);
export const mish = withKeywordCheck('mish', registry.mish.fn, KEYWORDS.mish.fn, POSITIONAL.mish.functional ?? POSITIONAL.mish.fn);
export const hardsigmoid = withKeywordCheck('hardsigmoid', registry.hardsigmoid.fn, KEYWORDS.hardsigmoid.fn, POSITIONAL.hardsigmoid.functional ?? POSITIONAL.hardsigmoid.fn);
export const hardswish = withKeywordCheck('hardswish', registry.hardswish.fn, KEYWORDS.hardswish.fn, POSITIONAL.hardswish.functional ?? POSITIONAL.hardswish.fn);
export const logsigmoid = withKeywordCheck('logsigmoid', registry.logsigmoid.fn, KEYWORDS.logsigmoid.fn, POSITIONAL.logsigmoid.functional ?? POSITIONAL.logsigmoid.fn);
export const softsign = withKeywordCheck('softsign', registry.softsign.fn, KEYWORDS.softsign.fn, POSITIONAL.softsign.functional ?? POSITIONAL.softsign.fn);
export const softmin = withKeywordCheck('softmin', registry.softmin.fn, KEYWORDS.softmin.fn, POSITIONAL.softmin.functional ?? POSITIONAL.softmin.fn);
export const one_hot = withKeywordCheck('one_hot', registry.one_hot.fn, KEYWORDS.one_hot.fn, POSITIONAL.one_hot.functional ?? POSITIONAL.one_hot.fn);
export const normalize = withKeywordCheck('normalize', registry.normalize.fn, KEYWORDS.normalize.fn, POSITIONAL.normalize.functional ?? POSITIONAL.normalize.fn);
export const cosine_similarity = withKeywordCheck('cosine_similarity', registry.cosine_similarity.fn, KEYWORDS.cosine_similarity.fn, POSITIONAL.cosine_similarity.functional ?? POSITIONAL.cosine_similarity.fn);
export const pairwise_distance = withKeywordCheck('pairwise_distance', registry.pairwise_distance.fn, KEYWORDS.pairwise_distance.fn, POSITIONAL.pairwise_distance.functional ?? POSITIONAL.pairwise_distance.fn);
export const kl_div = withKeywordCheck('kl_div', registry.kl_div.fn, KEYWORDS.kl_div.fn, POSITIONAL.kl_div.functional ?? POSITIONAL.kl_div.fn);
export const embedding = withKeywordCheck('embedding', registry.embedding.fn, KEYWORDS.embedding.fn, POSITIONAL.embedding.functional ?? POSITIONAL.embedding.fn);
export { type EmbeddingOptions } from '../autograd/ops/embedding.js';
export { type DropoutOptions } from './dropout.js';
export const dropout = withKeywordCheck('dropout', dropoutImpl, PUBLIC_POSITIONAL.F_dropout.keys, PUBLIC_POSITIONAL.F_dropout.positional);

/** `F.relu(input, inplace=False)`: torch.relu, or relu_ in place. */
export const relu = withKeywordCheck('relu', (input: Tensor, inplace = false): Tensor => (inplace ? registry.relu.inplace(input) : registry.relu.fn(input)), PUBLIC_POSITIONAL.F_relu?.keys ?? [], PUBLIC_POSITIONAL.F_relu?.positional);
