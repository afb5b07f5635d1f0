// optim.Adamax with PyTorch 1.13's exact update (torch/optim/adamax.py, _single_tensor_adamax):
//   g = grad (negated if maximize) + weight_decay·p
//   m = beta1·m + (1 - beta1)·g,  u = max(beta2·u, |g| + eps),  p = p - lr/(1 - beta1^t) · m/u

import { Tensor } from '../tensor/tensor.js';
import { arithOf, checkBetas, checkNonNegative, decaysGradInPlace, fullLike, incrementStep, pyPow, scalarTensor, stateTensor, lazyState } from './common.js';
import { Optimizer, type Params, type StateValue } from './optimizer.js';
import { syncStorage } from '../tensor/strided.js';

export interface AdamaxOptions {
  lr?: number;
  betas?: readonly [number, number] | readonly number[];
  eps?: number;
  weight_decay?: number;
  /** Accepted as PyTorch does; the per-tensor loop is the only implementation here. */
  foreach?: boolean | null;
  maximize?: boolean;
}

export interface AdamaxHyper {
  lr: number;
  betas: [number, number];
  eps: number;
  weight_decay: number;
  foreach: boolean | null;
  maximize: boolean;
}

/** The lazily made state, in PyTorch's key order: step, exp_avg, exp_inf. */
function adamaxState(all: Map<Tensor, Record<string, StateValue>>, p: Tensor): Record<string, StateValue> {
  return lazyState(all, p, () => ({ step: scalarTensor(0), exp_avg: fullLike(p, 0), exp_inf: fullLike(p, 0) }));
}

export class Adamax extends Optimizer<AdamaxHyper> {
  constructor(params: Params<AdamaxHyper>, options: AdamaxOptions = {}) {
    const b = options.betas ?? [0.9, 0.999];
    const hyper: AdamaxHyper = {
      lr: options.lr ?? 2e-3,
      betas: [b[0], b[1]],
      eps: options.eps ?? 1e-8,
      weight_decay: options.weight_decay ?? 0,
      foreach: options.foreach ?? null,
      maximize: options.maximize ?? false,
    };
    checkNonNegative(hyper.lr, 'learning rate');
    checkNonNegative(hyper.eps, 'epsilon value');
    checkBetas(b);
    checkNonNegative(hyper.weight_decay, 'weight_decay value');
    super(params, hyper, options);
  }

  /** One update of every parameter that has a gradient (parameters with grad null are skipped). */
  step(): void {
    this.forEachGrad((p, grad, group) => this.update(p, grad, group));
  }

  private update(p: Tensor, grad: Tensor, o: AdamaxHyper): void {
    const { r, fma } = arithOf(p._dtype);
    const state = adamaxState(this.state, p);
    const step = incrementStep(state);
    const [beta1, beta2] = o.betas;
    const P = p._data;
    const G = grad._data;
    const M = stateTensor(state, 'exp_avg')._data;
    const U = stateTensor(state, 'exp_inf')._data;
    const decay = o.weight_decay !== 0;
    const writeGrad = decaysGradInPlace(o);
    const wd = r(o.weight_decay);
    const b1 = r(beta1);
    const a1 = r(1 - beta1);
    const b2 = r(beta2);
    const eps = r(o.eps);
    const negClr = r(-(o.lr / (1 - pyPow(beta1, step))));
    for (let i = 0; i < P.length; i++) {
      let g = o.maximize ? -G[i] : G[i];
      if (decay) g = fma(P[i], wd, g);
      if (writeGrad) G[i] = g;
      const m = fma(g, a1, r(M[i] * b1));
      M[i] = m;
      // torch.amax over (beta2·u, |g| + eps): a NaN on either side wins, as in Math.max
      const u = Math.max(r(U[i] * b2), r(Math.abs(g) + eps));
      U[i] = u;
      P[i] = r(P[i] + r(r(negClr * m) / u));
    }
    p._version.value++;
    syncStorage(p._data); // strided views of p (p[:, 0]) see the step
  }
}
