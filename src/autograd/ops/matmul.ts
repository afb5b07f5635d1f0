// matmul with PyTorch's 1-d / 2-d / batched rules, on one strided GEMM kernel.

import { RuntimeError } from '../../errors.js';
import type { Storage } from '../../tensor/dtype.js';
import { allocPooled } from '../../kernels/pool.js';
import { broadcastShapes, numel, stridesOf, type Shape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { attach, shouldRecord } from '../../tensor/autograd/engine.js';
import { promoteTypes } from './elementwise.js';
import { axpy, axpy4, dot4 } from '../../kernels/dot.js';
import { simdTakes, wasmDot, wasmRows } from '../../kernels/gemm.js';

/** A matrix inside a flat array: element (i, j) is at offset + i*rs + j*cs. */
export interface MatView {
  data: Storage;
  offset: number;
  rs: number;
  cs: number;
}

/**
 * out[m×n] = A[m×k] · B[k×n], accumulating in float64. The loop order follows the layout: dot
 * products when both operands run contiguously along k, row updates (out_i += A_ip · B_p) when
 * B's rows are contiguous, so neither walks a column of a large row-major matrix.
 */
export function gemm(A: MatView, B: MatView, m: number, k: number, n: number, out: Storage, outOffset: number): void {
  if (A.cs === 1 && B.rs === 1) {
    if (!(useWasm(A, B, out, m * k * n) && wasmDot(A.data as Float32Array, A.offset, A.rs, B.data as Float32Array, B.offset, B.cs, m, k, n, out as Float32Array, outOffset))) {
      gemmDot(A, B, m, k, n, out, outOffset);
    }
  } else if (B.cs === 1) {
    if (!(useWasm(A, B, out, m * k * n) && wasmRows(A.data as Float32Array, A.offset, A.rs, A.cs, B.data as Float32Array, B.offset, B.rs, m, k, n, out as Float32Array, outOffset))) {
      gemmRows(A, B, m, k, n, out, outOffset);
    }
  } else {
    gemmStrided(A, B, m, k, n, out, outOffset);
  }
}

/** The wasm kernels (same values as gemmDot / gemmRows) take float32 products large enough to pay for the copies. */
function useWasm(A: MatView, B: MatView, out: Storage, work: number): boolean {
  return A.data instanceof Float32Array && B.data instanceof Float32Array && out instanceof Float32Array && simdTakes(work);
}

function gemmDot(A: MatView, B: MatView, m: number, k: number, n: number, out: Storage, outOffset: number): void {
  for (let i = 0; i < m; i++) {
    const ai = A.offset + i * A.rs;
    for (let j = 0; j < n; j++) out[outOffset + i * n + j] = dot4(A.data, ai, B.data, B.offset + j * B.cs, k);
  }
}

function gemmRows(A: MatView, B: MatView, m: number, k: number, n: number, out: Storage, outOffset: number): void {
  const a = A.data;
  const row = new Float64Array(n);
  const k4 = k - (k % 4);
  for (let i = 0; i < m; i++) {
    row.fill(0);
    const ai = A.offset + i * A.rs;
    let p = 0;
    // four rows of B per pass: a quarter of the loads and stores of the output row
    for (; p < k4; p += 4) {
      const b0 = B.offset + p * B.rs;
      const a0 = a[ai + p * A.cs];
      const a1 = a[ai + (p + 1) * A.cs];
      const a2 = a[ai + (p + 2) * A.cs];
      const a3 = a[ai + (p + 3) * A.cs];
      axpy4(row, a0, a1, a2, a3, B.data, b0, b0 + B.rs, b0 + 2 * B.rs, b0 + 3 * B.rs, n);
    }
    for (; p < k; p++) axpy(row, a[ai + p * A.cs], B.data, B.offset + p * B.rs, n);
    out.set(row, outOffset + i * n);
  }
}

function gemmStrided(A: MatView, B: MatView, m: number, k: number, n: number, out: Storage, outOffset: number): void {
  const a = A.data;
  const b = B.data;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let pa = A.offset + i * A.rs;
      let pb = B.offset + j * B.cs;
      for (let p = 0; p < k; p++) {
        s += a[pa] * b[pb];
        pa += A.cs;
        pb += B.rs;
      }
      out[outOffset + i * n + j] = s;
    }
  }
}

function matmulName(aNd: number, bNd: number): string {
  if (aNd === 1 && bNd === 1) return 'DotBackward0';
  if (aNd === 2 && bNd === 1) return 'MvBackward0';
  if (aNd === 1 && bNd === 2) return 'SqueezeBackward3';
  if (aNd === 2 && bNd === 2) return 'MmBackward0';
  return 'UnsafeViewBackward0';
}

