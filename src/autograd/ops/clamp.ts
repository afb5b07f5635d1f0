// clamp/clip with number bounds (ClampBackward1) or tensor bounds (ClampBackward0), clamp_min and
// clamp_max. Gradients are derivatives.yaml's clamp_backward / clamp_backward_min_max: the subgradient 1
// at a bound, 0 where the input is NaN.

import { ArgumentTypeError, RuntimeError } from '../../errors.js';
import { allocStorage, castScalar } from '../../tensor/dtype.js';
import { broadcastShapes, numel, sameShape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { walk2 } from '../../tensor/kernels.js';
import { at, maskOf, type Mask } from './at.js';
import { promoteTypes, resultType } from './elementwise.js';
import { applyInplace } from './inplace.js';
import { mask2, recordNode, typeName, zeroOf } from './pointwise.js';

export type Bound = Tensor | number | null | undefined;
export interface ClampOptions {
  min?: Tensor | number | null;
  max?: Tensor | number | null;
}
/** `x.clamp(min)`, `x.clamp(min, max)`, `x.clamp(null, max)` or `x.clamp({ min, max })`. */
export type ClampArgs = [] | [Bound] | [Bound, Bound] | [ClampOptions];

function bounds(args: ClampArgs): [Bound, Bound] {
  const [first, second] = args as [unknown, unknown];
  if (first !== null && typeof first === 'object' && !(first instanceof Tensor)) {
    const o = first as ClampOptions;
    return [o.min, o.max];
  }
  return [first as Bound, second as Bound];
}

const given = (b: Bound): boolean => b !== null && b !== undefined;

export function clamp(x: Tensor, ...args: ClampArgs): Tensor {
  const [lo, hi] = bounds(args);
  if (!given(lo) && !given(hi)) throw new RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None");
  const tensors = lo instanceof Tensor || hi instanceof Tensor;
  if (tensors && ((given(lo) && !(lo instanceof Tensor)) || (given(hi) && !(hi instanceof Tensor)))) {
    throw new ArgumentTypeError(`clamp() received an invalid combination of arguments - got (${typeName(lo)}, ${hi instanceof Tensor ? 'Tensor' : typeName(hi)})`);
  }
  if (tensors) return clampTensor(x, given(lo) ? (lo as Tensor) : null, given(hi) ? (hi as Tensor) : null);
  return clampScalar(x, given(lo) ? (lo as number) : null, given(hi) ? (hi as number) : null, 'ClampBackward1');
}

/** std::min(std::max(a, lo), hi): NaN stays NaN; with both bounds, a NaN bound makes every element NaN. */
function clampScalar(x: Tensor, lo: number | null, hi: number | null, name: string): Tensor {
  const X = x._data;
  const out = allocStorage(x._dtype, X.length);
  const l = lo === null ? null : castScalar(lo, x._dtype);
  const h = hi === null ? null : castScalar(hi, x._dtype);
  if (l !== null && h !== null && (l !== l || h !== h)) out.fill(NaN);
  else {
    for (let i = 0; i < out.length; i++) {
      let v = X[i];
      if (l !== null && v < l) v = l;
      if (h !== null && h < v) v = h;
      out[i] = v;
    }
  }
  // clamp_backward: where((self >= min) & (self <= max), grad, 0)
  return recordNode(new Tensor(out, x._shape), name, [x], [x], (g) => {
    const inside = maskOf(x, (v) => (l === null || v >= l) && (h === null || v <= h));
    return [at.where(inside, g, zeroOf(g._dtype))];
  }, false);
}

const isNaN2 = (a: number, b: number): boolean => a !== a || b !== b;

/** clamp with tensor bounds: NaN where any operand is NaN, else min(max(a, lo), hi). */
function clampTensor(x: Tensor, lo: Tensor | null, hi: Tensor | null): Tensor {
  const inputs = [x, lo, hi].filter((t): t is Tensor => t !== null);
  let shape = x._shape.slice();
  for (const t of inputs) shape = sameShape(shape, t._shape) ? shape : broadcastShapes(shape, t._shape);
  const dtype = resultType(inputs);
  const out = allocStorage(dtype, numel(shape));
  const X = broadcastValues(x, shape);
  const L = lo === null ? null : broadcastValues(lo, shape);
  const H = hi === null ? null : broadcastValues(hi, shape);
  for (let i = 0; i < out.length; i++) {
    let v = X[i];
    if (L !== null) v = isNaN2(v, L[i]) ? NaN : v < L[i] ? L[i] : v;
    if (H !== null) v = isNaN2(v, H[i]) ? NaN : H[i] < v ? H[i] : v;
    out[i] = v;
  }
  const result = new Tensor(out, shape);
  return recordNode(result, 'ClampBackward0', [x, ...(lo === null ? [] : [lo]), ...(hi === null ? [] : [hi])], inputs, (g, needs) => {
    const zero = zeroOf(g._dtype);
    const ge = lo === null ? null : mask2(x, lo, (a, b) => a >= b);
    const le = hi === null ? null : mask2(x, hi, (a, b) => a <= b);
    const inside = ge !== null && le !== null ? andBroadcast(ge, le) : (ge ?? le) as Mask;
    const res: Array<Tensor | null> = [needs[0] ? at.where(inside, g, zero) : null];
    let k = 1;
    if (lo !== null) {
      // clamp_backward_min_max: min gets grad where self < min (and min < max); max where self > max (or max < min)
      const below = mask2(x, lo, (a, b) => a < b);
      const m = hi === null ? below : andBroadcast(below, mask2(lo, hi, (a, b) => a < b));
      res.push(needs[k] ? at.where(m, g, zero) : null);
      k++;
    }
    if (hi !== null) {
      const above = mask2(x, hi, (a, b) => a > b);
      const m = lo === null ? above : orBroadcast(above, mask2(hi, lo, (a, b) => a < b));
      res.push(needs[k] ? at.where(m, g, zero) : null);
    }
    return res;
  });
}

function broadcastValues(t: Tensor, shape: readonly number[]): Float64Array {
  return Float64Array.from(at.expand(t, shape)._data);
}

function andBroadcast(a: Mask, b: Mask): Mask {
  return combine(a, b, (p, q) => p & q);
}

function orBroadcast(a: Mask, b: Mask): Mask {
  return combine(a, b, (p, q) => p | q);
}

function combine(a: Mask, b: Mask, f: (p: number, q: number) => number): Mask {
  const shape = sameShape(a.shape, b.shape) ? a.shape : broadcastShapes(a.shape, b.shape);
  const data = new Uint8Array(numel(shape));
  walk2(shape, a.shape, b.shape, data.length, (i, ia, ib) => {
    data[i] = f(a.data[ia], b.data[ib]);
  });
  return { data, shape };
}

export function clamp_min(x: Tensor, min: Tensor | number): Tensor {
  if (typeof min === 'number') {
    return clampScalar(x, min, null, 'ClampMinBackward0');
  }
  return boundTensor(x, min, true);
}

export function clamp_max(x: Tensor, max: Tensor | number): Tensor {
  if (typeof max === 'number') return clampScalar(x, null, max, 'ClampMaxBackward0');
  return boundTensor(x, max, false);
}

/** clamp_min.Tensor / clamp_max.Tensor: self gets grad where self >= min (<= max), the bound where it wins. */
function boundTensor(x: Tensor, b: Tensor, isMin: boolean): Tensor {
  const shape = sameShape(x._shape, b._shape) ? x._shape : broadcastShapes(x._shape, b._shape);
  const dtype = promoteTypes(x, b);
  const X = broadcastValues(x, shape);
  const B = broadcastValues(b, shape);
  const out = allocStorage(dtype, numel(shape));
  for (let i = 0; i < out.length; i++) {
    const v = X[i];
    out[i] = isNaN2(v, B[i]) ? NaN : isMin ? (v < B[i] ? B[i] : v) : B[i] < v ? B[i] : v;
  }
  const name = isMin ? 'ClampMinBackward1' : 'ClampMaxBackward1';
  return recordNode(new Tensor(out, shape), name, [x, b], [x, b], (g, needs) => {
    const zero = zeroOf(g._dtype);
    const keep = mask2(x, b, isMin ? (p, q) => p >= q : (p, q) => p <= q);
    const wins = mask2(x, b, isMin ? (p, q) => p < q : (p, q) => p > q);
    return [needs[0] ? at.where(keep, g, zero) : null, needs[1] ? at.where(wins, g, zero) : null];
  });
}

function otherTensor(args: unknown[]): Tensor | null {
  for (const a of args) {
    if (a instanceof Tensor) return a;
    if (a !== null && typeof a === 'object') {
      const o = a as ClampOptions;
      if (o.min instanceof Tensor) return o.min;
      if (o.max instanceof Tensor) return o.max;
    }
  }
  return null;
}

export function clamp_(x: Tensor, ...args: ClampArgs): Tensor {
  return applyInplace(x, otherTensor(args), (a) => clamp(a, ...args));
}

export function clamp_min_(x: Tensor, min: Tensor | number): Tensor {
  return applyInplace(x, min instanceof Tensor ? min : null, (a) => clamp_min(a, min));
}

export function clamp_max_(x: Tensor, max: Tensor | number): Tensor {
  return applyInplace(x, max instanceof Tensor ? max : null, (a) => clamp_max(a, max));
}
