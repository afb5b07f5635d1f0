// Views with a storage offset and strides (x[0], x[1:3], x[:, 1], x[::2]). Storage here is contiguous, so
// a view whose elements are contiguous in its base's storage shares it (a subarray); any other is a
// gathered copy that stands for the view: an in-place write through it is scattered back into the base,
// and every in-place write to a storage re-gathers the strided copies made of it, so that base and view
// never diverge (through in-place ops; a raw write into `numpy()`'s array reaches only its own storage).

import { allocStorage, dtypeOf, type Storage } from './dtype.js';
import { cascadeSum } from './cascade_sum.js';
import { numel, type Shape } from './shape.js';

/** Where a view's elements are in its base's storage: element [i0, i1, ...] at offset + Σ i_d·strides[d]. */
export interface ViewGeom {
  readonly offset: number;
  readonly strides: readonly number[];
}

/** True when a view of `sizes` with these strides reads a contiguous block of storage, in order. */
export function isContiguousGeom(sizes: Shape, strides: readonly number[]): boolean {
  let expected = 1;
  for (let d = sizes.length - 1; d >= 0; d--) {
    if (sizes[d] === 1) continue;
    if (sizes[d] === 0) return true;
    if (strides[d] !== expected) return false;
    expected *= sizes[d];
  }
  return true;
}

/** The storage offsets of a view's elements, in its row-major order. */
export function geomOffsets(sizes: Shape, geom: ViewGeom): Int32Array {
  const n = numel(sizes);
  const out = new Int32Array(n);
  const nd = sizes.length;
  if (n === 0) return out;
  const idx = new Array<number>(nd).fill(0);
  let off = geom.offset;
  for (let i = 0; i < n; i++) {
    out[i] = off;
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]++;
      off += geom.strides[d];
      if (idx[d] < sizes[d]) break;
      off -= geom.strides[d] * sizes[d];
      idx[d] = 0;
    }
  }
  return out;
}

/** out[i] = src[offsets[i]]. */
export function gatherGeom(src: Storage, sizes: Shape, geom: ViewGeom, out: Storage): Storage {
  const offs = geomOffsets(sizes, geom);
  for (let i = 0; i < offs.length; i++) out[i] = src[offs[i]];
  return out;
}

/** dst[offsets[i]] = values[i]. */
export function scatterGeom(values: Storage, sizes: Shape, geom: ViewGeom, dst: Storage): Storage {
  const offs = geomOffsets(sizes, geom);
  for (let i = 0; i < offs.length; i++) dst[offs[i]] = values[i];
  return dst;
}

/** A strided copy: its own storage, and where it stands in its base's. */
interface CopyRecord {
  readonly copy: Storage;
  readonly root: Storage;
  readonly sizes: Shape;
  readonly geom: ViewGeom;
}

const copies = new WeakMap<ArrayBufferLike, CopyRecord>();
const copiesOf = new WeakMap<ArrayBufferLike, Set<WeakRef<CopyRecord>>>();

/** Remember that `copy` stands for the view (sizes, geom) of `root`. */
export function registerStridedCopy(copy: Storage, root: Storage, sizes: Shape, geom: ViewGeom): void {
  const rec: CopyRecord = { copy, root, sizes: sizes.slice(), geom };
  copies.set(copy.buffer, rec);
  let set = copiesOf.get(root.buffer);
  if (set === undefined) {
    set = new Set();
    copiesOf.set(root.buffer, set);
  }
  // the copies that were collected are swept now and then, so a base read through x[:, 0] in a loop
  // without in-place writes does not collect dead references
  if (set.size >= 64 && (set.size & (set.size - 1)) === 0) for (const ref of set) if (ref.deref() === undefined) set.delete(ref);
  set.add(new WeakRef(rec));
}

/** True when `data` is the storage of a strided copy (so an in-place write to it must be scattered back). */
export function isStridedCopy(data: Storage): boolean {
  return copies.has(data.buffer);
}

