// Whether the fast paths may be used: the WebAssembly SIMD kernels, and fit()'s fused Linear + MSELoss
// step. Each gives the same values as the code it replaces; the switches exist to compare the two and
// to rule a fast path out.

/** Below this many multiply-adds a JavaScript loop is as fast as copying operands into wasm memory. */
export const WASM_MIN_WORK = 4096;

/**
 * NOTE: read once at start-up, like PyTorch's ATEN_CPU_CAPABILITY: AUTOGRAD_WASM=0 turns the kernels
 * off, AUTOGRAD_FUSED=0 the fused training step, AUTOGRAD_THREADS=1 its helper thread and AUTOGRAD_FMA=0
 * the hardware's fused multiply-add in the row kernels (rows_fma.wat; rows.wat's emulation instead), for
 * a whole process (e.g. to time `autograd train` without them).
 */
function fromEnvironment(name: string, off: string): boolean {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.[name] !== off;
}

/** One switch: on unless turned off in the environment; set() returns the previous setting. */
class Switch {
  constructor(public on: boolean) {}

  set(allow: boolean): boolean {
    const previous = this.on;
    this.on = allow;
    return previous;
  }
}

const wasm = new Switch(fromEnvironment('AUTOGRAD_WASM', '0'));
const fused = new Switch(fromEnvironment('AUTOGRAD_FUSED', '0'));
const threads = new Switch(fromEnvironment('AUTOGRAD_THREADS', '1'));
const fma = new Switch(fromEnvironment('AUTOGRAD_FMA', '0'));

/** Allow (the default) or forbid the wasm kernels; returns the previous setting. */
export const setFastKernels = (allow: boolean): boolean => wasm.set(allow);
export const fastKernelsEnabled = (): boolean => wasm.on;

/** Allow (the default) or forbid fit()'s fused Linear + MSELoss step; returns the previous setting. */
export const setFusedSteps = (allow: boolean): boolean => fused.set(allow);
export const fusedStepsEnabled = (): boolean => fused.on;

/** Allow (the default) or forbid the fused step's helper thread; returns the previous setting. */
export const setHelperThreads = (allow: boolean): boolean => threads.set(allow);
export const helperThreadsEnabled = (): boolean => threads.on;

/** Allow (the default) or forbid the row kernels' hardware fused multiply-add; returns the previous setting. */
export const setFmaKernels = (allow: boolean): boolean => fma.set(allow);
export const fmaKernelsEnabled = (): boolean => fma.on;
