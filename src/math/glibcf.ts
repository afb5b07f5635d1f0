// glibc 2.36's float32 expm1f, tanhf, expf, exp2f, log1pf and sinhf (Sun's fdlibm, float versions by Cygnus), which PyTorch's scalar
// loops call through std::tanh(float): every step in float32, no fused multiply-adds (x86-64 glibc is
// built without FMA). Not correctly rounded, so fround(Math.tanh(x)) differs from them now and then.
// fdlibm: Copyright (C) 1993 by Sun Microsystems, Inc.; "Permission to use, copy, modify, and distribute
// this software is freely granted, provided that this notice is preserved."

import { hexFloat } from './hexfloat.js';
import { fma } from './sleef.js';

const fr = Math.fround;
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

function bitsOf(x: number): number {
  f32[0] = x;
  return u32[0];
}

function fromBits(b: number): number {
  u32[0] = b >>> 0;
  return f32[0];
}

const O_THRESHOLD = fr(8.8721679688e1);
const LN2_HI = fr(6.9313812256e-1);
const LN2_LO = fr(9.0580006145e-6);
const INVLN2 = fr(1.4426950216);
const Q1 = fr(-3.3333335072e-2);
const Q2 = fr(1.5873016091e-3);
const Q3 = fr(-7.936507609e-5);
const Q4 = fr(4.0082177293e-6);
const Q5 = fr(-2.0109921195e-7);

/** Reduce x to hi - lo = x - k·ln2; returns [k, x reduced, c] (fdlibm's argument reduction). */
function reduce(x: number, hx: number, negative: boolean): [number, number, number] {
  let hi: number;
  let lo: number;
  let k: number;
  if (hx < 0x3f851592) {
    hi = negative ? fr(x + LN2_HI) : fr(x - LN2_HI);
    lo = negative ? -LN2_LO : LN2_LO;
    k = negative ? -1 : 1;
  } else {
    k = Math.trunc(fr(fr(INVLN2 * x) + (negative ? -0.5 : 0.5)));
    hi = fr(x - fr(k * LN2_HI));
    lo = fr(k * LN2_LO);
  }
  const r = fr(hi - lo);
  return [k, r, fr(fr(hi - r) - lo)];
}

/** 2^k·y for a float y near 1, by adding k to its exponent bits. */
function addExponent(y: number, k: number): number {
  return fromBits(bitsOf(y) + (k << 23));
}

/** glibc's expm1f. */
export function expm1f(x0: number): number {
  const x = fr(x0);
  let hx = bitsOf(x);
  const negative = (hx & 0x80000000) !== 0;
  hx &= 0x7fffffff;
  if (hx >= 0x4195b844) {
    if (hx >= 0x42b17218) {
      if (hx > 0x7f800000) return x + x;
      if (hx === 0x7f800000) return negative ? -1 : x;
      if (x > O_THRESHOLD) return Infinity;
    }
    if (negative) return -1;
  }
  let k = 0;
  let xr = x;
  let c = 0;
  if (hx > 0x3eb17218) [k, xr, c] = reduce(x, hx, negative);
  else if (hx < 0x33000000) return x;
  const hfx = fr(0.5 * xr);
  const hxs = fr(xr * hfx);
  const r1 = fr(1 + fr(hxs * fr(Q1 + fr(hxs * fr(Q2 + fr(hxs * fr(Q3 + fr(hxs * fr(Q4 + fr(hxs * Q5))))))))));
  const t = fr(3 - fr(r1 * hfx));
  let e = fr(hxs * fr(fr(r1 - t) / fr(6 - fr(xr * t))));
  if (k === 0) return fr(xr - fr(fr(xr * e) - hxs));
  e = fr(fr(xr * fr(e - c)) - c);
  e = fr(e - hxs);
  if (k === -1) return fr(fr(0.5 * fr(xr - e)) - 0.5);
  if (k === 1) return xr < -0.25 ? fr(-2 * fr(e - fr(xr + 0.5))) : fr(1 + fr(2 * fr(xr - e)));
  if (k <= -2 || k > 56) return fr(addExponent(fr(1 - fr(e - xr)), k) - 1);
  if (k < 23) return addExponent(fr(fromBits(0x3f800000 - (0x1000000 >> k)) - fr(e - xr)), k);
  return addExponent(fr(fr(xr - fr(e + fromBits((0x7f - k) << 23))) + 1), k);
}

