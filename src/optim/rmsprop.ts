// optim.RMSprop with PyTorch 1.13's exact update (torch/optim/rmsprop.py, _single_tensor_rmsprop):
//   g = grad (negated if maximize) + weight_decay·p
//   v = alpha·v + (1 - alpha)·g·g;  centered: ḡ = alpha·ḡ + (1 - alpha)·g, avg = sqrt(v - ḡ·ḡ), else sqrt(v)
//   avg = avg + eps;  momentum: buf = momentum·buf + g/avg, p = p - lr·buf;  else p = p - lr·g/avg

import { Tensor } from '../tensor/tensor.js';
import { arithOf, checkNonNegative, decaysGradInPlace, fullLike, refuseFlag, stateTensor, lazyState } from './common.js';
import { Optimizer, type Params, type StateValue } from './optimizer.js';
import { syncStorage } from '../tensor/strided.js';

export interface RMSpropOptions {
  lr?: number;
  alpha?: number;
  eps?: number;
  weight_decay?: number;
  momentum?: number;
  centered?: boolean;
  /** Accepted as PyTorch does; the per-tensor loop is the only implementation here. */
  foreach?: boolean | null;
  maximize?: boolean;
  /** Only false: optimizer steps are not recorded by autograd. */
  differentiable?: boolean;
}

export type RMSpropHyper = Required<RMSpropOptions>;

/** The state, in PyTorch's key order: step (a plain int here, unlike Adam's), square_avg[, momentum_buffer][, grad_avg]. */
function rmspropState(all: Map<Tensor, Record<string, StateValue>>, p: Tensor, o: RMSpropHyper): Record<string, StateValue> {
  return lazyState(all, p, () => {
    const s: Record<string, StateValue> = { step: 0, square_avg: fullLike(p, 0) };
    if (o.momentum > 0) s.momentum_buffer = fullLike(p, 0);
    if (o.centered) s.grad_avg = fullLike(p, 0);
    return s;
  });
}

export class RMSprop extends Optimizer<RMSpropHyper> {
  constructor(params: Params<RMSpropHyper>, options: RMSpropOptions = {}) {
    const hyper: RMSpropHyper = {
      lr: options.lr ?? 1e-2,
      momentum: options.momentum ?? 0,
      alpha: options.alpha ?? 0.99,
      eps: options.eps ?? 1e-8,
      centered: options.centered ?? false,
      weight_decay: options.weight_decay ?? 0,
      foreach: options.foreach ?? null,
      maximize: options.maximize ?? false,
      differentiable: options.differentiable ?? false,
    };
    checkNonNegative(hyper.lr, 'learning rate');
    checkNonNegative(hyper.eps, 'epsilon value');
    checkNonNegative(hyper.momentum, 'momentum value');
    checkNonNegative(hyper.weight_decay, 'weight_decay value');
    checkNonNegative(hyper.alpha, 'alpha value');
    refuseFlag(hyper.differentiable, 'differentiable', 'optimizer steps are not recorded by autograd');
    super(params, hyper, options);
  }

  /** One update of every parameter that has a gradient (parameters with grad null are skipped). */
  step(): void {
    this.forEachGrad((p, grad, group) => this.update(p, grad, group));
  }

  private update(p: Tensor, grad: Tensor, o: RMSpropHyper): void {
    const { r, fma } = arithOf(p._dtype);
    const state = rmspropState(this.state, p, o);
    state.step = (state.step as number) + 1;
    const P = p._data;
    const G = grad._data;
    const V = stateTensor(state, 'square_avg')._data;
    const B = o.momentum > 0 ? stateTensor(state, 'momentum_buffer')._data : null;
    const A = o.centered ? stateTensor(state, 'grad_avg')._data : null;
    const decay = o.weight_decay !== 0;
    const writeGrad = decaysGradInPlace(o);
    const wd = r(o.weight_decay);
    const alpha = r(o.alpha);
    const keep = r(1 - o.alpha);
    const eps = r(o.eps);
    const momentum = r(o.momentum);
    const negLr = r(-o.lr);
    for (let i = 0; i < P.length; i++) {
      let g = o.maximize ? -G[i] : G[i];
      if (decay) g = fma(P[i], wd, g);
      if (writeGrad) G[i] = g;
      const v = fma(r(keep * g), g, r(V[i] * alpha));
      V[i] = v;
      let avg: number;
      if (A !== null) {
        const mean = fma(g, keep, r(A[i] * alpha));
        A[i] = mean;
        // square_avg.addcmul(grad_avg, grad_avg, value=-1).sqrt_()
        avg = r(Math.sqrt(fma(-mean, mean, v)));
      } else {
        avg = r(Math.sqrt(v));
      }
      avg = r(avg + eps);
      if (B !== null) {
        const buf = r(r(B[i] * momentum) + r(g / avg));
        B[i] = buf;
        P[i] = fma(buf, negLr, P[i]);
      } else {
        P[i] = r(P[i] + r(r(negLr * g) / avg));
      }
    }
    p._version.value++;
    syncStorage(p._data); // strided views of p (p[:, 0]) see the step
  }
}
