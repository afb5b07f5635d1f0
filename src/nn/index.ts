// torch.nn

export { Module, type StateDict } from './module.js';
export { Parameter } from './parameter.js';
export { Linear, type LinearOptions } from './linear.js';
export { MSELoss, BCEWithLogitsLoss } from './loss.js';
export { L1Loss, HuberLoss, SmoothL1Loss, BCELoss, NLLLoss, CrossEntropyLoss, GaussianNLLLoss } from './loss.js';
export * as functional from './functional.js';
export * as init from './init.js';
