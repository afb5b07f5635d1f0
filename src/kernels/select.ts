// Whether the fast paths may be used: the WebAssembly SIMD kernels, and fit()'s fused Linear + MSELoss
// step. Each gives the same values as the code it replaces; the switches exist to compare the two and
// to rule a fast path out.

/** Below this many multiply-adds a JavaScript loop is as fast as copying operands into wasm memory. */
export const WASM_MIN_WORK = 4096;

/**
 * NOTE: read once at start-up, like PyTorch's ATEN_CPU_CAPABILITY: AUTOGRAD_WASM=0 turns the kernels
 * off and AUTOGRAD_FUSED=0 the fused training step, for a whole process (e.g. to time `autograd train`
 * without them).
 */
function fromEnvironment(name: string): boolean {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.[name] !== '0';
}

let wasmAllowed = fromEnvironment('AUTOGRAD_WASM');
let fusedAllowed = fromEnvironment('AUTOGRAD_FUSED');

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