/** glibc's tanhf: ±1 beyond 22, else from expm1f(±2|x|). */
export function tanhf(x0: number): number {
  const x = fr(x0);
  const jx = bitsOf(x);
  const ix = jx & 0x7fffffff;
  const negative = (jx & 0x80000000) !== 0;
  if (ix >= 0x7f800000) return negative ? fr(1 / x - 1) : fr(1 / x + 1);
  let z: number;
  if (ix < 0x41b00000) {
    if (ix === 0) return x;
    if (ix < 0x24000000) return fr(x * fr(1 + x));
    if (ix >= 0x3f800000) {
      const t = expm1f(fr(2 * Math.abs(x)));
      z = fr(1 - fr(2 / fr(t + 2)));
    } else {
      const t = expm1f(fr(-2 * Math.abs(x)));
      z = fr(-t / fr(t + 2));
    }
  } else {
    z = 1;
  }
  return negative ? -z : z;
}

// ---- expf: glibc 2.36's (Szabolcs Nagy's, sysdeps/ieee754/flt-32/e_expf.c), as x86-64 glibc runs it on an
// FMA-capable CPU (the __expf_fma ifunc variant: the same C compiled with -mfma, its a·b + c fused) ----

const EXP2F_BITS = 5;
const EXP2F_N = 1 << EXP2F_BITS;

/** round(2^(52 + i/32)) by an integer 32nd root with guard bits: the mantissas of glibc's 2^(i/N) table. */
function exp2Mantissa(i: number): bigint {
  const guard = 24n;
  const a = 1n << (BigInt(EXP2F_N) * (52n + guard) + BigInt(i));
  let x = BigInt(Math.floor(2 ** (52 + i / EXP2F_N))) << guard;
  const n = BigInt(EXP2F_N);
  for (let k = 0; k < 100; k++) {
    const next = ((n - 1n) * x + a / x ** (n - 1n)) / n;
    if (next === x || next === x + 1n || next === x - 1n) {
      x = next;
      break;
    }
    x = next;
  }
  while (x ** n > a) x -= 1n;
  while ((x + 1n) ** n <= a) x += 1n;
  return (x + (1n << (guard - 1n))) >> guard;
}

/** tab[i] = bits(2^(i/N)) - (i << 52-BITS), as e_exp2f_data.c defines it. */
const EXP2F_TAB: readonly bigint[] = Array.from({ length: EXP2F_N }, (_, i) => 0x3ff0000000000000n + (exp2Mantissa(i) - (1n << 52n)) - (BigInt(i) << BigInt(52 - EXP2F_BITS)));
const INVLN2N = hexFloat('0x1.71547652b82fep+0') * EXP2F_N;
const SHIFT = hexFloat('0x1.8p+52');
const EXPF_C0 = hexFloat('0x1.c6af84b912394p-5') / EXP2F_N / EXP2F_N / EXP2F_N;
const EXPF_C1 = hexFloat('0x1.ebfce50fac4f3p-3') / EXP2F_N / EXP2F_N;
const EXPF_C2 = hexFloat('0x1.62e42ff0c52d6p-1') / EXP2F_N;
const EXPF_OVERFLOW = hexFloat('0x1.62e42ep+6');
const EXPF_UNDERFLOW = -hexFloat('0x1.9fe368p+6');

const d64 = new Float64Array(1);
const b64 = new BigUint64Array(d64.buffer);

/**
 * The end of glibc's expf and exp2f: float32(2^(ki/N) · (1 + c2·r + (c0·r + c1)·r²)), 2^(ki/N) from the
 * table with ki's high bits added to its exponent, the cubic in double with fused multiply-adds.
 */
function scaledCubic(ki: bigint, r: number, c0: number, c1: number, c2: number): number {
  b64[0] = BigInt.asUintN(64, EXP2F_TAB[Number(ki % BigInt(EXP2F_N))] + (ki << BigInt(52 - EXP2F_BITS)));
  const s = d64[0];
  const z = fma(c0, r, c1);
  const r2 = r * r;
  let y = fma(c2, r, 1);
  y = fma(z, r2, y);
  return fr(y * s);
}

/** glibc's expf. */
export function expf(x0: number): number {
  const x = fr(x0);
  const abstop = (bitsOf(x) >>> 20) & 0x7ff;
  if (abstop >= 0x42b) {
    if (x === -Infinity) return 0;
    if (abstop >= 0x7f8) return x + x;
    if (x > EXPF_OVERFLOW) return Infinity;
    if (x < EXPF_UNDERFLOW) return 0;
  }
  const z = INVLN2N * x;
  d64[0] = z + SHIFT;
  const ki = b64[0];
  const kd = d64[0] - SHIFT;
  const r = z - kd;
  return scaledCubic(ki, r, EXPF_C0, EXPF_C1, EXPF_C2);
}

const EXP2F_SHIFT = hexFloat('0x1.8p+52') / EXP2F_N;
const EXP2F_C0 = hexFloat('0x1.c6af84b912394p-5');
const EXP2F_C1 = hexFloat('0x1.ebfce50fac4f3p-3');
const EXP2F_C2 = hexFloat('0x1.62e42ff0c52d6p-1');

