// Loops shared by the elementwise ops: broadcast maps over flat typed arrays.

import type { Storage } from './dtype.js';
import { broadcastStrides, sameShape, type Shape } from './shape.js';

export type Fn1 = (x: number) => number;
export type Fn2 = (a: number, b: number) => number;
/** A gradient formula: upstream gradient, the inputs and the output at one position. */
export type GradFn2 = (g: number, a: number, b: number, out: number) => number;

export function map1(f: Fn1, x: Storage, out: Storage): Storage {
  for (let i = 0; i < out.length; i++) out[i] = f(x[i]);
  return out;
}

/**
 * Walk `outShape` in row-major order, calling `visit(i, ia, ib)` with the flat positions of the
 * two broadcast inputs. Fast paths for equal shapes and one-element inputs.
 */
export function walk2(outShape: Shape, aShape: Shape, bShape: Shape, n: number, visit: (i: number, ia: number, ib: number) => void): void {
  const aFull = sameShape(aShape, outShape);
  const bFull = sameShape(bShape, outShape);
  if (aFull && bFull) {
    for (let i = 0; i < n; i++) visit(i, i, i);
    return;
  }
  if (aFull && numelOf(bShape) === 1) {
    for (let i = 0; i < n; i++) visit(i, i, 0);
    return;
  }
  if (bFull && numelOf(aShape) === 1) {
    for (let i = 0; i < n; i++) visit(i, 0, i);
    return;
  }
  const nd = outShape.length;
  const as = broadcastStrides(aShape, outShape);
  const bs = broadcastStrides(bShape, outShape);
  const idx = new Array<number>(nd).fill(0);
  let ia = 0;
  let ib = 0;
  for (let i = 0; i < n; i++) {
    visit(i, ia, ib);
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]++;
      ia += as[d];
      ib += bs[d];
      if (idx[d] < outShape[d]) break;
      ia -= as[d] * outShape[d];
      ib -= bs[d] * outShape[d];
      idx[d] = 0;
    }
  }
}

function numelOf(shape: Shape): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/** out[i] = f(a[ia], b[ib]) over the broadcast shape. */
export function map2(f: Fn2, a: Storage, aShape: Shape, b: Storage, bShape: Shape, outShape: Shape, out: Storage): Storage {
  walk2(outShape, aShape, bShape, out.length, (i, ia, ib) => {
    out[i] = f(a[ia], b[ib]);
  });
  return out;
}

/** grad[i] = df(g[i], a[ia], b[ib], out[i]) over the broadcast shape (summed down by the engine). */
export function gradMap2(
  df: GradFn2,
  g: Storage,
  a: Storage,
  aShape: Shape,
  b: Storage,
  bShape: Shape,
  out: Storage,
  outShape: Shape,
  grad: Storage,
): Storage {
  walk2(outShape, aShape, bShape, grad.length, (i, ia, ib) => {
    grad[i] = df(g[i], a[ia], b[ib], out[i]);
  });
  return grad;
}

/** Copy `src` (shape `from`, broadcastable) into a new array of shape `to`: PyTorch's expand + contiguous. */
export function expandTo(src: Storage, from: Shape, to: Shape, out: Storage): Storage {
  walk2(to, from, to, out.length, (i, ia) => {
    out[i] = src[ia];
  });
  return out;
}

/**
 * The length of the rows PyTorch's vectorised binary loop (cpu_kernel_vec) runs over and whether it
 * vectorises them: TensorIterator drops size-1 dims and coalesces the inner ones while every operand
 * stays evenly strided; a row is vectorised where both inputs are contiguous along it or one of them is
 * a broadcast scalar (stride 0). `null` when nothing is vectorised (every element takes the scalar loop).
 */
export function vectorRow(outShape: Shape, aShape: Shape, bShape: Shape): number | null {
  const as = broadcastStrides(aShape, outShape);
  const bs = broadcastStrides(bShape, outShape);
  const dims: Array<[number, number, number, number]> = [];
  let os = 1;
  const outStrides = new Array<number>(outShape.length);
  for (let d = outShape.length - 1; d >= 0; d--) {
    outStrides[d] = os;
    os *= outShape[d];
  }
  for (let d = 0; d < outShape.length; d++) if (outShape[d] !== 1) dims.push([outShape[d], outStrides[d], as[d], bs[d]]);
  if (dims.length === 0) return 1;
  let [len, so, sa, sb] = dims[dims.length - 1];
  for (let d = dims.length - 2; d >= 0; d--) {
    const [n, o, a, b] = dims[d];
    if (o !== so * len || a !== sa * len || b !== sb * len) break;
    len *= n;
  }
  const vectorised = (sa === 1 && sb === 1) || (sa === 0 && sb === 1) || (sa === 1 && sb === 0);
  return vectorised ? len : null;
}

/**
 * f over two broadcast inputs as PyTorch's cpu_kernel_vec computes it: `vec` where its loop takes 16
 * elements of a row at a time (two vectors of 8), `scalar` on each row's last len mod 16 elements and
 * wherever the loop is not vectorised.
 */
export function map2Lanes(vec: Fn2, scalar: Fn2, a: Storage, aShape: Shape, b: Storage, bShape: Shape, outShape: Shape, out: Storage, width = 16): Storage {
  const row = vectorRow(outShape, aShape, bShape);
  const cut = row === null ? 0 : row - (row % width);
  const rowLen = row ?? 1;
  walk2(outShape, aShape, bShape, out.length, (i, ia, ib) => {
    out[i] = i % rowLen < cut ? vec(a[ia], b[ib]) : scalar(a[ia], b[ib]);
  });
  return out;
}
