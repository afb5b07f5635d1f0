// Tensor creation: tensor(), zeros/ones/full/eye/arange/linspace, *_like (the random factories: random.ts).

import { ArgumentTypeError, RuntimeError } from '../errors.js';
import { allocStorage, toDType, type DTypeArg, castScalar, checkScalarFits, convertStorage, dtypeOf, get_default_dtype, isFloating, type DType, type Storage } from './dtype.js';
import { numel } from './shape.js';
import { fma, fmaf } from '../math/sleef.js';
import { bigintValue, inferNestedDtype, inferShape, flatten, type NestedData } from './nested.js';
import { Tensor } from './tensor.js';
import { checkKeywords } from './keywords.js';

export interface TensorOptions {
  dtype?: DTypeArg;
  requires_grad?: boolean;
}

/** The keyword options of the creation functions (PyTorch's TypeError for any other). */
export const TENSOR_OPTION_KEYS: ReadonlySet<string> = new Set(['dtype', 'requires_grad']);
const LOGSPACE_KEYS: ReadonlySet<string> = new Set([...TENSOR_OPTION_KEYS, 'base']);

/** A size given PyTorch's ways: `zeros(2, 3)`, `zeros([2, 3])`, with options last. */
export type SizeArgs<O> = Array<number | readonly number[] | O>;

function splitSize<O extends object>(args: SizeArgs<O>): { shape: number[]; options: O } {
  let options = {} as O;
  const shape: number[] = [];
  for (const a of args) {
    if (typeof a === 'number') shape.push(a);
    else if (Array.isArray(a)) shape.push(...(a as readonly number[]));
    else options = a as O;
  }
  for (const s of shape) {
    if (!Number.isInteger(s) || s < 0) throw new RuntimeError(`Trying to create tensor with negative dimension ${s}: [${shape.join(', ')}]`);
  }
  return { shape, options };
}

function finish(data: Storage, shape: readonly number[], options: TensorOptions): Tensor {
  const t = new Tensor(data, shape);
  if (options.requires_grad === true) {
    if (!isFloating(t._dtype)) throw new RuntimeError('Only Tensors of floating point and complex dtype can require gradients');
    t.requires_grad = true;
  }
  return t;
}

function dtypeFrom(options: TensorOptions): DType {
  return options.dtype === undefined ? get_default_dtype() : toDType(options.dtype);
}

/** The typed arrays a tensor can be made from (numpy arrays' stand-ins; BigInt64Array holds int64). */
export type TypedArray = Float32Array | Float64Array | Int32Array | Int16Array | Int8Array | Uint8Array | BigInt64Array;

function isTypedArray(v: unknown): v is TypedArray {
  return ArrayBuffer.isView(v) && !(v instanceof DataView) && !(v instanceof BigUint64Array);
}

/** The dtype of a typed array's elements (BigInt64Array as int64). */
export function typedArrayDtype(value: ArrayBufferView): DType {
  if (value instanceof Float32Array) return 'float32';
  if (value instanceof Float64Array) return dtypeOf(value as Float64Array);
  if (value instanceof Int32Array) return 'int32';
  if (value instanceof Int16Array) return 'int16';
  if (value instanceof Int8Array) return 'int8';
  if (value instanceof Uint8Array) return dtypeOf(value as Uint8Array);
  if (value instanceof BigInt64Array) return 'int64';
  throw new ArgumentTypeError(`Could not infer dtype of ${value.constructor.name}`);
}

/** The values of a typed array as a storage of `dtype` (converted as `to` converts). */
function fromTypedArray(value: ArrayBufferView, dtype: DType): Storage {
  if (value instanceof BigInt64Array) {
    const s = allocStorage('int64', value.length);
    for (let i = 0; i < value.length; i++) s[i] = bigintValue(value[i]);
    return dtype === 'int64' ? s : convertStorage(s, dtype);
  }
  return convertStorage(value as Storage, dtype);
}

/**
 * `torch.tensor(value, {dtype, requires_grad})` from a number, nested arrays (of numbers or one-element
 * tensors, as `torch.tensor([t1, t2])`) or a typed array (copied, keeping its dtype, as from a numpy array).
 * JavaScript cannot tell Python's `1` from `1.`: numbers are floats (the default dtype), bigints
 * (`100n`) are ints (int64) and booleans are bools, as Python's literals are.
 */
