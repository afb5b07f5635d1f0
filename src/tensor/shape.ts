// Shape helpers: sizes, strides, broadcasting, dim normalisation. No tensors here, only numbers.

import { IndexError, RuntimeError } from '../errors.js';

export type Shape = readonly number[];

export function numel(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

/** [outer, size, inner] of `shape` around `dim`: the elements before, along and after it. */
export function around(shape: Shape, dim: number): [number, number, number] {
  return [numel(shape.slice(0, dim)), shape[dim], numel(shape.slice(dim + 1))];
}

export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Row-major strides (in elements). */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** PyTorch's text for a shape: `[2, 3]`. */
export function shapeStr(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

/** `torch.Size([2, 3])`, as PyTorch prints a size. */
export function sizeStr(shape: Shape): string {
  return `torch.Size(${shapeStr(shape)})`;
}

/** NumPy broadcasting of two shapes; PyTorch's error text when they do not broadcast. */
export function broadcastShapes(a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  // from the last dim, so that the first mismatch reported is the rightmost one (PyTorch's infer_size)
  for (let i = n - 1; i >= 0; i--) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da !== db && da !== 1 && db !== 1) {
      throw new RuntimeError(
        `The size of tensor a (${da}) must match the size of tensor b (${db}) at non-singleton dimension ${i}`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Strides for reading an input of shape `inShape` as if broadcast to `outShape` (0 on expanded dims). */
export function broadcastStrides(inShape: Shape, outShape: Shape): number[] {
  const strides = stridesOf(inShape);
  const out = new Array<number>(outShape.length).fill(0);
  const offset = outShape.length - inShape.length;
  for (let i = 0; i < inShape.length; i++) {
    out[i + offset] = inShape[i] === 1 ? 0 : strides[i];
  }
  return out;
}

/** For each element of `shape` (row-major), its flat index in a tensor of shape `of` broadcast to it; null when `of` is `shape`. */
export function broadcastIndex(shape: Shape, of: Shape): Int32Array | null {
  if (sameShape(shape, of)) return null;
  const n = numel(shape);
  const idx = new Int32Array(n);
  const strides = broadcastStrides(of, shape);
  for (let i = 0; i < n; i++) {
    let rem = i;
    let j = 0;
    for (let d = shape.length - 1; d >= 0; d--) {
      j += (rem % shape[d]) * strides[d];
      rem = Math.floor(rem / shape[d]);
    }
    idx[i] = j;
  }
  return idx;
}

/** Resolve a possibly negative dim against `ndim`, with PyTorch's IndexError text. */
export function normalizeDim(dim: number, ndim: number): number {
  const lo = ndim === 0 ? -1 : -ndim;
  const hi = ndim === 0 ? 0 : ndim - 1;
  if (!Number.isInteger(dim) || dim < lo || dim > hi) {
    throw new IndexError(`Dimension out of range (expected to be in range of [${lo}, ${hi}], but got ${dim})`);
  }
  return dim < 0 ? dim + Math.max(ndim, 1) : dim;
}

/** Normalise a list of dims, rejecting repeats as PyTorch does. */
export function normalizeDims(dims: readonly number[], ndim: number): number[] {
  const out = dims.map((d) => normalizeDim(d, ndim));
  const seen = new Set<number>();
  for (const d of out) {
    if (seen.has(d)) throw new RuntimeError(`dim ${d} appears multiple times in the list of dims`);
    seen.add(d);
  }
  return out;
}

/** Resolve a `-1` in a reshape target, with PyTorch's error texts. */
export function inferReshape(shape: readonly number[], total: number): number[] {
  let infer = -1;
  let known = 1;
  for (let i = 0; i < shape.length; i++) {
    const s = shape[i];
    if (s === -1) {
      if (infer !== -1) throw new RuntimeError('only one dimension can be inferred');
      infer = i;
    } else if (!Number.isInteger(s) || s < 0) {
      throw new RuntimeError(`invalid shape dimension ${s}`);
    } else {
      known *= s;
    }
  }
  const out = shape.slice();
  if (infer !== -1) {
    if (known === 0 || total % known !== 0) {
      throw new RuntimeError(`shape '${shapeStr(shape)}' is invalid for input of size ${total}`);
    }
    out[infer] = total / known;
  } else if (known !== total) {
    throw new RuntimeError(`shape '${shapeStr(shape)}' is invalid for input of size ${total}`);
  }
  return out;
}
