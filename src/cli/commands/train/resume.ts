// `train --resume model.json`: continue from a saved model (version 2 with its training state, or a
// version 1 file, whose weights alone are resumed). The weights, the standardization they were trained
// with and the optimizer/scheduler state (when the file was saved with the same --optimizer/--scheduler)
// are loaded into the run built from this run's flags.

import { DataError, UsageError } from '../../../errors.js';
import type { Linear } from '../../../nn/linear.js';
import type { Optimizer, OptimizerStateDict } from '../../../optim/optimizer.js';
import { quote } from '../../../quote.js';
import { decodeState, loadModel, type ModelFile, type Standardization } from '../../model_file.js';
import type { TrainOptions } from './options.js';
import type { TrainingSetup } from './setup.js';

export interface Resumed {
  model: ModelFile;
  file: string;
}

/** Read and check the --resume file before the data is loaded (a bad file fails first). */
export function readResume(o: TrainOptions): Resumed | null {
  if (o.resume === undefined) return null;
  const model = loadModel(o.resume);
  if (model.dtype !== o.dtype) {
    throw new UsageError(`--resume ${o.resume} holds a ${model.dtype} model; train it with --dtype ${model.dtype}`);
  }
  if (o.standardize && model.standardization === null) {
    throw new UsageError(`--standardize: --resume ${o.resume} was trained on unstandardized features (leave out --standardize)`);
  }
  return { model, file: o.resume };
}

/** The data's columns must be the model's, by name and in order. */
export function checkColumns(r: Resumed, features: string[], targets: string[]): void {
  const same = (a: string[], b: string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
  if (!same(r.model.feature_names, features)) {
    throw new UsageError(`--resume ${r.file} was trained on features ${r.model.feature_names.map(quote).join(', ')}, the data has ${features.map(quote).join(', ')} (choose them with --features)`);
  }
  if (!same(r.model.target_names, targets)) {
    throw new UsageError(`--resume ${r.file} was trained on targets ${r.model.target_names.map(quote).join(', ')}, the data has ${targets.map(quote).join(', ')} (choose them with --target)`);
  }
}

/** The standardization the resumed weights apply to (the saved statistics, not this data's). */
export function resumedStandardization(r: Resumed): Standardization | null {
  return r.model.standardization;
}

/** Hyper-parameters a run's flags set: kept from this run, not the saved optimizer. */
function keepHyper(optimizer: Optimizer<object>, keepLr: boolean): Array<Record<string, unknown>> {
  return optimizer.param_groups.map((g) => {
    const { params: _p, ...h } = g as Record<string, unknown>;
    if (!keepLr) delete h.lr;
    return h;
  });
}

/**
 * Put the saved weights into `model`, then the saved optimizer and scheduler states into `setup` when they
 * were saved by the same classes (else a warning, and they start afresh). The flags of this run keep their
 * hyper-parameters; the learning rate comes from the saved state when the schedule is resumed (it owns it).
 */
export function applyResume(r: Resumed, o: TrainOptions, model: Linear, setup: TrainingSetup, warn: (message: string) => void): number {
  const m = r.model;
  model.weight._data.set(m.weight.flat());
  if (model.bias !== null) model.bias._data.set(m.bias);
  model.weight._version.value++;
  if (model.bias !== null) model.bias._version.value++;
  const state = m.training_state ?? null;
  if (state === null) {
    warn(`${r.file} has no optimizer state (a version ${m.version} file or one saved without it): the optimizer starts afresh`);
    return 0;
  }
  const fail = (what: string, err: unknown): never => {
    throw new DataError(`${r.file}: not a valid model file: 'training_state.${what}' cannot be loaded: ${(err as Error).message}`);
  };
  const schedulerResumed = state.scheduler !== null && setup.scheduler !== null && state.scheduler.name === setup.schedulerName;
  if (state.optimizer.name === o.optimizer) {
    const keep = keepHyper(setup.optimizer, !schedulerResumed);
    try {
      setup.optimizer.load_state_dict(decodeState(state.optimizer.state_dict) as unknown as OptimizerStateDict<object>);
    } catch (err) {
      fail('optimizer', err);
    }
    setup.optimizer.param_groups.forEach((g, i) => Object.assign(g, keep[i]));
  } else {
    warn(`${r.file} was trained with --optimizer ${state.optimizer.name}: --optimizer ${o.optimizer} starts afresh`);
  }
  if (setup.scheduler !== null) {
    if (schedulerResumed && state.scheduler !== null) {
      try {
        setup.loadSchedulerState(decodeState(state.scheduler.state_dict));
      } catch (err) {
        fail('scheduler', err);
      }
    } else {
      warn(`${r.file} has no state of --scheduler ${o.scheduler}: the schedule starts afresh`);
    }
  }
  return state.epochs_done;
}
