// Small storages carved out of shared 64 KiB slabs. A fresh Float32Array of more than 64 bytes gets
// an off-heap backing store (~1 µs in V8, plus work for the GC); a view on an existing buffer ~0.1 µs.

import { allocStorage, type DType, type Storage } from '../tensor/dtype.js';

const SLAB_BYTES = 1 << 16;
/** Larger storages are allocated on their own: a slab is freed only when every view into it is. */
const MAX_POOLED_BYTES = 4096;
/** Typed arrays up to this size live on V8's heap already, where allocation is cheap. */
const ON_HEAP_BYTES = 64;

let slab = new ArrayBuffer(SLAB_BYTES);
let used = 0;

/**
 * A zero-filled storage of `n` elements, like allocStorage. Regions are never handed out twice, so
 * a view is zero until written; its `.buffer` is the shared slab, not a buffer of its own.
 */
export function allocPooled(dtype: DType, n: number): Storage {
  const bytes = n * (dtype === 'float64' ? 8 : 4);
  if (bytes <= ON_HEAP_BYTES || bytes > MAX_POOLED_BYTES) return allocStorage(dtype, n);
  if (used + bytes > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    used = 0;
  }
  const view = dtype === 'float64' ? new Float64Array(slab, used, n) : new Float32Array(slab, used, n);
  used += (bytes + 7) & ~7; // keep every region 8-byte aligned for Float64Array
  return view;
}
