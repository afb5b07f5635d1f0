// The C library's exp, log, expf and logf, as PyTorch's scalar loops call them (std::exp, std::log):
// correctly rounded here, from double-double evaluations accurate to ~2^-100.
// NOTE: glibc 2.36's functions are not always correctly rounded: exp and log differ from the correctly
// rounded value in about 0.1% of inputs, logf in about 0.6%, by one ulp. Those few results differ
// from PyTorch's by that ulp (the loss tests say where).

import { fma } from './sleef.js';

export type DD = [number, number];

function twoSum(a: number, b: number): DD {
  const s = a + b;
  const v = s - a;
  return [s, a - (s - v) + (b - v)];
}

function quickTwoSum(a: number, b: number): DD {
  const s = a + b;
  return [s, b - (s - a)];
}

function addDD(a: DD, b: DD): DD {
  const s = twoSum(a[0], b[0]);
  const t = twoSum(a[1], b[1]);
  const h = quickTwoSum(s[0], s[1] + t[0]);
  return quickTwoSum(h[0], h[1] + t[1]);
}

function mulDD(a: DD, b: DD): DD {
  const p = a[0] * b[0];
  return quickTwoSum(p, fma(a[0], b[0], -p) + (a[0] * b[1] + a[1] * b[0]));
}

function mulDN(a: DD, b: number): DD {
  const p = a[0] * b;
  return quickTwoSum(p, fma(a[0], b, -p) + a[1] * b);
}

function divDD(a: DD, b: DD): DD {
  const q1 = a[0] / b[0];
  let r = addDD(a, mulDN(b, -q1));
  const q2 = r[0] / b[0];
  r = addDD(r, mulDN(b, -q2));
  return addDD(quickTwoSum(q1, q2), [r[0] / b[0], 0]);
}

const LN2: DD = [0.6931471805599453, 2.3190468138462996e-17];
const LN2_3 = 5.707708438416212e-34;
/** 1/n! for n = 0..27 and 1/(2k+1) for k = 0..30, as double-doubles. */
const INV_FACT: DD[] = [];
const INV_ODD: DD[] = [];
{
  let f: DD = [1, 0];
  for (let n = 0; n <= 27; n++) {
    if (n > 0) f = divDD(f, [n, 0]);
    INV_FACT.push(f);
  }
  for (let k = 0; k <= 30; k++) INV_ODD.push(divDD([1, 0], [2 * k + 1, 0]));
}

/** x·2^k for any k (in steps that keep each factor a normal number). */
function scale(x: number, k: number): number {
  while (k > 1000) {
    x *= 2 ** 1000;
    k -= 1000;
  }
  while (k < -1000) {
    x *= 2 ** -1000;
    k += 1000;
  }
  return x * 2 ** k;
}

/** exp(x) = dd·2^k: k = round(x/ln2), exp(r) by its Taylor series (|r| <= ln2/2, 28 terms). */
function expDD(x: number): [DD, number] {
  const k = Math.round(x / LN2[0]);
  const p = mulDN(LN2, k);
  let r = addDD([x, 0], [-p[0], -p[1]]);
  r = addDD(r, [-k * LN2_3, 0]);
  let acc = INV_FACT[27];
  for (let n = 26; n >= 0; n--) acc = addDD(mulDD(acc, r), INV_FACT[n]);
  return [acc, k];
}

/** The float32 nearest to hi + lo (ties to even), for a double-double whose hi is the double nearest. */
function roundToFloat32(hi: number, lo: number): number {
  const f = Math.fround(hi);
  if (f === hi || lo === 0 || !Number.isFinite(f)) return f;
  const other = 2 * hi - f;
  if (Math.fround(other) !== other || other === f) return f; // hi is not halfway between two float32s
  return lo > 0 === other > f ? other : f;
}

/** Correctly rounded exp (glibc's exp). */
export function exp(x: number): number {
  if (x !== x) return NaN;
  if (x > 709.8) return Infinity;
  if (x < -745.2) return 0;
  const [d, k] = expDD(x);
  return scale(d[0] + d[1], k);
}

/** Correctly rounded float32 exp of a float32 (glibc's expf). */
export function expf(x: number): number {
  if (x !== x) return NaN;
  if (x > 89) return Infinity;
  if (x < -104) return 0;
  const [d, k] = expDD(x);
  return roundToFloat32(scale(d[0], k), scale(d[1], k));
}

const hi32 = new Float64Array(1);
const words = new Uint32Array(hi32.buffer);

