// Elementwise functions of one tensor: forward and derivative side by side, one entry each.
// A derivative is written over an Algebra, not over numbers, so the same formula runs on numbers
// (a plain backward) and on tensors, recording a graph (create_graph: tensor_algebra.ts), as
// PyTorch's derivatives.yaml formulas do.

import type { Fn1 } from '../../tensor/kernels.js';
import { log1pf } from '../../math/sleef_log1pf.js';
import { coshd, erfd, expd, log1pd, tanhd } from '../../math/sleef64.js';
import { exp as glibcExp } from '../../math/glibc_exp.js';
import { erf, erfc } from '../../math/erf.js';
import { erfinv, erfinvf } from '../../math/erfinv.js';
import { cosh as glibcCosh } from '../../math/glibc64.js';
import { coshf, coshTailf, cosf, cosVector, expf, expm1f, logf, rsqrtf, sigmoidf, sigmoidTailf, sinf, sinhf, sinVector, tanhf } from '../../math/sleef.js';
import { exp2f as glibcExp2f, sinhf as glibcSinhf } from '../../math/glibcf.js';
import { acosf, asinf, atanf, log10f, log2f, tanf, tanVector } from '../../math/sleef_trig.js';

/** The arithmetic a derivative formula is written in; numbers mix with values as constants. */
export interface Algebra<T> {
  add(a: T | number, b: T | number): T;
  sub(a: T | number, b: T | number): T;
  mul(a: T | number, b: T | number): T;
  div(a: T | number, b: T | number): T;
  neg(a: T): T;
  sqrt(a: T): T;
  sin(a: T): T;
  cos(a: T): T;
  sinh(a: T): T;
  cosh(a: T): T;
  exp(a: T): T;
  /** PyTorch's erfinv (calc_erfinv), which erfinv's derivative calls again. */
  erfinv(a: T): T;
  /** 1, -1, or 0 where x is 0 or NaN: the sign used by |x|'s derivative. */
  sgn(a: T): T;
  rsqrt(a: T): T;
  /** a ** e for a number e (PyTorch's pow(a, e): x·x for 2, x·x·x for 3). */
  pow(a: T, e: number): T;
  /** A zero of `a`'s shape: the derivative of a piecewise-constant function. */
  zerosLike(a: T): T;
  /** `a` where `by` > 0, else 0 (PyTorch's threshold_backward), for relu-like kinks. */
  keepWherePositive(a: T, by: T): T;
  /** PyTorch's tanh_backward kernel: g·(1 - y·y). */
  tanhBackward(g: T, y: T): T;
  /** PyTorch's sigmoid_backward kernel: g·(1 - y)·y. */
  sigmoidBackward(g: T, y: T): T;
}

/** d/dx, from the upstream gradient `g`, the input `x` and the output `y`: derivatives.yaml's formula, op for op. */
export type Derivative = <T>(k: Algebra<T>, g: T, x: T, y: T) => T;

export interface UnarySpec {
  /** PyTorch's grad_fn name. */
  name: string;
  f: Fn1;
  df: Derivative;
  /** Where the op is smooth, for sampling gradient checks: all reals unless said. */
  domain?: 'positive' | 'awayFromZero' | 'open unit interval';
  /**
   * What the backward reads, as derivatives.yaml's formula does (`self` or `result`): only that is
   * checked against in-place changes. Input unless said.
   */
  saves?: 'input' | 'output' | 'none';
  /** The float32 kernel where PyTorch's (SLEEF's) differs from the correctly rounded value. */
  f32?: Fn1;
  /**
   * PyTorch's scalar function for the last n mod 16 elements of a float32 tensor, for the ops whose CPU
   * kernel is a vectorised loop with a scalar tail (cpu_kernel_vec); the others (vml) are `f32` throughout.
   */
  f32Tail?: Fn1;
  /** PyTorch's float64 scalar tail (the last n mod 8 elements) where its vector lanes run `f` (cpu_kernel_vec). */
  f64Tail?: Fn1;
  /** The float32 kernel over a whole array, where PyTorch's result for one element depends on its vector's other lanes. */
  f32Vector?: (x: ArrayLike<number>, out: { [i: number]: number }) => void;
}

