// Anomaly detection (torch.autograd.set_detect_anomaly / detect_anomaly): nodes remember where the
// forward op ran, and the engine checks every gradient a node returns for NaN.

let enabled = false;
let checkNan = true;

export function is_anomaly_enabled(): boolean {
  return enabled;
}

export function is_anomaly_check_nan_enabled(): boolean {
  return checkNan;
}

/** Set the mode; returns the previous [mode, check_nan]. */
export function setAnomaly(mode: boolean, check_nan = true): [boolean, boolean] {
  const previous: [boolean, boolean] = [enabled, checkNan];
  enabled = mode;
  checkNan = check_nan;
  return previous;
}

/** The user's call stack at a forward op, without the library's own frames (PyTorch prints the Python traceback). */
export function forwardTrace(): string {
  const stack = new Error().stack ?? '';
  const lines = stack.split('\n').slice(1);
  const user = lines.filter((l) => !/[/\\](src|dist[/\\]src)[/\\](tensor|autograd)[/\\]/.test(l));
  return (user.length > 0 ? user : lines).map((l) => l.replace(/^\s*/, '  ')).join('\n');
}
