// torch.nn

export { Module, type StateDict, type StateDictInput } from './module.js';
export { IncompatibleKeys } from './state_dict.js';
export { Sequential, ModuleList, ModuleDict } from './container.js';
export { Parameter } from './parameter.js';
export { Linear, Identity, type LinearOptions } from './linear.js';
export {
  ReLU, LeakyReLU, Tanh, Sigmoid, Softplus, GELU, ELU, SiLU, Softmax, LogSoftmax,
  ReLU6, SELU, CELU, Mish, Softsign, Hardtanh, Hardsigmoid, Hardswish, LogSigmoid, Softmin,
} from './activation.js';
export { Dropout, type DropoutOptions } from './dropout.js';
export { Flatten, Unflatten } from './flatten.js';
export { MSELoss, BCEWithLogitsLoss } from './loss.js';
export { L1Loss, HuberLoss, SmoothL1Loss, BCELoss, NLLLoss, CrossEntropyLoss, GaussianNLLLoss } from './loss.js';
export * as functional from './functional.js';
export * as init from './init.js';
export { Embedding, type EmbeddingModuleOptions } from './embedding.js';
export { CosineSimilarity, PairwiseDistance, KLDivLoss } from './distance.js';
