// float32 products whose BLAS n is 1 (blas_order.ts: each output one fused multiply-add chain per k block,
// the blocks added to C in turn) by rows.wat's SIMD kernels: a linear layer with one output (C = x·wᵀ + b)
// and its weight gradient (gᵀ·x), the two products of the tutorial's model. The operands are copied into
// a scratch area of the shared memory; a product whose sums rows.wat cannot round once (see its header) is
// left to blas_order.ts's loops, which then compute it from the untouched output.

import type { Storage } from '../tensor/dtype.js';
import { fusedMultiplyAdd, rowsModule, type RowsExports } from './rows_module.js';
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

/** Products done here, and products the kernels declined (for tests). */
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

/** At most this many float32 of scratch (16 MB of the shared memory, which is never given back). */
const CAP = 1 << 22;

/**
 * out (row-major M × N at outOffset, holding C) += A·B where BLAS's n is 1 (N = 1, or M = 1 passed
 * transposed), as blas_order.ts's sgemm adds with alpha 1; `threaded`: its k blocks split as on two
 * threads. Returns false, leaving `out` as it was, when the kernels do not take the product.
 */
export function sgemmN1(A: Operand, B: Operand, M: number, K: number, N: number, out: Storage, outOffset: number, threaded: boolean): boolean {
  if (M * K * N < WASM_MIN_WORK || !fastKernelsEnabled() || !(out instanceof Float32Array)) return false;
  const rows = rowsModule();
  if (rows === null) return false;
  const fused = fusedMultiplyAdd(rows);
  const done = N === 1 ? byRows(rows.kernels, A, B, M, K, out, outOffset, threaded, fused) : K * N <= CAP && byColumns(rows.kernels, A, B, K, N, out, outOffset, threaded, fused);
  if (done) sgemmN1Stats.products++;
  else sgemmN1Stats.declined++;
  return done;
}

/** N = 1: the rows of A in blocks that fit the scratch (each output's sums are its row's alone). */
function byRows(k: RowsExports, A: Operand, B: Operand, M: number, K: number, out: Float32Array, outOffset: number, threaded: boolean, fused: 0 | 1): boolean {
  const block = Math.max(8, Math.floor(CAP / Math.max(K, 1)) & ~7);
  const dest = M <= block ? out : new Float32Array(M);
  const dOff = M <= block ? outOffset : 0;
  for (let i0 = 0; i0 < M; i0 += block) {
    const m = Math.min(block, M - i0);
    const vec = roundUp8(m * K + 8);
    const c = vec + 2 * K;
    const s = area(c + roundUp8(m) + 8);
    if (s === null) return false;
    copyMatrix({ data: A.data, offset: A.offset + i0 * A.rs, rs: A.rs, cs: A.cs }, m, K, s, 0);
    const tiny = copyVector(B.data, B.offset, B.rs, K, s, vec) || k.has_tiny(s.byteOffset, m * K) !== 0;
    prepareC(s, c, out, outOffset + i0, m);
    if (k.gemv_rows(s.byteOffset, 4 * K, m, K, s.byteOffset + 4 * vec, threaded ? 1 : 0, tiny ? 1 : 0, fused, s.byteOffset + 4 * c) !== 0) return false;
    dest.set(s.subarray(c, c + m), dOff + i0);
  }
  if (dest !== out) out.set(dest, outOffset);
  return true;
}

/** M = 1 (BLAS's m is N): the K × N matrix B whole, A's row as the vector. */
function byColumns(k: RowsExports, A: Operand, B: Operand, K: number, N: number, out: Float32Array, outOffset: number, threaded: boolean, fused: 0 | 1): boolean {
  const vec = roundUp8(K * N + 8);
  const c = vec + 2 * K;
  const s = area(c + roundUp8(N) + 8);
  if (s === null) return false;
  copyMatrix(B, K, N, s, 0);
  const tiny = copyVector(A.data, A.offset, A.cs, K, s, vec) || k.has_tiny(s.byteOffset, K * N) !== 0;
  prepareC(s, c, out, outOffset, N);
  if (k.gemv_cols(s.byteOffset, 4 * N, K, N, s.byteOffset + 4 * vec, threaded ? 1 : 0, tiny ? 1 : 0, fused, s.byteOffset + 4 * c) !== 0) return false;
  out.set(s.subarray(c, c + N), outOffset);
  return true;
}

/** C's values into s at c, then zeros to the next multiple of 8 (the kernels read and write eights). */
function prepareC(s: Float32Array, c: number, out: Float32Array, outOffset: number, n: number): void {
  s.set(out.subarray(outOffset, outOffset + n), c);
  s.fill(0, c + n, c + roundUp8(n) + 8);
}
