// Python's float maths as lr_scheduler.py uses it: math.cos, math.log and x ** y correctly rounded, and
// CPython's floor division, modulo, min/max, bisect_right and the ZeroDivisionError of `/`.
// NOTE: V8's Math.cos / Math.pow (fdlibm) differ from glibc's in the last bit for ~2% / ~7% of the
// schedulers' arguments. glibc's are within 1 ulp and equal the correctly rounded value for all but
// ~0.1% of arguments, so these compute the exact value in fixed point (BigInt) and round it once.

import { RuntimeError, ZeroDivisionError } from '../../errors.js';

/** floor(π · 2^1400): enough bits to reduce any double exactly by multiples of π/2. */
const PI_BITS = 1400;
const PI_FIX = BigInt(
  '0x3243f6a8885a308d313198a2e03707344a4093822299f31d0082efa98ec4e6c89452821e638d01377be5466cf34e90c6cc0ac29b7c97c50dd3f84d5b5b54709179216d5d98979fb1bd1310ba698dfb5ac2ffd72dbd01adfb7b8e1afed6a267e96ba7c9045f12c7f9924a19947b3916cf70801f2e2858efc16636920d871574e69a458fea3f4933d7e0d95748f728eb658718bcd5882154aee7b54a41dc25a59b59c30d5392af26013c5d1b023286085',
);
/** floor(ln 2 · 2^256). */
const LN2_256 = BigInt('0xb17217f7d1cf79abc9e3b39803f2f6af40f343267298b62d8a0d175b8baafa2b');

/** Fraction bits of the fixed-point series: far more than any double's rounding needs. */
const F = 200;
const FB = BigInt(F);
const ONE = 1n << FB;
const LN2 = LN2_256 >> BigInt(256 - F);

/** |x| = m · 2^e with m a positive integer (x finite, non-zero). */
function decompose(x: number): { m: bigint; e: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const hi = view.getUint32(0);
  const biased = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(view.getUint32(4));
  if (biased === 0) return { m, e: -1074 };
  m |= 1n << 52n;
  return { m, e: biased - 1075 };
}

function bitLength(v: bigint): number {
  return v === 0n ? 0 : v.toString(2).length;
}

/** n · 2^k for an integer n < 2^54 whose product is representable (or overflows to ±inf): exact. */
function ldexp(n: number, k: number): number {
  let r = n;
  let left = k;
  while (left > 1000) {
    r *= 2 ** 1000;
    left -= 1000;
  }
  while (left < -1000) {
    r *= 2 ** -1000;
    left += 1000;
  }
  return r * 2 ** left;
}

/** v · 2^scale rounded to the nearest double, ties to even (subnormals rounded once, too). */
function toDouble(v: bigint, scale: number): number {
  if (v === 0n) return 0;
  const negative = v < 0n;
  const a = negative ? -v : v;
  // keep 53 bits, or fewer where the result is subnormal (its last bit is 2^-1074)
  const drop = Math.max(bitLength(a) - 53, -1074 - scale);
  let q = a;
  if (drop > 0) {
    const d = BigInt(drop);
    q = a >> d;
    const rest = a - (q << d);
    const half = 1n << (d - 1n);
    if (rest > half || (rest === half && (q & 1n) === 1n)) q += 1n;
  }
  const r = ldexp(Number(q), Math.max(drop, 0) + scale);
  return negative ? -r : r;
}

/** Σ (-1)^j r^(2j+start) / (2j+start)!, r in fixed point (start 0: cos, 1: sin). */
function trigSeries(r: bigint, start: 0 | 1): bigint {
  const r2 = (r * r) >> FB;
  let term = start === 0 ? ONE : r;
  let sum = term;
  for (let n = start + 2; term !== 0n; n += 2) {
    term = -((term * r2) >> FB) / BigInt((n - 1) * n);
    sum += term;
  }
  return sum;
}

/** math.cos(x), correctly rounded. */
export function cos(x: number): number {
  if (!Number.isFinite(x)) return NaN;
  const ax = Math.abs(x);
  // cos x = 1 - x²/2 rounds to 1
  if (ax < 2 ** -27) return 1;
  const { m, e } = decompose(ax);
  const X = m << BigInt(e + PI_BITS); // ax · 2^PI_BITS, exact (e >= -79 here)
  // ax = k·π/2 + r with |r| <= π/4: k = round(2·ax/π), r·2^(PI_BITS+1) = 2X - k·PI_FIX
  const k = (4n * X + PI_FIX) / (2n * PI_FIX);
  const r = (2n * X - k * PI_FIX) >> BigInt(PI_BITS + 1 - F);
  const quadrant = Number(k % 4n);
  const value = quadrant === 0 ? trigSeries(r, 0) : quadrant === 1 ? -trigSeries(r, 1) : quadrant === 2 ? -trigSeries(r, 0) : trigSeries(r, 1);
  return toDouble(value, -F);
}

/** ln x in fixed point for a finite x > 0: E·ln 2 + 2·atanh((M-1)/(M+1)), x = M·2^E with M in [1/√2, √2). */
function lnFixed(x: number): bigint {
  const { m, e } = decompose(x);
  let E = bitLength(m) - 1 + e;
  // M = m·2^(e-E) in [1, 2); take [1/√2, √2) for a faster series
  let shift = e - E;
  if (Number(m) * 2 ** shift > Math.SQRT2) {
    E += 1;
    shift -= 1;
  }
  const M = shift + F >= 0 ? m << BigInt(shift + F) : m >> BigInt(-(shift + F));
  // atanh is odd: sum the series for |s| (shifts of a negative BigInt round down and never reach 0)
  const below = M < ONE;
  const s = ((below ? ONE - M : M - ONE) << FB) / (M + ONE);
  const s2 = (s * s) >> FB;
  let power = s;
  let sum = s;
  for (let n = 3; power !== 0n; n += 2) {
    power = (power * s2) >> FB;
    sum += power / BigInt(n);
  }
  return BigInt(E) * LN2 + (below ? -2n : 2n) * sum;
}

