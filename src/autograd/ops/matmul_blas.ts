// float32 a @ b as PyTorch 1.13's at::matmul decomposes it (dot, mv, mm, folded mm/mv, bmm) and as
// OpenBLAS then sums each of those calls (kernels/blas_order.ts): which BLAS routine runs, and so the
// order of the sums, follows the decomposition and PyTorch's strides (virtualStrides), never this
// library's storage layout, which is always contiguous.

import type { Storage } from '../../tensor/dtype.js';
import { numel, stridesOf, type Shape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { bmmIsSmall, bmmSmall, sdot, sgemm, sgemvN, sgemvT, type MatView } from '../../kernels/blas_order.js';
import { contiguousStrides, viewStrides, virtualStrides } from './strides.js';
import type { MatmulPath } from './matmul_grad.js';

/** A row-major matrix view of contiguous storage (as every tensor here is stored). */
const rowMajor = (data: Storage, offset: number, cols: number): MatView => ({ data, offset, rs: cols, cs: 1 });

/**
 * y = M·x for M [rows × cols] stored row-major in `m` at mOff, as at::mv picks the BLAS call from
 * PyTorch's strides of M: gemv 'n' for a column-major matrix, else 't' (a copy is row-major too).
 */
export function mvInto(m: Storage, mOff: number, rows: number, cols: number, strides: readonly number[], x: Storage, xOff: number, y: Storage, yOff: number): void {
  const [s0, s1] = strides;
  if (s0 === 1 && (cols === 1 || s1 >= Math.max(1, rows))) {
    sgemvN(rows, cols, m, mOff, cols, 1, x, xOff, 1, y, yOff, cols === 1 ? rows : s1);
  } else {
    sgemvT(cols, rows, m, mOff, cols, 1, x, xOff, 1, y, yOff);
  }
}

/** PyTorch's strides of x.reshape(shape): the view's when it can be one, else a contiguous copy's. */
function reshapedStrides(shape: Shape, strides: readonly number[], to: Shape): readonly number[] {
  return viewStrides(shape, strides, to) ?? contiguousStrides(to);
}

/** The values of float32 a @ b along `path` (1-d operands as given), into `out` (the result's elements). */
export function productFloat32(a: Tensor, b: Tensor, path: MatmulPath, out: Storage): void {
  const A = a._data;
  const B = b._data;
  switch (path) {
    case 'dot':
      out[0] = sdot(a._shape[0], A, 0, B, 0);
      return;
    case 'mv':
      mvInto(A, 0, a._shape[0], a._shape[1], virtualStrides(a), B, 0, out, 0);
      return;
    case 'vm': {
      // a.unsqueeze(0).mm(b)
      const [k, n] = b._shape;
      sgemm(rowMajor(A, 0, k), rowMajor(B, 0, n), 1, k, n, out, 0);
      return;
    }
    case 'mm': {
      const [m, k] = a._shape;
      sgemm(rowMajor(A, 0, k), rowMajor(B, 0, b._shape[1]), m, k, b._shape[1], out, 0);
      return;
    }
    case 'fold': {
      // a [..., k] folded to rows, then one mm or one mv
      const k = a._shape[a.ndim - 1];
      const rows = numel(a._shape) / Math.max(k, 1);
      if (b.ndim === 2) {
        sgemm(rowMajor(A, 0, k), rowMajor(B, 0, b._shape[1]), rows, k, b._shape[1], out, 0);
      } else {
        mvInto(A, 0, rows, k, reshapedStrides(a._shape, virtualStrides(a), [rows, k]), B, 0, out, 0);
      }
      return;
    }
    case 'foldT':
      foldT(a, b, out);
      return;
    case 'bmm':
      batched(a, b, out);
      return;
  }
}

/** (bᵀ folded to [batch·p, k]) @ aᵀ (or @ a for a vector), transposed back: PyTorch's transposed fold. */
function foldT(a: Tensor, b: Tensor, out: Storage): void {
  const B = b._data;
  const k = b._shape[b.ndim - 2];
  const p = b._shape[b.ndim - 1];
  const batch = numel(b._shape) / Math.max(k * p, 1);
  const rows = batch * p;
  // t2 = b.mT().reshape(rows, k), made row-major: t2[t·p + q, i] = b[t, i, q]
  const t2 = new Float32Array(rows * k);
  for (let t = 0; t < batch; t++) for (let i = 0; i < k; i++) for (let q = 0; q < p; q++) t2[(t * p + q) * k + i] = B[(t * k + i) * p + q];
  if (a.ndim === 1) {
    const bT = [...b._shape.slice(0, -2), p, k];
    const s = virtualStrides(b).slice();
    [s[s.length - 1], s[s.length - 2]] = [s[s.length - 2], s[s.length - 1]];
    mvInto(t2, 0, rows, k, reshapedStrides(bT, s, [rows, k]), a._data, 0, out, 0);
    return;
  }
  // t2 @ a.t(): [rows, m], then each batch's [p, m] block transposed into out [..., m, p]
  const m = a._shape[0];
  const res = new Float32Array(rows * m);
  sgemm(rowMajor(t2, 0, k), { data: a._data, offset: 0, rs: 1, cs: k }, rows, k, m, res, 0);
  for (let t = 0; t < batch; t++) for (let c = 0; c < m; c++) for (let q = 0; q < p; q++) out[(t * m + c) * p + q] = res[(t * p + q) * m + c];
}

/** bmm over the broadcast batch dims: ATen's small kernel under 400 multiply-adds, else one sgemm each. */
function batched(a: Tensor, b: Tensor, out: Storage): void {
  const aS = a._shape;
  const bS = b._shape;
  const [m, k] = aS.slice(-2);
  const n = bS[bS.length - 1];
  const aBatch = aS.slice(0, -2);
  const bBatch = bS.slice(0, -2);
  const nd = Math.max(aBatch.length, bBatch.length);
  const batch: number[] = [];
  for (let d = 0; d < nd; d++) {
    const x = aBatch[d - (nd - aBatch.length)] ?? 1;
    const y = bBatch[d - (nd - bBatch.length)] ?? 1;
    batch.push(x === 1 ? y : x);
  }
  const aStr = stridesOf(aBatch);
  const bStr = stridesOf(bBatch);
  const small = bmmIsSmall(m, k, n);
  for (let t = 0; t < numel(batch); t++) {
    let ia = 0;
    let ib = 0;
    for (let d = nd - 1, rem = t; d >= 0; d--) {
      const idx = rem % batch[d];
      rem = Math.floor(rem / batch[d]);
      const da = d - (nd - aBatch.length);
      const db = d - (nd - bBatch.length);
      if (da >= 0 && aBatch[da] !== 1) ia += idx * aStr[da];
      if (db >= 0 && bBatch[db] !== 1) ib += idx * bStr[db];
    }
    const Av = rowMajor(a._data, ia * m * k, k);
    const Bv = rowMajor(b._data, ib * k * n, n);
    if (small) bmmSmall(Av, Bv, m, k, n, out, t * m * n);
    else sgemm(Av, Bv, m, k, n, out, t * m * n);
  }
}
