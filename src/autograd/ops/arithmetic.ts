// Arithmetic as PyTorch spells it: functions taking tensors or numbers on either side, and their
// in-place variants. The kernels and gradients are elementwise.ts's binary specs.

import { ArgumentTypeError, RuntimeError } from '../../errors.js';
import { allocStorage, castScalar, get_default_dtype, isFloating, resultTypeOf, scalarDtype, type DType, type Storage } from '../../tensor/dtype.js';
import { map2, type Fn2 } from '../../tensor/kernels.js';
import { fma, fmaf } from '../../math/sleef.js';
import { recordNode } from './pointwise.js';
import { attach, shouldRecord } from '../../tensor/autograd/engine.js';

import { broadcastShapes, numel } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { applyBinary, applyUnary, binaryOps, powScalar, promoteTypes, resultType, scalarTensor, type BinarySpec } from './elementwise.js';
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
  if (isFloating(t._dtype)) return scalarTensor(v, t._dtype);
  const dtype = resultTypeOf([
    { dtype: t._dtype, rank: t.ndim > 0 ? 'dim' : 'zero' },
    { dtype: scalarDtype(value), rank: 'wrapped' },
  ]);
  // true division computes in the default float dtype, where the number keeps its value (div_mode: the result type)
  return scalarTensor(v, op === 'div' && !isFloating(dtype) ? get_default_dtype() : dtype);
}

