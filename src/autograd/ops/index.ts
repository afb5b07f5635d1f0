// The op API as PyTorch spells it: functions taking tensors or numbers on either side.
// Each op itself is defined once, in the file named beside it.

import { ArgumentTypeError } from '../../errors.js';
import { castScalar } from '../../tensor/dtype.js';
import { Tensor } from '../../tensor/tensor.js';
import { applyBinary, applyUnary, binaryOps, powScalar, scalarTensor, unaryOps } from './elementwise.js';
import { applyInplace } from './inplace.js';

export type TensorLike = Tensor | number;

export interface AlphaOption {
  alpha?: number;
}

function pair(a: TensorLike, b: TensorLike, op: string): [Tensor, Tensor] {
  if (a instanceof Tensor && b instanceof Tensor) return [a, b];
  if (a instanceof Tensor && typeof b === 'number') return [a, scalarTensor(b, a.dtype)];
  if (typeof a === 'number' && b instanceof Tensor) return [scalarTensor(a, b.dtype), b];
  throw new ArgumentTypeError(`${op}(): expected at least one Tensor argument, got ${typeof a} and ${typeof b}`);
}

function scaled(b: TensorLike, alpha: number | undefined): TensorLike {
  if (alpha === undefined || alpha === 1) return b;
  return typeof b === 'number' ? b * alpha : mul(b, alpha);
}

/** Commutative ops put the tensor first, as PyTorch's `2 * x` (x.__rmul__(2)) does. */
function tensorFirst(a: TensorLike, b: TensorLike): [TensorLike, TensorLike] {
  return typeof a === 'number' ? [b, a] : [a, b];
}

export function add(a: TensorLike, b: TensorLike, options: AlphaOption = {}): Tensor {
  const [x, y] = options.alpha === undefined ? tensorFirst(a, b) : [a, scaled(b, options.alpha)];
  return applyBinary(binaryOps.add, ...pair(x, y, 'add'));
}

/** `sub(a, b)` is `a - b`; with a number first it is PyTorch's `2.5 - a` (RsubBackward1). */
export function sub(a: TensorLike, b: TensorLike, options: AlphaOption = {}): Tensor {
  const bb = scaled(b, options.alpha);
  if (typeof a === 'number' && bb instanceof Tensor) return applyBinary(binaryOps.rsub, bb, scalarTensor(a, bb.dtype));
  return applyBinary(binaryOps.sub, ...pair(a, bb, 'sub'));
}

/** `rsub(a, b)` is `b - a`. */
export function rsub(a: Tensor, b: TensorLike): Tensor {
  return applyBinary(binaryOps.rsub, ...pair(a, b, 'rsub'));
}

export function mul(a: TensorLike, b: TensorLike): Tensor {
  return applyBinary(binaryOps.mul, ...pair(...tensorFirst(a, b), 'mul'));
}

/** `div(a, b)`; a number divided by a tensor is PyTorch's `reciprocal(b) * a`. */
export function div(a: TensorLike, b: TensorLike): Tensor {
  if (typeof a === 'number' && b instanceof Tensor) return mul(reciprocal(b), a);
  return applyBinary(binaryOps.div, ...pair(a, b, 'div'));
}

/** `pow(a, e)`: a number exponent is PowBackward0; a tensor exponent or a number base PowBackward1. */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  if (a instanceof Tensor && typeof b === 'number') return powScalar(a, b);
  return applyBinary(binaryOps.pow, ...pair(a, b, 'pow'));
}

export const neg = (x: Tensor): Tensor => applyUnary(unaryOps.neg, x);
export const exp = (x: Tensor): Tensor => applyUnary(unaryOps.exp, x);
export const log = (x: Tensor): Tensor => applyUnary(unaryOps.log, x);
export const log2 = (x: Tensor): Tensor => applyUnary(unaryOps.log2, x);
export const log10 = (x: Tensor): Tensor => applyUnary(unaryOps.log10, x);
export const sqrt = (x: Tensor): Tensor => applyUnary(unaryOps.sqrt, x);
export const abs = (x: Tensor): Tensor => applyUnary(unaryOps.abs, x);
export const sigmoid = (x: Tensor): Tensor => applyUnary(unaryOps.sigmoid, x);
export const tanh = (x: Tensor): Tensor => applyUnary(unaryOps.tanh, x);
export const relu = (x: Tensor): Tensor => applyUnary(unaryOps.relu, x);
export const reciprocal = (x: Tensor): Tensor => applyUnary(unaryOps.reciprocal, x);

// In-place arithmetic: self is always a tensor; the out-of-place op is reused on a snapshot.
export function add_(self: Tensor, other: TensorLike, options: AlphaOption = {}): Tensor {
  return applyInplace(self, other instanceof Tensor ? other : null, (a) => add(a, other, options));
}

export function sub_(self: Tensor, other: TensorLike, options: AlphaOption = {}): Tensor {
  return applyInplace(self, other instanceof Tensor ? other : null, (a) => sub(a, other, options));
}

export function mul_(self: Tensor, other: TensorLike): Tensor {
  return applyInplace(self, other instanceof Tensor ? other : null, (a) => mul(a, other));
}

export function div_(self: Tensor, other: TensorLike): Tensor {
  return applyInplace(self, other instanceof Tensor ? other : null, (a) => div(a, other));
}

export { castScalar };
export { sum, mean, min, max, norm, type DimArg } from './reduce.js';
export { matmul } from './matmul.js';
export { reshape, view, unsqueeze, squeeze, transpose, t, clone, toDtype } from './shape.js';
export { linear, mse_loss, binary_cross_entropy_with_logits, type Reduction, type BCEOptions } from './nn.js';
export { fill_, zero_, copy_ } from './inplace.js';

import { sum, mean, min, max, norm } from './reduce.js';
import { matmul } from './matmul.js';
import { reshape, view, unsqueeze, squeeze, transpose, t, clone, toDtype } from './shape.js';
import { linear, mse_loss, binary_cross_entropy_with_logits } from './nn.js';

/** Every differentiable op by name: the gradcheck test requires a sample for each entry. */
export const differentiableOps = {
  add, sub, rsub, mul, div, pow, neg, exp, log, log2, log10, sqrt, abs, sigmoid, tanh, relu, reciprocal,
  sum, mean, min, max, norm, matmul, reshape, view, unsqueeze, squeeze, transpose, t, clone, to: toDtype,
  linear, mse_loss, binary_cross_entropy_with_logits,
} as const;
