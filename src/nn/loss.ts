// Loss modules: nn.MSELoss and nn.BCEWithLogitsLoss over the fused functional ops.

import { binary_cross_entropy_with_logits, mse_loss, type Reduction } from '../autograd/ops/nn.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';

export class MSELoss extends Module {
  readonly reduction: Reduction;

  constructor(options: { reduction?: Reduction } = {}) {
    super();
    this.reduction = options.reduction ?? 'mean';
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return mse_loss(input, target, this.reduction);
  }
}

export class BCEWithLogitsLoss extends Module {
  readonly reduction: Reduction;
  readonly weight: Tensor | null;
  readonly pos_weight: Tensor | null;

  constructor(options: { reduction?: Reduction; weight?: Tensor | null; pos_weight?: Tensor | null } = {}) {
    super();
    this.reduction = options.reduction ?? 'mean';
    this.weight = options.weight ?? null;
    this.pos_weight = options.pos_weight ?? null;
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return binary_cross_entropy_with_logits(input, target, { reduction: this.reduction, weight: this.weight, pos_weight: this.pos_weight });
  }
}
