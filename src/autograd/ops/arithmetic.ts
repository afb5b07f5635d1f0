// Arithmetic as PyTorch spells it: functions taking tensors or numbers on either side, and their
// in-place variants. The kernels and gradients are elementwise.ts's binary specs.

import { ArgumentTypeError } from '../../errors.js';
import { allocStorage, castScalar } from '../../tensor/dtype.js';
import { attach, shouldRecord } from '../../tensor/autograd/engine.js';

import { broadcastShapes } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { applyBinary, applyUnary, binaryOps, powScalar, scalarTensor, type BinarySpec } from './elementwise.js';
import { applyInplace } from './inplace.js';
import { at } from './at.js';
import { unaryOps } from './unary.js';

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
  if (alpha === undefined || alpha === 1 || typeof b !== 'number') return b;
  return b * alpha;
}

/** Commutative ops put the tensor first, as PyTorch's `2 * x` (x.__rmul__(2)) does. */
function tensorFirst(a: TensorLike, b: TensorLike): [TensorLike, TensorLike] {
  return typeof a === 'number' ? [b, a] : [a, b];
}

/** `a + alpha·b` (`a - alpha·b`) for a tensor b: one AddBackward0 (SubBackward0) node, as in PyTorch. */
function alphaSpec(negate: boolean, alpha: number): BinarySpec {
  const s = negate ? -alpha : alpha;
  return {
    name: negate ? 'SubBackward0' : 'AddBackward0',
    f: (x, y) => x + s * y,
    da: (g) => g,
    db: (g) => g * s,
    saves: false,
    // maybe_multiply(grad, alpha), and for sub maybe_multiply(-grad, alpha)
    graph: (g, _a, _b, _out, needs) => [g, needs[1] ? at.mulScalar(negate ? at.neg(g) : g, alpha, Number.isInteger(alpha)) : null],
  };
}

export function add(a: TensorLike, b: TensorLike, options: AlphaOption = {}): Tensor {
  if (options.alpha !== undefined && options.alpha !== 1 && b instanceof Tensor) return applyBinary(alphaSpec(false, options.alpha), ...pair(a, b, 'add'));
  const [x, y] = options.alpha === undefined ? tensorFirst(a, b) : [a, scaled(b, options.alpha)];
  return applyBinary(binaryOps.add, ...pair(x, y, 'add'));
}

/** `sub(a, b)` is `a - b`; with a number first it is PyTorch's `2.5 - a` (RsubBackward1). */
export function sub(a: TensorLike, b: TensorLike, options: AlphaOption = {}): Tensor {
  if (options.alpha !== undefined && options.alpha !== 1 && b instanceof Tensor && a instanceof Tensor) return applyBinary(alphaSpec(true, options.alpha), a, b);
  const bb = scaled(b, options.alpha);
  if (typeof a === 'number' && bb instanceof Tensor) return rsubScalar(bb, a);
  return applyBinary(binaryOps.sub, ...pair(a, bb, 'sub'));
}

/** `rsub(a, b)` is `b - a`. */
export function rsub(a: Tensor, b: TensorLike): Tensor {
  if (b instanceof Tensor) broadcastShapes(b.shape, a.shape); // PyTorch computes other - self: its error names them so
  if (typeof b === 'number') return rsubScalar(a, b);
  return applyBinary(binaryOps.rsub, ...pair(a, b, 'rsub'));
}

/** `s - a` for a number s: PyTorch's rsub(Tensor, Scalar), RsubBackward1, one input. */
function rsubScalar(a: Tensor, s: number): Tensor {
  const c = castScalar(s, a.dtype);
  const A = a._data;
  const out = allocStorage(a.dtype, A.length);
  for (let i = 0; i < out.length; i++) out[i] = c - A[i];
  const result = new Tensor(out, a.shape);
  if (!shouldRecord(a)) return result;
  return attach(result, 'RsubBackward1', [a], (g) => {
    const ga = allocStorage(a.dtype, g.length);
    for (let i = 0; i < ga.length; i++) ga[i] = -g[i];
    return [ga];
  }, [], null, (g) => [at.neg(g)]);
}

export function mul(a: TensorLike, b: TensorLike): Tensor {
  return applyBinary(binaryOps.mul, ...pair(...tensorFirst(a, b), 'mul'));
}

/** `div(a, b)`; a number divided by a tensor is PyTorch's `reciprocal(b) * a`. */
export function div(a: TensorLike, b: TensorLike): Tensor {
  if (typeof a === 'number' && b instanceof Tensor) return mul(applyUnary(unaryOps.reciprocal, b), a);
  return applyBinary(binaryOps.div, ...pair(a, b, 'div'));
}

/** `pow(a, e)`: a number exponent is PowBackward0; a tensor exponent or a number base PowBackward1. */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  if (a instanceof Tensor && typeof b === 'number') return powScalar(a, b);
  return applyBinary(binaryOps.pow, ...pair(a, b, 'pow'));
}

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

