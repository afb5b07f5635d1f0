// softmax and log_softmax along a dimension: SoftmaxBackward0 / LogSoftmaxBackward0, each saving its
// result (PyTorch's _softmax_backward_data and _log_softmax_backward_data read only the output).

import { ArgumentTypeError } from '../../errors.js';
import { allocStorage, type Storage } from '../../tensor/dtype.js';
import { normalizeDim } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { attach, shouldRecord } from '../../tensor/autograd/engine.js';
import { is_grad_enabled } from '../../tensor/autograd/grad_mode.js';
import { at, savedOutput } from './at.js';
import { warn } from '../../warnings.js';
import { float32Arith, float64Arith, lastDimBackward, lastDimForward, middleBackward, middleForward, type Middle } from './softmax_kernels.js';

/** Where along `dim` the values of x lie: the last dimension (rows of n), or [outer, dim, inner]. */
function layout(x: Tensor, dim: number): { last: boolean; rows: number; n: number; middle: Middle } {
  const shape = x.ndim === 0 ? [1] : x._shape;
  const d = normalizeDim(dim, x.ndim);
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < d; i++) outer *= shape[i];
  for (let i = d + 1; i < shape.length; i++) inner *= shape[i];
  return { last: d === shape.length - 1, rows: outer, n: shape[d], middle: { outer, dim: shape[d], inner } };
}

/** F.softmax's choice when no dim is given (with its deprecation warning). */
export function implicitDim(name: string, ndim: number): number {
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
  const lay = layout(x, dim);
  const k = x._dtype === 'float32' ? float32Arith : float64Arith;
  const X = x._data;
  const out = allocStorage(x._dtype, X.length);
  if (X.length > 0) {
    if (lay.last) lastDimForward(k, X, out, lay.rows, lay.n, log);
    else middleForward(k, X, out, lay.middle, log);
  }
  const result = new Tensor(out, x._shape);
  if (!shouldRecord(x)) return result;
  return attach(result, log ? 'LogSoftmaxBackward0' : 'SoftmaxBackward0', [x], (g) => [backwardData(g, result, dim, log)], [result], null, (g, _needs, node) => [
    softmaxBackwardData(g, savedOutput(node), dim, log),
  ]);
}

/** _softmax_backward_data / _log_softmax_backward_data's kernel: the input's gradient from the output's. */
function backwardData(g: Storage, y: Tensor, dim: number, log: boolean): Storage {
  const lay = layout(y, dim);
  const k = y._dtype === 'float32' ? float32Arith : float64Arith;
  const gi = allocStorage(y._dtype, g.length);
  if (g.length > 0) {
    if (lay.last) lastDimBackward(k, g, y._data, gi, lay.rows, lay.n, log);
    else middleBackward(k, g, y._data, gi, lay.middle, log);
  }
  return gi;
}

/**
 * The backward op over tensors (create_graph): SoftmaxBackwardDataBackward0 / LogSoftmaxBackwardDataBackward0
 * over (grad_output, output), with derivatives.yaml's formulas (softmax_double_backward), each product's
 * right operand made first as GCC evaluates them.
 */
function softmaxBackwardData(g: Tensor, y: Tensor, dim: number, log: boolean): Tensor {
  const result = new Tensor(backwardData(g._data, y, dim, log), y._shape);
  if (!is_grad_enabled() || !(g.requires_grad || y.requires_grad)) return result;
  const d = y.ndim === 0 ? [0] : [normalizeDim(dim, y.ndim)];
  const sum = (t: Tensor): Tensor => at.sum(t, d, true);
  return attach(result, log ? 'LogSoftmaxBackwardDataBackward0' : 'SoftmaxBackwardDataBackward0', [g, y], null, [g, y], null, (gg, needs) => {
    let gOut: Tensor | null = null;
    let gY: Tensor | null = null;
    if (log) {
      // grad_output: grad - (grad * output.exp()).sum(dim, true)
      if (needs[0]) {
        const s = sum(at.mul(gg, at.exp(y)));
        gOut = at.sub(gg, s);
      }
      // output: -grad_output.sum(dim, true) * output.exp() * grad
      if (needs[1]) {
        const e = at.exp(y);
        gY = at.mul(at.mul(at.neg(sum(g)), e), gg);
      }
    } else {
      if (needs[0]) gOut = softmaxBackwardData(gg, y, dim, false);
      // softmax_double_backward: grad_output * grad - (output * grad_output).sum(dim, true) * grad - grad_output * (output * grad).sum(dim, true)
      if (needs[1]) {
        const c = at.mul(g, sum(at.mul(y, gg)));
        const b = at.mul(sum(at.mul(y, g)), gg);
        gY = at.sub(at.sub(at.mul(g, gg), b), c);
      }
    }
    return [gOut, gY];
  });
}

/** `torch.softmax(x, dim)`: exp(x - max) / Σ exp(x - max) along dim (F.softmax: dim may be left out). */
export function softmax(input: Tensor, dim?: number | null): Tensor {
  return softmaxOp(input, dim, false);
}

/** `torch.log_softmax(x, dim)`: x - max - log Σ exp(x - max) along dim. */
export function log_softmax(input: Tensor, dim?: number | null): Tensor {
  return softmaxOp(input, dim, true);
}
