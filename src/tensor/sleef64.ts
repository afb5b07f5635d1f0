// PyTorch's float64 exp and log, bit for bit: Vectorized<double>::exp() and ::log() on AVX2 are
// SLEEF 3.5's Sleef_expd4_u10 and Sleef_logd4_u10 (the FMA variants), which softmax, log_softmax and
// torch.log use. The same algorithms, each fused multiply-add rounded once (sleef.ts's fma).
// SLEEF is Copyright Naoki Shibata and contributors, distributed under the Boost Software License 1.0;
// the algorithms and their polynomial coefficients are SLEEF's. Checked against libsleef 3.5.1 and
// torch 1.13's float64 exp/log on 20,000 values each (no differences).

import { fma } from './sleef.js';

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer); // u32[1] is the high word (little-endian)

/** Round half to even (cvtpd2dq under the default rounding mode). */
function rint(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** 2^q for q in the normal exponent range. */
function pow2i(q: number): number {
  u32[0] = 0;
  u32[1] = (q + 0x3ff) << 20;
  return f64[0];
}

const R_LN2 = 1.442695040888963407359924681001892137426645954152985934135449406931;
const L2U = 0.69314718055966295651160180568695068359375;
const L2L = 0.28235290563031577122588448175013436025525412068e-12;
const EXP_POLY = [
  0.2081276378237164457e-8, 0.2511210703042288022e-7, 0.2755762628169491192e-6, 0.2755723402025388239e-5,
  0.2480158687479686264e-4, 0.1984126989855865850e-3, 0.1388888888914497797e-2, 0.8333333333314938210e-2,
  0.4166666666666602598e-1, 0.1666666666666669072e0,
];

/** PyTorch's float64 exp (SLEEF's xexp, 1-ulp): Cody–Waite reduction by ln 2, Estrin's scheme, 2^q in two steps. */
export function expd(d: number): number {
  if (d !== d) return NaN;
  if (d > 709.78271114955742909217217426) return Infinity;
  if (d < -1000) return 0;
  const c = EXP_POLY;
  const q = rint(d * R_LN2);
  let s = fma(q, -L2U, d);
  s = fma(q, -L2L, s);
  const s2 = s * s;
  const s4 = s2 * s2;
  const s8 = s4 * s4;
  const lo = fma(s2, fma(s, c[2], c[3]), fma(s, c[4], c[5]));
  const hi = fma(s2, fma(s, c[6], c[7]), fma(s, c[8], c[9]));
  let u = fma(s8, fma(s, c[0], c[1]), fma(s4, lo, hi));
  u = fma(u, s, 0.5);
  u = fma(u, s, 1);
  u = fma(u, s, 1);
  const h = q >> 1;
  return u * pow2i(h) * pow2i(q - h);
}

const LOG_POLY = [
  0.1532076988502701353e0, 0.1525629051003428716e0, 0.1818605932937785996e0, 0.2222214519839380009e0,
  0.2857142932794299317e0, 0.3999999999635251990e0, 0.6666666666667333541e0,
];
const LN2_HI = 0.693147180559945286226764;
const LN2_LO = 2.319046813846299558417771e-17;
const DBL_MIN = 2.2250738585072014e-308;

function exponentOf(d: number): number {
  f64[0] = d;
  return ((u32[1] >>> 20) & 0x7ff) - 0x3ff;
}

/** d·2^q by adding q to the exponent field (SLEEF's vldexp3). */
function ldexp3(d: number, q: number): number {
  f64[0] = d;
  u32[1] = (u32[1] + (q << 20)) >>> 0;
  return f64[0];
}

/** PyTorch's float64 log (SLEEF's xlog_u1): atanh series of (m-1)/(m+1) in double-double arithmetic. */
export function logd(d: number): number {
  if (d !== d || d < 0) return NaN;
  if (d === 0) return -Infinity;
  if (d === Infinity) return Infinity;
  const tiny = d < DBL_MIN;
  if (tiny) d *= 18446744073709551616;
  let e = exponentOf(d * (1 / 0.75));
  const m = ldexp3(d, -e);
  if (tiny) e -= 64;
  // x = (m - 1) / (m + 1) as a double-double (SLEEF's dddiv of two ddadd2 sums)
  let h = -1 + m;
  let v = h - -1;
  const n0 = h;
  const n1 = -1 - (h - v) + (m - v);
  h = 1 + m;
  v = h - 1;
  const d0 = h;
  const d1 = 1 - (h - v) + (m - v);
  const t0 = 1 / d0;
  const x0 = n0 * t0;
  const u = fma(t0, n0, -x0);
  const w = fma(-d1, t0, fma(-d0, t0, 1));
  const x1 = fma(x0, w, fma(n1, t0, u));
  const x2 = x0 * x0;
  const x4 = x2 * x2;
  const x8 = x4 * x4;
  const p = LOG_POLY;
  const t = fma(x8, fma(x4, p[0], fma(x2, p[1], p[2])), fma(x4, fma(x2, p[3], p[4]), fma(x2, p[5], p[6])));
  // s = ln2·e + 2x + x³·t, each sum a double-double
  const s0 = LN2_HI * e;
  const s1 = fma(LN2_LO, e, fma(LN2_HI, e, -s0));
  let r0 = s0 + x0 * 2;
  let r1 = s0 - r0 + x0 * 2 + s1 + x1 * 2;
  const tail = x2 * x0 * t;
  const q0 = r0 + tail;
  r1 = r0 - q0 + tail + r1;
  r0 = q0;
  return r0 + r1;
}
