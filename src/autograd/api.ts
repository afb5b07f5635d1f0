// torch.autograd: backward, grad, gradcheck, and the grad-mode helpers.

export { backward, grad, type GradOptions, type AutogradBackwardOptions } from './grad.js';
export { gradcheck, gradgradcheck, GradcheckError, type GradcheckOptions, type GradgradcheckOptions } from './gradcheck.js';
export { no_grad, enable_grad, set_grad_enabled, is_grad_enabled, inference_mode, is_inference_mode_enabled } from '../tensor/autograd/grad_mode.js';
export { Function, FunctionCtx, once_differentiable, type FunctionClass } from './function.js';
export * as function from './function.js';
export { set_detect_anomaly, detect_anomaly, is_anomaly_enabled, is_anomaly_check_nan_enabled } from './anomaly_mode.js';
export * as functional from './functional.js';
