// optim.RAdam with PyTorch 1.13's exact update (torch/optim/radam.py, _single_tensor_radam):
//   g = grad + weight_decay·p,  m = beta1·m + (1 - beta1)·g,  v = beta2·v + (1 - beta2)·g·g
//   m̂ = m / (1 - beta1^t);  rho_inf = 2/(1 - beta2) - 1,  rho_t = rho_inf - 2t·beta2^t/(1 - beta2^t)
//   rho_t > 5: p = p - m̂·lr·(sqrt(1 - beta2^t)/(sqrt(v) + eps))·rect,  else p = p - m̂·lr

import { Tensor } from '../tensor/tensor.js';
import { arithOf, checkBetas, checkNonNegative, decaysGradInPlace, fullLike, incrementStep, pyPow, scalarTensor, stateTensor, type Arith, lazyState } from './common.js';
import { Optimizer, type Params, type StateValue } from './optimizer.js';
import { syncStorage } from '../tensor/strided.js';

export interface RAdamOptions {
  lr?: number;
  betas?: readonly [number, number] | readonly number[];
  eps?: number;
  weight_decay?: number;
  /** Accepted as PyTorch does; the per-tensor loop is the only implementation here. */
  foreach?: boolean | null;
}

export interface RAdamHyper {
  lr: number;
  betas: [number, number];
  eps: number;
  weight_decay: number;
  foreach: boolean | null;
}

/** The lazily made state, in PyTorch's key order: step, exp_avg, exp_avg_sq. */
function radamState(all: Map<Tensor, Record<string, StateValue>>, p: Tensor): Record<string, StateValue> {
  return lazyState(all, p, () => ({ step: scalarTensor(0), exp_avg: fullLike(p, 0), exp_avg_sq: fullLike(p, 0) }));
}

/** The variance rectification term, or null while rho_t <= 5 (Python's order of operations). */
function rectification(beta2: number, step: number, biasCorrection2: number): number | null {
  const rhoInf = 2 / (1 - beta2) - 1;
  const rhoT = rhoInf - (2 * step * pyPow(beta2, step)) / biasCorrection2;
  if (!(rhoT > 5)) return null;
  return Math.sqrt((((rhoT - 4) * (rhoT - 2)) * rhoInf) / (((rhoInf - 4) * (rhoInf - 2)) * rhoT));
}

/**
 * The two step sizes of foreach=True, another formula in 1.13: (lr·rect/(1 - beta1^t))·-1 with rect 0 while
 * rho_t <= 5, and (lr·unrectified/(1 - beta1^t))·-1 with unrectified 1 exactly then. eps is not used.
 */
function foreachScales(r: Arith['r'], lr: number, rect: number | null, biasCorrection1: number): [number, number] {
  const rectified = rect ?? 0;
  const unrectified = rectified > 0 ? 0 : 1;
  return [r(((lr * rectified) / biasCorrection1) * -1), r(((lr * unrectified) / biasCorrection1) * -1)];
}

export class RAdam extends Optimizer<RAdamHyper> {
  constructor(params: Params<RAdamHyper>, options: RAdamOptions = {}) {
    const b = options.betas ?? [0.9, 0.999];
    const hyper: RAdamHyper = {
      lr: options.lr ?? 1e-3,
      betas: [b[0], b[1]],
      eps: options.eps ?? 1e-8,
      weight_decay: options.weight_decay ?? 0,
      foreach: options.foreach ?? null,
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

  private update(p: Tensor, grad: Tensor, o: RAdamHyper): void {
    const { r, fma } = arithOf(p._dtype);
    const state = radamState(this.state, p);
    const step = incrementStep(state);
    const [beta1, beta2] = o.betas;
    const biasCorrection1 = 1 - pyPow(beta1, step);
    const biasCorrection2 = 1 - pyPow(beta2, step);
    const bc1 = r(biasCorrection1);
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
    const lr = r(o.lr);
    const eps = r(o.eps);
    const rect = rectification(beta2, step, biasCorrection2);
    const rectR = rect === null ? 0 : r(rect);
    const bc2Sqrt = r(Math.sqrt(biasCorrection2));
    const foreach = o.foreach === true ? foreachScales(r, o.lr, rect, biasCorrection1) : null;
    for (let i = 0; i < P.length; i++) {
      let g = G[i];
      if (decay) g = fma(P[i], wd, g);
      if (writeGrad) G[i] = g;
      const m = fma(g, a1, r(M[i] * b1));
      M[i] = m;
      const v = fma(r(a2 * g), g, r(V[i] * b2));
      V[i] = v;
      if (foreach !== null) {
        // two addcdiv_, by sqrt(v)/sqrt(1 - beta2^t) (no eps) and by ones; one of the two scales is -0
        const p1 = r(P[i] + r(r(foreach[0] * m) / r(r(Math.sqrt(v)) / bc2Sqrt)));
        P[i] = r(p1 + r(foreach[1] * m));
        continue;
      }
      const corrected = r(r(m / bc1) * lr);
      if (rect === null) {
        P[i] = r(P[i] - corrected);
      } else {
        // math.sqrt(bias_correction2) / tensor is Tensor.__rtruediv__: reciprocal(tensor) · scalar
        const adaptiveLr = r(r(1 / r(r(Math.sqrt(v)) + eps)) * bc2Sqrt);
        P[i] = r(P[i] - r(r(corrected * adaptiveLr) * rectR));
      }
    }
    p._version.value++;
    syncStorage(p._data); // strided views of p (p[:, 0]) see the step
  }
}
