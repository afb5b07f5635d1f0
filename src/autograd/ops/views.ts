// The views of basic indexing: select (x[i], SelectBackward0), slice (x[a:b:c], SliceBackward0), narrow,
// alias (x[...], AliasBackward0) and as_strided with an offset. A view whose elements are contiguous in
// its base's storage shares that storage; any other is a strided copy that in-place ops keep in step
// with its base (src/tensor/strided.ts), so writes through either reach the other, as in PyTorch.

import { IndexError, RuntimeError, ValueError } from '../../errors.js';
import { allocStorage, type Storage } from '../../tensor/dtype.js';
import { normalizeDim, numel, shapeStr, type Shape } from '../../tensor/shape.js';
import { asStridedBackwardStorage, contiguousStrides, gatherGeom, isContiguousGeom, registerStridedCopy, sameStrides, scatterGeom, type ViewGeom } from '../../tensor/strided.js';
import { Tensor, viewMetaOf } from '../../tensor/tensor.js';
import { attach, shouldRecord } from '../../tensor/autograd/engine.js';
import { at } from './at.js';
import { copy_ } from './inplace.js';
import { virtualStrides } from './strides.js';

interface Layout {
  sizes: number[];
  strides: number[];
  offset: number;
}

/** One step of basic indexing, applied alike to storage strides and to PyTorch's strides. */
type Step =
  | { k: 'select'; dim: number; index: number }
  | { k: 'slice'; dim: number; start: number; len: number; step: number }
  | { k: 'permute'; dims: readonly number[] }
  | { k: 'expand'; sizes: readonly number[] }
  | { k: 'alias' };

function applyStep(l: Layout, s: Step): Layout {
  const sizes = l.sizes.slice();
  const strides = l.strides.slice();
  let offset = l.offset;
  if (s.k === 'select') {
    offset += s.index * strides[s.dim];
    sizes.splice(s.dim, 1);
    strides.splice(s.dim, 1);
  } else if (s.k === 'slice') {
    offset += s.start * strides[s.dim];
    sizes[s.dim] = s.len;
    strides[s.dim] *= s.step;
  } else if (s.k === 'permute') {
    return { sizes: s.dims.map((d) => l.sizes[d]), strides: s.dims.map((d) => l.strides[d]), offset };
  } else if (s.k === 'expand') {
    // inferExpandGeometry: a new dim's stride is the next dim's extent, an expanded dim's 0
    const n = s.sizes.length;
    const lead = n - l.sizes.length;
    const st = new Array<number>(n);
    for (let i = n - 1; i >= 0; i--) {
      const d = i - lead;
      const size = d >= 0 ? l.sizes[d] : 1;
      st[i] = size !== s.sizes[i] ? 0 : d >= 0 ? l.strides[d] : i + 1 < n ? s.sizes[i + 1] * st[i + 1] : 0;
    }
    return { sizes: s.sizes.slice(), strides: st, offset };
  }
  return { sizes, strides, offset };
}

type Grad = (g: Tensor) => Tensor;

/** x's layout in its base's storage. */
function rootLayout(x: Tensor): Layout {
  const g = x._viewGeom;
  return g === null ? { sizes: x._shape.slice(), strides: contiguousStrides(x._shape), offset: 0 } : { sizes: x._shape.slice(), strides: g.strides.slice(), offset: g.offset };
}

/** A view of x's base over `root` (its layout in the base's storage), shared when contiguous, else a strided copy. */
function viewTensor(x: Tensor, root: Layout, ptStrides: readonly number[] | null, multiOutput = false): Tensor {
  const base = x._base ?? x;
  const n = numel(root.sizes);
  const geom: ViewGeom = { offset: root.offset, strides: root.strides };
  let data;
  if (isContiguousGeom(root.sizes, root.strides)) {
    data = base._data.subarray(root.offset, root.offset + n);
  } else {
    data = gatherGeom(base._data, root.sizes, geom, allocStorage(x._dtype, n));
    registerStridedCopy(data, base._data, root.sizes, geom);
  }
  const v = new Tensor(data, root.sizes, x._version);
  v._base = base;
  v._viewMeta = viewMetaOf(x, multiOutput);
  v._attrVersion = x._version.value;
  v._inference = x._inference;
  v._viewGeom = geom;
  if (ptStrides !== null && !sameStrides(ptStrides, contiguousStrides(root.sizes))) v._strides = ptStrides.slice();
  return v;
}

