// `autograd train`'s choice of optimizer, loss and lr schedule: which flags each takes (refused with a
// usage error where PyTorch's class has no such argument), their defaults as PyTorch's, and the
// PyTorch-style text of each for the header.

import { InvalidArgumentError } from 'commander';
import { UsageError } from '../../../errors.js';
import { finiteNumber } from '../../options.js';
import { type LossName, type OptimizerName, type SchedulerName, type TrainOptions } from './options.js';


/** `--betas 0.9,0.999`: two numbers in [0, 1). */
export function betasList(text: string): [number, number] {
  const parts = text.split(',');
  if (parts.length !== 2) throw new InvalidArgumentError('Expected two numbers separated by a comma, such as 0.9,0.999.');
  const values = parts.map((p) => finiteNumber(p)) as [number, number];
  values.forEach((b, i) => {
    if (!(b >= 0 && b < 1)) throw new InvalidArgumentError(`beta ${i + 1} must be in [0, 1), got ${b}.`);
  });
  return values;
}

/** `--milestones 30,80`: strictly increasing positive epoch numbers. */
export function milestoneList(text: string): number[] {
  const parts = text.split(',').map((s) => s.trim());
  const values = parts.map((p) => {
    if (!/^\d+$/.test(p) || Number(p) < 1) throw new InvalidArgumentError(`Expected positive whole epoch numbers separated by commas, such as 30,80; got '${p}'.`);
    return Number(p);
  });
  for (let i = 1; i < values.length; i++) {
    if (values[i] <= values[i - 1]) throw new InvalidArgumentError(`The milestones must increase: ${values[i - 1]} then ${values[i]}.`);
  }
  return values;
}

/** A factor in (0, 1] (LinearLR's start factor). */
export function unitFactor(text: string): number {
  const value = finiteNumber(text);
  if (!(value > 0 && value <= 1)) throw new InvalidArgumentError('It must be greater than 0 and at most 1.');
  return value;
}

/** A factor in (0, 1) (ReduceLROnPlateau's factor). */
export function openUnitFactor(text: string): number {
  const value = finiteNumber(text);
  if (!(value > 0 && value < 1)) throw new InvalidArgumentError('It must be between 0 and 1 (both excluded).');
  return value;
}

type Flag = readonly [flag: string, key: keyof TrainOptions];

/** The optimizer flags and which optimizers (as PyTorch's classes) take each. */
const OPTIMIZER_FLAGS: ReadonlyArray<readonly [...Flag, readonly OptimizerName[]]> = [
  ['--momentum', 'momentum', ['sgd', 'rmsprop']],
  ['--dampening', 'dampening', ['sgd']],
  ['--nesterov', 'nesterov', ['sgd']],
  ['--weight-decay', 'weightDecay', ['sgd', 'adam', 'adamw', 'rmsprop', 'adagrad']],
  ['--betas', 'betas', ['adam', 'adamw']],
  ['--eps', 'eps', ['adam', 'adamw', 'rmsprop', 'adagrad']],
  ['--amsgrad', 'amsgrad', ['adam', 'adamw']],
  ['--alpha', 'alpha', ['rmsprop']],
  ['--centered', 'centered', ['rmsprop']],
  ['--lr-decay', 'lrDecay', ['adagrad']],
];

const LOSS_FLAGS: ReadonlyArray<readonly [...Flag, readonly LossName[]]> = [
  ['--delta', 'delta', ['huber']],
  ['--beta', 'beta', ['smooth-l1']],
];

const SCHEDULER_FLAGS: ReadonlyArray<readonly [...Flag, readonly SchedulerName[]]> = [
  ['--step-size', 'stepSize', ['step']],
  ['--gamma', 'gamma', ['step', 'multistep', 'exponential']],
  ['--milestones', 'milestones', ['multistep']],
  ['--t-max', 'tMax', ['cosine']],
  ['--eta-min', 'etaMin', ['cosine']],
  ['--start-factor', 'startFactor', ['linear']],
  ['--total-iters', 'totalIters', ['linear']],
  ['--factor', 'factor', ['plateau']],
  ['--patience', 'patience', ['plateau']],
];

/** Flags a scheduler cannot run without (PyTorch's required arguments). */
const SCHEDULER_NEEDS: Partial<Record<SchedulerName, Flag>> = {
  step: ['--step-size', 'stepSize'],
  multistep: ['--milestones', 'milestones'],
  exponential: ['--gamma', 'gamma'],
};

