// matmul with PyTorch's 1-d / 2-d / batched rules, on one strided GEMM kernel.

import { RuntimeError } from '../../errors.js';
import { convertStorage, isFloating, scalarTypeName, type DType, type Storage } from '../../tensor/dtype.js';
import { allocPooled } from '../../kernels/pool.js';
import { broadcastShapes, numel, stridesOf, type Shape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { attach, shouldRecord } from '../../tensor/autograd/engine.js';
import { no_grad } from '../../tensor/autograd/grad_mode.js';
import type { Node } from '../../tensor/autograd/node.js';
import { axpy, axpy4, dot4 } from '../../kernels/dot.js';
import { simdTakes, wasmDot, wasmRows } from '../../kernels/gemm.js';
import { bmmGraph3, matmulGraph, type MatmulPath } from './matmul_grad.js';
import { productFloat32 } from './matmul_blas.js';
import { virtualStrides } from './strides.js';
import { at } from './at.js';
import type { MatView } from '../../kernels/blas_order.js';

export type { MatView };

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


/**
 * How PyTorch 1.13's at::matmul computes a @ b, which fixes the grad_fn name and the error texts:
 * dot, mv, mm, a folded mm/mv when one side has 3+ dims and the other at most 2 (for 2-d/1-d @ N-d
 * on the transposed product), else bmm over broadcast batch dims.
 */
function matmulPath(a: Shape, b: Shape, aStrides: readonly number[] | null = null, bStrides: readonly number[] | null = null): MatmulPath {
  const [na, nb] = [a.length, b.length];
  if (na === 1 && nb === 1) return 'dot';
  if (na === 2 && nb === 1) return 'mv';
  if (na === 1 && nb === 2) return 'vm';
  if (na === 2 && nb === 2) return 'mm';
  if (na >= 3 && nb <= 2) return foldable(a, aStrides, nb) ? 'fold' : 'bmm';
  if (nb >= 3 && na <= 2) return foldable(b, bStrides, na) ? 'foldT' : 'bmm';
  return 'bmm';
}

/**
 * should_fold's exception: a 3-d operand times a matrix whose last two dims are transposed within
 * contiguous batches (permute(0, 2, 1)) goes to bmm, each GEMM transposed, rather than a copy and mm.
 */
function foldable(shape: Shape, strides: readonly number[] | null, otherDims: number): boolean {
  if (strides === null || shape.length !== 3 || otherDims !== 2) return true;
  return !(strides[2] !== 1 && strides[0] === shape[1] * shape[2]);
}

const mmError = (r1: number, c1: number, r2: number, c2: number): RuntimeError =>
  new RuntimeError(`mat1 and mat2 shapes cannot be multiplied (${r1}x${c1} and ${r2}x${c2})`);
const mvError = (rows: number, cols: number, len: number): RuntimeError =>
  new RuntimeError(`size mismatch, got ${rows}, ${rows}x${cols},${len}`);

/**
 * PyTorch's shape, then dtype, checks of a @ b, in the order of the kernel it dispatches to; returns
 * the result's dtype.
 */
function checkMatmul(a: Tensor, b: Tensor): DType {
  const A = a._shape;
  const B = b._shape;
  const path = matmulPath(A, B, virtualStrides(a), virtualStrides(b));
  const last = (s: Shape, i = 1): number => s[s.length - i];
  const lead = (s: Shape): number => numel(s.slice(0, -1));
  let first = a._dtype;
  let second = b._dtype;
  switch (path) {
    case 'dot':
      if (a._dtype !== b._dtype) {
        throw new RuntimeError(`dot : expected both vectors to have same dtype, but found ${scalarTypeName(a._dtype)} and ${scalarTypeName(b._dtype)}`);
      }
      if (A[0] !== B[0]) {
        throw new RuntimeError(`inconsistent tensor size, expected tensor [${A[0]}] and src [${B[0]}] to have the same number of elements, but got ${A[0]} and ${B[0]} elements respectively`);
      }
      if (a._dtype === 'bool') throw new RuntimeError('"dot" not implemented for \'Bool\''); // even for empty vectors
      return a._dtype;
    case 'mv':
    case 'fold':
      if (B.length === 1 && last(A) !== B[0]) throw mvError(lead(A), last(A), B[0]);
      if (B.length === 2 && last(A) !== B[0]) throw mmError(lead(A), last(A), B[0], B[1]);
      break;
    case 'vm':
    case 'mm':
      if (last(A) !== B[0]) throw mmError(A.length === 1 ? 1 : A[0], last(A), B[0], B[1]);
      break;
    case 'foldT': {
      // bᵀ folded to [batch·n, k] times aᵀ (a matrix) or a (a vector)
      const folded = numel(B.slice(0, -2)) * last(B);
      if (A.length === 1 && A[0] !== last(B, 2)) throw mvError(folded, last(B, 2), A[0]);
      if (A.length === 2 && A[1] !== last(B, 2)) throw mmError(folded, last(B, 2), A[1], A[0]);
      first = b._dtype;
      second = a._dtype;
      break;
    }
    case 'bmm': {
      const batch = broadcastShapes(A.slice(0, -2), B.slice(0, -2));
      const nb = numel(batch);
      if (last(A) !== last(B, 2)) {
        throw new RuntimeError(`Expected size for first two dimensions of batch2 tensor to be: [${nb}, ${last(A)}] but got: [${nb}, ${last(B, 2)}].`);
      }
      break;
    }
  }
  // NOTE: with an empty operand PyTorch's kernels return before checking dtypes: the result then has
  // the first matrix's dtype (mm), the vector's (mv) or the second batch's (bmm)
  if (a.numel() === 0 || b.numel() === 0) {
    return path === 'mv' || path === 'bmm' || (path === 'fold' && B.length === 1) ? b._dtype : path === 'foldT' && A.length === 1 ? a._dtype : first;
  }
  // the kernel each path ends in: addmv (matrix @ vector), bmm (batched), addmm (every folded path)
  const kernel = path === 'mv' || (path === 'fold' && B.length === 1) ? 'addmv_impl_cpu' : path === 'bmm' ? 'bmm' : 'addmm_impl_cpu_';
  if (a._dtype === 'bool') throw new RuntimeError(`"${kernel}" not implemented for 'Bool'`);
  if (first !== second) throw new RuntimeError(`expected scalar type ${scalarTypeName(first)} but found ${scalarTypeName(second)}`);
  return a._dtype;
}

/** float32 a @ b's gradients for the upstream gradient g (shape gOut): PyTorch's formulas' values. */
function f32Backward(a: Tensor, b: Tensor, g: Storage, outShape: Shape, needs: readonly boolean[], path: MatmulPath, name: string | null): Array<Storage | null> {
  const scratch = { _forward: undefined, _seq: 0 } as unknown as Node;
  const gt = new Tensor(g, outShape.slice());
  const grads = no_grad(() => (name === null ? matmulGraph(path, a, b, gt, needs, scratch) : bmmGraph3(a, b, gt, needs)));
  return grads.map((t) => (t === null ? null : t.contiguous()._data));
}

/** The grad_fn of a @ b: the last node of PyTorch's decomposition. */
function matmulName(A: Shape, B: Shape, path: MatmulPath): string {
  switch (path) {
    case 'dot':
      return 'DotBackward0';
    case 'mv':
      return 'MvBackward0';
    case 'vm':
      return 'SqueezeBackward3';
    case 'mm':
      return 'MmBackward0';
    case 'foldT': {
      if (A.length === 1) return 'UnsafeViewBackward0';
      // (bᵀ aᵀ)ᵀ made contiguous: a copy (CloneBackward0) unless the transpose already is contiguous
      const m = A[0];
      const n = B[B.length - 1];
      return m === 1 || n === 1 || numel(B.slice(0, -2)) === 0 ? 'TransposeBackward0' : 'CloneBackward0';
    }
    default:
      return 'UnsafeViewBackward0';
  }
}

/** `Tensor.mm`: matrices only, same dtype (PyTorch's texts). */
export function mm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 2) throw new RuntimeError('self must be a matrix');
  if (b.ndim !== 2) throw new RuntimeError('mat2 must be a matrix');
  return matmul(a, b);
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
  return product(a, b, null);
}

