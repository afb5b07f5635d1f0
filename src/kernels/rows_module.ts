// The instance of rows.wat on the shared memory (shared_memory.ts), made on first use: the row kernels of
// linear_mse_shared.ts and the one-column products of sgemm_n1.ts run in it.

import { ROWS_WASM_BASE64 } from './rows_wasm.js';
import { sharedMemory } from './shared_memory.js';
import { instantiate } from './wasm_module.js';

/** rows.wat's exports (pointers are byte offsets into the shared memory). */
export interface RowsExports {
  work(job: number, main: number, acc: number): void;
  gemv_rows(a: number, rowBytes: number, m: number, k: number, b: number, threaded: number, tiny: number, c: number): number;
  gemv_cols(x: number, rowBytes: number, n: number, cols: number, g: number, threaded: number, tiny: number, c: number): number;
  has_tiny(x: number, n: number): number;
}

export interface RowsModule {
  module: object;
  memory: object;
  kernels: RowsExports;
}

let loaded: RowsModule | null | undefined;

/** The module and its instance on this thread, or null where shared WebAssembly memory or SIMD is unavailable. */
export function rowsModule(): RowsModule | null {
  if (loaded !== undefined) return loaded;
  try {
    const memory = sharedMemory();
    if (memory === null) throw new Error('no shared WebAssembly memory');
    const { module, exports } = instantiate(ROWS_WASM_BASE64, { env: { memory } });
    loaded = { module, memory, kernels: exports as RowsExports };
  } catch {
    loaded = null;
  }
  return loaded;
}
