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

/** Whether two stride lists are the same, size-1 dims' strides included (x.stride() shows them). */
export function sameStrides(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, d) => v === b[d]);
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
export function hasInternalOverlap(t: { readonly _viewGeom: ViewGeom | null; readonly _shape: readonly number[] }): boolean {
  const g = t._viewGeom;
  return g !== null && t._shape.some((n, d) => n > 1 && g.strides[d] === 0);
}

/** PyTorch's is_contiguous: the strides of size-1 dims do not count, and an empty tensor is contiguous. */
export function isContiguousStrides(shape: Shape, strides: readonly number[]): boolean {
  if (shape.includes(0)) return true;
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] === 1) continue;
    if (strides[d] !== expected) return false;
    expected *= shape[d];
  }
  return true;
}

/** c10's is_contiguous(ChannelsLast) of a 4-d tensor: C fastest, then W, H, N (size-1 dims skipped). */
function isChannelsLast(shape: Shape, strides: readonly number[]): boolean {
  let expected = 1;
  for (const d of [1, 3, 2, 0]) {
    if (shape[d] === 1) continue;
    if (strides[d] !== expected) return false;
    expected *= shape[d];
  }
  return true;
}

/** c10's is_non_overlapping_and_dense: some order of the dims makes the strides contiguous. */
export function isNonOverlappingAndDense(shape: Shape, strides: readonly number[]): boolean {
  const nd = shape.length;
  if (nd === 1) return shape[0] < 2 || strides[0] === 1;
  const perm = Array.from({ length: nd }, (_, i) => i);
  perm.sort((a, b) => (shape[a] < 2 ? (shape[b] < 2 ? 0 : 1) : shape[b] < 2 ? -1 : strides[a] - strides[b]));
  let require = 1;
  for (const d of perm) {
    if (shape[d] < 2) return true;
    if (strides[d] !== require) return false;
    require *= shape[d];
  }
  return true;
}

/**
 * reorder_dimensions' order of the dims, fastest first, for operands with these strides over `shape`:
 * by stride (a 0 stride, broadcast, does not decide; equal strides put the smaller dim first), by an
 * insertion sort that allows ambiguity, from n-1, ..., 0.
 */
function layoutOrder(shape: Shape, strides: ReadonlyArray<readonly number[]>): number[] {
  const nd = shape.length;
  // 1 if dim0 should come after dim1 (be slower), -1 if before, 0 when no input decides
  const shouldSwap = (dim0: number, dim1: number): number => {
    for (const s of strides) {
      const s0 = s[dim0];
      const s1 = s[dim1];
      if (s0 === 0 || s1 === 0) continue;
      if (s0 < s1) return -1;
      if (s0 > s1) return 1;
      if (shape[dim0] > shape[dim1]) return 1;
    }
    return 0;
  };
  // perm[0] is the fastest dim: n-1, ..., 0 to start with, then an insertion sort that allows ambiguity
  const perm = Array.from({ length: nd }, (_, j) => nd - 1 - j);
  for (let i = 1; i < nd; i++) {
    let dim1 = i;
    for (let dim0 = i - 1; dim0 >= 0; dim0--) {
      const c = shouldSwap(perm[dim0], perm[dim1]);
      if (c > 0) {
        [perm[dim0], perm[dim1]] = [perm[dim1], perm[dim0]];
        dim1 = dim0;
      } else if (c < 0) break;
    }
  }
  return perm;
}

/** An operand of a pointwise op: its shape and the strides PyTorch's tensor has. */
export interface LayoutOperand {
  readonly shape: Shape;
  readonly strides: readonly number[];
}

/**
 * The strides TensorIterator gives the output of a pointwise op over `inputs` broadcast to `shape`
 * (TensorIterator.cpp, 1.13: fast_set_up, compute_strides, reorder_dimensions, allocate_or_resize_outputs):
 * contiguous when every input is contiguous with the output's shape, else contiguous in the order the
 * inputs' strides give the dimensions (broadcast ones ignored; ties to the smaller dim first). null when
 * that is plain contiguous.
 */
export function pointwiseStrides(shape: Shape, inputs: readonly LayoutOperand[], scalarOperand = false): number[] | null {
  const nd = shape.length;
  if (nd <= 1 || inputs.length === 0) return null;
  // fast_set_up, for inputs all of the output's shape (a wrapped Python number is a 0-d one)
  if (!scalarOperand && inputs.every((t) => t.shape.length === nd && t.shape.every((n, d) => n === shape[d]))) {
    if (inputs.every((t) => isContiguousStrides(t.shape, t.strides))) return null;
    if (nd === 4 && inputs.every((t) => isChannelsLast(t.shape, t.strides))) {
      const out = [shape[1] * shape[3] * shape[2], 1, shape[1] * shape[3], shape[1]];
      return sameStrides(out, contiguousStrides(shape)) ? null : out;
    }
    if (inputs.every((t) => isNonOverlappingAndDense(t.shape, t.strides)) && inputs.every((t) => sameStrides(t.strides, inputs[0].strides))) {
      return sameStrides(inputs[0].strides, contiguousStrides(shape)) ? null : inputs[0].strides.slice();
    }
  }
  // compute_strides: each input's strides over the output's dims, 0 where it is broadcast
  const strides = inputs.map((t) => {
    const s = new Array<number>(nd).fill(0);
    const offset = nd - t.shape.length;
    for (let i = 0; i < t.shape.length; i++) s[offset + i] = t.shape[i] === 1 && shape[offset + i] !== 1 ? 0 : t.strides[i];
    return s;
  });
  const perm = layoutOrder(shape, strides);
  if (perm.every((p, j) => p === nd - 1 - j)) return null;
  // compatible_stride: contiguous in the permuted order
  const out = new Array<number>(nd);
  let s = 1;
  for (let j = 0; j < nd; j++) {
    out[perm[j]] = s;
    s *= shape[perm[j]];
  }
  const plain = contiguousStrides(shape);
  return out.every((v, d) => v === plain[d]) ? null : out;
}

/**
 * empty_like's preserve_format: the strides of a copy of a tensor laid out as `strides` (clone, to): the
 * same strides where they are non-overlapping and dense, else dense ones in their order (infer_dense_strides).
 * null when that is plain contiguous.
 */
export function preservedStrides(shape: Shape, strides: readonly number[]): number[] | null {
  if (isNonOverlappingAndDense(shape, strides)) return sameStrides(strides, contiguousStrides(shape)) ? null : strides.slice();
  if (shape.length <= 1) return null;
  const perm = layoutOrder(shape, [strides]);
  const out = new Array<number>(shape.length);
  let s = 1;
  for (const d of perm) {
    out[d] = s;
    if (shape[d] > 1) s *= shape[d];
  }
  return sameStrides(out, contiguousStrides(shape)) ? null : out;
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