/** x seen through one step: a view, recorded as node `name` whose gradient is zeros with g in the view's place. */
function stepView(x: Tensor, step: Step, name: string, graph: Grad): Tensor {
  const rel = applyStep({ sizes: x._shape.slice(), strides: contiguousStrides(x._shape), offset: 0 }, step);
  const pt = applyStep({ sizes: x._shape.slice(), strides: virtualStrides(x).slice(), offset: 0 }, step);
  const v = viewTensor(x, applyStep(rootLayout(x), step), pt.strides);
  v._ptOffset = x._ptOffset + pt.offset;
  if (!shouldRecord(x)) return v;
  const n = x.numel();
  const sizes = rel.sizes;
  // an expanded view's gradient sums (in sum_to's order): its formula over tensors runs for both
  const storage = step.k === 'expand' ? null : (g: Storage) => [scatterGeom(g, sizes, rel, allocStorage(x._dtype, n))];
  return attach(v, name, [x], storage, [], null, (g) => [graph(g)]);
}

/**
 * The views split, chunk and unbind return (CreationMeta MULTI_OUTPUT_NODE): consecutive slices of the
 * given sizes along dim d, or with `drop` the single indexes (select). The caller records their node.
 */
export function pieceViews(x: Tensor, d: number, sizes: readonly number[], drop: boolean): Tensor[] {
  let start = 0;
  return sizes.map((n) => {
    const step: Step = drop ? { k: 'select', dim: d, index: start } : { k: 'slice', dim: d, start, len: n, step: 1 };
    start += n;
    const pt = applyStep({ sizes: x._shape.slice(), strides: virtualStrides(x).slice(), offset: 0 }, step);
    return viewTensor(x, applyStep(rootLayout(x), step), pt.strides, true);
  });
}

/** `x.select(dim, index)`: SelectBackward0, a view. */
export function select(x: Tensor, dim: number, index: number): Tensor {
  if (x.ndim === 0) throw new IndexError('select() cannot be applied to a 0-dim tensor.');
  const d = normalizeDim(dim, x.ndim);
  const size = x._shape[d];
  if (index < -size || index >= size) {
    throw new IndexError(`select(): index ${index} out of range for tensor of size ${shapeStr(x._shape)} at dimension ${d}`);
  }
  const i = index < 0 ? index + size : index;
  const sizes = x._shape.slice();
  return stepView(x, { k: 'select', dim: d, index: i }, 'SelectBackward0', (g) => selectBackward(g, sizes, d, i));
}

/** select_backward: zeros of the input's sizes with the gradient at `index` along `dim` (SelectBackwardBackward0). */
export function selectBackward(g: Tensor, sizes: Shape, dim: number, index: number): Tensor {
  const rel = applyStep({ sizes: sizes.slice(), strides: contiguousStrides(sizes), offset: 0 }, { k: 'select', dim, index });
  const result = new Tensor(scatterGeom(g._data, rel.sizes, rel, allocStorage(g._dtype, numel(sizes))), sizes);
  if (!shouldRecord(g)) return result;
  return attach(result, 'SelectBackwardBackward0', [g], null, [], null, (gg) => [select(gg, dim, index)]);
}

/** at::slice's clamping of start and end to the dim's size. */
export function sliceBounds(size: number, start: number | null, end: number | null, step: number): [number, number] {
  let s = start ?? 0;
  let e = end ?? Number.MAX_SAFE_INTEGER;
  if (s < 0) s += size;
  if (e < 0) e += size;
  if (s < 0) s = 0;
  else if (s >= size) s = size;
  if (e < s) e = s;
  else if (e >= size) e = size;
  return [s, Math.floor((e - s + step - 1) / step)];
}

