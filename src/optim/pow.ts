// Python's `x ** y` for floats (C's pow), correctly rounded. The bias corrections `1 - beta ** step`
// need it: V8's Math.pow is off by an ulp for about one power in ten (0.9 ** 4 = 0.6561000000000001),
// glibc's pow is correctly rounded in all but about one case in 1600.
// Integer exponents: double-double powers by squaring with an error bound; any other exponent, or a
// result too close to a rounding boundary: exp(y·ln x) in BigInt fixed point, more bits until decided.

import { decompose } from '../math/fma.js';

const SPLIT = 134217729;
const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);

/** x ** y as Python computes it for floats (the cases Python raises for give C's value instead). */
export function pyPow(x: number, y: number): number {
  if (y === 0 || x === 1) return 1;
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  const odd = Number.isInteger(y) && Math.abs(y) < 2 ** 53 && Math.abs(y % 2) === 1;
  if (x < 0 || Object.is(x, -0)) {
    if (!Number.isInteger(y) && Number.isFinite(y)) return NaN;
    const r = pyPow(-x, y);
    return odd ? -r : r;
  }
  if (x === 0) return y > 0 ? 0 : Infinity;
  if (!Number.isFinite(y)) return x < 1 === y > 0 ? 0 : Infinity;
  if (x === Infinity) return y > 0 ? Infinity : 0;
  return cachedPow(x, y);
}

const cache = new Map<number, Map<number, number>>();
let cached = 0;

/** The optimizers raise the same few bases to each step, once per parameter: keep recent results. */
function cachedPow(x: number, y: number): number {
  let row = cache.get(x);
  const hit = row?.get(y);
  if (hit !== undefined) return hit;
  if (cached >= 4096) {
    cache.clear();
    cached = 0;
    row = undefined;
  }
  const r = (Number.isInteger(y) && y > 0 && y < 2 ** 31 ? powIntFast(x, y) : null) ?? bigPow(x, y);
  if (row === undefined) {
    row = new Map();
    cache.set(x, row);
  }
  row.set(y, r);
  cached++;
  return r;
}

let ddHi = 0;
let ddLo = 0;

/** (ddHi, ddLo) = (ah + al)·(bh + bl), relative error below 2^-103. */
function ddMul(ah: number, al: number, bh: number, bl: number): void {
  const p = ah * bh;
  let t = SPLIT * ah;
  const ahh = t - (t - ah);
  const ahl = ah - ahh;
  t = SPLIT * bh;
  const bhh = t - (t - bh);
  const bhl = bh - bhh;
  const e = ahl * bhl - (((p - ahh * bhh) - ahl * bhh) - ahh * bhl) + (ah * bl + al * bh);
  ddHi = p + e;
  ddLo = e - (ddHi - p);
}

/** The gap from positive, finite x to its neighbour above (up) or below. */
function gap(x: number, up: boolean): number {
  bits[0] = x;
  if (up) {
    words[0] = words[0] + 1;
    if (words[0] === 0) words[1] = words[1] + 1;
    return bits[0] - x;
  }
  if (words[0] === 0) words[1] = words[1] - 1;
  words[0] = words[0] - 1;
  return x - bits[0];
}

/** x^n (n a positive integer) by squaring in double-double, or null when the bound cannot decide the rounding. */
function powIntFast(x: number, n: number): number | null {
  let rh = 1;
  let rl = 0;
  let bh = x;
  let bl = 0;
  let k = n;
  let mults = 0;
  for (;;) {
    if (k % 2 === 1) {
      ddMul(rh, rl, bh, bl);
      rh = ddHi;
      rl = ddLo;
      mults++;
    }
    k = Math.floor(k / 2);
    if (k === 0) break;
    ddMul(bh, bl, bh, bl);
    bh = ddHi;
    bl = ddLo;
    mults++;
    // keep the error analysis free of underflow and overflow
    if (!(bh > 2 ** -900 && bh < 2 ** 900 && rh > 2 ** -900 && rh < 2 ** 900)) return null;
  }
  if (!(rh > 2 ** -900 && rh < 2 ** 900)) return null;
  // each squaring doubles the relative error of the base: at most (2n + mults)·2^-103 in all
  const err = (2 * n + mults + 2) * 2 ** -103 * rh;
  const side = gap(rh, rl > 0) / 2;
  return Math.abs(rl) + err < side ? rh : null;
}