function given(o: TrainOptions, key: keyof TrainOptions): boolean {
  return o[key] !== undefined && o[key] !== false;
}

function names(list: readonly string[]): string {
  return list.length === 1 ? list[0] : `${list.slice(0, -1).join(', ')} or ${list.at(-1)}`;
}

/** Usage errors for flags the chosen optimizer, loss or schedule does not take, or a schedule's missing flags. */
export function checkChoices(o: TrainOptions): void {
  for (const [flag, key, takers] of OPTIMIZER_FLAGS) {
    if (given(o, key) && !takers.includes(o.optimizer)) throw new UsageError(`${flag} applies to --optimizer ${names(takers)}, not ${o.optimizer}`);
  }
  for (const [flag, key, takers] of LOSS_FLAGS) {
    if (given(o, key) && !takers.includes(o.loss)) throw new UsageError(`${flag} applies to --loss ${names(takers)}, not ${o.loss}`);
  }
  for (const [flag, key, takers] of SCHEDULER_FLAGS) {
    if (!given(o, key)) continue;
    if (o.scheduler === undefined) throw new UsageError(`${flag} needs --scheduler ${names(takers)}`);
    if (!takers.includes(o.scheduler)) throw new UsageError(`${flag} applies to --scheduler ${names(takers)}, not ${o.scheduler}`);
  }
  const need = o.scheduler === undefined ? undefined : SCHEDULER_NEEDS[o.scheduler];
  if (need !== undefined && !given(o, need[1])) throw new UsageError(`--scheduler ${o.scheduler} needs ${need[0]}`);
  if (o.minDelta !== undefined && o.earlyStopping === undefined) throw new UsageError('--min-delta needs --early-stopping');
  if (o.earlyStopping !== undefined && o.valSplit === undefined) {
    throw new UsageError('--early-stopping needs --val-split: it watches the validation loss');
  }
  if (o.valSplit !== undefined && o.testSplit !== undefined && !(o.valSplit + o.testSplit < 1)) {
    throw new UsageError(`--val-split ${o.valSplit} and --test-split ${o.testSplit} leave no training rows (their sum must be below 1)`);
  }
  if (o.stream && o.testSplit !== undefined) throw new UsageError('--stream cannot be combined with --test-split (a split needs the whole file in memory)');
}

/** Python's repr of a float as PyTorch prints an argument: 0.01, 1e-08, 0.0 for a whole float. */
export function pyFloat(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return `${x}.0`;
  return String(x).replace(/e([+-])(\d)$/, 'e$10$2');
}

const py = (b: boolean): string => (b ? 'True' : 'False');

/** The optimizer's hyper-parameters with PyTorch's defaults filled in, by PyTorch's argument names. */
export interface OptimizerSettings {
  name: OptimizerName;
  lr: number;
  weight_decay: number;
  momentum: number;
  dampening: number;
  nesterov: boolean;
  betas: [number, number];
  eps: number;
  amsgrad: boolean;
  alpha: number;
  centered: boolean;
  lr_decay: number;
}

export function optimizerSettings(o: TrainOptions): OptimizerSettings {
  const name = o.optimizer;
  return {
    name,
    lr: o.lr,
    // AdamW's default weight decay is 0.01; the others' 0
    weight_decay: o.weightDecay ?? (name === 'adamw' ? 0.01 : 0),
    momentum: o.momentum ?? 0,
    dampening: o.dampening ?? 0,
    nesterov: o.nesterov,
    betas: o.betas ?? [0.9, 0.999],
    eps: o.eps ?? (name === 'adagrad' ? 1e-10 : 1e-8),
    amsgrad: o.amsgrad,
    alpha: o.alpha ?? 0.99,
    centered: o.centered,
    lr_decay: o.lrDecay ?? 0,
  };
}

