// Grad mode: whether new results record a graph (torch.no_grad / enable_grad / set_grad_enabled).

let enabled = true;

export function is_grad_enabled(): boolean {
  return enabled;
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

/** `with torch.no_grad(): ...` is `no_grad(() => ...)`; the callback's result is returned. */
export function no_grad<T>(fn: () => T): T {
  return withMode(false, fn);
}

/** `with torch.enable_grad(): ...` is `enable_grad(() => ...)`. */
export function enable_grad<T>(fn: () => T): T {
  return withMode(true, fn);
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
