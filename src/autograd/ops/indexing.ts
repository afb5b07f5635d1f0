// Python's x[...] and x[...] = v: `x.index(0, torch.slice(1, null, 2), null, '...')` and
// `x.setitem(0, torch.slice(), value)`, or the string shorthand `x.index(':, 1')`. PyTorch 1.13's
// applySlicing: ints select, slices slice, null (None) and booleans unsqueeze, '...' skips dims, and
// index tensors (int64, bool masks, plain arrays) are gathered afterwards by advanced indexing.

import { ArgumentTypeError, IndexError, RuntimeError, ValueError } from '../../errors.js';
import { allocStorage, castScalar, checkScalarFits, dtypeOf, scalarTypeName } from '../../tensor/dtype.js';
import { sameShape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { attach, shouldRecord } from '../../tensor/autograd/engine.js';
import { tensor as makeTensor } from '../../tensor/factories.js';
import type { NestedData } from '../../tensor/nested.js';
import { index, indexPutInplace } from './advanced_index.js';
import { applyInplace, copy_ } from './inplace.js';
import { expand } from './reorder.js';
import { unsqueeze, view } from './shape.js';
import { alias, select, slice as sliceDim } from './views.js';
import { at } from './at.js';

/** Python's slice(start, stop, step); null (or omitted) for a missing part. */
export class Slice {
  constructor(
    readonly start: number | null,
    readonly stop: number | null,
    readonly step: number | null,
  ) {}

  toString(): string {
    return `slice(${this.start ?? 'None'}, ${this.stop ?? 'None'}, ${this.step ?? 'None'})`;
  }
}

/** `torch.slice(stop)` or `torch.slice(start, stop, step)`, as Python's builtin slice. */
export function slice(...args: Array<number | bigint | null | undefined>): Slice {
  const n = (v: number | bigint | null | undefined): number | null => (v === undefined || v === null ? null : Number(v));
  if (args.length === 1) return new Slice(null, n(args[0]), null);
  return new Slice(n(args[0]), n(args[1]), n(args[2]));
}

/** One entry of an index: Python's int, slice, None, Ellipsis, bool, Tensor or list. */
export type IndexItem = number | bigint | boolean | null | '...' | Slice | Tensor | readonly NestedData[] | (string & {});

/** The string shorthand: Python's index expression between the brackets (`':, 1'`, `'..., ::2'`, `'None, 0'`). */
export function parseIndex(text: string): IndexItem[] {
  return text.split(',').map((part) => {
    const p = part.trim();
    if (p === '...') return '...';
    if (p === 'None') return null;
    if (p === 'True' || p === 'False') return p === 'True';
    if (p.includes(':')) {
      const bits = p.split(':').map((b) => b.trim());
      if (bits.length > 3) throw new ValueError(`invalid index '${p}'`);
      const num = (b: string | undefined): number | null => (b === undefined || b === '' ? null : intOf(b));
      return new Slice(num(bits[0]), num(bits[1]), num(bits[2]));
    }
    return intOf(p);
  });
}

function intOf(s: string): number {
  if (!/^[-+]?\d+$/.test(s)) throw new ValueError(`invalid index '${s}'`);
  return Number(s);
}

function items(args: readonly IndexItem[]): IndexItem[] {
  if (args.length === 1 && typeof args[0] === 'string' && args[0] !== '...') return parseIndex(args[0]);
  return args.slice();
}

/** A plain array as an index tensor: int64, or bool when it holds booleans (Python's sequenceToVariable). */
function arrayIndex(a: readonly NestedData[]): Tensor {
  const flat = (a as unknown[]).flat(Infinity);
  if (flat.length > 0 && flat.every((v) => typeof v === 'boolean')) return makeTensor(a as NestedData, { dtype: 'bool' });
  return makeTensor(a as NestedData, { dtype: 'int64' });
}

/** count_specified_dimensions: what the dims the index names add up to. */
function specifiedDims(list: readonly IndexItem[]): number {
  let n = 0;
  for (const it of list) {
    if (it instanceof Tensor) n += it._dtype === 'bool' || it._dtype === 'uint8' ? it.ndim : 1;
    else if (Array.isArray(it)) n += 1;
    else if (typeof it === 'number' || typeof it === 'bigint' || it instanceof Slice) n += 1;
  }
  return n;
}

/** applySelect: Python's bounds message, naming the index's position. */
function applySelect(x: Tensor, dim: number, i: number, realDim: number): Tensor {
  if (i === 0 && dim === 0 && x.ndim === 0) {
    throw new IndexError('invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a number');
  }
  const size = x._shape[dim];
  if (!(i >= -size && i < size)) throw new IndexError(`index ${i} is out of bounds for dimension ${realDim} with size ${size}`);
  return select(x, dim, i < 0 ? i + size : i);
}

function applySlice(x: Tensor, dim: number, s: Slice): Tensor {
  if (s.step === 0) throw new ValueError('slice step cannot be zero');
  const step = s.step ?? 1;
  if (step <= 0) throw new ValueError('step must be greater than zero');
  return sliceDim(x, dim, s.start, s.stop, step);
}

function boolIndex(value: boolean): Tensor {
  return new Tensor(value ? allocStorage('int64', 1) : allocStorage('int64', 0), [value ? 1 : 0]);
}

/** applySlicing: the basic steps as views, and the index tensors left for advanced indexing. */
function applySlicing(x: Tensor, list: readonly IndexItem[], tensors: Array<Tensor | null>): Tensor {
  const specified = specifiedDims(list);
  if (specified > x.ndim) throw new IndexError(`too many indices for tensor of dimension ${x.ndim}`);
  let result = x;
  let dim = 0;
  const record = (t: Tensor): void => {
    while (tensors.length < dim) tensors.push(null);
    tensors[dim] = t;
    dim++;
  };
  list.forEach((it, i) => {
    if (typeof it === 'number' || typeof it === 'bigint') {
      result = applySelect(result, dim, Number(it), i);
    } else if (it instanceof Slice) {
      // PyTorch skips a slice of the whole dim spelled start 0, stop the size, step 1 (x[:3] of 3 rows, not x[:])
      const whole = (it.start ?? 0) === 0 && it.stop === result._shape[dim] && (it.step ?? 1) === 1;
      if (!whole) result = applySlice(result, dim, it);
      dim++;
    } else if (it === '...') {
      dim += x.ndim - specified;
    } else if (it === null) {
      result = unsqueeze(result, dim);
      dim++;
    } else if (typeof it === 'boolean') {
      result = unsqueeze(result, dim);
      record(boolIndex(it));
    } else if (it instanceof Tensor) {
      if (it.ndim === 0 && it._dtype !== 'bool' && it._dtype !== 'uint8' && it._dtype !== 'float32' && it._dtype !== 'float64') {
        result = applySelect(result, dim, it.item(), i);
      } else if (it.ndim === 0 && (it._dtype === 'bool' || it._dtype === 'uint8')) {
        result = unsqueeze(result, dim);
        record(boolIndex(it.item() !== 0));
      } else {
        record(it);
      }
    } else if (Array.isArray(it)) {
      record(arrayIndex(it));
    } else {
      throw new IndexError('only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices');
    }
  });
  return result;
}

/** `x[...]`: `x.index(0, torch.slice(1, null, 2), null, '...', mask)` or `x.index('0, 1::2')`. */
export function getitem(x: Tensor, ...args: IndexItem[]): Tensor {
  const list = items(args);
  if (list.length === 1) {
    const it = list[0];
    if (typeof it === 'number' || typeof it === 'bigint') return applySelect(x, 0, Number(it), 0);
    if (it instanceof Slice) return applySlice(x, 0, it);
    if (it === null) return unsqueeze(x, 0);
    if (it === '...') return alias(x);
    if (typeof it === 'boolean') return index(unsqueeze(x, 0), [boolIndex(it)]);
  }
  const tensors: Array<Tensor | null> = [];
  const sliced = applySlicing(x, list, tensors);
  if (tensors.length === 0) return sliced === x ? alias(x) : sliced;
  return index(sliced, tensors);
}

/** Python's valueToTensor: a number as a 0-d tensor of x's dtype (a list is PyTorch 1.13's TypeError). */
function valueTensor(x: Tensor, value: SetValue): Tensor {
  if (value instanceof Tensor) return value;
  if (Array.isArray(value)) throw new ArgumentTypeError(`can't assign a list to a torch.${scalarTypeName(x._dtype)}Tensor`);
  const v = Number(value);
  checkScalarFits(v, x._dtype, true);
  const s = allocStorage(x._dtype, 1);
  s[0] = castScalar(v, x._dtype);
  return new Tensor(s, []);
}

/** slicePrefix1sSize: the value's sizes without their leading 1s. */
function stripLeadingOnes(shape: readonly number[]): number[] {
  let i = 0;
  while (i < shape.length && shape[i] === 1) i++;
  return shape.slice(i);
}

/** `x.fill_(value)` with a 0-d tensor: FillBackward3 (the value's gradient is the sum). */
export function fillTensor_(x: Tensor, value: Tensor): Tensor {
  if (value.ndim !== 0) throw new RuntimeError(`fill_ only supports 0-dimension value tensor but got tensor with ${value.ndim} dimensions.`);
  return applyInplace(x, value, (a, b) => {
    const v = b as Tensor;
    const out = allocStorage(a._dtype, a.numel());
    out.fill(castScalar(v._data[0], a._dtype));
    const result = new Tensor(out, a._shape);
    if (!shouldRecord(a, v)) return result;
    return attach(result, 'FillBackward3', [a, v], (g, needs) => {
      let s = 0;
      for (let i = 0; i < g.length; i++) s += g[i];
      const gv = allocStorage(dtypeOf(g), 1);
      gv[0] = s;
      return [needs[0] ? allocStorage(dtypeOf(g), g.length) : null, needs[1] ? gv : null];
    }, [], null, (g, needs) => [needs[0] ? at.zerosLike(g) : null, needs[1] ? at.sum(g, null, false) : null]);
  }, { overlap: 'none', internal: false });
}

/** copy_to: copy_ of the same shape, fill_ from a 0-d value, else the value (leading 1s off) expanded. */
function copyTo(dst: Tensor, src: Tensor): void {
  if (sameShape(dst._shape, src._shape)) {
    copy_(dst, src);
    return;
  }
  if (src.ndim === 0) {
    fillTensor_(dst, src);
    return;
  }
  copy_(dst, expand(view(src, stripLeadingOnes(src._shape)), dst._shape));
}

/** What `x[...] = value` takes: a tensor or a number (bigint, boolean); a list is refused, as in PyTorch 1.13. */
export type SetValue = Tensor | number | bigint | boolean | readonly NestedData[];

/** `x[...] = value`: `x.setitem(...index, value)`, e.g. `x.setitem(torch.slice(), 1, 0)` for `x[:, 1] = 0`. */
export function setitem(x: Tensor, ...args: [...IndexItem[], SetValue]): Tensor {
  if (args.length < 2) throw new RuntimeError('setitem(...index, value): an index and a value');
  const value = valueTensor(x, args[args.length - 1] as SetValue);
  const list = items(args.slice(0, -1) as IndexItem[]);
  if (list.length === 1) {
    const it = list[0];
    if (it === false) return x;
    if (it === '...') return done(x, () => copyTo(x, value));
    if (it === null || it === true) return done(x, () => copyTo(unsqueeze(x, 0), value));
    if (typeof it === 'number' || typeof it === 'bigint') return done(x, () => copyTo(applySelect(x, 0, Number(it), 0), value));
    if (it instanceof Slice) {
      // the same skip of a whole-dim slice as applySlicing's (x[:3] = v of 3 rows writes x itself)
      const whole = x.ndim > 0 && (it.start ?? 0) === 0 && it.stop === x._shape[0] && (it.step ?? 1) === 1;
      return done(x, () => copyTo(whole ? x : applySlice(x, 0, it), value));
    }
  }
  const tensors: Array<Tensor | null> = [];
  const sliced = applySlicing(x, list, tensors);
  if (tensors.length === 0) return done(x, () => copyTo(sliced, value));
  const stripped = stripLeadingOnes(value._shape);
  const values = sameShape(stripped, value._shape) ? value : view(value, stripped);
  indexPutInplace(sliced, tensors, values, false);
  return x;
}

function done(x: Tensor, fn: () => void): Tensor {
  fn();
  return x;
}
