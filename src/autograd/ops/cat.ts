// Joining and splitting along a dim: torch.cat, torch.stack, split (a size or sizes), chunk, unbind, and
// meshgrid (views expanded). split, chunk and unbind give several outputs of one node (SplitBackward0,
// SplitWithSizesBackward0, UnbindBackward0), whose formula is cat (stack) of the outputs' gradients,
// zeros where an output got none. Their outputs are views, as PyTorch's (CreationMeta MULTI_OUTPUT_NODE: none may
// change in place while autograd records).

import { IndexError, RuntimeError } from '../../errors.js';
import { warn } from '../../warnings.js';
import { allocStorage } from '../../tensor/dtype.js';
import { cppTensorString } from '../../tensor/format_cpp.js';
import { around, normalizeDim, numel, sameShape, shapeStr } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { attach, shouldRecord } from '../../tensor/autograd/engine.js';
import { is_grad_enabled } from '../../tensor/autograd/grad_mode.js';
import type { Node } from '../../tensor/autograd/node.js';
import { at } from './at.js';
import { resultType } from './elementwise.js';
import { expand, narrowSlice } from './reorder.js';
import { view } from './shape.js';
import { pieceViews } from './views.js';

/** A 1-d empty tensor: cat's legacy rule skips it whatever the other shapes. */
function legacyEmpty(t: Tensor): boolean {
  return t.ndim === 1 && t._shape[0] === 0;
}

/** `torch.cat(tensors, dim)`: CatBackward0; input i's gradient is the gradient narrowed to its part. */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new RuntimeError('torch.cat(): expected a non-empty list of Tensors');
  tensors.forEach((t, i) => {
    if (t.ndim === 0) throw new RuntimeError(`zero-dimensional tensor (at position ${i}) cannot be concatenated`);
  });
  const dtype = resultType(tensors);
  const ref = tensors.find((t) => !legacyEmpty(t));
  if (ref === undefined) return finishCat(tensors, new Tensor(allocStorage(dtype, 0), [0]), 0);
  const d = normalizeDim(dim, ref.ndim);
  let total = 0;
  tensors.forEach((t, i) => {
    if (legacyEmpty(t)) return;
    if (t.ndim !== ref.ndim) throw new RuntimeError(`Tensors must have same number of dimensions: got ${ref.ndim} and ${t.ndim}`);
    for (let k = 0; k < t.ndim; k++) {
      if (k !== d && t._shape[k] !== ref._shape[k]) {
        throw new RuntimeError(`Sizes of tensors must match except in dimension ${d}. Expected size ${ref._shape[k]} but got size ${t._shape[k]} for tensor number ${i} in the list.`);
      }
    }
    total += t._shape[d];
  });
  const shape = ref._shape.slice();
  shape[d] = total;
  const [outer, , inner] = around(shape, d);
  const out = allocStorage(dtype, numel(shape));
  let offset = 0;
  for (const t of tensors) {
    if (legacyEmpty(t)) continue;
    const block = t._shape[d] * inner;
    for (let o = 0; o < outer; o++) out.set(t._data.subarray(o * block, (o + 1) * block), o * total * inner + offset);
    offset += block;
  }
  return finishCat(tensors, new Tensor(out, shape), d);
}

function finishCat(tensors: readonly Tensor[], result: Tensor, d: number): Tensor {
  if (!is_grad_enabled() || !tensors.some((t) => t.requires_grad)) return result;
  return attach(result, 'CatBackward0', tensors, null, [], null, (g, needs) => {
    let start = 0;
    return tensors.map((t, i) => {
      if (legacyEmpty(t)) return needs[i] ? at.full([0], 0, g._dtype) : null;
      const size = t._shape[d];
      start += size;
      return needs[i] ? narrowSlice(g, d, start - size, size) : null;
    });
  });
}

/** `torch.stack(tensors, dim)`: StackBackward0; each input's gradient is grad.select(dim, i). */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new RuntimeError('stack expects a non-empty TensorList');
  const first = tensors[0];
  const d = normalizeDim(dim, first.ndim + 1);
  for (let i = 1; i < tensors.length; i++) {
    if (!sameShape(tensors[i]._shape, first._shape)) {
      throw new RuntimeError(`stack expects each tensor to be equal size, but got ${shapeStr(first._shape)} at entry 0 and ${shapeStr(tensors[i]._shape)} at entry ${i}`);
    }
  }
  const shape = [...first._shape.slice(0, d), tensors.length, ...first._shape.slice(d)];
  const [outer, size, inner] = around(shape, d);
  const out = allocStorage(resultType(tensors), numel(shape));
  for (let i = 0; i < size; i++) {
    const src = tensors[i]._data;
    for (let o = 0; o < outer; o++) out.set(src.subarray(o * inner, (o + 1) * inner), (o * size + i) * inner);
  }
  const result = new Tensor(out, shape);
  if (!is_grad_enabled() || !tensors.some((t) => t.requires_grad)) return result;
  return attach(result, 'StackBackward0', tensors, null, [], null, (g, needs) => tensors.map((_, i) => (needs[i] ? at.select(g, d, i) : null)));
}

/** The pieces of x along d, of the given sizes (views), outputs of one node `name` when recorded. */
function pieces(x: Tensor, d: number, sizes: readonly number[], name: string, formula: (grads: Tensor[]) => Tensor, drop = false): Tensor[] {
  const outs = pieceViews(x, d, sizes, drop);
  if (!shouldRecord(x) || outs.length === 0) return outs;
  const [first] = outs;
  attach(first, name, [x], null, [], null, null);
  const node = first._recordedGradFn as Node;
  const zerosFor = (i: number, like: Tensor): Tensor => at.full(outs[i]._shape, 0, like._dtype);
  node._setOutputs(outs.map((o) => ({ shape: o._shape.slice(), dtype: o._dtype })), (grads) => {
    const like = grads.find((g) => g !== null) as Tensor;
    return [formula(grads.map((g, i) => (g === null ? zerosFor(i, like) : (g as Tensor))))];
  });
  outs.forEach((o, nr) => o._setOutput(node, nr));
  return outs;
}

