// float32 products whose BLAS n is 1 (blas_order.ts: each output one fused multiply-add chain per k block,
// the blocks added to C in turn) by rows.wat's SIMD kernels: a linear layer with one output (C = x·wᵀ + b)
// and its weight gradient (gᵀ·x), the two products of the tutorial's model. The operands are copied into
// a scratch area of the shared memory; a product whose sums rows.wat cannot round once (see its header) is
// left to blas_order.ts's loops, which then compute it from the untouched output.

import type { Storage } from '../tensor/dtype.js';
import { rowsModule } from './rows_module.js';
import { fastKernelsEnabled, WASM_MIN_WORK } from './select.js';
import { allocShared } from './shared_memory.js';

/** A matrix inside a flat array, as blas_order.ts's Operand: element (i, j) at offset + i·rs + j·cs. */
interface Operand {
  data: Storage;
  offset: number;
  rs: number;
  cs: number;
}

let scratch: Float32Array | null = null;

/** Products done here, and products the kernels declined after trying (for tests). */
export const sgemmN1Stats = { products: 0, declined: 0 };

/** At least `floats` float32 of scratch in the shared memory (a larger area when more is needed). */
function area(floats: number): Float32Array | null {
  if (scratch === null || scratch.length < floats) scratch = allocShared('float32', Math.max(floats, 2 * (scratch?.length ?? 0))) as Float32Array | null;
  return scratch;
}

/** Below this magnitude a factor makes rows.wat check every sum in full (rows.wat's header). */
const TINY = 2 ** -50;

const roundUp8 = (n: number): number => (n + 7) & ~7;

/** The K × W matrix at `v` (element (i, j) at offset + i·rs + j·cs) into s from `at`, row-major. */
function copyMatrix(v: Operand, rows: number, cols: number, s: Float32Array, at: number): void {
  const d = v.data;
  if (v.cs === 1 && v.rs === cols && d instanceof Float32Array) {
    s.set(d.subarray(v.offset, v.offset + rows * cols), at);
    return;
  }
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) s[at + i * cols + j] = d[v.offset + i * v.rs + j * v.cs];
}

/** `n` elements of a vector (stride `step`) into s as float64 from float32 index `at` (even); whether one is tiny. */
function copyVector(d: Storage, offset: number, step: number, n: number, s: Float32Array, at: number): boolean {
  const f64 = new Float64Array(s.buffer, s.byteOffset + 4 * at, n);
  let tiny = false;
  for (let p = 0; p < n; p++) {
    const v = d[offset + p * step];
    f64[p] = v;
    if (v !== 0 && Math.abs(v) < TINY) tiny = true;
  }
  return tiny;
}

/**
 * out (row-major M × N at outOffset, holding C) += A·B where BLAS's n is 1 (N = 1, or M = 1 passed
 * transposed), as blas_order.ts's sgemm adds with alpha 1; `threaded`: its k blocks split as on two
 * threads. Returns false, leaving `out` as it was, when the kernels do not take the product.
 */
export function sgemmN1(A: Operand, B: Operand, M: number, K: number, N: number, out: Storage, outOffset: number, threaded: boolean): boolean {
  if (M * K * N < WASM_MIN_WORK || !fastKernelsEnabled() || !(out instanceof Float32Array)) return false;
  const rows = rowsModule();
  if (rows === null) return false;
  const outputs = N === 1 ? M : N;
  // the matrix (M × K rows, or K × N), then the vector as float64, then C padded to eights
  const mat = N === 1 ? M * K : K * N;
  const vec = roundUp8(mat + 8);
  const c = vec + 2 * K;
  const s = area(c + roundUp8(outputs) + 8);
  if (s === null) return false;
  const k = rows.kernels;
  let tiny: boolean;
  let inexact: number;
  if (N === 1) {
    copyMatrix(A, M, K, s, 0);
    tiny = copyVector(B.data, B.offset, B.rs, K, s, vec) || k.has_tiny(s.byteOffset, mat) !== 0;
    prepareC(s, c, out, outOffset, outputs);
    inexact = k.gemv_rows(s.byteOffset, 4 * K, M, K, s.byteOffset + 4 * vec, threaded ? 1 : 0, tiny ? 1 : 0, s.byteOffset + 4 * c);
  } else {
    copyMatrix(B, K, N, s, 0);
    tiny = copyVector(A.data, A.offset, A.cs, K, s, vec) || k.has_tiny(s.byteOffset, mat) !== 0;
    prepareC(s, c, out, outOffset, outputs);
    inexact = k.gemv_cols(s.byteOffset, 4 * N, K, N, s.byteOffset + 4 * vec, threaded ? 1 : 0, tiny ? 1 : 0, s.byteOffset + 4 * c);
  }
  if (inexact !== 0) {
    sgemmN1Stats.declined++;
    return false;
  }
  sgemmN1Stats.products++;
  out.set(s.subarray(c, c + outputs), outOffset);
  return true;
}

/** C's values into s at c, then zeros to the next multiple of 8 (the kernels read and write eights). */
function prepareC(s: Float32Array, c: number, out: Float32Array, outOffset: number, n: number): void {
  s.set(out.subarray(outOffset, outOffset + n), c);
  s.fill(0, c + n, c + roundUp8(n) + 8);
}