/** Algebra over plain numbers: how the engine runs a formula elementwise today. */
export const numberAlgebra: Algebra<number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  neg: (a) => -a,
  sqrt: Math.sqrt,
  sin: Math.sin,
  cos: Math.cos,
  sinh: Math.sinh,
  cosh: Math.cosh,
  exp: expd,
  erfinv,
  sgn: (a) => (a > 0 ? 1 : a < 0 ? -1 : 0),
  rsqrt: (a) => 1 / Math.sqrt(a),
  pow: (a, e) => powScalarValue(a, e),
  zerosLike: () => 0,
  keepWherePositive: (a, by) => (by <= 0 ? 0 : a),
  tanhBackward: (g, y) => g * (1 - y * y),
  sigmoidBackward: (g, y) => g * (1 - y) * y,
};

/** C's pow: 1 ** y and x ** ±0 are 1 for every y and x, NaN included; (-1) ** ±inf is 1 (JavaScript says NaN). */
export function cPow(x: number, y: number): number {
  if (x === 1 || y === 0) return 1;
  if (x === -1 && (y === Infinity || y === -Infinity)) return 1;
  return Math.pow(x, y);
}

/** x ** e for a number e, with PyTorch's exact special cases (x*x for 2, sqrt for 0.5, ...). */
export function powScalarValue(x: number, e: number): number {
  switch (e) {
    case 0:
      return 1;
    case 1:
      return x;
    case 2:
      return x * x;
    case 3:
      return x * x * x;
    case 0.5:
      return Math.sqrt(x);
    case -0.5:
      return 1 / Math.sqrt(x);
    case -1:
      return 1 / x;
    case -2:
      return 1 / (x * x);
    default:
      return cPow(x, e);
  }
}

const fr = Math.fround;

/**
 * The same for float32 tensors: every step rounded to float32 (numbers meeting float32 values are
 * float32 constants), as PyTorch evaluates derivatives.yaml's formulas on float32 tensors.
 */
export const float32Algebra: Algebra<number> = {
  add: (a, b) => fr(fr(a) + fr(b)),
  sub: (a, b) => fr(fr(a) - fr(b)),
  mul: (a, b) => fr(fr(a) * fr(b)),
  div: (a, b) => fr(fr(a) / fr(b)),
  neg: (a) => -a,
  sqrt: (a) => fr(Math.sqrt(a)),
  sin: (a) => sinf(a),
  cos: (a) => cosf(a),
  sinh: sinhf,
  cosh: coshf,
  exp: expf,
  erfinv: erfinvf,
  sgn: numberAlgebra.sgn,
  rsqrt: (a) => rsqrtf(a),
  // NOTE: PyTorch's float32 pow(x, 3) is x·x·x in float32: two roundings
  pow: (a, e) => (e === 3 ? fr(fr(a * a) * a) : fr(powScalarValue(a, fr(e)))),
  zerosLike: numberAlgebra.zerosLike,
  keepWherePositive: numberAlgebra.keepWherePositive,
  tanhBackward: (g, y) => fr(g * fr(1 - fr(y * y))),
  sigmoidBackward: (g, y) => fr(fr(g * fr(1 - y)) * y),
};

const unary = (name: string, f: Fn1, df: Derivative, domain?: UnarySpec['domain']): UnarySpec => ({ name, f, df, domain });
/** The derivative is written in the result (exp: grad * result): PyTorch saves the output. */
const fromOutput = (spec: UnarySpec): UnarySpec => ({ ...spec, saves: 'output' });