/** glibc's exp2f (sysdeps/ieee754/flt-32/e_exp2f.c, its FMA build): 2^(k/32) from the table, a cubic in double. */
export function exp2f(x0: number): number {
  const x = fr(x0);
  const abstop = (bitsOf(x) >>> 20) & 0x7ff;
  if (abstop >= 0x430) {
    if (x === -Infinity) return 0;
    if (abstop >= 0x7f8) return x + x;
    if (x > 0) return Infinity;
    if (x <= -150) return 0;
  }
  d64[0] = x + EXP2F_SHIFT;
  const ki = b64[0];
  const kd = d64[0] - EXP2F_SHIFT;
  const r = x - kd;
  return scaledCubic(ki, r, EXP2F_C0, EXP2F_C1, EXP2F_C2);
}

// ---- log1pf: fdlibm's float log1p (glibc 2.36's sysdeps/ieee754/flt-32/s_log1pf.c) ----

const LN2_HI_F = fr(6.9313812256e-1);
const LN2_LO_F = fr(9.0580006145e-6);
const LP = [6.6666668653e-1, 4.0000000596e-1, 2.8571429849e-1, 2.2222198546e-1, 1.818357259e-1, 1.5313838422e-1, 1.479819864e-1].map(fr);

/** log(1 + x) for k, f, c of fdlibm's reduction (1 + x = 2^k·(1 + f), c the rounding correction). */
function log1pKernel(k: number, f: number, c: number, hu: number): number {
  const hfsq = fr(fr(0.5 * f) * f);
  if (hu === 0) {
    if (f === 0) return k === 0 ? 0 : fr(fr(k * LN2_HI_F) + fr(c + fr(k * LN2_LO_F)));
    const R = fr(hfsq * fr(1 - fr(fr(0.66666666666666666) * f)));
    return k === 0 ? fr(f - R) : fr(fr(k * LN2_HI_F) - fr(fr(R - fr(fr(k * LN2_LO_F) + c)) - f));
  }
  const s = fr(f / fr(2 + f));
  const z = fr(s * s);
  let R = LP[6];
  for (let i = 5; i >= 0; i--) R = fr(LP[i] + fr(z * R));
  R = fr(z * R);
  if (k === 0) return fr(f - fr(hfsq - fr(s * fr(hfsq + R))));
  return fr(fr(k * LN2_HI_F) - fr(fr(hfsq - fr(fr(s * fr(hfsq + R)) + fr(fr(k * LN2_LO_F) + c))) - f));
}

/** glibc's log1pf. */
export function log1pf(x0: number): number {
  const x = fr(x0);
  const hx = bitsOf(x) | 0;
  const ax = hx & 0x7fffffff;
  if (hx < 0x3ed413d7) {
    if (ax >= 0x3f800000) return x === -1 ? -Infinity : NaN;
    if (ax < 0x31000000) return ax < 0x24800000 ? x : fr(x - fr(fr(x * x) * 0.5));
    if (hx > 0 || hx <= (0xbe95f61f | 0)) return log1pKernel(0, x, 0, 1);
  }
  if (hx >= 0x7f800000) return x + x;
  let u: number;
  let c: number;
  let hu: number;
  let k: number;
  if (hx < 0x5a000000) {
    u = fr(1 + x);
    hu = bitsOf(u);
    k = (hu >> 23) - 127;
    c = k > 0 ? fr(1 - fr(u - x)) : fr(x - fr(u - 1));
    c = fr(c / u);
  } else {
    u = x;
    hu = bitsOf(u);
    k = (hu >> 23) - 127;
    c = 0;
  }
  hu &= 0x007fffff;
  if (hu < 0x3504f7) {
    u = fromBits(hu | 0x3f800000);
  } else {
    k += 1;
    u = fromBits(hu | 0x3f000000);
    hu = (0x00800000 - hu) >> 2;
  }
  return log1pKernel(k, fr(u - 1), c, hu);
}

/** glibc's sinhf (e_sinhf.c): sign(x)·0.5·(E + E/(E+1)) with E = expm1f(|x|) below 22, then expf. */
export function sinhf(x0: number): number {
  const x = fr(x0);
  const ix = bitsOf(x) & 0x7fffffff;
  if (ix >= 0x7f800000) return x + x;
  const h = x < 0 || Object.is(x, -0) ? -0.5 : 0.5;
  const a = Math.abs(x);
  if (ix < 0x41b00000) {
    if (ix < 0x31800000) return x; // sinh(tiny) = tiny
    const t = expm1f(a);
    if (ix < 0x3f800000) return fr(h * fr(fr(2 * t) - fr(fr(t * t) / fr(t + 1))));
    return fr(h * fr(t + fr(t / fr(t + 1))));
  }
  if (ix < 0x42b17180) return fr(h * expf(a));
  if (ix <= 0x42b2d4fc) {
    const w = expf(fr(0.5 * a));
    return fr(fr(h * w) * w);
  }
  return fr(x * 1e37);
}