/** log(x) for finite x > 0 as a double-double: e·ln2 + 2·atanh((m-1)/(m+1)), m in [√½, √2). */
function logDD(x: number): DD {
  let e = 0;
  if (x < 2.2250738585072014e-308) {
    x *= 2 ** 64;
    e = -64;
  }
  hi32[0] = x;
  e += ((words[1] >>> 20) & 0x7ff) - 1023;
  words[1] = (words[1] & 0x800fffff) | (1023 << 20);
  let m = hi32[0];
  if (m > Math.SQRT2) {
    m /= 2;
    e += 1;
  }
  const u = divDD([m - 1, 0], twoSum(m, 1));
  const s = mulDD(u, u);
  let acc = INV_ODD[30];
  for (let j = 29; j >= 0; j--) acc = addDD(mulDD(acc, s), INV_ODD[j]);
  const lm = mulDN(mulDD(acc, u), 2);
  return addDD(addDD(mulDN(LN2, e), [e * LN2_3, 0]), lm);
}

function logSpecial(x: number): number | null {
  if (x !== x || x < 0) return NaN;
  if (x === 0) return -Infinity;
  if (x === Infinity) return Infinity;
  if (x === 1) return 0;
  return null;
}

/** Correctly rounded log (glibc's log). */
export function log(x: number): number {
  const special = logSpecial(x);
  if (special !== null) return special;
  const d = logDD(x);
  return d[0] + d[1];
}

/** Correctly rounded float32 log of a float32 (glibc's logf). */
export function logf(x: number): number {
  const special = logSpecial(x);
  if (special !== null) return special;
  const d = logDD(x);
  return roundToFloat32(d[0], d[1]);
}

// π/2 in four pieces (fdlibm's pio2_1, pio2_2, pio2_3 of 33 bits each, then pio2_3t): n·piece is exact
// for the n of arguments below 2^19·π/2, so the reduced argument is a double-double good to ~2^-100.
const PIO2_1 = 1.57079632673412561417e0;
const PIO2_2 = 6.07710050630396597660e-11;
const PIO2_3 = 2.02226624871116645580e-21;
const PIO2_3T = 8.47842766036889956997e-32;
const REDUCE_LIMIT = 2 ** 19 * PIO2_1;

/** x - n·π/2 as a double-double, n = round(x / (π/2)) (|x| < 2^19·π/2). */
function reduceHalfPi(x: number): [DD, number] {
  const n = Math.round(x / (PIO2_1 + PIO2_2));
  let r: DD = twoSum(x - n * PIO2_1, -n * PIO2_2);
  r = addDD(r, [-n * PIO2_3, 0]);
  r = addDD(r, [-n * PIO2_3T, 0]);
  return [r, n];
}

/** sin(r) and cos(r) for |r| <= π/4 as double-doubles, by their Taylor series (14 terms each). */
function sinCosDD(r: DD): [DD, DD] {
  const r2 = mulDD(r, r);
  let s: DD = [-INV_FACT[27][0], -INV_FACT[27][1]];
  let c: DD = [-INV_FACT[26][0], -INV_FACT[26][1]];
  for (let k = 12; k >= 0; k--) {
    const sign = k % 2 === 0 ? 1 : -1;
    s = addDD(mulDD(s, r2), [sign * INV_FACT[2 * k + 1][0], sign * INV_FACT[2 * k + 1][1]]);
    c = addDD(mulDD(c, r2), [sign * INV_FACT[2 * k][0], sign * INV_FACT[2 * k][1]]);
  }
  return [mulDD(s, r), c];
}

/** sin(x) and cos(x) as double-doubles good to ~2^-100, for 0 < |x| < 2^19·π/2. */
export function sincosDD(x: number): [DD, DD] {
  const [r, n] = reduceHalfPi(x);
  const [s, c] = sinCosDD(r);
  const neg = (v: DD): DD => [-v[0], -v[1]];
  switch (((n % 4) + 4) % 4) {
    case 0:
      return [s, c];
    case 1:
      return [c, neg(s)];
    case 2:
      return [neg(s), neg(c)];
    default:
      return [neg(c), s];
  }
}

/** Correctly rounded sin and cos of x (glibc's, which are in all but rare cases), |x| < 2^19·π/2; else V8's. */
export function sincos(x: number): [number, number] {
  if (!(Math.abs(x) < REDUCE_LIMIT)) return [Math.sin(x), Math.cos(x)];
  if (x === 0) return [x, 1];
  const [s, c] = sincosDD(x);
  return [s[0] + s[1], c[0] + c[1]];
}
