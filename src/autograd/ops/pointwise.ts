// Elementwise ops of two operands beyond arithmetic: maximum, minimum, fmod, remainder, hypot, atan2,
// logaddexp, lerp, and round(decimals). Each is a forward kernel and derivatives.yaml's formula over
// tensors (one formula serves backward and create_graph); the engine sums broadcast gradients.

import { ArgumentTypeError, RuntimeError } from '../../errors.js';
import { allocStorage, castScalar, type DType, type Storage } from '../../tensor/dtype.js';
import { broadcastShapes, numel, sameShape, type Shape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { attach, shouldRecord } from '../../tensor/autograd/engine.js';
import type { Node } from '../../tensor/autograd/node.js';
import { map2, map2Lanes, walk2, type Fn2 } from '../../tensor/kernels.js';
import { atan2f as sleefAtan2f } from '../../math/sleef_trig.js';
import { atan2f as glibcAtan2f } from '../../math/glibcf.js';
import { expf, fma, fmaf } from '../../math/sleef.js';
import { log1pf } from '../../math/sleef_log1pf.js';
import { expd, log1pd } from '../../math/sleef64.js';
import { at, savedOutput, type Mask } from './at.js';
import { promoteTypes, scalarTensor } from './elementwise.js';
import { applyInplace } from './inplace.js';

export type Formula = (g: Tensor, needs: readonly boolean[], node: Node) => ReadonlyArray<Tensor | null>;

/** Attach a node whose gradients are its formula over tensors (broadcast gradients summed by the engine). */
export function recordNode(out: Tensor, name: string, inputs: readonly Tensor[], saved: readonly Tensor[], formula: Formula, broadcast = true): Tensor {
  if (!shouldRecord(inputs[0], inputs[1], inputs[2])) return out;
  return attach(out, name, inputs, null, saved, broadcast ? inputs.map(() => out._shape) : null, formula);
}

function storageAs(t: Tensor, dtype: DType): Storage {
  if (t._dtype === dtype) return t._data;
  const s = allocStorage(dtype, t._data.length);
  s.set(t._data);
  return s;
}

/** f over two broadcast tensors in their promoted dtype (`f32` for float32 where PyTorch rounds each step). */
function map(a: Tensor, b: Tensor, f: Fn2, f32: Fn2 = f): Tensor {
  const dtype = promoteTypes(a, b);
  const shape = sameShape(a._shape, b._shape) ? a._shape : broadcastShapes(a._shape, b._shape);
  const out = map2(dtype === 'float32' ? f32 : f, storageAs(a, dtype), a._shape, storageAs(b, dtype), b._shape, shape, allocStorage(dtype, numel(shape)));
  return new Tensor(out, shape);
}

/** f over two broadcast tensors, but in float32 PyTorch's vectorised loop: `vec32` in its vector lanes, `scalar32` in its scalar tail. */
function mapLanes(a: Tensor, b: Tensor, f: Fn2, vec32: Fn2, scalar32: Fn2): Tensor {
  const dtype = promoteTypes(a, b);
  if (dtype !== 'float32') return map(a, b, f);
  const shape = sameShape(a._shape, b._shape) ? a._shape : broadcastShapes(a._shape, b._shape);
  const out = map2Lanes(vec32, scalar32, storageAs(a, dtype), a._shape, storageAs(b, dtype), b._shape, shape, allocStorage(dtype, numel(shape)));
  return new Tensor(out, shape);
}

/** The mask pred(a, b) over a and b broadcast together. */
export function mask2(a: Tensor, b: Tensor, pred: (x: number, y: number) => boolean): Mask {
  const shape = sameShape(a._shape, b._shape) ? a._shape : broadcastShapes(a._shape, b._shape);
  const data = new Uint8Array(numel(shape));
  walk2(shape, a._shape, b._shape, data.length, (i, ia, ib) => {
    data[i] = pred(a._data[ia], b._data[ib]) ? 1 : 0;
  });
  return { data, shape };
}

export function zeroOf(dtype: DType): Tensor {
  return scalarTensor(0, dtype);
}

function needTensors(op: string, a: unknown, b: unknown): void {
  if (!(a instanceof Tensor)) throw new ArgumentTypeError(`${op}(): argument 'input' (position 1) must be Tensor, not ${typeName(a)}`);
  if (!(b instanceof Tensor)) throw new ArgumentTypeError(`${op}(): argument 'other' (position 2) must be Tensor, not ${typeName(b)}`);
}

export function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'number') return 'float'; // NOTE: a JavaScript number is Python's float here, 2 included
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'list';
  return typeof v;
}

