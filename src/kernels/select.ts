// Whether the fast paths may be used: the WebAssembly SIMD kernels, and fit()'s fused Linear + MSELoss
// step. Each gives the same values as the code it replaces; the switches exist to compare the two and
// to rule a fast path out.

/** Below this many multiply-adds a JavaScript loop is as fast as copying operands into wasm memory. */
export const WASM_MIN_WORK = 4096;

/**
 * NOTE: read once at start-up, like PyTorch's ATEN_CPU_CAPABILITY: AUTOGRAD_WASM=0 turns the kernels
 * off, AUTOGRAD_FUSED=0 the fused training step and AUTOGRAD_THREADS=1 its helper thread, for a whole
 * process (e.g. to time `autograd train` without them).
 */
function fromEnvironment(name: string, off: string): boolean {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.[name] !== off;
}

let wasmAllowed = fromEnvironment('AUTOGRAD_WASM', '0');
let fusedAllowed = fromEnvironment('AUTOGRAD_FUSED', '0');
let threadsAllowed = fromEnvironment('AUTOGRAD_THREADS', '1');

/** Allow (the default) or forbid the wasm kernels; returns the previous setting. */
export function setFastKernels(allow: boolean): boolean {
  const previous = wasmAllowed;
  wasmAllowed = allow;
  return previous;
}

export function fastKernelsEnabled(): boolean {
  return wasmAllowed;
}

/** Allow (the default) or forbid fit()'s fused Linear + MSELoss step; returns the previous setting. */
export function setFusedSteps(allow: boolean): boolean {
  const previous = fusedAllowed;
  fusedAllowed = allow;
  return previous;
}

export function fusedStepsEnabled(): boolean {
  return fusedAllowed;
}

/** Allow (the default) or forbid the fused step's helper thread; returns the previous setting. */
export function setHelperThreads(allow: boolean): boolean {
  const previous = threadsAllowed;
  threadsAllowed = allow;
  return previous;
}

export function helperThreadsEnabled(): boolean {
  return threadsAllowed;
}
