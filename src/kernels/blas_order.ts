// The order in which PyTorch 1.13's float32 matrix products add, on this machine: Debian's PyTorch calls
// OpenBLAS 0.3.21 (DYNAMIC_ARCH, which picks its Haswell kernels on this AMD EPYC, with two threads), and
// each entry point rounds differently (found by comparing with PyTorch and the library itself, see
// test/fixtures/torch/gen_matmul_order.py):
//
// - sgemm (mm, addmm, bmm, linear): C is zeroed (beta 0), kept (beta 1) or scaled; k is cut into blocks
//   of at most GEMM_Q = 320 (a rest between 320 and 640 in two halves); per block each output is one
//   float32 fused multiply-add chain from 0, then added to C (fma(acc, alpha, C)). Some 8-row tiles of
//   the micro-kernel (sgemm_kernel_8x4_haswell_2.c: m8n4, and m8n6 at the edges of a 12-column panel) run
//   two chains, even and odd k, over the first k - k mod 8 steps, the rest into the even one, and add
//   them before C. Which outputs land in those tiles depends on the driver's blocking (level3.c) and,
//   above 262,144 multiply-adds, on how level3_thread.c splits the work between the two threads.
// - sgemv 't' (mv of a row-major matrix): outputs in fours by an 8-lane fma kernel, the last n mod 4 by
//   4-lane kernels with separately rounded products; dot lengths in blocks of 4096; the last m mod 4
//   elements added at the end. sgemv 'n' (a column-major matrix): columns in eights, fours, twos, ones.
// - sdot: 32 fma lanes over n - n mod 32 elements, summed pairwise, then the rest added in float64.
//
// PyTorch passes row-major C as its transpose, so BLAS's m is C's columns and n its rows (except for a
// single column, which it passes as is).

import type { Storage } from '../tensor/dtype.js';
import { fma32 } from '../math/fma.js';
import { sgemmN1 } from './sgemm_n1.js';

/** A matrix inside a flat array: element (i, j) is at offset + i*rs + j*cs. */
export interface MatView {
  data: Storage;
  offset: number;
  rs: number;
  cs: number;
}

/** OpenBLAS's Haswell sgemm parameters (gotoblas_HASWELL) and this machine's thread count. */
const GEMM_P = 320;
const GEMM_Q = 320;
const UNROLL_M = 8;
const UNROLL_N = 4;
const GEMM_R = 104512;
const THREADS = 2;
/** interface/gemm.c: at most this many multiply-adds run on one thread (SMP_THRESHOLD_MIN · GEMM_MULTITHREAD_THRESHOLD). */
const GEMM_SERIAL_WORK = 65536 * 4;
const SWITCH_RATIO = 2;
/** interface/gemv.c: below this many matrix elements gemv runs on one thread (2304 · GEMM_MULTITHREAD_THRESHOLD). */
const GEMV_SERIAL_WORK = 2304 * 4;
const GEMV_NBMAX = 4096;

/** Receives the tiles of C, in BLAS coordinates, in the order their k blocks are added. */
type TileFn = (i0: number, i1: number, j0: number, j1: number, ls: number, l: number, split: boolean) => void;

/**
 * One call of sgemm_kernel_8x4_haswell_2.c on rows [i0, i0 + m) and columns [j0, j0 + n) of C, k block
 * [ls, ls + l): its tiles, with `split` where the tile runs two chains.
 */
function microKernel(i0: number, m: number, j0: number, n: number, ls: number, l: number, tile: TileFn): void {
  let j = j0;
  while (n > 0) {
    const w = n > 11 ? 12 : n > 7 ? 8 : n > 3 ? 4 : n > 1 ? 2 : 1;
    const groups = Math.floor(m / 8);
    const rest = i0 + 8 * groups;
    if (w === 12 && m >= 16) {
      // COMPUTE_n12: m8n6 at the head of the left half, then m16n6 tiles alternating sides, an m8n6 tail
      for (let g = 0; g < groups; g++) {
        const r = i0 + 8 * g;
        const last = g === groups - 1;
        tile(r, r + 8, j, j + 6, ls, l, g === 0 || (last && groups % 2 === 0));
        tile(r, r + 8, j + 6, j + 12, ls, l, last && groups % 2 === 1);
      }
      if (rest < i0 + m) tile(rest, i0 + m, j, j + 12, ls, l, false);
    } else if (w === 4) {
      if (groups > 0) tile(i0, rest, j, j + 4, ls, l, true);
      if (rest < i0 + m) tile(rest, i0 + m, j, j + 4, ls, l, false);
    } else {
      tile(i0, i0 + m, j, j + w, ls, l, false);
    }
    j += w;
    n -= w;
  }
}

