// CosineAnnealingLR and CosineAnnealingWarmRestarts (SGDR): lr = eta_min + (base_lr - eta_min)·(1 + cos(π·t/T))/2.

import { ValueError } from '../../errors.js';
import type { Optimizer } from '../optimizer.js';
import { groupsOf, LRScheduler, pyText, type SchedulerOptions } from './base.js';
import { cos, div, intPow, log, mod } from './pymath.js';

export interface CosineAnnealingLROptions extends SchedulerOptions {
  T_max: number;
  /** Default 0. */
  eta_min?: number;
}

/**
 * Cosine annealing from the initial lr to eta_min over T_max epochs, chained: each step multiplies
 * (lr - eta_min) by the ratio of two consecutive cosine terms (so that outside changes to lr carry on).
 */
export class CosineAnnealingLR extends LRScheduler {
  T_max: number;
  eta_min: number;

  constructor(optimizer: Optimizer<object>, options: CosineAnnealingLROptions) {
    super(optimizer);
    this.T_max = options.T_max;
    this.eta_min = options.eta_min ?? 0;
    this._init(options.last_epoch, options.verbose);
  }

  override get_lr(): number[] {
    this._warnOutsideStep();
    const groups = groupsOf(this.optimizer);
    const { T_max, eta_min } = this;
    const e = this.last_epoch;
    if (e === 0) return groups.map((g) => g.lr);
    if (this._step_count === 1 && e > 0) {
      // resuming (last_epoch given): the closed form
      const c = cos(div(e * Math.PI, T_max));
      return this.base_lrs.map((b) => eta_min + ((b - eta_min) * (1 + c)) / 2);
    }
    if (mod(e - 1 - T_max, 2 * T_max) === 0) {
      // past a minimum (1 + cos = 0 in the ratio): add back half the first step's drop
      const rise = 1 - cos(div(Math.PI, T_max));
      return groups.slice(0, this.base_lrs.length).map((g, i) => g.lr + ((this.base_lrs[i] - eta_min) * rise) / 2);
    }
    const ratio = div(1 + cos(div(Math.PI * e, T_max)), 1 + cos(div(Math.PI * (e - 1), T_max)));
    return groups.map((g) => ratio * (g.lr - eta_min) + eta_min);
  }

  protected override _get_closed_form_lr(): number[] {
    const c = cos(div(Math.PI * this.last_epoch, this.T_max));
    return this.base_lrs.map((b) => this.eta_min + ((b - this.eta_min) * (1 + c)) / 2);
  }
}

export interface CosineAnnealingWarmRestartsOptions extends SchedulerOptions {
  /** Epochs until the first restart: a positive integer. */
  T_0: number;
  /** Each period is T_mult times the last: an integer >= 1. Default 1. */
  T_mult?: number;
  /** Default 0. */
  eta_min?: number;
}

/** SGDR: cosine annealing over T_i epochs, then a restart at the initial lr with T_i × T_mult. */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  T_0: number;
  T_i: number;
  T_mult: number;
  eta_min: number;
  T_cur: number;

  constructor(optimizer: Optimizer<object>, options: CosineAnnealingWarmRestartsOptions) {
    const { T_0 } = options;
    const T_mult = options.T_mult ?? 1;
    if (T_0 <= 0 || !Number.isInteger(T_0)) throw new ValueError(`Expected positive integer T_0, but got ${pyText(T_0)}`);
    if (T_mult < 1 || !Number.isInteger(T_mult)) throw new ValueError(`Expected integer T_mult >= 1, but got ${pyText(T_mult)}`);
    super(optimizer);
    this.T_0 = T_0;
    this.T_i = T_0;
    this.T_mult = T_mult;
    this.eta_min = options.eta_min ?? 0;
    this.T_cur = options.last_epoch ?? -1;
    this._init(options.last_epoch, options.verbose);
  }

  override get_lr(): number[] {
    this._warnOutsideStep();
    const c = cos(div(Math.PI * this.T_cur, this.T_i));
    return this.base_lrs.map((b) => this.eta_min + ((b - this.eta_min) * (1 + c)) / 2);
  }

  /** One epoch on (step()), or to `epoch`, which may be fractional: step(epoch + i / iters) per batch. */
  override step(epoch?: number): void {
    let at = epoch;
    if (at === undefined && this.last_epoch < 0) at = 0;
    if (at === undefined) {
      at = this.last_epoch + 1;
      this.T_cur = this.T_cur + 1;
      if (this.T_cur >= this.T_i) {
        this.T_cur = this.T_cur - this.T_i;
        this.T_i = this.T_i * this.T_mult;
      }
    } else {
      if (at < 0) throw new ValueError(`Expected non-negative epoch, but got ${pyText(at)}`);
      this._restartAt(at);
    }
    this.last_epoch = Math.floor(at);
    this._get_lr_called_within_step = true;
    let values: number[];
    try {
      values = this.get_lr();
    } finally {
      this._get_lr_called_within_step = false;
    }
    this._setLrs(values, at);
  }

  /** T_cur and T_i at a given epoch: the period n from log base T_mult, as PyTorch computes it. */
  private _restartAt(epoch: number): void {
    const { T_0, T_mult } = this;
    if (epoch < T_0) {
      this.T_i = T_0;
      this.T_cur = epoch;
    } else if (T_mult === 1) {
      this.T_cur = mod(epoch, T_0);
    } else {
      // NOTE: int(math.log(x, T_mult)) = int(log(x) / log(T_mult)), which can fall just below an exact power
      const n = Math.trunc(log((epoch / T_0) * (T_mult - 1) + 1) / log(T_mult));
      this.T_cur = epoch - (T_0 * (intPow(T_mult, n) - 1)) / (T_mult - 1);
      this.T_i = T_0 * intPow(T_mult, n);
    }
  }
}