function pair(a: TensorLike, b: TensorLike, op: string): [Tensor, Tensor] {
  if (op === 'sub' && (typeof a === 'boolean' || typeof b === 'boolean')) {
    const t = a instanceof Tensor ? a : b instanceof Tensor ? b : null;
    if (t !== null && t._dtype === 'bool') {
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
  return [x, scalarTensor(b * alpha, y._dtype)];
}

/** Commutative ops put the tensor first, as PyTorch's `2 * x` (x.__rmul__(2)) does. */
function tensorFirst(a: TensorLike, b: TensorLike): [TensorLike, TensorLike] {
  return typeof a === 'number' ? [b, a] : [a, b];
}

/**
 * `a + alpha·b` (`a - alpha·b`): one AddBackward0 (SubBackward0) node, as in PyTorch, whose kernel casts
 * alpha to the dtype (sub: -alpha; a bool alpha is its truth) and computes fma(b, alpha, a) (its vector
 * fmadd; GCC contracts the scalar loop's `a + alpha * b` alike).
 */
function alphaSpec(negate: boolean, alpha: number, dtype: DType): BinarySpec {
  const s = castScalar(negate ? -alpha : alpha, dtype);
  const f: Fn2 = dtype === 'float32' ? (x, y) => fmaf(y, s, x) : dtype === 'float64' ? (x, y) => fma(y, s, x) : (x, y) => x + s * y;
  return {
    name: negate ? 'SubBackward0' : 'AddBackward0',
    f,
    da: (g) => g,
    db: (g) => g * s,
    saves: false,
    // maybe_multiply(grad, alpha), and for sub maybe_multiply(-grad, alpha)
    graph: (g, _a, _b, _out, needs) => [g, needs[1] ? at.mulScalar(negate ? at.neg(g) : g, alpha, Number.isInteger(alpha)) : null],
  };
}

/** a + alpha·b (negate: a - alpha·b) for a tensor a and a tensor or number b. */
function withAlpha(negate: boolean, a: TensorLike, b: TensorLike, alpha: number): Tensor {
  const [x, y] = pair(a, b, negate ? 'sub' : 'add');
  return applyBinary(alphaSpec(negate, alpha, resultType([x, y])), x, y);
}

/** alpha_check: a fractional alpha needs a floating result. */
function checkAlpha(a: TensorLike, b: TensorLike, alpha: number | undefined, op: string): void {
  if (alpha === undefined || Number.isInteger(alpha)) return;
  const [x, y] = pair(a, b, op);
  if (op === 'sub' && (x._dtype === 'bool' || y._dtype === 'bool')) return; // sub_check's error comes first
  if (!isFloating(resultType([x, y]))) throw new RuntimeError('For integral input tensors, argument alpha must not be a floating point number.');
}

export function add(a: TensorLike, b: TensorLike, options: AlphaOption = {}): Tensor {
  checkAlpha(a, b, options.alpha, 'add');
  if (options.alpha !== undefined && options.alpha !== 1 && (b instanceof Tensor || a instanceof Tensor)) return withAlpha(false, a, b, options.alpha);
  if (options.alpha !== undefined) return applyBinary(binaryOps.add, ...scaledPair(a, b, options.alpha, 'add'));
  return applyBinary(binaryOps.add, ...pair(...tensorFirst(a, b), 'add'));
}

/** `sub(a, b)` is `a - b`; with a number first it is PyTorch's `2.5 - a` (RsubBackward1). */
export function sub(a: TensorLike, b: TensorLike, options: AlphaOption = {}): Tensor {
  checkAlpha(a, b, options.alpha, 'sub');
  if (options.alpha !== undefined && options.alpha !== 1 && a instanceof Tensor) return withAlpha(true, a, b, options.alpha);
  const bb = scaled(b, options.alpha);
  if (typeof a === 'number' && bb instanceof Tensor) return rsubScalar(bb, a);
  return applyBinary(binaryOps.sub, ...scaledPair(a, b, options.alpha, 'sub'));
}

/** `rsub(a, b)` is `b - a`. */
export function rsub(a: Tensor, b: TensorLike): Tensor {
  if (b instanceof Tensor) broadcastShapes(b._shape, a._shape); // PyTorch computes other - self: its error names them so
  if (typeof b === 'number') return rsubScalar(a, b);
  return applyBinary(binaryOps.rsub, ...pair(a, b, 'rsub'));
}

/** `s - a` for a number s: PyTorch's rsub(Tensor, Scalar), RsubBackward1, one input. */
function rsubScalar(a: Tensor, s: number): Tensor {
  if (a._dtype === 'bool') {
    throw new RuntimeError('Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.');
  }
  // an integer tensor: the number's type decides the result's (`1.5 - x` is float)
  if (!isFloating(a._dtype)) return applyBinary(binaryOps.sub, ...pair(s, a, 'sub'));
  const c = castScalar(s, a._dtype);
  const A = a._data;
  const out = allocStorage(a._dtype, A.length);
  for (let i = 0; i < out.length; i++) out[i] = c - A[i];
  const result = new Tensor(out, a._shape);
  if (!shouldRecord(a)) return result;
  return attach(result, 'RsubBackward1', [a], (g) => {
    const ga = allocStorage(a._dtype, g.length);
    for (let i = 0; i < ga.length; i++) ga[i] = -g[i];
    return [ga];
  }, [], null, (g) => [at.neg(g)]);
}

export function mul(a: TensorLike, b: TensorLike): Tensor {
  return applyBinary(binaryOps.mul, ...pair(...tensorFirst(a, b), 'mul'));
}

export interface DivOptions {
  /** null: true division; 'trunc': rounded toward zero; 'floor': rounded down (Python's `//`), in the operands' dtype. */
  rounding_mode?: 'trunc' | 'floor' | null;
}

/** `div(a, b)`, `div(a, b, { rounding_mode })`; a number divided by a tensor is PyTorch's `reciprocal(b) * a`. */
export function div(a: TensorLike, b: TensorLike, options: DivOptions = {}): Tensor {
  const mode = options.rounding_mode ?? null;
  if (mode !== null) return roundedDiv(a, b, mode, 'DivBackward2');
  // an explicit rounding_mode=None is the div.Tensor_mode overload: true division, DivBackward2
  if ('rounding_mode' in options) return applyBinary(DIV_MODE, ...pair(a, b, 'div'));
  if (typeof a === 'number' && b instanceof Tensor) return mul(applyUnary(unaryOps.reciprocal, b), a);
  return applyBinary(binaryOps.div, ...pair(a, b, 'div'));
}

const DIV_MODE: BinarySpec = { ...binaryOps.div, name: 'DivBackward2' };

/** `true_divide(a, b)`: div as a function call, so a number on the left is a wrapped 0-d tensor (DivBackward0), not `reciprocal(b) * a`. */
export function true_divide(a: TensorLike, b: TensorLike): Tensor {
  return applyBinary(binaryOps.div, ...pair(a, b, 'div'));
}

/** `floor_divide(a, b)` (Python's `//` on tensors): div with rounding_mode 'floor', whose derivative PyTorch does not implement. */
export function floor_divide(a: TensorLike, b: TensorLike): Tensor {
  return roundedDiv(a, b, 'floor', 'torch::autograd::NotImplemented');
}

/** c10's div_floor_floating: Python's floor division, from fmod (b = 0: IEEE's a / b). */
function floorDivFloat(a: number, b: number, r: (x: number) => number): number {
  if (b === 0) return r(a / b);
  const mod = a % b;
  let q = r(r(a - mod) / b);
  if (mod !== 0 && b < 0 !== mod < 0) q = r(q - 1);
  if (q === 0) return Math.sign(r(a / b)) < 0 || Object.is(r(a / b), -0) ? -0 : 0;
  let f = Math.floor(q);
  if (r(q - f) > 0.5) f += 1;
  return f;
}

function roundedDiv(a: TensorLike, b: TensorLike, mode: string, name: string): Tensor {
  if (mode !== 'trunc' && mode !== 'floor') {
    throw new RuntimeError(`div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '${mode}'`);
  }
  const [x, y] = pair(a, b, 'div_mode');
  const dtype = promoteTypes(x, y);
  const shape = broadcastShapes(x._shape, y._shape);
  const xs = x._dtype === dtype ? x._data : toStorage(x, dtype);
  const ys = y._dtype === dtype ? y._data : toStorage(y, dtype);
  const out = allocStorage(dtype, numel(shape));
  if (isFloating(dtype)) {
    const r = dtype === 'float32' ? Math.fround : (v: number): number => v;
    map2(mode === 'trunc' ? (p, q) => Math.trunc(r(p / q)) : (p, q) => floorDivFloat(p, q, r), xs, x._shape, ys, y._shape, shape, out);
  } else {
    map2((p, q) => {
      if (q === 0) throw new RuntimeError('ZeroDivisionError');
      const t = Math.trunc(p / q);
      const f = mode === 'floor' && t * q !== p && p < 0 !== q < 0 ? t - 1 : t;
      return f === 0 ? 0 : f; // an integer has no -0
    }, xs, x._shape, ys, y._shape, shape, out);
  }
  const result = new Tensor(out, shape);
  if (!isFloating(dtype) || !shouldRecord(x, y)) return result;
  if (name === 'torch::autograd::NotImplemented') {
    return attach(result, name, [x, y], () => {
      throw new RuntimeError('derivative for aten::floor_divide is not implemented');
    }, [], [x._shape, y._shape]);
  }
  // div_tensor_self_backward / other_backward with a rounding mode: zeros
  return recordNode(result, name, [x, y], [], (g) => [at.zerosLike(g), at.zerosLike(g)]);
}

function toStorage(t: Tensor, dtype: DType): Storage {
  const s = allocStorage(dtype, t._data.length);
  s.set(t._data);
  return s;
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

export function div_(self: Tensor, other: TensorLike, options: DivOptions = {}): Tensor {
  return applyInplace(self, other instanceof Tensor ? other : null, (a) => div(a, other, options));
}