export function tensor(value: NestedData | TypedArray | Tensor, options: TensorOptions = {}): Tensor {
  checkKeywords('tensor', [options], TENSOR_OPTION_KEYS);
  if (value instanceof Tensor) {
    const dtype = dtypeFrom({ dtype: options.dtype ?? value.dtype });
    return finish(convertStorage(value._data, dtype), value._shape, options);
  }
  if (isTypedArray(value)) {
    const dtype = dtypeFrom({ dtype: options.dtype ?? typedArrayDtype(value) });
    return finish(fromTypedArray(value, dtype), [value.length], options);
  }
  const inferred = inferNestedDtype(value, get_default_dtype());
  const dtype = dtypeFrom({ dtype: options.dtype ?? inferred });
  const shape = inferShape(value);
  // read in float64 (or int64), then converted as `to` converts: tensor([1.7], {dtype: torch.int64}) is 1
  const raw = allocStorage(isFloating(inferred) ? 'float64' : 'int64', numel(shape));
  flatten(value, shape, raw);
  for (let i = 0; i < raw.length; i++) checkScalarFits(raw[i], dtype, false);
  return finish(dtype === dtypeOf(raw) ? raw : convertStorage(raw, dtype), shape, options);
}

/** A tensor over an existing typed array, sharing it (`torch.from_numpy`); a BigInt64Array is copied into int64. */
export function from_numpy(data: TypedArray, shape: readonly number[] = [data.length]): Tensor {
  return new Tensor(storageOf(data, typedArrayDtype(data)), shape);
}

/** The typed array itself when it is the storage of `dtype`, else a converted copy. */
function storageOf(data: TypedArray, dtype: DType): Storage {
  if (!(data instanceof BigInt64Array) && dtypeOf(data) === dtype) return data;
  return fromTypedArray(data, dtype);
}

/**
 * `torch.as_tensor(data, {dtype})` (registered with the ops, which give `convert`, their `to(dtype)`): a
 * tensor itself when its dtype already matches (else converted), a typed array shared when it can be, nested data copied.
 */
export function asTensor(data: Tensor | TypedArray | NestedData, options: { dtype?: DTypeArg }, convert: (t: Tensor, dtype: DType) => Tensor): Tensor {
  if (data instanceof Tensor) {
    if (options.dtype === undefined) return data;
    const dtype = toDType(options.dtype);
    return dtype === data._dtype ? data : convert(data, dtype);
  }
  if (isTypedArray(data)) return new Tensor(storageOf(data, dtypeFrom({ dtype: options.dtype ?? typedArrayDtype(data) })), [data.length]);
  return tensor(data, options);
}

/** `torch.full(size, value)`: a number fills the default float dtype, a bigint int64 (`full([2], 7n)`), a boolean bool. */
export function full(size: number | readonly number[], value: number | bigint | boolean, options: TensorOptions = {}): Tensor {
  checkKeywords('full', [options], TENSOR_OPTION_KEYS);
  const shape = typeof size === 'number' ? [size] : size.slice();
  const inferred: DType | undefined = typeof value === 'bigint' ? 'int64' : typeof value === 'boolean' ? 'bool' : undefined;
  const dtype = dtypeFrom({ dtype: options.dtype ?? inferred });
  const data = allocStorage(dtype, numel(shape));
  data.fill(castScalar(typeof value === 'bigint' ? bigintValue(value) : Number(value), dtype));
  return finish(data, shape, options);
}

export function zeros(...args: SizeArgs<TensorOptions>): Tensor {
  checkKeywords('zeros', args, TENSOR_OPTION_KEYS);
  const { shape, options } = splitSize(args);
  return full(shape, 0, options);
}

export function ones(...args: SizeArgs<TensorOptions>): Tensor {
  checkKeywords('ones', args, TENSOR_OPTION_KEYS);
  const { shape, options } = splitSize(args);
  return full(shape, 1, options);
}

export function empty(...args: SizeArgs<TensorOptions>): Tensor {
  checkKeywords('empty', args, TENSOR_OPTION_KEYS);
  return zeros(...args);
}

export function eye(n: number, m?: number | TensorOptions, options: TensorOptions = {}): Tensor {
  checkKeywords('eye', [m, options], TENSOR_OPTION_KEYS);
  const cols = typeof m === 'number' ? m : n;
  const opts = typeof m === 'object' ? m : options;
  const data = allocStorage(dtypeFrom(opts), n * cols);
  for (let i = 0; i < Math.min(n, cols); i++) data[i * cols + i] = 1;
  return finish(data, [n, cols], opts);
}