const nan = (a: number, b: number): boolean => a !== a || b !== b;
// PyTorch's scalar maximum/minimum: NaN if either is NaN, else std::max / std::min (a on ties)
const maxValue: Fn2 = (a, b) => (nan(a, b) ? NaN : a < b ? b : a);
const minValue: Fn2 = (a, b) => (nan(a, b) ? NaN : b < a ? b : a);

/** maximum/minimum's formula: where(self == other, grad / 2, grad).masked_fill_(loses, 0) for each input. */
function extremeFormula(a: Tensor, b: Tensor, isMax: boolean): Formula {
  return (g, needs) => {
    const tie = mask2(a, b, (x, y) => x === y);
    const half = (): Tensor => at.where(tie, at.divScalar(g, 2, true), g);
    const lessA = mask2(a, b, (x, y) => x < y);
    const moreA = mask2(a, b, (x, y) => x > y);
    const ga = needs[0] ? at.maskedFill(half(), isMax ? lessA : moreA, 0) : null;
    const gb = needs[1] ? at.maskedFill(half(), isMax ? moreA : lessA, 0) : null;
    return [ga, gb];
  };
}

export function maximum(a: Tensor, b: Tensor): Tensor {
  needTensors('maximum', a, b);
  return recordNode(map(a, b, maxValue), 'MaximumBackward0', [a, b], [a, b], extremeFormula(a, b, true));
}

export function minimum(a: Tensor, b: Tensor): Tensor {
  needTensors('minimum', a, b);
  return recordNode(map(a, b, minValue), 'MinimumBackward0', [a, b], [a, b], extremeFormula(a, b, false));
}

/** C's fmod (JavaScript's %) and Python's remainder (the sign of the divisor). */
const fmodValue: Fn2 = (a, b) => a % b;
const remainderValue: Fn2 = (a, b) => {
  let m = a % b;
  if (m !== 0 && b < 0 !== m < 0) m += b;
  return m;
};

export type TensorOrNumber = Tensor | number;

/** A tensor op with a number: the Scalar overload, one input, `self: grad`. */
function scalarPassOp(x: Tensor, s: number, f: Fn2, name: string): Tensor {
  const c = castScalar(s, x._dtype);
  const X = x._data;
  const out = allocStorage(x._dtype, X.length);
  for (let i = 0; i < out.length; i++) out[i] = f(X[i], c);
  return recordNode(new Tensor(out, x._shape), name, [x], [], (g) => [g], false);
}

/** self.div(other, rounding_mode): 'trunc' or 'floor' (DivBackward2: its gradient is zero). */
function divRounded(a: Tensor, b: Tensor, mode: 'trunc' | 'floor'): Tensor {
  const round = mode === 'trunc' ? Math.trunc : Math.floor;
  const out = map(a, b, (x, y) => round(x / y));
  return recordNode(out, 'DivBackward2', [a, b], [], (g, needs) => [needs[0] ? at.zerosLike(g) : null, needs[1] ? at.zerosLike(g) : null]);
}

function roundingOp(name: string, f: Fn2, mode: 'trunc' | 'floor', a: Tensor, b: TensorOrNumber): Tensor {
  if (typeof b === 'number') return scalarPassOp(a, b, f, `${name}Backward0`);
  // other: -grad * self.div(other, rounding_mode)
  return recordNode(map(a, b, f), `${name}Backward1`, [a, b], [a, b], (g, needs) => [
    needs[0] ? g : null,
    needs[1] ? at.mul(at.neg(g), divRounded(a, b, mode)) : null,
  ]);
}

