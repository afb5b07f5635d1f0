// select, as torch.autograd.functional's jacobian uses them (torch.stack of the rows,
// out.reshape(-1)[j]): StackBackward0, SelectBackward0 and select_backward's SelectBackwardBackward0,
// each with its formula over tensors, so that a jacobian can be differentiated (hessian).

import { RuntimeError } from '../../errors.js';
import { allocStorage } from '../../tensor/dtype.js';
import { normalizeDim, numel, shapeStr, type Shape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { attach } from '../../tensor/autograd/engine.js';
import { is_grad_enabled } from '../../tensor/autograd/grad_mode.js';
import { at } from './at.js';

/** [outer, size, inner] of `shape` around `dim`. */
function around(shape: Shape, dim: number): [number, number, number] {
  return [numel(shape.slice(0, dim)), shape[dim], numel(shape.slice(dim + 1))];
}

/** `x.select(dim, index)`: SelectBackward0 (a copy here). */
export function select(x: Tensor, dim: number, index: number): Tensor {
  const d = normalizeDim(dim, x.ndim);
  const [outer, size, inner] = around(x.shape, d);
  const i = index < 0 ? index + size : index;
  if (i < 0 || i >= size) throw new RuntimeError(`select(): index ${index} out of range for tensor of size ${shapeStr(x.shape)} at dimension ${dim}`);
  const out = allocStorage(x.dtype, outer * inner);
  for (let o = 0; o < outer; o++) for (let k = 0; k < inner; k++) out[o * inner + k] = x._data[(o * size + i) * inner + k];
  const result = new Tensor(out, [...x.shape.slice(0, d), ...x.shape.slice(d + 1)]);
  if (!is_grad_enabled() || !x.requires_grad) return result;
  return attach(result, 'SelectBackward0', [x], null, [], null, (g) => [selectBackward(g, x.shape, d, i)]);
}

/** select_backward: zeros of the input's sizes with the gradient at `index` along `dim`. */
export function selectBackward(g: Tensor, sizes: Shape, dim: number, index: number): Tensor {
  const [outer, size, inner] = around(sizes, dim);
  const out = allocStorage(g.dtype, numel(sizes));
  for (let o = 0; o < outer; o++) for (let k = 0; k < inner; k++) out[(o * size + index) * inner + k] = g._data[o * inner + k];
  const result = new Tensor(out, sizes);
  if (!is_grad_enabled() || !g.requires_grad) return result;
  return attach(result, 'SelectBackwardBackward0', [g], null, [], null, (gg) => [at.select(gg, dim, index)]);
}

// torch.stack is in cat.ts with torch.cat
export { stack } from './cat.js';