/** A number, or a one-element tensor standing for one (`torch.linspace(x.min(), x.max(), n)`). */
export type ScalarLike = number | bigint | Tensor;

/** Whether a scalar argument is a Python int: a bigint, or a one-element integer tensor. */
function isIntArg(v: ScalarLike | undefined): boolean {
  return typeof v === 'bigint' || (v instanceof Tensor && !isFloating(v._dtype));
}

const POSITIONS: Record<string, number> = { start: 1, end: 2, step: 3 };

/** A number as Python's argument parser sees it, or a 0-d tensor that does not require grad (its value). */
function numberOf(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return bigintValue(v);
  if (v instanceof Tensor && v.ndim === 0 && !v.requires_grad) return v.item();
  return undefined;
}

function pyType(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'bigint') return 'int';
  return v instanceof Tensor ? 'Tensor' : typeof v;
}

/** A number, or a 0-d tensor's value; PyTorch's TypeError (naming the argument's position) otherwise. */
function scalarOf(v: ScalarLike | undefined, fn: string, name: string, position = POSITIONS[name]): number | undefined {
  if (v === undefined) return v;
  const n = numberOf(v);
  if (n !== undefined) return n;
  throw new ArgumentTypeError(`${fn}(): argument '${name}' (position ${position}) must be Number, not ${pyType(v)}`);
}

const ARANGE_SIGNATURES =
  ' * (Number end, *, Tensor out, torch.dtype dtype, torch.layout layout, torch.device device, bool pin_memory, bool requires_grad)\n' +
  ' * (Number start, Number end, *, torch.dtype dtype, torch.layout layout, torch.device device, bool pin_memory, bool requires_grad)\n' +
  ' * (Number start, Number end, Number step, *, Tensor out, torch.dtype dtype, torch.layout layout, torch.device device, bool pin_memory, bool requires_grad)\n';

/** arange's ends: with one argument its 'end' error, with more Python's "invalid combination" error. */
function arangeArgs(args: ReadonlyArray<ScalarLike | undefined>): number[] {
  const given = args.filter((a) => a !== undefined);
  if (given.length === 1) return [scalarOf(given[0], 'arange', 'end', 1) as number];
  const nums = given.map(numberOf);
  if (nums.some((n) => n === undefined)) {
    throw new ArgumentTypeError(`arange() received an invalid combination of arguments - got (${given.map(pyType).join(', ')}), but expected one of:\n${ARANGE_SIGNATURES}`);
  }
  return nums as number[];
}

/**
 * `arange(end)` or `arange(start, end, step)` as PyTorch's CPU kernel computes it: in float64, with the
 * fused multiply-adds its compiler makes; blocks of 16 float32 (8 float64) values, each vector from a
 * base rounded to the dtype, then the remainder one by one.
 */
export function arange(start: ScalarLike, end?: ScalarLike, step?: ScalarLike, options: TensorOptions = {}): Tensor {
  checkKeywords('arange', [options], TENSOR_OPTION_KEYS);
  // all ints (bigints: `arange(5n)`) make int64, as Python ints do
  const ints = isIntArg(start) && (end === undefined || isIntArg(end)) && (step === undefined || isIntArg(step));
  const nums = arangeArgs(end === undefined ? [start] : [start, end, step]);
  const [lo, hi, d] = nums.length === 1 ? [0, nums[0], 1] : [nums[0], nums[1], nums[2] ?? 1];
  if (d === 0) throw new RuntimeError('step must be nonzero');
  if ((d > 0 && hi < lo) || (d < 0 && hi > lo)) throw new RuntimeError('upper bound and larger bound inconsistent with step sign');
  const n = Math.ceil((hi - lo) / d);
  const dtype = dtypeFrom({ dtype: options.dtype ?? (ints ? 'int64' : undefined) });
  const data = allocStorage(dtype, n);
  if (!isFloating(dtype)) {
    for (let i = 0; i < n; i++) data[i] = castScalar(lo + i * d, dtype);
    return finish(data, [n], options);
  }
  const lanes = dtype === 'float32' ? 8 : 4;
  const round = dtype === 'float32' ? Math.fround : (x: number): number => x;
  let i = 0;
  for (; i + 2 * lanes <= n; i += 2 * lanes) {
    for (let v = i; v < i + 2 * lanes; v += lanes) {
      const base = round(fma(d, v, lo));
      for (let k = 0; k < lanes; k++) data[v + k] = k === 0 ? base : fma(k, d, base);
    }
  }
  for (; i < n; i++) data[i] = fma(d, i, lo);
  return finish(data, [n], options);
}