export function fmod(a: Tensor, b: TensorOrNumber): Tensor {
  return roundingOp('Fmod', fmodValue, 'trunc', a, b);
}

export function remainder(a: Tensor, b: TensorOrNumber): Tensor {
  return roundingOp('Remainder', remainderValue, 'floor', a, b);
}

export function hypot(a: Tensor, b: Tensor): Tensor {
  needTensors('hypot', a, b);
  const out = map(a, b, Math.hypot);
  // self: grad * self / result, other: grad * other / result
  return recordNode(out, 'HypotBackward0', [a, b], [a, b, out], (g, needs, node) => {
    const y = savedOutput(node);
    return [needs[0] ? at.div(at.mul(g, a), y) : null, needs[1] ? at.div(at.mul(g, b), y) : null];
  });
}

export function atan2(a: Tensor, b: Tensor): Tensor {
  needTensors('atan2', a, b);
  // atan2_backward: recip = (self*self + other*other).reciprocal(); grad*other*recip, grad*-self*recip
  // float32: SLEEF's atan2f_u1 in PyTorch's vector lanes, glibc's atan2f in its scalar tail
  return recordNode(mapLanes(a, b, Math.atan2, sleefAtan2f, glibcAtan2f), 'Atan2Backward0', [a, b], [a, b], (g, needs) => {
    const recip = at.reciprocal(at.add(at.mul(a, a), at.mul(b, b)));
    return [needs[0] ? at.mul(at.mul(g, b), recip) : null, needs[1] ? at.mul(at.mul(g, at.neg(a)), recip) : null];
  });
}

const fr = Math.fround;
// m + log1p(exp(-|a - b|)), a itself where a == b is infinite (PyTorch's vectorised kernel)
const logaddexpValue: Fn2 = (a, b) => (a === b && Math.abs(a) === Infinity ? a : maxValue(a, b) + log1pd(expd(-Math.abs(a - b))));
const logaddexpValue32: Fn2 = (a, b) => (a === b && Math.abs(a) === Infinity ? a : fr(maxValue(a, b) + log1pf(expf(-fr(Math.abs(a - b))))));

export function logaddexp(a: Tensor, b: Tensor): Tensor {
  needTensors('logaddexp', a, b);
  // self: grad / (1 + exp(other - self)), other: grad / (1 + exp(self - other))
  return recordNode(map(a, b, logaddexpValue, logaddexpValue32), 'LogaddexpBackward0', [a, b], [a, b], (g, needs) => [
    needs[0] ? at.div(g, at.addScalar(at.exp(at.sub(b, a)), 1)) : null,
    needs[1] ? at.div(g, at.addScalar(at.exp(at.sub(a, b)), 1)) : null,
  ]);
}

/**
 * PyTorch's lerp as its vectorized kernel computes it (measured against 1.13, float32 and float64, tensor
 * and number weights): one fused multiply-add, fma(w, end - self, self) for w < 0.5, else
 * fma(w - 1, end - self, end).
 */
// NOTE: the test is w < 0.5, not |w| < 0.5 as Lerp.h's scalar comment suggests: a weight below -0.5 takes the first form
const lerpValue = (s: number, e: number, w: number): number => (w < 0.5 ? fma(w, e - s, s) : fma(w - 1, e - s, e));
const lerpValue32 = (s: number, e: number, w: number): number => (w < 0.5 ? fmaf(w, fr(e - s), s) : fmaf(fr(w - 1), fr(e - s), e));

