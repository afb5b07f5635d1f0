// glibc 2.36's double expm1, log1p and tanh (Sun's fdlibm, with glibc's parallel polynomial evaluation),
// which PyTorch's scalar loops call through std::log1p / std::tanh; V8's Math.* differ in the last bit now
// and then. expm1 (and so tanh) as the x86-64 __expm1_fma ifunc variant runs it, a·b + c fused; log1p
// without (measured against libm.so.6: expm1 and tanh equal on 33000 inputs, log1p on all but 2).
// fdlibm: Copyright (C) 1993 by Sun Microsystems, Inc.; "Permission to use, copy, modify, and distribute
// this software is freely granted, provided that this notice is preserved."

import { fma } from './sleef.js';
import { exp as glibcExp } from './glibc_exp.js';

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

function high(x: number): number {
  f64[0] = x;
  return u32[1] | 0;
}

function withHigh(x: number, h: number): number {
  f64[0] = x;
  u32[1] = h >>> 0;
  return f64[0];
}

const LN2_HI = 6.9314718036912381649e-1;
const LN2_LO = 1.90821492927058770002e-10;
const INVLN2 = 1.442695040888963387;
const O_THRESHOLD = 7.09782712893383973096e2;
const Q = [1.0, -3.33333333333331316428e-2, 1.58730158725481460165e-3, -7.93650757867487942473e-5, 4.00821782732936239552e-6, -2.01099218183624371326e-7];

/** Reduce x to hi - lo = x - k·ln2: [k, x reduced, the correction c]. */
function reduce(x: number, hx: number, negative: boolean): [number, number, number] {
  let hi: number;
  let lo: number;
  let k: number;
  if (hx < 0x3ff0a2b2) {
    hi = negative ? x + LN2_HI : x - LN2_HI;
    lo = negative ? -LN2_LO : LN2_LO;
    k = negative ? -1 : 1;
  } else {
    k = Math.trunc(fma(INVLN2, x, negative ? -0.5 : 0.5));
    hi = fma(-k, LN2_HI, x);
    lo = k * LN2_LO;
  }
  const r = hi - lo;
  return [k, r, hi - r - lo];
}

/** glibc's expm1. */
export function expm1(x0: number): number {
  let hx = high(x0);
  const negative = hx < 0;
  hx &= 0x7fffffff;
  if (hx >= 0x4043687a) {
    if (hx >= 0x40862e42) {
      if (hx >= 0x7ff00000) return x0 !== x0 ? x0 + x0 : negative ? -1 : x0;
      if (x0 > O_THRESHOLD) return Infinity;
    }
    if (negative) return -1;
  }
  let k = 0;
  let x = x0;
  let c = 0;
  if (hx > 0x3fd62e42) [k, x, c] = reduce(x0, hx, negative);
  else if (hx < 0x3c900000) return x0;
  const hfx = 0.5 * x;
  const hxs = x * hfx;
  const h2 = hxs * hxs;
  const h4 = h2 * h2;
  const r1 = fma(h4, fma(hxs, Q[5], Q[4]), fma(h2, fma(hxs, Q[3], Q[2]), fma(hxs, Q[1], Q[0])));
  const t = fma(-r1, hfx, 3.0);
  let e = hxs * ((r1 - t) / fma(-x, t, 6.0));
  if (k === 0) return x - fma(x, e, -hxs);
  e = fma(x, e - c, -c);
  e -= hxs;
  if (k === -1) return fma(0.5, x - e, -0.5);
  if (k === 1) return x < -0.25 ? -2.0 * (e - (x + 0.5)) : fma(2.0, x - e, 1.0);
  if (k <= -2 || k > 56) {
    const y = 1.0 - (e - x);
    return withHigh(y, high(y) + (k << 20)) - 1.0;
  }
  if (k < 20) {
    const y = withHigh(1, 0x3ff00000 - (0x200000 >> k)) - (e - x);
    return withHigh(y, high(y) + (k << 20));
  }
  const y = x - (e + withHigh(0, (0x3ff - k) << 20)) + 1.0;
  return withHigh(y, high(y) + (k << 20));
}

const LP = [0.0, 6.66666666666673513e-1, 3.999999999940941908e-1, 2.857142874366239149e-1, 2.222219843214978396e-1, 1.818357216161805012e-1, 1.531383769920937332e-1, 1.479819860511658591e-1];

