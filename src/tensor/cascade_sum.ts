// PyTorch's CPU sum, in its own order (aten/src/ATen/native/cpu/SumKernel.cpp, 1.13, AVX2), so that a
// float32 sum (and mean, mse_loss, the sums of broadcast gradients) is the same float32 number PyTorch
// gives, and a float64 one the same float64 number. PyTorch accumulates float32 in float32, in vectors of
// 8 lanes (4 for float64), four vectors at a time, with a cascade of partial sums that keeps numbers of
// like magnitude together; the TensorIterator first orders the dimensions (reduced ones innermost) and
// merges those that are contiguous with each other. Exact for tensors of fewer than 32,768 elements;
// larger ones PyTorch splits across its threads, in an order that depends on their number.

import type { Storage } from './dtype.js';

type Round = (x: number) => number;
const identity: Round = (x) => x;

/** ceil(log2(x)), at least 1 (c10's CeilLog2). */
function ceilLog2(x: number): number {
  if (x <= 2) return 1;
  return 32 - Math.clz32(x - 1);
}

/**
 * The partial sums' storage: levels (4) × rows (4) × lanes (8). Each result below is read before the next
 * call overwrites it, so one buffer serves every sum and a sum allocates nothing.
 */
const scratch = new Float64Array(4 * 4 * 8);

/**
 * Sums `size` rows of `nrows` columns at once (a column is `lanes` consecutive values), in levels of
 * partial sums: SumKernel's multi_row_sum. Leaves nrows × lanes sums at the start of `scratch`.
 */
function multiRowSum(x: Storage, r: Round, base: number, rowStride: number, colStride: number, size: number, nrows: number, lanes: number): Float64Array {
  const levels = 4;
  const levelPower = Math.max(4, Math.floor(ceilLog2(size) / levels));
  const levelStep = 2 ** levelPower;
  const levelMask = levelStep - 1;
  const w = nrows * lanes;
  const acc = scratch;
  acc.fill(0, 0, levels * w);
  let i = 0;
  for (; i + levelStep <= size; ) {
    for (let j = 0; j < levelStep; j++, i++) {
      const row = base + i * rowStride;
      for (let k = 0; k < nrows; k++) {
        const at = row + k * colStride;
        for (let l = 0; l < lanes; l++) acc[k * lanes + l] = r(acc[k * lanes + l] + x[at + l]);
      }
    }
    for (let j = 1; j < levels; j++) {
      for (let m = 0; m < w; m++) {
        acc[j * w + m] = r(acc[j * w + m] + acc[(j - 1) * w + m]);
        acc[(j - 1) * w + m] = 0;
      }
      if ((i & (levelMask * 2 ** (j * levelPower))) !== 0) break;
    }
  }
  for (; i < size; i++) {
    const row = base + i * rowStride;
    for (let k = 0; k < nrows; k++) {
      const at = row + k * colStride;
      for (let l = 0; l < lanes; l++) acc[k * lanes + l] = r(acc[k * lanes + l] + x[at + l]);
    }
  }
  for (let j = 1; j < levels; j++) for (let m = 0; m < w; m++) acc[m] = r(acc[m] + acc[j * w + m]);
  return acc;
}

/**
 * One row of `size` values (or vectors of `lanes`), read as four interleaved partial sums: row_sum. Leaves
 * `lanes` sums at the start of `scratch`.
 */
function rowSum(x: Storage, r: Round, base: number, stride: number, size: number, lanes: number): Float64Array {
  const ilp = 4;
  const sizeIlp = Math.floor(size / ilp);
  const partial = multiRowSum(x, r, base, stride * ilp, stride, sizeIlp, ilp, lanes);
  for (let i = sizeIlp * ilp; i < size; i++) {
    const at = base + i * stride;
    for (let l = 0; l < lanes; l++) partial[l] = r(partial[l] + x[at + l]);
  }
  for (let k = 1; k < ilp; k++) for (let l = 0; l < lanes; l++) partial[l] = r(partial[l] + partial[k * lanes + l]);
  return partial;
}

/** A contiguous inner reduction of `size0` values from `row`: vectors of W along the row, then the tail, then the lanes. */
function innerSum(x: Storage, r: Round, W: number, row: number, size0: number): number {
  const vecSize = Math.floor(size0 / W);
  const lanes = rowSum(x, r, row, W, vecSize, W);
  let acc = 0;
  for (let k = vecSize * W; k < size0; k++) acc = r(acc + x[row + k]);
  for (let l = 0; l < W; l++) acc = r(acc + lanes[l]);
  return acc;
}

class Summer {
  constructor(
    private readonly x: Storage,
    private readonly out: Float64Array,
    private readonly r: Round,
    /** Lanes of one vector: 8 float32, 4 float64. */
    private readonly width: number,
  ) {}

  private store(at: number, value: number): void {
    this.out[at] = this.r(this.out[at] + value);
  }