/** level3.c's and level3_thread.c's step in m: P, or half the rest rounded up to UNROLL_M when under 2P. */
function stepM(rest: number, threaded: boolean): number {
  if (rest >= 2 * GEMM_P) return GEMM_P;
  if (rest <= GEMM_P) return rest;
  const half = threaded ? Math.floor((rest + 1) / 2) : Math.floor(rest / 2);
  return Math.floor((half + UNROLL_M - 1) / UNROLL_M) * UNROLL_M;
}

/** The driver's step in k: Q, or half the rest when under 2Q (rounded up to UNROLL_M on one thread). */
function stepK(rest: number, threaded: boolean): number {
  if (rest >= 2 * GEMM_Q) return GEMM_Q;
  if (rest <= GEMM_Q) return rest;
  return threaded ? Math.floor((rest + 1) / 2) : Math.floor((Math.floor(rest / 2) + UNROLL_M - 1) / UNROLL_M) * UNROLL_M;
}

/** The columns of B one kernel call takes while B is packed: 12, else 4, else the rest. */
function packStep(rest: number): number {
  return rest >= 3 * UNROLL_N ? 3 * UNROLL_N : rest > UNROLL_N ? UNROLL_N : rest;
}

/** level3.c (one thread): the kernel calls for C [m × n] over k. */
function serialPlan(m: number, n: number, k: number, tile: TileFn): void {
  for (let js = 0; js < n; js += GEMM_R) {
    const minJ = Math.min(n - js, GEMM_R);
    for (let ls = 0, l = 0; ls < k; ls += l) {
      l = stepK(k - ls, false);
      let minI = stepM(m, false);
      for (let jjs = js, w = 0; jjs < js + minJ; jjs += w) {
        w = packStep(js + minJ - jjs);
        microKernel(0, minI, jjs, w, ls, l, tile);
      }
      for (let is = minI; is < m; is += minI) {
        minI = stepM(m - is, false);
        microKernel(is, minI, js, minJ, ls, l, tile);
      }
    }
  }
}

const ceilDiv = (a: number, b: number): number => Math.floor((a + b - 1) / b);

/** level3_thread.c's partition of C among threads: rows range_M (nthreads_m parts), columns range_N. */
function partitions(m: number, n: number): { rangeM: number[]; rangeN: number[]; threadsM: number } | null {
  let tm = THREADS;
  if (m < 2 * SWITCH_RATIO) tm = 1;
  else while (m < tm * SWITCH_RATIO) tm = Math.floor(tm / 2);
  let tn = 1;
  if (n >= SWITCH_RATIO * tm) {
    tn = ceilDiv(n, SWITCH_RATIO * tm);
    if (tm * tn > THREADS) tn = Math.floor(THREADS / tm);
  }
  if (tm * tn <= 1) return null;
  const rangeM = [0];
  for (let rest = m, part = 0; rest > 0; part++) {
    let w = Math.floor((rest + tm - part - 1) / (tm - part));
    rest -= w;
    if (rest < 0) w += rest;
    rangeM.push(rangeM[part] + w);
  }
  while (rangeM.length < tm + 1) rangeM.push(rangeM[rangeM.length - 1]);
  const rangeN = [0];
  for (let rest = n, j = 0; j < tn; j++) {
    let widthN = Math.floor((rest + tn - j - 1) / (tn - j));
    rest -= widthN;
    for (let i = 0; i < tm; i++) {
      let w = Math.floor((widthN + tm - i - 1) / (tm - i));
      if (w < SWITCH_RATIO) w = SWITCH_RATIO;
      widthN -= w;
      if (widthN < 0) {
        w += widthN;
        widthN = 0;
      }
      rangeN.push(rangeN[rangeN.length - 1] + w);
    }
  }
  return { rangeM, rangeN, threadsM: tm };
}

