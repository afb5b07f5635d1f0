// Nested arrays at the boundary: `tensor([[1, 2], [3, 4]])` and `new Tensor([[1, 2]])` read them here.

import { ValueError } from '../errors.js';
import { promoteTypes, type DType, type Storage } from './dtype.js';

/** Python's literals: a number is a float, a bigint an int, a boolean a bool. */
export type NestedArray = number | bigint | boolean | NestedArray[];

/** A one-element tensor inside nested data (`torch.tensor([t1, t2])`): its value, as Python's float(t). */
export interface ScalarSource {
  item(): number;
  readonly _dtype: DType;
}

/** What `tensor()` and `new Tensor()` read: literals or one-element tensors, nested. */
export type NestedData = number | bigint | boolean | ScalarSource | readonly NestedData[];

function isScalarSource(v: unknown): v is ScalarSource {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as ScalarSource).item === 'function';
}

/**
 * PyTorch's infer_scalar_type: the elements' types promoted, a number (Python float) as the default
 * dtype, a bigint (int) as int64, a boolean as bool, a tensor as its dtype; the default dtype when
 * there are no elements.
 */
export function inferNestedDtype(value: NestedData, defaultDtype: DType): DType {
  let dtype: DType | undefined;
  const walk = (v: NestedData): void => {
    if (Array.isArray(v)) {
      (v as readonly NestedData[]).forEach(walk);
      return;
    }
    const own: DType = isScalarSource(v) ? v._dtype : typeof v === 'bigint' ? 'int64' : typeof v === 'boolean' ? 'bool' : defaultDtype;
    dtype = dtype === undefined ? own : promoteTypes(dtype, own);
  };
  walk(value);
  return dtype ?? defaultDtype;
}

/** The shape of nested arrays, from their first elements. */
export function inferShape(value: NestedData): number[] {
  const shape: number[] = [];
  let v: NestedData = value;
  while (Array.isArray(v)) {
    const list = v as readonly NestedData[];
    shape.push(list.length);
    if (list.length === 0) break;
    v = list[0];
  }
  return shape;
}

/** The values of nested arrays of `shape`, row-major, into `out`; PyTorch's errors for ragged input. */
export function flatten(value: NestedData, shape: readonly number[], out: Storage): void {
  let k = 0;
  const walk = (v: NestedData, dim: number): void => {
    if (dim === shape.length) {
      if (typeof v === 'number') out[k++] = v;
      else if (typeof v === 'boolean') out[k++] = v ? 1 : 0;
      else if (typeof v === 'bigint') out[k++] = bigintValue(v);
      else if (isScalarSource(v)) out[k++] = v.item();
      else throw new ValueError(`expected a number at depth ${dim}, got ${Array.isArray(v) ? 'a list' : typeof v}`);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[dim]) {
      throw new ValueError(`expected sequence of length ${shape[dim]} at dim ${dim} (got ${Array.isArray(v) ? v.length : typeof v})`);
    }
    for (const item of v as readonly NestedData[]) walk(item, dim + 1);
  };
  walk(value, 0);
}

/** A bigint as int64 holds it: exact within 2^53; PyTorch's error beyond int64. */
export function bigintValue(v: bigint): number {
  if (v > 9223372036854775807n || v < -9223372036854775808n) throw new RangeError(`value cannot be converted to type int64 without overflow`);
  return Number(v);
}