/** math.log(x): correctly rounded; -inf at 0 (Python raises there; the schedulers never pass it). */
export function log(x: number): number {
  if (Number.isNaN(x) || x < 0) return NaN;
  if (x === 0) return -Infinity;
  if (x === Infinity || x === 1) return x === 1 ? 0 : Infinity;
  return toDouble(lnFixed(x), -F);
}

/** floor(a / b) for BigInts (b > 0). */
function floorDivBig(a: bigint, b: bigint): bigint {
  const q = a / b;
  return q * b > a ? q - 1n : q;
}

/** e^(t·2^-F) · 2^0 as a double, t in fixed point. */
function expFixed(t: bigint): number {
  const k = floorDivBig(2n * t + LN2, 2n * LN2); // round(t / ln 2)
  const r = t - k * LN2;
  let term = ONE;
  let sum = ONE;
  for (let n = 1; term !== 0n; n++) {
    term = ((term * r) >> FB) / BigInt(n);
    sum += term;
  }
  return toDouble(sum, Number(k) - F);
}

/** |x|^n for an integer n != 0, exactly then rounded once (x finite, non-zero). */
function powInteger(x: number, n: number): number {
  const { m, e } = decompose(x);
  const p = m ** BigInt(Math.abs(n));
  if (n > 0) return toDouble(p, e * n);
  // 2^(e·n) / m^|n|: a quotient of 64+ bits and a sticky bit for the remainder
  const bits = bitLength(p) + 64;
  const q = (1n << BigInt(bits)) / p;
  const sticky = q * p === 1n << BigInt(bits) ? 0n : 1n;
  return toDouble((q << 1n) | sticky, e * n - bits - 1);
}

function isOddInteger(y: number): boolean {
  return Number.isInteger(y) && Math.abs(y % 2) === 1;
}

/** Python's `x ** y` for floats (CPython's float_pow around C pow), correctly rounded. */
export function pow(x: number, y: number): number {
  if (y === 0) return 1;
  if (Number.isNaN(x)) return x;
  if (Number.isNaN(y)) return x === 1 ? 1 : y;
  if (!Number.isFinite(y)) {
    const ax = Math.abs(x);
    if (ax === 1) return 1;
    return y > 0 === ax > 1 ? Infinity : 0;
  }
  if (!Number.isFinite(x)) {
    if (y > 0) return isOddInteger(y) ? x : Infinity;
    return isOddInteger(y) ? (x < 0 ? -0 : 0) : 0;
  }
  if (x === 0) {
    if (y < 0) throw new ZeroDivisionError('0.0 cannot be raised to a negative power');
    return isOddInteger(y) ? x : 0;
  }
  if (x === 1) return 1;
  if (x < 0 && !Number.isInteger(y)) throw new RuntimeError('a negative number raised to a fractional power is complex');
  const negate = x < 0 && isOddInteger(y);
  let r: number;
  if (Number.isInteger(y) && Math.abs(y) <= 1024) r = powInteger(x, y);
  else {
    const { m, e } = decompose(y);
    const t = lnFixed(Math.abs(x)) * (y < 0 ? -m : m); // ln|x| · y · 2^-e
    const scaled = e >= 0 ? t << BigInt(e) : t >> BigInt(-e);
    const limit = 1200n * ONE;
    r = scaled > limit ? Infinity : scaled < -limit ? 0 : expFixed(scaled);
  }
  if (r === Infinity) throw new RuntimeError("(34, 'Numerical result out of range')");
  return negate ? -r : r;
}

/** a / b with Python's ZeroDivisionError (its text says 'float' unless both operands are ints). */
export function div(a: number, b: number, ints = false): number {
  if (b === 0) throw new ZeroDivisionError(ints ? 'division by zero' : 'float division by zero');
  return a / b;
}

/** Python's a // b on floats (CPython's float_floor_div; equal to int // int for integers). */
export function floorDiv(a: number, b: number): number {
  if (b === 0) throw new ZeroDivisionError('integer division or modulo by zero');
  let mod = a % b;
  let d = (a - mod) / b;
  if (mod !== 0 && b < 0 !== mod < 0) {
    mod += b;
    d -= 1;
  }
  if (d === 0) return Object.is(a / b, -0) || a / b < 0 ? -0 : 0;
  let floored = Math.floor(d);
  if (d - floored > 0.5) floored += 1;
  return floored;
}

/** Python's a % b (the sign of b). */
export function mod(a: number, b: number): number {
  if (b === 0) throw new ZeroDivisionError('integer modulo by zero');
  const r = a % b;
  return r !== 0 && b < 0 !== r < 0 ? r + b : r;
}

/** Python's min(a, b): a unless b < a. */
export function pyMin(a: number, b: number): number {
  return b < a ? b : a;
}

/** Python's max(a, b): a unless b > a. */
export function pyMax(a: number, b: number): number {
  return b > a ? b : a;
}

/** Python's bisect.bisect_right (a binary search, also on an unsorted list, as Python's is). */
export function bisectRight(list: readonly number[], x: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x < list[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** An int ** int of Python for small non-negative exponents, exact while below 2^53. */
export function intPow(base: number, exponent: number): number {
  let r = 1;
  for (let i = 0; i < exponent; i++) r *= base;
  return r;
}