/** level3_thread.c's inner_thread for thread `pos`: its kernel calls, in its order. */
function threadPlan(k: number, rangeM: number[], rangeN: number[], tm: number, pos: number, tile: TileFn): void {
  const posN = Math.floor(pos / tm);
  const mFrom = rangeM[pos % tm];
  const mTo = rangeM[(pos % tm) + 1];
  if (mTo <= mFrom) return;
  const halves = (from: number, to: number, each: (js: number, w: number) => void): void => {
    const div = ceilDiv(to - from, 2);
    for (let js = from; js < to; js += div) each(js, Math.min(to - js, div));
  };
  const next = (c: number): number => (c + 1 >= (posN + 1) * tm ? posN * tm : c + 1);
  for (let ls = 0, l = 0; ls < k; ls += l) {
    l = stepK(k - ls, true);
    // (the first step in m halves as level3.c does, the later ones round (rest + 1) / 2)
    let minI = stepM(mTo - mFrom, false);
    // this thread's own part of B, packed in pieces, then the other threads' parts whole
    halves(rangeN[pos], rangeN[pos + 1], (js, w) => {
      for (let jjs = js, s = 0; jjs < js + w; jjs += s) {
        s = packStep(js + w - jjs);
        microKernel(mFrom, minI, jjs, s, ls, l, tile);
      }
    });
    for (let c = next(pos); c !== pos; c = next(c)) halves(rangeN[c], rangeN[c + 1], (js, w) => microKernel(mFrom, minI, js, w, ls, l, tile));
    for (let is = mFrom + minI; is < mTo; is += minI) {
      minI = stepM(mTo - is, true);
      let c = pos;
      do {
        halves(rangeN[c], rangeN[c + 1], (js, w) => microKernel(is, minI, js, w, ls, l, tile));
        c = next(c);
      } while (c !== pos);
    }
  }
}

/** Every tile of sgemm's C [m × n] (BLAS coordinates) over k, one thread or two as OpenBLAS decides. */
export function sgemmPlan(m: number, n: number, k: number, tile: TileFn): void {
  if (m === 0 || n === 0 || k === 0) return;
  const p = m * n * k > GEMM_SERIAL_WORK ? partitions(m, n) : null;
  if (p === null) return serialPlan(m, n, k, tile);
  const threads = p.threadsM * (p.rangeN.length - 1);
  for (let pos = 0; pos < threads; pos++) threadPlan(k, p.rangeM, p.rangeN, p.threadsM, pos, tile);
}

/**
 * out (row-major M × N at outOffset) = fma(A·B, alpha, out) as PyTorch's addmm calls sgemm and OpenBLAS
 * adds: `out` holds C already (zeros for mm; beta·self for addmm). float32.
 */