/** `Adam(lr=0.01, betas=(0.9, 0.999), eps=1e-08, weight_decay=0, amsgrad=False)`: the constructor call as written in Python. */
export function optimizerText(s: OptimizerSettings): string {
  const n = (x: number): string => String(x).replace(/e([+-])(\d)$/, 'e$10$2');
  switch (s.name) {
    case 'sgd':
      return `SGD(lr=${n(s.lr)}, momentum=${n(s.momentum)}, dampening=${n(s.dampening)}, weight_decay=${n(s.weight_decay)}, nesterov=${py(s.nesterov)})`;
    case 'adam':
    case 'adamw':
      return `${s.name === 'adam' ? 'Adam' : 'AdamW'}(lr=${n(s.lr)}, betas=(${n(s.betas[0])}, ${n(s.betas[1])}), eps=${n(s.eps)}, weight_decay=${n(s.weight_decay)}, amsgrad=${py(s.amsgrad)})`;
    case 'rmsprop':
      return `RMSprop(lr=${n(s.lr)}, alpha=${n(s.alpha)}, eps=${n(s.eps)}, weight_decay=${n(s.weight_decay)}, momentum=${n(s.momentum)}, centered=${py(s.centered)})`;
    case 'adagrad':
      return `Adagrad(lr=${n(s.lr)}, lr_decay=${n(s.lr_decay)}, weight_decay=${n(s.weight_decay)}, eps=${n(s.eps)})`;
  }
}

/** The loss with its defaults: Huber's delta and SmoothL1's beta are 1 in PyTorch. */
export interface LossSettings {
  name: LossName;
  delta: number;
  beta: number;
}

export function lossSettings(o: TrainOptions): LossSettings {
  return { name: o.loss, delta: o.delta ?? 1, beta: o.beta ?? 1 };
}

/** The schedule with its defaults (PyTorch's, and T_max = the epochs when --t-max is not given). */
export type SchedulerSettings =
  | { name: 'step'; step_size: number; gamma: number }
  | { name: 'multistep'; milestones: number[]; gamma: number }
  | { name: 'exponential'; gamma: number }
  | { name: 'cosine'; T_max: number; eta_min: number }
  | { name: 'linear'; start_factor: number; end_factor: number; total_iters: number }
  | { name: 'plateau'; factor: number; patience: number };

export function schedulerSettings(o: TrainOptions): SchedulerSettings | null {
  switch (o.scheduler) {
    case undefined:
      return null;
    case 'step':
      return { name: 'step', step_size: o.stepSize as number, gamma: o.gamma ?? 0.1 };
    case 'multistep':
      return { name: 'multistep', milestones: o.milestones as number[], gamma: o.gamma ?? 0.1 };
    case 'exponential':
      return { name: 'exponential', gamma: o.gamma as number };
    case 'cosine':
      return { name: 'cosine', T_max: o.tMax ?? o.epochs, eta_min: o.etaMin ?? 0 };
    case 'linear':
      return { name: 'linear', start_factor: o.startFactor ?? 1 / 3, end_factor: 1, total_iters: o.totalIters ?? 5 };
    case 'plateau':
      return { name: 'plateau', factor: o.factor ?? 0.1, patience: o.patience ?? 10 };
  }
}

/** `StepLR(step_size=30, gamma=0.1)`, stepped once per epoch. */
export function schedulerText(s: SchedulerSettings): string {
  const n = (x: number): string => String(x).replace(/e([+-])(\d)$/, 'e$10$2');
  switch (s.name) {
    case 'step':
      return `StepLR(step_size=${s.step_size}, gamma=${n(s.gamma)})`;
    case 'multistep':
      return `MultiStepLR(milestones=[${s.milestones.join(', ')}], gamma=${n(s.gamma)})`;
    case 'exponential':
      return `ExponentialLR(gamma=${n(s.gamma)})`;
    case 'cosine':
      return `CosineAnnealingLR(T_max=${s.T_max}, eta_min=${n(s.eta_min)})`;
    case 'linear':
      return `LinearLR(start_factor=${n(s.start_factor)}, end_factor=${n(s.end_factor)}, total_iters=${s.total_iters})`;
    case 'plateau':
      return `ReduceLROnPlateau(mode='min', factor=${n(s.factor)}, patience=${s.patience})`;
  }
}

/** `HuberLoss(delta=1.0)`, as PyTorch's repr of the module would not say; the header shows the argument. */
export function lossText(s: LossSettings): string {
  switch (s.name) {
    case 'mse':
      return 'MSELoss()';
    case 'l1':
      return 'L1Loss()';
    case 'huber':
      return `HuberLoss(delta=${pyFloat(s.delta)})`;
    case 'smooth-l1':
      return `SmoothL1Loss(beta=${pyFloat(s.beta)})`;
  }
}
