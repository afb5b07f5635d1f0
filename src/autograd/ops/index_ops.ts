// The indexing ops beside x[...]: index_select (IndexSelectBackward0; its gradient index_add,
// IndexAddBackward0), masked_fill(_) (MaskedFillBackward0/1), masked_select, take (TakeBackward0; its
// gradient put, PutBackward0) and where (WhereBackward0; the one-argument form is nonzero(as_tuple)).

import { IndexError, RuntimeError } from '../../errors.js';
import { allocStorage, checkScalarFits, get_default_dtype, isFloating, scalarTypeName, type DType, type Storage } from '../../tensor/dtype.js';
import { broadcastShapes, sameShape, shapeStr } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { attach, shouldRecord } from '../../tensor/autograd/engine.js';
import { warn } from '../../warnings.js';
import { nonzero, planIndex } from './advanced_index.js';
import { maskedFill, maskedFillTensor, maskedSelect, where as whereKernel } from './backward_ops.js';
import { applyInplace } from './inplace.js';
import { expand } from './reorder.js';
import type { Mask } from './at.js';

function maskOfTensor(mask: Tensor, op: string): Mask {
  if (mask._dtype === 'uint8') warn(`${op} received a mask with dtype torch.uint8, this behavior is now deprecated,please use a mask with dtype torch.bool instead.`);
  const data = new Uint8Array(mask.numel());
  for (let i = 0; i < data.length; i++) data[i] = mask._data[i] !== 0 ? 1 : 0;
  return { data, shape: mask._shape };
}

/** `x.index_select(dim, index)`: IndexSelectBackward0. */
export function index_select(x: Tensor, dim: number, index: Tensor): Tensor {
  if (index._dtype !== 'int64' && index._dtype !== 'int32') throw new RuntimeError('index_select(): Expected dtype int32 or int64 for index');
  if (index.ndim > 1) throw new IndexError('index_select(): Index is supposed to be a vector');
  const d = dim < 0 ? dim + Math.max(x.ndim, 1) : dim;
  const size = x.ndim === 0 ? 1 : x._shape[d];
  if (x.ndim > 1 && size === 0 && index.numel() > 0) throw new RuntimeError('index_select(): self indexing axis dim should be positive');
  for (let i = 0; i < index.numel(); i++) if (index._data[i] < 0 || index._data[i] >= size) throw new IndexError('index out of range in self');
  const plan = selectPlan(x, d, index);
  const out = allocStorage(x._dtype, plan.offsets.length);
  for (let i = 0; i < out.length; i++) out[i] = x._data[plan.offsets[i]];
  const result = new Tensor(out, plan.shape);
  if (!shouldRecord(x)) return result;
  const n = x.numel();
  // NOTE: index_select_backward's index_add_ into a 0-d input refuses an index of more than one element
  const refuse = (): void => {
    if (x.ndim === 0 && index.numel() > 1) throw new IndexError('Dimension specified as 0 but tensor has no dimensions');
  };
  return attach(result, 'IndexSelectBackward0', [x], (g) => {
    refuse();
    return [addAt(allocStorage(x._dtype, n), plan.offsets, g)];
  }, [index], null, (g) => {
    refuse();
    return [indexAdd(new Tensor(allocStorage(g._dtype, n), x._shape), d, index, g)];
  });
}

function selectPlan(x: Tensor, d: number, index: Tensor): { offsets: Int32Array; shape: number[] } {
  const long = new Tensor(allocStorage('int64', index.numel()), [index.numel()]);
  long._data.set(index._data);
  const idx: Array<Tensor | null> = [];
  for (let k = 0; k < d; k++) idx.push(null);
  idx.push(long);
  if (x.ndim === 0) return { offsets: new Int32Array(1), shape: [] };
  const plan = planIndex(x, idx);
  return { offsets: plan.offsets, shape: plan.shape };
}

function addAt(dst: Storage, offsets: Int32Array, g: Storage): Storage {
  for (let i = 0; i < offsets.length; i++) dst[offsets[i]] += g[i];
  return dst;
}

/** index_add (index_select's gradient): IndexAddBackward0. */
function indexAdd(x: Tensor, dim: number, index: Tensor, source: Tensor): Tensor {
  const plan = selectPlan(x, dim, index);
  const out = addAt(x._data.slice(), plan.offsets, source._data);
  const result = new Tensor(out, x._shape);
  if (!shouldRecord(x, source)) return result;
  return attach(result, 'IndexAddBackward0', [x, source], null, [], null, (g, needs) => [needs[0] ? g : null, needs[1] ? index_select(g, dim, index) : null]);
}

/** `x.masked_fill(mask, value)`: x (broadcast to the mask) with value where the mask is set. */
export function masked_fill(x: Tensor, mask: Tensor, value: number | Tensor): Tensor {
  const shape = broadcastShapes(mask._shape, x._shape);
  const self = sameShape(shape, x._shape) ? x : expand(x, shape);
  return fillMasked(self, mask, value);
}

