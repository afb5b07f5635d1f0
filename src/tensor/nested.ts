// Nested arrays at the boundary: `tensor([[1, 2], [3, 4]])` and `new Tensor([[1, 2]])` read them here.

import { ValueError } from '../errors.js';
import type { Storage } from './dtype.js';

export type NestedArray = number | NestedArray[];

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
      if (typeof v !== 'number') throw new ValueError(`expected a number at depth ${dim}, got ${Array.isArray(v) ? 'a list' : typeof v}`);
      out[k++] = v;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[dim]) {
      throw new ValueError(`expected sequence of length ${shape[dim]} at dim ${dim} (got ${Array.isArray(v) ? v.length : typeof v})`);
    }
    for (const item of v) walk(item, dim + 1);
  };
  walk(value, 0);
}

