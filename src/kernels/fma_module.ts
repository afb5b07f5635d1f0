// The hardware's fused multiply-add for the row kernels: rows_fma.wat, on the shared memory. It needs
// WebAssembly's relaxed SIMD, which Node 20 has behind --experimental-wasm-relaxed-simd (set here, before
// the first compile, where the module is refused without it; browsers since 2023 have it on). Relaxed
// SIMD's multiply-add may be fused or not (the platform's choice), so the module is used only where its
// `probe` gives fused results on cases that tell the two apart, subnormals included (x86 with FMA3, arm64);
// elsewhere there is none, and rows.wat emulates the fused multiply-add exactly instead.

import { createRequire } from 'node:module';
import { ROWS_FMA_WASM_BASE64 } from './rows_fma_wasm.js';
import { instantiate } from './wasm_module.js';

/** rows_fma.wat's exports. */
export interface FmaExports {
  probe(a: number, b: number, c: number): number;
  predict8: (...args: never[]) => number;
  grad8: (...args: never[]) => number;
  predict16: (...args: never[]) => number;
  grad16: (...args: never[]) => number;
}

/** fma(a, b, c) → its float32 result, where a multiply then an add (or a flush of subnormals to zero) gives another. */
const CASES: readonly (readonly [number, number, number, number])[] = [
  [1 + 2 ** -12, 1 + 2 ** -12, -1, 2 ** -11 + 2 ** -24], // the product's low bits survive: 2^-11 unfused
  [2 ** -149, 0.5, 2 ** -149, 2 ** -148], // a subnormal tie to even: 2^-149 unfused
  [2 ** -100, 2 ** -40, 0, 2 ** -140], // a subnormal result: 0 under flush-to-zero
  [2 ** -149, 2 ** 10, -0, 2 ** -139], // a subnormal operand: 0 under denormals-are-zero
  [-(2 ** 127), 2, 2 ** 127, -(2 ** 127)], // a product past float32's range: -Infinity unfused
  [3, 1 + 2 ** -23, -3, 3 * 2 ** -23],
];

/** Let this process compile relaxed SIMD (Node 20); false where that cannot be done. */
function enableRelaxedSimd(): boolean {
  try {
    const v8 = createRequire(import.meta.url)('node:v8') as { setFlagsFromString(flags: string): void };
    v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
    return true;
  } catch {
    return false;
  }
}

function compile(memory: object): { module: object; exports: FmaExports } {
  const made = instantiate(ROWS_FMA_WASM_BASE64, { env: { memory } });
  return { module: made.module, exports: made.exports as FmaExports };
}

let loaded: { module: object; exports: FmaExports } | null | undefined;

/**
 * rows_fma.wat compiled and instantiated on `memory` (this thread's), or null where relaxed SIMD is
 * unavailable or its multiply-add is not a fused one.
 */
export function fmaModule(memory: object): { module: object; exports: FmaExports } | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  let made: { module: object; exports: FmaExports } | null = null;
  try {
    made = compile(memory);
  } catch {
    if (enableRelaxedSimd()) {
      try {
        made = compile(memory);
      } catch {
        made = null;
      }
    }
  }
  if (made !== null && CASES.every(([a, b, c, r]) => Object.is(made.exports.probe(a, b, c), r))) loaded = made;
  return loaded;
}

/** The imports rows.wat takes in place of rows_fma.wat's where there is none: never called (jobs do not ask for them). */
const none = (): never => {
  throw new Error('no fused multiply-add kernels');
};
export const NO_FMA = { predict8: none, grad8: none, predict16: none, grad16: none };
