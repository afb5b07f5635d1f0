// Shape ops that reorder or repeat elements: permute (movedim, .T, .mT), flip, roll, repeat (tile),
// expand (expand_as) and narrow. PyTorch makes permute, expand and narrow strided views; here they are
// copies that carry PyTorch's strides (strides.ts). Each gives its derivatives.yaml formula over tensors,
// which also serves the plain backward (run unrecorded).

import { RuntimeError } from '../../errors.js';
import { warn } from '../../warnings.js';
import { allocStorage } from '../../tensor/dtype.js';
import { normalizeDim, normalizeDims, numel, shapeStr, stridesOf, type Shape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { attach, shouldRecord } from '../../tensor/autograd/engine.js';
import { at } from './at.js';
import { gatherDims, identityTables, table } from './dim_gather.js';
import { sumToShape } from './reduce.js';
import { transpose } from './shape.js';
import { virtualStrides } from './strides.js';
import { alias, expandView, permuteView } from './views.js';

type Formula = (g: Tensor) => Tensor;

/** A copy of x read through per-dim tables, recorded as `name` with the formula `grad` over tensors. */
function gathered(x: Tensor, shape: Shape, tables: readonly Int32Array[], name: string, grad: Formula): Tensor {
  const result = new Tensor(gatherDims(x._data, shape, tables, x._dtype), shape);
  if (!shouldRecord(x)) return result;
  return attach(result, name, [x], null, [], null, (g) => [grad(g)]);
}

/** Dims given PyTorch's ways: `f(0, 1)` or `f([0, 1])`. */
export type DimsArgs = [readonly number[]] | number[];

export function dimsOf(args: DimsArgs): number[] {
  return args.length === 1 && Array.isArray(args[0]) ? (args[0] as number[]).slice() : (args as number[]);
}

/** `x.permute(dims)`: PermuteBackward0, whose gradient is the inverse permutation of the gradient. */
export function permute(x: Tensor, ...args: DimsArgs): Tensor {
  const given = dimsOf(args);
  if (given.length !== x.ndim) {
    throw new RuntimeError(
      `permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = ${x.ndim} is not equal to len(dims) = ${given.length}`,
    );
  }
  const dims = given.map((d) => normalizeDim(d, x.ndim));
  if (new Set(dims).size !== dims.length) throw new RuntimeError('permute(): duplicate dims are not allowed.');
  const inverse = new Array<number>(dims.length);
  dims.forEach((d, i) => {
    inverse[d] = i;
  });
  const result = permuteView(x, dims, 'PermuteBackward0', (g) => permute(g, inverse));
  const vs = virtualStrides(x);
  result._strides = dims.map((d) => vs[d]);
  return result;
}

/** `torch.movedim(x, source, destination)`: a permute (PermuteBackward0). */
export function movedim(x: Tensor, source: number | readonly number[], destination: number | readonly number[]): Tensor {
  const src = typeof source === 'number' ? [source] : source.slice();
  const dst = typeof destination === 'number' ? [destination] : destination.slice();
  if (src.length !== dst.length) {
    throw new RuntimeError(
      `movedim: Invalid source or destination dims: source (${shapeStr(src)} dims) should contain the same number of dims as destination (${shapeStr(dst)} dims)`,
    );
  }
  const s = src.map((d) => normalizeDim(d, x.ndim));
  const t = dst.map((d) => normalizeDim(d, x.ndim));
  if (new Set(s).size !== s.length) throw new RuntimeError(`movedim: repeated dim in \`source\` (${shapeStr(src)})`);
  if (new Set(t).size !== t.length) throw new RuntimeError(`movedim: repeated dim in \`destination\` (${shapeStr(dst)})`);
  const nd = Math.max(x.ndim, 1);
  const order = new Array<number>(nd).fill(-1);
  s.forEach((d, i) => {
    order[t[i]] = d;
  });
  if (x.ndim === 0) return alias(x); // at::movedim of a 0-d tensor: self.alias() (AliasBackward0)
  const rest = [...Array(nd).keys()].filter((d) => !s.includes(d));
  let k = 0;
  for (let i = 0; i < nd; i++) if (order[i] === -1) order[i] = rest[k++];
  return permute(x, x.ndim === 0 ? [] : order);
}

const T_WARNING =
  'The use of `x.T` on tensors of dimension other than 2 to reverse their shape is deprecated and it will throw an error in a future release. ' +
  'Consider `x.mT` to transpose batches of matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the dimensions of a tensor.';

/** `x.T`: the dims reversed (PermuteBackward0), with PyTorch's deprecation warning unless x is 2-d. */
export function numpyT(x: Tensor): Tensor {
  if (x.ndim !== 2) warn(T_WARNING);
  return permute(x, [...Array(x.ndim).keys()].reverse());
}

/** `x.mT`: the last two dims swapped (TransposeBackward0). */
export function matrixT(x: Tensor): Tensor {
  if (x.ndim === 0) return x; // NOTE: PyTorch 1.13's x.mT of a 0-d tensor is x itself
  if (x.ndim < 2) throw new RuntimeError(`tensor.mT is only supported on matrices or batches of matrices. Got ${x.ndim}-D tensor.`);
  return transpose(x, -2, -1);
}

/** `x.flip(dims)`: FlipBackward0, whose gradient is the gradient flipped. */
export function flip(x: Tensor, ...args: DimsArgs): Tensor {
  const dims = normalizeDims(dimsOf(args), x.ndim);
  const strides = stridesOf(x._shape);
  const tables = x._shape.map((n, d) => table(n, strides[d], dims.includes(d) ? (i) => n - 1 - i : undefined));
  return gathered(x, x._shape, tables, 'FlipBackward0', (g) => flip(g, dims));
}

/** `x.roll(shifts, dims)`: RollBackward0 (no dims: over the flattened tensor, shape kept). */
export function roll(x: Tensor, shifts: number | readonly number[], dims: number | readonly number[] | null = null): Tensor {
  const sh = typeof shifts === 'number' ? [shifts] : shifts.slice();
  const ds = dims === null ? [] : typeof dims === 'number' ? [dims] : dims.slice();
  if (sh.length === 0) throw new RuntimeError('`shifts` required');
  if (ds.length === 0 && sh.length === 1) {
    const n = x.numel();
    const s = n === 0 ? 0 : ((sh[0] % n) + n) % n;
    const t = table(n, 1, (i) => (i - s + n) % n);
    const result = new Tensor(gatherDims(x._data, [n], [t], x._dtype), x._shape);
    if (!shouldRecord(x)) return result;
    return attach(result, 'RollBackward0', [x], null, [], null, (g) => [roll(g, -sh[0])]);
  }
  if (sh.length !== ds.length) throw new RuntimeError(`shifts and dimensions must align. shifts: ${sh.length}, dims:${ds.length}`);
  const nd = ds.map((d) => normalizeDim(d, x.ndim));
  const strides = stridesOf(x._shape);
  const tables = x._shape.map((n, d) => {
    let s = 0;
    nd.forEach((dd, i) => {
      if (dd === d) s += sh[i];
    });
    s = ((s % n) + n) % n;
    return table(n, strides[d], (i) => (i - s + n) % n);
  });
  return gathered(x, x._shape, tables, 'RollBackward0', (g) => roll(g, sh.map((s) => -s), ds));
}

/** `x.repeat(sizes)`: RepeatBackward0 (repeat_backward: reshape to (repeat, size) pairs, sum the repeats). */
export function repeat(x: Tensor, ...args: DimsArgs): Tensor {
  const repeats = dimsOf(args);
  if (repeats.length < x.ndim) throw new RuntimeError('Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor');
  const lead = repeats.length - x.ndim;
  const padded = [...new Array<number>(lead).fill(1), ...x._shape];
  const shape = padded.map((s, d) => s * repeats[d]);
  const bad = shape.find((s) => s < 0);
  if (bad !== undefined) throw new RuntimeError(`Trying to create tensor with negative dimension ${bad}: ${shapeStr(shape)}`);
  const strides = stridesOf(padded);
  const tables = shape.map((n, d) => table(n, strides[d], (i) => i % padded[d]));
  return gathered(x, shape, tables, 'RepeatBackward0', (g) => repeatBackward(g, repeats, x._shape));
}

function repeatBackward(grad: Tensor, repeats: readonly number[], inputShape: Shape): Tensor {
  if (repeats.includes(0)) return at.full(inputShape, 0, grad._dtype);
  let g = grad;
  const lead = g.ndim - inputShape.length;
  for (let i = 0; i < lead; i++) g = at.sum(g, [0], false);
  const gradSize: number[] = [];
  const sumDims: number[] = [];
  inputShape.forEach((s, d) => {
    const r = repeats[d + lead];
    if (r !== 1) {
      gradSize.push(r);
      sumDims.push(gradSize.length - 1);
    }
    gradSize.push(s);
  });
  if (sumDims.length === 0) return g;
  return at.sum(at.reshape(g, gradSize), sumDims, false);
}

/** `x.tile(dims)`: repeat with the dims padded by leading 1s (RepeatBackward0). */
export function tile(x: Tensor, ...args: DimsArgs): Tensor {
  const dims = dimsOf(args);
  return repeat(x, [...new Array<number>(Math.max(x.ndim - dims.length, 0)).fill(1), ...dims]);
}

/** `x.expand(sizes)` (-1 keeps a size): ExpandBackward0, with PyTorch's checks. */
export function expand(x: Tensor, ...args: DimsArgs): Tensor {
  const sizes = dimsOf(args);
  if (sizes.length < x.ndim) {
    throw new RuntimeError(
      `expand(torch.${x._dtype === 'float64' ? 'Double' : 'Float'}Tensor{${shapeStr(x._shape)}}, size=${shapeStr(sizes)}): the number of sizes provided (${sizes.length}) must be greater or equal to the number of dimensions in the tensor (${x.ndim})`,
    );
  }
  const lead = sizes.length - x.ndim;
  // PyTorch's inferExpandGeometry checks from the last dim
  const shape = new Array<number>(sizes.length);
  for (let d = sizes.length - 1; d >= 0; d--) shape[d] = expandedSize(d);
  function expandedSize(d: number): number {
    const s = sizes[d];
    if (d < lead) {
      if (s < 0) throw new RuntimeError(`The expanded size of the tensor (${s}) isn't allowed in a leading, non-existing dimension ${d}`);
      return s;
    }
    const have = x._shape[d - lead];
    if (s === -1) return have;
    if (have !== s && have !== 1) {
      throw new RuntimeError(
        `The expanded size of the tensor (${s}) must match the existing size (${have}) at non-singleton dimension ${d}.  Target sizes: ${shapeStr(sizes)}.  Tensor sizes: ${shapeStr(x._shape)}`,
      );
    }
    return s;
  }
  return expandView(x, shape, 'ExpandBackward0', (g) => sumToShape(g, x._shape));
}

/** `x.expand_as(other)`: x.expand(other.size()). */
export function expand_as(x: Tensor, other: Tensor): Tensor {
  return expand(x, other._shape);
}

/**
 * `x.narrow(dim, start, length)` as derivative formulas use it (cat's and split's backward): a slice,
 * SliceBackward0, whose gradient is slice_backward's zeros with the gradient in place (SliceBackwardBackward0).
 */
export function narrowSlice(x: Tensor, dim: number, start: number, length: number): Tensor {
  const strides = stridesOf(x._shape);
  const tables = identityTables(x._shape);
  tables[dim] = table(length, strides[dim], (i) => i + start);
  const shape = x._shape.slice();
  shape[dim] = length;
  const result = gathered(x, shape, tables, 'SliceBackward0', (g) => sliceBackward(g, x._shape, dim, start));
  result._strides = virtualStrides(x).slice();
  return result;
}

function sliceBackward(g: Tensor, sizes: Shape, dim: number, start: number): Tensor {
  const out = allocStorage(g._dtype, numel(sizes));
  const outer = numel(sizes.slice(0, dim));
  const inner = numel(sizes.slice(dim + 1));
  const n = g._shape[dim];
  for (let o = 0; o < outer; o++) {
    const src = o * n * inner;
    out.set(g._data.subarray(src, src + n * inner), (o * sizes[dim] + start) * inner);
  }
  const result = new Tensor(out, sizes);
  if (!shouldRecord(g)) return result;
  return attach(result, 'SliceBackwardBackward0', [g], null, [], null, (gg) => [narrowSlice(gg, dim, start, n)]);
}
