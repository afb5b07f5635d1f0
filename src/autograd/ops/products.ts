// Products beyond matmul: dot, mv, bmm, outer/ger and addmm, with PyTorch's checks and error texts, on
// matmul's kernels and gradient formulas (matmul.ts, matmul_grad.ts).

import { RuntimeError } from '../../errors.js';
import { allocStorage } from '../../tensor/dtype.js';
import { shapeStr } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Tensor as TensorClass } from '../../tensor/tensor.js';
import { at } from './at.js';
import { bmm as bmmKernel, matmul } from './matmul.js';
import { mmGradA, mmGradB } from './matmul_grad.js';
import { mul } from './arithmetic.js';
import { recordNode } from './pointwise.js';
import { reshape } from './shape.js';
import { sgemm } from '../../kernels/blas_order.js';

export function dot(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 1 || b.ndim !== 1) throw new RuntimeError(`1D tensors expected, but got ${a.ndim}D and ${b.ndim}D tensors`);
  return matmul(a, b); // DotBackward0, with dot's dtype and size checks
}

export function mv(a: Tensor, v: Tensor): Tensor {
  if (a.ndim !== 2 || v.ndim !== 1) throw new RuntimeError(`vector + matrix @ vector expected, got 1, ${a.ndim}, ${v.ndim}`);
  return matmul(a, v);
}

export function bmm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 3) throw new RuntimeError('batch1 must be a 3D tensor');
  if (b.ndim !== 3) throw new RuntimeError('batch2 must be a 3D tensor');
  if (b._shape[0] !== a._shape[0] || b._shape[1] !== a._shape[2]) {
    throw new RuntimeError(`Expected size for first two dimensions of batch2 tensor to be: [${a._shape[0]}, ${a._shape[2]}] but got: [${b._shape[0]}, ${b._shape[1]}].`);
  }
  return bmmKernel(a, b);
}

/** self.reshape({n, 1}) * vec2: MulBackward0, as PyTorch composes it. */
export function outer(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 1) throw new RuntimeError(`outer: Expected 1-D argument self, but got ${a.ndim}-D`);
  if (b.ndim !== 1) throw new RuntimeError(`outer: Expected 1-D argument vec2, but got ${b.ndim}-D`);
  return mul(reshape(a, [a._shape[0], 1]), b);
}

export interface AddmmOptions {
  beta?: number;
  alpha?: number;
}

/** maybe_multiply: the tensor itself for 1, else mul.Scalar. */
function maybeMultiply(t: Tensor, s: number): Tensor {
  return s === 1 ? t : at.mulScalar(t, s, Number.isInteger(s));
}

/** beta·input + alpha·(mat1 @ mat2), input broadcast to the product's shape: AddmmBackward0. */
export function addmm(input: Tensor, mat1: Tensor, mat2: Tensor, options: AddmmOptions = {}): Tensor {
  const beta = options.beta ?? 1;
  const alpha = options.alpha ?? 1;
  if (mat1.ndim !== 2) throw new RuntimeError(`mat1 must be a matrix, got ${mat1.ndim}-D tensor`);
  if (mat2.ndim !== 2) throw new RuntimeError(`mat2 must be a matrix, got ${mat2.ndim}-D tensor`);
  if (mat1._shape[1] !== mat2._shape[0]) {
    throw new RuntimeError(`mat1 and mat2 shapes cannot be multiplied (${mat1._shape[0]}x${mat1._shape[1]} and ${mat2._shape[0]}x${mat2._shape[1]})`);
  }
  const target = [mat1._shape[0], mat2._shape[1]];
  checkExpand(input._shape, target);
  if (input.dtype !== mat2.dtype) throw new RuntimeError('self and mat2 must have the same dtype');
  if (mat1.dtype !== mat2.dtype) throw new RuntimeError('mat1 and mat2 must have the same dtype');
  const expanded = at.expand(input.detach(), target)._data;
  const out = allocStorage(input._dtype, target[0] * target[1]);
  if (input._dtype === 'float32') {
    // sgemm: C = beta·input (BLAS ignores the input when beta is 0, its NaNs too), then C = fma(A·B, alpha, C)
    for (let i = 0; i < out.length; i++) out[i] = beta === 0 ? 0 : beta === 1 ? expanded[i] : Math.fround(Math.fround(beta) * expanded[i]);
    const [m, k] = mat1._shape;
    const n = mat2._shape[1];
    if (alpha !== 0) sgemm({ data: mat1._data, offset: 0, rs: k, cs: 1 }, { data: mat2._data, offset: 0, rs: n, cs: 1 }, m, k, n, out, 0, Math.fround(alpha));
  } else {
    const prod = matmul(mat1.detach(), mat2.detach())._data;
    // NOTE: BLAS ignores the input when beta is 0 (its NaNs too)
    for (let i = 0; i < out.length; i++) out[i] = beta === 0 ? alpha * prod[i] : alpha * prod[i] + beta * expanded[i];
  }
  const result = new TensorClass(out, target);
  return recordNode(result, 'AddmmBackward0', [input, mat1, mat2], [mat1, mat2], (g, needs) => [
    needs[0] ? maybeMultiply(g, beta) : null,
    needs[1] ? maybeMultiply(mmGradA(g, mat1, mat2), alpha) : null,
    needs[2] ? maybeMultiply(mmGradB(g, mat1, mat2), alpha) : null,
  ], false);
}

/** PyTorch's expand check (infer_expand_geometry), with its error text. */
function checkExpand(shape: readonly number[], target: readonly number[]): void {
  const lead = target.length - shape.length;
  for (let i = shape.length - 1; i >= 0; i--) {
    const t = target[i + lead];
    if (shape[i] !== t && shape[i] !== 1) {
      throw new RuntimeError(
        `The expanded size of the tensor (${t}) must match the existing size (${shape[i]}) at non-singleton dimension ${i + lead}.  Target sizes: ${shapeStr(target)}.  Tensor sizes: ${shapeStr(shape)}`,
      );
    }
  }
}
