// The inner loops of the matrix products, accumulating in float64, in one place: gemmDot and gemmRows
// (autograd/ops/matmul.ts) and the row kernels of fit's fused step (linear_mse_rows.ts) all call these,
// and gemm.wat adds in the same order; that shared order is what makes their results bit-identical.

import type { Storage } from '../tensor/dtype.js';

/**
 * Σ_p a[ai + p]·b[bj + p] for p < k: four partial sums over p mod 4 (which break the add-latency chain;
 * the tail goes into the first), then (s0 + s1) + (s2 + s3).
 */
export function dot4(a: Storage, ai: number, b: Storage, bj: number, k: number): number {
  const k4 = k - (k % 4);
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let p = 0;
  for (; p < k4; p += 4) {
    s0 += a[ai + p] * b[bj + p];
    s1 += a[ai + p + 1] * b[bj + p + 1];
    s2 += a[ai + p + 2] * b[bj + p + 2];
    s3 += a[ai + p + 3] * b[bj + p + 3];
  }
  for (; p < k; p++) s0 += a[ai + p] * b[bj + p];
  return s0 + s1 + (s2 + s3);
}

/** row[j] += (a0·b[b0 + j] + a1·b[b1 + j]) + (a2·b[b2 + j] + a3·b[b3 + j]) for j < n: four rows of b at once. */
export function axpy4(row: Float64Array, a0: number, a1: number, a2: number, a3: number, b: Storage, b0: number, b1: number, b2: number, b3: number, n: number): void {
  for (let j = 0; j < n; j++) row[j] += a0 * b[b0 + j] + a1 * b[b1 + j] + (a2 * b[b2 + j] + a3 * b[b3 + j]);
}

/** row[j] += a·b[bp + j] for j < n. */
export function axpy(row: Float64Array, a: number, b: Storage, bp: number, n: number): void {
  for (let j = 0; j < n; j++) row[j] += a * b[bp + j];
}