export function sgemm(A: MatView, B: MatView, M: number, K: number, N: number, out: Storage, outOffset: number, alpha = 1): void {
  const a = A.data;
  const b = B.data;
  // BLAS's m runs along C's columns (PyTorch passes Cᵀ = Bᵀ·Aᵀ), except for a single column
  const swapped = N !== 1;
  // one BLAS column: every output one chain per k block, which rows.wat's SIMD kernels form alike
  if (alpha === 1 && (!swapped || M === 1) && sgemmN1(A, B, M, K, N, out, outOffset, kThreaded(swapped ? N : M, 1, K))) return;
  const tile: TileFn = (i0, i1, j0, j1, ls, l, split) => {
    const r0 = swapped ? j0 : i0;
    const r1 = swapped ? j1 : i1;
    const c0 = swapped ? i0 : j0;
    const c1 = swapped ? i1 : j1;
    const two = split && l >= 8;
    const even = two ? l - (l % 8) : 0;
    for (let r = r0; r < r1; r++) {
      const ar = A.offset + r * A.rs;
      for (let c = c0; c < c1; c++) {
        let pa = ar + ls * A.cs;
        let pb = B.offset + ls * B.rs + c * B.cs;
        let acc = 0;
        let p = 0;
        if (two) {
          let odd = 0;
          for (; p < even; p += 2) {
            acc = fma32(a[pa], b[pb], acc);
            odd = fma32(a[pa + A.cs], b[pb + B.rs], odd);
            pa += 2 * A.cs;
            pb += 2 * B.rs;
          }
          for (; p < l; p++) {
            acc = fma32(a[pa], b[pb], acc);
            pa += A.cs;
            pb += B.rs;
          }
          acc = Math.fround(acc + odd);
        } else {
          for (; p < l; p++) {
            acc = fma32(a[pa], b[pb], acc);
            pa += A.cs;
            pb += B.rs;
          }
        }
        const o = outOffset + r * N + c;
        out[o] = alpha === 1 ? Math.fround(acc + out[o]) : fma32(acc, alpha, out[o]);
      }
    }
  };
  sgemmPlan(swapped ? N : M, swapped ? M : N, K, tile);
}

/** The ranges gemv_thread.c gives its threads over `len` rows or outputs (at least 4 each). */
function gemvRanges(len: number): number[] {
  const range = [0];
  for (let i = len, c = 0; i > 0; c++) {
    let w = Math.floor((i + THREADS - c - 1) / (THREADS - c));
    if (w < 4) w = 4;
    if (i < w) w = i;
    range.push(range[c] + w);
    i -= w;
  }
  return range;
}

/** The m mod 4 rest of gemv_t: y += (a0·x0 + a1·x1) + a2·x2, separately rounded products. */
function tDot4x4(a: Storage, ap: number, acs: number, x: Storage, xp: number, xs: number, nb: number): number {
  // 8 fma lanes: the first 4 elements (when nb mod 8 is 4) into lanes 0-3, then 8 at a time
  const lanes = LANES8;
  lanes.fill(0);
  const o0 = nb & 4;
  for (let e = 0; e < nb; e++) {
    const l = e < o0 ? e : (e - o0) & 7;
    lanes[l] = fma32(a[ap + e * acs], x[xp + e * xs], lanes[l]);
  }
  const s0 = Math.fround(lanes[0] + lanes[4]);
  const s1 = Math.fround(lanes[1] + lanes[5]);
  const s2 = Math.fround(lanes[2] + lanes[6]);
  const s3 = Math.fround(lanes[3] + lanes[7]);
  return Math.fround(Math.fround(s0 + s1) + Math.fround(s2 + s3));
}

const LANES8 = new Float64Array(8);
const LANES4 = new Float64Array(4);
const LANES4B = new Float64Array(4);

/** sgemv_kernel_4x2's sum of one output: 4 lanes of separately rounded products. */
function tDot4x2(a: Storage, ap: number, acs: number, x: Storage, xp: number, xs: number, nb: number): number {
  const lanes = LANES4;
  lanes.fill(0);
  for (let e = 0; e < nb; e++) lanes[e & 3] = Math.fround(lanes[e & 3] + Math.fround(a[ap + e * acs] * x[xp + e * xs]));
  return Math.fround(Math.fround(lanes[0] + lanes[1]) + Math.fround(lanes[2] + lanes[3]));
}

/** sgemv_kernel_4x1's: two sets of 4 lanes (the halves of every 8 elements), added lane by lane. */
function tDot4x1(a: Storage, ap: number, acs: number, x: Storage, xp: number, xs: number, nb: number): number {
  const u = LANES4;
  const v = LANES4B;
  u.fill(0);
  v.fill(0);
  const o0 = nb & 4;
  for (let e = 0; e < nb; e++) {
    const prod = Math.fround(a[ap + e * acs] * x[xp + e * xs]);
    if (e < o0) u[e] = Math.fround(u[e] + prod);
    else {
      const q = (e - o0) & 7;
      if (q < 4) u[q] = Math.fround(u[q] + prod);
      else v[q - 4] = Math.fround(v[q - 4] + prod);
    }
  }
  const t0 = Math.fround(u[0] + v[0]);
  const t1 = Math.fround(u[1] + v[1]);
  const t2 = Math.fround(u[2] + v[2]);
  const t3 = Math.fround(u[3] + v[3]);
  return Math.fround(Math.fround(t0 + t1) + Math.fround(t2 + t3));
}

