// OneCycleLR (the 1cycle policy): lr from max_lr/div_factor up to max_lr, then down to a far lower
// min_lr, by cosine or linear annealing; momentum (or Adam's beta1) the other way. Steps once per batch.

import { ArgumentTypeError, ValueError } from '../../errors.js';
import type { Optimizer } from '../optimizer.js';
import { groupNumber, groupsOf, LRScheduler, pyText, type LrGroup, type SchedulerOptions } from './base.js';
import { formatParam } from './cyclic.js';
import { cos, div } from './pymath.js';

export interface OneCycleLROptions extends SchedulerOptions {
  /** The peak lr: one for all groups or one per group. */
  max_lr: number | readonly number[];
  /** Steps in the cycle; else epochs × steps_per_epoch. */
  total_steps?: number | null;
  epochs?: number | null;
  steps_per_epoch?: number | null;
  /** The fraction of the cycle spent raising the lr. Default 0.3. */
  pct_start?: number;
  /** Default 'cos'. */
  anneal_strategy?: 'cos' | 'linear';
  /** Default true (needs an optimizer with momentum or betas). */
  cycle_momentum?: boolean;
  /** Default 0.85. */
  base_momentum?: number | readonly number[];
  /** Default 0.95. */
  max_momentum?: number | readonly number[];
  /** initial_lr = max_lr / div_factor. Default 25. */
  div_factor?: number;
  /** min_lr = initial_lr / final_div_factor. Default 1e4. */
  final_div_factor?: number;
  /** A third phase down to min_lr, the first two symmetric (the original paper). Default false. */
  three_phase?: boolean;
}

/** One phase of the cycle: where it ends and the group keys it anneals between. */
export type SchedulePhase = { end_step: number; start_lr: string; end_lr: string; start_momentum: string; end_momentum: string };

function positiveInteger(name: string, value: number | null | undefined): number {
  if (value === null || value === undefined) throw new ArgumentTypeError("'<=' not supported between instances of 'NoneType' and 'int'");
  if (value <= 0 || !Number.isInteger(value)) throw new ValueError(`Expected positive integer ${name}, but got ${pyText(value)}`);
  return value;
}

function totalSteps(o: OneCycleLROptions): number {
  const none = (v: number | null | undefined): boolean => v === null || v === undefined;
  if (none(o.total_steps) && none(o.epochs) && none(o.steps_per_epoch)) {
    throw new ValueError('You must define either total_steps OR (epochs AND steps_per_epoch)');
  }
  if (!none(o.total_steps)) return positiveInteger('total_steps', o.total_steps);
  return positiveInteger('epochs', o.epochs) * positiveInteger('steps_per_epoch', o.steps_per_epoch);
}

function phases(total: number, pct: number, threePhase: boolean): SchedulePhase[] {
  const up = { end_step: pct * total - 1, start_lr: 'initial_lr', end_lr: 'max_lr', start_momentum: 'max_momentum', end_momentum: 'base_momentum' };
  if (!threePhase) return [up, { end_step: total - 1, start_lr: 'max_lr', end_lr: 'min_lr', start_momentum: 'base_momentum', end_momentum: 'max_momentum' }];
  return [
    up,
    { end_step: 2 * pct * total - 2, start_lr: 'max_lr', end_lr: 'initial_lr', start_momentum: 'base_momentum', end_momentum: 'max_momentum' },
    { end_step: total - 1, start_lr: 'initial_lr', end_lr: 'min_lr', start_momentum: 'max_momentum', end_momentum: 'max_momentum' },
  ];
}

export class OneCycleLR extends LRScheduler {
  total_steps: number;
  _schedule_phases: SchedulePhase[];
  /** PyTorch keeps the bound method; here its name: 'cos' or 'linear'. */
  anneal_func: string;
  cycle_momentum: boolean;
  declare use_beta1: boolean;

  constructor(optimizer: Optimizer<object>, options: OneCycleLROptions) {
    super(optimizer);
    this.total_steps = totalSteps(options);
    const pct = options.pct_start ?? 0.3;
    this._schedule_phases = phases(this.total_steps, pct, options.three_phase ?? false);
    if (pct < 0 || pct > 1) throw new ValueError(`Expected float between 0 and 1 pct_start, but got ${pyText(pct)}`);
    const strategy: string = options.anneal_strategy ?? 'cos';
    if (strategy !== 'cos' && strategy !== 'linear') {
      throw new ValueError(`anneal_strategy must by one of 'cos' or 'linear', instead got ${strategy}`);
    }
    this.anneal_func = strategy;
    const lastEpoch = options.last_epoch ?? -1;
    const groups = groupsOf(optimizer);
    const maxLrs = formatParam('max_lr', optimizer, options.max_lr);
    if (lastEpoch === -1) {
      groups.forEach((g, i) => {
        g.initial_lr = div(maxLrs[i], options.div_factor ?? 25.0);
        g.max_lr = maxLrs[i];
        g.min_lr = div(g.initial_lr as number, options.final_div_factor ?? 1e4);
      });
    }
    this.cycle_momentum = options.cycle_momentum ?? true;
    if (this.cycle_momentum) this._setUpMomentum(options, lastEpoch === -1);
    this._init(lastEpoch, options.verbose);
  }

  private _setUpMomentum(o: OneCycleLROptions, fresh: boolean): void {
    const defaults = this.optimizer.defaults;
    if (!('momentum' in defaults) && !('betas' in defaults)) {
      throw new ValueError('optimizer must support momentum with `cycle_momentum` option enabled');
    }
    this.use_beta1 = 'betas' in defaults;
    const maxMomentums = formatParam('max_momentum', this.optimizer, o.max_momentum ?? 0.95);
    const baseMomentums = formatParam('base_momentum', this.optimizer, o.base_momentum ?? 0.85);
    if (!fresh) return;
    groupsOf(this.optimizer).forEach((g, i) => {
      this._setMomentum(g, maxMomentums[i]);
      g.max_momentum = maxMomentums[i];
      g.base_momentum = baseMomentums[i];
    });
  }

  /** momentum, or beta1 of a (beta1, beta2) optimizer. */
  private _setMomentum(group: LrGroup, value: number): void {
    if (this.use_beta1) group.betas = [value, ...(group.betas as number[]).slice(1)];
    else group.momentum = value;
  }

  /** From start to end as pct goes from 0 to 1. */
  private _anneal(start: number, end: number, pct: number): number {
    if (this.anneal_func === 'linear') return (end - start) * pct + start;
    const cosOut = cos(Math.PI * pct) + 1;
    return end + ((start - end) / 2.0) * cosOut;
  }

  /** The lr at step last_epoch; with cycle_momentum it also sets each group's momentum (or beta1). */
  override get_lr(): number[] {
    this._warnOutsideStep();
    const step = this.last_epoch;
    if (step > this.total_steps) {
      throw new ValueError(`Tried to step ${step + 1} times. The specified number of total steps is ${this.total_steps}`);
    }
    const last = this._schedule_phases.length - 1;
    return groupsOf(this.optimizer).map((g) => {
      let start = 0;
      let lr = NaN;
      for (let i = 0; i <= last; i++) {
        const phase = this._schedule_phases[i];
        if (step <= phase.end_step || i === last) {
          const pct = div(step - start, phase.end_step - start);
          lr = this._anneal(groupNumber(g, phase.start_lr), groupNumber(g, phase.end_lr), pct);
          if (this.cycle_momentum) this._setMomentum(g, this._anneal(groupNumber(g, phase.start_momentum), groupNumber(g, phase.end_momentum), pct));
          break;
        }
        start = phase.end_step;
      }
      return lr;
    });
  }
}