export const unaryOps = {
  neg: { ...unary('NegBackward0', (x) => -x, (k, g) => k.neg(g)), saves: 'none' },
  // NOTE: float32 exp, log, log2, log10, sin, cos, tan, asin, acos, atan, tanh, sinh, cosh, expm1, exp2, sigmoid and rsqrt are PyTorch's own (SLEEF 3.5's AVX2
  // kernels; 1 / sqrt in two roundings; a scalar tail where PyTorch's loop has one): see math/sleef.ts
  // float64 exp, tanh and log1p: SLEEF's double kernels, which PyTorch's vml runs on every element (sleef64.ts)
  exp: { ...fromOutput(unary('ExpBackward0', expd, (k, g, _x, y) => k.mul(g, y))), f32: expf },
  log: { ...unary('LogBackward0', Math.log, (k, g, x) => k.div(g, x), 'positive'), f32: logf },
  log2: { ...unary('Log2Backward0', Math.log2, (k, g, x) => k.div(g, k.mul(x, Math.LN2)), 'positive'), f32: log2f },
  log10: { ...unary('Log10Backward0', Math.log10, (k, g, x) => k.div(g, k.mul(x, Math.LN10)), 'positive'), f32: log10f },
  sqrt: fromOutput(unary('SqrtBackward0', Math.sqrt, (k, g, _x, y) => k.div(g, k.mul(2, y)), 'positive')),
  // d|x|/dx = sgn(x), with sgn(0) = 0
  abs: unary('AbsBackward0', Math.abs, (k, g, x) => k.mul(g, k.sgn(x)), 'awayFromZero'),
  // float64 sigmoid: 1 / (1 + exp(-x)) with SLEEF's exp in vector lanes, glibc's in the scalar tail
  sigmoid: {
    ...fromOutput(unary('SigmoidBackward0', (x) => 1 / (1 + expd(-x)), (k, g, _x, y) => k.sigmoidBackward(g, y))),
    f64Tail: (x) => 1 / (1 + glibcExp(-x)),
    f32: sigmoidf,
    f32Tail: sigmoidTailf,
  },
  tanh: { ...fromOutput(unary('TanhBackward0', tanhd, (k, g, _x, y) => k.tanhBackward(g, y))), f32: tanhf },
  // NOTE: relu keeps NaN (x <= 0 is false for NaN) and -0 (PyTorch's clamp_min), and its gradient is 0
  // where the output is <= 0.
  relu: fromOutput(unary('ReluBackward0', (x) => (x < 0 ? 0 : x), (k, g, _x, y) => k.keepWherePositive(g, y), 'awayFromZero')),
  reciprocal: fromOutput(unary('ReciprocalBackward0', (x) => 1 / x, (k, g, _x, y) => k.mul(k.neg(g), k.mul(y, y)), 'positive')),
  sin: { ...unary('SinBackward0', Math.sin, (k, g, x) => k.mul(g, k.cos(x))), f32: sinf, f32Vector: sinVector },
  cos: { ...unary('CosBackward0', Math.cos, (k, g, x) => k.mul(g, k.neg(k.sin(x)))), f32: cosf, f32Vector: cosVector },
  tan: { ...fromOutput(unary('TanBackward0', Math.tan, (k, g, _x, y) => k.mul(g, k.add(1, k.pow(y, 2))))), f32: tanf, f32Vector: tanVector },
  // d asin = 1/sqrt(1 - x²), d acos = its negation: PyTorch's (-x*x + 1).rsqrt()
  asin: { ...unary('AsinBackward0', Math.asin, (k, g, x) => k.mul(g, k.rsqrt(k.add(k.mul(k.neg(x), x), 1))), 'open unit interval'), f32: asinf },
  acos: { ...unary('AcosBackward0', Math.acos, (k, g, x) => k.mul(g, k.neg(k.rsqrt(k.add(k.mul(k.neg(x), x), 1)))), 'open unit interval'), f32: acosf },
  atan: { ...unary('AtanBackward0', Math.atan, (k, g, x) => k.div(g, k.add(k.mul(x, x), 1))), f32: atanf },
  sinh: { ...unary('SinhBackward0', Math.sinh, (k, g, x) => k.mul(g, k.cosh(x))), f32: sinhf, f32Tail: glibcSinhf },
  // float64 cosh: SLEEF's in vector lanes, glibc's cosh in the scalar tail
  cosh: { ...unary('CoshBackward0', coshd, (k, g, x) => k.mul(g, k.sinh(x))), f64Tail: glibcCosh, f32: coshf, f32Tail: coshTailf },
  expm1: { ...fromOutput(unary('Expm1Backward0', Math.expm1, (k, g, _x, y) => k.mul(g, k.add(y, 1)))), f32: expm1f },
  // NOTE: SLEEF's float32 log1p, which PyTorch uses, returns inf for inputs above 1e38
  log1p: { ...unary('Log1PBackward0', log1pd, (k, g, x) => k.div(g, k.add(x, 1)), 'positive'), f32: log1pf },
  // float32 exp2: glibc's exp2f on every element (PyTorch 1.13's measured values; not SLEEF's exp2f)
  exp2: { ...fromOutput(unary('Exp2Backward0', (x) => 2 ** x, (k, g, _x, y) => k.mul(k.mul(g, y), Math.LN2))), f32: glibcExp2f },
  // d x^(-1/2) = -1/2 · x^(-3/2) = -0.5 · y³
  rsqrt: { ...fromOutput(unary('RsqrtBackward0', (x) => 1 / Math.sqrt(x), (k, g, _x, y) => k.mul(k.mul(-0.5, g), k.pow(y, 3)), 'positive')), f32: rsqrtf },
  // PyTorch 1.13: sign(nan) = 0, sign(-0) = 0
  sign: { ...unary('SignBackward0', (x) => (x > 0 ? 1 : x < 0 ? -1 : 0), (k, g) => k.zerosLike(g), 'awayFromZero'), saves: 'none' },
  // piecewise constant: a zero gradient (derivatives.yaml's zeros_like(grad))
  floor: { ...unary('FloorBackward0', Math.floor, (k, g) => k.zerosLike(g), 'awayFromZero'), saves: 'none' },
  ceil: { ...unary('CeilBackward0', Math.ceil, (k, g) => k.zerosLike(g), 'awayFromZero'), saves: 'none' },
  trunc: { ...unary('TruncBackward0', Math.trunc, (k, g) => k.zerosLike(g), 'awayFromZero'), saves: 'none' },
  // x - trunc(x), so frac(±inf) is NaN; d frac = grad
  frac: { ...unary('FracBackward0', (x) => x - Math.trunc(x), (_k, g) => g, 'awayFromZero'), saves: 'none' },
  // NOTE: float64 erf is SLEEF's erfd4_u10 (PyTorch's vml); float32 glibc's erf rounded once (within an ulp
  // of erff: README). d erf = 2/√π · exp(-x²) · grad
  erf: { ...unary('ErfBackward0', erfd, (k, g, x) => k.mul(k.mul(2 / Math.sqrt(Math.PI), k.exp(k.neg(k.pow(x, 2)))), g)), f32: (x) => Math.fround(erf(x)) },
  // NOTE: PyTorch's erfc is SLEEF's erfc (u15); here fdlibm's, rounded once for float32 (within 2 ulps: README)
  erfc: unary('ErfcBackward0', erfc, (k, g, x) => k.mul(k.mul(-2 / Math.sqrt(Math.PI), k.exp(k.neg(k.pow(x, 2)))), g)),
  // PyTorch's calc_erfinv, bit for bit (math/erfinv.ts). d erfinv = √π/2 · exp(erfinv(x)²) · grad, the
  // backward computing erfinv(x) again as derivatives.yaml's `self.erfinv()` does
  erfinv: {
    ...unary('ErfinvBackward0', erfinv, (k, g, x) => k.mul(k.mul(0.5 * Math.sqrt(Math.PI), k.exp(k.pow(k.erfinv(x), 2))), g), 'open unit interval'),
    f32: erfinvf,
  },
} satisfies Record<string, UnarySpec>;
