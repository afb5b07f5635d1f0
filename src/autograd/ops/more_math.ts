// addcmul, addcdiv, xlogy, logaddexp2, deg2rad, rad2deg, nan_to_num, trace and signbit: PyTorch 1.13's
// CPU kernels (float32 rounded each step, in the kernel's order) and derivatives.yaml's formulas over
// tensors, so that create_graph records their backward too.

import { ArgumentTypeError, RuntimeError } from '../../errors.js';
import { allocStorage, castScalar, isFloating, type DType } from '../../tensor/dtype.js';
import { broadcastShapes, numel } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { no_grad } from '../../tensor/autograd/grad_mode.js';
import { fma, fmaf, logf } from '../../math/sleef.js';
import { log1pf } from '../../math/sleef_log1pf.js';
import { log1pd } from '../../math/sleef64.js';
import { at, type Mask } from './at.js';
import { asFloating, resultType, scalarTensor } from './elementwise.js';
import { applyInplace } from './inplace.js';
import { mul } from './arithmetic.js';
import { expandedValues, mask2, recordNode, typeName } from './pointwise.js';

const fr = Math.fround;
type Fn3 = (a: number, b: number, c: number) => number;

/** f over three broadcast tensors in `dtype`. */
function map3(a: Tensor, b: Tensor, c: Tensor, dtype: DType, f: Fn3): Tensor {
  const shape = broadcastShapes(broadcastShapes(a._shape, b._shape), c._shape);
  const [A, B, C] = [a, b, c].map((t) => expandedValues(t, shape, dtype));
  const out = allocStorage(dtype, numel(shape));
  for (let i = 0; i < out.length; i++) out[i] = f(A[i], B[i], C[i]);
  return new Tensor(out, shape);
}

function needTensor(op: string, name: string, pos: number, v: unknown): void {
  if (!(v instanceof Tensor)) throw new ArgumentTypeError(`${op}(): argument '${name}' (position ${pos}) must be Tensor, not ${typeName(v)}`);
}

export interface ValueOption {
  value?: number;
}

/**
 * `torch.addcmul(input, tensor1, tensor2, { value })`: input + value·tensor1·tensor2 as PyTorch's kernel
 * computes it: value·t1 rounded, then one fused multiply-add with t2 and input (GCC contracts the kernel's
 * `self + scalar * t1 * t2`, vector and scalar loops alike).
 */
export function addcmul(input: Tensor, tensor1: Tensor, tensor2: Tensor, options: ValueOption = {}): Tensor {
  needTensor('addcmul', 'tensor1', 2, tensor1);
  needTensor('addcmul', 'tensor2', 3, tensor2);
  const value = options.value ?? 1;
  const dtype = resultType([input, tensor1, tensor2]);
  const v = castScalar(value, dtype);
  const f: Fn3 = dtype === 'float32' ? (s, a, b) => fmaf(fr(v * a), b, s) : (s, a, b) => fma(v * a, b, s);
  const out = map3(input, tensor1, tensor2, dtype, isFloating(dtype) ? f : (s, a, b) => s + v * a * b);
  // self: grad, tensor1: grad * (tensor2 * value), tensor2: grad * (tensor1 * value)
  return recordNode(out, 'AddcmulBackward0', [input, tensor1, tensor2], [tensor1, tensor2], (g, needs) => [
    needs[0] ? g : null,
    needs[1] ? at.mul(g, at.mulScalar(tensor2, value)) : null,
    needs[2] ? at.mul(g, at.mulScalar(tensor1, value)) : null,
  ]);
}

const ADDCDIV_INTEGER =
  'Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the latter implementation: (input + value * tensor1 / tensor2), for all dtypes.';

