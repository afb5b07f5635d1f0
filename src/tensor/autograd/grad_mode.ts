// Grad mode: whether new results record a graph (torch.no_grad / enable_grad / set_grad_enabled), and
// inference mode (torch.inference_mode: no graph, and the tensors made in it are inference tensors).

let enabled = true;
let inference = false;

export function is_grad_enabled(): boolean {
  return enabled;
}

export function is_inference_mode_enabled(): boolean {
  return inference;
}

/** Runs `fn` with grad mode set to `mode` and restores the previous mode afterwards, even on throw. */
function withMode<T>(mode: boolean, fn: () => T): T {
  const previous = enabled;
  enabled = mode;
  try {
    return fn();
  } finally {
    enabled = previous;
  }
}

/** `torch.no_grad()(fn)`: the decorator form, fn wrapped so that each call runs in that mode. */
export type GradModeDecorator = <A extends unknown[], R>(fn: (...args: A) => R) => (...args: A) => R;

function decorator(run: <T>(fn: () => T) => T): GradModeDecorator {
  return <A extends unknown[], R>(fn: (...args: A) => R) =>
    (...args: A): R =>
      run(() => fn(...args));
}

/**
 * `with torch.no_grad(): ...` is `no_grad(() => ...)` (the callback's result is returned);
 * `@torch.no_grad()` is `torch.no_grad()(fn)`, fn wrapped.
 */
export function no_grad<T>(fn: () => T): T;
export function no_grad(): GradModeDecorator;
export function no_grad<T>(fn?: () => T): T | GradModeDecorator {
  if (fn === undefined) return decorator((f) => withMode(false, f));
  return withMode(false, fn);
}

/** `with torch.enable_grad(): ...` is `enable_grad(() => ...)`; `torch.enable_grad()(fn)` wraps fn. */
export function enable_grad<T>(fn: () => T): T;
export function enable_grad(): GradModeDecorator;
export function enable_grad<T>(fn?: () => T): T | GradModeDecorator {
  if (fn === undefined) return decorator((f) => withMode(true, f));
  return withMode(true, fn);
}

function withInference<T>(mode: boolean, fn: () => T): T {
  const previous = inference;
  inference = mode;
  try {
    return withMode(!mode, fn); // c10::InferenceMode(enabled) sets grad mode to !enabled
  } finally {
    inference = previous;
  }
}

/**
 * `with torch.inference_mode(): ...` is `inference_mode(() => ...)`; `torch.inference_mode()(fn)` and
 * `torch.inference_mode(false)(fn)` wrap fn. No graph is recorded, and every tensor made inside is an
 * inference tensor (`is_inference()`), which autograd refuses to save later.
 */
export function inference_mode<T>(fn: () => T): T;
export function inference_mode(mode?: boolean): GradModeDecorator;
export function inference_mode<T>(arg: (() => T) | boolean = true): T | GradModeDecorator {
  if (typeof arg === 'function') return withInference(true, arg);
  const mode = arg;
  return decorator((f) => withInference(mode, f));
}

/**
 * `torch.set_grad_enabled(mode)` sets grad mode globally, as the function form does in PyTorch;
 * `set_grad_enabled(mode, fn)` is the context-manager form: only for the duration of `fn`.
 */
export function set_grad_enabled(mode: boolean): void;
export function set_grad_enabled<T>(mode: boolean, fn: () => T): T;
export function set_grad_enabled<T>(mode: boolean, fn?: () => T): T | void {
  if (fn === undefined) {
    enabled = mode;
    return;
  }
  return withMode(mode, fn);
}
