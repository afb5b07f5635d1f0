// gather, scatter (a src tensor or a number), scatter_add and take_along_dim, with PyTorch 1.13's checks
// (ScatterGatherChecks.h) and derivatives.yaml's formulas: gather's gradient is a scatter_add into zeros,
// scatter's and scatter_add's are gathers of the gradient.

import { RuntimeError } from '../../errors.js';
import { allocStorage, castScalar, scalarTypeName, type Storage } from '../../tensor/dtype.js';
import { broadcastShapes, normalizeDim, numel, shapeStr, stridesOf, type Shape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { attach, shouldRecord } from '../../tensor/autograd/engine.js';
import { expandTo } from '../../tensor/kernels.js';
import { at } from './at.js';

/** ensure_nonempty_dim / ensure_nonempty_size: a 0-d tensor counts as one of size 1. */
function dims(t: Tensor): number {
  return Math.max(t.ndim, 1);
}

function size(t: Tensor, d: number): number {
  return t.ndim === 0 ? 1 : t._shape[d];
}

function strides(t: Tensor): number[] {
  return t.ndim === 0 ? [1] : stridesOf(t._shape);
}

/**
 * For each element of `index` (row-major), visit(k, a, b): k its position, a the offset in a tensor of
 * strides `sa` with the dim `dim` coordinate taken from the index value, b the offset in one of strides `sb`.
 */
function walk(index: Tensor, dim: number, bound: number, sa: number[], sb: number[], visit: (k: number, a: number, b: number) => void): void {
  const shape = index.ndim === 0 ? [1] : index._shape;
  const n = numel(shape);
  const nd = shape.length;
  const coord = new Array<number>(nd).fill(0);
  let a = 0;
  let b = 0;
  for (let k = 0; k < n; k++) {
    const i = index._data[k];
    if (i < 0 || i >= bound) throw new RuntimeError(`index ${i} is out of bounds for dimension ${dim} with size ${bound}`);
    visit(k, a + i * sa[dim], b);
    for (let d = nd - 1; d >= 0; d--) {
      coord[d]++;
      if (d !== dim) a += sa[d];
      b += sb[d];
      if (coord[d] < shape[d]) break;
      if (d !== dim) a -= sa[d] * shape[d];
      b -= sb[d] * shape[d];
      coord[d] = 0;
    }
  }
}

function dtypeCheck(name: string, self: Tensor, index: Tensor, src: Tensor | null): void {
  if (index.numel() !== 0 && index._dtype !== 'int64') throw new RuntimeError(`${name}(): Expected dtype int64 for index`);
  // NOTE: scatter_add's dtype error names scatter() in PyTorch 1.13
  if (src !== null && src._dtype !== self._dtype) throw new RuntimeError('scatter(): Expected self.dtype to be equal to src.dtype');
}

function gatherShapeCheck(self: Tensor, dim: number, index: Tensor): void {
  if (dims(self) !== dims(index)) throw new RuntimeError('Index tensor must have the same number of dimensions as input tensor');
  for (let d = 0; d < dims(self); d++) {
    if (d !== dim && size(index, d) > size(self, d)) {
      throw new RuntimeError(`Size does not match at dimension ${d} expected index ${shapeStr(index._shape)} to be smaller than self ${shapeStr(self._shape)} apart from dimension ${dim}`);
    }
  }
}

function scatterShapeCheck(self: Tensor, dim: number, index: Tensor, src: Tensor | null): void {
  if (index.numel() === 0) return;
  if (dims(self) !== dims(index)) throw new RuntimeError('Index tensor must have the same number of dimensions as self tensor');
  let wrong = false;
  for (let d = 0; d < dims(self) && !wrong; d++) if (d !== dim && size(index, d) > size(self, d)) wrong = true;
  if (!wrong && src !== null) for (let d = 0; d < dims(self) && !wrong; d++) if (size(index, d) > size(src, d)) wrong = true;
  const expected = `Expected index ${shapeStr(index._shape)} to be smaller than self ${shapeStr(self._shape)} apart from dimension ${dim}`;
  if (src !== null) {
    if (dims(src) !== dims(index)) throw new RuntimeError('Index tensor must have the same number of dimensions as src tensor');
    if (wrong) throw new RuntimeError(`${expected} and to be smaller size than src ${shapeStr(src._shape)}`);
  } else if (wrong) throw new RuntimeError(expected);
}

/** `torch.gather(input, dim, index)`: out[i][j] = input[i][index[i][j]] (dim 1); GatherBackward0. */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  const d = normalizeDim(dim, x.ndim);
  dtypeCheck('gather', x, index, null);
  const out = allocStorage(x._dtype, index.numel());
  if (index.numel() > 0) {
    gatherShapeCheck(x, d, index);
    const X = x._data;
    walk(index, d, size(x, d), strides(x), strides(index), (k, a) => {
      out[k] = X[a];
    });
  }
  const result = new Tensor(out, index._shape);
  if (!shouldRecord(x)) return result;
  // gather_backward: grad.new_zeros(self.sizes()).scatter_add_(dim, index, grad)
  return attach(result, 'GatherBackward0', [x], null, [index], null, (g) => [at.scatterAdd(at.full(x._shape, 0, g._dtype), d, index, g)]);
}