/** `torch.addcdiv(input, tensor1, tensor2, { value })`: input + (value·tensor1)/tensor2. */
export function addcdiv(input: Tensor, tensor1: Tensor, tensor2: Tensor, options: ValueOption = {}): Tensor {
  needTensor('addcdiv', 'tensor1', 2, tensor1);
  needTensor('addcdiv', 'tensor2', 3, tensor2);
  if (!isFloating(tensor1._dtype) && !isFloating(tensor2._dtype)) throw new RuntimeError(ADDCDIV_INTEGER);
  const value = options.value ?? 1;
  const dtype = resultType([input, tensor1, tensor2]);
  const v = castScalar(value, dtype);
  const f: Fn3 = dtype === 'float32' ? (s, a, b) => fr(s + fr(fr(v * a) / b)) : (s, a, b) => s + (v * a) / b;
  const out = map3(input, tensor1, tensor2, dtype, f);
  // self: grad, tensor1: grad * (value / tensor2), tensor2: -grad * (value * tensor1 / (tensor2 * tensor2))
  return recordNode(out, 'AddcdivBackward0', [input, tensor1, tensor2], [tensor1, tensor2], (g, needs) => [
    needs[0] ? g : null,
    needs[1] ? at.mul(g, at.mulScalar(at.reciprocal(tensor2), value)) : null,
    needs[2] ? at.mul(at.neg(g), at.div(at.mulScalar(tensor1, value), at.mul(tensor2, tensor2))) : null,
  ]);
}

/** `x.addcmul_(tensor1, tensor2, { value })` and addcdiv_: the result written into x. */
export function addcmul_(self: Tensor, tensor1: Tensor, tensor2: Tensor, options: ValueOption = {}): Tensor {
  return applyInplace(self, tensor1, (a) => addcmul(a, tensor1, tensor2, options));
}

export function addcdiv_(self: Tensor, tensor1: Tensor, tensor2: Tensor, options: ValueOption = {}): Tensor {
  return applyInplace(self, tensor1, (a) => addcdiv(a, tensor1, tensor2, options));
}

// PyTorch's xlogy: NaN where y is NaN, 0 where x == 0, else x·log(y)
const xlogyValue = (x: number, y: number): number => (y !== y ? NaN : x === 0 ? 0 : x * Math.log(y));
const xlogyValue32 = (x: number, y: number): number => (y !== y ? NaN : x === 0 ? 0 : fr(x * logf(y)));

/** `torch.xlogy(input, other)`: a number on either side (XlogyBackward1 for a number self, 2 for a number other). */
export function xlogy(input: Tensor | number, other: Tensor | number): Tensor {
  if (!(input instanceof Tensor) && !(other instanceof Tensor)) throw new ArgumentTypeError(`xlogy(): argument 'self' (position 1) must be Tensor, not ${typeName(input)}`);
  const a = input instanceof Tensor ? input : null;
  const b = other instanceof Tensor ? other : null;
  const dtype = floatResult(a !== null && b !== null ? resultType([a, b]) : ((a ?? b) as Tensor)._dtype);
  const ta = a ?? scalarTensor(input as number, dtype);
  const tb = b ?? scalarTensor(other as number, dtype);
  const out = map3(ta, tb, scalarTensor(0, dtype), dtype, dtype === 'float32' ? xlogyValue32 : xlogyValue);
  const name = a === null ? 'XlogyBackward1' : b === null ? 'XlogyBackward2' : 'XlogyBackward0';
  const inputs = [a, b].filter((t): t is Tensor => t !== null);
  // input: at::xlogy(grad, other).masked_fill((input == 0.) & (other <= 0.), 0.), other: grad * input / other
  return recordNode(out, name, inputs, inputs, (g, needs) => {
    const selfGrad = (): Tensor => at.maskedFill(xlogy(g, tb), mask2(ta, tb, (x, y) => x === 0 && y <= 0), 0);
    const otherGrad = (): Tensor => at.div(at.mul(g, ta), tb);
    if (a === null) return [needs[0] ? otherGrad() : null];
    if (b === null) return [needs[0] ? selfGrad() : null];
    return [needs[0] ? selfGrad() : null, needs[1] ? otherGrad() : null];
  });
}

function floatResult(dtype: DType): DType {
  return isFloating(dtype) ? dtype : asFloating(scalarTensor(0, dtype))._dtype;
}

