// The dtypes and their typed-array storage.
//
// float32 and float64 are Float32Array and Float64Array; int32, int16, int8 and uint8 are the typed arrays
// of those widths (their stores wrap as C's do); bool is a Uint8Array holding 0 or 1 (BoolStorage) and
// int64 a Float64Array holding integers (LongStorage): exact up to 2^53 in magnitude (Number's safe
// integers), beyond which values round as float64 where PyTorch's would wrap at 2^63. The storage class
// is the dtype: a tensor's dtype is read off its storage, and views and copies keep it.

import { RuntimeError } from '../errors.js';

export type FloatDType = 'float32' | 'float64';
export type IntDType = 'int64' | 'int32' | 'int16' | 'int8' | 'uint8';
export type DType = FloatDType | IntDType | 'bool';

/** int64 storage: integers in float64 slots (exact to 2^53). */
export class LongStorage extends Float64Array {}
/** bool storage: 0 or 1 per element. */
export class BoolStorage extends Uint8Array {}

export type FloatStorage = Float32Array | Float64Array;
export type Storage = Float32Array | Float64Array | Int32Array | Int16Array | Int8Array | Uint8Array;

const ALL: readonly DType[] = ['float32', 'float64', 'int64', 'int32', 'int16', 'int8', 'uint8', 'bool'];

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * A dtype as Python sees it: `torch.float32` is one object (PyTorch's `torch.dtype`), printing as
 * `torch.float32`, compared by identity (`x.dtype === torch.float32`); `.name` is the library's string for it.
 */
export class TorchDType {
  readonly is_floating_point: boolean;
  readonly is_signed: boolean;
  readonly is_complex = false;

  private constructor(readonly name: DType) {
    this.is_floating_point = name === 'float32' || name === 'float64';
    this.is_signed = name !== 'uint8' && name !== 'bool';
  }

  /** The one object of each dtype. */
  static readonly all: Readonly<Record<DType, TorchDType>> = Object.freeze(Object.fromEntries(ALL.map((d) => [d, new TorchDType(d)])) as Record<DType, TorchDType>);

  toString(): string {
    return `torch.${this.name}`;
  }

  /** In JSON, the library's name of the dtype ('float32'). */
  toJSON(): string {
    return this.name;
  }

  [INSPECT](): string {
    return this.toString();
  }
}

/** What an API that takes a dtype accepts: a `torch.dtype` object, or the library's string for one ('float64'). */
export type DTypeArg = DType | TorchDType;

/** The `torch.dtype` object of a dtype. */
export function dtypeObject(dtype: DType): TorchDType {
  return TorchDType.all[dtype];
}

/** The library's string for a dtype argument (a `torch.dtype` object or a string), checked. */
export function toDType(dtype: unknown): DType {
  const d = dtype instanceof TorchDType ? dtype.name : dtype;
  checkDtype(d);
  return d;
}

/** PyTorch's spellings: `torch.float32` / `torch.float`, `torch.float64` / `torch.double`, `torch.int64` / `torch.long`, … */
export const float32 = TorchDType.all.float32;
export const float64 = TorchDType.all.float64;
export const float = TorchDType.all.float32;
export const double = TorchDType.all.float64;
export const int64 = TorchDType.all.int64;
export const long = TorchDType.all.int64;
export const int32 = TorchDType.all.int32;
export const int = TorchDType.all.int32;
export const int16 = TorchDType.all.int16;
export const short = TorchDType.all.int16;
export const int8 = TorchDType.all.int8;
export const uint8 = TorchDType.all.uint8;
export const bool = TorchDType.all.bool;

let defaultDtype: FloatDType = 'float32';

export function get_default_dtype(): FloatDType {
  return defaultDtype;
}

/** `torch.get_default_dtype()`: the default float dtype as a `torch.dtype`. */
export function defaultDtypeObject(): TorchDType {
  return TorchDType.all[defaultDtype];
}

export function set_default_dtype(dtype: DTypeArg): void {
  dtype = toDType(dtype);
  if (!isFloating(dtype)) throw new globalThis.TypeError('only floating-point types are supported as the default type');
  defaultDtype = dtype;
}

export function checkDtype(dtype: unknown): asserts dtype is DType {
  if (!(ALL as readonly unknown[]).includes(dtype)) {
    throw new globalThis.TypeError(`unsupported dtype ${String(dtype)}: expected one of ${ALL.join(', ')}`);
  }
}

export function isFloating(dtype: DType): dtype is FloatDType {
  return dtype === 'float32' || dtype === 'float64';
}

/** Integral, bool included when `includeBool` (PyTorch's isIntegralType(t, includeBool)). */
export function isIntegral(dtype: DType, includeBool: boolean): boolean {
  return dtype === 'bool' ? includeBool : !isFloating(dtype);
}

export function allocStorage(dtype: 'float32' | 'float64', n: number): FloatStorage;
export function allocStorage(dtype: DType, n: number): Storage;
export function allocStorage(dtype: DType, n: number): Storage {
  switch (dtype) {
    case 'float32':
      return new Float32Array(n);
    case 'float64':
      return new Float64Array(n);
    case 'int64':
      return new LongStorage(n);
    case 'int32':
      return new Int32Array(n);
    case 'int16':
      return new Int16Array(n);
    case 'int8':
      return new Int8Array(n);
    case 'uint8':
      return new Uint8Array(n);
    case 'bool':
      return new BoolStorage(n);
  }
}

export function dtypeOf(storage: Storage): DType {
  if (storage instanceof Float32Array) return 'float32';
  if (storage instanceof Float64Array) return storage instanceof LongStorage ? 'int64' : 'float64';
  if (storage instanceof Uint8Array) return storage instanceof BoolStorage ? 'bool' : 'uint8';
  if (storage instanceof Int32Array) return 'int32';
  if (storage instanceof Int16Array) return 'int16';
  return 'int8';
}

const INT_RANGE: Record<IntDType, [number, number]> = {
  int64: [-9223372036854775808, 9223372036854775807],
  int32: [-2147483648, 2147483647],
  int16: [-32768, 32767],
  int8: [-128, 127],
  uint8: [0, 255],
};

/**
 * A float converted to an integer dtype as PyTorch's CPU kernels convert it (a C cast on x86-64):
 * truncated toward zero; NaN, ±inf and values outside int64 (int32 for the narrower types, which then
 * keep their low bits) give the "integer indefinite" value, the most negative one.
 */
export function floatToInt(value: number, dtype: IntDType): number {
  const t = Math.trunc(value);
  if (dtype === 'int64') return Number.isFinite(t) && t >= -9223372036854775808 && t < 9223372036854775808 ? t + 0 : -9223372036854775808;
  // narrower types go through a 32-bit conversion (cvttsd2si), then keep their low bits
  const i32 = Number.isFinite(t) && t >= -2147483648 && t <= 2147483647 ? t : -2147483648;
  return wrapInt(i32, dtype);
}

/** An integer wrapped into `dtype`'s range, as a store into that width does. */
export function wrapInt(value: number, dtype: IntDType): number {
  if (dtype === 'int64') return value + 0;
  const [lo, hi] = INT_RANGE[dtype];
  const span = hi - lo + 1;
  const v = ((((value - lo) % span) + span) % span) + lo;
  return v + 0;
}

/** A number as the dtype stores it: scalars meet float32 tensors as float32 values, as in PyTorch. */
export function castScalar(value: number, dtype: DType): number {
  switch (dtype) {
    case 'float32':
      return Math.fround(value);
    case 'float64':
      return value;
    case 'bool':
      return value !== 0 ? 1 : 0; // NaN is true
    default:
      return Number.isInteger(value) ? wrapInt(value, dtype) : floatToInt(value, dtype);
  }
}

/** Copy of `src` in `dtype` (a plain copy when the dtype is the same), converted as PyTorch's `to` converts. */
export function convertStorage(src: Storage, dtype: DType): Storage {
  const out = allocStorage(dtype, src.length);
  const from = dtypeOf(src);
  if (from === dtype || isFloating(dtype) || (isIntegral(from, true) && dtype !== 'int64' && dtype !== 'bool')) {
    // floats from anything round on store; integers into narrower integers wrap on store
    out.set(src);
    return out;
  }
  if (dtype === 'bool') {
    for (let i = 0; i < src.length; i++) out[i] = src[i] !== 0 ? 1 : 0;
    return out;
  }
  if (isIntegral(from, true)) {
    out.set(src); // into int64: every narrower integer is exact
    return out;
  }
  for (let i = 0; i < src.length; i++) out[i] = floatToInt(src[i], dtype as IntDType);
  return out;
}

/** Python's name for the dtype, as PyTorch prints it (`torch.int64`): its torch.dtype's text. */
export function dtypeName(dtype: DType): string {
  return TorchDType.all[dtype].toString();
}

/** C++'s ScalarType name of a dtype, as PyTorch's messages spell it ("expected scalar type Float but found Double"). */
export function scalarTypeName(dtype: DType): string {
  const names: Record<DType, string> = { float32: 'Float', float64: 'Double', int64: 'Long', int32: 'Int', int16: 'Short', int8: 'Char', uint8: 'Byte', bool: 'Bool' };
  return names[dtype];
}

/** Python's name of a CPU tensor type: 'torch.FloatTensor', 'torch.LongTensor', ... */
export function tensorTypeName(dtype: DType): string {
  return `torch.${scalarTypeName(dtype)}Tensor`;
}

/** PyTorch's promote_types lattice (c10/core/ScalarType.h), over this library's dtypes. */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === b) return a;
  if (a === 'bool') return b;
  if (b === 'bool') return a;
  if (isFloating(a) || isFloating(b)) {
    if (isFloating(a) && isFloating(b)) return 'float64';
    return isFloating(a) ? a : (b as FloatDType);
  }
  // both integral, different
  if (a === 'int64' || b === 'int64') return 'int64';
  if (a === 'uint8' || b === 'uint8') {
    const other = a === 'uint8' ? b : a;
    return other === 'int8' ? 'int16' : other;
  }
  const rank: Record<string, number> = { int8: 0, int16: 1, int32: 2 };
  return rank[a] > rank[b] ? a : b;
}

