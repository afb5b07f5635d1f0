// Whether ops may use the fast kernels (WebAssembly SIMD). Every fast kernel gives the same values as
// the JavaScript loop it replaces; the switch exists to compare the two and to rule the kernels out.

/** Below this many multiply-adds a JavaScript loop is as fast as copying operands into wasm memory. */
export const WASM_MIN_WORK = 4096;

/**
 * NOTE: read once at start-up, like PyTorch's ATEN_CPU_CAPABILITY: AUTOGRAD_WASM=0 turns the
 * kernels off for a whole process (e.g. to time `autograd train` without them).
 */
function fromEnvironment(): boolean {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.AUTOGRAD_WASM !== '0';
}

let enabled = fromEnvironment();

/** Allow (the default) or forbid the fast kernels; returns the previous setting. */
export function setFastKernels(allow: boolean): boolean {
  const previous = enabled;
  enabled = allow;
  return previous;
}

export function fastKernelsEnabled(): boolean {
  return enabled;
}
