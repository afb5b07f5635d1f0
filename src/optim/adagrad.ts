// optim.Adagrad with PyTorch 1.13's exact update (torch/optim/adagrad.py, _single_tensor_adagrad):
//   g = grad (negated if maximize) + weight_decay·p,  clr = lr / (1 + (t - 1)·lr_decay)
//   sum = sum + g·g,  p = p - clr·g / (sqrt(sum) + eps)

import { Tensor } from '../tensor/tensor.js';
import { ARITH32, arithOf, checkNonNegative, decaysGradInPlace, fullLike, incrementStep, scalarTensor, stateTensor } from './common.js';
import { Optimizer, type Params, type StateValue } from './optimizer.js';
import { syncStorage } from '../tensor/strided.js';

export interface AdagradOptions {
  lr?: number;
  lr_decay?: number;
  weight_decay?: number;
  initial_accumulator_value?: number;
  eps?: number;
  /** Accepted as PyTorch does; the per-tensor loop is the only implementation here. */
  foreach?: boolean | null;
  maximize?: boolean;
}

export type AdagradHyper = Required<AdagradOptions>;

/**
 * -clr as foreach=True computes it: `-lr / (1 + (step - 1) * lr_decay)` with step the float32 tensor,
 * so in float32 operations, and `scalar / tensor` is `tensor.reciprocal() * scalar`.
 */
function foreachNegClr(o: AdagradHyper, step: number): number {
  const { r, fma } = ARITH32;
  const denominator = fma(1, 1, r(r(step - 1) * r(o.lr_decay)));
  return r(r(1 / denominator) * r(-o.lr));
}

export class Adagrad extends Optimizer<AdagradHyper> {
  constructor(params: Params<AdagradHyper>, options: AdagradOptions = {}) {
    const hyper: AdagradHyper = {
      lr: options.lr ?? 1e-2,
      lr_decay: options.lr_decay ?? 0,
      eps: options.eps ?? 1e-10,
      weight_decay: options.weight_decay ?? 0,
      initial_accumulator_value: options.initial_accumulator_value ?? 0,
      foreach: options.foreach ?? null,
      maximize: options.maximize ?? false,
    };
    checkNonNegative(hyper.lr, 'learning rate');
    checkNonNegative(hyper.lr_decay, 'lr_decay value');
    checkNonNegative(hyper.weight_decay, 'weight_decay value');
    checkNonNegative(hyper.initial_accumulator_value, 'initial_accumulator_value value');
    checkNonNegative(hyper.eps, 'epsilon value');
    super(params, hyper, options);
    // NOTE: unlike the other optimizers, Adagrad makes every parameter's state up front
    for (const group of this.param_groups) {
      for (const p of group.params) this.state.set(p, this.initialState(p, group));
    }
  }

  private initialState(p: Tensor, group: AdagradHyper): Record<string, StateValue> {
    return { step: scalarTensor(0), sum: fullLike(p, group.initial_accumulator_value) };
  }

  /** One update of every parameter that has a gradient (parameters with grad null are skipped). */
  step(): void {
    this.forEachGrad((p, grad, group) => this.update(p, grad, group));
  }

  private update(p: Tensor, grad: Tensor, o: AdagradHyper): void {
    const { r, fma } = arithOf(p._dtype);
    let state = this.state.get(p);
    // a group added after construction has no state in PyTorch (a KeyError there); make it here
    if (state === undefined || state.sum === undefined) {
      state = this.initialState(p, o);
      this.state.set(p, state);
    }
    const step = incrementStep(state);
    const P = p._data;
    const G = grad._data;
    const S = stateTensor(state, 'sum')._data;
    const decay = o.weight_decay !== 0;
    const writeGrad = decaysGradInPlace(o);
    const wd = r(o.weight_decay);
    const negClr = r(o.foreach === true ? foreachNegClr(o, step) : -(o.lr / (1 + (step - 1) * o.lr_decay)));
    const eps = r(o.eps);
    for (let i = 0; i < P.length; i++) {
      let g = o.maximize ? -G[i] : G[i];
      if (decay) g = fma(P[i], wd, g);
      if (writeGrad) G[i] = g;
      const sum = fma(g, g, S[i]);
      S[i] = sum;
      const std = r(r(Math.sqrt(sum)) + eps);
      P[i] = r(P[i] + r(r(negClr * g) / std));
    }
    p._version.value++;
    syncStorage(p._data); // strided views of p (p[:, 0]) see the step
  }
}
