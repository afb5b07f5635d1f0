// optim.Optimizer: parameter groups, per-parameter state, zero_grad, state_dict.

import { ValueError } from '../errors.js';
import { zero_ } from '../autograd/ops/inplace.js';
import type { Tensor } from '../tensor/tensor.js';

export interface ParamGroup<H> {
  params: Tensor[];
  options: H;
}

export interface OptimizerStateDict<H> {
  state: Record<number, Record<string, number[]>>;
  param_groups: Array<H & { params: number[] }>;
}

export abstract class Optimizer<H extends object> {
  readonly param_groups: Array<ParamGroup<H>>;
  /** Per-parameter state (e.g. the momentum buffer), keyed by the parameter tensor. */
  readonly state = new Map<Tensor, Record<string, Tensor>>();

  constructor(params: Iterable<Tensor>, defaults: H) {
    const list = [...params];
    if (list.length === 0) throw new ValueError('optimizer got an empty parameter list');
    this.param_groups = [{ params: list, options: { ...defaults } }];
  }

  abstract step(): void;

  /** Clear the gradients of every parameter: null them (the default) or zero them in place. */
  zero_grad(options: { set_to_none?: boolean } = {}): void {
    for (const group of this.param_groups) {
      for (const p of group.params) {
        if (p.grad === null) continue;
        if (options.set_to_none ?? true) p.grad = null;
        else zero_(p.grad.detach());
      }
    }
  }

  /** Hyper-parameters and state, with parameters numbered in order (PyTorch's layout), as plain numbers. */
  state_dict(): OptimizerStateDict<H> {
    const ids = new Map<Tensor, number>();
    const groups = this.param_groups.map((g) => ({
      ...g.options,
      params: g.params.map((p) => {
        ids.set(p, ids.size);
        return ids.size - 1;
      }),
    }));
    const state: Record<number, Record<string, number[]>> = {};
    for (const [p, s] of this.state) {
      const id = ids.get(p);
      if (id === undefined) continue;
      state[id] = Object.fromEntries(Object.entries(s).map(([k, t]) => [k, Array.from(t._data)]));
    }
    return { state, param_groups: groups };
  }

  /** Load hyper-parameters and state saved by state_dict() from an optimizer over same-shaped parameters. */
  load_state_dict(sd: OptimizerStateDict<H>, makeTensor: (values: number[], like: Tensor) => Tensor): void {
    if (sd.param_groups.length !== this.param_groups.length) {
      throw new ValueError('loaded state dict has a different number of parameter groups');
    }
    const params: Tensor[] = [];
    sd.param_groups.forEach((saved, i) => {
      const group = this.param_groups[i];
      if (saved.params.length !== group.params.length) {
        throw new ValueError("loaded state dict contains a parameter group that doesn't match the size of optimizer's group");
      }
      const { params: _ids, ...options } = saved;
      group.options = options as unknown as H;
      params.push(...group.params);
    });
    this.state.clear();
    for (const [id, s] of Object.entries(sd.state)) {
      const p = params[Number(id)];
      this.state.set(p, Object.fromEntries(Object.entries(s).map(([k, v]) => [k, makeTensor(v, p)])));
    }
  }
}
