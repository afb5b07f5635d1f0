// Advanced indexing: x[idx_tensors] (IndexBackward0), index_put / index_put_ (IndexPutBackward0) and
// the accumulating _index_put_impl_ of index's gradient (IndexPutImplBackward0); nonzero. Index tensors
// are broadcast together; bool (and deprecated uint8) masks become their nonzero() columns; the result's
// indexed dims stand where the first index tensor is when they are adjacent, else in front.

import { ArgumentTypeError, IndexError, RuntimeError } from '../../errors.js';
import { allocStorage, convertStorage, scalarTypeName, type Storage } from '../../tensor/dtype.js';
import { broadcastShapes, numel, shapeStr, stridesOf, type Shape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { attach, holdsSaved, shouldRecord } from '../../tensor/autograd/engine.js';
import { warn } from '../../warnings.js';
import { broadcastIndex } from './backward_ops.js';
import { applyInplace } from './inplace.js';
import { syncStorage } from '../../tensor/strided.js';
import { at } from './at.js';
import { unbind } from './cat.js';
import { unsqueeze } from './shape.js';

export type IndexList = ReadonlyArray<Tensor | null>;

/** `nonzero()`: the int64 [n, ndim] coordinates of the nonzero elements, in order; `{ as_tuple: true }`: one 1-d tensor per dim. */
export function nonzero(x: Tensor, options: { as_tuple: true }): Tensor[];
export function nonzero(x: Tensor, options?: { as_tuple?: false }): Tensor;
export function nonzero(x: Tensor, options?: { as_tuple?: boolean }): Tensor | Tensor[];
export function nonzero(x: Tensor, options: { as_tuple?: boolean } = {}): Tensor | Tensor[] {
  const nd = x.ndim;
  const strides = stridesOf(x._shape);
  const hits: number[] = [];
  for (let i = 0; i < x._data.length; i++) if (x._data[i] !== 0) hits.push(i);
  // PyTorch's as_tuple is nonzero().unbind(1) (of x.unsqueeze(0) for a 0-d x): views, CreationMeta MULTI_OUTPUT_NODE
  if (options.as_tuple === true) return unbind(nonzero(nd === 0 ? unsqueeze(x, 0) : x), 1);
  const out = allocStorage('int64', hits.length * nd);
  for (let k = 0; k < hits.length; k++) for (let d = 0; d < nd; d++) out[k * nd + d] = Math.floor(hits[k] / strides[d]) % x._shape[d];
  const result = new Tensor(out, [hits.length, nd]);
  // NOTE: PyTorch's CPU nonzero writes its result column by column: strides (1, N), not contiguous
  if (hits.length > 1 && nd > 1) result._strides = [1, hits.length];
  return result;
}

/** PyTorch's expandTensors: masks become long indices (one per mask dim), after their shapes are checked. */
function expandIndices(x: Tensor, indices: IndexList): Array<Tensor | null> {
  const out: Array<Tensor | null> = [];
  for (const t of indices) {
    if (t === null) {
      out.push(null);
      continue;
    }
    if (t._dtype === 'bool' || t._dtype === 'uint8') {
      if (t._dtype === 'uint8') warn('indexing with dtype torch.uint8 is now deprecated, please use a dtype torch.bool instead.');
      for (let j = 0; j < t.ndim; j++) {
        const src = out.length + j;
        if (src >= x.ndim || t._shape[j] !== x._shape[src]) {
          throw new IndexError(`The shape of the mask ${shapeStr(t._shape)} at index ${j} does not match the shape of the indexed tensor ${shapeStr(x._shape)} at index ${src}`);
        }
      }
      const cols = nonzero(t, { as_tuple: true }) as Tensor[];
      out.push(...(t.ndim === 0 ? cols.slice(0, 0) : cols));
    } else if (t._dtype === 'int64') {
      out.push(t);
    } else {
      throw new IndexError('tensors used as indices must be long, byte or bool tensors');
    }
  }
  return out;
}

/** Where x[indices] reads in x's storage, and the result's shape. */
export interface IndexPlan {
  offsets: Int32Array;
  shape: number[];
}

export function planIndex(x: Tensor, indices: IndexList): IndexPlan {
  const layout = indexLayout(x, indices);
  checkBounds(layout);
  return layout.plan;
}

interface Layout {
  /** The first element (in the result's order) whose index is out of range, or -1; and the kernel's message. */
  firstBad: number;
  badMessage: string;
  plan: IndexPlan;
}

/** Each index within its dim: PyTorch checks them last, element by element, in the kernel. */
function checkBounds(layout: Layout): void {
  if (layout.firstBad >= 0) throw new IndexError(layout.badMessage);
}

/** The result's shape and the storage offsets it reads (indices taken modulo their dim, negative ones wrapped). */
function indexLayout(x: Tensor, indices: IndexList): Layout {
  const idx = expandIndices(x, indices);
  if (idx.length > x.ndim) throw new IndexError(`too many indices for tensor of dimension ${x.ndim} (got ${idx.length})`);
  while (idx.length < x.ndim) idx.push(null);
  const adv = idx.flatMap((t, d) => (t === null ? [] : [d]));
  let bshape: number[] = [];
  for (const d of adv) {
    try {
      bshape = broadcastShapes(bshape, (idx[d] as Tensor)._shape);
    } catch {
      throw new IndexError(`shape mismatch: indexing tensors could not be broadcast together with shapes ${adv.map((e) => shapeStr((idx[e] as Tensor)._shape)).join(', ')}`);
    }
  }
  const nb = numel(bshape);
  for (const d of adv) {
    if (x._shape[d] === 0 && (idx[d] as Tensor).numel() > 0) throw new IndexError('index is out of bounds for dimension with size 0');
  }
  const strides = stridesOf(x._shape);
  const advOff = new Int32Array(nb);
  // the first index out of its dim's range at each broadcast position: the kernel's error there
  const bad: Array<string | null> = new Array<string | null>(nb).fill(null);
  for (const [k, d] of adv.entries()) {
    const t = idx[d] as Tensor;
    const map = broadcastIndex(bshape, t._shape);
    const size = x._shape[d];
    for (let b = 0; b < nb; b++) {
      let v = t._data[map[b]];
      if (bad[b] === null && (v < -size || v >= size)) bad[b] = `index ${v} is out of bounds for dimension ${k} with size ${size}`;
      if (v < 0) v += size;
      if (v >= 0 && v < size) advOff[b] += v * strides[d];
    }
  }
  const adjacent = adv.length === 0 || adv[adv.length - 1] - adv[0] === adv.length - 1;
  // the result as dims of (size, table): the plain dims and one block for the broadcast indices
  const rest = x._shape.map((_, d) => d).filter((d) => idx[d] === null);
  const dims: Array<{ size: number; table: Int32Array | null; d: number }> = rest.map((d) => ({ size: x._shape[d], table: null, d }));
  const block = { size: nb, table: advOff, d: -1 };
  const at0 = adjacent ? rest.filter((d) => d < adv[0]).length : 0;
  if (adv.length > 0) dims.splice(at0, 0, block);
  const shape: number[] = [];
  for (const e of dims) {
    if (e === block) shape.push(...bshape);
    else shape.push(e.size);
  }
  const n = numel(shape);
  const offsets = new Int32Array(n);
  const cnt = new Array<number>(dims.length).fill(0);
  const kb = dims.indexOf(block);
  let firstBad = -1;
  let badMessage = '';
  for (let i = 0; i < n; i++) {
    if (firstBad < 0 && kb >= 0 && bad[cnt[kb]] !== null) {
      firstBad = i;
      badMessage = bad[cnt[kb]] as string;
    }
    let off = 0;
    for (let k = 0; k < dims.length; k++) off += dims[k].table === null ? cnt[k] * strides[dims[k].d] : (dims[k].table as Int32Array)[cnt[k]];
    offsets[i] = off;
    for (let k = dims.length - 1; k >= 0; k--) {
      if (++cnt[k] < dims[k].size) break;
      cnt[k] = 0;
    }
  }
  return { firstBad, badMessage, plan: { offsets, shape } };
}

/** `x[indices]` with index tensors (null for a dim taken whole): IndexBackward0. */
export function index(x: Tensor, indices: IndexList): Tensor {
  const plan = planIndex(x, indices);
  const out = allocStorage(x._dtype, plan.offsets.length);
  for (let i = 0; i < out.length; i++) out[i] = x._data[plan.offsets[i]];
  const result = new Tensor(out, plan.shape);
  if (!shouldRecord(x)) return result;
  const n = x.numel();
  // NOTE: PyTorch's IndexBackward0 and IndexPutBackward0 save the indices: a backward frees them
  return holdsSaved(attach(result, 'IndexBackward0', [x], (g) => [accumulateAt(allocStorage(x._dtype, n), plan.offsets, g)], [], null, (g) => [
    indexPutImpl(at.zerosLike(x), indices, g, true),
  ]));
}

function accumulateAt(dst: Storage, offsets: Int32Array, g: Storage): Storage {
  for (let i = 0; i < offsets.length; i++) dst[offsets[i]] += g[i];
  return dst;
}

/** x with values (broadcast to the indexing result) written, or added, at x[indices]: a copy. */
function valuesMap(values: Tensor, plan: IndexPlan): Int32Array {
  try {
    return broadcastToIndex(values._shape, plan.shape);
  } catch {
    throw new RuntimeError(`shape mismatch: value tensor of shape ${shapeStr(values._shape)} cannot be broadcast to indexing result of shape ${shapeStr(plan.shape)}`);
  }
}

function putValues(x: Tensor, plan: IndexPlan, values: Tensor, map: Int32Array, accumulate: boolean): Storage {
  const out = x._data.slice();
  const v = values._data;
  const o = plan.offsets;
  if (accumulate) for (let i = 0; i < o.length; i++) out[o[i]] += v[map[i]];
  else for (let i = 0; i < o.length; i++) out[o[i]] = v[map[i]];
  return out;
}

function broadcastToIndex(from: Shape, to: Shape): Int32Array {
  const shape = broadcastShapes(from, to);
  if (shape.length !== to.length || shape.some((s, i) => s !== to[i])) throw new RuntimeError('shape mismatch');
  return broadcastIndex(to, from);
}

function checkPut(x: Tensor, values: Tensor): void {
  if (x._dtype !== values._dtype) {
    throw new RuntimeError(
      `Index put requires the source and destination dtypes match, got ${scalarTypeName(x._dtype)} for the destination and ${scalarTypeName(values._dtype)} for the source.`,
    );
  }
}

/** `x.index_put(indices, values, accumulate)`: IndexPutBackward0. */
export function index_put(x: Tensor, indices: IndexList, values: Tensor, accumulate: boolean | { accumulate?: boolean } = false): Tensor {
  const acc = typeof accumulate === 'boolean' ? accumulate : accumulate.accumulate ?? false;
  checkIndexArgs(indices);
  return indexPutNode(x, indices, values, acc, 'IndexPutBackward0');
}

function checkIndexArgs(indices: IndexList): void {
  if (!Array.isArray(indices)) throw new ArgumentTypeError('index_put(): argument \'indices\' must be tuple of Tensors');
  indices.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new ArgumentTypeError(`expected Tensor as element ${i} in argument 0, but got ${t === null ? 'NoneType' : typeof t}`);
  });
}

