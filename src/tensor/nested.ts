// Nested arrays at the boundary: `tensor([[1, 2], [3, 4]])` and `new Tensor([[1, 2]])` read them here.

import { ValueError } from '../errors.js';
import type { Storage } from './dtype.js';

/** Python's literals: a number is a float, a bigint an int, a boolean a bool. */
export type NestedArray = number | bigint | boolean | NestedArray[];

/** The shape of nested arrays, from their first elements. */
export function inferShape(value: NestedArray): number[] {
  const shape: number[] = [];
  let v: NestedArray = value;
  while (Array.isArray(v)) {
    shape.push(v.length);
    if (v.length === 0) break;
    v = v[0];
  }
  return shape;
}

/** The values of nested arrays of `shape`, row-major, into `out`; PyTorch's errors for ragged input. */
export function flatten(value: NestedArray, shape: readonly number[], out: Storage): void {
  let k = 0;
  const walk = (v: NestedArray, dim: number): void => {
    if (dim === shape.length) {
      if (typeof v === 'number') out[k++] = v;
      else if (typeof v === 'boolean') out[k++] = v ? 1 : 0;
      else if (typeof v === 'bigint') out[k++] = bigintValue(v);
      else throw new ValueError(`expected a number at depth ${dim}, got ${Array.isArray(v) ? 'a list' : typeof v}`);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[dim]) {
      throw new ValueError(`expected sequence of length ${shape[dim]} at dim ${dim} (got ${Array.isArray(v) ? v.length : typeof v})`);
    }
    for (const item of v) walk(item, dim + 1);
  };
  walk(value, 0);
}


/** The dtype Python's torch.tensor infers from literals: bool if all are booleans, int64 if bigints (and booleans), else the default float. */
export function inferKind(value: NestedArray): 'bool' | 'int' | 'float' | null {
  let kind: 'bool' | 'int' | 'float' | null = null;
  const walk = (v: NestedArray): void => {
    if (Array.isArray(v)) {
      for (const item of v) walk(item);
    } else if (typeof v === 'number') kind = 'float';
    else if (typeof v === 'bigint') {
      if (kind !== 'float') kind = 'int';
    } else if (typeof v === 'boolean' && kind === null) kind = 'bool';
  };
  walk(value);
  return kind;
}

/** A bigint as int64 holds it: exact within 2^53; PyTorch's error beyond int64. */
export function bigintValue(v: bigint): number {
  if (v > 9223372036854775807n || v < -9223372036854775808n) throw new RangeError(`value cannot be converted to type int64 without overflow`);
  return Number(v);
}