/** `x[start:end:step]` along dim (PyTorch's at::slice): SliceBackward0, a view. */
export function slice(x: Tensor, dim: number, start: number | null, end: number | null, step = 1): Tensor {
  if (x.ndim === 0) throw new IndexError('slice() cannot be applied to a 0-dim tensor.');
  if (step <= 0) throw new ValueError('step must be greater than zero');
  const d = normalizeDim(dim, x.ndim);
  const [s, len] = sliceBounds(x._shape[d], start, end, step);
  const sizes = x._shape.slice();
  return stepView(x, { k: 'slice', dim: d, start: s, len, step }, 'SliceBackward0', (g) => sliceBackward(g, sizes, d, s, s + len * step, step));
}

/** slice_backward: zeros of the input's sizes with the gradient in the slice (SliceBackwardBackward0). */
export function sliceBackward(g: Tensor, sizes: Shape, dim: number, start: number, end: number, step: number): Tensor {
  const len = g._shape[dim];
  const rel = applyStep({ sizes: sizes.slice(), strides: contiguousStrides(sizes), offset: 0 }, { k: 'slice', dim, start, len, step });
  const result = new Tensor(scatterGeom(g._data, rel.sizes, rel, allocStorage(g._dtype, numel(sizes))), sizes);
  if (!shouldRecord(g)) return result;
  return attach(result, 'SliceBackwardBackward0', [g], null, [], null, (gg) => [slice(gg, dim, start, end, step)]);
}

/** `x.narrow(dim, start, length)`: a slice (SliceBackward0). */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  if (x.ndim === 0) throw new RuntimeError('narrow() cannot be applied to a 0-dim tensor.');
  const d = normalizeDim(dim, x.ndim);
  const size = x._shape[d];
  if (start < -size || start > size) {
    throw new IndexError(`Dimension out of range (expected to be in range of [${-size}, ${size - 1}], but got ${start})`);
  }
  const s = start < 0 ? start + size : start;
  if (length < 0 || s > size - length) throw new RuntimeError(`start (${s}) + length (${length}) exceeds dimension size (${size}).`);
  return slice(x, d, s, s + length, 1);
}

/** x with its dims in the order `dims` (transpose, t, permute): a view recorded as node `name`. */
export function permuteView(x: Tensor, dims: readonly number[], name: string, graph: Grad): Tensor {
  return stepView(x, { k: 'permute', dims }, name, graph);
}

/** x.expand(sizes) (sizes already checked): a view with stride 0 along the expanded dims. */
export function expandView(x: Tensor, sizes: readonly number[], name: string, graph: Grad): Tensor {
  return stepView(x, { k: 'expand', sizes }, name, graph);
}


/** `x[...]`: at::alias, a view of all of x (AliasBackward0). */
export function alias(x: Tensor): Tensor {
  return stepView(x, { k: 'alias' }, 'AliasBackward0', (g) => g);
}

/**
 * as_strided(sizes, strides, offset) of a tensor that spans its storage in order (the gradients
 * CopySlices and as_strided_backward make): AsStridedBackward0, a view.
 */
export function asStridedGeom(x: Tensor, sizes: Shape, geom: ViewGeom): Tensor {
  const xs = rootLayout(x);
  if (!isContiguousGeom(xs.sizes, xs.strides) || xs.offset !== 0) throw new Error('internal: as_strided of a strided view');
  const v = viewTensor(x, { sizes: sizes.slice(), strides: geom.strides.slice(), offset: geom.offset }, null);
  if (!shouldRecord(x)) return v;
  const n = x.numel();
  return attach(v, 'AsStridedBackward0', [x], (g) => [asStridedBackwardStorage(g, sizes, geom, allocStorage(x._dtype, n))], [], null, (g) => [asStridedGeomBackward(g, x._shape, geom)]);
}

/**
 * as_strided_backward: zeros as storage, the gradient (summed over the view's expanded dims, last first)
 * copied into the view's place, read in the input's shape.
 */
export function asStridedGeomBackward(g: Tensor, inputShape: Shape, geom: ViewGeom): Tensor {
  const storage = new Tensor(allocStorage(g._dtype, numel(inputShape)), inputShape);
  let grad = g;
  for (let d = g.ndim - 1; d >= 0; d--) if (g._shape[d] > 1 && geom.strides[d] === 0) grad = at.sum(grad, [d], true);
  copy_(asStridedGeom(storage, grad._shape, geom), grad);
  return storage;
}