function shapeError(a: Shape, b: Shape): RuntimeError {
  if (a.length === 1 && b.length === 1) {
    return new RuntimeError(`inconsistent tensor size, expected tensor [${a[0]}] and src [${b[0]}] to have the same number of elements, but got ${a[0]} and ${b[0]} elements respectively`);
  }
  const rows = (s: Shape): string => (s.length === 1 ? `1x${s[0]}` : `${numel(s.slice(0, -1))}x${s[s.length - 1]}`);
  return new RuntimeError(`mat1 and mat2 shapes cannot be multiplied (${rows(a)} and ${b.length === 1 ? `${b[0]}x1` : `${b[b.length - 2]}x${b[b.length - 1]}`})`);
}

/**
 * Batched product of a [..., m, k] and b [..., k, n] (1-d operands already promoted), batch dims
 * broadcast. `transA`/`transB` read an operand as its transpose: backward reuses this.
 */
function batched(a: Storage, aShape: Shape, b: Storage, bShape: Shape, batch: Shape, m: number, k: number, n: number, out: Storage, tA: boolean, tB: boolean): void {
  const nb = numel(batch);
  const aBatch = aShape.slice(0, -2);
  const bBatch = bShape.slice(0, -2);
  const aStr = stridesOf(aBatch);
  const bStr = stridesOf(bBatch);
  const aMat = aShape[aShape.length - 2] * aShape[aShape.length - 1];
  const bMat = bShape[bShape.length - 2] * bShape[bShape.length - 1];
  const aCols = aShape[aShape.length - 1];
  const bCols = bShape[bShape.length - 1];
  for (let t = 0; t < nb; t++) {
    let ia = 0;
    let ib = 0;
    let rem = t;
    for (let d = batch.length - 1; d >= 0; d--) {
      const idx = rem % batch[d];
      rem = Math.floor(rem / batch[d]);
      const da = d - (batch.length - aBatch.length);
      const db = d - (batch.length - bBatch.length);
      if (da >= 0 && aBatch[da] !== 1) ia += idx * aStr[da];
      if (db >= 0 && bBatch[db] !== 1) ib += idx * bStr[db];
    }
    const A: MatView = tA ? { data: a, offset: ia * aMat, rs: 1, cs: aCols } : { data: a, offset: ia * aMat, rs: aCols, cs: 1 };
    const B: MatView = tB ? { data: b, offset: ib * bMat, rs: 1, cs: bCols } : { data: b, offset: ib * bMat, rs: bCols, cs: 1 };
    gemm(A, B, m, k, n, out, t * m * n);
  }
}

export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.ndim === 0 || b.ndim === 0) {
    throw new RuntimeError(`both arguments to matmul need to be at least 1D, but they are ${a.ndim}D and ${b.ndim}D`);
  }
  const dtype = promoteTypes(a, b);
  const A = a.dtype === dtype ? a._data : Float64Array.from(a._data);
  const B = b.dtype === dtype ? b._data : Float64Array.from(b._data);
  const aS = a.ndim === 1 ? [1, a.shape[0]] : a.shape.slice();
  const bS = b.ndim === 1 ? [b.shape[0], 1] : b.shape.slice();
  const m = aS[aS.length - 2];
  const k = aS[aS.length - 1];
  const n = bS[bS.length - 1];
  if (bS[bS.length - 2] !== k) throw shapeError(a.shape, b.shape);
  const batch = broadcastShapes(aS.slice(0, -2), bS.slice(0, -2));
  const out = allocPooled(dtype, numel(batch) * m * n);
  batched(A, aS, B, bS, batch, m, k, n, out, false, false);
  const outShape = [...batch, ...(a.ndim === 1 ? [] : [m]), ...(b.ndim === 1 ? [] : [n])];
  const result = new Tensor(out, outShape);
  if (!shouldRecord(a, b)) return result;
  const fullA = [...batch, m, k];
  const fullB = [...batch, k, n];
  const gOut = [...batch, m, n];
  return attach(
    result,
    matmulName(a.ndim, b.ndim),
    [a, b],
    (g, needs) => {
      let ga: Storage | null = null;
      let gb: Storage | null = null;
      if (needs[0]) {
        ga = allocPooled(dtype, numel(fullA)); // dA = dC · Bᵀ
        batched(g, gOut, B, bS, batch, m, n, k, ga, false, true);
      }
      if (needs[1]) {
        gb = allocPooled(dtype, numel(fullB)); // dB = Aᵀ · dC
        batched(A, aS, g, gOut, batch, k, m, n, gb, true, false);
      }
      return [ga, gb];
    },
    [a, b],
    [fullA, fullB],
  );
}
