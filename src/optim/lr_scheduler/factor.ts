// ConstantLR, LinearLR and PolynomialLR: a factor on the initial lr for the first total_iters epochs.

import { ValueError } from '../../errors.js';
import type { Optimizer } from '../optimizer.js';
import { groupsOf, LRScheduler, type SchedulerOptions } from './base.js';
import { div, pow, pyMin } from './pymath.js';

export interface ConstantLROptions extends SchedulerOptions {
  /** Default 1/3. */
  factor?: number;
  /** Default 5. */
  total_iters?: number;
}

/** lr · factor until epoch total_iters, then lr. */
export class ConstantLR extends LRScheduler {
  factor: number;
  total_iters: number;

  constructor(optimizer: Optimizer<object>, options: ConstantLROptions = {}) {
    const factor = options.factor ?? 1.0 / 3;
    if (factor > 1.0 || factor < 0) throw new ValueError('Constant multiplicative factor expected to be between 0 and 1.');
    super(optimizer);
    this.factor = factor;
    this.total_iters = options.total_iters ?? 5;
    this._init(options.last_epoch, options.verbose);
  }

  override get_lr(): number[] {
    this._warnOutsideStep();
    const groups = groupsOf(this.optimizer);
    if (this.last_epoch === 0) return groups.map((g) => g.lr * this.factor);
    if (this.last_epoch !== this.total_iters) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * div(1.0, this.factor));
  }

  protected override _get_closed_form_lr(): number[] {
    const reached = this.last_epoch >= this.total_iters ? 1 : 0;
    return this.base_lrs.map((b) => b * (this.factor + reached * (1 - this.factor)));
  }
}

export interface LinearLROptions extends SchedulerOptions {
  /** Default 1/3. */
  start_factor?: number;
  /** Default 1.0. */
  end_factor?: number;
  /** Default 5. */
  total_iters?: number;
}

/** The factor on the initial lr goes linearly from start_factor to end_factor over total_iters epochs. */
export class LinearLR extends LRScheduler {
  start_factor: number;
  end_factor: number;
  total_iters: number;

  constructor(optimizer: Optimizer<object>, options: LinearLROptions = {}) {
    const start = options.start_factor ?? 1.0 / 3;
    const end = options.end_factor ?? 1.0;
    if (start > 1.0 || start < 0) throw new ValueError('Starting multiplicative factor expected to be between 0 and 1.');
    if (end > 1.0 || end < 0) throw new ValueError('Ending multiplicative factor expected to be between 0 and 1.');
    super(optimizer);
    this.start_factor = start;
    this.end_factor = end;
    this.total_iters = options.total_iters ?? 5;
    this._init(options.last_epoch, options.verbose);
  }

  override get_lr(): number[] {
    this._warnOutsideStep();
    const groups = groupsOf(this.optimizer);
    if (this.last_epoch === 0) return groups.map((g) => g.lr * this.start_factor);
    if (this.last_epoch > this.total_iters) return groups.map((g) => g.lr);
    const span = this.end_factor - this.start_factor;
    // NOTE: with start_factor 0 the second step divides by zero, as PyTorch 1.13 does (ZeroDivisionError)
    const ratio = 1 + div(span, this.total_iters * this.start_factor + (this.last_epoch - 1) * span);
    return groups.map((g) => g.lr * ratio);
  }

  protected override _get_closed_form_lr(): number[] {
    const span = this.end_factor - this.start_factor;
    const done = pyMin(this.total_iters, this.last_epoch);
    return this.base_lrs.map((b) => b * (this.start_factor + div(span * done, this.total_iters)));
  }
}

export interface PolynomialLROptions extends SchedulerOptions {
  /** Default 5. */
  total_iters?: number;
  /** Default 1.0. */
  power?: number;
}

/** lr = base_lr · (1 - min(epoch, total_iters) / total_iters)^power, chained as the ratio of two steps. */
export class PolynomialLR extends LRScheduler {
  total_iters: number;
  power: number;

  constructor(optimizer: Optimizer<object>, options: PolynomialLROptions = {}) {
    super(optimizer);
    this.total_iters = options.total_iters ?? 5;
    this.power = options.power ?? 1.0;
    this._init(options.last_epoch, options.verbose);
  }

  override get_lr(): number[] {
    this._warnOutsideStep();
    const groups = groupsOf(this.optimizer);
    if (this.last_epoch === 0 || this.last_epoch > this.total_iters) return groups.map((g) => g.lr);
    const t = this.total_iters;
    const decay = pow(div(1.0 - div(this.last_epoch, t, true), 1.0 - div(this.last_epoch - 1, t, true)), this.power);
    return groups.map((g) => g.lr * decay);
  }

  protected override _get_closed_form_lr(): number[] {
    const done = pyMin(this.total_iters, this.last_epoch);
    return this.base_lrs.map((b) => b * pow(1.0 - div(done, this.total_iters, true), this.power));
  }
}