export function lerp(start: Tensor, end: Tensor, weight: TensorOrNumber): Tensor {
  if (!(end instanceof Tensor)) throw new ArgumentTypeError(`lerp(): argument 'end' (position 2) must be Tensor, not ${typeName(end)}`);
  checkLerpDtype(start, end, 'end');
  if (typeof weight === 'number') {
    const w = castScalar(weight, promoteTypes(start, end));
    const out = map(start, end, (s, e) => lerpValue(s, e, w), (s, e) => lerpValue32(s, e, w));
    // self: grad * (1 - weight.toDouble()), end: grad * weight
    return recordNode(out, 'LerpBackward0', [start, end], [], (g, needs) => [
      needs[0] ? at.mulScalar(g, 1 - weight) : null,
      needs[1] ? at.mulScalar(g, weight) : null,
    ]);
  }
  const se = map(start, end, (s) => s);
  const shape = broadcastShapes(se._shape, weight._shape);
  checkLerpDtype(start, weight, 'weight');
  const dtype = start._dtype;
  const out = allocStorage(dtype, numel(shape));
  const S = expandedValues(start, shape, dtype);
  const E = expandedValues(end, shape, dtype);
  const W = expandedValues(weight, shape, dtype);
  const f = dtype === 'float32' ? lerpValue32 : lerpValue;
  for (let i = 0; i < out.length; i++) out[i] = f(S[i], E[i], W[i]);
  // self: grad * (1 - weight), end: grad * weight, weight: grad * (end - self)
  return recordNode(new Tensor(out, shape), 'LerpBackward1', [start, end, weight], [start, end, weight], (g, needs) => [
    needs[0] ? at.mul(g, at.sub(at.full(weight._shape, 1, weight._dtype), weight)) : null,
    needs[1] ? at.mul(g, weight) : null,
    needs[2] ? at.mul(g, at.sub(end, start)) : null,
  ]);
}

function checkLerpDtype(start: Tensor, other: Tensor, what: string): void {
  const c = (t: Tensor): string => (t._dtype === 'float64' ? 'double' : t._dtype === 'float32' ? 'float' : t._dtype);
  if (other._dtype !== start._dtype) throw new RuntimeError(`expected dtype ${c(start)} for \`${what}\` but got dtype ${c(other)}`);
}

/** t's values broadcast to `shape`, in `dtype`. */
export function expandedValues(t: Tensor, shape: Shape, dtype: DType): Storage {
  const out = allocStorage(dtype, numel(shape));
  walk2(shape, t._shape, t._shape, out.length, (i, ia) => {
    out[i] = t._data[ia];
  });
  return out;
}

export interface RoundOptions {
  decimals?: number;
}

/** C's nearbyint: halves to even. */
export function nearbyint(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r === 0 && x < 0 ? -0 : r;
}

/** round(x) (RoundBackward0) or round(x, decimals) (RoundBackward1), halves to even; a zero gradient. */
export function round(x: Tensor, options: RoundOptions = {}): Tensor {
  const d = options.decimals;
  const X = x._data;
  const out = allocStorage(x._dtype, X.length);
  if (d === undefined) {
    for (let i = 0; i < out.length; i++) out[i] = nearbyint(X[i]);
    return recordNode(new Tensor(out, x._shape), 'RoundBackward0', [x], [], (g) => [at.zerosLike(g)], false);
  }
  // round_decimals_kernel: nearbyint(x·10^d) / 10^d, or nearbyint(x / 10^-d) · 10^-d for d < 0
  const f32 = x._dtype === 'float32';
  const r = (v: number): number => (f32 ? fr(v) : v);
  const ten = r(10 ** Math.abs(d));
  for (let i = 0; i < out.length; i++) out[i] = d < 0 ? nearbyint(r(X[i] / ten)) * ten : nearbyint(r(X[i] * ten)) / ten;
  return recordNode(new Tensor(out, x._shape), 'RoundBackward1', [x], [], (g) => [at.zerosLike(g)], false);
}

export function round_(x: Tensor, options: RoundOptions = {}): Tensor {
  return applyInplace(x, null, (a) => round(a, options));
}

/** The in-place form `self.op_(other)` of a binary op. */
export function inplace2<A extends unknown[]>(op: (a: Tensor, ...rest: A) => Tensor): (self: Tensor, ...rest: A) => Tensor {
  return (self, ...rest) => applyInplace(self, (rest.find((r) => r instanceof Tensor) as Tensor | undefined) ?? null, (a) => op(a, ...rest));
}
