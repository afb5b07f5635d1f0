// Comparisons and logical ops: bool results, no gradient (PyTorch's outputs of these never require grad).
// Operands are compared in their promoted dtype (result_type), as PyTorch's comparison kernels do.

import { ArgumentTypeError } from '../../errors.js';
import { allocStorage, convertStorage, resultTypeOf, scalarDtype, type DType, type Storage, type TypedOperand } from '../../tensor/dtype.js';
import { broadcastShapes, numel, sameShape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { map1, map2, type Fn2 } from '../../tensor/kernels.js';
import { scalarTensor } from './elementwise.js';

/** A tensor or a Python scalar (an integral number is an int, a fractional one a float). */
export type CompareOperand = Tensor | number | bigint | boolean;

function typed(v: CompareOperand): TypedOperand {
  if (v instanceof Tensor) return { dtype: v._dtype, rank: v.ndim > 0 ? 'dim' : 'zero' };
  return { dtype: scalarDtype(v), rank: 'wrapped' };
}

function storageIn(v: CompareOperand, dtype: DType): [Storage, readonly number[]] {
  if (v instanceof Tensor) return [v._dtype === dtype ? v._data : convertStorage(v._data, dtype), v._shape];
  return [scalarTensor(Number(v), dtype)._data, []];
}

function compare(name: string, f: Fn2, a: CompareOperand, b: CompareOperand): Tensor {
  if (!(a instanceof Tensor) && !(b instanceof Tensor)) throw new ArgumentTypeError(`${name}(): argument 'input' (position 1) must be Tensor, not ${typeof a}`);
  const dtype = resultTypeOf([typed(a), typed(b)]);
  const [A, aShape] = storageIn(a, dtype);
  const [B, bShape] = storageIn(b, dtype);
  const outShape = sameShape(aShape, bShape) ? aShape : broadcastShapes(aShape, bShape);
  return new Tensor(map2(f, A, aShape, B, bShape, outShape, allocStorage('bool', numel(outShape))), outShape);
}

type Compare = (a: Tensor, b: CompareOperand) => Tensor;

export const eq: Compare = (a, b) => compare('eq', (x, y) => (x === y ? 1 : 0), a, b);
export const ne: Compare = (a, b) => compare('ne', (x, y) => (x !== y ? 1 : 0), a, b);
export const lt: Compare = (a, b) => compare('lt', (x, y) => (x < y ? 1 : 0), a, b);
export const le: Compare = (a, b) => compare('le', (x, y) => (x <= y ? 1 : 0), a, b);
export const gt: Compare = (a, b) => compare('gt', (x, y) => (x > y ? 1 : 0), a, b);
export const ge: Compare = (a, b) => compare('ge', (x, y) => (x >= y ? 1 : 0), a, b);

function truth(x: Tensor): Storage {
  return x._dtype === 'bool' ? x._data : convertStorage(x._data, 'bool');
}

function logical(f: Fn2): (a: Tensor, b: Tensor) => Tensor {
  return (a, b) => {
    const outShape = sameShape(a._shape, b._shape) ? a._shape : broadcastShapes(a._shape, b._shape);
    return new Tensor(map2(f, truth(a), a._shape, truth(b), b._shape, outShape, allocStorage('bool', numel(outShape))), outShape);
  };
}

export const logical_and = logical((x, y) => x & y);
export const logical_or = logical((x, y) => x | y);
export const logical_xor = logical((x, y) => x ^ y);

export function logical_not(x: Tensor): Tensor {
  return new Tensor(map1((v) => 1 - v, truth(x), allocStorage('bool', x.numel())), x._shape);
}

function test1(f: (v: number) => boolean): (x: Tensor) => Tensor {
  return (x) => new Tensor(map1((v) => (f(v) ? 1 : 0), x._data, allocStorage('bool', x.numel())), x._shape);
}

export const isnan = test1((v) => v !== v);
export const isinf = test1((v) => v === Infinity || v === -Infinity);
export const isfinite = test1((v) => Number.isFinite(v));
