// The instance of rows.wat on the shared memory (shared_memory.ts), made on first use: the row kernels of
// linear_mse_shared.ts and the one-column products of sgemm_n1.ts run in it, with rows_fma.wat's quick
// kernels where the hardware's fused multiply-add can be had (fma_module.ts).

import { fmaModule, NO_FMA } from './fma_module.js';
import { ROWS_WASM_BASE64 } from './rows_wasm.js';
import { fmaKernelsEnabled } from './select.js';
import { sharedMemory } from './shared_memory.js';
import { instantiate } from './wasm_module.js';

/** rows.wat's exports (pointers are byte offsets into the shared memory). */
export interface RowsExports {
  work(job: number, main: number, acc: number): void;
  gemv_rows(a: number, rowBytes: number, m: number, k: number, b: number, threaded: number, tiny: number, fused: number, c: number): number;
  gemv_cols(x: number, rowBytes: number, n: number, cols: number, g: number, threaded: number, tiny: number, fused: number, c: number): number;
  has_tiny(x: number, n: number): number;
}

export interface RowsModule {
  module: object;
  memory: object;
  kernels: RowsExports;
  /** rows_fma.wat's module (for the helper thread's instance), or null where there is none. */
  fma: object | null;
}

let loaded: RowsModule | null | undefined;

/** The module and its instance on this thread, or null where shared WebAssembly memory or SIMD is unavailable. */
export function rowsModule(): RowsModule | null {
  if (loaded !== undefined) return loaded;
  try {
    const memory = sharedMemory();
    if (memory === null) throw new Error('no shared WebAssembly memory');
    const fma = fmaModule(memory);
    const { module, exports } = instantiate(ROWS_WASM_BASE64, { env: { memory }, fma: fma?.exports ?? NO_FMA });
    loaded = { module, memory, kernels: exports as RowsExports, fma: fma?.module ?? null };
  } catch {
    loaded = null;
  }
  return loaded;
}

/**
 * 1 when the quick kernels of a job or call are to be rows_fma.wat's (the hardware's fused multiply-add,
 * where it can be had and AUTOGRAD_FMA=0 has not ruled it out), else 0 (rows.wat's exact emulation).
 * Both give the same values.
 */
export function fusedMultiplyAdd(m: RowsModule): 0 | 1 {
  return m.fma !== null && fmaKernelsEnabled() ? 1 : 0;
}
