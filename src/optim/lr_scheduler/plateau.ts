// ReduceLROnPlateau: lr × factor once a watched metric has not improved for `patience` epochs
// (PyTorch 1.13's own class, not an _LRScheduler: step(metrics), no get_last_lr()).

import { ValueError } from '../../errors.js';
import { Tensor } from '../../tensor/tensor.js';
import { print, warn } from '../../warnings.js';
import type { Optimizer } from '../optimizer.js';
import { checkOptimizer, EPOCH_DEPRECATION_WARNING, epochText, groupsOf, lrText } from './base.js';
import { pyMax } from './pymath.js';
import { stateOf, updateFields, type SchedulerState } from './state.js';

export interface ReduceLROnPlateauOptions {
  /** 'min': reduce when the metric stops falling; 'max': when it stops rising. Default 'min'. */
  mode?: 'min' | 'max';
  /** new_lr = lr · factor (< 1). Default 0.1. */
  factor?: number;
  /** Epochs without improvement to wait. Default 10. */
  patience?: number;
  /** How much better counts as better. Default 1e-4. */
  threshold?: number;
  /** 'rel': best · (1 ∓ threshold); 'abs': best ∓ threshold. Default 'rel'. */
  threshold_mode?: 'rel' | 'abs';
  /** Epochs to wait after a reduction. Default 0. */
  cooldown?: number;
  /** Lower bound of the lr: one for all groups or one per group. Default 0. */
  min_lr?: number | readonly number[];
  /** A reduction smaller than eps is skipped. Default 1e-8. */
  eps?: number;
  verbose?: boolean;
}

export class ReduceLROnPlateau {
  /** fit() steps it with the epoch's validation (else training) loss. */
  readonly takes_metric = true;
  factor: number;
  optimizer: Optimizer<object>;
  min_lrs: number[];
  patience: number;
  verbose: boolean;
  cooldown: number;
  cooldown_counter = 0;
  mode: string;
  threshold: number;
  threshold_mode: string;
  best: number;
  num_bad_epochs = 0;
  mode_worse: number;
  eps: number;
  last_epoch = 0;
  declare _last_lr: number[];

  constructor(optimizer: Optimizer<object>, options: ReduceLROnPlateauOptions = {}) {
    const factor = options.factor ?? 0.1;
    if (factor >= 1.0) throw new ValueError('Factor should be < 1.0.');
    checkOptimizer(optimizer);
    this.factor = factor;
    this.optimizer = optimizer;
    const n = groupsOf(optimizer).length;
    const minLr = options.min_lr ?? 0;
    if (typeof minLr !== 'number') {
      if (minLr.length !== n) throw new ValueError(`expected ${n} min_lrs, got ${minLr.length}`);
      this.min_lrs = [...minLr];
    } else {
      this.min_lrs = Array.from({ length: n }, () => minLr);
    }
    this.patience = options.patience ?? 10;
    this.verbose = options.verbose ?? false;
    this.cooldown = options.cooldown ?? 0;
    this.mode = options.mode ?? 'min';
    this.threshold = options.threshold ?? 1e-4;
    this.threshold_mode = options.threshold_mode ?? 'rel';
    this.eps = options.eps ?? 1e-8;
    this.mode_worse = this._initIsBetter();
    this.best = this.mode_worse;
  }

  /** Check mode and threshold_mode; the worst value for the mode. */
  private _initIsBetter(): number {
    if (this.mode !== 'min' && this.mode !== 'max') throw new ValueError(`mode ${this.mode} is unknown!`);
    if (this.threshold_mode !== 'rel' && this.threshold_mode !== 'abs') throw new ValueError(`threshold mode ${this.threshold_mode} is unknown!`);
    return this.mode === 'min' ? Infinity : -Infinity;
  }

  get in_cooldown(): boolean {
    return this.cooldown_counter > 0;
  }

  /** Whether a is better than best by the threshold (NaN never is). */
  is_better(a: number, best: number): boolean {
    const rel = this.threshold_mode === 'rel';
    if (this.mode === 'min') return rel ? a < best * (1 - this.threshold) : a < best - this.threshold;
    return rel ? a > best * (this.threshold + 1) : a > best + this.threshold;
  }

  /** One epoch's metric (a number or a one-element tensor); `epoch` is deprecated as in PyTorch. */
  step(metrics: number | Tensor, epoch?: number): void {
    const current = metrics instanceof Tensor ? metrics.item() : Number(metrics);
    let at = epoch;
    if (at === undefined) at = this.last_epoch + 1;
    else warn(EPOCH_DEPRECATION_WARNING);
    this.last_epoch = at;
    if (this.is_better(current, this.best)) {
      this.best = current;
      this.num_bad_epochs = 0;
    } else {
      this.num_bad_epochs += 1;
    }
    if (this.in_cooldown) {
      this.cooldown_counter -= 1;
      this.num_bad_epochs = 0; // bad epochs in cooldown do not count
    }
    if (this.num_bad_epochs > this.patience) {
      this._reduceLr(at);
      this.cooldown_counter = this.cooldown;
      this.num_bad_epochs = 0;
    }
    this._last_lr = groupsOf(this.optimizer).map((g) => g.lr);
  }

  private _reduceLr(epoch: number): void {
    groupsOf(this.optimizer).forEach((g, i) => {
      const oldLr = g.lr;
      const newLr = pyMax(oldLr * this.factor, this.min_lrs[i]);
      if (oldLr - newLr > this.eps) {
        g.lr = newLr;
        if (this.verbose) print(`Epoch ${epochText(epoch)}: reducing learning rate of group ${i} to ${lrText(newLr)}.`);
      }
    });
  }

  /** Every field but the optimizer, as JSON values (best and mode_worse may be "inf"). */
  state_dict(): SchedulerState {
    return stateOf(this, ['optimizer', 'takes_metric']);
  }

  /** Take back a state_dict(), then check mode and threshold_mode again. */
  load_state_dict(state_dict: SchedulerState): void {
    updateFields(this, state_dict, ['optimizer', 'takes_metric']);
    this.mode_worse = this._initIsBetter();
  }
}
