// Elementwise ops: one table entry per op, forward and gradient side by side.
// Broadcasting, dtype promotion, graph wiring and reducing gradients to input shapes are the engine's.

import { RuntimeError } from '../../errors.js';
import { allocStorage, castScalar, convertStorage, get_default_dtype, isFloating, resultTypeOf, type DType, type Storage } from '../../tensor/dtype.js';
import { broadcastShapes, numel, sameShape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { attach, shouldRecord } from '../../tensor/autograd/engine.js';
import { gradMap2, map1, map2, map2Lanes, walk2, type Fn2, type GradFn2 } from '../../tensor/kernels.js';
import { at, maskAnd, maskOf, savedOutput, type Mask } from './at.js';
import { tensorAlgebra } from './tensor_algebra.js';
import { cPow, float32Algebra, numberAlgebra, powScalarValue, type UnarySpec } from './unary.js';
import { powf } from '../../math/sleef.js';
import { powd } from '../../math/sleef64.js';

export { cPow, powScalarValue };

/** A gradient that is the upstream gradient itself (no copy is made). */
const PASS: GradFn2 = (g) => g;

export interface BinarySpec {
  name: string;
  f: Fn2;
  da: GradFn2;
  db: GradFn2;
  /** db in float32 where its formula is more than one operation (each rounded, as PyTorch's tensor ops are). */
  db32?: GradFn2;
  /**
   * What the gradients read, so what in-place changes are detected: nothing, or as derivatives.yaml's
   * mul/div do ('cross': a when b needs a gradient, b when a does; 'div': b when a needs one, both when b
   * does), or both inputs and the result (pow).
   */
  saves: false | 'cross' | 'div' | 'pow';
  /** The gradients over tensors (create_graph), derivatives.yaml's formula op for op; `out` is the saved result. */
  graph: (g: Tensor, a: Tensor, b: Tensor, out: () => Tensor, needs: readonly boolean[]) => [Tensor | null, Tensor | null];
  /** float32 as PyTorch's cpu_kernel_vec computes it: its vector lanes' function, then its scalar tail's. */
  f32Lanes?: readonly [Fn2, Fn2];
}

function savedOf(spec: BinarySpec, a: Tensor, b: Tensor, out: Tensor): Tensor[] {
  const saved: Tensor[] = [];
  const ra = a.requires_grad;
  const rb = b.requires_grad;
  switch (spec.saves) {
    case false:
      return saved;
    case 'cross':
      if (rb) saved.push(a);
      if (ra) saved.push(b);
      return saved;
    case 'div':
      if (rb) saved.push(a);
      if (ra || rb) saved.push(b);
      return saved;
    case 'pow':
      saved.push(a, b);
      if (rb) saved.push(out);
      return saved;
  }
}

/** PyTorch's type promotion for two tensors (at::result_type): dimensioned tensors outrank 0-d ones, which count only when of a higher category (bool < integral < floating). */
export function promoteTypes(a: Tensor, b: Tensor): DType {
  if (a._dtype === b._dtype) return a._dtype;
  return resultType([a, b]);
}

/** Promotion over several tensors (linear's x, W, b). */
export function resultType(tensors: readonly Tensor[]): DType {
  return resultTypeOf(tensors.map((t) => ({ dtype: t._dtype, rank: t.ndim > 0 ? ('dim' as const) : ('zero' as const) })));
}

/** An integer or bool tensor as the default float dtype, for the ops that compute in floating point only (`sin` of an int64 tensor is float32). */
export function asFloating(x: Tensor): Tensor {
  return isFloating(x._dtype) ? x : new Tensor(convertStorage(x._data.subarray(0, x.numel()), get_default_dtype()), x._shape);
}

/** The unary ops that keep an integer dtype (the rest compute in the default float dtype). */
const INTEGER_UNARY = new Set(['NegBackward0', 'AbsBackward0', 'SignBackward0', 'ReluBackward0']);

/** A binary op's dtype checks for integer and bool operands, with PyTorch's texts. */
function checkIntegerBinary(spec: BinarySpec, a: Tensor, b: Tensor): void {
  if ((spec.name === 'SubBackward0' || spec.name === 'RsubBackward0') && (a._dtype === 'bool' || b._dtype === 'bool')) {
    if (a._dtype === 'bool' && b._dtype === 'bool') {
      throw new RuntimeError('Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.');
    }
    if (a._dtype === 'bool' || b._dtype === 'bool') {
      throw new RuntimeError('Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.');
    }
  }
}

/** An integer to an integer power, as PyTorch's powi: a negative exponent gives 1/base^-e truncated (0 unless base is ±1). */
function intPow(base: number, e: number): number {
  if (e < 0) return base === 1 ? 1 : base === -1 ? (e % 2 === 0 ? 1 : -1) : 0;
  return Math.pow(base, e);
}

function storageAs(t: Tensor, dtype: DType): Storage {
  if (t._dtype === dtype) return t._data;
  const s = allocStorage(dtype, t._data.length);
  s.set(t._data);
  return s;
}

export function applyBinary(spec: BinarySpec, a: Tensor, b: Tensor): Tensor {
  let dtype = promoteTypes(a, b);
  if (!isFloating(a._dtype) || !isFloating(b._dtype)) checkIntegerBinary(spec, a, b);
  if (spec.name === 'PowBackward1' && dtype === 'bool') throw new RuntimeError(`"pow" not implemented for 'Bool'`);
  if (!isFloating(dtype)) {
    // true division of integers is floating
    if (spec.name === 'DivBackward0' || spec.name === 'DivBackward2') dtype = get_default_dtype();
  }
  const A = storageAs(a, dtype);
  const B = storageAs(b, dtype);
  const outShape = sameShape(a._shape, b._shape) ? a._shape : broadcastShapes(a._shape, b._shape);
  const f = spec.name === 'PowBackward1' && !isFloating(dtype) ? intPow : spec.f;
  const out =
    dtype === 'float32' && spec.f32Lanes !== undefined
      ? map2Lanes(spec.f32Lanes[0], spec.f32Lanes[1], A, a._shape, B, b._shape, outShape, allocStorage(dtype, numel(outShape)))
      : map2(f, A, a._shape, B, b._shape, outShape, allocStorage(dtype, numel(outShape)));
  // bool results are 0 or 1 (True + True is True)
  if (dtype === 'bool') for (let i = 0; i < out.length; i++) out[i] = out[i] !== 0 ? 1 : 0;
  else if (dtype === 'int64') for (let i = 0; i < out.length; i++) out[i] += 0; // no -0 among integers
  const result = new Tensor(out, outShape);
  if (!shouldRecord(a, b)) return result;
  const aShape = a._shape;
  const bShape = b._shape;
  const grad = (df: GradFn2, g: Storage): Storage =>
    df === PASS ? g : gradMap2(df, g, A, aShape, B, bShape, out, outShape, allocStorage(dtype, out.length));
  // NOTE: 1.13's pow_backward_exponent takes self.log() in self's own dtype: a float32 base of a float64
  // power has a float32 log, which the tensor formula (spec.graph) computes as torch.log does
  const ownLog = spec.name === 'PowBackward1' && a._dtype !== dtype && isFloating(a._dtype);
  const viaGraph = (g: Storage, needs: readonly boolean[]): Array<Storage | null> =>
    spec.graph(new Tensor(g, outShape), a, b, () => new Tensor(out, outShape), needs).map((t) => (t === null ? null : t._data));
  return attach(
    result,
    spec.name,
    [a, b],
    (g, needs) => (ownLog ? viaGraph(g, needs) : [needs[0] ? grad(spec.da, g) : null, needs[1] ? grad(dtype === 'float32' ? spec.db32 ?? spec.db : spec.db, g) : null]),
    savedOf(spec, a, b, result),
    [outShape, outShape],
    (g, needs, node) => spec.graph(g, a, b, () => savedOutput(node), needs),
  );
}

export function applyUnary(spec: UnarySpec, x: Tensor): Tensor {
  if (!isFloating(x._dtype)) {
    if (!INTEGER_UNARY.has(spec.name)) return applyUnary(spec, asFloating(x));
    if (x._dtype === 'bool' && spec.name === 'NegBackward0') {
      throw new RuntimeError('Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.');
    }
    if (x._dtype === 'bool' && spec.name === 'AbsBackward0') throw new RuntimeError('"abs_cpu" not implemented for \'Bool\'');
    if (x._dtype === 'bool' && spec.name === 'ReluBackward0') throw new RuntimeError('Boolean inputs not supported for relu');
    // integers never require grad: no node
    const out = map1(spec.f, x._data, allocStorage(x._dtype, x._data.length));
    for (let i = 0; i < out.length; i++) out[i] += 0; // no -0 among integers
    return new Tensor(out, x._shape);
  }
  const X = x._data;
  const out = map1(x._dtype === 'float32' && spec.f32 !== undefined ? spec.f32 : spec.f, X, allocStorage(x._dtype, X.length));
  if (x._dtype === 'float32' && spec.f32Vector !== undefined) spec.f32Vector(X, out);
  if (x._dtype === 'float32' && spec.f32Tail !== undefined) {
    // PyTorch's vectorised loop takes 16 elements at a time and leaves the rest to its scalar function
    for (let i = X.length - (X.length % 16); i < X.length; i++) out[i] = spec.f32Tail(X[i]);
  }
  if (x._dtype === 'float64' && spec.f64Tail !== undefined) {
    for (let i = X.length - (X.length % 8); i < X.length; i++) out[i] = spec.f64Tail(X[i]);
  }
  const result = new Tensor(out, x._shape);
  if (!shouldRecord(x)) return result;
  const df = spec.df;
  const algebra = x._dtype === 'float32' ? float32Algebra : numberAlgebra;
  return attach(
    result,
    spec.name,
    [x],
    (g) => {
      const gx = allocStorage(x._dtype, g.length);
      for (let i = 0; i < gx.length; i++) gx[i] = df(algebra, g[i], X[i], out[i]);
      return [gx];
    },
    spec.saves === 'output' ? [result] : spec.saves === 'none' ? [] : [x],
    null,
    (g, _needs, node) => [df(tensorAlgebra, g, x, spec.saves === 'output' ? savedOutput(node) : x)],
  );
}

/** A number meeting a tensor becomes a 0-d constant of the tensor's dtype (PyTorch's wrapped number). */
export function scalarTensor(value: number, dtype: DType): Tensor {
  const s = allocStorage(dtype, 1);
  s[0] = castScalar(value, dtype);
  return new Tensor(s, []);
}

// d/da a^b = b·a^(b-1) (0 where b == 0); d/db a^b = a^b·ln a (0 where a == 0 and b >= 0): PyTorch's pow_backward_*.
const powSelfGrad: GradFn2 = (g, a, b) => (b === 0 ? 0 : g * (b * cPow(a, b - 1)));
// NOTE: grad * where(...): the 0 branch keeps an infinite or NaN grad NaN
const powExponentGrad: GradFn2 = (g, a, b, out) => g * (a === 0 && b >= 0 ? 0 : out * Math.log(a));

type BinaryGraph = BinarySpec['graph'];
// NOTE: PyTorch's generated backward functions compute their inputs' gradients in the alphabetical
// order of the inputs' names (other before self, exponent before self): the order the nodes are made
// in decides the order later backward passes run them, so the formulas keep it.
const passBoth: BinaryGraph = (g) => [g, g];
const negFirst: BinaryGraph = (g, _a, _b, _out, needs) => [needs[0] ? at.neg(g) : null, g];

/** pow_backward_self and pow_backward_exponent: where(exponent == 0, 0, ...), where(self == 0 & exponent >= 0, 0, ...). */
const powGraph: BinaryGraph = (g, a, b, out, needs) => {
  const zero = scalarTensor(0, g._dtype);
  let gb: Tensor | null = null;
  if (needs[1]) {
    const cond = broadcastMasks(maskOf(a, (x) => x === 0), maskOf(b, (e) => e >= 0));
    gb = at.mul(g, at.where(cond, zero, at.mul(out(), at.log(a))));
  }
  const ga = needs[0] ? at.where(maskOf(b, (e) => e === 0), zero, at.mul(g, at.mul(b, at.pow(a, at.subScalar(b, 1))))) : null;
  return [ga, gb];
};

export const binaryOps = {
  add: { name: 'AddBackward0', f: (a, b) => a + b, da: PASS, db: PASS, saves: false, graph: passBoth },
  sub: { name: 'SubBackward0', f: (a, b) => a - b, da: PASS, db: (g) => -g, saves: false, graph: (g, _a, _b, _o, needs) => [g, needs[1] ? at.neg(g) : null] },
  /** `rsub(a, b)` is `b - a` for two tensors: RsubBackward0 (a number b: arithmetic.ts's RsubBackward1). */
  rsub: { name: 'RsubBackward0', f: (a, b) => b - a, da: (g) => -g, db: PASS, saves: false, graph: negFirst },
  mul: {
    name: 'MulBackward0',
    f: (a, b) => a * b,
    da: (g, _a, b) => g * b,
    db: (g, a) => g * a,
    saves: 'cross',
    graph: (g, a, b, _o, needs) => {
      const gb = needs[1] ? at.mul(g, a) : null;
      return [needs[0] ? at.mul(g, b) : null, gb];
    },
  },
  div: {
    name: 'DivBackward0',
    f: (a, b) => a / b,
    da: (g, _a, b) => g / b,
    db: (g, a, b) => -g * (a / b / b),
    // -grad * ((self / other) / other): three float32 ops
    db32: (g, a, b) => Math.fround(-g * Math.fround(Math.fround(a / b) / b)),
    saves: 'div',
    graph: (g, a, b, _o, needs) => {
      const gb = needs[1] ? at.mul(at.neg(g), at.div(at.div(a, b), b)) : null;
      return [needs[0] ? at.div(g, b) : null, gb];
    },
  },
  // NOTE: float64: SLEEF's powd4_u10 (PyTorch's vector lanes) on every element: glibc's pow of its scalar
  // tail is not reproduced. float32: SLEEF's powf in the vector lanes; glibc's powf of the tail is not
  // reproduced (correctly rounded here). README, Differences from PyTorch
  pow: { name: 'PowBackward1', f: powd, da: powSelfGrad, db: powExponentGrad, saves: 'pow', graph: powGraph, f32Lanes: [powf, (x, y) => Math.fround(cPow(x, y))] },
} satisfies Record<string, BinarySpec>;

/** `a && b` for two masks broadcast together. */
function broadcastMasks(a: Mask, b: Mask): Mask {
  if (sameShape(a.shape, b.shape)) return maskAnd(a, b);
  const shape = broadcastShapes(a.shape, b.shape);
  const data = new Uint8Array(numel(shape));
  walk2(shape, a.shape, b.shape, data.length, (i, ia, ib) => {
    data[i] = a.data[ia] & b.data[ib];
  });
  return { data, shape };
}

/** `a ** e` with a number exponent: PowBackward0, gradient e·a^(e-1) (zero when e == 0). */
/** Exponents PyTorch's pow kernel computes by multiplications, square roots or reciprocals (pow_tensor_scalar_kernel). */
const POW_SPECIAL = new Set([0, 1, 2, 3, 0.5, -0.5, -1, -2]);

/**
 * x ** e of every element, as PyTorch's CPU kernel computes it: the special exponents directly (float32
 * x ** 3 is x·x·x, two roundings); any other float32 exponent by SLEEF's powf in the vector loop (blocks
 * of 16) and the C library's powf (here correctly rounded) on the last n mod 16 elements.
 */
function powValues(A: Storage, e: number, dtype: DType): Storage {
  const out = allocStorage(dtype, A.length);
  if (dtype === 'float32' && e === 3) for (let i = 0; i < out.length; i++) out[i] = Math.fround(A[i] * A[i]) * A[i];
  else if (dtype === 'float32' && !POW_SPECIAL.has(e)) {
    const vec = out.length - (out.length % 16);
    const ef = Math.fround(e); // PyTorch casts the exponent to float first
    for (let i = 0; i < vec; i++) out[i] = powf(A[i], ef);
    for (let i = vec; i < out.length; i++) out[i] = powScalarValue(A[i], e);
  } else for (let i = 0; i < out.length; i++) out[i] = powScalarValue(A[i], e);
  return out;
}

export function powScalar(a: Tensor, exponent: number): Tensor {
  if (!isFloating(a._dtype)) {
    // an integer tensor to a float power is floating; to a negative integer power, PyTorch's error
    if (!Number.isInteger(exponent)) return powScalar(asFloating(a), exponent);
    if (exponent < 0) throw new RuntimeError('Integers to negative integer powers are not allowed.');
    // a bool tensor to an int power is int64 (result_type(bool, int))
    if (a._dtype === 'bool') return powScalar(new Tensor(convertStorage(a._data, 'int64'), a._shape), exponent);
  }
  const e = castScalar(exponent, a._dtype);
  const A = a._data;
  const result = new Tensor(powValues(A, e, a._dtype), a._shape);
  if (!shouldRecord(a)) return result;
  return attach(
    result,
    'PowBackward0',
    [a],
    (g) => {
      // pow_backward: grad * (exponent * self.pow(exponent - 1)), each product rounded to the dtype
      const ga = allocStorage(a._dtype, g.length);
      if (e === 0) return [ga];
      const p = powValues(A, e - 1, a._dtype);
      for (let i = 0; i < ga.length; i++) p[i] = e * p[i];
      for (let i = 0; i < ga.length; i++) ga[i] = g[i] * p[i];
      return [ga];
    },
    [a],
    null,
    // pow_backward: zeros for exponent 0, else grad * (exponent * self.pow(exponent - 1))
    (g) => [e === 0 ? at.zerosLike(a) : at.mul(g, at.mulScalar(at.powScalar(a, e - 1), e))],
  );
}
