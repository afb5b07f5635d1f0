// PyTorch's float32 elementary functions, bit for bit. PyTorch 1.13 on x86-64 (CPU capability AVX2)
// evaluates exp, sigmoid's exp and the like through SLEEF 3.5's AVX2 kernels (Sleef_expf8_u10, ...),
// whose results differ from the correctly rounded value in the last bit for a few percent of inputs.
// These are the same algorithms in float32 steps: each multiply and add rounded with Math.fround, and
// each of SLEEF's fused multiply-adds (vmla on AVX2 is vfmadd) rounded once, as the hardware does.
// SLEEF is Copyright Naoki Shibata and contributors, distributed under the Boost Software License 1.0;
// the algorithms and their polynomial coefficients are SLEEF's.

import { fma32 as fmaf, fma64 as fma } from './fma.js';

const fr = Math.fround;

const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);

// SLEEF's fused multiply-adds, rounded once as vfmadd rounds: the one fma of src/math/fma.ts
export { fmaf, fma };

/** Round half to even, as the CPU's cvtps2dq does under the default rounding mode. */
export function rintf(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** 2^q as a float32, for q in the normal exponent range (SLEEF's vpow2i). */
function pow2i(q: number): number {
  i32[0] = (q + 0x7f) << 23;
  return f32[0];
}

/** d·2^e in two float32 multiplications (SLEEF's vldexp2). */
function ldexp2(d: number, e: number): number {
  const h = e >> 1;
  return fr(fr(d * pow2i(h)) * pow2i(e - h));
}

const R_LN2F = fr(1.442695040888963407359924681001892137426645954152985934135449406931);
const L2UF = fr(0.693145751953125);
const L2LF = fr(1.428606765330187045e-6);
const EXP_POLY = [
  0.000198527617612853646278381, 0.00139304355252534151077271, 0.00833336077630519866943359, 0.0416664853692054748535156,
  0.166666671633720397949219, 0.5,
].map(fr);

/** PyTorch's float32 exp (SLEEF's xexpf, 1-ulp): Cody–Waite reduction by ln 2, a degree-7 polynomial. */
export function expf(d: number): number {
  if (d !== d) return NaN;
  if (d > 100) return Infinity;
  if (d < -104) return 0;
  const q = rintf(fr(d * R_LN2F));
  let s = fmaf(q, -L2UF, d);
  s = fmaf(q, -L2LF, s);
  let u = EXP_POLY[0];
  for (let i = 1; i < EXP_POLY.length; i++) u = fmaf(u, s, EXP_POLY[i]);
  u = fr(1 + fmaf(fr(s * s), u, s));
  return ldexp2(u, q);
}

/** PyTorch's float32 sigmoid: 1 / (1 + exp(-x)), each step in float32 (its vectorised CPU kernel). */
export function sigmoidf(x: number): number {
  return fr(1 / fr(1 + expf(fr(0 - x))));
}

/** The same in PyTorch's scalar loop (the last n mod 16 elements): the C library's expf. */
export function sigmoidTailf(x: number): number {
  return fr(1 / fr(1 + fr(Math.exp(fr(0 - x)))));
}

// ---- double-float arithmetic (SLEEF's df.h, FMA variant): a value is hi + lo, two float32s ----

type F2 = [number, number];
const add = (a: number, b: number): number => fr(a + b);
const sub = (a: number, b: number): number => fr(a - b);
const mul = (a: number, b: number): number => fr(a * b);
/** x·y - z, fused. */
const fmapn = (x: number, y: number, z: number): number => fmaf(x, y, -z);
/** z - x·y, fused. */
const fmanp = (x: number, y: number, z: number): number => fmaf(-x, y, z);

function add2FF(x: number, y: number): F2 {
  const h = add(x, y);
  const v = sub(h, x);
  return [h, add(sub(x, sub(h, v)), sub(y, v))];
}
function addFF(x: number, y: number): F2 {
  const h = add(x, y);
  return [h, add(sub(x, h), y)];
}
function add2F2F(x: F2, y: number): F2 {
  const h = add(x[0], y);
  const v = sub(h, x[0]);
  return [h, add(add(sub(x[0], sub(h, v)), sub(y, v)), x[1])];
}
function add2F2F2(x: F2, y: F2): F2 {
  const h = add(x[0], y[0]);
  const v = sub(h, x[0]);
  return [h, add(add(sub(x[0], sub(h, v)), sub(y[0], v)), add(x[1], y[1]))];
}
function addF2F(x: F2, y: number): F2 {
  const h = add(x[0], y);
  return [h, add(add(sub(x[0], h), y), x[1])];
}
function addFF2(x: number, y: F2): F2 {
  const h = add(x, y[0]);
  return [h, add(add(sub(x, h), y[0]), y[1])];
}
function addF2F2(x: F2, y: F2): F2 {
  const h = add(x[0], y[0]);
  return [h, add(add(add(sub(x[0], h), y[0]), x[1]), y[1])];
}
function subF2F2(x: F2, y: F2): F2 {
  const h = sub(x[0], y[0]);
  return [h, sub(add(sub(sub(x[0], h), y[0]), x[1]), y[1])];
}
function mulF2F(x: F2, y: number): F2 {
  const h = mul(x[0], y);
  return [h, fmaf(x[1], y, fmapn(x[0], y, h))];
}
function mulF2F2(x: F2, y: F2): F2 {
  const h = mul(x[0], y[0]);
  return [h, fmaf(x[0], y[1], fmaf(x[1], y[0], fmapn(x[0], y[0], h)))];
}
/** The product of two double-floats, as one float32. */
function mulF2F2toF(x: F2, y: F2): number {
  return fmaf(x[0], y[0], fmaf(x[1], y[0], mul(x[0], y[1])));
}
function squF2(x: F2): F2 {
  const h = mul(x[0], x[0]);
  return [h, fmaf(add(x[0], x[0]), x[1], fmapn(x[0], x[0], h))];
}
function recF2(d: F2): F2 {
  const h = fr(1 / d[0]);
  return [h, mul(h, fmanp(d[1], h, fmanp(d[0], h, 1)))];
}
function divF2F2(n: F2, d: F2): F2 {
  const t = fr(1 / d[0]);
  const h = mul(n[0], t);
  const u = fmapn(t, n[0], h);
  const l = fmanp(d[1], t, fmanp(d[0], t, 1));
  return [h, fmaf(h, l, fmaf(n[1], t, u))];
}

// ---- sin and cos (SLEEF's xsinf_u1 / xcosf_u1: Sleef_sinf8_u10, Sleef_cosf8_u10) ----

const M_1_PIF = fr(1 / Math.PI);
const PI_A2F = fr(3.1414794921875);
const PI_B2F = fr(0.00011315941810607910156);
const PI_C2F = fr(1.9841872589410058936e-9);
const SIN_POLY = [2.6083159809786593541503e-6, -0.0001981069071916863322258, 0.00833307858556509017944336, -0.166666597127914428710938].map(fr);
/** Below this |x| (every lane of a vector) SLEEF reduces by π in three float32 parts; else in five. */
const TRIG_RANGE = 125;
const PI_3F = [3.14154052734375, 5.212612450122833252e-5, 1.2154188766544393729e-10, 1.2246402351402674302e-16, 6.5640073364868052239e-22].map(fr);
const TRIG_RANGE_MAX = fr(5e9);
const M_1_PI_F2: F2 = [M_1_PIF, fr(1 / Math.PI - M_1_PIF)];

function sinPoly(s: F2, t: F2): number {
  let u = fmaf(SIN_POLY[0], s[0], SIN_POLY[1]);
  u = fmaf(u, s[0], SIN_POLY[2]);
  const x = addFF2(1, mulF2F2(addFF(SIN_POLY[3], mul(u, s[0])), s));
  return mulF2F2toF(t, x);
}

function normalizeF2(t: F2): F2 {
  const h = add(t[0], t[1]);
  return [h, add(sub(t[0], h), t[1])];
}

function add2FF2(x: number, y: F2): F2 {
  const h = add(x, y[0]);
  const v = sub(h, x);
  return [h, add(add(sub(x, sub(h, v)), sub(y[0], v)), y[1])];
}

/** d minus dfq·π in five parts (dfq = q, or q/2 for cos), normalised after each. */
function reduceWide(d: number, dfq: F2, half: boolean): F2 {
  const c = (k: number): number => (half ? fr(-PI_3F[k] * 0.5) : -PI_3F[k]);
  let s = normalizeF2(add2FF2(d, mulF2F(dfq, c(0))));
  for (let k = 1; k < 5; k++) s = normalizeF2(add2F2F2(s, mulF2F(dfq, c(k))));
  return s;
}

/**
 * SLEEF's wide-range split of d for sin and tan: q = rint(d·inv) (inv = 1/π, or 2/π for tan's half
 * turns) formed in two parts, and d - q·π (or q·π/2: `half`) by reduceWide.
 */
function wideQuadrant(d: number, inv: F2, half: boolean): [number, F2] {
  const dfq = mulF2F(inv, d);
  const t = rintf(mul(dfq[0], fr(1 / 65536)));
  dfq[1] = rintf(add(fmaf(t, -65536, dfq[0]), dfq[1]));
  const q = dfq[1];
  dfq[0] = mul(t, 65536);
  return [q, reduceWide(d, normalizeF2(dfq), half)];
}

/**
 * PyTorch's float32 sin of one lane (SLEEF's xsinf_u1). `wide` is SLEEF's choice for the whole vector
 * of 8 lanes: true when any lane has |x| >= 125 (or is NaN).
 */
export function sinf(d: number, wide = !(Math.abs(d) < TRIG_RANGE)): number {
  let s: F2;
  let q: number;
  if (!wide) {
    const u = rintf(mul(d, M_1_PIF));
    q = u;
    s = add2FF(fmaf(u, -PI_A2F, d), mul(u, -PI_B2F));
    s = addF2F(s, mul(u, -PI_C2F));
  } else {
    [q, s] = wideQuadrant(d, M_1_PI_F2, false);
  }
  let r = sinPoly(squF2(s), s);
  if ((q & 1) === 1) r = -r;
  if (Object.is(d, -0)) return -0;
  // NOTE: past 5e9 SLEEF 3.5 reduces by a table of 2/π (Payne–Hanek), not reproduced: the correctly rounded value
  return Math.abs(d) > TRIG_RANGE_MAX && Math.abs(d) !== Infinity ? fr(Math.sin(d)) : r;
}

/** PyTorch's float32 cos of one lane (SLEEF's xcosf_u1); `wide` as for sinf. */
export function cosf(d: number, wide = !(Math.abs(d) < TRIG_RANGE)): number {
  let s: F2;
  let q: number;
  if (!wide) {
    q = fmaf(rintf(fmaf(d, M_1_PIF, -0.5)), 2, 1);
    s = add2FF(d, mul(q, fr(-PI_A2F * 0.5)));
    s = add2F2F(s, mul(q, fr(-PI_B2F * 0.5)));
    s = add2F2F(s, mul(q, fr(-PI_C2F * 0.5)));
  } else {
    const dfq = add2F2F(mulF2F(M_1_PI_F2, d), -0.5);
    const t = rintf(mul(dfq[0], fr(1 / 65536)));
    dfq[1] = fmaf(rintf(add(fmaf(t, -65536, dfq[0]), dfq[1])), 2, 1);
    q = dfq[1];
    dfq[0] = mul(t, 131072);
    s = reduceWide(d, normalizeF2(dfq), true);
  }
  let r = sinPoly(squF2(s), s);
  if ((q & 2) === 0) r = -r;
  return Math.abs(d) > TRIG_RANGE_MAX && Math.abs(d) !== Infinity ? fr(Math.cos(d)) : r;
}

/** sin or cos of a whole float32 array as PyTorch's vml loop runs it: vectors of 8 lanes from the start. */
function trigVector(f: (d: number, wide: boolean) => number): (x: ArrayLike<number>, out: { [i: number]: number }) => void {
  return (x, out) => {
    for (let i = 0; i < x.length; i += 8) {
      const end = Math.min(i + 8, x.length);
      let wide = false;
      for (let j = i; j < end; j++) if (!(Math.abs(x[j]) < TRIG_RANGE)) wide = true;
      for (let j = i; j < end; j++) out[j] = f(x[j], wide);
    }
  };
}

export const sinVector = trigVector(sinf);
export const cosVector = trigVector(cosf);

// ---- exp in double-float, and the functions built on it (SLEEF's expk2f) ----

const EXPK2_POLY = [0.1980960224e-3, 0.1394256484e-2, 0.8333456703e-2, 0.4166637361e-1].map(fr);

function expk2f(d: F2): F2 {
  const q = rintf(mul(add(d[0], d[1]), R_LN2F));
  let s = add2F2F(d, mul(q, -L2UF));
  s = add2F2F(s, mul(q, -L2LF));
  let u = EXPK2_POLY[0];
  for (let i = 1; i < EXPK2_POLY.length; i++) u = fmaf(u, s[0], EXPK2_POLY[i]);
  let t = add2F2F(mulF2F(s, u), fr(0.166666659414234244790680580464));
  t = add2F2F(mulF2F2(s, t), 0.5);
  t = add2F2F2(s, mulF2F2(squF2(s), t));
  t = addFF2(1, t);
  if (d[0] < -104) return [0, 0];
  return [ldexp2(t[0], q), ldexp2(t[1], q)];
}

const withSignOf = (y: number, x: number): number => (x < 0 || Object.is(x, -0) ? -y : y);

/** PyTorch's float32 tanh (SLEEF's xtanhf). */
export function tanhf(x: number): number {
  if (x !== x) return NaN;
  let d = expk2f([Math.abs(x), 0]);
  const e = recF2(d);
  d = divF2F2(addF2F2(d, [-e[0], -e[1]]), addF2F2(d, e));
  let y = add(d[0], d[1]);
  if (Math.abs(x) > fr(8.664339742) || y !== y) y = 1;
  return withSignOf(y, x);
}

/** PyTorch's float32 sinh in its vectorised loop (SLEEF's xsinhf). */
export function sinhf(x: number): number {
  if (x !== x) return NaN;
  const d = expk2f([Math.abs(x), 0]);
  const r = subF2F2(d, recF2(d));
  let y = mul(add(r[0], r[1]), 0.5);
  if (Math.abs(x) > 89 || y !== y) y = Infinity;
  return withSignOf(y, x);
}

/** PyTorch's float32 cosh in its vectorised loop (SLEEF's xcoshf). */
export function coshf(x: number): number {
  if (x !== x) return NaN;
  const d = expk2f([Math.abs(x), 0]);
  const r = addF2F2(d, recF2(d));
  let y = mul(add(r[0], r[1]), 0.5);
  if (Math.abs(x) > 89 || y !== y) y = Infinity;
  return y;
}

/**
 * cosh in PyTorch's scalar loop (the last n mod 16 elements): glibc's coshf, in float32 steps, with the
 * correctly rounded expf and expm1f.
 */
export function coshTailf(x: number): number {
  const a = Math.abs(x);
  if (a !== a || a === Infinity) return fr(x * x);
  if (a < fr(0.5 * Math.LN2)) {
    if (a < 2 ** -55) return 1;
    const t = fr(Math.expm1(a));
    const w = add(1, t);
    return add(1, fr(mul(t, t) / add(w, w)));
  }
  if (a < 22) {
    const t = fr(Math.exp(a));
    return add(mul(0.5, t), fr(0.5 / t));
  }
  if (a < fr(88.72168)) return mul(0.5, fr(Math.exp(a)));
  if (a <= fr(89.41598629223294)) {
    const w = fr(Math.exp(mul(0.5, a)));
    return mul(mul(0.5, w), w);
  }
  return Infinity;
}

/** PyTorch's float32 expm1 (SLEEF's xexpm1f). */
export function expm1f(a: number): number {
  if (a !== a) return NaN;
  if (Object.is(a, -0)) return -0;
  if (a > fr(88.72283172607421875)) return Infinity;
  if (a < fr(-16.635532333438687426013570)) return -1;
  const d = add2F2F(expk2f([a, 0]), -1);
  return add(d[0], d[1]);
}

// ---- log (SLEEF's xlogf_u1: Sleef_logf8_u10) ----

const FLT_MIN = fr(1.17549435e-38);
const LN2_F2: F2 = [fr(0.69314718246459960938), fr(-1.904654323148236017e-9)];
const LOG_POLY = [0.3027294874, 0.3996108174, 0.666669488].map(fr);

function bitsOf(x: number): number {
  f32[0] = x;
  return i32[0];
}

function fromBits(b: number): number {
  i32[0] = b | 0;
  return f32[0];
}

/** PyTorch's float32 log. */
export function logf(d: number): number {
  if (d !== d || d < 0) return NaN;
  if (d === 0) return -Infinity;
  if (d === Infinity) return Infinity;
  const tiny = d < FLT_MIN;
  if (tiny) d = mul(d, fr(2 ** 64));
  let e = ((bitsOf(mul(d, fr(1 / 0.75))) >> 23) & 0xff) - 0x7f;
  const m = fromBits(bitsOf(d) + (-e << 23));
  if (tiny) e -= 64;
  let s = mulF2F(LN2_F2, e);
  const x = divF2F2(add2FF(-1, m), add2FF(1, m));
  const x2 = mul(x[0], x[0]);
  const t = fmaf(fmaf(LOG_POLY[0], x2, LOG_POLY[1]), x2, LOG_POLY[2]);
  s = addF2F2(s, [mul(x[0], 2), mul(x[1], 2)]);
  s = addF2F(s, mul(mul(x2, x[0]), t));
  return add(s[0], s[1]);
}

/** PyTorch's float32 rsqrt: 1 / sqrt(x) with both steps rounded to float32. */
export function rsqrtf(x: number): number {
  return fr(1 / fr(Math.sqrt(x)));
}

// the double-float arithmetic, for the other SLEEF ports (sleef_log1pf.ts)
export { addFF, addF2F, addF2F2, mulF2F, divF2F2, type F2 };
// and the rest of it, with the wide trigonometric reduction, for sleef_trig.ts
export { add2FF, add2FF2, add2F2F, addFF2, add2F2F2, mulF2F2, mulF2F2toF, squF2, recF2, normalizeF2, subF2F2, wideQuadrant, TRIG_RANGE, TRIG_RANGE_MAX, bitsOf, fromBits, ldexp2, LN2_F2, FLT_MIN };

// ---- pow (SLEEF's xpowf, 1-ulp: Sleef_powf8_u10): exp(y·log|x|) in double-float ----

const LOGK_POLY = [0.240320354700088500976562, 0.285112679004669189453125, 0.400007992982864379882812].map(fr);
const LOGK_C: F2 = [fr(0.66666662693023681640625), fr(3.69183861259614332084311e-9)];
const EXPK_POLY = [
  0.00136324646882712841033936, 0.00836596917361021041870117, 0.0416710823774337768554688, 0.166665524244308471679688,
  0.499999850988388061523438,
].map(fr);

/** log(d) for d > 0 as a double-float (SLEEF's logkf). */
function logkf(d: number): F2 {
  const tiny = d < FLT_MIN;
  if (tiny) d = mul(d, fr(2 ** 64));
  let e = ((bitsOf(mul(d, fr(1 / 0.75))) >> 23) & 0xff) - 0x7f;
  const m = fromBits(bitsOf(d) + (-e << 23));
  if (tiny) e -= 64;
  const x = divF2F2(add2FF(-1, m), add2FF(1, m));
  const x2 = squF2(x);
  let t = fmaf(LOGK_POLY[0], x2[0], LOGK_POLY[1]);
  t = fmaf(t, x2[0], LOGK_POLY[2]);
  let s = mulF2F(LN2_F2, e);
  s = addF2F2(s, [mul(x[0], 2), mul(x[1], 2)]);
  return addF2F2(s, mulF2F2(mulF2F2(x2, x), add2F2F2(mulF2F(x2, t), LOGK_C)));
}

/** exp of a double-float, as one float32 (SLEEF's expkf). */
function expkf(d: F2): number {
  const r = rintf(mul(add(d[0], d[1]), R_LN2F));
  // NOTE: vrint_vi2_vf converts to int32 (cvtps2dq): out of range (or NaN) is 0x80000000
  const q = Math.abs(r) < 2 ** 31 ? r : -2147483648;
  let s = add2F2F(d, mul(q, -L2UF));
  s = add2F2F(s, mul(q, -L2LF));
  s = normalizeF2(s);
  let u = EXPK_POLY[0];
  for (let i = 1; i < EXPK_POLY.length; i++) u = fmaf(u, s[0], EXPK_POLY[i]);
  let t = addF2F2(s, mulF2F(squF2(s), u));
  t = addFF2(1, t);
  if (d[0] < -104) return 0;
  return ldexpf(add(t[0], t[1]), q);
}

/** x·2^q as SLEEF's vldexp_vf_vf_vi2 forms it: four multiplications by 2^(m) and one by 2^(q - 4m), each rounded (so subnormal results round as there). */
function ldexpf(x: number, q: number): number {
  // int32 arithmetic, wrapping as the vector integer ops do
  let m = q >> 31;
  m = ((((m + q) | 0) >> 6) - m) << 4;
  q = (q - (m << 2)) | 0;
  m = (m + 0x7f) | 0;
  m = m > 0 ? m : 0;
  m = m > 0xff ? 0xff : m;
  let u = fromBits(m << 23);
  x = mul(mul(mul(mul(x, u), u), u), u);
  u = fromBits(((q + 0x7f) | 0) << 23);
  return mul(x, u);
}

/** PyTorch's float32 x ** y in its vector lanes (SLEEF's xpowf with its special cases). */
export function powf(x: number, y: number): number {
  if (y === 0 || x === 1) return 1;
  if (x !== x || y !== y) return NaN;
  const yIsInt = Math.trunc(y) === y || Math.abs(y) > 2 ** 24;
  const yIsOdd = yIsInt && Math.abs(y) < 2 ** 24 && (Math.trunc(y) & 1) === 1;
  if (x === Infinity || x === -Infinity || x === 0) {
    const big = (y < 0 || Object.is(y, -0)) !== (x === 0) ? 0 : Infinity;
    const sign = yIsOdd ? x : 1;
    return sign < 0 || Object.is(sign, -0) ? -big : big;
  }
  if (y === Infinity || y === -Infinity) {
    const efx = withSignOf(sub(Math.abs(x), 1), y);
    return efx < 0 ? 0 : efx === 0 ? 1 : Infinity;
  }
  let result = expkf(mulF2F(logkf(Math.abs(x)), y));
  if (result !== result) result = Infinity;
  return x > 0 ? result : yIsInt ? (yIsOdd ? -result : result) : NaN;
}