function indexPutNode(x: Tensor, indices: IndexList, values: Tensor, acc: boolean, name: string, castsValue = false): Tensor {
  const layout = indexLayout(x, indices);
  const plan = layout.plan;
  const map = valuesMap(values, plan);
  if (!castsValue) checkPut(x, values);
  checkBounds(layout);
  const put = castsValue && values._dtype !== x._dtype ? new Tensor(convertStorage(values._data, x._dtype), values._shape) : values;
  const result = new Tensor(putValues(x, plan, put, map, acc), x._shape);
  if (!shouldRecord(x, values)) return result;
  return holdsSaved(attach(result, name, [x, values], (g, needs) => {
    let gx: Storage | null = null;
    if (needs[0]) {
      gx = g.slice();
      if (!acc) for (const o of plan.offsets) gx[o] = 0;
    }
    let gv: Storage | null = null;
    if (needs[1]) {
      gv = allocStorage(values._dtype, plan.offsets.length);
      for (let i = 0; i < gv.length; i++) gv[i] = g[plan.offsets[i]];
    }
    return [gx, gv];
  }, [], [null, plan.shape], (g, needs) => [
    needs[0] ? (acc ? g : indexPutNode(g, indices, at.zerosLike(values), false, 'IndexPutBackward0')) : null,
    needs[1] ? index(g, indices) : null,
  ]));
}