/**
 * sgemv_t_4.c (Haswell) for outputs [j0, j1): y[j] += Σ_i A(i, j)·x[i] over i < m, where A(i, j) is at
 * a[aOff + j·ars + i·acs] (ars: the stride between outputs, acs: along the sum).
 */
function gemvTKernel(m: number, j0: number, j1: number, a: Storage, aOff: number, ars: number, acs: number, x: Storage, xOff: number, xs: number, y: Storage, yOff: number): void {
  const n = j1 - j0;
  if (m < 1 || n < 1) return;
  const m3 = m & 3;
  let m1 = m - m3;
  const m2 = (m & (GEMV_NBMAX - 1)) - m3;
  const fours = n - (n & 3);
  let NB = GEMV_NBMAX;
  let i0 = 0;
  while (NB === GEMV_NBMAX) {
    m1 -= NB;
    if (m1 < 0) {
      if (m2 === 0) break;
      NB = m2;
    }
    const xp = xOff + i0 * xs;
    let j = j0;
    for (; j < j0 + fours; j++) y[yOff + j] = Math.fround(y[yOff + j] + tDot4x4(a, aOff + j * ars + i0 * acs, acs, x, xp, xs, NB));
    if (n & 2) {
      const r0 = tDot4x2(a, aOff + j * ars + i0 * acs, acs, x, xp, xs, NB);
      const r1 = tDot4x2(a, aOff + (j + 1) * ars + i0 * acs, acs, x, xp, xs, NB);
      y[yOff + j] = Math.fround(y[yOff + j] + r0);
      y[yOff + j + 1] = Math.fround(y[yOff + j + 1] + r1);
      j += 2;
    }
    if (n & 1) y[yOff + j] = Math.fround(y[yOff + j] + tDot4x1(a, aOff + j * ars + i0 * acs, acs, x, xp, xs, NB));
    i0 += NB;
  }
  if (m3 === 0) return;
  const x0 = x[xOff + i0 * xs];
  const x1 = m3 > 1 ? x[xOff + (i0 + 1) * xs] : 0;
  const x2 = m3 > 2 ? x[xOff + (i0 + 2) * xs] : 0;
  for (let j = j0; j < j1; j++) {
    const p = aOff + j * ars + i0 * acs;
    let s = Math.fround(a[p] * x0);
    if (m3 > 1) s = Math.fround(s + Math.fround(a[p + acs] * x1));
    if (m3 > 2) s = Math.fround(s + Math.fround(a[p + 2 * acs] * x2));
    y[yOff + j] = Math.fround(s + y[yOff + j]);
  }
}

/**
 * mv through sgemv 't' (PyTorch's path for a row-major matrix): y[j] = Σ_i A(j, i)·x[i] for outputs j < n
 * and i < m, A(j, i) at a[aOff + j·ars + i·acs], into y (zeroed here, as beta 0 does).
 */
export function sgemvT(m: number, n: number, a: Storage, aOff: number, ars: number, acs: number, x: Storage, xOff: number, xs: number, y: Storage, yOff: number): void {
  for (let j = 0; j < n; j++) y[yOff + j] = 0;
  if (m === 0 || n === 0) return;
  const range = m * n < GEMV_SERIAL_WORK ? [0, n] : gemvRanges(n);
  for (let c = 0; c + 1 < range.length; c++) gemvTKernel(m, range[c], range[c + 1], a, aOff, ars, acs, x, xOff, xs, y, yOff);
}

/**
 * sgemv_n_4.c (Haswell) on rows [i0, i1) and columns [c0, c1): y[i] += Σ_j A(i, j)·x[j], A(i, j) at
 * a[aOff + i·ars + j·acs].
 */
