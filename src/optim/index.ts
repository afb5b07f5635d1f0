// torch.optim

export { Optimizer, type ParamGroup, type OptimizerStateDict } from './optimizer.js';
export { SGD, type SGDOptions, type SGDHyper } from './sgd.js';
export * as lr_scheduler from './lr_scheduler/index.js';