/** at::_index_put_impl_ on a fresh tensor (index's gradient): IndexPutImplBackward0. */
function indexPutImpl(x: Tensor, indices: IndexList, values: Tensor, acc: boolean): Tensor {
  return indexPutNode(x, indices, values, acc, 'IndexPutImplBackward0');
}

/** `x.index_put_(indices, values, accumulate)`: in place (IndexPutBackward0; CopySlices on a view). */
export function index_put_(x: Tensor, indices: IndexList, values: Tensor, accumulate: boolean | { accumulate?: boolean } = false): Tensor {
  checkIndexArgs(indices);
  return indexPutInplace(x, indices, values, typeof accumulate === 'boolean' ? accumulate : accumulate.accumulate ?? false);
}

/**
 * canDispatchToMaskedFill: with one bool index (the rest null) and a one-element value, index_put_ runs
 * masked_fill_ with value.item(), which checks neither an overlap of value and self nor their dtypes.
 */
function dispatchesToMaskedFill(indices: IndexList, values: Tensor, acc: boolean): boolean {
  if (acc || values.numel() !== 1) return false;
  const given = indices.filter((t): t is Tensor => t !== null);
  return given.length === 1 && (given[0]._dtype === 'bool' || given[0]._dtype === 'uint8');
}

/** index_put_ with null entries allowed (setitem's dispatch_index_put_). */
export function indexPutInplace(x: Tensor, indices: IndexList, values: Tensor, acc: boolean): Tensor {
  const maskedFill = dispatchesToMaskedFill(indices, values, acc);
  return applyInplace(x, values, (a, b) => {
    try {
      return indexPutNode(a, indices, b as Tensor, acc, 'IndexPutBackward0', maskedFill);
    } catch (e) {
      if (e instanceof IndexError) partialWrite(x, a, indices, b as Tensor, acc, e.message);
      throw e;
    }
  }, { overlap: maskedFill ? 'none' : 'any', internal: false });
}

/**
 * PyTorch's kernel writes element by element and stops at the first index out of range: the elements
 * before it are written (and the version is not bumped).
 */
function partialWrite(x: Tensor, a: Tensor, indices: IndexList, values: Tensor, acc: boolean, message: string): void {
  let layout: Layout;
  try {
    layout = indexLayout(a, indices);
  } catch {
    return;
  }
  if (layout.firstBad <= 0 || layout.badMessage !== message || values._dtype !== x._dtype) return;
  const map = valuesMap(values, layout.plan);
  const o = layout.plan.offsets;
  for (let i = 0; i < layout.firstBad; i++) x._data[o[i]] = acc ? x._data[o[i]] + values._data[map[i]] : values._data[map[i]];
  syncStorage(x._data);
}