const lnTwo = new Map<number, bigint>();

/** 2·atanh(t) for t = T / 2^P (|t| small), in fixed point with P fraction bits. */
function twoAtanh(T: bigint, P: bigint): bigint {
  // NOTE: >> floors, so a negative term would never reach 0: sum the series for |t|
  if (T < 0n) return -twoAtanh(-T, P);
  const t2 = (T * T) >> P;
  let term = T;
  let sum = 0n;
  for (let k = 1n; term !== 0n; k += 2n) {
    sum += term / k;
    term = (term * t2) >> P;
  }
  return 2n * sum;
}

/** ln 2 with P fraction bits: 2·atanh(1/3). */
function ln2(P: number): bigint {
  let v = lnTwo.get(P);
  if (v === undefined) {
    const Q = BigInt(P + 32);
    v = twoAtanh((1n << Q) / 3n, Q) >> 32n;
    lnTwo.set(P, v);
  }
  return v;
}

function bitLength(m: bigint): number {
  return m === 0n ? 0 : m.toString(2).length;
}

/** floor(a / b) for b > 0 (BigInt division truncates towards zero). */
function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a < 0n && q * b !== a ? q - 1n : q;
}

/** Correctly rounded x^y for finite x > 0, finite y: more precision until the rounding is decided. */
function bigPow(x: number, y: number): number {
  for (let P = 192; P <= 1536; P *= 2) {
    const r = fixedPow(x, y, P, false);
    if (r !== null) return r;
  }
  // an exact midpoint (possible for integer y): take the rounding at the highest precision
  return fixedPow(x, y, 1536, true) as number;
}

function fixedPow(x: number, y: number, precision: number, force: boolean): number | null {
  const P = BigInt(precision);
  const one = 1n << P;
  const LN2 = ln2(precision);
  // x = u·2^k with u in [1/√2, √2]
  const [mx, ex] = decompose(x);
  const lx = bitLength(mx);
  let k = ex + lx - 1;
  let U = mx << BigInt(precision - (lx - 1));
  if (mx * mx > 1n << BigInt(2 * lx - 1)) {
    U >>= 1n;
    k += 1;
  }
  const lnx = twoAtanh(((U - one) << P) / (U + one), P) + BigInt(k) * LN2;
  const [my, ey] = decompose(y);
  let L = lnx * my;
  L = ey >= 0 ? L << BigInt(ey) : L >> BigInt(-ey);
  // exp(L) = 2^n · exp(r), |r| <= ln2/2, exp(r) = (Taylor at r/2^8)^(2^8)
  const n = floorDiv(2n * L + LN2, 2n * LN2);
  const r = (L - n * LN2) >> 8n;
  let term = one;
  let E = one;
  for (let i = 1n; term !== 0n; i++) {
    term = (term * r) / (one * i);
    E += term;
  }
  for (let i = 0; i < 8; i++) E = (E * E) >> P;
  // relative error bound 2^-P·2^12·(P + 16)·(|y| + 1)·(|k| + 2), in units of E's last bit
  const scale = BigInt(Math.ceil(2 ** 12 * (precision + 16) * (Math.abs(y) + 1) * (Math.abs(k) + 2)));
  const errUnits = ((E * scale) >> P) + 4n;
  return roundChecked(E, Number(n) - precision, errUnits, force);
}

/** The double nearest to m·2^e (m > 0), or null when m's error of errUnits could move it across a midpoint. */
function roundChecked(m: bigint, e: number, errUnits: bigint, force: boolean): number | null {
  let shift = bitLength(m) - 53;
  if (e + shift < -1074) shift = -1074 - e;
  if (shift <= 0) return force || errUnits === 0n ? Number(m) * 2 ** e : null;
  const rest = m & ((1n << BigInt(shift)) - 1n);
  const half = 1n << BigInt(shift - 1);
  const distance = rest > half ? rest - half : half - rest;
  if (!force && distance <= errUnits) return null;
  let q = m >> BigInt(shift);
  if (rest > half || (rest === half && (q & 1n) === 1n)) q += 1n;
  let ee = e + shift;
  let v = Number(q);
  if (ee < -1000) {
    v *= 2 ** -1000;
    ee += 1000;
  } else if (ee > 1000) {
    v *= 2 ** 1000;
    ee -= 1000;
  }
  return v * 2 ** ee;
}