/**
 * `linspace(start, end, steps)` as PyTorch's CPU kernel computes it, in the dtype's arithmetic with the
 * fused multiply-adds its compiler makes: the first half from `start + step·i`, the second from
 * `end - step·(steps - i - 1)`, step = (end - start) / (steps - 1), in blocks of two vectors of 8 float32 (4 float64)
 * lanes `base + k·step`, the last steps mod 16 (mod 8) one by one.
 */
export function linspace(start: ScalarLike, end: ScalarLike, steps: number, options: TensorOptions = {}): Tensor {
  checkKeywords('linspace', [options], TENSOR_OPTION_KEYS);
  if (!Number.isInteger(steps) || steps < 0) throw new RuntimeError('number of steps must be non-negative');
  const dtype = dtypeFrom(options);
  const f32 = dtype === 'float32';
  const r = f32 ? Math.fround : (x: number): number => x;
  const fm = f32 ? fmaf : fma;
  const a = r(scalarOf(start, 'linspace', 'start') as number);
  const b = r(scalarOf(end, 'linspace', 'end') as number);
  const data = allocStorage(dtype, steps);
  if (steps === 1) data[0] = a;
  if (steps <= 1) return finish(data, [steps], options);
  const step = r(r(b - a) / (steps - 1));
  const half = Math.floor(steps / 2);
  const lanes = f32 ? 8 : 4;
  let i = 0;
  for (; i + 2 * lanes <= steps; i += 2 * lanes) {
    for (let v = i; v < i + 2 * lanes; v += lanes) {
      const base = v < half ? fm(step, v, a) : fm(-step, steps - v - 1, b);
      // NOTE: the lanes of Vectorized::arange(base, step) are base + k·step rounded twice (a vector multiply
      // by {0, 1, ..., 7}, then an add), not fused as the base is
      for (let k = 0; k < lanes; k++) data[v + k] = k === 0 ? base : r(base + r(k * step));
    }
  }
  for (; i < steps; i++) data[i] = i < half ? fm(step, i, a) : fm(-step, steps - i - 1, b);
  return finish(data, [steps], options);
}

export interface LogspaceOptions extends TensorOptions {
  base?: number;
}

/**
 * `logspace(start, end, steps, {base})` as PyTorch's CPU kernel computes it: `pow(base, start + step·i)`
 * for the first half and `pow(base, end - step·(steps - i - 1))` for the second, in double, rounded to
 * the dtype (README: pow is V8's, which can differ from glibc's in the last bit).
 */
export function logspace(start: ScalarLike, end: ScalarLike, steps: number, options: LogspaceOptions = {}): Tensor {
  checkKeywords('logspace', [options], LOGSPACE_KEYS);
  if (!Number.isInteger(steps) || steps < 0) throw new RuntimeError('number of steps must be non-negative');
  const dtype = dtypeFrom(options);
  const r = dtype === 'float32' ? Math.fround : (x: number): number => x;
  const a = r(scalarOf(start, 'logspace', 'start') as number);
  const b = r(scalarOf(end, 'logspace', 'end') as number);
  const base = options.base ?? 10;
  const data = allocStorage(dtype, steps);
  if (steps === 1) data[0] = Math.pow(base, a);
  if (steps <= 1) return finish(data, [steps], options);
  const step = (b - a) / (steps - 1);
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) data[i] = i < half ? Math.pow(base, a + step * i) : Math.pow(base, b - step * (steps - i - 1));
  return finish(data, [steps], options);
}

export function empty_like(t: Tensor, options: TensorOptions = {}): Tensor {
  checkKeywords('empty_like', [options], TENSOR_OPTION_KEYS);
  return full(t._shape, 0, { dtype: t.dtype, ...options });
}

export function zeros_like(t: Tensor, options: TensorOptions = {}): Tensor {
  checkKeywords('zeros_like', [options], TENSOR_OPTION_KEYS);
  return full(t._shape, 0, { dtype: t.dtype, ...options });
}

export function ones_like(t: Tensor, options: TensorOptions = {}): Tensor {
  checkKeywords('ones_like', [options], TENSOR_OPTION_KEYS);
  return full(t._shape, 1, { dtype: t.dtype, ...options });
}

export function full_like(t: Tensor, value: number, options: TensorOptions = {}): Tensor {
  checkKeywords('full_like', [options], TENSOR_OPTION_KEYS);
  return full(t._shape, value, { dtype: t.dtype, ...options });
}