// ---- atanf and atan2f: fdlibm's float versions (glibc 2.36's s_atanf.c, e_atan2f.c) ----

const ATANHI = [4.6364760399e-1, 7.8539812565e-1, 9.8279368877e-1, 1.5707962513].map(fr);
const ATANLO = [5.012158244e-9, 3.7748947079e-8, 3.447321717e-8, 7.5497894159e-8].map(fr);
const AT = [
  3.3333334327e-1, -2.0000000298e-1, 1.4285714924e-1, -1.1111110449e-1, 9.0908870101e-2, -7.6918758452e-2, 6.6610731184e-2,
  -5.8335702866e-2, 4.9768779427e-2, -3.6531571299e-2, 1.6285819933e-2,
].map(fr);

/** glibc's atanf. */
export function atanf(x0: number): number {
  let x = fr(x0);
  const hx = bitsOf(x) | 0;
  const ix = hx & 0x7fffffff;
  let id: number;
  if (ix >= 0x4c000000) {
    if (ix > 0x7f800000) return x + x;
    return hx > 0 ? fr(ATANHI[3] + ATANLO[3]) : fr(-ATANHI[3] - ATANLO[3]);
  }
  if (ix < 0x3ee00000) {
    if (ix < 0x31000000) return x;
    id = -1;
  } else {
    x = Math.abs(x);
    if (ix < 0x3f980000) {
      if (ix < 0x3f300000) {
        id = 0;
        x = fr(fr(fr(2 * x) - 1) / fr(2 + x));
      } else {
        id = 1;
        x = fr(fr(x - 1) / fr(x + 1));
      }
    } else if (ix < 0x401c0000) {
      id = 2;
      x = fr(fr(x - 1.5) / fr(1 + fr(1.5 * x)));
    } else {
      id = 3;
      x = fr(-1 / x);
    }
  }
  const z = fr(x * x);
  const w = fr(z * z);
  let p1 = AT[10];
  for (const k of [8, 6, 4, 2, 0]) p1 = fr(AT[k] + fr(w * p1));
  const s1 = fr(z * p1);
  let p2 = AT[9];
  for (const k of [7, 5, 3, 1]) p2 = fr(AT[k] + fr(w * p2));
  const s2 = fr(w * p2);
  if (id < 0) return fr(x - fr(x * fr(s1 + s2)));
  const r = fr(ATANHI[id] - fr(fr(fr(x * fr(s1 + s2)) - ATANLO[id]) - x));
  return hx < 0 ? -r : r;
}

const PI_O_4 = fr(7.8539818525e-1);
const PI_O_2 = fr(1.5707963705);
const PI_F = fr(3.141592741);
const PI_LO = fr(-8.7422776573e-8);

/** glibc's atan2f(y, x). */
export function atan2f(y0: number, x0: number): number {
  const x = fr(x0);
  const y = fr(y0);
  const hx = bitsOf(x) | 0;
  const hy = bitsOf(y) | 0;
  const ix = hx & 0x7fffffff;
  const iy = hy & 0x7fffffff;
  if (ix > 0x7f800000 || iy > 0x7f800000) return NaN;
  if (hx === 0x3f800000) return atanf(y);
  const m = ((hy >>> 31) & 1) | ((hx >>> 30) & 2);
  if (iy === 0) return m < 2 ? y : m === 2 ? PI_F : -PI_F;
  if (ix === 0) return hy < 0 ? -PI_O_2 : PI_O_2;
  if (ix === 0x7f800000) {
    if (iy === 0x7f800000) return [PI_O_4, -PI_O_4, fr(3 * PI_O_4), fr(-3 * PI_O_4)][m];
    return [0, -0, PI_F, -PI_F][m];
  }
  if (iy === 0x7f800000) return hy < 0 ? -PI_O_2 : PI_O_2;
  const k = (iy - ix) >> 23;
  let z: number;
  if (k > 60) z = fr(PI_O_2 + fr(0.5 * PI_LO));
  else if (hx < 0 && k < -60) z = 0;
  else z = atanf(Math.abs(fr(y / x)));
  switch (m) {
    case 0:
      return z;
    case 1:
      return -z;
    case 2:
      return fr(PI_F - fr(z - PI_LO));
    default:
      return fr(fr(z - PI_LO) - PI_F);
  }
}
