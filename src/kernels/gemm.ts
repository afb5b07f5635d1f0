// float32 GEMM through the WebAssembly SIMD kernels of gemm.wat (bit-identical to matmul.ts's loops):
// operands are copied into the module's memory, the kernel runs, the result is copied out.

import { GEMM_WASM_BASE64 } from './gemm_wasm.js';
import { fastKernelsEnabled, WASM_MIN_WORK } from './select.js';
import { instantiate } from './wasm_module.js';

interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

interface GemmExports {
  memory: WasmMemory;
  dot_f32(a: number, ars: number, b: number, bcs: number, m: number, k: number, n: number, out: number, col: number): void;
  rows_f32(a: number, ars: number, acs: number, b: number, brs: number, m: number, k: number, n: number, out: number, row: number): void;
}

const PAGE = 65536;
/** Rows of A per dot_f32 call: bounds the module's memory (rows are independent, so results are unchanged). */
const DOT_BLOCK_BYTES = 1 << 20;
/** Above this many bytes of operands, rows_f32 is not used (wasm memory never shrinks). */
const ROWS_MAX_BYTES = 8 << 20;

let kernels: GemmExports | null | undefined;
let f32: Float32Array = new Float32Array(0);

/** The instantiated module, or null where WebAssembly SIMD is unavailable (compiled on first use). */
function load(): GemmExports | null {
  if (kernels !== undefined) return kernels;
  try {
    kernels = instantiate(GEMM_WASM_BASE64).exports as GemmExports;
  } catch {
    kernels = null;
  }
  return kernels;
}

/** A float32 view of at least `bytes` bytes of the module's memory (grown as needed). */
function memory(k: GemmExports, bytes: number): Float32Array {
  const have = k.memory.buffer.byteLength;
  if (bytes > have) k.memory.grow(Math.ceil((bytes - have) / PAGE));
  if (f32.buffer !== k.memory.buffer) f32 = new Float32Array(k.memory.buffer);
  return f32;
}

const align16 = (bytes: number): number => (bytes + 15) & ~15;

/** Whether the kernels can run here (WebAssembly with SIMD). */
export function wasmAvailable(): boolean {
  return load() !== null;
}

/** Whether a float32 product of `work` multiply-adds goes to these kernels: large enough to pay for the copies, allowed, available. */
export function simdTakes(work: number): boolean {
  return work >= WASM_MIN_WORK && fastKernelsEnabled() && wasmAvailable();
}

/**
 * gemmDot: out[outOff + i·n + j] = Σ_p a[aOff + i·ars + p] · b[bOff + j·bcs + p]. Returns false
 * (doing nothing) when the kernels are unavailable.
 */
export function wasmDot(
  a: Float32Array, aOff: number, ars: number,
  b: Float32Array, bOff: number, bcs: number,
  m: number, k: number, n: number,
  out: Float32Array, outOff: number,
): boolean {
  const km = load();
  if (km === null) return false;
  const bLen = (n - 1) * bcs + k;
  const block = Math.max(4, Math.min(m, Math.floor(DOT_BLOCK_BYTES / (4 * Math.max(ars, k)))));
  for (let i0 = 0; i0 < m; i0 += block) {
    const rows = Math.min(block, m - i0);
    const aLen = (rows - 1) * ars + k;
    const pB = align16(4 * aLen);
    const pOut = align16(pB + 4 * bLen);
    const pCol = align16(pOut + 4 * rows * n);
    const mem = memory(km, pCol + 8 * k);
    mem.set(a.subarray(aOff + i0 * ars, aOff + i0 * ars + aLen), 0);
    mem.set(b.subarray(bOff, bOff + bLen), pB >> 2);
    km.dot_f32(0, ars, pB, bcs, rows, k, n, pOut, pCol);
    out.set(mem.subarray(pOut >> 2, (pOut >> 2) + rows * n), outOff + i0 * n);
  }
  return true;
}

/**
 * gemmRows: out[outOff + i·n + j] = Σ_p a[aOff + i·ars + p·acs] · b[bOff + p·brs + j]. Returns
 * false (doing nothing) when the kernels are unavailable or the operands are very large.
 */
export function wasmRows(
  a: Float32Array, aOff: number, ars: number, acs: number,
  b: Float32Array, bOff: number, brs: number,
  m: number, k: number, n: number,
  out: Float32Array, outOff: number,
): boolean {
  const aLen = (m - 1) * ars + (k - 1) * acs + 1;
  const bLen = (k - 1) * brs + n;
  if (4 * (aLen + bLen + m * n) > ROWS_MAX_BYTES) return false;
  const km = load();
  if (km === null) return false;
  const pB = align16(4 * aLen);
  const pOut = align16(pB + 4 * bLen);
  const pRow = align16(pOut + 4 * m * n);
  const mem = memory(km, pRow + 8 * n);
  mem.set(a.subarray(aOff, aOff + aLen), 0);
  mem.set(b.subarray(bOff, bOff + bLen), pB >> 2);
  km.rows_f32(0, ars, acs, pB, brs, m, k, n, pOut, pRow);
  out.set(mem.subarray(pOut >> 2, (pOut >> 2) + m * n), outOff);
  return true;
}
