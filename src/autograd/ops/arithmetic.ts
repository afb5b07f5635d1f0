// Arithmetic as PyTorch spells it: functions taking tensors or numbers on either side, and their
// in-place variants. The kernels and gradients are elementwise.ts's binary specs.

import { ArgumentTypeError, RuntimeError } from '../../errors.js';
import { allocStorage, castScalar, get_default_dtype, isFloating, resultTypeOf, scalarDtype } from '../../tensor/dtype.js';
import { attach, shouldRecord } from '../../tensor/autograd/engine.js';

import { broadcastShapes } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { applyBinary, applyUnary, binaryOps, powScalar, resultType, scalarTensor, type BinarySpec } from './elementwise.js';
import { applyInplace } from './inplace.js';
import { at } from './at.js';
import { unaryOps } from './unary.js';

/** A tensor or a Python scalar: a number (an int when integral, else a float), a bigint (an int) or a boolean. */
export type TensorLike = Tensor | number | bigint | boolean;

export interface AlphaOption {
  alpha?: number;
}

/**
 * A number meeting a tensor, as PyTorch's wrapped number: of the tensor's dtype when that is floating;
 * with an integer or bool tensor, of the dtype result_type gives (an integral number is an int, a
 * fractional one a float: `x + 1` stays int64, `x + 1.5` is float32).
 */
function wrapped(value: number | bigint | boolean, t: Tensor, op: string): Tensor {
  const v = Number(value);
  if (isFloating(t.dtype)) return scalarTensor(v, t.dtype);
  const dtype = resultTypeOf([
    { dtype: t.dtype, rank: t.ndim > 0 ? 'dim' : 'zero' },
    { dtype: scalarDtype(value), rank: 'wrapped' },
  ]);
  // true division computes in the default float dtype, where the number keeps its value
  return scalarTensor(v, op === 'div' && !isFloating(dtype) ? get_default_dtype() : dtype);
}

function pair(a: TensorLike, b: TensorLike, op: string): [Tensor, Tensor] {
  if (op === 'sub' && (typeof a === 'boolean' || typeof b === 'boolean')) {
    const t = a instanceof Tensor ? a : b instanceof Tensor ? b : null;
    if (t !== null && t.dtype === 'bool') {
      throw new RuntimeError('Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.');
    }
    throw new RuntimeError('Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.');
  }
  if (a instanceof Tensor && b instanceof Tensor) return [a, b];
  if (a instanceof Tensor && !(b instanceof Tensor)) return [a, wrapped(b, a, op)];
  if (!(a instanceof Tensor) && b instanceof Tensor) return [wrapped(a, b, op), b];
  throw new ArgumentTypeError(`${op}(): expected at least one Tensor argument, got ${typeof a} and ${typeof b}`);
}

function scaled(b: TensorLike, alpha: number | undefined): TensorLike {
  if (alpha === undefined || alpha === 1 || typeof b !== 'number') return b;
  return b * alpha;
}

/** a and alpha·b for a number b: of the dtype b itself gives (`x - 1.5·2` with an int64 x is float32). */
function scaledPair(a: TensorLike, b: TensorLike, alpha: number | undefined, op: string): [Tensor, Tensor] {
  const [x, y] = pair(a, b, op);
  if (alpha === undefined || alpha === 1 || typeof b !== 'number' || !(a instanceof Tensor)) return [x, y];
  return [x, scalarTensor(b * alpha, y.dtype)];
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

/** alpha_check: a fractional alpha needs a floating result. */
function checkAlpha(a: TensorLike, b: TensorLike, alpha: number | undefined, op: string): void {
  if (alpha === undefined || Number.isInteger(alpha)) return;
  const [x, y] = pair(a, b, op);
  if (op === 'sub' && (x.dtype === 'bool' || y.dtype === 'bool')) return; // sub_check's error comes first
  if (!isFloating(resultType([x, y]))) throw new RuntimeError('For integral input tensors, argument alpha must not be a floating point number.');
}

export function add(a: TensorLike, b: TensorLike, options: AlphaOption = {}): Tensor {
  checkAlpha(a, b, options.alpha, 'add');
  if (options.alpha !== undefined && options.alpha !== 1 && b instanceof Tensor) return applyBinary(alphaSpec(false, options.alpha), ...pair(a, b, 'add'));
  if (options.alpha !== undefined) return applyBinary(binaryOps.add, ...scaledPair(a, b, options.alpha, 'add'));
  return applyBinary(binaryOps.add, ...pair(...tensorFirst(a, b), 'add'));
}

/** `sub(a, b)` is `a - b`; with a number first it is PyTorch's `2.5 - a` (RsubBackward1). */
export function sub(a: TensorLike, b: TensorLike, options: AlphaOption = {}): Tensor {
  checkAlpha(a, b, options.alpha, 'sub');
  if (options.alpha !== undefined && options.alpha !== 1 && b instanceof Tensor && a instanceof Tensor) return applyBinary(alphaSpec(true, options.alpha), a, b);
  const bb = scaled(b, options.alpha);
  if (typeof a === 'number' && bb instanceof Tensor) return rsubScalar(bb, a);
  return applyBinary(binaryOps.sub, ...scaledPair(a, b, options.alpha, 'sub'));
}

/** `rsub(a, b)` is `b - a`. */
export function rsub(a: Tensor, b: TensorLike): Tensor {
  if (b instanceof Tensor) broadcastShapes(b.shape, a.shape); // PyTorch computes other - self: its error names them so
  if (typeof b === 'number') return rsubScalar(a, b);
  return applyBinary(binaryOps.rsub, ...pair(a, b, 'rsub'));
}

/** `s - a` for a number s: PyTorch's rsub(Tensor, Scalar), RsubBackward1, one input. */
function rsubScalar(a: Tensor, s: number): Tensor {
  if (a.dtype === 'bool') {
    throw new RuntimeError('Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.');
  }
  // an integer tensor: the number's type decides the result's (`1.5 - x` is float)
  if (!isFloating(a.dtype)) return applyBinary(binaryOps.sub, ...pair(s, a, 'sub'));
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

