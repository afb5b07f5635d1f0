// PyTorch's float32 tan, atan, asin, acos, atan2, log2, log10 and exp2, bit for bit: SLEEF 3.5's AVX2
// kernels as PyTorch 1.13 calls them (Sleef_tanf8_u10 = xtanf_u1, Sleef_atanf8_u10 = xatanf_u1, ...),
// in float32 steps with each of SLEEF's vmla fused (vfmadd), and SLEEF's double-float helpers (df.h,
// FMA variant). SLEEF is Copyright Naoki Shibata and contributors, Boost Software License 1.0; the
// algorithms and coefficients are SLEEF's.

import { fmaf, type F2, addFF, addF2F, addF2F2, mulF2F, divF2F2, rintf } from './sleef.js';
import { add2FF, add2FF2, add2F2F, addFF2, mulF2F2, squF2, recF2, normalizeF2, subF2F2, wideQuadrant, TRIG_RANGE, TRIG_RANGE_MAX } from './sleef.js';
import { bitsOf, fromBits, ldexp2, FLT_MIN } from './sleef.js';

const fr = Math.fround;
const add = (a: number, b: number): number => fr(a + b);
const sub = (a: number, b: number): number => fr(a - b);
const mul = (a: number, b: number): number => fr(a * b);
const isNegZero = (x: number): boolean => Object.is(x, -0);
/** x with its sign bit flipped where y's is set (SLEEF's vmulsign). */
const mulsign = (x: number, y: number): number => (y < 0 || isNegZero(y) ? -x : x);

// ---- tan (xtanf_u1) ----

const M_2_PIF = fr(2 / Math.PI);
const M_2_PI_F2: F2 = [M_2_PIF, fr(2 / Math.PI - M_2_PIF)];
const PI_A2F_H = fr(3.1414794921875 * 0.5);
const PI_B2F_H = fr(fr(0.00011315941810607910156) * 0.5);
const PI_C2F_H = fr(fr(1.9841872589410058936e-9) * 0.5);
const TAN_POLY = [0.00446636462584137916564941, -8.3920182078145444393158e-5, 0.0109639242291450500488281, 0.0212360303848981857299805, 0.0540687143802642822265625].map(fr);

/** PyTorch's float32 tan of one lane; `wide` as for sinf: any lane of its vector has |x| >= 125 (or NaN). */
export function tanf(d: number, wide = !(Math.abs(d) < TRIG_RANGE)): number {
  let s: F2;
  let q: number;
  if (!wide) {
    const u = rintf(mul(d, M_2_PIF));
    q = u;
    const v = fmaf(u, -PI_A2F_H, d);
    s = add2FF(v, mul(u, -PI_B2F_H));
    s = addF2F(s, mul(u, -PI_C2F_H));
  } else {
    [q, s] = wideQuadrant(d, M_2_PI_F2, true);
  }
  const odd = (q & 1) === 1;
  if (odd) s = [-s[0], -s[1]];
  const t = s;
  s = normalizeF2(squF2(s));
  let u = TAN_POLY[0];
  for (let i = 1; i < TAN_POLY.length; i++) u = fmaf(u, s[0], TAN_POLY[i]);
  let x = addFF(fr(0.133325666189193725585938), mul(u, s[0]));
  x = addFF2(1, mulF2F2(addFF2(fr(0.33333361148834228515625), mulF2F2(s, x)), s));
  x = mulF2F2(t, x);
  if (odd) x = recF2(x);
  const r = add(x[0], x[1]);
  if (isNegZero(d)) return -0;
  if (d === Infinity || d === -Infinity) return NaN;
  // NOTE: past 5e9 SLEEF 3.5 reduces by a table of 2/π (Payne–Hanek), not reproduced: the correctly rounded value
  return Math.abs(d) > TRIG_RANGE_MAX ? fr(Math.tan(d)) : r;
}

/** tan of a whole float32 array as PyTorch's vml loop runs it: vectors of 8 lanes from the start. */
export function tanVector(x: ArrayLike<number>, out: { [i: number]: number }): void {
  for (let i = 0; i < x.length; i += 8) {
    const end = Math.min(i + 8, x.length);
    let wide = false;
    for (let j = i; j < end; j++) if (!(Math.abs(x[j]) < TRIG_RANGE)) wide = true;
    for (let j = i; j < end; j++) out[j] = tanf(x[j], wide);
  }
}

// ---- atan and atan2 (xatanf_u1, xatan2f_u1: atan2kf_u1 in double-float) ----

