// optim.SGD with PyTorch's exact update (torch/optim/sgd.py, _single_tensor_sgd):
//   d = g (negated if maximize) + weight_decay·p
//   buf = d on the first step, else momentum·buf + (1 - dampening)·d
//   d = d + momentum·buf if nesterov, else buf;  p = p - lr·d

import { ValueError } from '../errors.js';
import { allocStorage } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { Optimizer, type Params } from './optimizer.js';

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

const identity = (x: number): number => x;

function validate(o: SGDHyper): void {
  if (o.differentiable) throw new ValueError('differentiable=True is not supported here: optimizer steps are not recorded by autograd');
  if (!(o.lr >= 0)) throw new ValueError(`Invalid learning rate: ${o.lr}`);
  if (!(o.momentum >= 0)) throw new ValueError(`Invalid momentum value: ${o.momentum}`);
  if (!(o.weight_decay >= 0)) throw new ValueError(`Invalid weight_decay value: ${o.weight_decay}`);
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
    super(params, hyper);
  }

  /** One update of every parameter that has a gradient (parameters with grad null are skipped). */
  step(): void {
    for (const group of this.param_groups) {
      for (const p of group.params) {
        if (p.grad !== null) this.update(p, p.grad, group);
      }
    }
  }

  private update(p: Tensor, grad: Tensor, o: SGDHyper): void {
    // NOTE: float32 parameters round at every point where PyTorch materialises a float32 tensor.
    const r = p.dtype === 'float32' ? Math.fround : identity;
    const P = p._data;
    const G = grad._data;
    const lr = r(o.lr);
    const wd = r(o.weight_decay);
    const m = r(o.momentum);
    const keep = r(1 - o.dampening);
    const saved = o.momentum !== 0 ? this.state.get(p)?.momentum_buffer : undefined;
    let buf = saved instanceof Tensor ? saved : null;
    const first = o.momentum !== 0 && buf === null;
    if (first) {
      buf = new Tensor(allocStorage(p.dtype, P.length), p.shape);
      this.state.set(p, { momentum_buffer: buf });
    }
    const B = buf === null ? null : buf._data;
    for (let i = 0; i < P.length; i++) {
      let d = o.maximize ? -G[i] : G[i];
      if (o.weight_decay !== 0) d = r(d + wd * P[i]);
      if (B !== null) {
        // NOTE: PyTorch does not dampen the momentum buffer on the first step: buf = d.
        B[i] = first ? d : r(r(B[i] * m) + keep * d);
        d = o.nesterov ? r(d + m * B[i]) : B[i];
      }
      P[i] = r(P[i] - lr * d);
    }
    p._version.value++;
  }
}