/** The category order of PyTorch's result_type: bool < integral < floating. */
function category(d: DType): number {
  return d === 'bool' ? 0 : isFloating(d) ? 2 : 1;
}

/** An operand of result_type: a tensor (its dtype and whether it has dims) or a wrapped number. */
export interface TypedOperand {
  dtype: DType;
  /** 'dim' for a tensor with dims, 'zero' for a 0-d tensor, 'wrapped' for a number. */
  rank: 'dim' | 'zero' | 'wrapped';
}

/** c10's combine_categories: the lower-priority result counts only when of a higher category. */
function combine(higher: DType | null, lower: DType | null): DType | null {
  if (higher === null) return lower;
  if (lower === null) return higher;
  if (isFloating(higher)) return higher;
  if (higher === 'bool' || category(lower) > category(higher)) return promoteTypes(higher, lower);
  return higher;
}

/** PyTorch's at::result_type over tensors with dims, 0-d tensors and wrapped numbers. */
export function resultTypeOf(operands: readonly TypedOperand[]): DType {
  let dim: DType | null = null;
  let zero: DType | null = null;
  let wrapped: DType | null = null;
  for (const o of operands) {
    if (o.rank === 'dim') dim = dim === null ? o.dtype : promoteTypes(dim, o.dtype);
    else if (o.rank === 'zero') zero = zero === null ? o.dtype : promoteTypes(zero, o.dtype);
    else wrapped = wrapped === null ? o.dtype : promoteTypes(wrapped, o.dtype);
  }
  return combine(dim, combine(zero, wrapped)) ?? defaultDtype;
}

/** The dtype of a Python scalar wrapped as a tensor: bool, int64 for integers, the default float dtype otherwise. */
export function scalarDtype(value: number | bigint | boolean): DType {
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'bigint') return 'int64';
  return Number.isInteger(value) ? 'int64' : defaultDtype;
}

/** Whether `from` casts to `to` under PyTorch's canCast (in-place results): no float into integral, no non-bool into bool. */
export function canCast(from: DType, to: DType): boolean {
  if (isFloating(from) && !isFloating(to)) return false;
  if (from !== 'bool' && to === 'bool') return false;
  return true;
}

/** PyTorch's checked conversion of a Python scalar into an integer dtype: its error when the value does not fit. */
export function checkScalarFits(value: number, dtype: DType, cName: boolean): void {
  if (isFloating(dtype) || dtype === 'bool' || !Number.isFinite(value)) return;
  const [lo, hi] = INT_RANGE[dtype];
  // NOTE: a negative number wraps into uint8 (c10's checked_convert checks only its upper bound)
  if ((value < lo && dtype !== 'uint8') || value > hi) throw new RuntimeError(`value cannot be converted to type ${cName ? `${dtype}_t` : dtype} without overflow`);
}