function gemvNKernel(i0: number, i1: number, c0: number, c1: number, a: Storage, aOff: number, ars: number, acs: number, x: Storage, xOff: number, xs: number, y: Storage, yOff: number, lda: number): void {
  const m = i1 - i0;
  const n = c1 - c0;
  if (m < 1 || n < 1) return;
  const m3 = m & 3;
  let m1 = m - m3;
  const m2 = (m & (GEMV_NBMAX - 1)) - m3;
  let NB = GEMV_NBMAX;
  let r0 = i0;
  const eights = n - (n & 7);
  while (NB === GEMV_NBMAX) {
    m1 -= NB;
    if (m1 < 0) {
      if (m2 === 0) break;
      NB = m2;
    }
    // the first NB mod 16 rows of each 8- or 4-column group: even and odd columns apart; the rest one chain
    const pre = NB & 12;
    let j = c0;
    const group = (w: number): void => {
      for (let i = r0; i < r0 + NB; i++) {
        const ap = aOff + i * ars + j * acs;
        const xp = xOff + j * xs;
        if (i - r0 < pre) {
          let e = 0;
          let o = 0;
          for (let c = 0; c < w; c += 2) {
            e = fma32(a[ap + c * acs], x[xp + c * xs], e);
            o = fma32(a[ap + (c + 1) * acs], x[xp + (c + 1) * xs], o);
          }
          y[yOff + i] = Math.fround(Math.fround(o + e) + y[yOff + i]);
        } else {
          let acc = 0;
          for (let c = 0; c < w; c++) acc = fma32(a[ap + c * acs], x[xp + c * xs], acc);
          y[yOff + i] = Math.fround(acc + y[yOff + i]);
        }
      }
      j += w;
    };
    while (j < c0 + eights) group(8);
    if (n & 4) group(4);
    if (n & 2) {
      const x0 = x[xOff + j * xs];
      const x1 = x[xOff + (j + 1) * xs];
      for (let i = r0; i < r0 + NB; i++) {
        const ap = aOff + i * ars + j * acs;
        const t = Math.fround(y[yOff + i] + Math.fround(a[ap] * x0));
        y[yOff + i] = Math.fround(t + Math.fround(a[ap + acs] * x1));
      }
      j += 2;
    }
    if (n & 1) {
      const x0 = x[xOff + j * xs];
      for (let i = r0; i < r0 + NB; i++) y[yOff + i] = Math.fround(y[yOff + i] + Math.fround(a[aOff + i * ars + j * acs] * x0));
    }
    r0 += NB;
  }
  if (m3 === 0) return;
  // the last m mod 4 rows, in C; when lda is m mod 4 (one to three rows in all) its loop takes pairs of columns
  const paired = lda === m3;
  for (let r = 0; r < m3; r++) {
    const ap = aOff + (r0 + r) * ars;
    let t = 0;
    let c = 0;
    const prod = (q: number): number => Math.fround(a[ap + (c0 + q) * acs] * x[xOff + (c0 + q) * xs]);
    if (paired && m3 === 1) {
      for (; c < (n & -4); c += 4) t = Math.fround(t + Math.fround(Math.fround(Math.fround(prod(c) + prod(c + 1)) + prod(c + 2)) + prod(c + 3)));
    } else if (paired) {
      for (; c < (n & -4); c += 4) {
        t = Math.fround(t + Math.fround(prod(c) + prod(c + 1)));
        t = Math.fround(t + Math.fround(prod(c + 2) + prod(c + 3)));
      }
    }
    for (; c < n; c++) t = Math.fround(t + prod(c));
    y[yOff + r0 + r] = Math.fround(y[yOff + r0 + r] + t);
  }
}

/**
 * mv through sgemv 'n' (PyTorch's path for a column-major matrix): y[i] = Σ_j A(i, j)·x[j] for rows
 * i < m and j < n, A(i, j) at a[aOff + i·ars + j·acs], into y (zeroed here); lda is the leading
 * dimension PyTorch passes (its column stride, m for one column).
 */