const ATAN_POLY = [
  -0.00176397908944636583328247, 0.0107900900766253471374512, -0.0309564601629972457885742, 0.0577365085482597351074219,
  -0.0838950723409652709960938, 0.109463557600975036621094, -0.142626821994781494140625, 0.199983194470405578613281,
].map(fr);
const PI_2_F2: F2 = [fr(1.5707963705062866211), fr(-4.3711388286737928865e-8)];

function atan2kf(y: F2, x: F2): F2 {
  let q = x[0] < 0 ? -2 : 0;
  if (x[0] < 0) x = [-x[0], -x[1]];
  const p = x[0] < y[0];
  if (p) q += 1;
  let s: F2 = p ? [-x[0], -x[1]] : y;
  let t: F2 = p ? y : x;
  s = divF2F2(s, t);
  t = normalizeF2(squF2(s));
  let u = ATAN_POLY[0];
  for (let i = 1; i < ATAN_POLY.length; i++) u = fmaf(u, t[0], ATAN_POLY[i]);
  t = mulF2F2(t, addFF(fr(-0.333332866430282592773438), mul(u, t[0])));
  t = mulF2F2(s, addFF2(1, t));
  return addF2F2(mulF2F(PI_2_F2, q), t);
}

/** PyTorch's float32 atan. */
export function atanf(d: number): number {
  const r2 = atan2kf([Math.abs(d), 0], [1, 0]);
  let r = add(r2[0], r2[1]);
  if (d === Infinity || d === -Infinity) r = fr(1.570796326794896557998982);
  return mulsign(r, d);
}

const PI_2F = fr(Math.PI / 2);
const PI_4F = fr(Math.PI / 4);
const PIF = fr(Math.PI);
const isInf = (x: number): boolean => x === Infinity || x === -Infinity;
const signbit = (x: number): boolean => x < 0 || isNegZero(x);

/** PyTorch's float32 atan2(y, x) in its vector lanes. */
export function atan2f(y: number, x: number): number {
  if (x !== x || y !== y) return NaN;
  if (Math.abs(x) < fr(2.9387372783541830947e-39)) {
    x = mul(x, 1 << 24);
    y = mul(y, 1 << 24);
  }
  const d = atan2kf([Math.abs(y), 0], [x, 0]);
  let r = add(d[0], d[1]);
  r = mulsign(r, x);
  // SLEEF's visinf2(x, m): m with x's sign where x is infinite, else 0
  const inf2 = (m: number): number => (isInf(x) ? mulsign(Math.abs(m), x) : 0);
  if (isInf(x) || x === 0) r = sub(PI_2F, inf2(mulsign(PI_2F, x)));
  if (isInf(y)) r = sub(PI_2F, inf2(mulsign(PI_4F, x)));
  if (y === 0) r = signbit(x) ? PIF : 0;
  return mulsign(r, y);
}

// ---- asin and acos (xasinf_u1, xacosf_u1) ----

const ASIN_POLY = [0.4197454825e-1, 0.2424046025e-1, 0.4547423869e-1, 0.7495029271e-1, 0.1666677296].map(fr);

/** √d as a double-float (SLEEF's dfsqrt_vf2_vf). */
function sqrtF2(d: number): F2 {
  const t = fr(Math.sqrt(d));
  const tt: F2 = [mul(t, t), fmaf(t, t, -mul(t, t))];
  const r = fr(1 / t);
  const rec: F2 = [r, mul(r, fmaf(-t, r, 1))];
  const m = mulF2F2(add2FF2(d, tt), rec);
  return [mul(m[0], 0.5), mul(m[1], 0.5)];
}

function subF2F(x: F2, y: number): F2 {
  const h = sub(x[0], y);
  return [h, add(sub(sub(x[0], h), y), x[1])];
}

/** The shared start of asin and acos: x² (or (1 - |d|)/2), its root as a double-float, the polynomial times x³. */
function asinCore(d: number): { o: boolean; x: F2; u: number } {
  const a = Math.abs(d);
  const o = a < 0.5;
  const x2 = o ? mul(d, d) : mul(sub(1, a), 0.5);
  let x: F2 = o ? [a, 0] : sqrtF2(x2);
  if (a === 1) x = [0, 0];
  let u = ASIN_POLY[0];
  for (let i = 1; i < ASIN_POLY.length; i++) u = fmaf(u, x2, ASIN_POLY[i]);
  u = mul(u, mul(x2, x[0]));
  return { o, x, u };
}

