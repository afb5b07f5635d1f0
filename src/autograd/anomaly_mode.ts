// torch.autograd.set_detect_anomaly / detect_anomaly: while on, every node keeps the stack of the
// forward call that made it, the engine checks each gradient a node returns for NaN ("Function
// 'DivBackward0' returned nan values in its 0th output.") and, when a node's backward fails, warns
// with that stack, as PyTorch does.

import { warn } from '../warnings.js';
import { is_anomaly_check_nan_enabled, is_anomaly_enabled, setAnomaly } from '../tensor/autograd/anomaly.js';

export { is_anomaly_enabled, is_anomaly_check_nan_enabled };

/**
 * `torch.autograd.set_detect_anomaly(mode, check_nan)` sets the mode globally, as PyTorch's call does;
 * with a function as the last argument it is the context-manager form: only while `fn` runs.
 */
export function set_detect_anomaly(mode: boolean, check_nan?: boolean): void;
export function set_detect_anomaly<T>(mode: boolean, fn: () => T): T;
export function set_detect_anomaly<T>(mode: boolean, check_nan: boolean, fn: () => T): T;
export function set_detect_anomaly<T>(mode: boolean, a?: boolean | (() => T), b?: () => T): T | void {
  const fn = typeof a === 'function' ? a : b;
  const checkNan = typeof a === 'boolean' ? a : true;
  const previous = setAnomaly(mode, checkNan);
  if (fn === undefined) return;
  try {
    return fn();
  } finally {
    setAnomaly(...previous);
  }
}

/** `with torch.autograd.detect_anomaly(check_nan):` is `detect_anomaly(() => ..., check_nan)`, with PyTorch's warning. */
export function detect_anomaly<T>(fn: () => T, check_nan = true): T {
  warn('Anomaly Detection has been enabled. This mode will increase the runtime and should only be enabled for debugging.');
  return set_detect_anomaly(true, check_nan, fn);
}
