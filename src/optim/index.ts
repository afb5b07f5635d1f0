// torch.optim

export { Optimizer, type ParamGroup, type ParamGroupSpec, type Params, type OptimizerStateDict, type StateValue, type SavedStateValue } from './optimizer.js';
export { SGD, type SGDOptions, type SGDHyper } from './sgd.js';
export * as lr_scheduler from './lr_scheduler/index.js';
export { Adam, type AdamOptions, type AdamHyper } from './adam.js';
export { AdamW, type AdamWOptions, type AdamWHyper } from './adamw.js';
export { RMSprop, type RMSpropOptions, type RMSpropHyper } from './rmsprop.js';
export { Adagrad, type AdagradOptions, type AdagradHyper } from './adagrad.js';
export { Adamax, type AdamaxOptions, type AdamaxHyper } from './adamax.js';
export { NAdam, type NAdamOptions, type NAdamHyper } from './nadam.js';
export { RAdam, type RAdamOptions, type RAdamHyper } from './radam.js';
