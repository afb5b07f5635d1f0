// SequentialLR (one scheduler after another at milestone epochs) and ChainedScheduler (all of them,
// each step, in order: their factors multiply).

import { IndexError, ValueError } from '../../errors.js';
import type { Optimizer } from '../optimizer.js';
import { groupNumber, groupsOf, LRScheduler } from './base.js';
import { bisectRight } from './pymath.js';
import { stateOf, updateFields, type SchedulerState } from './state.js';

export interface SequentialLROptions {
  /** Schedulers of this optimizer, made before this one. */
  schedulers: LRScheduler[];
  /** The epochs at which each next scheduler takes over (one fewer than schedulers). */
  milestones: number[];
  last_epoch?: number;
  /** Does nothing (as in PyTorch). */
  verbose?: boolean;
}

/** The state of a composite: its own fields and each scheduler's state_dict under _schedulers. */
function compositeState(self: LRScheduler, schedulers: LRScheduler[]): SchedulerState {
  return { ...stateOf(self, ['optimizer', '_schedulers']), _schedulers: schedulers.map((s) => s.state_dict()) };
}

function loadComposite(self: LRScheduler, schedulers: LRScheduler[], state: SchedulerState): void {
  const { _schedulers: saved, ...rest } = state;
  updateFields(self, rest, ['optimizer']);
  (saved as SchedulerState[]).forEach((s, i) => schedulers[i].load_state_dict(s));
}

export class SequentialLR extends LRScheduler {
  _schedulers: LRScheduler[];
  _milestones: number[];

  constructor(optimizer: Optimizer<object>, options: SequentialLROptions) {
    const { schedulers, milestones } = options;
    schedulers.forEach((s, i) => {
      if (s.optimizer !== optimizer) {
        throw new ValueError(
          `Sequential Schedulers expects all schedulers to belong to the same optimizer, but got schedulers at index ${i} to be different than the optimizer passed in.`,
        );
      }
    });
    if (milestones.length !== schedulers.length - 1) {
      throw new ValueError(
        'Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, ' +
          `but got number of schedulers ${schedulers.length} and the number of milestones to be equal to ${milestones.length}`,
      );
    }
    super(optimizer);
    this._schedulers = schedulers;
    this._milestones = milestones;
    this.last_epoch = (options.last_epoch ?? -1) + 1;
    // back to the initial lrs, undo the first step of every scheduler, then the first one's alone
    for (const g of groupsOf(optimizer)) g.lr = groupNumber(g, 'initial_lr');
    for (const s of schedulers) s.last_epoch -= 1;
    schedulers[0]._initial_step();
    this._last_lr = schedulers[0].get_last_lr();
  }

  /** The scheduler of this epoch steps; at its milestone it starts from epoch 0 (step(0), the closed form). */
  override step(): void {
    this.last_epoch += 1;
    const idx = bisectRight(this._milestones, this.last_epoch);
    const scheduler = this._schedulers[idx];
    if (idx > 0 && this._milestones[idx - 1] === this.last_epoch) scheduler.step(0);
    else scheduler.step();
    this._last_lr = scheduler.get_last_lr();
  }

  override state_dict(): SchedulerState {
    return compositeState(this, this._schedulers);
  }

  override load_state_dict(state_dict: SchedulerState): void {
    loadComposite(this, this._schedulers, state_dict);
  }
}

export class ChainedScheduler extends LRScheduler {
  _schedulers: LRScheduler[];

  constructor(schedulers: LRScheduler[]) {
    if (schedulers.length === 0) throw new IndexError('list index out of range');
    for (let i = 1; i < schedulers.length; i++) {
      if (schedulers[i].optimizer !== schedulers[0].optimizer) {
        throw new ValueError(`ChainedScheduler expects all schedulers to belong to the same optimizer, but got schedulers at index 0 and ${i} to be different`);
      }
    }
    super(schedulers[0].optimizer);
    this._schedulers = [...schedulers];
    this._last_lr = groupsOf(this.optimizer).map((g) => g.lr);
  }

  /** Every scheduler's step, in order. */
  override step(): void {
    for (const s of this._schedulers) s.step();
    this._last_lr = groupsOf(this.optimizer).map((g) => g.lr);
  }

  override state_dict(): SchedulerState {
    return compositeState(this, this._schedulers);
  }

  override load_state_dict(state_dict: SchedulerState): void {
    loadComposite(this, this._schedulers, state_dict);
  }
}
