// The loss, optimizer and lr scheduler of one `autograd train` run, built from the flags (choices.ts)
// as a PyTorch script would build them, and their text for the header.

import { HuberLoss, L1Loss, MSELoss, SmoothL1Loss } from '../../../nn/loss.js';
import type { Module } from '../../../nn/module.js';
import type { Optimizer } from '../../../optim/optimizer.js';
import { SGD } from '../../../optim/sgd.js';
import { Adam } from '../../../optim/adam.js';
import { AdamW } from '../../../optim/adamw.js';
import { RMSprop } from '../../../optim/rmsprop.js';
import { Adagrad } from '../../../optim/adagrad.js';
import { CosineAnnealingLR, ExponentialLR, LinearLR, MultiStepLR, ReduceLROnPlateau, StepLR } from '../../../optim/lr_scheduler/index.js';
import type { EpochScheduler, LossFn } from '../../../train/fit.js';
import type { TrainOptions } from './options.js';
import { lossSettings, lossText, optimizerSettings, optimizerText, schedulerSettings, schedulerText } from './choices.js';

export interface TrainingSetup {
  loss_fn: LossFn & Module;
  optimizer: Optimizer<object>;
  scheduler: EpochScheduler | null;
  /** The --scheduler name, or null. */
  schedulerName: string | null;
  /** The scheduler's state_dict (JSON values), or null without one. */
  schedulerState(): Record<string, unknown> | null;
  loadSchedulerState(state: Record<string, unknown>): void;
  /** For the header: the loss, the optimizer and the schedule (null: none). */
  text: { loss: string; optimizer: string; scheduler: string | null };
}

function makeLoss(o: TrainOptions): LossFn & Module {
  const s = lossSettings(o);
  switch (s.name) {
    case 'mse':
      return new MSELoss();
    case 'l1':
      return new L1Loss();
    case 'huber':
      return new HuberLoss({ delta: s.delta });
    case 'smooth-l1':
      return new SmoothL1Loss({ beta: s.beta });
  }
}

function makeOptimizer(o: TrainOptions, model: Module): Optimizer<object> {
  const s = optimizerSettings(o);
  const params = model.parameters();
  switch (s.name) {
    case 'sgd':
      return new SGD(params, { lr: s.lr, momentum: s.momentum, dampening: s.dampening, weight_decay: s.weight_decay, nesterov: s.nesterov });
    case 'adam':
      return new Adam(params, { lr: s.lr, betas: s.betas, eps: s.eps, weight_decay: s.weight_decay, amsgrad: s.amsgrad });
    case 'adamw':
      return new AdamW(params, { lr: s.lr, betas: s.betas, eps: s.eps, weight_decay: s.weight_decay, amsgrad: s.amsgrad });
    case 'rmsprop':
      return new RMSprop(params, { lr: s.lr, alpha: s.alpha, eps: s.eps, weight_decay: s.weight_decay, momentum: s.momentum, centered: s.centered });
    case 'adagrad':
      return new Adagrad(params, { lr: s.lr, lr_decay: s.lr_decay, weight_decay: s.weight_decay, eps: s.eps });
  }
}

/** A scheduler as fit() steps it, with its state_dict (JSON values). */
type StatefulScheduler = EpochScheduler & { state_dict(): Record<string, unknown>; load_state_dict(state: Record<string, unknown>): void };

/** The lr_scheduler class a PyTorch script would build for these flags (stepped once per epoch). */
function makeScheduler(o: TrainOptions, optimizer: Optimizer<object>): StatefulScheduler | null {
  const s = schedulerSettings(o);
  if (s === null) return null;
  switch (s.name) {
    case 'step':
      return new StepLR(optimizer, { step_size: s.step_size, gamma: s.gamma });
    case 'multistep':
      return new MultiStepLR(optimizer, { milestones: s.milestones, gamma: s.gamma });
    case 'exponential':
      return new ExponentialLR(optimizer, { gamma: s.gamma });
    case 'cosine':
      return new CosineAnnealingLR(optimizer, { T_max: s.T_max, eta_min: s.eta_min });
    case 'linear':
      return new LinearLR(optimizer, { start_factor: s.start_factor, end_factor: s.end_factor, total_iters: s.total_iters });
    case 'plateau':
      return new ReduceLROnPlateau(optimizer, { factor: s.factor, patience: s.patience });
  }
}

/** The run's loss, optimizer over `model`'s parameters, and schedule. */
export function trainingSetup(o: TrainOptions, model: Module): TrainingSetup {
  const loss_fn = makeLoss(o);
  const optimizer = makeOptimizer(o, model);
  const scheduler = makeScheduler(o, optimizer);
  const sched = schedulerSettings(o);
  return {
    loss_fn,
    optimizer,
    scheduler,
    schedulerName: sched?.name ?? null,
    schedulerState: () => (scheduler === null ? null : scheduler.state_dict()),
    loadSchedulerState: (state) => scheduler?.load_state_dict(state),
    text: { loss: lossText(lossSettings(o)), optimizer: optimizerText(optimizerSettings(o)), scheduler: sched === null ? null : schedulerText(sched) },
  };
}
