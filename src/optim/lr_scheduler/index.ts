// torch.optim.lr_scheduler (PyTorch 1.13).

export { LRScheduler, LRScheduler as _LRScheduler, type LrGroup, type SchedulerOptions } from './base.js';
export type { SchedulerState, StateValue } from './state.js';
export { StepLR, MultiStepLR, ExponentialLR, type StepLROptions, type MultiStepLROptions, type ExponentialLROptions } from './step.js';
export { ConstantLR, LinearLR, PolynomialLR, type ConstantLROptions, type LinearLROptions, type PolynomialLROptions } from './factor.js';
export { LambdaLR, MultiplicativeLR, type LambdaLROptions, type LrLambda } from './lambda.js';
export { CosineAnnealingLR, CosineAnnealingWarmRestarts, type CosineAnnealingLROptions, type CosineAnnealingWarmRestartsOptions } from './cosine.js';
export { CyclicLR, type CyclicLROptions, type CyclicMode } from './cyclic.js';
export { OneCycleLR, type OneCycleLROptions, type SchedulePhase } from './one_cycle.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './plateau.js';
export { SequentialLR, ChainedScheduler, type SequentialLROptions } from './compose.js';