const INV_LN2 = 1 / Math.LN2;
const INV_LN2_32 = fr(1 / Math.LN2);
const maxNan = (a: number, b: number): number => (a !== a || b !== b ? NaN : a < b ? b : a);

/** `torch.logaddexp2(self, other)`: m + log1p(2^-|a-b|)/ln 2, a itself where a == b is infinite. */
export function logaddexp2(self: Tensor, other: Tensor): Tensor {
  needTensor('logaddexp2', 'other', 2, other);
  const dtype = floatResult(resultType([self, other]));
  const f = dtype === 'float32'
    ? (a: number, b: number): number => (a === b && Math.abs(a) === Infinity ? a : fr(maxNan(a, b) + fr(log1pf(fr(2 ** fr(-Math.abs(fr(a - b))))) * INV_LN2_32)))
    : (a: number, b: number): number => (a === b && Math.abs(a) === Infinity ? a : maxNan(a, b) + log1pd(2 ** -Math.abs(a - b)) * INV_LN2);
  const out = map3(self, other, scalarTensor(0, dtype), dtype, f);
  // self: grad / (1 + pow(2, other - self)), other: grad / (1 + pow(2, self - other))
  return recordNode(out, 'Logaddexp2Backward0', [self, other], [self, other], (g, needs) => [
    needs[0] ? at.div(g, at.addScalar(at.pow(scalarTensor(2, dtype), at.sub(other, self)), 1)) : null,
    needs[1] ? at.div(g, at.addScalar(at.pow(scalarTensor(2, dtype), at.sub(self, other)), 1)) : null,
  ]);
}

function angle(name: string, factor: number): (input: Tensor) => Tensor {
  return (input) => {
    const x = isFloating(input._dtype) ? input : asFloating(input);
    const out = no_grad(() => mul(x, factor));
    // self: grad * factor (deg2rad: M_PI / 180, rad2deg: 180 / M_PI)
    return recordNode(out, name, [input], [], (g) => [at.mulScalar(g, factor)]);
  };
}

/** `torch.deg2rad(x)`: x·(π/180), the factor rounded to x's dtype as a scalar operand is. */
export const deg2rad = angle('Deg2RadBackward0', Math.PI / 180);
export const rad2deg = angle('Rad2DegBackward0', 180 / Math.PI);

export interface NanToNumOptions {
  nan?: number;
  posinf?: number | null;
  neginf?: number | null;
}

const FLT_MAX = 3.4028234663852886e38;

/** `torch.nan_to_num(x, nan=0, posinf=max, neginf=lowest)`: the dtype's finite extremes by default. */
export function nan_to_num(input: Tensor, nan: number | NanToNumOptions = 0, posinf: number | null = null, neginf: number | null = null): Tensor {
  const o: NanToNumOptions = typeof nan === 'object' ? nan : { nan, posinf, neginf };
  const big = input._dtype === 'float32' ? FLT_MAX : Number.MAX_VALUE;
  const [n, p, m] = [o.nan ?? 0, o.posinf ?? big, o.neginf ?? -big].map((v) => castScalar(v, input._dtype));
  const data = allocStorage(input._dtype, input.numel());
  const src = input._data;
  const floating = isFloating(input._dtype);
  for (let i = 0; i < data.length; i++) {
    const v = src[i];
    data[i] = !floating ? v : v !== v ? n : v === Infinity ? p : v === -Infinity ? m : v;
  }
  const out = new Tensor(data, input._shape);
  // self: grad * at::isfinite(self)
  return recordNode(out, 'NanToNumBackward0', [input], [input], (g) => [at.maskedFill(g, mask2(input, input, (v) => !Number.isFinite(v)), 0)]);
}

export function nan_to_num_(self: Tensor, nan: number | NanToNumOptions = 0, posinf: number | null = null, neginf: number | null = null): Tensor {
  return applyInplace(self, null, (a) => nan_to_num(a, nan, posinf, neginf));
}

