// LambdaLR and MultiplicativeLR: the lr from a user function of the epoch (one for all groups, or one each).

import { ValueError } from '../../errors.js';
import type { Optimizer } from '../optimizer.js';
import { groupsOf, LRScheduler, type SchedulerOptions } from './base.js';
import type { SchedulerState } from './state.js';

/** A function of the epoch (an integer, or what step(epoch) was given). */
export type LrLambda = (epoch: number) => number;

export interface LambdaLROptions extends SchedulerOptions {
  /** One function for every group, or one per group. */
  lr_lambda: LrLambda | readonly LrLambda[];
}

function lambdasFor(optimizer: Optimizer<object>, given: LrLambda | readonly LrLambda[]): LrLambda[] {
  const n = groupsOf(optimizer).length;
  if (typeof given === 'function') return Array.from({ length: n }, () => given);
  if (given.length !== n) throw new ValueError(`Expected ${n} lr_lambdas, but got ${given.length}`);
  return [...given];
}

/** The state of a scheduler with lr_lambdas: the functions as null, as PyTorch saves a plain function. */
function withoutLambdas(state: SchedulerState, count: number): SchedulerState {
  return { ...state, lr_lambdas: Array.from({ length: count }, () => null) };
}

/** lr = initial_lr · lr_lambda(epoch). */
export class LambdaLR extends LRScheduler {
  lr_lambdas: LrLambda[];

  constructor(optimizer: Optimizer<object>, options: LambdaLROptions) {
    super(optimizer);
    this.lr_lambdas = lambdasFor(optimizer, options.lr_lambda);
    this._init(options.last_epoch, options.verbose);
  }

  override get_lr(): number[] {
    this._warnOutsideStep();
    const n = Math.min(this.base_lrs.length, this.lr_lambdas.length);
    return this.base_lrs.slice(0, n).map((b, i) => b * this.lr_lambdas[i](this.last_epoch));
  }

  /** Every field but the optimizer; lr_lambdas as nulls (functions are not saved). */
  override state_dict(): SchedulerState {
    return withoutLambdas(super.state_dict(), this.lr_lambdas.length);
  }

  /** The saved fields; the functions stay this scheduler's own. */
  override load_state_dict(state_dict: SchedulerState): void {
    const { lr_lambdas: _saved, ...rest } = state_dict;
    super.load_state_dict(rest);
  }
}

/** lr × lr_lambda(epoch) every epoch after the first. */
export class MultiplicativeLR extends LRScheduler {
  lr_lambdas: LrLambda[];

  constructor(optimizer: Optimizer<object>, options: LambdaLROptions) {
    super(optimizer);
    this.lr_lambdas = lambdasFor(optimizer, options.lr_lambda);
    this._init(options.last_epoch, options.verbose);
  }

  override get_lr(): number[] {
    this._warnOutsideStep();
    const groups = groupsOf(this.optimizer);
    // zip(lr_lambdas, param_groups): a group added later keeps its lr
    const zipped = groups.slice(0, this.lr_lambdas.length);
    if (this.last_epoch > 0) return zipped.map((g, i) => g.lr * this.lr_lambdas[i](this.last_epoch));
    return groups.map((g) => g.lr);
  }

  override state_dict(): SchedulerState {
    return withoutLambdas(super.state_dict(), this.lr_lambdas.length);
  }

  override load_state_dict(state_dict: SchedulerState): void {
    const { lr_lambdas: _saved, ...rest } = state_dict;
    super.load_state_dict(rest);
  }
}