  /** One call of cascade_sum's 2-d loop: `size0` × `size1` values from `inBase`, into `out` from `outBase`. */
  loop2d(inBase: number, outBase: number, size0: number, size1: number, in0: number, in1: number, out0: number, out1: number): void {
    if (out0 !== 0 && out1 === 0) {
      [size0, size1, in0, in1, out0, out1] = [size1, size0, in1, in0, out1, out0];
    }
    const { x, r, width: W } = this;
    if (out0 !== 0 && out1 !== 0) {
      // not a reduction: out = out + x, elementwise
      for (let j = 0; j < size1; j++) for (let i = 0; i < size0; i++) this.store(outBase + j * out1 + i * out0, x[inBase + j * in1 + i * in0]);
      return;
    }
    if (in0 === 1 && size0 >= W) {
      // contiguous inner reduction: vectors of W along the row, then the tail, then the lanes
      for (let j = 0; j < size1; j++) this.store(outBase + j * out1, innerSum(x, r, W, inBase + j * in1, size0));
    } else if (in1 === 1 && size1 >= W) {
      // contiguous outer reduction: columns side by side, four vectors, then one, then single columns
      let j = 0;
      for (; j + 4 * W <= size1; j += 4 * W) {
        const sums = multiRowSum(x, r, inBase + j, in0, W, size0, 4, W);
        for (let m = 0; m < 4 * W; m++) this.store(outBase + (j + m) * out1, sums[m]);
      }
      for (; j + W <= size1; j += W) {
        const sums = rowSum(x, r, inBase + j, in0, size0, W);
        for (let m = 0; m < W; m++) this.store(outBase + (j + m) * out1, sums[m]);
      }
      for (; j < size1; j++) this.store(outBase + j * out1, rowSum(x, r, inBase + j, in0, size0, 1)[0]);
    } else if (in0 < in1) {
      for (let j = 0; j < size1; j++) this.store(outBase + j * out1, rowSum(x, r, inBase + j * in1, in0, size0, 1)[0]);
    } else {
      let j = 0;
      for (; j + 3 < size1; j += 4) {
        const sums = multiRowSum(x, r, inBase + j * in1, in0, in1, size0, 4, 1);
        for (let k = 0; k < 4; k++) this.store(outBase + (j + k) * out1, sums[k]);
      }
      for (; j < size1; j++) this.store(outBase + j * out1, rowSum(x, r, inBase + j * in1, in0, size0, 1)[0]);
    }
  }
}

/**
 * Σ x[0..n), as cascadeSum(x, [n], [true], float32)[0] forms it, without allocating: the 1-d sum of
 * mse_loss in the training step.
 */
export function cascadeSum1d(x: Storage, n: number, float32: boolean): number {
  const r = float32 ? Math.fround : identity;
  const W = float32 ? 8 : 4;
  // loop2d's two cases for one contiguous row, then its store into a zero output (which turns -0 into 0)
  return r(0 + (n >= W ? innerSum(x, r, W, 0, n) : rowSum(x, r, 0, 1, n, 1)[0]));
}

/**
 * Sum of `x` of `shape` (contiguous, or laid out with `strides`) over the dimensions where `reduced[d]` is
 * true, as PyTorch's CPU sum orders it. The result holds the kept dimensions in order (contiguous), rounded as `float32` says.
 */
export function cascadeSum(x: Storage, shape: readonly number[], reduced: readonly boolean[], float32: boolean, strides?: readonly number[]): Float64Array {
  const nd = shape.length;
  const inStride = new Array<number>(nd);
  const outStride = new Array<number>(nd);
  let s = 1;
  let o = 1;
  for (let d = nd - 1; d >= 0; d--) {
    inStride[d] = strides === undefined ? s : strides[d];
    s *= shape[d];
    outStride[d] = reduced[d] ? 0 : o;
    if (!reduced[d]) o *= shape[d];
  }
  const out = new Float64Array(o);
  if (s === 0) return out;
  // TensorIterator's order, innermost first: reduced dimensions by the input's strides, then kept ones by
  // the (contiguous) output's, which decide first
  let dims = [...Array(nd).keys()].filter((d) => shape[d] !== 1);
  dims.sort((a, b) => (reduced[a] !== reduced[b] ? (reduced[a] ? -1 : 1) : reduced[a] ? inStride[a] - inStride[b] : outStride[a] - outStride[b]));
  // merge neighbours that are contiguous with each other in both the input and the output
  const sizes: number[] = [];
  const ins: number[] = [];
  const outs: number[] = [];
  for (const d of dims) {
    const k = sizes.length - 1;
    if (k >= 0 && ins[k] * sizes[k] === inStride[d] && outs[k] * sizes[k] === outStride[d]) {
      sizes[k] *= shape[d];
      continue;
    }
    sizes.push(shape[d]);
    ins.push(inStride[d]);
    outs.push(outStride[d]);
  }
  while (sizes.length < 2) {
    sizes.push(1);
    ins.push(0);
    outs.push(0);
  }
  const summer = new Summer(x, out, float32 ? Math.fround : identity, float32 ? 8 : 4);
  // the outer dimensions, the first of them fastest
  const outer = sizes.length - 2;
  const counter = new Array<number>(outer).fill(0);
  for (;;) {
    let inBase = 0;
    let outBase = 0;
    for (let k = 0; k < outer; k++) {
      inBase += counter[k] * ins[k + 2];
      outBase += counter[k] * outs[k + 2];
    }
    summer.loop2d(inBase, outBase, sizes[0], sizes[1], ins[0], ins[1], outs[0], outs[1]);
    let k = 0;
    while (k < outer && ++counter[k] === sizes[k + 2]) counter[k++] = 0;
    if (k === outer) break;
  }
  return out;
}
