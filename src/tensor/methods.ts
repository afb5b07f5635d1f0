// Tensor methods with PyTorch's names, each forwarding to the one op that implements it.
// Kept apart from tensor.ts so that the tensor core does not import the ops (imports flow one way).

import * as ops from '../autograd/ops/index.js';
import type { AlphaOption, DimArg, TensorLike } from '../autograd/ops/index.js';
import { ArgumentTypeError } from '../errors.js';
import { checkDtype, type DType } from './dtype.js';
import { Tensor } from './tensor.js';

/** `a.sum()`, `a.sum(1)`, `a.sum(-1, true)`, `a.sum([0, 2])` or `a.sum({ dim: -1, keepdim: true })`. */
export type ReduceArgs = [] | [DimArg] | [DimArg, boolean] | [{ dim?: DimArg; keepdim?: boolean }];

function reduceArgs(args: ReduceArgs): [DimArg, boolean] {
  const [first, second] = args as [unknown, unknown];
  if (first !== null && typeof first === 'object' && !Array.isArray(first)) {
    const o = first as { dim?: DimArg; keepdim?: boolean };
    return [o.dim, o.keepdim ?? false];
  }
  return [first as DimArg, (second as boolean | undefined) ?? false];
}

function shapeArgs(args: Array<number | readonly number[]>): number[] {
  return args.length === 1 && Array.isArray(args[0]) ? (args[0] as number[]).slice() : (args as number[]);
}

declare module './tensor.js' {
  interface Tensor {
    add(other: TensorLike, options?: AlphaOption): Tensor;
    sub(other: TensorLike, options?: AlphaOption): Tensor;
    mul(other: TensorLike): Tensor;
    div(other: TensorLike): Tensor;
    pow(exponent: TensorLike): Tensor;
    rsub(other: TensorLike): Tensor;
    neg(): Tensor;
    exp(): Tensor;
    log(): Tensor;
    log2(): Tensor;
    log10(): Tensor;
    sqrt(): Tensor;
    abs(): Tensor;
    sigmoid(): Tensor;
    tanh(): Tensor;
    relu(): Tensor;
    reciprocal(): Tensor;
    sum(...args: ReduceArgs): Tensor;
    mean(...args: ReduceArgs): Tensor;
    min(): Tensor;
    max(): Tensor;
    norm(): Tensor;
    matmul(other: Tensor): Tensor;
    mm(other: Tensor): Tensor;
    t(): Tensor;
    transpose(dim0: number, dim1: number): Tensor;
    reshape(...shape: Array<number | readonly number[]>): Tensor;
    view(...shape: Array<number | readonly number[]>): Tensor;
    unsqueeze(dim: number): Tensor;
    squeeze(dim?: number): Tensor;
    clone(): Tensor;
    contiguous(): Tensor;
    to(dtype: DType): Tensor;
    type(dtype: DType): Tensor;
    float(): Tensor;
    double(): Tensor;
    zero_(): Tensor;
    fill_(value: number): Tensor;
    copy_(src: Tensor): Tensor;
    add_(other: TensorLike, options?: AlphaOption): Tensor;
    sub_(other: TensorLike, options?: AlphaOption): Tensor;
    mul_(other: TensorLike): Tensor;
    div_(other: TensorLike): Tensor;
    equal(other: Tensor): boolean;
  }
}

const P = Tensor.prototype;
P.add = function (other, options) { return ops.add(this, other, options); };
P.sub = function (other, options) { return ops.sub(this, other, options); };
P.mul = function (other) { return ops.mul(this, other); };
P.div = function (other) { return ops.div(this, other); };
P.pow = function (exponent) { return ops.pow(this, exponent); };
P.rsub = function (other) { return ops.rsub(this, other); };
P.neg = function () { return ops.neg(this); };
P.exp = function () { return ops.exp(this); };
P.log = function () { return ops.log(this); };
P.log2 = function () { return ops.log2(this); };
P.log10 = function () { return ops.log10(this); };
P.sqrt = function () { return ops.sqrt(this); };
P.abs = function () { return ops.abs(this); };
P.sigmoid = function () { return ops.sigmoid(this); };
P.tanh = function () { return ops.tanh(this); };
P.relu = function () { return ops.relu(this); };
P.reciprocal = function () { return ops.reciprocal(this); };
P.sum = function (...args) { return ops.sum(this, ...reduceArgs(args)); };
P.mean = function (...args) { return ops.mean(this, ...reduceArgs(args)); };
P.min = function () { return ops.min(this); };
P.max = function () { return ops.max(this); };
P.norm = function () { return ops.norm(this); };
P.matmul = function (other) { return ops.matmul(this, other); };
P.mm = function (other) { return ops.matmul(this, other); };
P.t = function () { return ops.t(this); };
P.transpose = function (dim0, dim1) { return ops.transpose(this, dim0, dim1); };
P.reshape = function (...shape) { return ops.reshape(this, shapeArgs(shape)); };
P.view = function (...shape) { return ops.view(this, shapeArgs(shape)); };
P.unsqueeze = function (dim) { return ops.unsqueeze(this, dim); };
P.squeeze = function (dim) { return ops.squeeze(this, dim); };
P.clone = function () { return ops.clone(this); };
P.contiguous = function () { return this; };
P.to = function (dtype) { checkDtype(dtype); return ops.toDtype(this, dtype); };
P.type = function (dtype) { checkDtype(dtype); return ops.toDtype(this, dtype); };
P.float = function () { return ops.toDtype(this, 'float32'); };
P.double = function () { return ops.toDtype(this, 'float64'); };
P.zero_ = function () { return ops.zero_(this); };
P.fill_ = function (value) { return ops.fill_(this, value); };
P.copy_ = function (src) {
  if (!(src instanceof Tensor)) throw new ArgumentTypeError('copy_(): argument src must be a Tensor');
  return ops.copy_(this, src);
};
P.add_ = function (other, options) { return ops.add_(this, other, options); };
P.sub_ = function (other, options) { return ops.sub_(this, other, options); };
P.mul_ = function (other) { return ops.mul_(this, other); };
P.div_ = function (other) { return ops.div_(this, other); };
P.equal = function (other) {
  if (this.ndim !== other.ndim || this.shape.some((s, i) => s !== other.shape[i])) return false;
  for (let i = 0; i < this._data.length; i++) if (this._data[i] !== other._data[i]) return false;
  return true;
};

export { Tensor };