export function sgemvN(m: number, n: number, a: Storage, aOff: number, ars: number, acs: number, x: Storage, xOff: number, xs: number, y: Storage, yOff: number, lda: number): void {
  for (let i = 0; i < m; i++) y[yOff + i] = 0;
  if (m === 0 || n === 0) return;
  if (m * n < GEMV_SERIAL_WORK) return gemvNKernel(0, m, 0, n, a, aOff, ars, acs, x, xOff, xs, y, yOff, lda);
  const rows = gemvRanges(m);
  if (rows.length > 2) {
    for (let c = 0; c + 1 < rows.length; c++) gemvNKernel(rows[c], rows[c + 1], 0, n, a, aOff, ars, acs, x, xOff, xs, y, yOff, lda);
    return;
  }
  // too few rows for two threads: each sums a range of columns from 0, added to y in turn
  const cols = gemvRanges(n);
  const part = new Float32Array(m);
  for (let c = 0; c + 1 < cols.length; c++) {
    part.fill(0);
    gemvNKernel(0, m, cols[c], cols[c + 1], a, aOff, ars, acs, x, xOff, xs, part, 0, lda);
    for (let i = 0; i < m; i++) y[yOff + i] = Math.fround(y[yOff + i] + part[i]);
  }
}

const LANES32 = new Float64Array(32);

/** sdot (Haswell) of contiguous x and y: 32 fma lanes over n - n mod 32, the rest added in float64. */
export function sdot(n: number, x: Storage, xOff: number, y: Storage, yOff: number): number {
  const n1 = n - (n % 32);
  let dot = 0;
  if (n1 > 0) {
    const l = LANES32;
    l.fill(0);
    for (let i = 0; i < n1; i++) l[i & 31] = fma32(x[xOff + i], y[yOff + i], l[i & 31]);
    // four ymm accumulators: high + low halves, then (a + b) + (c + d), then two horizontal adds
    const u = new Array<number>(4);
    for (let q = 0; q < 4; q++) {
      const a = Math.fround(l[q + 4] + l[q]);
      const b = Math.fround(l[8 + q + 4] + l[8 + q]);
      const c = Math.fround(l[16 + q + 4] + l[16 + q]);
      const d = Math.fround(l[24 + q + 4] + l[24 + q]);
      u[q] = Math.fround(Math.fround(a + b) + Math.fround(c + d));
    }
    dot = Math.fround(Math.fround(u[0] + u[1]) + Math.fround(u[2] + u[3]));
  }
  let tail = 0;
  for (let i = n1; i < n; i++) tail += Math.fround(y[yOff + i] * x[xOff + i]);
  return Math.fround(dot + tail);
}

/** ATen's own bmm kernel for small products (k·m·n < 400): float sums of separately rounded products. */
export function bmmSmall(A: MatView, B: MatView, m: number, k: number, n: number, out: Storage, outOffset: number): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let p = 0; p < k; p++) acc = Math.fround(acc + Math.fround(A.data[A.offset + i * A.rs + p * A.cs] * B.data[B.offset + p * B.rs + j * B.cs]));
      out[outOffset + i * n + j] = acc;
    }
  }
}

/** Whether ATen's bmm takes its own small kernel rather than BLAS. */
export const bmmIsSmall = (m: number, k: number, n: number): boolean => k * m * n < 400;

/** Whether sgemm of C [m × n] (BLAS coordinates) over k runs on two threads, which splits k's last blocks otherwise (stepK). */
export function kThreaded(m: number, n: number, k: number): boolean {
  return m * n * k > GEMM_SERIAL_WORK && partitions(m, n) !== null;
}

/**
 * The lengths of the k blocks sgemm adds one after the other for C [m × n] (BLAS coordinates): the same
 * for every output, on one thread or two.
 */
export function kBlocks(m: number, n: number, k: number): number[] {
  const threaded = kThreaded(m, n, k);
  const out: number[] = [];
  for (let ls = 0, l = 0; ls < k; ls += l) {
    l = stepK(k - ls, threaded);
    out.push(l);
  }
  return out;
}
