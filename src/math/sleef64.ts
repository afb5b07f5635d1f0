// PyTorch's float64 vector-lane elementary functions: SLEEF 3.5's AVX2 double kernels (Sleef_expd4_u10,
// Sleef_log1pd4_u10, Sleef_tanhd4_u10, Sleef_erfd4_u10), the same algorithms in float64 steps with each
// of SLEEF's fused multiply-adds (vmla, vfma, and the FMA variants of its double-double arithmetic)
// rounded once. SLEEF is Copyright Naoki Shibata and contributors, distributed under the Boost Software
// License 1.0; the algorithms and their polynomial coefficients are SLEEF's.

import { fma } from './sleef.js';

type D2 = [number, number];

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

const R_LN2 = 1.442695040888963407359924681001892137426645954152985934135449406931;
const L2U = 0.69314718055966295651160180568695068359375;
const L2L = 0.28235290563031577122588448175013436025525412068e-12;

/** Round half to even (the CPU's vroundpd under the default rounding mode). */
function rint(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** 2^q as a double, for q in the normal exponent range (vpow2i). */
function pow2i(q: number): number {
  u32[0] = 0;
  u32[1] = (q + 0x3ff) << 20;
  return f64[0];
}

/** d·2^e in two multiplications (vldexp2). */
function ldexp2(d: number, e: number): number {
  const h = e >> 1;
  return d * pow2i(h) * pow2i(e - h);
}

/** |x| with the sign of x·y (vmulsign). */
function mulsign(x: number, y: number): number {
  return y < 0 || Object.is(y, -0) ? -x : x;
}

// ---- double-double arithmetic (SLEEF's dd.h, FMA variants) ----

function add2DD(x: number, y: number): D2 {
  const s = x + y;
  const v = s - x;
  return [s, x - (s - v) + (y - v)];
}
function add2D2D(x: D2, y: number): D2 {
  const s = x[0] + y;
  const v = s - x[0];
  return [s, x[0] - (s - v) + (y - v) + x[1]];
}
function add2D2D2(x: D2, y: D2): D2 {
  const s = x[0] + y[0];
  const v = s - x[0];
  return [s, x[0] - (s - v) + (y[0] - v) + (x[1] + y[1])];
}
/** ddadd_vd2_vd_vd: the fast two-sum (|x| >= |y|). */
function addDDfast(x: number, y: number): D2 {
  const s = x + y;
  return [s, x - s + y];
}
function addD2Dfast(x: D2, y: number): D2 {
  const s = x[0] + y;
  return [s, x[0] - s + y + x[1]];
}
function addD2D2fast(x: D2, y: D2): D2 {
  const s = x[0] + y[0];
  return [s, x[0] - s + y[0] + x[1] + y[1]];
}
function addDD2(x: number, y: D2): D2 {
  const s = x + y[0];
  return [s, x - s + y[0] + y[1]];
}
function mulDD(x: number, y: number): D2 {
  const s = x * y;
  return [s, fma(x, y, -s)];
}
function mulD2D(x: D2, y: number): D2 {
  const s = x[0] * y;
  return [s, fma(x[1], y, fma(x[0], y, -s))];
}
function mulD2D2(x: D2, y: D2): D2 {
  const s = x[0] * y[0];
  return [s, fma(x[0], y[1], fma(x[1], y[0], fma(x[0], y[0], -s)))];
}
function squD2(x: D2): D2 {
  const s = x[0] * x[0];
  return [s, fma(x[0] + x[0], x[1], fma(x[0], x[0], -s))];
}
function recD2(d: D2): D2 {
  const s = 1 / d[0];
  return [s, s * fma(-d[1], s, fma(-d[0], s, 1))];
}
function divD2D2(n: D2, d: D2): D2 {
  const t = 1 / d[0];
  const s = n[0] * t;
  const u = fma(t, n[0], -s);
  const v = fma(-d[1], t, fma(-d[0], t, 1));
  return [s, fma(s, v, fma(n[1], t, u))];
}

// ---- exp ----

/** SLEEF's estrin.h: polynomials evaluated in Estrin's scheme (c_n first), each step one fused multiply-add. */
const poly2 = (x: number, c1: number, c0: number): number => fma(x, c1, c0);
const poly3 = (x: number, x2: number, c2: number, c1: number, c0: number): number => fma(x2, c2, fma(x, c1, c0));
const poly4 = (x: number, x2: number, c: readonly number[]): number => fma(x2, fma(x, c[0], c[1]), fma(x, c[2], c[3]));
const poly8 = (x: number, x2: number, x4: number, c: readonly number[]): number => fma(x4, poly4(x, x2, c.slice(0, 4)), poly4(x, x2, c.slice(4)));

const EXP_POLY = [
  0.2081276378237164457e-8, 0.2511210703042288022e-7, 0.2755762628169491192e-6, 0.2755723402025388239e-5, 0.2480158687479686264e-4,
  0.198412698985586585e-3, 0.1388888888914497797e-2, 0.833333333331493821e-2, 0.4166666666666602598e-1, 0.1666666666666669072,
];

/** Sleef_expd4_u10 (xexp): Cody–Waite reduction by ln 2, a degree-12 polynomial (POLY10 in Estrin's scheme, then Horner). */
export function expd(d: number): number {
  if (d !== d) return NaN;
  const q = rint(d * R_LN2);
  let s = fma(q, -L2U, d);
  s = fma(q, -L2L, s);
  const s2 = s * s;
  const s4 = s2 * s2;
  const s8 = s4 * s4;
  let u = fma(s8, poly2(s, EXP_POLY[0], EXP_POLY[1]), poly8(s, s2, s4, EXP_POLY.slice(2)));
  u = fma(u, s, 0.5);
  u = fma(u, s, 1);
  u = fma(u, s, 1);
  if (d > 709.78271114955742909217217426) return Infinity;
  if (d < -1000) return 0;
  return ldexp2(u, q);
}

const EXPK2_POLY = [
  0.1602472219709932072e-9, 0.2092255183563157007e-8, 0.2505230023782644465e-7, 0.2755724800902135303e-6, 0.2755731892386044373e-5,
  0.2480158735605815065e-4, 0.1984126984148071858e-3, 0.1388888888886763255e-2, 0.8333333333333347095e-2, 0.4166666666666669905e-1,
];

/** exp of a double-double, as a double-double (expk2). */
function expk2(d: D2): D2 {
  const q = rint((d[0] + d[1]) * R_LN2);
  let s = add2D2D(d, q * -L2U);
  s = add2D2D(s, q * -L2L);
  let u = EXPK2_POLY[0];
  for (let i = 1; i < EXPK2_POLY.length; i++) u = fma(u, s[0], EXPK2_POLY[i]);
  let t = add2D2D(mulD2D(s, u), 0.1666666666666666574);
  t = add2D2D(mulD2D2(s, t), 0.5);
  t = add2D2D2(s, mulD2D2(squD2(s), t));
  t = addDD2(1, t);
  if (d[0] < -1000) return [0, 0];
  return [ldexp2(t[0], q), ldexp2(t[1], q)];
}

// ---- log1p ----

const LOG1P_POLY = [
  0.1532076988502701353, 0.1525629051003428716, 0.1818605932937785996, 0.2222214519839380009, 0.2857142932794299317, 0.399999999963525199,
  0.6666666666667333541,
];
const LN2_D2: D2 = [0.693147180559945286226764, 2.319046813846299558417771e-17];
const DBL_MIN = 2.2250738585072014e-308;

/** The unbiased exponent of a normal d (vilogb2k). */
function ilogb2k(d: number): number {
  f64[0] = d;
  return ((u32[1] >>> 20) & 0x7ff) - 0x3ff;
}

/** Sleef_log1pd4_u10 (xlog1p): log of m·2^e with m = (1 + a)·2^-e formed by one fused multiply-add. */
export function log1pd(a: number): number {
  if (a !== a || a < -1) return NaN;
  if (a === -1) return -Infinity;
  if (Object.is(a, -0)) return -0;
  if (a > 1e307) return Infinity;
  let dp1 = a + 1;
  const tiny = dp1 < DBL_MIN;
  if (tiny) dp1 *= 2 ** 64;
  let e = ilogb2k(dp1 * (1.0 / 0.75));
  const t = pow2i(-e);
  const m = fma(a, t, t - 1);
  if (tiny) e -= 64;
  const x = divD2D2([m, 0], addDDfast(2, m));
  const x2 = x[0] * x[0];
  const x4 = x2 * x2;
  const x8 = x4 * x4;
  const p = fma(x8, poly3(x2, x4, LOG1P_POLY[0], LOG1P_POLY[1], LOG1P_POLY[2]), poly4(x2, x4, LOG1P_POLY.slice(3)));
  let s = mulD2D(LN2_D2, e);
  s = addD2D2fast(s, [x[0] * 2, x[1] * 2]);
  s = addD2Dfast(s, x2 * x[0] * p);
  return s[0] + s[1];
}

// ---- tanh ----

/** Sleef_tanhd4_u10 (xtanh): (e^y - e^-y)/(e^y + e^-y) in double-double. */
export function tanhd(x: number): number {
  if (x !== x) return NaN;
  const y = Math.abs(x);
  let d = expk2([y, 0]);
  const e = recD2(d);
  d = divD2D2(add2D2D2(d, [-e[0], -e[1]]), add2D2D2(d, e));
  let r = d[0] + d[1];
  if (y > 18.714973875 || r !== r) r = 1;
  return mulsign(r, x);
}

// ---- erf ----

/** xerf_u1's coefficients: [|x| < 1, |x| < 3.7, otherwise], highest degree first. */
const ERF_POLY: ReadonlyArray<readonly [number, number, number]> = [
  [0.6801072401395392157e-20, 0.283095452208771766e-13, -0.5846750404269610493e-17],
  [-0.2161766247570056391e-18, -0.150949194617948194e-11, 0.6076691048812607898e-15],
  [0.4695919173301598752e-17, 0.3827857177807173152e-10, -0.3007518609604893831e-13],
  [-0.9049140419888010819e-16, -0.6139733921558987241e-9, 0.9427906260824646063e-12],
  [0.1634018903557411517e-14, 0.6985387934608038824e-8, -0.2100110908269393629e-10],
  [-0.2783485786333455216e-13, -0.5988224513034371474e-7, 0.3534639523461223473e-9],
  [0.4463221276786412722e-12, 0.400571695235534664e-6, -0.4664967728285395926e-8],
  [-0.6711366622850138987e-11, -0.21321901045757844e-5, 0.4943823283769000532e-7],
  [0.9422759050232658346e-10, 0.9092461304042630325e-5, -0.4271203394761148254e-6],
  [-0.1229055530100228477e-8, -0.3079188080966205457e-4, 0.3034067677404915895e-5],
  [0.1480719281585085023e-7, 0.7971413443082370762e-4, -0.1776295289066871135e-4],
  [-0.1636584469123402714e-6, -0.1387853215225442864e-3, 0.852454763055950505e-4],
  [0.1646211436588923363e-5, 0.6469678026257590965e-4, -0.3290582944961784398e-3],
  [-0.1492565035840624866e-4, 0.499664528037294586e-3, 0.9696966068789101157e-3],
  [0.1205533298178966496e-3, -0.1622802482842520535e-2, -0.1812527628046986137e-2],
  [-0.8548327023450851166e-3, 0.1615320557049377171e-3, -0.4725409828123619017e-3],
  [0.5223977625442188799e-2, 0.1915262325574875607e-1, 0.2090315427924229266e-1],
  [-0.2686617064513125569e-1, -0.1027818298486033455, -0.1052041921842776645],
  [0.1128379167095512753, -0.6366172819842503827, -0.6345351808766568347],
  [-0.376126389031837538, -0.1128379590648910469e1, -0.1129442929103524396e1],
];
const ERF_C0: readonly [number, number, number] = [1.1283791670955125586, 3.4110644736196137587e-8, 0.00024963035690526438285];
const ERF_C1: readonly [number, number, number] = [1.5335459613165822674e-17, -2.4875650708323294246e-24, -5.4362665034856259795e-21];

/** Sleef_erfd4_u10 (xerf_u1): a polynomial on [0, 1), 1 - exp(polynomial) on [1, 6), ±1 beyond. */
export function erfd(x: number): number {
  if (x !== x) return NaN;
  const a = Math.abs(x);
  const k = a < 1 ? 0 : a < 3.7 ? 1 : 2;
  const u = k === 0 ? a * a : a;
  let t = ERF_POLY[0][k];
  for (let i = 1; i < ERF_POLY.length; i++) t = fma(t, u, ERF_POLY[i][k]);
  let d = add2D2D2(mulDD(t, u), [ERF_C0[k], ERF_C1[k]]);
  if (k === 0) d = mulD2D(d, a);
  else {
    const e = expk2(d);
    d = addDD2(1, [-e[0], -e[1]]);
  }
  return mulsign(a < 6 ? d[0] + d[1] : 1, x);
}

// ---- log ----

const LOG_POLY = [
  0.1532076988502701353, 0.1525629051003428716, 0.1818605932937785996, 0.2222214519839380009, 0.2857142932794299317, 0.399999999963525199,
  0.6666666666667333541,
];

/** SLEEF's split of d > 0 for its logarithms: m in [0.75, 1.5) and e with d = m·2^e (subnormals scaled first). */
function logSplit(d0: number): [number, number] {
  const tiny = d0 < DBL_MIN;
  const d = tiny ? d0 * 2 ** 64 : d0;
  const e = ilogb2k(d * (1.0 / 0.75));
  f64[0] = d;
  u32[1] = (u32[1] - (e << 20)) >>> 0;
  return [f64[0], tiny ? e - 64 : e];
}

/** Sleef_logd4_u10 (xlog_u1): x = (m - 1)/(m + 1) in double-double, 2x + x³·P(x²) + e·ln 2. */
export function logd(d0: number): number {
  if (d0 !== d0 || d0 < 0) return NaN;
  if (d0 === 0) return -Infinity;
  if (d0 === Infinity) return Infinity;
  const [m, e] = logSplit(d0);
  const x = divD2D2(add2DD(-1, m), add2DD(1, m));
  const x2 = x[0] * x[0];
  const x4 = x2 * x2;
  const x8 = x4 * x4;
  const t = fma(x8, poly3(x2, x4, LOG_POLY[0], LOG_POLY[1], LOG_POLY[2]), poly4(x2, x4, LOG_POLY.slice(3)));
  let s = mulD2D(LN2_D2, e);
  s = addD2D2fast(s, [x[0] * 2, x[1] * 2]);
  s = addD2Dfast(s, x2 * x[0] * t);
  return s[0] + s[1];
}

// ---- cosh ----

/** Sleef_coshd4_u10 (xcosh): (e^y + e^-y)/2 in double-double. */
export function coshd(x: number): number {
  if (x !== x) return NaN;
  const y = Math.abs(x);
  const d = expk2([y, 0]);
  const s = add2D2D2(d, recD2(d));
  const r = (s[0] + s[1]) * 0.5;
  return y > 710 || r !== r ? Infinity : r;
}

// ---- pow (Sleef_powd4_u10: xpow, exp(y·log|x|) in double-double) ----

const LOGK_POLY = [
  0.116255524079935043668677, 0.103239680901072952701192, 0.117754809412463995466069, 0.13332981086846273921509, 0.153846227114512262845736,
  0.181818180850050775676507, 0.222222222230083560345903, 0.285714285714249172087875, 0.400000000000000077715612,
];
const LOGK_C: D2 = [0.666666666666666629659233, 3.80554962542412056336616e-17];

/** log(d) for d > 0 as a double-double (SLEEF's logk; POLY9 in Estrin's scheme). */
function logk(d0: number): D2 {
  const [m, e] = logSplit(d0);
  let x = divD2D2(add2DD(-1, m), add2DD(1, m));
  const x2 = squD2(x);
  const x4 = x2[0] * x2[0];
  const x8 = x4 * x4;
  const x16 = x8 * x8;
  const t = fma(x16, LOGK_POLY[0], poly8(x2[0], x4, x8, LOGK_POLY.slice(1)));
  let s = mulD2D(LN2_D2, e);
  s = addD2D2fast(s, [x[0] * 2, x[1] * 2]);
  x = mulD2D2(x2, x);
  s = addD2D2fast(s, mulD2D2(x, LOGK_C));
  x = mulD2D2(x2, x);
  return addD2D2fast(s, mulD2D(x, t));
}

const EXPK_POLY = [
  2.51069683420950419527139e-8, 2.76286166770270649116855e-7, 2.75572496725023574143864e-6, 2.48014973989819794114153e-5,
  0.000198412698809069797676111, 0.0013888888939977128960529, 0.00833333333332371417601081, 0.0416666666665409524128449,
  0.166666666666666740681535, 0.500000000000000999200722,
];

/** exp of a double-double, as one double (SLEEF's expk; POLY10 in Estrin's scheme). */
function expk(d: D2): number {
  const dq = rint((d[0] + d[1]) * R_LN2);
  let s = add2D2D(d, dq * -L2U);
  s = add2D2D(s, dq * -L2L);
  const h = s[0] + s[1];
  s = [h, s[0] - h + s[1]];
  const s2 = s[0] * s[0];
  const s4 = s2 * s2;
  const s8 = s4 * s4;
  const u = fma(s8, poly2(s[0], EXPK_POLY[0], EXPK_POLY[1]), poly8(s[0], s2, s4, EXPK_POLY.slice(2)));
  let t = addDD2(1, s);
  t = addD2D2fast(t, mulD2D(squD2(s), u));
  // NOTE: vrint_vi_vd converts to int32 (cvtpd2dq): out of range (or NaN) is 0x80000000
  const q = Math.abs(dq) < 2 ** 31 ? dq : -2147483648;
  const r = ldexp2(t[0] + t[1], q);
  return d[0] < -1000 ? 0 : r;
}

/** PyTorch's float64 x ** y in its vector lanes (SLEEF's xpow with its special cases). */
export function powd(x: number, y: number): number {
  if (y === 0 || x === 1) return 1;
  if (x !== x || y !== y) return NaN;
  const yIsInt = Number.isInteger(y) || Math.abs(y) >= 2 ** 53;
  const yIsOdd = yIsInt && Math.abs(y) < 2 ** 53 && Math.abs(y % 2) === 1;
  if (x === Infinity || x === -Infinity || x === 0) {
    const big = (x === 0 ? -y : y) < 0 ? 0 : Infinity;
    const sign = yIsOdd ? (x < 0 || Object.is(x, -0) ? -1 : 1) : 1;
    return sign * big;
  }
  if (y === Infinity || y === -Infinity) {
    const efx = mulsign(Math.abs(x) - 1, y);
    return efx < 0 ? 0 : efx === 0 ? 1 : Infinity;
  }
  const d = mulD2D(logk(Math.abs(x)), y);
  let result = expk(d);
  if (d[0] > 709.78271114955742909217217426) result = Infinity;
  return x > 0 ? result : yIsInt ? (yIsOdd ? -result : result) : NaN;
}
