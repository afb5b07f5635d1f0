// optim.Adam with PyTorch 1.13's exact update (torch/optim/adam.py, _single_tensor_adam), per element:
//   g = grad (negated if maximize), g = g + weight_decay·p
//   m = beta1·m + (1 - beta1)·g,  v = beta2·v + (1 - beta2)·g·g,  vmax = max(vmax, v) if amsgrad
//   p = p - lr/(1 - beta1^t) · m / (sqrt(v or vmax)/sqrt(1 - beta2^t) + eps)
// The same update with decoupled weight decay (p = p·(1 - lr·weight_decay) first) is AdamW's.

import { RuntimeError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { arithOf, checkBetas, checkNonNegative, decaysGradInPlace, fullLike, incrementStep, pyPow, refuseFlag, scalarTensor, stateTensor } from './common.js';
import { Optimizer, type Params, type StateValue } from './optimizer.js';
import { syncStorage } from '../tensor/strided.js';

export interface AdamOptions {
  lr?: number;
  /** Coefficients of the running averages of the gradient and its square: (beta1, beta2). */
  betas?: readonly [number, number] | readonly number[];
  eps?: number;
  weight_decay?: number;
  amsgrad?: boolean;
  /** Accepted as PyTorch does; the per-tensor loop is the only implementation here. */
  foreach?: boolean | null;
  maximize?: boolean;
  /** Only false: CUDA graphs do not exist here. */
  capturable?: boolean;
  /** Only false: optimizer steps are not recorded by autograd. */
  differentiable?: boolean;
  /** Only false: PyTorch's fused kernel is CUDA-only. */
  fused?: boolean;
}

export interface AdamHyper {
  lr: number;
  betas: [number, number];
  eps: number;
  weight_decay: number;
  amsgrad: boolean;
  maximize: boolean;
  foreach: boolean | null;
  capturable: boolean;
  differentiable: boolean;
  fused: boolean;
}

/** The hyper-parameters the Adam update reads (Adam's and AdamW's groups both have them). */
export interface AdamUpdateHyper {
  lr: number;
  betas: readonly number[];
  eps: number;
  weight_decay: number;
  amsgrad: boolean;
  maximize: boolean;
  foreach: boolean | null;
}

/** PyTorch's checks, in its order. */
export function checkAdamOptions(o: AdamUpdateHyper): void {
  checkNonNegative(o.lr, 'learning rate');
  checkNonNegative(o.eps, 'epsilon value');
  checkBetas(o.betas);
  checkNonNegative(o.weight_decay, 'weight_decay value');
}

/** The lazily made state, in PyTorch's key order: step, exp_avg, exp_avg_sq[, max_exp_avg_sq]. */
function adamState(state: Map<Tensor, Record<string, StateValue>>, p: Tensor, amsgrad: boolean): Record<string, StateValue> {
  let s = state.get(p);
  if (s === undefined || Object.keys(s).length === 0) {
    s = { step: scalarTensor(0), exp_avg: fullLike(p, 0), exp_avg_sq: fullLike(p, 0) };
    if (amsgrad) s.max_exp_avg_sq = fullLike(p, 0);
    state.set(p, s);
  } else if (amsgrad && s.max_exp_avg_sq === undefined) {
    s.max_exp_avg_sq = fullLike(p, 0);
  }
  return s;
}

/** One Adam (decoupled = false) or AdamW (decoupled = true) update of p from its grad. */
export function adamUpdate(optimizerState: Map<Tensor, Record<string, StateValue>>, p: Tensor, grad: Tensor, o: AdamUpdateHyper, decoupled: boolean): void {
  const { r, fma } = arithOf(p._dtype);
  const state = adamState(optimizerState, p, o.amsgrad);
  const step = incrementStep(state);
  const [beta1, beta2] = o.betas;
  const P = p._data;
  const G = grad._data;
  const M = stateTensor(state, 'exp_avg')._data;
  const V = stateTensor(state, 'exp_avg_sq')._data;
  const X = o.amsgrad ? stateTensor(state, 'max_exp_avg_sq')._data : null;
  const coupled = !decoupled && o.weight_decay !== 0;
  const writeGrad = coupled && decaysGradInPlace(o);
  const wd = r(o.weight_decay);
  const decay = r(1 - o.lr * o.weight_decay);
  const b1 = r(beta1);
  const a1 = r(1 - beta1);
  const b2 = r(beta2);
  const a2 = r(1 - beta2);
  const biasCorrection1 = 1 - pyPow(beta1, step);
  const biasCorrection2 = 1 - pyPow(beta2, step);
  const negStepSize = r(-(o.lr / biasCorrection1));
  const bc2Sqrt = r(Math.sqrt(biasCorrection2));
  const eps = r(o.eps);
  for (let i = 0; i < P.length; i++) {
    let g = o.maximize ? -G[i] : G[i];
    if (coupled) {
      g = fma(P[i], wd, g);
      if (writeGrad) G[i] = g;
    } else if (decoupled) P[i] = r(P[i] * decay);
    const m = fma(g, a1, r(M[i] * b1));
    M[i] = m;
    const v = fma(r(a2 * g), g, r(V[i] * b2));
    V[i] = v;
    let root: number;
    if (X !== null) {
      // torch.maximum: a NaN on either side wins, as in Math.max
      const vmax = Math.max(X[i], v);
      X[i] = vmax;
      root = r(Math.sqrt(vmax));
    } else {
      root = r(Math.sqrt(v));
    }
    const denom = r(r(root / bc2Sqrt) + eps);
    P[i] = r(P[i] + r(r(negStepSize * m) / denom));
  }
  p._version.value++;
  syncStorage(p._data); // strided views of p (p[:, 0]) see the step
}

export class Adam extends Optimizer<AdamHyper> {
  constructor(params: Params<AdamHyper>, options: AdamOptions = {}) {
    const b = options.betas ?? [0.9, 0.999];
    const hyper: AdamHyper = {
      lr: options.lr ?? 1e-3,
      betas: [b[0], b[1]],
      eps: options.eps ?? 1e-8,
      weight_decay: options.weight_decay ?? 0,
      amsgrad: options.amsgrad ?? false,
      maximize: options.maximize ?? false,
      foreach: options.foreach ?? null,
      capturable: options.capturable ?? false,
      differentiable: options.differentiable ?? false,
      fused: options.fused ?? false,
    };
    checkAdamOptions({ ...hyper, betas: b });
    refuseFlag(hyper.capturable, 'capturable', 'there are no CUDA graphs to capture');
    refuseFlag(hyper.differentiable, 'differentiable', 'optimizer steps are not recorded by autograd');
    super(params, hyper, options);
    // NOTE: PyTorch checks fused only after taking the parameters; on the CPU it always fails
    if (hyper.fused) throw new RuntimeError('FusedAdam requires all the params to be CUDA, floating point');
  }

  /** One update of every parameter that has a gradient (parameters with grad null are skipped). */
  step(): void {
    this.forEachGrad((p, grad, group) => adamUpdate(this.state, p, grad, group, false));
  }
}
