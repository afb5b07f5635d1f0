// optim.AdamW (torch/optim/adamw.py, _single_tensor_adamw): Adam's update after the decoupled
// weight decay p = p·(1 - lr·weight_decay). Its groups have no differentiable or fused key in 1.13.

import { adamUpdate, checkAdamOptions } from './adam.js';
import { refuseFlag } from './common.js';
import { Optimizer, type Params } from './optimizer.js';

export interface AdamWOptions {
  lr?: number;
  betas?: readonly [number, number] | readonly number[];
  eps?: number;
  /** Decoupled weight decay (default 1e-2). */
  weight_decay?: number;
  amsgrad?: boolean;
  maximize?: boolean;
  /** Accepted as PyTorch does; the per-tensor loop is the only implementation here. */
  foreach?: boolean | null;
  /** Only false: CUDA graphs do not exist here. */
  capturable?: boolean;
}

export interface AdamWHyper {
  lr: number;
  betas: [number, number];
  eps: number;
  weight_decay: number;
  amsgrad: boolean;
  foreach: boolean | null;
  maximize: boolean;
  capturable: boolean;
}

export class AdamW extends Optimizer<AdamWHyper> {
  constructor(params: Params<AdamWHyper>, options: AdamWOptions = {}) {
    const b = options.betas ?? [0.9, 0.999];
    const hyper: AdamWHyper = {
      lr: options.lr ?? 1e-3,
      betas: [b[0], b[1]],
      eps: options.eps ?? 1e-8,
      weight_decay: options.weight_decay ?? 1e-2,
      amsgrad: options.amsgrad ?? false,
      foreach: options.foreach ?? null,
      maximize: options.maximize ?? false,
      capturable: options.capturable ?? false,
    };
    checkAdamOptions({ ...hyper, betas: b });
    refuseFlag(hyper.capturable, 'capturable', 'there are no CUDA graphs to capture');
    super(params, hyper, options);
  }

  /** One update of every parameter that has a gradient (parameters with grad null are skipped). */
  step(): void {
    this.forEachGrad((p, grad, group) => adamUpdate(this.state, p, grad, group, true));
  }
}
