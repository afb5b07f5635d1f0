// The error function as PyTorch 1.13's CPU kernels compute it: glibc 2.36's erf (Sun's fdlibm algorithm,
// glibc's parallel polynomial evaluation) for doubles and the scalar float path, and the AVX2 float
// approximation of ATen's Vectorized<float>::erf (Abramowitz–Stegun 7.1.26) for float32 vector lanes.

import { exp } from './glibc_exp.js';
import { expf, fmaf } from './sleef.js';

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** The high 32 bits of a double (sign, exponent, top of the mantissa). */
function highWord(x: number): number {
  f64[0] = x;
  return u32[1] | 0;
}

/** x with its low 32 bits cleared (fdlibm's SET_LOW_WORD(z, 0)). */
function clearLowWord(x: number): number {
  f64[0] = x;
  u32[0] = 0;
  return f64[0];
}

const TINY = 1e-300;
const ERX = 8.45062911510467529297e-1;
const EFX = 1.28379167095512586316e-1;
const PP = [1.28379167095512558561e-1, -3.25042107247001499370e-1, -2.84817495755985104766e-2, -5.77027029648944159157e-3, -2.37630166566501626084e-5];
const QQ = [0, 3.97917223959155352819e-1, 6.50222499887672944485e-2, 5.08130628187576562776e-3, 1.32494738004321644526e-4, -3.96022827877536812320e-6];
const PA = [
  -2.36211856075265944077e-3, 4.14856118683748331666e-1, -3.72207876035701323847e-1, 3.18346619901161753674e-1, -1.10894694282396677476e-1,
  3.54783043256182359371e-2, -2.16637559486879084300e-3,
];
const QA = [0, 1.06420880400844228286e-1, 5.40397917702171048937e-1, 7.18286544141962662868e-2, 1.26171219808761642112e-1, 1.36370839120290507362e-2, 1.19844998467991074170e-2];
const RA = [
  -9.86494403484714822705e-3, -6.93858572707181764372e-1, -1.05586262253232909814e1, -6.23753324503260060396e1, -1.62396669462573470355e2,
  -1.84605092906711035994e2, -8.12874355063065934246e1, -9.81432934416914548592e0,
];
const SA = [
  0, 1.96512716674392571292e1, 1.37657754143519042600e2, 4.34565877475229228821e2, 6.45387271733267880336e2, 4.29008140027567833386e2,
  1.08635005541779435134e2, 6.57024977031928170135e0, -6.04244152148580987438e-2,
];
const RB = [
  -9.86494292470009928597e-3, -7.99283237680523006574e-1, -1.77579549177547519889e1, -1.60636384855821916062e2, -6.37566443368389627722e2,
  -1.02509513161107724954e3, -4.83519191608651397019e2,
];
const SB = [
  0, 3.03380607434824582924e1, 3.25792512996573918826e2, 1.53672958608443695994e3, 3.19985821950859553908e3, 2.55305040643316442583e3,
  4.74528541206955367215e2, -2.24409524465858183362e1,
];

/** R(x²)/S(x²) of fdlibm's |x| < 0.84375 branch. */
function smallRatio(x: number): number {
  const z = x * x;
  const z2 = z * z;
  const z4 = z2 * z2;
  const r = PP[0] + z * PP[1] + z2 * (PP[2] + z * PP[3]) + z4 * PP[4];
  const s = 1 + z * QQ[1] + z2 * (QQ[2] + z * QQ[3]) + z4 * (QQ[4] + z * QQ[5]);
  return r / s;
}

/** erf(x) for |x| < 0.84375: x + x·R(x²)/S(x²). */
function erfSmall(x: number, ix: number): number {
  if (ix < 0x3e300000) return ix < 0x00800000 ? 0.0625 * (16.0 * x + 16.0 * EFX * x) : x + EFX * x;
  return x + x * smallRatio(x);
}

/** P(s)/Q(s), s = |x| - 1, of fdlibm's 0.84375 <= |x| < 1.25 branch. */
function middleRatio(x: number): number {
  const s = Math.abs(x) - 1;
  const s2 = s * s;
  const s4 = s2 * s2;
  const s6 = s4 * s2;
  const P = PA[0] + s * PA[1] + s2 * (PA[2] + s * PA[3]) + s4 * (PA[4] + s * PA[5]) + s6 * PA[6];
  const Q = 1 + s * QA[1] + s2 * (QA[2] + s * QA[3]) + s4 * (QA[4] + s * QA[5]) + s6 * QA[6];
  return P / Q;
}

