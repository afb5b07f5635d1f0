// CyclicLR (Smith's cyclical learning rates): lr between base_lr and max_lr in triangles, scaled per
// cycle or per iteration; momentum cycles the other way. Steps once per batch.

import { ValueError } from '../../errors.js';
import type { Optimizer } from '../optimizer.js';
import { groupsOf, LRScheduler, type SchedulerOptions } from './base.js';
import { div, pow } from './pymath.js';
import type { SchedulerState } from './state.js';

export type CyclicMode = 'triangular' | 'triangular2' | 'exp_range';

export interface CyclicLROptions extends SchedulerOptions {
  /** The lower lr boundary: one for all groups or one per group. */
  base_lr: number | readonly number[];
  /** The upper lr boundary: one for all groups or one per group. */
  max_lr: number | readonly number[];
  /** Iterations in the rising half of a cycle. Default 2000. */
  step_size_up?: number;
  /** Iterations in the falling half (default: step_size_up). */
  step_size_down?: number | null;
  /** Default 'triangular'; ignored when scale_fn is given. */
  mode?: CyclicMode;
  /** exp_range's gamma^iterations. Default 1. */
  gamma?: number;
  /** A custom scaling policy with values in [0, 1]; replaces mode. */
  scale_fn?: ((x: number) => number) | null;
  /** What a custom scale_fn is evaluated on. Default 'cycle'. */
  scale_mode?: 'cycle' | 'iterations';
  /** Cycle momentum inversely to the lr. Default true (needs an optimizer with momentum). */
  cycle_momentum?: boolean;
  /** Default 0.8. */
  base_momentum?: number | readonly number[];
  /** Default 0.9. */
  max_momentum?: number | readonly number[];
}

/** One value per group from a scalar or a list (PyTorch's _format_param). */
export function formatParam(name: string, optimizer: Optimizer<object>, param: number | readonly number[]): number[] {
  const n = groupsOf(optimizer).length;
  if (typeof param === 'number') return Array.from({ length: n }, () => param);
  if (param.length !== n) throw new ValueError(`expected ${n} values for ${name}, got ${param.length}`);
  return [...param];
}

const MODES: readonly string[] = ['triangular', 'triangular2', 'exp_range'];

export class CyclicLR extends LRScheduler {
  max_lrs: number[];
  total_size: number;
  step_ratio: number;
  mode: string;
  gamma: number;
  _scale_fn_custom: ((x: number) => number) | null;
  scale_mode: string;
  cycle_momentum: boolean;
  declare base_momentums: number[];
  declare max_momentums: number[];

  constructor(optimizer: Optimizer<object>, options: CyclicLROptions) {
    super(optimizer);
    const lastEpoch = options.last_epoch ?? -1;
    const baseLrs = formatParam('base_lr', optimizer, options.base_lr);
    const groups = groupsOf(optimizer);
    if (lastEpoch === -1) baseLrs.forEach((lr, i) => (groups[i].lr = lr));
    this.max_lrs = formatParam('max_lr', optimizer, options.max_lr);
    const up = options.step_size_up ?? 2000;
    const down = options.step_size_down ?? up;
    this.total_size = up + down;
    this.step_ratio = div(up, this.total_size);
    const mode = options.mode ?? 'triangular';
    const custom = options.scale_fn ?? null;
    if (!MODES.includes(mode) && custom === null) throw new ValueError('mode is invalid and scale_fn is None');
    this.mode = mode;
    this.gamma = options.gamma ?? 1.0;
    this._scale_fn_custom = custom;
    this.scale_mode = custom !== null ? (options.scale_mode ?? 'cycle') : mode === 'exp_range' ? 'iterations' : 'cycle';
    this.cycle_momentum = options.cycle_momentum ?? true;
    if (this.cycle_momentum) {
      if (!('momentum' in optimizer.defaults)) throw new ValueError('optimizer must support momentum with `cycle_momentum` option enabled');
      const baseMomentums = formatParam('base_momentum', optimizer, options.base_momentum ?? 0.8);
      if (lastEpoch === -1) baseMomentums.forEach((m, i) => (groups[i].momentum = m));
      this.base_momentums = groups.map((g) => g.momentum as number);
      this.max_momentums = formatParam('max_momentum', optimizer, options.max_momentum ?? 0.9);
    }
    this._init(lastEpoch, options.verbose);
    // NOTE: as in PyTorch, the first step above used the groups' initial_lr; base_lr holds from here on
    this.base_lrs = baseLrs;
  }

  /** The amplitude's scale at x (a cycle number or an iteration): the custom function or the mode's. */
  scale_fn(x: number): number {
    if (this._scale_fn_custom !== null) return this._scale_fn_custom(x);
    if (this.mode === 'triangular') return 1.0;
    if (this.mode === 'triangular2') return div(1, pow(2.0, x - 1));
    return pow(this.gamma, x);
  }

  /** The lr at batch last_epoch; with cycle_momentum it also sets each group's momentum. */
  override get_lr(): number[] {
    this._warnOutsideStep();
    const cycle = Math.floor(1 + div(this.last_epoch, this.total_size));
    const x = 1.0 + this.last_epoch / this.total_size - cycle;
    const scaleFactor = x <= this.step_ratio ? div(x, this.step_ratio) : div(x - 1, this.step_ratio - 1);
    const at = this.scale_mode === 'cycle' ? cycle : this.last_epoch;
    const n = Math.min(this.base_lrs.length, this.max_lrs.length);
    const lrs: number[] = [];
    for (let i = 0; i < n; i++) {
      const baseHeight = (this.max_lrs[i] - this.base_lrs[i]) * scaleFactor;
      lrs.push(this.base_lrs[i] + baseHeight * this.scale_fn(at));
    }
    if (this.cycle_momentum) {
      const groups = groupsOf(this.optimizer);
      const m = Math.min(this.base_momentums.length, this.max_momentums.length, groups.length);
      for (let i = 0; i < m; i++) {
        const baseHeight = (this.max_momentums[i] - this.base_momentums[i]) * scaleFactor;
        groups[i].momentum = this.max_momentums[i] - baseHeight * this.scale_fn(at);
      }
    }
    return lrs;
  }

  /** The saved fields; a custom scale_fn (saved as null) stays this scheduler's own. */
  override load_state_dict(state_dict: SchedulerState): void {
    const { _scale_fn_custom: _saved, ...rest } = state_dict;
    super.load_state_dict(rest);
  }
}