/** `torch.trace(x)` of a matrix: the diagonal summed in double (the kernel's accscalar_t); integers give int64. */
export function trace(input: Tensor): Tensor {
  if (input.ndim !== 2) throw new RuntimeError(`trace: expected a matrix, but got tensor with dim ${input.ndim}`);
  const [r, c] = input._shape;
  let s = 0;
  for (let i = 0; i < Math.min(r, c); i++) s += input._data[i * c + i];
  const out = scalarTensor(s, isFloating(input._dtype) ? input._dtype : 'int64');
  // trace_backward: grad at flat indices arange(0, r·c, c + 1) of a zero matrix
  // (index_fill_ of zeros: +0 off the diagonal, whatever the sign of grad)
  return recordNode(out, 'TraceBackward0', [input], [], (g) => {
    const ge = at.expand(g, input._shape);
    return [at.where(traceMask(r, c), ge, at.zerosLike(ge))];
  }, false);
}

// NOTE: PyTorch 1.13 steps c + 1 through all r·c elements, so a tall matrix gets more than min(r, c) ones
// (a 4×2 input's gradient has a 1 at [3, 0]): its values, kept.
function traceMask(r: number, c: number): Mask {
  const data = new Uint8Array(r * c);
  for (let i = 0; i < r * c; i += c + 1) data[i] = 1;
  return { data, shape: [r, c] };
}

/** `torch.signbit(x)`: the sign bit (true for -0 and -nan as stored; integers: x < 0). */
export function signbit(input: Tensor): Tensor {
  const out = allocStorage('bool', input.numel());
  const src = input._data;
  for (let i = 0; i < out.length; i++) out[i] = src[i] < 0 || Object.is(src[i], -0) ? 1 : 0;
  return new Tensor(out, input._shape);
}

export function xlogy_(self: Tensor, other: Tensor | number): Tensor {
  return applyInplace(self, other instanceof Tensor ? other : null, (a) => xlogy(a, other));
}

/** `torch.logit(x, eps=None)`: log(x / (1 - x)), x clamped to [eps, 1 - eps] first when eps is given. */
export function logit(input: Tensor, eps: number | null = null): Tensor {
  const x = isFloating(input._dtype) ? input : asFloating(input);
  const dtype = x._dtype;
  const [lo, hi] = eps === null || eps < 0 ? [null, null] : [castScalar(eps, dtype), castScalar(1 - eps, dtype)];
  const data = allocStorage(dtype, x.numel());
  const src = x._data;
  for (let i = 0; i < data.length; i++) {
    let v = src[i];
    if (lo !== null && hi !== null) v = v < lo ? lo : v > hi ? hi : v;
    data[i] = dtype === 'float32' ? fr(logf(fr(v / fr(1 - v)))) : Math.log(v / (1 - v));
  }
  // logit_backward: grad / (x·(1 - x)); outside [lo, hi] 0 with eps, NaN outside [0, 1] without
  return recordNode(new Tensor(data, x._shape), 'LogitBackward0', [input], [input], (g) => {
    const d = at.div(g, at.mul(input, at.addScalar(at.neg(input), 1)));
    if (lo !== null && hi !== null) return [at.maskedFill(d, logitEpsMask(input, lo, hi), 0)];
    return [at.maskedFill(d, mask2(input, input, (v) => v < 0 || v > 1), NaN)];
  });
}

/**
 * Where logit_backward with eps gives 0: outside [lo, hi]; NaN too in the AVX2 kernel's full vectors (its
 * test is lo <= x <= hi there, x < lo || x > hi in the scalar tail): the first ⌊n/V⌋·V elements, V = 8
 * float32 or 4 float64 lanes.
 */
function logitEpsMask(x: Tensor, lo: number, hi: number): ReturnType<typeof mask2> {
  const m = mask2(x, x, (v) => v < lo || v > hi);
  const lanes = x._dtype === 'float32' ? 8 : 4;
  const vectorized = m.data.length - (m.data.length % lanes);
  for (let i = 0; i < vectorized; i++) if (x._data[i] !== x._data[i]) m.data[i] = 1;
  return m;
}
