// optim.SGD with PyTorch's exact update (torch/optim/sgd.py, _single_tensor_sgd):
//   d = g (negated if maximize) + weight_decay·p
//   buf = d on the first step, else momentum·buf + (1 - dampening)·d
//   d = d + momentum·buf if nesterov, else buf;  p = p - lr·d

import { ValueError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { arithOf, fullLike, pyNumber } from './common.js';
import { Optimizer, type Params } from './optimizer.js';
import { syncStorage } from '../tensor/strided.js';

export interface SGDOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  weight_decay?: number;
  nesterov?: boolean;
  maximize?: boolean;
  /** Accepted as PyTorch does; the loop is the only implementation here. */
  foreach?: boolean | null;
  /** Only false: steps are not recorded for autograd. */
  differentiable?: boolean;
}

export type SGDHyper = Required<SGDOptions>;

/** PyTorch's checks: `if lr < 0.0` (so, unlike Adam's, a NaN passes). */
function validate(o: SGDHyper): void {
  if (o.differentiable) throw new ValueError('differentiable=True is not supported here: optimizer steps are not recorded by autograd');
  if (o.lr < 0) throw new ValueError(`Invalid learning rate: ${pyNumber(o.lr)}`);
  if (o.momentum < 0) throw new ValueError(`Invalid momentum value: ${pyNumber(o.momentum)}`);
  if (o.weight_decay < 0) throw new ValueError(`Invalid weight_decay value: ${pyNumber(o.weight_decay)}`);
  if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
    throw new ValueError('Nesterov momentum requires a momentum and zero dampening');
  }
}

export class SGD extends Optimizer<SGDHyper> {
  constructor(params: Params<SGDHyper>, options: SGDOptions) {
    const hyper: SGDHyper = {
      lr: options.lr,
      momentum: options.momentum ?? 0,
      dampening: options.dampening ?? 0,
      weight_decay: options.weight_decay ?? 0,
      nesterov: options.nesterov ?? false,
      maximize: options.maximize ?? false,
      foreach: options.foreach ?? null,
      differentiable: options.differentiable ?? false,
    };
    validate(hyper);
    super(params, hyper, options);
  }

  /** One update of every parameter that has a gradient (parameters with grad null are skipped). */
  step(): void {
    this.forEachGrad((p, grad, group) => this.update(p, grad, group));
  }

  private update(p: Tensor, grad: Tensor, o: SGDHyper): void {
    // NOTE: d.add(p, alpha=wd), buf.mul_(m).add_(d, alpha=1 - dampening) and p.add_(d, alpha=-lr) are fused multiply-adds in PyTorch's kernels
    const { r, fma } = arithOf(p._dtype);
    const P = p._data;
    const G = grad._data;
    const wd = r(o.weight_decay);
    const m = r(o.momentum);
    const keep = r(1 - o.dampening);
    const negLr = r(-o.lr);
    const saved = this.state.get(p)?.momentum_buffer;
    let buf = o.momentum !== 0 && saved instanceof Tensor ? saved : null;
    const first = o.momentum !== 0 && buf === null;
    if (first) buf = fullLike(p, 0);
    // PyTorch keeps state['momentum_buffer'] = None without momentum
    this.state.set(p, { momentum_buffer: buf });
    const B = buf === null ? null : buf._data;
    // foreach=True adds the Nesterov term into the gradient list in place: p.grad itself without weight decay or maximize
    const writeGrad = o.foreach === true && o.nesterov && B !== null && o.weight_decay === 0 && !o.maximize;
    for (let i = 0; i < P.length; i++) {
      let d = o.maximize ? -G[i] : G[i];
      if (o.weight_decay !== 0) d = fma(P[i], wd, d);
      if (B !== null) {
        // NOTE: PyTorch does not dampen the momentum buffer on the first step: buf = d.
        B[i] = first ? d : fma(d, keep, r(B[i] * m));
        d = o.nesterov ? fma(B[i], m, d) : B[i];
        if (writeGrad) G[i] = d;
      }
      P[i] = fma(d, negLr, P[i]);
    }
    p._version.value++;
    syncStorage(p._data); // strided views of p (p[:, 0]) see the step
  }
}
