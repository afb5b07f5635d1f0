// optim.NAdam with PyTorch 1.13's exact update (torch/optim/nadam.py, _single_tensor_nadam):
//   g = grad + weight_decay·p,  mu_t = beta1·(1 - 0.5·0.96^(t·momentum_decay)),  Π = Π·mu_t
//   m = beta1·m + (1 - beta1)·g,  v = beta2·v + (1 - beta2)·g·g,  d = sqrt(v / (1 - beta2^t)) + eps
//   p = p - lr·(1 - mu_t)/(1 - Π)·g/d - lr·mu_{t+1}/(1 - Π·mu_{t+1})·m/d

import { Tensor } from '../tensor/tensor.js';
import { arithOf, checkBetas, checkNonNegative, decaysGradInPlace, fullLike, incrementStep, pyPow, scalarTensor, stateTensor, lazyState } from './common.js';
import { Optimizer, type Params, type StateValue } from './optimizer.js';
import { syncStorage } from '../tensor/strided.js';

export interface NAdamOptions {
  lr?: number;
  betas?: readonly [number, number] | readonly number[];
  eps?: number;
  weight_decay?: number;
  momentum_decay?: number;
  /** Accepted as PyTorch does; the per-tensor loop is the only implementation here. */
  foreach?: boolean | null;
}

export interface NAdamHyper {
  lr: number;
  betas: [number, number];
  eps: number;
  weight_decay: number;
  momentum_decay: number;
  foreach: boolean | null;
}

/** The lazily made state, in PyTorch's key order: step, mu_product, exp_avg, exp_avg_sq. */
function nadamState(all: Map<Tensor, Record<string, StateValue>>, p: Tensor): Record<string, StateValue> {
  return lazyState(all, p, () => ({ step: scalarTensor(0), mu_product: scalarTensor(1), exp_avg: fullLike(p, 0), exp_avg_sq: fullLike(p, 0) }));
}

/**
 * mu_product *= mu, then mu_product·mu·mu_next, in mu_product's own dtype.
 * NOTE: torch.tensor(1.) is float32 even for float64 parameters, until load_state_dict casts it to theirs.
 */
function updateMuProduct(state: Record<string, StateValue>, mu: number, muNext: number): [number, number] {
  const t = stateTensor(state, 'mu_product');
  const r = arithOf(t._dtype).r;
  const product = r(t._data[0] * r(mu));
  t._data[0] = product;
  return [product, r(r(product * r(mu)) * r(muNext))];
}

export class NAdam extends Optimizer<NAdamHyper> {
  constructor(params: Params<NAdamHyper>, options: NAdamOptions = {}) {
    const b = options.betas ?? [0.9, 0.999];
    const hyper: NAdamHyper = {
      lr: options.lr ?? 2e-3,
      betas: [b[0], b[1]],
      eps: options.eps ?? 1e-8,
      weight_decay: options.weight_decay ?? 0,
      momentum_decay: options.momentum_decay ?? 4e-3,
      foreach: options.foreach ?? null,
    };
    checkNonNegative(hyper.lr, 'learning rate');
    checkNonNegative(hyper.eps, 'epsilon value');
    checkBetas(b);
    checkNonNegative(hyper.weight_decay, 'weight_decay value');
    checkNonNegative(hyper.momentum_decay, 'momentum_decay value');
    super(params, hyper, options);
  }

  /** One update of every parameter that has a gradient (parameters with grad null are skipped). */
  step(): void {
    this.forEachGrad((p, grad, group) => this.update(p, grad, group));
  }

  private update(p: Tensor, grad: Tensor, o: NAdamHyper): void {
    const { r, fma } = arithOf(p._dtype);
    const state = nadamState(this.state, p);
    const step = incrementStep(state);
    const [beta1, beta2] = o.betas;
    const biasCorrection2 = r(1 - pyPow(beta2, step));
    const mu = beta1 * (1 - 0.5 * pyPow(0.96, step * o.momentum_decay));
    const muNext = beta1 * (1 - 0.5 * pyPow(0.96, (step + 1) * o.momentum_decay));
    const [product, productNext] = updateMuProduct(state, mu, muNext);
    // NOTE: foreach=True is another formula in 1.13: sqrt(v)/sqrt(1 - beta2^t) + eps, and Π·mu_{t+1} without the second mu
    const foreach = o.foreach === true;
    const gradScale = r(foreach ? ((o.lr * (1 - mu)) / (1 - product)) * -1 : (-o.lr * (1 - mu)) / (1 - product));
    const avgScale = r(foreach ? ((o.lr * muNext) / (1 - product * muNext)) * -1 : (-o.lr * muNext) / (1 - productNext));
    const bc2Sqrt = r(Math.sqrt(1 - pyPow(beta2, step)));
    const P = p._data;
    const G = grad._data;
    const M = stateTensor(state, 'exp_avg')._data;
    const V = stateTensor(state, 'exp_avg_sq')._data;
    const decay = o.weight_decay !== 0;
    const writeGrad = decaysGradInPlace(o);
    const wd = r(o.weight_decay);
    const b1 = r(beta1);
    const a1 = r(1 - beta1);
    const b2 = r(beta2);
    const a2 = r(1 - beta2);
    const eps = r(o.eps);
    for (let i = 0; i < P.length; i++) {
      let g = G[i];
      if (decay) g = fma(P[i], wd, g);
      if (writeGrad) G[i] = g;
      const m = fma(g, a1, r(M[i] * b1));
      M[i] = m;
      const v = fma(r(a2 * g), g, r(V[i] * b2));
      V[i] = v;
      const denom = foreach ? r(r(r(Math.sqrt(v)) / bc2Sqrt) + eps) : r(r(Math.sqrt(r(v / biasCorrection2))) + eps);
      const p1 = r(P[i] + r(r(gradScale * g) / denom));
      P[i] = r(p1 + r(r(avgScale * m) / denom));
    }
    p._version.value++;
    syncStorage(p._data); // strided views of p (p[:, 0]) see the step
  }
}