function splitDim(x: Tensor, dim: number): number {
  if (x.ndim === 0) throw new RuntimeError('split expects at least a 1-dimensional tensor');
  return normalizeDim(dim, x.ndim);
}

/** `x.split(split_size, dim)` (SplitBackward0) or `x.split([sizes], dim)` (SplitWithSizesBackward0). */
export function split(x: Tensor, split_size_or_sections: number | readonly number[], dim = 0): Tensor[] {
  if (typeof split_size_or_sections !== 'number') return splitWithSizes(x, split_size_or_sections, dim);
  const size = split_size_or_sections;
  const d = splitDim(x, dim);
  const n = x._shape[d];
  if (size < 0) throw new RuntimeError(`split expects split_size be non-negative, but got split_size=${size}`);
  if (size === 0 && n !== 0) throw new RuntimeError(`split_size can only be 0 if dimension size is 0, but got dimension size of ${n}`);
  const count = size === 0 ? 1 : Math.max(Math.ceil(n / size), 1);
  const sizes = new Array<number>(count).fill(size);
  sizes[count - 1] = size - (size * count - n);
  return pieces(x, d, sizes, 'SplitBackward0', (gs) => at.cat(gs, d));
}

function splitWithSizes(x: Tensor, sizes: readonly number[], dim: number): Tensor[] {
  const d = splitDim(x, dim);
  if (sizes.some((s) => s < 0)) {
    throw new RuntimeError(`split_with_sizes expects split_sizes have only non-negative entries, but got split_sizes=${shapeStr(sizes)}`);
  }
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total !== x._shape[d]) {
    throw new RuntimeError(
      `split_with_sizes expects split_sizes to sum exactly to ${x._shape[d]} (input tensor's size at dimension ${dim}), but got split_sizes=${shapeStr(sizes)}`,
    );
  }
  return pieces(x, d, sizes, 'SplitWithSizesBackward0', (gs) => at.cat(gs, d));
}

/** `x.chunk(chunks, dim)`: a split into pieces of ceil(size / chunks) (SplitBackward0). */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  if (x.ndim === 0) throw new RuntimeError('chunk expects at least a 1-dimensional tensor');
  if (chunks <= 0) throw new RuntimeError(`chunk expects \`chunks\` to be greater than 0, got: ${chunks}`);
  const d = normalizeDim(dim, x.ndim);
  const n = x._shape[d];
  const size = Math.ceil(n / chunks);
  if (size === 0 && n === 0) return splitWithSizes(x, new Array<number>(chunks).fill(0), d);
  return split(x, size, d);
}

/** `x.unbind(dim)`: the slices along dim (UnbindBackward0; its formula stacks their gradients). */
export function unbind(x: Tensor, dim = 0): Tensor[] {
  const d = normalizeDim(dim, x.ndim);
  if (x.ndim === 0) throw new IndexError(`Dimension specified as ${d} but tensor has no dimensions`);
  return pieces(x, d, new Array<number>(x._shape[d]).fill(1), 'UnbindBackward0', (gs) => at.stack(gs, d), true);
}

export type Indexing = 'ij' | 'xy';

const MESHGRID_WARNING = 'torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument.';

/** Tensors then an optional `{ indexing }`: `meshgrid(a, b)`, `meshgrid([a, b], { indexing: 'xy' })`. */
export type MeshgridArgs = Array<Tensor | readonly Tensor[] | { indexing?: Indexing }>;

/** `torch.meshgrid(*tensors, indexing)`: each input viewed along its own dim and expanded (ExpandBackward0). */
export function meshgrid(...args: MeshgridArgs): Tensor[] {
  const tensors: Tensor[] = [];
  let indexing: string | undefined;
  for (const a of args) {
    if (a instanceof Tensor) tensors.push(a);
    else if (Array.isArray(a)) tensors.push(...(a as readonly Tensor[]));
    else indexing = (a as { indexing?: Indexing }).indexing;
  }
  if (indexing === undefined) {
    warn(MESHGRID_WARNING);
    indexing = 'ij';
  }
  if (tensors.length === 0) throw new RuntimeError('meshgrid expects a non-empty TensorList');
  for (let i = 0; i + 1 < tensors.length; i++) {
    if (tensors[i].dtype !== tensors[i + 1].dtype) throw new RuntimeError('meshgrid expects all tensors to have the same dtype');
  }
  const refs = tensors.slice();
  const swap = indexing === 'xy' && refs.length >= 2;
  if (indexing !== 'xy' && indexing !== 'ij') throw new RuntimeError(`torch.meshgrid: indexing must be one of "xy" or "ij", but received: ${indexing}`);
  if (swap) [refs[0], refs[1]] = [refs[1], refs[0]];
  for (const t of refs) {
    if (t.ndim > 1) throw new RuntimeError(`torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: ${cppTensorString(t)}`);
  }
  const shape = refs.map((t) => t.numel());
  const grids = refs.map((t, i) => {
    const viewShape = shape.map((_, k) => (k === i ? -1 : 1));
    return expand(view(t, viewShape), shape);
  });
  if (swap) [grids[0], grids[1]] = [grids[1], grids[0]];
  return grids;
}
