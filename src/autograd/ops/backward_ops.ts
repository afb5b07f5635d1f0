// Ops that only derivative formulas call (create_graph): PyTorch's Scalar overloads (MulBackward1 ...),
// its *_backward kernels (TanhBackwardBackward0 ...), sgn, where and the masked ops. Each is a
// forward kernel plus its own formula over tensors, so gradients of gradients of gradients work; the
// engine runs that formula without recording when no graph is wanted.

import { RuntimeError } from '../../errors.js';
import { allocStorage, castScalar, type DType, type Storage } from '../../tensor/dtype.js';
import { broadcastIndex as broadcastIndexOrNull, broadcastShapes, numel, sameShape, type Shape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { attach, holdsSaved } from '../../tensor/autograd/engine.js';
import { is_grad_enabled } from '../../tensor/autograd/grad_mode.js';
import type { Node } from '../../tensor/autograd/node.js';
import { at, type Mask } from './at.js';
import { promoteTypes } from './elementwise.js';
import { float32Algebra, numberAlgebra } from './unary.js';

type Formula = (grad: Tensor, needs: readonly boolean[], node: Node) => ReadonlyArray<Tensor | null>;

/** Record `out` as node `name` over `inputs` when grad mode is on and one of them requires grad. */
function record(out: Tensor, name: string, inputs: readonly Tensor[], saved: readonly Tensor[], formula: Formula, broadcast = false): Tensor {
  if (!is_grad_enabled() || !inputs.some((t) => t.requires_grad)) return out;
  return attach(out, name, inputs, null, saved, broadcast ? inputs.map(() => out._shape) : null, formula);
}

/** Flat positions in a tensor of shape `of` for each element of the broadcast shape `shape` (0, 1, ... when they are the same). */
export function broadcastIndex(shape: Shape, of: Shape): Int32Array {
  const idx = broadcastIndexOrNull(shape, of);
  if (idx !== null) return idx;
  const iota = new Int32Array(numel(shape));
  for (let i = 0; i < iota.length; i++) iota[i] = i;
  return iota;
}

function mapScalar(a: Tensor, f: (x: number) => number): Tensor {
  const A = a._data;
  const out = allocStorage(a._dtype, A.length);
  for (let i = 0; i < out.length; i++) out[i] = f(A[i]);
  return new Tensor(out, a._shape);
}

/**
 * What mul.Scalar's and div.Scalar's formulas multiply by: at::scalar_to_tensor(other), a 0-d int64 or
 * float64 tensor (not a wrapped number), so a 0-d float32 gradient times a floating scalar is float64.
 */
function scalarOperand(s: number, integral: boolean, like: Tensor): Tensor {
  return full([], s, integral ? like._dtype : 'float64');
}

export function mulScalar(a: Tensor, s: number, integral = false): Tensor {
  const c = castScalar(s, a._dtype);
  return record(mapScalar(a, (x) => x * c), 'MulBackward1', [a], [], (g) => [at.mul(g, scalarOperand(s, integral, g))]);
}

export function divScalar(a: Tensor, s: number, integral = false): Tensor {
  const c = castScalar(s, a._dtype);
  return record(mapScalar(a, (x) => x / c), 'DivBackward1', [a], [], (g) => [at.div(g, scalarOperand(s, integral, g))]);
}

export function addScalar(a: Tensor, s: number): Tensor {
  const c = castScalar(s, a._dtype);
  return record(mapScalar(a, (x) => x + c), 'AddBackward1', [a], [], (g) => [g]);
}

export function subScalar(a: Tensor, s: number): Tensor {
  const c = castScalar(s, a._dtype);
  return record(mapScalar(a, (x) => x - c), 'SubBackward1', [a], [], (g) => [g]);
}

/** sgn(x) for real x: sign, 0 at ±0 and NaN; its derivative is zero. */
export function sgn(a: Tensor): Tensor {
  const out = mapScalar(a, (x) => (x > 0 ? 1 : x < 0 ? -1 : 0));
  return record(out, 'SgnBackward0', [a], [], (g) => [at.zerosLike(g)]);
}

/** out[i] = f(a[i], b[i]) for two tensors of one shape, in their promoted dtype. */
function zip(a: Tensor, b: Tensor, f: (x: number, y: number) => number): Tensor {
  const dtype = promoteTypes(a, b);
  const shape = sameShape(a._shape, b._shape) ? a._shape : broadcastShapes(a._shape, b._shape);
  const ia = broadcastIndex(shape, a._shape);
  const ib = broadcastIndex(shape, b._shape);
  const out = allocStorage(dtype, numel(shape));
  for (let i = 0; i < out.length; i++) out[i] = f(a._data[ia[i]], b._data[ib[i]]);
  return new Tensor(out, shape);
}

const algebraOf = (dtype: DType): typeof numberAlgebra => (dtype === 'float32' ? float32Algebra : numberAlgebra);

/** PyTorch's tanh_backward kernel, g·(1 - y·y); its own derivative is derivatives.yaml's. */
export function tanhBackward(g: Tensor, y: Tensor): Tensor {
  const k = algebraOf(promoteTypes(g, y));
  const out = zip(g, y, (a, b) => k.tanhBackward(a, b));
  return record(out, 'TanhBackwardBackward0', [g, y], [g, y], (gg, needs) => [
    needs[0] ? at.tanhBackward(gg, y) : null,
    needs[1] ? at.mul(gg, at.mul(at.mulScalar(y, -2, true), g)) : null,
  ], true);
}

/** PyTorch's sigmoid_backward kernel, g·(1 - y)·y. */
export function sigmoidBackward(g: Tensor, y: Tensor): Tensor {
  const k = algebraOf(promoteTypes(g, y));
  const out = zip(g, y, (a, b) => k.sigmoidBackward(a, b));
  return record(out, 'SigmoidBackwardBackward0', [g, y], [g, y], (gg, needs) => [
    needs[0] ? at.sigmoidBackward(gg, y) : null,
    needs[1] ? at.mul(at.mul(gg, g), at.addScalar(at.mulScalar(y, -2, true), 1)) : null,
  ], true);
}

/** PyTorch's threshold_backward: g where x > threshold, else 0 (NaN x keeps g). */
export function thresholdBackward(g: Tensor, x: Tensor, threshold: number): Tensor {
  const out = zip(g, x, (a, b) => (b <= threshold ? 0 : a));
  return record(out, 'ThresholdBackwardBackward0', [g, x], [x], (gg, needs) => [
    needs[0] ? at.thresholdBackward(gg, x, threshold) : null,
    needs[1] ? at.zerosLike(x) : null,
  ], true);
}

function constantScalar(value: number, dtype: DType): Tensor {
  const s = allocStorage(dtype, 1);
  s[0] = value;
  return new Tensor(s, []);
}

/** where(cond, a, b), all three broadcast together. */
export function where(cond: Mask, a: Tensor, b: Tensor): Tensor {
  const dtype = promoteTypes(a, b);
  const shape = broadcastShapes(broadcastShapes(cond.shape, a._shape), b._shape);
  const ic = broadcastIndex(shape, cond.shape);
  const ia = broadcastIndex(shape, a._shape);
  const ib = broadcastIndex(shape, b._shape);
  const out = allocStorage(dtype, numel(shape));
  for (let i = 0; i < out.length; i++) out[i] = cond.data[ic[i]] !== 0 ? a._data[ia[i]] : b._data[ib[i]];
  const zero = constantScalar(0, dtype);
  return holdsSaved(record(new Tensor(out, shape), 'WhereBackward0', [a, b], [], (g, needs) => {
    const gb = needs[1] ? at.where(cond, zero, g) : null; // 'other' before 'self'
    return [needs[0] ? at.where(cond, g, zero) : null, gb];
  }, true));
}

/** A copy of x with `value(i)` where the mask (broadcast to x's shape) is set. */
function filled(x: Tensor, mask: Mask, value: number): Storage {
  const out = x._data.slice();
  const im = broadcastIndex(x._shape, mask.shape);
  const v = castScalar(value, x._dtype);
  for (let i = 0; i < out.length; i++) if (mask.data[im[i]] !== 0) out[i] = v;
  return out;
}

export function maskedFill(x: Tensor, mask: Mask, value: number): Tensor {
  const out = new Tensor(filled(x, mask, value), x._shape);
  return holdsSaved(record(out, 'MaskedFillBackward0', [x], [], (g) => [at.maskedFill(g, mask, 0)]));
}

export function maskedFillTensor(x: Tensor, mask: Mask, value: Tensor): Tensor {
  const out = new Tensor(filled(x, mask, value._data[0]), x._shape);
  return holdsSaved(record(out, 'MaskedFillBackward1', [x, value], [], (g, needs) => [
    needs[0] ? at.maskedFill(g, mask, 0) : null,
    needs[1] ? at.sum(at.maskedSelect(g, mask), null, false) : null,
  ]));
}

export function maskedSelect(x: Tensor, mask: Mask): Tensor {
  const shape = broadcastShapes(x._shape, mask.shape);
  const ix = broadcastIndex(shape, x._shape);
  const im = broadcastIndex(shape, mask.shape);
  const picked: number[] = [];
  for (let i = 0; i < ix.length; i++) if (mask.data[im[i]] !== 0) picked.push(x._data[ix[i]]);
  const out = allocStorage(x._dtype, picked.length);
  out.set(picked);
  // masked_select_backward: zeros of the broadcast shape, masked_scatter'ed with the gradient
  // (masked_select_backward takes self itself: it is saved, and an in-place change of it is an error)
  return holdsSaved(record(new Tensor(out, [picked.length]), 'MaskedSelectBackward0', [x], [x], (g) => [
    at.maskedScatter(at.full(shape, 0, g._dtype), mask, g),
  ]));
}

export function maskedScatter(x: Tensor, mask: Mask, source: Tensor): Tensor {
  const out = x._data.slice();
  const im = broadcastIndex(x._shape, mask.shape);
  let k = 0;
  for (let i = 0; i < out.length; i++) if (mask.data[im[i]] !== 0) out[i] = source._data[k++];
  const sourceShape = source._shape;
  return holdsSaved(record(new Tensor(out, x._shape), 'MaskedScatterBackward0', [x, source], [], (g, needs) => {
    const gx = needs[0] ? at.maskedFill(g, mask, 0) : null;
    let gs: Tensor | null = null;
    if (needs[1]) {
      const selected = at.maskedSelect(g, mask);
      // NOTE: PyTorch pads with zeros (cat) when the source has more elements than the mask selects
      if (selected.numel() !== numel(sourceShape)) throw new RuntimeError("the derivative for 'masked_scatter' with a larger source is not implemented.");
      gs = at.view(selected, sourceShape);
    }
    return [gx, gs];
  }));
}

export function full(shape: Shape, value: number, dtype: DType): Tensor {
  const out = allocStorage(dtype, numel(shape));
  out.fill(castScalar(value, dtype));
  return new Tensor(out, shape);
}

export function zerosLike(a: Tensor): Tensor {
  return new Tensor(allocStorage(a._dtype, a.numel()), a._shape);
}

/** log σ(x) = min(x, 0) - log1p(exp(-|x|)): LogSigmoidBackward0 (binary_cross_entropy_with_logits' target gradient). */
export function logSigmoid(x: Tensor): Tensor {
  const out = mapScalar(x, (v) => Math.min(v, 0) - Math.log1p(Math.exp(-Math.abs(v))));
  return record(out, 'LogSigmoidBackward0', [x], [x], (g) => [at.logSigmoidBackward(g, x)]);
}

/** log_sigmoid_backward: g·σ(-x); its own derivative is log_sigmoid_double_backward's g·(σ(x) - 1)·σ(x). */
export function logSigmoidBackward(g: Tensor, x: Tensor): Tensor {
  const out = zip(g, x, (a, v) => a * (1 / (1 + Math.exp(v))));
  return record(out, 'LogSigmoidBackwardBackward0', [g, x], [g, x], (gg, needs) => {
    const gOut = needs[0] ? at.logSigmoidBackward(gg, x) : null;
    let gx: Tensor | null = null;
    if (needs[1]) {
      const z = at.sigmoid(x);
      gx = at.mul(at.mul(at.mul(gg, g), at.subScalar(z, 1)), z);
    }
    return [gOut, gx];
  }, true);
}