/** erf(x) for 0.84375 <= |x| < 1.25: erx + P(s)/Q(s), s = |x| - 1. */
function erfMiddle(x: number, hx: number): number {
  const pq = middleRatio(x);
  return hx >= 0 ? ERX + pq : -ERX - pq;
}

/** glibc 2.36's erf (sysdeps/ieee754/dbl-64/s_erf.c), over glibc's exp. */
export function erf(x: number): number {
  const hx = highWord(x);
  const ix = hx & 0x7fffffff;
  if (ix >= 0x7ff00000) return (hx < 0 ? -1 : 1) + 1 / x;
  if (ix < 0x3feb0000) return erfSmall(x, ix);
  if (ix < 0x3ff40000) return erfMiddle(x, hx);
  if (ix >= 0x40180000) return hx >= 0 ? 1 - TINY : TINY - 1;
  // NOTE: fdlibm's erf switches rational approximations at 0x4006db6e, its erfc at 0x4006db6d
  const r = erfcTail(Math.abs(x), ix, 0x4006db6e);
  return hx >= 0 ? 1 - r : r - 1;
}

const fr = Math.fround;
const P = fr(0.3275911);
const P1 = fr(0.254829592);
const P2 = fr(-0.284496736);
const P3 = fr(1.421413741);
const P4 = fr(-1.453152027);
const P5 = fr(1.061405429);

/**
 * ATen's Vectorized<float>::erf on AVX2: t = 1/(p|x| + 1), r = the degree-4 polynomial in t by fused
 * multiply-adds, erf = sign(x)·(1 - r·t·exp(-x²)) with SLEEF's expf (error about 1e-7, not correctly rounded).
 */
export function erfAvx2f(x: number): number {
  const negative = x < 0 || Object.is(x, -0);
  const ax = Math.abs(x);
  const t = fr(1 / fmaf(P, ax, 1));
  const r = fmaf(fmaf(fmaf(fmaf(P5, t, P4), t, P3), t, P2), t, P1);
  const e = -expf(-fr(x * x));
  const v = fmaf(fr(e * t), r, 1);
  return negative ? -v : v;
}

/** erfc(x) for the tail |x| >= 1.25: exp(-x² - 0.5625 + R/S)/|x| with R/S in 1/x² (fdlibm), the second approximation from `boundary` on. */
function erfcTail(ax: number, ix: number, boundary: number): number {
  const s = 1 / (ax * ax);
  const s2 = s * s;
  const s4 = s2 * s2;
  const s6 = s4 * s2;
  let R: number;
  let S: number;
  if (ix < boundary) {
    R = RA[0] + s * RA[1] + s2 * (RA[2] + s * RA[3]) + s4 * (RA[4] + s * RA[5]) + s6 * (RA[6] + s * RA[7]);
    S = 1 + s * SA[1] + s2 * (SA[2] + s * SA[3]) + s4 * (SA[4] + s * SA[5]) + s6 * (SA[6] + s * SA[7]) + s4 * s4 * SA[8];
  } else {
    R = RB[0] + s * RB[1] + s2 * (RB[2] + s * RB[3]) + s4 * (RB[4] + s * RB[5]) + s6 * RB[6];
    S = 1 + s * SB[1] + s2 * (SB[2] + s * SB[3]) + s4 * (SB[4] + s * SB[5]) + s6 * (SB[6] + s * SB[7]);
  }
  const z = clearLowWord(ax);
  return (exp(-z * z - 0.5625) * exp((z - ax) * (z + ax) + R / S)) / ax;
}

/** The complementary error function 1 - erf(x) without its cancellation: fdlibm's s_erf.c erfc. */
export function erfc(x: number): number {
  const hx = highWord(x);
  const ix = hx & 0x7fffffff;
  if (ix >= 0x7ff00000) return (hx < 0 ? 2 : 0) + 1 / x;
  if (ix < 0x3feb0000) {
    if (ix < 0x3c700000) return 1 - x;
    const y = smallRatio(x);
    if (hx < 0x3fd00000) return 1 - (x + x * y);
    return 0.5 - (x * y + (x - 0.5));
  }
  if (ix < 0x3ff40000) {
    const m = middleRatio(x);
    return hx >= 0 ? 1 - ERX - m : 1 + (ERX + m);
  }
  if (ix < 0x403c0000) {
    if (hx < 0 && ix >= 0x40180000) return 2 - TINY;
    const r = erfcTail(Math.abs(x), ix, 0x4006db6d);
    return hx > 0 ? r : 2 - r;
  }
  return hx > 0 ? TINY * TINY : 2 - TINY;
}
