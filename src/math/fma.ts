// Fused multiply-add, a·b + c rounded once, as PyTorch's CPU kernels compute `add(x, alpha=a)` and
// `addcmul` (AVX2 builds fuse them with vfmadd, the scalar tail too). JavaScript has no Math.fma:
// float64 uses Dekker's exact product and an exact correction of the tie case of the last addition, exact BigInt
// arithmetic where that could overflow or underflow; float32 corrects the one double rounding of a·b + c.

/** Veltkamp's splitting constant for doubles: 2^27 + 1. */
const SPLIT = 134217729;
const BIG = 2 ** 995;
const TINY = 2 ** -960;

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
/** The low 32-bit word of a double's representation (little-endian, as every platform Node runs on). */
const LO = 0;
const HI = 1;

/** a·b + c with a single rounding, for doubles. */
export function fma64(a: number, b: number, c: number): number {
  const p = a * b;
  const ap = p < 0 ? -p : p;
  if (!(ap > TINY && ap < BIG && c < BIG && c > -BIG && a < BIG && a > -BIG && b < BIG && b > -BIG)) return fmaRare(a, b, c, p);
  // Dekker: p + e = a·b exactly
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  const e = al * bl - (((p - ah * bh) - al * bh) - ah * bl);
  // TwoSum: s + tl = c + p exactly
  const s = c + p;
  const bb = s - c;
  const tl = c - (s - bb) + (p - bb);
  // v = tl + e rounds once more; that second rounding matters only when s + v is a tie, decided by the exact rest
  const v = tl + e;
  const vb = v - tl;
  const verr = tl - (v - vb) + (e - vb);
  const z = s + v;
  if (verr === 0) return z;
  const rem = v - (z - s);
  const rem2 = rem + rem;
  if (rem === 0 || z + rem2 - z !== rem2) return z;
  return rem > 0 === verr > 0 ? z + rem2 : z;
}

/** Non-finite operands, a zero product, and magnitudes where the fast path could overflow or underflow. */
function fmaRare(a: number, b: number, c: number, p: number): number {
  if (Number.isNaN(a) || Number.isNaN(b) || Number.isNaN(c)) return NaN;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return p + c;
  if (!Number.isFinite(c)) return c;
  if (a === 0 || b === 0) return p + c;
  return fmaExact(a, b, c);
}

/** a·b + c rounded once through exact BigInt arithmetic (finite, non-zero a and b). */
export function fmaExact(a: number, b: number, c: number): number {
  const [ma, ea] = decompose(a);
  const [mb, eb] = decompose(b);
  const [mc, ec] = decompose(c);
  const eab = ea + eb;
  const e = Math.min(eab, ec);
  const sum = ((ma * mb) << BigInt(eab - e)) + (mc << BigInt(ec - e));
  return roundScaled(sum, e);
}

/** x = m · 2^e with m an integer (BigInt, signed), for a finite double x. */
export function decompose(x: number): [bigint, number] {
  bits[0] = x;
  const hi = words[HI];
  const biased = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(words[LO]);
  let e = -1074;
  if (biased !== 0) {
    m |= 1n << 52n;
    e = biased - 1075;
  }
  return [hi >>> 31 === 1 ? -m : m, e];
}

function bitLength(m: bigint): number {
  return m === 0n ? 0 : m.toString(2).length;
}

/** The double nearest to m · 2^e (ties to even, subnormals and overflow as IEEE rounds them); exact 0 is +0. */
export function roundScaled(m: bigint, e: number): number {
  if (m === 0n) return 0;
  const negative = m < 0n;
  let q = negative ? -m : m;
  let shift = bitLength(q) - 53;
  if (e + shift < -1074) shift = -1074 - e;
  if (shift > 0) {
    const rest = q & ((1n << BigInt(shift)) - 1n);
    const half = 1n << BigInt(shift - 1);
    q >>= BigInt(shift);
    if (rest > half || (rest === half && (q & 1n) === 1n)) q += 1n;
    e += shift;
  }
  // q < 2^54 is exact as a double; scale in two exact steps so that 2^e itself cannot underflow or overflow
  let x = Number(q);
  if (e < -1000) {
    x *= 2 ** -1000;
    e += 1000;
  } else if (e > 1000) {
    x *= 2 ** 1000;
    e -= 1000;
  }
  x *= 2 ** e;
  return negative ? -x : x;
}

const F32_MAX = 3.4028234663852886e38;
/** Where float32 rounding overflows: halfway between the largest float32 and 2^128. */
const F32_OVERFLOW = 3.4028235677973366e38;

/** a·b + c with a single rounding to float32, for float32 operands (a·b is exact in a double). */
export function fma32(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const f = Math.fround(s);
  if (f === s || !Number.isFinite(s)) return f;
  const bb = s - p;
  const err = p - (s - bb) + (c - bb);
  if (err === 0) return f;
  // s is a float32 midpoint exactly when its mirror image about f is a float32 too; then the exact rest decides
  if (!Number.isFinite(f)) {
    const abs = s < 0 ? -s : s;
    return abs === F32_OVERFLOW && (s > 0) !== (err > 0) ? (s > 0 ? F32_MAX : -F32_MAX) : f;
  }
  const g = s + (s - f);
  if (Math.fround(g) !== g) return f;
  return err > 0 ? Math.max(f, g) : Math.min(f, g);
}