/** log(2^k·(1 + f)) with the correction c (glibc's tail of __log1p). */
function log1pKernel(k: number, f: number, c: number, hu: number): number {
  const hfsq = 0.5 * f * f;
  if (hu === 0) {
    if (f === 0) return k === 0 ? 0 : k * LN2_HI + (c + k * LN2_LO);
    const R = hfsq * (1.0 - 0.66666666666666666 * f);
    return k === 0 ? f - R : k * LN2_HI - (R - (k * LN2_LO + c) - f);
  }
  const s = f / (2.0 + f);
  const z = s * s;
  const z2 = z * z;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const R = z * LP[1] + z2 * (LP[2] + z * LP[3]) + z4 * (LP[4] + z * LP[5]) + z6 * (LP[6] + z * LP[7]);
  if (k === 0) return f - (hfsq - s * (hfsq + R));
  return k * LN2_HI - (hfsq - (s * (hfsq + R) + (k * LN2_LO + c)) - f);
}

/** glibc's log1p. */
export function log1p(x: number): number {
  const hx = high(x);
  const ax = hx & 0x7fffffff;
  if (hx < 0x3fda827a) {
    if (ax >= 0x3ff00000) return x === -1 ? -Infinity : NaN;
    if (ax < 0x3e200000) return ax < 0x3c900000 ? x : x - x * x * 0.5;
    if (hx > 0 || hx <= (0xbfd2bec3 | 0)) return log1pKernel(0, x, 0, 1);
  } else if (hx >= 0x7ff00000) {
    return x + x;
  }
  let u: number;
  let c: number;
  let hu: number;
  if (hx < 0x43400000) {
    u = 1.0 + x;
    hu = high(u);
    const k0 = (hu >> 20) - 1023;
    c = k0 > 0 ? 1.0 - (u - x) : x - (u - 1.0);
    c /= u;
  } else {
    u = x;
    hu = high(u);
    c = 0;
  }
  let k = (hu >> 20) - 1023;
  hu &= 0x000fffff;
  if (hu < 0x6a09e) {
    u = withHigh(u, hu | 0x3ff00000);
  } else {
    k += 1;
    u = withHigh(u, hu | 0x3fe00000);
    hu = (0x00100000 - hu) >> 2;
  }
  return log1pKernel(k, u - 1.0, c, hu);
}

/** glibc's tanh: ±1 beyond 22, else from expm1(±2|x|). */
export function tanh(x: number): number {
  const jx = high(x);
  const ix = jx & 0x7fffffff;
  if (ix >= 0x7ff00000) return jx >= 0 ? 1 / x + 1 : 1 / x - 1;
  let z: number;
  if (ix < 0x40360000) {
    if (x === 0) return x;
    if (ix < 0x3c800000) return x * (1 + x);
    if (ix >= 0x3ff00000) {
      const t = expm1(2 * Math.abs(x));
      z = 1 - 2 / (t + 2);
    } else {
      const t = expm1(-2 * Math.abs(x));
      z = -t / (t + 2);
    }
  } else {
    z = 1;
  }
  return jx >= 0 ? z : -z;
}

/** glibc 2.36's cosh (e_cosh.c): 1 + expm1²/(2·exp) near 0, (exp + 1/exp)/2 up to 22, exp/2 beyond. */
export function cosh(x: number): number {
  const a = Math.abs(x);
  if (a !== a) return x * x;
  const f = new Float64Array([a]);
  const hi = new Uint32Array(f.buffer)[1];
  if (hi < 0x40360000) {
    if (hi < 0x3fd62e43) {
      if (hi < 0x3c800000) return 1;
      const t = expm1(a);
      const w = 1 + t;
      return 1 + (t * t) / (w + w);
    }
    const t = glibcExp(a);
    return 0.5 * t + 0.5 / t;
  }
  if (hi < 0x40862e42) return 0.5 * glibcExp(a);
  const lo = new Uint32Array(f.buffer)[0];
  if (hi < 0x408633ce || (hi === 0x408633ce && lo <= 0x8fb9f87d)) {
    const w = glibcExp(0.5 * a);
    return 0.5 * w * w;
  }
  return Infinity;
}