function fillMasked(x: Tensor, mask: Tensor, value: number | Tensor): Tensor {
  const m = maskOfTensor(mask, 'masked_fill_');
  if (value instanceof Tensor) {
    if (value.ndim !== 0) throw new RuntimeError(`masked_fill_ only supports a 0-dimensional value tensor, but got tensor with ${value.ndim} dimension(s).`);
    return maskedFillTensor(x, m, value);
  }
  checkScalarFits(value, x._dtype, true);
  return maskedFill(x, m, value);
}

/** `x.masked_fill_(mask, value)`: in place; the mask broadcasts to x. */
export function masked_fill_(x: Tensor, mask: Tensor, value: number | Tensor): Tensor {
  const shape = broadcastShapes(x._shape, mask._shape);
  if (!sameShape(shape, x._shape)) throw new RuntimeError(`output with shape ${shapeStr(x._shape)} doesn't match the broadcast shape ${shapeStr(shape)}`);
  return applyInplace(x, value instanceof Tensor ? value : null, (a, b) => fillMasked(a, mask, b ?? (value as number)), { internal: false });
}

/** `x.masked_select(mask)`: the elements where the (broadcast) mask is set, 1-d. */
export function masked_select(x: Tensor, mask: Tensor): Tensor {
  broadcastShapes(mask._shape, x._shape);
  return maskedSelect(x, maskOfTensor(mask, 'masked_select'));
}

/** `x.take(index)`: x read as 1-d at the indices; the result has the index's shape (TakeBackward0). */
export function take(x: Tensor, index: Tensor): Tensor {
  if (index._dtype !== 'int64') throw new RuntimeError(`take(): Expected a long tensor for index, but got ${scalarTypeName(index._dtype)}`);
  const offsets = takeOffsets(x.numel(), index);
  const out = allocStorage(x._dtype, offsets.length);
  for (let i = 0; i < out.length; i++) out[i] = x._data[offsets[i]];
  const result = new Tensor(out, index._shape);
  if (!shouldRecord(x)) return result;
  const n = x.numel();
  return attach(result, 'TakeBackward0', [x], (g) => [addAt(allocStorage(x._dtype, n), offsets, g)], [x, index], null, (g) => [
    put(new Tensor(allocStorage(g._dtype, n), x._shape), index, g),
  ]);
}

function takeOffsets(n: number, index: Tensor): Int32Array {
  if (n === 0 && index.numel() > 0) throw new IndexError('take(): tried to take from an empty tensor');
  const offsets = new Int32Array(index.numel());
  for (let i = 0; i < offsets.length; i++) {
    const v = index._data[i];
    if (v < -n || v >= n) throw new IndexError(`out of range: tried to access index ${v} on a tensor of ${n} elements.`);
    offsets[i] = v < 0 ? v + n : v;
  }
  return offsets;
}

/** put(index, source, accumulate=True) (take's gradient): PutBackward0. */
function put(x: Tensor, index: Tensor, source: Tensor): Tensor {
  const offsets = takeOffsets(x.numel(), index);
  const result = new Tensor(addAt(x._data.slice(), offsets, source._data), x._shape);
  if (!shouldRecord(x, source)) return result;
  return attach(result, 'PutBackward0', [x, source], null, [], null, (g, needs) => [needs[0] ? g : null, needs[1] ? take(g, index) : null]);
}

/** A number operand of where: PyTorch's wrapped scalar, in the other operand's dtype when that can hold it. */
function scalarOperand(v: number, other: Tensor | number): Tensor {
  let dtype: DType = Number.isInteger(v) ? 'int64' : get_default_dtype();
  if (other instanceof Tensor && (isFloating(other._dtype) || Number.isInteger(v))) dtype = other._dtype;
  const s = allocStorage(dtype, 1);
  s[0] = v;
  return new Tensor(s, []);
}

/** `torch.where(cond, x, y)` (numbers allowed, all broadcast), or `torch.where(cond)`: nonzero(cond, as_tuple). */
export function where(cond: Tensor): Tensor[];
export function where(cond: Tensor, x: Tensor | number, y: Tensor | number): Tensor;
export function where(cond: Tensor, x?: Tensor | number, y?: Tensor | number): Tensor | Tensor[];
export function where(cond: Tensor, x?: Tensor | number, y?: Tensor | number): Tensor | Tensor[] {
  if (x === undefined && y === undefined) return nonzero(cond, { as_tuple: true });
  if (cond._dtype !== 'bool' && cond._dtype !== 'uint8') {
    throw new RuntimeError(`where expected condition to be a boolean tensor, but got a tensor with dtype ${scalarTypeName(cond._dtype)}`);
  }
  if (cond._dtype === 'uint8') warn('where received a uint8 condition tensor. This behavior is deprecated and will be removed in a future version of PyTorch. Use a boolean condition instead.');
  const a = x instanceof Tensor ? x : scalarOperand(x as number, y as Tensor | number);
  const b = y instanceof Tensor ? y : scalarOperand(y as number, a);
  broadcastShapes(broadcastShapes(cond._shape, a._shape), b._shape);
  const m: Mask = { data: cond._data as Uint8Array, shape: cond._shape };
  return whereKernel(m, a, b);
}

/** `x.where(cond, y)`: torch.where(cond, x, y). */
export function whereMethod(x: Tensor, cond: Tensor, y: Tensor | number): Tensor {
  return where(cond, x, y);
}

