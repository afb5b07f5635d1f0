// torch.cross / torch.linalg.cross as PyTorch 1.13 computes them: dim defaults (torch.cross only) to the
// first dim of size 3 of input; the inputs broadcast; r = (a1·b2 - a2·b1, a2·b0 - a0·b2, a0·b1 - a1·b0),
// each as the compiled kernel contracts it: fma(a1, b2, -(a2·b1)), the second product rounded. Backward: linalg_cross(other, grad) and linalg_cross(grad, input).

import { RuntimeError } from '../../errors.js';
import { allocStorage, scalarTypeName } from '../../tensor/dtype.js';
import { broadcastShapes, normalizeDim, numel } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { fma32 as fmaf, fma64 as fma } from '../../math/fma.js';
import { expandedValues, recordNode } from './pointwise.js';

const fr = Math.fround;

/** `torch.linalg.cross(input, other, dim=-1)`. */
export function linalg_cross(input: Tensor, other: Tensor, dim: number | { dim?: number } = -1): Tensor {
  if (typeof dim === 'object') return linalg_cross(input, other, dim.dim ?? -1);
  if (input.ndim !== other.ndim) throw new RuntimeError('linalg.cross: inputs must have the same number of dimensions.');
  const d = normalizeDim(dim, input.ndim);
  if (input._shape[d] !== 3 || other._shape[d] !== 3) {
    throw new RuntimeError(`linalg.cross: inputs dimension ${d} must have length 3. Got ${input._shape[d]} and ${other._shape[d]}`);
  }
  const shape = broadcastShapes(input._shape, other._shape);
  if (input._dtype !== other._dtype) throw new RuntimeError(`expected scalar type ${scalarTypeName(input._dtype)} but found ${scalarTypeName(other._dtype)}`);
  const dtype = input._dtype;
  const A = expandedValues(input, shape, dtype);
  const B = expandedValues(other, shape, dtype);
  const out = allocStorage(dtype, numel(shape));
  let inner = 1;
  for (let k = d + 1; k < shape.length; k++) inner *= shape[k];
  const f = dtype === 'float32' ? (x: number, y: number, z: number, w: number): number => fmaf(x, y, -fr(z * w)) : (x: number, y: number, z: number, w: number): number => fma(x, y, -(z * w));
  for (let base = 0; base < out.length; base += 3 * inner) {
    for (let j = 0; j < inner; j++) {
      const [i0, i1, i2] = [base + j, base + j + inner, base + j + 2 * inner];
      out[i0] = f(A[i1], B[i2], A[i2], B[i1]);
      out[i1] = f(A[i2], B[i0], A[i0], B[i2]);
      out[i2] = f(A[i0], B[i1], A[i1], B[i0]);
    }
  }
  // self: at::linalg_cross(other.conj(), grad, dim), other: at::linalg_cross(grad, self.conj(), dim)
  return recordNode(new Tensor(out, shape), 'LinalgCrossBackward0', [input, other], [input, other], (g, needs) => [
    needs[0] ? linalg_cross(other, g, d) : null,
    needs[1] ? linalg_cross(g, input, d) : null,
  ]);
}

/** `torch.cross(input, other, dim=None)`: no dim is the first dim of size 3 of input. */
export function cross(input: Tensor, other: Tensor, dim: number | null = null): Tensor {
  if (dim === null) {
    const first = input._shape.indexOf(3);
    if (first < 0) throw new RuntimeError('no dimension of size 3 in input');
    return linalg_cross(input, other, first);
  }
  return linalg_cross(input, other, dim);
}
