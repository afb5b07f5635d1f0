// TensorIterator's and index_put_'s memory-overlap checks of an in-place op's target and its input
// (PyTorch's get_overlap_status), over this library's views: whole-storage aliases, views with an
// offset in their base, and the t/transpose copies that stand for views.

import { RuntimeError } from '../../errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import { contiguousStrides, virtualStrides } from './strides.js';

const PARTIAL_OVERLAP_MESSAGE =
  'unsupported operation: some elements of the input tensor and the written-to tensor refer to a single memory location. Please clone() the tensor before performing the operation.';

/** The tensor owning t's storage in PyTorch (a t/transpose copy stands for a view of its base). */
function storageOwner(t: Tensor): Tensor {
  const owner = t._base ?? t;
  return owner._copyViewOf ?? owner;
}

/**
 * TensorIterator's assert_no_partial_overlap of the written-to tensor and an input: the same tensor, or
 * one over the same memory with the same sizes and strides, may be read; another view of it may not.
 * (Every view here spans its whole storage.)
 */
export function checkNoPartialOverlap(self: Tensor, other: Tensor, full = false): void {
  if (self === other) {
    if (full) throw new RuntimeError(PARTIAL_OVERLAP_MESSAGE);
    return;
  }
  if (self.numel() === 0 || other.numel() === 0) return;
  const status = offsetOverlap(self, other);
  if (status !== null) {
    if (status === 'partial' || (full && status === 'full')) throw new RuntimeError(PARTIAL_OVERLAP_MESSAGE);
    return;
  }
  if (self._data !== other._data && storageOwner(self) !== storageOwner(other)) return;
  const a = virtualStrides(self);
  const b = virtualStrides(other);
  if (a.length === b.length && a.every((s, i) => s === b[i]) && !full) return;
  throw new RuntimeError(PARTIAL_OVERLAP_MESSAGE);
}

/** Where t lies in its base's storage (PyTorch's data pointer and strides), for a tensor or a view of one. */
function placeOf(t: Tensor): { base: Tensor; begin: number; strides: readonly number[] } | null {
  const base = t._base ?? t;
  if (base._copyViewOf !== null || t._copyViewOf !== null) return null;
  const geom = t._viewGeom;
  return { base, begin: geom?.offset ?? 0, strides: geom?.strides ?? contiguousStrides(t._shape) };
}

/** PyTorch's is_non_overlapping_and_dense: the strides are some order of a contiguous tensor's. */
function isDense(sizes: readonly number[], strides: readonly number[]): boolean {
  const dims = sizes.map((_, d) => d).filter((d) => sizes[d] !== 1).sort((a, b) => strides[a] - strides[b]);
  let expected = 1;
  for (const d of dims) {
    if (strides[d] !== expected) return false;
    expected *= sizes[d];
  }
  return true;
}

/**
 * get_overlap_status of two tensors where one is a view with an offset (x[0], x[1:3]): null when neither
 * is; else 'full' (same memory, same strides), 'partial' (their ranges meet) or 'none'. Tensors that are
 * not dense are too hard for PyTorch to tell, and pass.
 */
function offsetOverlap(a: Tensor, b: Tensor): 'full' | 'partial' | 'none' | null {
  if (a._viewGeom === null && b._viewGeom === null) return null;
  const pa = placeOf(a);
  const pb = placeOf(b);
  if (pa === null || pb === null || pa.base !== pb.base) return null;
  if (!isDense(a._shape, pa.strides) || !isDense(b._shape, pb.strides)) return 'none';
  const aEnd = pa.begin + a.numel();
  const bEnd = pb.begin + b.numel();
  if (pa.begin === pb.begin && aEnd === bEnd) return pa.strides.every((s, i) => s === pb.strides[i]) && pa.strides.length === pb.strides.length ? 'full' : 'partial';
  return pa.begin < bEnd && pb.begin < aEnd ? 'partial' : 'none';
}
