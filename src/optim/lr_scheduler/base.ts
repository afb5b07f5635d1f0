// lr_scheduler._LRScheduler (PyTorch 1.13): initial_lr and base_lrs, the step that sets each group's lr
// (get_lr()'s chainable form, or _get_closed_form_lr() when step(epoch) is given), the optimizer.step()
// counter behind PyTorch's ordering warnings, verbose lines, and state_dict / load_state_dict.

import { ArgumentTypeError, KeyError, RuntimeError } from '../../errors.js';
import { formatExp, formatFixed, pyRepr } from '../../tensor/pyfloat.js';
import { print, warn } from '../../warnings.js';
import { Optimizer } from '../optimizer.js';
import { stateOf, updateFields, type SchedulerState } from './state.js';

/** A parameter group as the schedulers see it: its lr and any other hyper-parameter by name. */
export type LrGroup = { lr: number; [key: string]: unknown };

/** The options every scheduler takes after its own. */
export interface SchedulerOptions {
  /** The index of the last epoch (-1: start; else resume, with `initial_lr` in every group). */
  last_epoch?: number;
  /** Print each lr change (through src/warnings.ts's print handler). */
  verbose?: boolean;
}

export const EPOCH_DEPRECATION_WARNING =
  'The epoch parameter in `scheduler.step()` was not necessary and is being deprecated where possible. ' +
  'Please use `scheduler.step()` to step the scheduler. During the deprecation, if epoch is different from None, ' +
  'the closed form is used instead of the new chainable form, where available. Please open an issue if you are ' +
  'unable to replicate your use case: https://github.com/pytorch/pytorch/issues/new/choose.';

const OVERRIDDEN_WARNING =
  'Seems like `optimizer.step()` has been overridden after learning rate scheduler initialization. Please, make ' +
  'sure to call `optimizer.step()` before `lr_scheduler.step()`. See more details at ' +
  'https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate';

const ORDER_WARNING =
  'Detected call of `lr_scheduler.step()` before `optimizer.step()`. In PyTorch 1.1.0 and later, you should call ' +
  'them in the opposite order: `optimizer.step()` before `lr_scheduler.step()`.  Failure to do this will result in ' +
  'PyTorch skipping the first value of the learning rate schedule. See more details at ' +
  'https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate';

export const GET_LR_WARNING = 'To get the last learning rate computed by the scheduler, please use `get_last_lr()`.';

/** optimizer._step_count: optimizer.step() calls since the last scheduler was attached to it. */
const optimizerSteps = new WeakMap<object, number>();
/** The step functions that count (PyTorch's `_with_counter` mark). */
const countingSteps = new WeakSet<object>();

type StepFunction = (...args: unknown[]) => unknown;

/** Wrap optimizer.step so that it counts its calls, as PyTorch's with_counter does (once per optimizer). */
function countSteps(optimizer: Optimizer<object>): void {
  const step = optimizer.step as StepFunction;
  if (countingSteps.has(step)) return;
  const counted: StepFunction = (...args) => {
    optimizerSteps.set(optimizer, (optimizerSteps.get(optimizer) ?? 0) + 1);
    return step.apply(optimizer, args);
  };
  countingSteps.add(counted);
  Object.defineProperty(optimizer, 'step', { value: counted, writable: true, configurable: true, enumerable: false });
}

/** PyTorch's `TypeError: X is not an Optimizer`. */
export function checkOptimizer(optimizer: unknown): asserts optimizer is Optimizer<object> {
  if (!(optimizer instanceof Optimizer)) {
    const name = optimizer === null ? 'NoneType' : typeof optimizer === 'object' ? (optimizer.constructor?.name ?? 'object') : typeof optimizer;
    throw new ArgumentTypeError(`${name} is not an Optimizer`);
  }
}

/** The optimizer's groups as plain records (lr, initial_lr, momentum, ... by name). */
export function groupsOf(optimizer: Optimizer<object>): LrGroup[] {
  return optimizer.param_groups as unknown as LrGroup[];
}

/** group[key] as a number, with Python's KeyError when the group has no such key. */
export function groupNumber(group: LrGroup, key: string): number {
  if (!(key in group)) throw new KeyError(`'${key}'`);
  return group[key] as number;
}

/** '%.5d' for an integer epoch, '%.2f' for a fractional one (Python tells them by type; here by value). */
export function epochText(epoch: number): string {
  if (!Number.isInteger(epoch)) return formatFixed(epoch, 2);
  return `${epoch < 0 ? '-' : ''}${String(Math.abs(epoch)).padStart(5, '0')}`;
}

/** Python's `'{}'.format(x)` of a number in messages: ints as ints (an integral float looks like an int here). */
export function pyText(x: number): string {
  return Number.isInteger(x) ? String(x) : pyRepr(x);
}

/** Python's `'{:.4e}'.format(lr)`. */
export function lrText(lr: number): string {
  return formatExp(lr, 4);
}

