// torch.cummax / cummin along a dim: torch.return_types (values, indices) as PyTorch's
// cummax_cummin_helper walks each line (a NaN always taken, ties to the later index), and
// cummaxmin_backward's scatter_add of the gradient onto the indices.

import { allocStorage } from '../../tensor/dtype.js';
import { normalizeDim } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { at } from './at.js';
import { recordNode } from './pointwise.js';
import { ReturnTypes } from './return_types.js';

function cumExtreme(opName: string, nodeName: string, input: Tensor, dim: number, isMax: boolean): ReturnTypes {
  const d = input.ndim === 0 ? normalizeDim(dim, 1) : normalizeDim(dim, input.ndim);
  const shape = input._shape;
  const size = input.ndim === 0 ? 1 : shape[d];
  let inner = 1;
  for (let k = d + 1; k < shape.length; k++) inner *= shape[k];
  const n = input.numel();
  const src = input._data;
  const values = allocStorage(input._dtype, n);
  const indices = allocStorage('int64', n);
  for (let base = 0; base < n; base += size * inner) {
    for (let j = 0; j < inner; j++) {
      const o = base + j;
      let out = src[o];
      let idx = 0;
      for (let i = 0; i < size; i++) {
        const x = src[o + i * inner];
        // NOTE: std::greater_equal / less_equal: a tie moves the index to the later element
        if (x !== x || (out === out && (isMax ? x >= out : x <= out))) {
          out = x;
          idx = i;
        }
        values[o + i * inner] = out;
        indices[o + i * inner] = idx;
      }
    }
  }
  const idxT = new Tensor(indices, shape);
  const valT = recordNode(new Tensor(values, shape), nodeName, [input], [], (g) => {
    if (input.ndim === 0) return [g];
    return [at.scatterAdd(at.full(shape, 0, g._dtype), d, idxT, g)];
  }, false);
  return new ReturnTypes(opName, valT, idxT);
}

/** `torch.cummax(input, dim)`. */
export function cummax(input: Tensor, dim: number): ReturnTypes {
  return cumExtreme('cummax', 'CummaxBackward0', input, dim, true);
}

/** `torch.cummin(input, dim)`. */
export function cummin(input: Tensor, dim: number): ReturnTypes {
  return cumExtreme('cummin', 'CumminBackward0', input, dim, false);
}
