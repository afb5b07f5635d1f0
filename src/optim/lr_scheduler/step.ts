// StepLR, MultiStepLR and ExponentialLR: decay by gamma every step_size epochs, at milestones, or every epoch.

import type { Optimizer } from '../optimizer.js';
import { groupsOf, LRScheduler, type SchedulerOptions } from './base.js';
import { floorDiv, mod, pow } from './pymath.js';

export interface StepLROptions extends SchedulerOptions {
  step_size: number;
  gamma?: number;
}

/** lr = base_lr · gamma^(epoch // step_size), chained: × gamma when epoch is a multiple of step_size. */
export class StepLR extends LRScheduler {
  step_size: number;
  gamma: number;

  constructor(optimizer: Optimizer<object>, options: StepLROptions) {
    super(optimizer);
    this.step_size = options.step_size;
    this.gamma = options.gamma ?? 0.1;
    this._init(options.last_epoch, options.verbose);
  }

  override get_lr(): number[] {
    this._warnOutsideStep();
    const groups = groupsOf(this.optimizer);
    if (this.last_epoch === 0 || mod(this.last_epoch, this.step_size) !== 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }

  protected override _get_closed_form_lr(): number[] {
    return this.base_lrs.map((b) => b * pow(this.gamma, floorDiv(this.last_epoch, this.step_size)));
  }
}

export interface MultiStepLROptions extends SchedulerOptions {
  /** Epochs at which to multiply by gamma; a milestone given twice multiplies twice. */
  milestones: Iterable<number>;
  gamma?: number;
}

/** lr × gamma^count at each milestone epoch (the milestones kept as a Counter: epoch → count). */
export class MultiStepLR extends LRScheduler {
  milestones: Record<string, number>;
  gamma: number;

  constructor(optimizer: Optimizer<object>, options: MultiStepLROptions) {
    super(optimizer);
    const counter: Record<string, number> = {};
    for (const m of options.milestones) counter[String(m)] = (counter[String(m)] ?? 0) + 1;
    this.milestones = counter;
    this.gamma = options.gamma ?? 0.1;
    this._init(options.last_epoch, options.verbose);
  }

  override get_lr(): number[] {
    this._warnOutsideStep();
    const groups = groupsOf(this.optimizer);
    const count = this.milestones[String(this.last_epoch)];
    if (count === undefined) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * pow(this.gamma, count));
  }

  protected override _get_closed_form_lr(): number[] {
    // bisect_right over the sorted milestones (with repeats) = how many are <= last_epoch
    let passed = 0;
    for (const [m, count] of Object.entries(this.milestones)) if (Number(m) <= this.last_epoch) passed += count;
    return this.base_lrs.map((b) => b * pow(this.gamma, passed));
  }
}

export interface ExponentialLROptions extends SchedulerOptions {
  gamma: number;
}

/** lr × gamma every epoch. */
export class ExponentialLR extends LRScheduler {
  gamma: number;

  constructor(optimizer: Optimizer<object>, options: ExponentialLROptions) {
    super(optimizer);
    this.gamma = options.gamma;
    this._init(options.last_epoch, options.verbose);
  }

  override get_lr(): number[] {
    this._warnOutsideStep();
    const groups = groupsOf(this.optimizer);
    if (this.last_epoch === 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }

  protected override _get_closed_form_lr(): number[] {
    return this.base_lrs.map((b) => b * pow(this.gamma, this.last_epoch));
  }
}
