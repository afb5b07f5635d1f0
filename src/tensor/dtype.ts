// The two floating dtypes and their typed-array storage.

export type DType = 'float32' | 'float64';
export type Storage = Float32Array | Float64Array;

/** PyTorch's spellings: `torch.float32` / `torch.float` and `torch.float64` / `torch.double`. */
export const float32: DType = 'float32';
export const float64: DType = 'float64';
export const float: DType = 'float32';
export const double: DType = 'float64';

let defaultDtype: DType = 'float32';

export function get_default_dtype(): DType {
  return defaultDtype;
}

export function set_default_dtype(dtype: DType): void {
  checkDtype(dtype);
  defaultDtype = dtype;
}

export function checkDtype(dtype: unknown): asserts dtype is DType {
  if (dtype !== 'float32' && dtype !== 'float64') {
    throw new globalThis.TypeError(`unsupported dtype ${String(dtype)}: expected 'float32' or 'float64'`);
  }
}

export function allocStorage(dtype: DType, n: number): Storage {
  return dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
}

export function dtypeOf(storage: Storage): DType {
  return storage instanceof Float64Array ? 'float64' : 'float32';
}

/** A number as the dtype stores it: scalars meet float32 tensors as float32 values, as in PyTorch. */
export function castScalar(value: number, dtype: DType): number {
  return dtype === 'float32' ? Math.fround(value) : value;
}

/** Copy of `src` in `dtype` (a plain copy when the dtype is the same). */
export function convertStorage(src: Storage, dtype: DType): Storage {
  const out = allocStorage(dtype, src.length);
  out.set(src);
  return out;
}

/** Python's name for the dtype, as PyTorch prints it. */
export function dtypeName(dtype: DType): string {
  return `torch.${dtype}`;
}

/** C++'s ScalarType name of a dtype, as PyTorch's messages spell it ("expected scalar type Float but found Double"). */
export function scalarTypeName(dtype: DType): string {
  const names: Record<string, string> = { float32: 'Float', float64: 'Double', int64: 'Long', int32: 'Int', int16: 'Short', int8: 'Char', uint8: 'Byte', bool: 'Bool' };
  return names[dtype] ?? dtype;
}