const PI_F2: F2 = [fr(3.1415927410125732422), fr(-8.7422776573475857731e-8)];

/** PyTorch's float32 asin. */
export function asinf(d: number): number {
  const { o, x, u } = asinCore(d);
  const y = subF2F(subF2F2([PI_F2[0] / 4, PI_F2[1] / 4], x), u);
  const r = o ? add(u, x[0]) : mul(add(y[0], y[1]), 2);
  return mulsign(r, d);
}

/** PyTorch's float32 acos. */
export function acosf(d: number): number {
  const { o, x, u } = asinCore(d);
  let y = subF2F2([PI_F2[0] / 2, PI_F2[1] / 2], addFF(mulsign(x[0], d), mulsign(u, d)));
  const xs = addF2F(x, u);
  if (!o) y = [mul(xs[0], 2), mul(xs[1], 2)];
  if (!o && d < 0) y = subF2F2(PI_F2, y);
  return add(y[0], y[1]);
}

// ---- log2 and log10 (xlog2f_u1, xlog10f) ----

/** d = m·2^e with m in [0.75, 1.5), as SLEEF's float log kernels split it; d > 0 finite. */
function splitLog(d: number): { m: number; e: number } {
  const tiny = d < FLT_MIN;
  if (tiny) d = mul(d, fr(2 ** 64));
  let e = ((bitsOf(mul(d, fr(1 / 0.75))) >> 23) & 0xff) - 0x7f;
  const m = fromBits(bitsOf(d) + (-e << 23));
  if (tiny) e -= 64;
  return { m, e };
}

/** NaN, ±inf or undefined for the special inputs of a logarithm. */
function logSpecial(d: number): number | undefined {
  if (d !== d || d < 0) return NaN;
  if (d === 0) return -Infinity;
  if (d === Infinity) return Infinity;
  return undefined;
}

const LOG2_POLY = [0.4374550283, 0.5764790177, 0.961801290512].map(fr);
const LOG2E2_F2: F2 = [fr(2.8853900432586669922), fr(3.2734474483568488616e-8)];

/** PyTorch's float32 log2. */
export function log2f(d: number): number {
  const sp = logSpecial(d);
  if (sp !== undefined) return sp;
  const { m, e } = splitLog(d);
  const x = divF2F2(add2FF(-1, m), add2FF(1, m));
  const x2 = mul(x[0], x[0]);
  const t = fmaf(fmaf(LOG2_POLY[0], x2, LOG2_POLY[1]), x2, LOG2_POLY[2]);
  let s = add2FF2(e, mulF2F2(x, LOG2E2_F2));
  s = add2F2F(s, mul(mul(x2, x[0]), t));
  return add(s[0], s[1]);
}

const LOG10_POLY = [0.1314289868, 0.1735493541, 0.2895309627].map(fr);
const LOG10_2_F2: F2 = [fr(0.30103001), fr(-1.432098889e-8)];
const LOG10E2_F2: F2 = [fr(0.868588984), fr(-2.170757285e-8)];

/** PyTorch's float32 log10. */
export function log10f(d: number): number {
  const sp = logSpecial(d);
  if (sp !== undefined) return sp;
  const { m, e } = splitLog(d);
  const x = divF2F2(add2FF(-1, m), add2FF(1, m));
  const x2 = mul(x[0], x[0]);
  const t = fmaf(fmaf(LOG10_POLY[0], x2, LOG10_POLY[1]), x2, LOG10_POLY[2]);
  let s = mulF2F(LOG10_2_F2, e);
  s = addF2F2(s, mulF2F2(x, LOG10E2_F2));
  s = addF2F(s, mul(mul(x2, x[0]), t));
  return add(s[0], s[1]);
}

// ---- exp2 (xexp2f, the FMA form) ----

const EXP2_POLY = [0.1535920892e-3, 0.1339262701e-2, 0.9618384764e-2, 0.5550347269e-1, 0.2402264476, 0.6931471825].map(fr);

/** PyTorch's float32 exp2 in its vector lanes. */
export function exp2f(d: number): number {
  if (d !== d) return NaN;
  if (d >= 128) return Infinity;
  if (d < -150) return 0;
  const q = rintf(d);
  const s = sub(d, q);
  let u = EXP2_POLY[0];
  for (let i = 1; i < EXP2_POLY.length; i++) u = fmaf(u, s, EXP2_POLY[i]);
  u = fmaf(u, s, 1);
  return ldexp2(u, q);
}
