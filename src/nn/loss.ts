// Loss modules: nn.MSELoss, L1Loss, HuberLoss, SmoothL1Loss, BCELoss, BCEWithLogitsLoss, NLLLoss,
// CrossEntropyLoss and GaussianNLLLoss over the functional ops. Each prints as PyTorch's: `L1Loss()`.

import { binary_cross_entropy_with_logits, mse_loss, type Reduction } from '../autograd/ops/nn.js';
import { binary_cross_entropy } from '../autograd/ops/bce.js';
import { cross_entropy, type CrossEntropyOptions } from '../autograd/ops/cross_entropy.js';
import { gaussian_nll_loss, type GaussianNLLOptions } from '../autograd/ops/gaussian_nll.js';
import { huber_loss, l1_loss, smooth_l1_loss } from '../autograd/ops/losses.js';
import { nll_loss } from '../autograd/ops/nll.js';
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

type LossOptions = { reduction?: Reduction };

/** nn.L1Loss: mean (or sum) of |input - target|. */
export class L1Loss extends Module {
  readonly reduction: Reduction;

  constructor(options: LossOptions = {}) {
    super();
    this.reduction = options.reduction ?? 'mean';
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return l1_loss(input, target, this.reduction);
  }
}

/** nn.HuberLoss: quadratic below delta, linear (slope delta) above. */
export class HuberLoss extends Module {
  readonly reduction: Reduction;
  readonly delta: number;

  constructor(options: LossOptions & { delta?: number } = {}) {
    super();
    this.reduction = options.reduction ?? 'mean';
    this.delta = options.delta ?? 1.0;
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return huber_loss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}

/** nn.SmoothL1Loss: quadratic (divided by beta) below beta, |x| - beta/2 above; beta = 0 is L1. */
export class SmoothL1Loss extends Module {
  readonly reduction: Reduction;
  readonly beta: number;

  constructor(options: LossOptions & { beta?: number } = {}) {
    super();
    this.reduction = options.reduction ?? 'mean';
    this.beta = options.beta ?? 1.0;
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return smooth_l1_loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

/** nn.BCELoss: binary cross entropy of probabilities in [0, 1]. */
export class BCELoss extends Module {
  readonly reduction: Reduction;
  readonly weight: Tensor | null;

  constructor(options: LossOptions & { weight?: Tensor | null } = {}) {
    super();
    this.reduction = options.reduction ?? 'mean';
    this.weight = options.weight ?? null;
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return binary_cross_entropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

/** nn.NLLLoss: negative log likelihood of log-probabilities at class indices. */
export class NLLLoss extends Module {
  readonly reduction: Reduction;
  readonly weight: Tensor | null;
  readonly ignore_index: number;

  constructor(options: LossOptions & { weight?: Tensor | null; ignore_index?: number } = {}) {
    super();
    this.reduction = options.reduction ?? 'mean';
    this.weight = options.weight ?? null;
    this.ignore_index = options.ignore_index ?? -100;
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return nll_loss(input, target, { weight: this.weight, ignore_index: this.ignore_index, reduction: this.reduction });
  }
}

/** nn.CrossEntropyLoss: log_softmax then NLL (class indices), or -Σ p·log_softmax (class probabilities). */
export class CrossEntropyLoss extends Module {
  readonly reduction: Reduction;
  readonly weight: Tensor | null;
  readonly ignore_index: number;
  readonly label_smoothing: number;

  constructor(options: CrossEntropyOptions = {}) {
    super();
    this.reduction = options.reduction ?? 'mean';
    this.weight = options.weight ?? null;
    this.ignore_index = options.ignore_index ?? -100;
    this.label_smoothing = options.label_smoothing ?? 0.0;
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return cross_entropy(input, target, {
      weight: this.weight,
      ignore_index: this.ignore_index,
      reduction: this.reduction,
      label_smoothing: this.label_smoothing,
    });
  }
}

/** nn.GaussianNLLLoss: forward(input, target, var). */
export class GaussianNLLLoss extends Module {
  readonly reduction: Reduction;
  readonly full: boolean;
  readonly eps: number;

  constructor(options: GaussianNLLOptions = {}) {
    super();
    this.reduction = options.reduction ?? 'mean';
    this.full = options.full ?? false;
    this.eps = options.eps ?? 1e-6;
  }

  forward(input: Tensor, target: Tensor, variance: Tensor): Tensor {
    return gaussian_nll_loss(input, target, variance, { full: this.full, eps: this.eps, reduction: this.reduction });
  }
}