/** `torch.bmm` (3-d by 3-d, one batch): BmmBackward0, the node matmul's own backward records. */
export function bmm(a: Tensor, b: Tensor): Tensor {
  return product(a, b, 'BmmBackward0');
}

/**
 * PyTorch's assert when an empty product (its kernels return before the dtype check) of an integer
 * tensor and one that requires grad would record an integer result.
 */
export const NOT_DIFFERENTIABLE_ASSERT =
  'isDifferentiableType(variable.scalar_type()) INTERNAL ASSERT FAILED at "./torch/csrc/autograd/functions/utils.h":75, please report a bug to PyTorch. ';

/** a @ b; `name` overrides the grad_fn matmul's path gives (bmm). */
function product(a: Tensor, b: Tensor, name: string | null): Tensor {
  if (a.ndim === 0 || b.ndim === 0) {
    throw new RuntimeError(`both arguments to matmul need to be at least 1D, but they are ${a.ndim}D and ${b.ndim}D`);
  }
  const dtype = checkMatmul(a, b);
  if (!isFloating(dtype) && shouldRecord(a, b)) throw new RuntimeError(NOT_DIFFERENTIABLE_ASSERT);
  const A = a._dtype === dtype ? a._data : convertStorage(a._data, dtype);
  const B = b._dtype === dtype ? b._data : convertStorage(b._data, dtype);
  const aS = a.ndim === 1 ? [1, a._shape[0]] : a._shape.slice();
  const bS = b.ndim === 1 ? [b._shape[0], 1] : b._shape.slice();
  const m = aS[aS.length - 2];
  const k = aS[aS.length - 1];
  const n = bS[bS.length - 1];
  const batch = broadcastShapes(aS.slice(0, -2), bS.slice(0, -2));
  const out = allocPooled(dtype, numel(batch) * m * n);
  const path = matmulPath(a._shape, b._shape, virtualStrides(a), virtualStrides(b));
  // float32 as OpenBLAS sums it on this machine (matmul_blas.ts); other dtypes by the loops above
  const f32 = dtype === 'float32';
  if (f32) {
    out.fill(0);
    productFloat32(a, b, path, out);
  } else {
    batched(A, aS, B, bS, batch, m, k, n, out, false, false);
  }
  const outShape = [...batch, ...(a.ndim === 1 ? [] : [m]), ...(b.ndim === 1 ? [] : [n])];
  const result = new Tensor(out, outShape);
  if (!shouldRecord(a, b)) return result;
  // a 1-d operand's gradient is summed over the batch dims from [...batch, k] (not [...batch, 1, k])
  const fullA = a.ndim === 1 ? [...batch, k] : [...batch, m, k];
  const fullB = b.ndim === 1 ? [...batch, k] : [...batch, k, n];
  const gOut = [...batch, m, n];
  const nodeName = name ?? matmulName(a._shape, b._shape, path);
  // NOTE: PyTorch's folded product of a matrix and a batch is (b.mT @ a.mT).mT: with m or n of 1 that
  // transpose is already contiguous, so the result is a view (TransposeBackward0) of the product
  // (UnsafeViewBackward0), whose memory order is the same: in-place ops and detach_ treat it as a view
  const viewed = nodeName === 'TransposeBackward0' && b.ndim >= 3 && a.ndim === 2;
  const recorded = viewed ? new Tensor(out, [...batch, n, m]) : result;
  const product = attach(
    recorded,
    viewed ? 'UnsafeViewBackward0' : nodeName,
    [a, b],
    // float32: the values of PyTorch's own backward products too (its formulas, run unrecorded on a
    // scratch node, so that their no-grad intermediates are not cached as this node's forward tensors)
    f32 ? (g, needs) => f32Backward(a, b, g, outShape, needs, path, name) : (g, needs) => {
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
    // mm/mv/dot save a for b's gradient and b for a's
    [...(b.requires_grad ? [a] : []), ...(a.requires_grad ? [b] : [])],
    [fullA, fullB],
    (g, needs, node) => (name === null ? matmulGraph(path, a, b, g, needs, node, viewed) : bmmGraph3(a, b, g, needs)),
  );
  return viewed ? at.transpose(product, -1, -2) : product;
}