/**
 * After an in-place write to `data`: a strided copy's values go back into its base's storage, and the
 * strided copies of that storage are gathered again.
 */
export function syncStorage(data: Storage): void {
  const rec = copies.get(data.buffer);
  let root = data;
  if (rec !== undefined) {
    scatterGeom(rec.copy, rec.sizes, rec.geom, rec.root);
    root = rec.root;
  }
  const set = copiesOf.get(root.buffer);
  if (set === undefined) return;
  for (const ref of set) {
    const other = ref.deref();
    if (other === undefined) {
      set.delete(ref);
      continue;
    }
    if (other !== rec) gatherGeom(other.root, other.sizes, other.geom, other.copy);
  }
}

/** PyTorch's contiguous strides (size-0 and size-1 dims count as 1). */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= Math.max(shape[i], 1);
  }
  return strides;
}

/** PyTorch's computeStride: the strides of a view of (shape, strides) as newShape, or null when only a copy can do. */
export function viewStrides(shape: Shape, strides: readonly number[], newShape: Shape): number[] | null {
  if (shape.length === 0) return newShape.map(() => 1);
  const n = numel(shape);
  if (n === 0) return contiguousStrides(newShape);
  const out = new Array<number>(newShape.length);
  let viewD = newShape.length - 1;
  let chunkBase = strides[strides.length - 1];
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    tensorNumel *= shape[d];
    if (d === 0 || (shape[d - 1] !== 1 && strides[d - 1] !== tensorNumel * chunkBase)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] === 1)) {
        out[viewD] = viewNumel * chunkBase;
        viewNumel *= newShape[viewD];
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) {
        chunkBase = strides[d - 1];
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  return viewD === -1 ? out : null;
}

/** True when some element of `t` is read from the same place in storage as another (an expanded view). */
export function hasInternalOverlap(t: { readonly _viewGeom: ViewGeom | null; readonly shape: readonly number[] }): boolean {
  const g = t._viewGeom;
  return g !== null && t.shape.some((n, d) => n > 1 && g.strides[d] === 0);
}

/** _maybe_overlapping_memory: whether some two elements of (sizes, strides) may share a storage place. */
function mayOverlap(sizes: readonly number[], strides: readonly number[]): boolean {
  const order = [...sizes.keys()].sort((a, b) => strides[a] - strides[b]);
  let maxIndex = 0;
  for (const d of order) {
    if (strides[d] <= maxIndex) return true;
    maxIndex += strides[d] * (sizes[d] - 1);
  }
  return false;
}

/**
 * as_strided_backward over storage, for an input that spans its n-element storage in order: the
 * gradient of the view (sizes, geom) summed over its expanded dims (stride 0, last dim first, as
 * grad.sum(i, true) does), then copied into zeros at the view's places, or added (index_add_) where they overlap.
 */
export function asStridedBackwardStorage(g: Storage, sizes: Shape, geom: ViewGeom, dst: Storage): Storage {
  let grad = g;
  const shape = sizes.slice();
  const keptSizes: number[] = [];
  const keptStrides: number[] = [];
  for (let d = sizes.length - 1; d >= 0; d--) {
    if (sizes[d] === 0) return dst;
    if (sizes[d] === 1) continue;
    if (geom.strides[d] === 0) {
      const summed = cascadeSum(grad, shape, shape.map((_, k) => k === d), dtypeOf(grad) === 'float32');
      grad = allocStorage(dtypeOf(grad), summed.length);
      grad.set(summed);
      shape[d] = 1;
      continue;
    }
    keptSizes.unshift(sizes[d]);
    keptStrides.unshift(geom.strides[d]);
  }
  const offs = geomOffsets(keptSizes, { offset: geom.offset, strides: keptStrides });
  if (mayOverlap(keptSizes, keptStrides)) for (let i = 0; i < offs.length; i++) dst[offs[i]] += grad[i];
  else for (let i = 0; i < offs.length; i++) dst[offs[i]] = grad[i];
  return dst;
}
