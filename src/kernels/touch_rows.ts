// Reading a batch of random rows of a large array: touch every cache line first, then use the rows.

import type { Storage } from '../tensor/dtype.js';

/** Arrays larger than this (bytes) are taken to be out of cache: their rows are worth touching first. */
export const OUT_OF_CACHE_BYTES = 32 << 20;

/** Where touchRows puts its sum, so that the loads cannot be optimised away. */
const sink = { value: 0 };

/**
 * Read one element of every cache line of the rows `order[start..end)` (rows of `rowSize` elements). The
 * loads are independent, so the CPU has many cache misses in flight at once and whatever follows reads
 * the rows from cache; reading a row's elements in order instead waits for each row's misses in turn.
 * On a 400 MB array with rows of 100 float32 this makes a 1024-row gather ~2.5× faster. Arrays small
 * enough to be in cache are left alone.
 */
export function touchRows(src: Storage, order: ArrayLike<number>, start: number, end: number, rowSize: number): void {
  if (rowSize === 0 || src.byteLength <= OUT_OF_CACHE_BYTES) return;
  const step = 64 / src.BYTES_PER_ELEMENT;
  let sum = 0;
  for (let i = start; i < end; i++) {
    const from = order[i] * rowSize;
    for (let k = 0; k < rowSize; k += step) sum += src[from + k];
    sum += src[from + rowSize - 1];
  }
  sink.value = sum;
}
