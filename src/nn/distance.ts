// nn.CosineSimilarity, nn.PairwiseDistance (torch/nn/modules/distance.py) and nn.KLDivLoss over the
// functional ops; each prints as PyTorch's, with no extra_repr (`CosineSimilarity()`, `KLDivLoss()`).

import { cosine_similarity, kl_div, pairwise_distance, type KLReduction } from '../autograd/ops/similarity.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';

export class CosineSimilarity extends Module {
  static override readonly __module__ = 'torch.nn.modules.distance';
  readonly dim: number;
  readonly eps: number;

  constructor(options: { dim?: number; eps?: number } = {}) {
    super();
    this.dim = options.dim ?? 1;
    this.eps = options.eps ?? 1e-8;
  }

  forward(x1: Tensor, x2: Tensor): Tensor {
    return cosine_similarity(x1, x2, this.dim, this.eps);
  }
}

export class PairwiseDistance extends Module {
  static override readonly __module__ = 'torch.nn.modules.distance';
  readonly norm: number;
  readonly eps: number;
  readonly keepdim: boolean;

  constructor(options: { p?: number; eps?: number; keepdim?: boolean } = {}) {
    super();
    this.norm = options.p ?? 2.0;
    this.eps = options.eps ?? 1e-6;
    this.keepdim = options.keepdim ?? false;
  }

  forward(x1: Tensor, x2: Tensor): Tensor {
    return pairwise_distance(x1, x2, this.norm, this.eps, this.keepdim);
  }
}

export class KLDivLoss extends Module {
  static override readonly __module__ = 'torch.nn.modules.loss';
  readonly reduction: KLReduction;
  readonly log_target: boolean;

  constructor(options: { reduction?: KLReduction; log_target?: boolean } = {}) {
    super();
    this.reduction = options.reduction ?? 'mean';
    this.log_target = options.log_target ?? false;
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return kl_div(input, target, { reduction: this.reduction, log_target: this.log_target });
  }
}
