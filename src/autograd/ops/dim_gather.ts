// One copy kernel for the shape ops that move elements without arithmetic (permute, flip, roll, repeat,
// narrow): each output index along dim d reads the input at an offset from a per-dim table, and the
// offsets of all dims add up to the element read.

import { allocStorage, type DType, type Storage } from '../../tensor/dtype.js';
import { numel, stridesOf, type Shape } from '../../tensor/shape.js';

/** Per-dim offset tables: `tables[d][i]` is where output index i along dim d reads, in input elements. */
export type DimTables = readonly Int32Array[];

/** out[i0, ..., ik] = data[tables[0][i0] + ... + tables[k][ik]]. */
export function gatherDims(data: Storage, outShape: Shape, tables: DimTables, dtype: DType): Storage {
  const n = numel(outShape);
  const out = allocStorage(dtype, n);
  const nd = outShape.length;
  if (n === 0) return out;
  if (nd === 0) {
    out[0] = data[0];
    return out;
  }
  const last = tables[nd - 1];
  const lastN = outShape[nd - 1];
  const idx = new Array<number>(nd).fill(0);
  let base = 0;
  for (let d = 0; d < nd - 1; d++) base += tables[d][0];
  for (let o = 0; o < n; o += lastN) {
    for (let k = 0; k < lastN; k++) out[o + k] = data[base + last[k]];
    for (let d = nd - 2; d >= 0; d--) {
      const t = tables[d];
      base -= t[idx[d]];
      idx[d]++;
      if (idx[d] < outShape[d]) {
        base += t[idx[d]];
        break;
      }
      idx[d] = 0;
      base += t[0];
    }
  }
  return out;
}

/** A table of `size` entries: `map(i) * stride`. */
export function table(size: number, stride: number, map: (i: number) => number = (i) => i): Int32Array {
  const t = new Int32Array(size);
  for (let i = 0; i < size; i++) t[i] = map(i) * stride;
  return t;
}

/** The identity tables of a contiguous tensor of `shape` (each dim read as it is). */
export function identityTables(shape: Shape): Int32Array[] {
  const strides = stridesOf(shape);
  return shape.map((s, d) => table(s, strides[d]));
}