export type ScatterReduce = 'add' | 'multiply';

/** The written copy of self: src's (or the number's) values where the index points, or summed / multiplied in. */
function scatterInto(self: Tensor, d: number, index: Tensor, src: Tensor | number, reduce: ScatterReduce | null): Storage {
  const out = self._data.slice();
  if (index.numel() === 0) return out;
  const S = typeof src === 'number' ? null : src._data;
  const v = typeof src === 'number' ? castScalar(src, self._dtype) : 0;
  walk(index, d, size(self, d), strides(self), typeof src === 'number' ? strides(index) : strides(src), (_k, a, b) => {
    const w = S === null ? v : S[b];
    out[a] = reduce === 'add' ? out[a] + w : reduce === 'multiply' ? out[a] * w : w;
  });
  return out;
}

/**
 * `x.scatter(dim, index, src)` (ScatterBackward0) or `x.scatter(dim, index, value)` (ScatterBackward1):
 * a copy of x with src's elements (or the value) written where index points along dim.
 */
export function scatter(x: Tensor, dim: number, index: Tensor, src: Tensor | number, options: { reduce?: ScatterReduce } = {}): Tensor {
  const d = normalizeDim(dim, x.ndim);
  const s = src instanceof Tensor ? src : null;
  dtypeCheck('scatter', x, index, s);
  scatterShapeCheck(x, d, index, s);
  const reduce = options.reduce ?? null;
  if (reduce !== null && reduce !== 'add' && reduce !== 'multiply') throw new RuntimeError('reduce argument must be either add or multiply.');
  const result = new Tensor(scatterInto(x, d, index, src, reduce), x._shape);
  if (reduce !== null) {
    // NOTE: PyTorch 1.13 has no derivative for scatter with reduce: a NotImplemented node that raises
    if (!shouldRecord(x, s)) return result;
    return attach(result, 'NotImplemented', s === null ? [x] : [x, s], () => {
      throw new RuntimeError('derivative for aten::scatter is not implemented');
    });
  }
  if (s === null) {
    if (!shouldRecord(x)) return result;
    return attach(result, 'ScatterBackward1', [x], null, [index], null, (g) => [at.scatter(g, d, index, 0)]);
  }
  if (!shouldRecord(x, s)) return result;
  return attach(result, 'ScatterBackward0', [x, s], null, [index], null, (g, needs) => [
    needs[0] ? at.scatter(g, d, index, 0) : null,
    needs[1] ? at.gather(g, d, index) : null,
  ]);
}

/** `x.scatter_add(dim, index, src)`: src's elements added where index points; ScatterAddBackward0. */
export function scatter_add(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  const d = normalizeDim(dim, x.ndim);
  dtypeCheck('scatter_add', x, index, src);
  scatterShapeCheck(x, d, index, src);
  const result = new Tensor(scatterInto(x, d, index, src, 'add'), x._shape);
  if (!shouldRecord(x, src)) return result;
  return attach(result, 'ScatterAddBackward0', [x, src], null, [index], null, (g, needs) => [needs[0] ? g : null, needs[1] ? at.gather(g, d, index) : null]);
}

/**
 * `torch.take_along_dim(input, indices, dim)`: gather after broadcasting input and indices against each
 * other in every dim but `dim`; without a dim, of the flattened input (GatherBackward0 either way).
 */
export function take_along_dim(x: Tensor, indices: Tensor, dim?: number | null): Tensor {
  if (dim === undefined || dim === null) return gather(at.view(x, [-1]), 0, at.view(indices, [-1]));
  if (x.ndim !== indices.ndim) throw new RuntimeError(`torch.take_along_dim(): input and indices should have the same number of dimensions, but got ${x.ndim} dimensions for input, and ${indices.ndim} dimensions for indices`);
  if (indices._dtype !== 'int64') throw new RuntimeError(`torch.take_along_dim(): dtype of indices should be Long but got ${scalarTypeName(indices._dtype)}`);
  const d = normalizeDim(dim, x.ndim);
  const broadcast = (of: Shape, other: Shape): number[] => {
    const a = of.slice();
    const b = other.slice();
    a[d] = 1;
    b[d] = 1;
    const s = broadcastShapes(a, b);
    s[d] = of[d];
    return s;
  };
  const xs = broadcast(x._shape, indices._shape);
  const is = broadcast(indices._shape, x._shape);
  const xe = xs.every((s, k) => s === x._shape[k]) ? x : at.expand(x, xs);
  const ie = is.every((s, k) => s === indices._shape[k]) ? indices : new Tensor(expandTo(indices._data, indices._shape, is, allocStorage('int64', numel(is))), is);
  return gather(xe, d, ie);
}
