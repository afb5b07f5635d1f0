// softmax and log_softmax along a dimension: SoftmaxBackward0 / LogSoftmaxBackward0, each saving its
// result (PyTorch's _softmax_backward_data and _log_softmax_backward_data read only the output).

import { ArgumentTypeError } from '../../errors.js';
import { allocStorage } from '../../tensor/dtype.js';
import { normalizeDim } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { attach, shouldRecord } from '../../tensor/autograd/engine.js';
import { warn } from '../../warnings.js';
import { float32Arith, float64Arith, lastDimBackward, lastDimForward, middleBackward, middleForward, type Middle } from './softmax_kernels.js';

/** Where along `dim` the values of x lie: the last dimension (rows of n), or [outer, dim, inner]. */
function layout(x: Tensor, dim: number): { last: boolean; rows: number; n: number; middle: Middle } {
  const shape = x.ndim === 0 ? [1] : x.shape;
  const d = normalizeDim(dim, x.ndim);
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < d; i++) outer *= shape[i];
  for (let i = d + 1; i < shape.length; i++) inner *= shape[i];
  return { last: d === shape.length - 1, rows: outer, n: shape[d], middle: { outer, dim: shape[d], inner } };
}

/** F.softmax's choice when no dim is given (with its deprecation warning). */
function implicitDim(name: string, ndim: number): number {
  warn(`Implicit dimension choice for ${name} has been deprecated. Change the call to include dim=X as an argument.`);
  return ndim === 0 || ndim === 1 || ndim === 3 ? 0 : 1;
}

function checkDim(name: string, dim: unknown): void {
  if (typeof dim !== 'number') {
    throw new ArgumentTypeError(`${name}(): argument 'dim' must be int, not ${dim === null ? 'NoneType' : typeof dim}`);
  }
}

function softmaxOp(x: Tensor, dimArg: number | null | undefined, log: boolean): Tensor {
  const name = log ? 'log_softmax' : 'softmax';
  const dim = dimArg ?? implicitDim(name, x.ndim);
  checkDim(name, dim);
  const at = layout(x, dim);
  const k = x.dtype === 'float32' ? float32Arith : float64Arith;
  const X = x._data;
  const out = allocStorage(x.dtype, X.length);
  if (X.length > 0) {
    if (at.last) lastDimForward(k, X, out, at.rows, at.n, log);
    else middleForward(k, X, out, at.middle, log);
  }
  const result = new Tensor(out, x.shape);
  if (!shouldRecord(x)) return result;
  return attach(result, log ? 'LogSoftmaxBackward0' : 'SoftmaxBackward0', [x], (g) => {
    const gi = allocStorage(x.dtype, g.length);
    if (g.length > 0) {
      if (at.last) lastDimBackward(k, g, out, gi, at.rows, at.n, log);
      else middleBackward(k, g, out, gi, at.middle, log);
    }
    return [gi];
  }, [result]);
}

/** `torch.softmax(x, dim)`: exp(x - max) / Σ exp(x - max) along dim (F.softmax: dim may be left out). */
export function softmax(input: Tensor, dim?: number | null): Tensor {
  return softmaxOp(input, dim, false);
}

/** `torch.log_softmax(x, dim)`: x - max - log Σ exp(x - max) along dim. */
export function log_softmax(input: Tensor, dim?: number | null): Tensor {
  return softmaxOp(input, dim, true);
}
