// Elementwise ops: one table entry per op, forward and gradient side by side.
// Broadcasting, dtype promotion, graph wiring and reducing gradients to input shapes are the engine's.

import { allocStorage, castScalar, type DType, type Storage } from '../../tensor/dtype.js';
import { broadcastShapes, numel, sameShape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { attach, shouldRecord } from '../../tensor/autograd/engine.js';
import { gradMap2, map1, map2, type Fn2, type GradFn2 } from '../../tensor/kernels.js';
import { float32Algebra, numberAlgebra, type UnarySpec } from './unary.js';

/** A gradient that is the upstream gradient itself (no copy is made). */
const PASS: GradFn2 = (g) => g;

export interface BinarySpec {
  name: string;
  f: Fn2;
  da: GradFn2;
  db: GradFn2;
  /**
   * What the gradients read, so what in-place changes are detected: nothing, or as derivatives.yaml's
   * mul/div do ('cross': a when b needs a gradient, b when a does; 'div': b when a needs one, both when b
   * does), or both inputs and the result (pow).
   */
  saves: false | 'cross' | 'div' | 'pow';
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

/** PyTorch's type promotion for two floating tensors: dimensioned tensors outrank 0-d ones. */
export function promoteTypes(a: Tensor, b: Tensor): DType {
  if (a.dtype === b.dtype) return a.dtype;
  const aDim = a.ndim > 0;
  if (aDim !== b.ndim > 0) return aDim ? a.dtype : b.dtype;
  return 'float64';
}

/** Promotion over several tensors (linear's x, W, b). */
export function resultType(tensors: readonly Tensor[]): DType {
  let dimensioned: DType | null = null;
  let zeroDim: DType | null = null;
  for (const t of tensors) {
    if (t.ndim > 0) dimensioned = dimensioned === 'float64' ? 'float64' : t.dtype;
    else zeroDim = zeroDim === 'float64' ? 'float64' : t.dtype;
  }
  return dimensioned ?? zeroDim ?? 'float32';
}

function storageAs(t: Tensor, dtype: DType): Storage {
  if (t.dtype === dtype) return t._data;
  const s = allocStorage(dtype, t._data.length);
  s.set(t._data);
  return s;
}

export function applyBinary(spec: BinarySpec, a: Tensor, b: Tensor): Tensor {
  const dtype = promoteTypes(a, b);
  const A = storageAs(a, dtype);
  const B = storageAs(b, dtype);
  const outShape = sameShape(a.shape, b.shape) ? a.shape : broadcastShapes(a.shape, b.shape);
  const out = map2(spec.f, A, a.shape, B, b.shape, outShape, allocStorage(dtype, numel(outShape)));
  const result = new Tensor(out, outShape);
  if (!shouldRecord(a, b)) return result;
  const aShape = a.shape;
  const bShape = b.shape;
  const grad = (df: GradFn2, g: Storage): Storage =>
    df === PASS ? g : gradMap2(df, g, A, aShape, B, bShape, out, outShape, allocStorage(dtype, out.length));
  return attach(
    result,
    spec.name,
    [a, b],
    (g, needs) => [needs[0] ? grad(spec.da, g) : null, needs[1] ? grad(spec.db, g) : null],
    savedOf(spec, a, b, result),
    [outShape, outShape],
  );
}

export function applyUnary(spec: UnarySpec, x: Tensor): Tensor {
  const X = x._data;
  const out = map1(x.dtype === 'float32' && spec.f32 !== undefined ? spec.f32 : spec.f, X, allocStorage(x.dtype, X.length));
  if (x.dtype === 'float32' && spec.f32Vector !== undefined) spec.f32Vector(X, out);
  if (x.dtype === 'float32' && spec.f32Tail !== undefined) {
    // PyTorch's vectorised loop takes 16 elements at a time and leaves the rest to its scalar function
    for (let i = X.length - (X.length % 16); i < X.length; i++) out[i] = spec.f32Tail(X[i]);
  }
  const result = new Tensor(out, x.shape);
  if (!shouldRecord(x)) return result;
  const df = spec.df;
  const algebra = x.dtype === 'float32' ? float32Algebra : numberAlgebra;
  return attach(
    result,
    spec.name,
    [x],
    (g) => {
      const gx = allocStorage(x.dtype, g.length);
      for (let i = 0; i < gx.length; i++) gx[i] = df(algebra, g[i], X[i], out[i]);
      return [gx];
    },
    spec.saves === 'output' ? [result] : spec.saves === 'none' ? [] : [x],
  );
}

/** A number meeting a tensor becomes a 0-d constant of the tensor's dtype (PyTorch's wrapped number). */
export function scalarTensor(value: number, dtype: DType): Tensor {
  const s = allocStorage(dtype, 1);
  s[0] = castScalar(value, dtype);
  return new Tensor(s, []);
}

/** C's pow: 1 ** y and x ** ±0 are 1 for every y and x, NaN included; (-1) ** ±inf is 1 (JavaScript says NaN). */
export function cPow(x: number, y: number): number {
  if (x === 1 || y === 0) return 1;
  if (x === -1 && (y === Infinity || y === -Infinity)) return 1;
  return Math.pow(x, y);
}

// d/da a^b = b·a^(b-1) (0 where b == 0); d/db a^b = a^b·ln a (0 where a == 0 and b >= 0): PyTorch's pow_backward_*.
const powSelfGrad: GradFn2 = (g, a, b) => (b === 0 ? 0 : g * (b * cPow(a, b - 1)));
const powExponentGrad: GradFn2 = (g, a, b, out) => (a === 0 && b >= 0 ? 0 : g * (out * Math.log(a)));

export const binaryOps = {
  add: { name: 'AddBackward0', f: (a, b) => a + b, da: PASS, db: PASS, saves: false },
  sub: { name: 'SubBackward0', f: (a, b) => a - b, da: PASS, db: (g) => -g, saves: false },
  /** `rsub(a, b)` is `b - a`: RsubBackward0 for two tensors, RsubBackward1 for `2.5 - a` (rsubScalar). */
  rsub: { name: 'RsubBackward0', f: (a, b) => b - a, da: (g) => -g, db: PASS, saves: false },
  rsubScalar: { name: 'RsubBackward1', f: (a, b) => b - a, da: (g) => -g, db: PASS, saves: false },
  mul: { name: 'MulBackward0', f: (a, b) => a * b, da: (g, _a, b) => g * b, db: (g, a) => g * a, saves: 'cross' },
  div: {
    name: 'DivBackward0',
    f: (a, b) => a / b,
    da: (g, _a, b) => g / b,
    db: (g, a, b) => -g * (a / b / b),
    saves: 'div',
  },
  pow: { name: 'PowBackward1', f: cPow, da: powSelfGrad, db: powExponentGrad, saves: 'pow' },
} satisfies Record<string, BinarySpec>;

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

/** `a ** e` with a number exponent: PowBackward0, gradient e·a^(e-1) (zero when e == 0). */
export function powScalar(a: Tensor, exponent: number): Tensor {
  const e = castScalar(exponent, a.dtype);
  const A = a._data;
  const out = allocStorage(a.dtype, A.length);
  for (let i = 0; i < out.length; i++) out[i] = powScalarValue(A[i], e);
  const result = new Tensor(out, a.shape);
  if (!shouldRecord(a)) return result;
  return attach(
    result,
    'PowBackward0',
    [a],
    (g) => {
      const ga = allocStorage(a.dtype, g.length);
      if (e !== 0) for (let i = 0; i < ga.length; i++) ga[i] = g[i] * (e * powScalarValue(A[i], e - 1));
      return [ga];
    },
    [a],
  );
}
