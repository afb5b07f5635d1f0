// Numbers written to files so that they read back exactly.

/**
 * float64: JavaScript's shortest round-trip text. float32: the shortest decimal (by toPrecision, correctly
 * rounded) that reads back as the same float32. `-0` keeps its sign.
 */
export function exactText(v: number, dtype: 'float32' | 'float64'): string {
  if (Object.is(v, -0)) return '-0';
  if (dtype === 'float64' || !Number.isFinite(v)) return String(v);
  return shortestFloat32(Math.fround(v));
}

const f32 = new Float32Array(1);
const f32Bits = new Uint32Array(f32.buffer);

/**
 * String(Number(f.toPrecision(p))) for the smallest p in 1..8 that reads back as f, else for p = 9:
 * what trying p = 1, 2, ... in turn gives, with two or three tries instead of up to nine.
 *
 * NOTE: why fewer tries give the same p. (1) A p-digit decimal is also a (p+1)-digit one, so the nearest
 * (p+1)-digit decimal is at least as near f; f's rounding interval is symmetric unless f is a power of two
 * (those are tried in turn), so if p digits read back, so do p + 1: the smallest p can be searched for.
 * (2) The p-digit roundings are made from String(f), f's shortest float64 text, rounding half up as
 * toPrecision does: it is within 2^-53 of f (relatively), while a float32 that is not exactly halfway
 * between two decimals of at most 8 digits is at least 3·10^-16 away from halfway (its distance is a
 * nonzero integer over 2^25·10^8 at most, relatively), so both round the same way; and a float32 exactly
 * halfway has at most 9 digits, which String(f) then shows exactly. test/cli/format_values.test.ts
 * compares the two ways on some 320,000 values of every kind.
 */
function shortestFloat32(f: number): string {
  if (f === 0) return '0';
  const d = scaledDigits(f) ?? decimalDigits(f);
  f32[0] = f;
  if ((f32Bits[0] & 0x7fffff) === 0) {
    for (let p = 1; p < 9; p++) {
      const n = rounded(d, p);
      if (Math.fround(n) === f) return String(n);
    }
  } else {
    const ok = (p: number): number | null => {
      const n = rounded(d, p);
      return Math.fround(n) === f ? n : null;
    };
    let found = ok(7);
    let lo = 1;
    let hi = 7; // found: the smallest p is in [lo, hi]
    if (found === null) {
      found = ok(8);
      lo = hi = 8;
    }
    while (found !== null && lo < hi) {
      const mid = (lo + hi) >> 1;
      const n = ok(mid);
      if (n === null) lo = mid + 1;
      else {
        found = n;
        hi = mid;
      }
    }
    if (found !== null) return String(found);
  }
  return String(Number(f.toPrecision(9))); // 9 significant digits always identify a float32
}

/**
 * f's digits, for rounding to p significant digits: f as 0.d1d2d3… × 10^point, with the digits from its
 * shortest float64 text, or, for 10^-14 ≤ |f| < 10^22, none: then |f|·10^(p - point), computed with an
 * exact power of ten, is rounded to an integer of p digits (`magnitude` is |f|, else -1).
 */
interface Digits {
  negative: boolean;
  digits: string;
  point: number;
  magnitude: number;
}

/** Powers of ten exact in float64: 10^0 … 10^22. */
const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

/** |f|·10^m, correctly rounded (one operation with an exact power of ten); |m| ≤ 22. */
const times10 = (a: number, m: number): number => (m >= 0 ? a * POW10[m] : a / POW10[-m]);

/**
 * Digits without their string (no strings at all), or null outside 10^-14 ≤ |f| < 10^22. Rounding
 * |f|·10^(p - point) to p digits is exact for the same reason as rounding String(f)'s digits (see
 * shortestFloat32): times10's one rounding is within 2^-53, and a halfway case, being exact, stays exact.
 */
function scaledDigits(f: number): Digits | null {
  const a = Math.abs(f);
  if (!(a >= 1e-14 && a < 1e22)) return null;
  let point = Math.floor(Math.log10(a)) + 1; // 10^(point-1) ≤ a < 10^point, once corrected
  for (let tries = 0; tries < 2; tries++) {
    const nine = times10(a, 9 - point);
    if (nine < 1e8) point--;
    else if (nine >= 1e9) point++;
    else return { negative: f < 0, digits: '', point, magnitude: a };
  }
  return null;
}

function decimalDigits(f: number): Digits {
  let s = String(f);
  const negative = s.charCodeAt(0) === 45; // '-'
  if (negative) s = s.slice(1);
  let exponent = 0;
  const e = s.indexOf('e');
  if (e >= 0) {
    exponent = Number(s.slice(e + 1));
    s = s.slice(0, e);
  }
  const dot = s.indexOf('.');
  let digits = dot < 0 ? s : s.slice(0, dot) + s.slice(dot + 1);
  let point = (dot < 0 ? s.length : dot) + exponent;
  let zeros = 0;
  while (digits.charCodeAt(zeros) === 48) zeros++; // leading '0's
  digits = digits.slice(zeros);
  point -= zeros;
  return { negative, digits, point, magnitude: -1 };
}

/** The value of d's digits rounded half up to p significant digits. */
function rounded(d: Digits, p: number): number {
  if (d.magnitude >= 0) {
    const x = times10(d.magnitude, p - d.point); // p digits before the point
    let n = Math.floor(x);
    if (x - n >= 0.5) n++;
    const value = times10(n, d.point - p);
    return d.negative ? -value : value;
  }
  let n = Number(d.digits.slice(0, p));
  if (d.digits.length > p && d.digits.charCodeAt(p) >= 53) n++; // next digit ≥ '5'
  const value = Number(`${n}e${d.point - Math.min(p, d.digits.length)}`);
  return d.negative ? -value : value;
}

/** An integer with comma thousands separators (`330,152`); toLocaleString would load ICU data (~20 ms). */
export function thousands(n: number): string {
  const digits = String(Math.round(Math.abs(n)));
  const grouped = digits.replace(/\B(?=(\d{3})+$)/g, ',');
  return n < 0 && Math.round(n) !== 0 ? `-${grouped}` : grouped;
}