/**
 * PyTorch's _LRScheduler. A scheduler's constructor takes the optimizer (`super(optimizer)`), sets its own
 * fields, then calls `this._init(last_epoch, verbose)`: PyTorch's `super().__init__(optimizer, last_epoch,
 * verbose)`, which fills in initial_lr and base_lrs and takes the first step. Subclasses implement get_lr()
 * (the chainable form, multiplying each group's current lr) and may implement _get_closed_form_lr().
 * The instance's enumerable fields, spelled as PyTorch's attributes, are its state_dict.
 */
export abstract class LRScheduler {
  optimizer: Optimizer<object>;
  declare base_lrs: number[];
  declare last_epoch: number;
  declare verbose: boolean;
  declare _step_count: number;
  declare _get_lr_called_within_step: boolean;
  declare _last_lr: number[];

  constructor(optimizer: Optimizer<object>) {
    checkOptimizer(optimizer);
    this.optimizer = optimizer;
  }

  /** PyTorch's _LRScheduler.__init__ after the optimizer: initial_lr, base_lrs, the step counter, the first step. */
  protected _init(last_epoch = -1, verbose = false): void {
    const groups = groupsOf(this.optimizer);
    if (last_epoch === -1) {
      for (const g of groups) if (!('initial_lr' in g)) g.initial_lr = g.lr;
    } else {
      groups.forEach((g, i) => {
        if (!('initial_lr' in g)) throw new KeyError(`param 'initial_lr' is not specified in param_groups[${i}] when resuming an optimizer`);
      });
    }
    this.base_lrs = groups.map((g) => g.initial_lr as number);
    this.last_epoch = last_epoch;
    countSteps(this.optimizer);
    this.verbose = verbose;
    this._initial_step();
  }

  /** Reset the step counts and take the first step. */
  _initial_step(): void {
    optimizerSteps.set(this.optimizer, 0);
    this._step_count = 0;
    this.step();
  }

  /** The lrs the last step set, one per group. */
  get_last_lr(): number[] {
    return this._last_lr;
  }

  /** The chainable form: each group's next lr from its current one. Warns when called outside step(). */
  get_lr(): number[] {
    throw new RuntimeError(`${this.constructor.name} does not implement get_lr()`);
  }

  /** The lrs at `last_epoch` from base_lrs alone, where the scheduler has one (used by step(epoch)). */
  protected _get_closed_form_lr?(): number[];

  /** PyTorch's warning when get_lr() is called by anything but step(). */
  protected _warnOutsideStep(): void {
    if (!this._get_lr_called_within_step) warn(GET_LR_WARNING);
  }

  print_lr(is_verbose: boolean, group: number, lr: number, epoch?: number): void {
    if (!is_verbose) return;
    if (epoch === undefined) print(`Adjusting learning rate of group ${group} to ${lrText(lr)}.`);
    else print(`Epoch ${epochText(epoch)}: adjusting learning rate of group ${group} to ${lrText(lr)}.`);
  }

  /** Advance one epoch (the chainable form), or, deprecated in PyTorch, jump to `epoch` (the closed form). */
  step(epoch?: number): void {
    if (this._step_count === 1) this._warnOrder();
    this._step_count += 1;
    this._get_lr_called_within_step = true;
    let values: number[];
    try {
      if (epoch === undefined) {
        this.last_epoch += 1;
        values = this.get_lr();
      } else {
        warn(EPOCH_DEPRECATION_WARNING);
        this.last_epoch = epoch;
        values = this._get_closed_form_lr !== undefined ? this._get_closed_form_lr() : this.get_lr();
      }
    } finally {
      this._get_lr_called_within_step = false;
    }
    this._setLrs(values, epoch);
  }

  /** Each group's lr from `values` (zip: the shorter decides), printed when verbose, and _last_lr. */
  protected _setLrs(values: number[], epoch: number | undefined): void {
    const groups = groupsOf(this.optimizer);
    const n = Math.min(groups.length, values.length);
    for (let i = 0; i < n; i++) {
      groups[i].lr = values[i];
      this.print_lr(this.verbose, i, values[i], epoch);
    }
    this._last_lr = groups.map((g) => g.lr);
  }

  /** PyTorch's checks on the second step: optimizer.step() replaced, or not yet called. */
  private _warnOrder(): void {
    if (!countingSteps.has(this.optimizer.step)) warn(OVERRIDDEN_WARNING);
    else if ((optimizerSteps.get(this.optimizer) ?? 0) < 1) warn(ORDER_WARNING);
  }

  /** Every field but the optimizer, as JSON values (see state.ts). */
  state_dict(): SchedulerState {
    return stateOf(this, ['optimizer']);
  }

  /** Take back a state_dict(): PyTorch's `self.__dict__.update(state_dict)`. */
  load_state_dict(state_dict: SchedulerState): void {
    updateFields(this, state_dict, ['optimizer']);
  }
}
