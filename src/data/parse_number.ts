// Strict decimal numbers, [+-]?(digits[.[digits]]|.digits)([eE][+-]?digits)? (`5.` is 5, as Python reads it),
// correctly rounded into float64 (Number's rounding) or float32 (exact even where rounding twice would be
// off by one ulp), from their text or, for the CSV byte scanner, from digits already summed into an integer.

import type { DType } from '../tensor/dtype.js';

/** Why a field is not a usable number. 'empty', 'non-finite' and 'overflow' rows may be skipped. */
export type FieldProblem = 'empty' | 'non-finite' | 'overflow' | 'invalid';

export type ParsedField = { ok: true; value: number } | { ok: false; problem: FieldProblem };

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(?:nan|inf|infinity)$/i;

/** Parse one field's text; `1e`, `0x1A`, `12abc`, `1.2.3`, `.`, ` 1` are invalid (`5.` is 5), NaN/inf non-finite. */
export function parseNumber(text: string, dtype: DType = 'float64'): ParsedField {
  if (text === '') return { ok: false, problem: 'empty' };
  if (!DECIMAL.test(text)) return { ok: false, problem: NON_FINITE.test(text) ? 'non-finite' : 'invalid' };
  const d = Number(text);
  const value = dtype === 'float32' ? toFloat32(d, text) : d;
  return Number.isFinite(value) ? { ok: true, value } : { ok: false, problem: 'overflow' };
}

/** pandas' default NA spellings (read_csv's na_values), besides the empty cell. */
const NA_TOKENS = new Set(['#N/A', '#N/A N/A', '#NA', '-1.#IND', '-1.#QNAN', '-NaN', '-nan', '1.#IND', '1.#QNAN', '<NA>', 'N/A', 'NA', 'NULL', 'NaN', 'None', 'n/a', 'nan', 'null']);

/** A missing cell: empty, or one of pandas' NA spellings. */
export function isMissing(text: string): boolean {
  return text === '' || NA_TOKENS.has(text);
}

/** True for a field that would start a data row rather than a header: a number, empty, NaN or inf. */
export function looksNumeric(text: string): boolean {
  const p = parseNumber(text);
  return p.ok || p.problem !== 'invalid';
}

// 10^0 .. 10^22 (exact doubles), then their negatives: the sign rides on the power of ten, so that a
// minus, as common as a plus in most data, costs no branch
const SIGNED_POW10 = Float64Array.from({ length: 46 }, (_, i) => (i < 23 ? 10 ** i : -(10 ** (i - 23))));
const NEGATIVE = 23;
// 10^-22 .. 10^22 as the nearest doubles (10^-k is 1 / 10^k rounded once), then their negatives
const SCALES = Float64Array.from({ length: 90 }, (_, i) => {
  const k = (i % 45) - 22;
  return (i < 45 ? 1 : -1) * (k >= 0 ? 10 ** k : 1 / 10 ** -k);
});
const SCALE_ZERO = 22;
const SCALE_NEGATIVE = 45;
const TWO53 = 2 ** 53;

/** A double's bits, for the float32 midpoint test (its low word holds the significand's last 32 bits). */
const DOUBLE = new Float64Array(1);
const DOUBLE_WORDS = new Int32Array(DOUBLE.buffer);
const LOW_WORD = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1 ? 0 : 1;

function latin1(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
}

/** ±mantissa × 10^scale correctly rounded to float64: Clinger's fast path, one rounding of exact operands. */
function clinger(mantissa: number, scale: number, minus: number): number {
  return scale >= 0 ? mantissa * SIGNED_POW10[scale + NEGATIVE * minus] : mantissa / SIGNED_POW10[NEGATIVE * minus - scale];
}

/** Whether a double in float32's normal range lies `ulps` or fewer of its ulps from halfway between two float32s. */
function nearFloat32Midpoint(v: number, ulps: number): boolean {
  // the last 29 of its 52 significand bits are those below float32's 24: halfway is a 1 followed by zeros
  DOUBLE[0] = v;
  return ((DOUBLE_WORDS[LOW_WORD] & 0x1fffffff) - 0x10000000 + ulps) >>> 0 <= 2 * ulps;
}

/**
 * The decimal in bytes [start, end) (Latin-1), read as an integer mantissa, a power of ten and a sign
 * (minus: 1 or 0): correctly rounded to float64, or for float32 to a double that a Float32Array store
 * rounds to the correctly rounded float32 (not every double near it does). Not finite when out of range.
 */
export function scaledDecimal(mantissa: number, scale: number, minus: number, float32: boolean, bytes: Uint8Array, start: number, end: number): number {
  if (mantissa < TWO53 && scale >= -22 && scale <= 22) {
    if (!float32) return clinger(mantissa, scale, minus);
    // Here 1e-22 ≤ |value| < 2^53 × 1e22 or value = 0: a normal float32 or 0. One multiplication (no
    // division) lands within 2 ulps of the value; rounding that to float32, as the store does, is then
    // right unless a float32 midpoint is that near.
    const near = mantissa * SCALES[scale + SCALE_ZERO + SCALE_NEGATIVE * minus];
    if (!nearFloat32Midpoint(near, 4)) return near;
    // rounding the correctly rounded double to float32 is wrong only when it is exactly a midpoint
    const v = clinger(mantissa, scale, minus);
    return nearFloat32Midpoint(v, 0) ? float32Tie(v, latin1(bytes, start, end)) : v;
  }
  const text = latin1(bytes, start, end);
  const d = Number(text);
  return float32 ? toFloat32(d, text) : d;
}

/**
 * The float32 nearest to the decimal `text`, given d = Number(text). Math.fround(d) rounds twice; that
 * is wrong only when d lands exactly on a midpoint between two float32s while the decimal does not, and
 * then the decimal is compared with the midpoint exactly.
 */
export function toFloat32(d: number, text: string): number {
  const f = Math.fround(d);
  if (f === d) return f;
  const g = 2 * d - f; // the other float32 neighbour when d is their midpoint
  return Math.fround(g) === g ? float32Tie(d, text) : f;
}

const FLOAT32_MAX = 3.4028234663852886e38;
const FLOAT32_OVERFLOW = 3.4028235677973366e38; // 2^128 - 2^103, the midpoint of FLOAT32_MAX and 2^128

/** Resolve a double-rounding candidate: d = Number(text) is (or may be) a float32 midpoint. */
export function float32Tie(d: number, text: string): number {
  const f = Math.fround(d); // ties-to-even: right when the decimal is exactly the midpoint
  let small: number;
  let large: number;
  if (!Number.isFinite(f)) {
    if (Math.abs(d) !== FLOAT32_OVERFLOW) return f;
    [small, large] = [Math.sign(d) * FLOAT32_MAX, f];
  } else {
    const g = 2 * d - f;
    if (Math.fround(g) !== g) return f;
    [small, large] = Math.abs(f) < Math.abs(g) ? [f, g] : [g, f];
  }
  const c = compareDecimal(text, Math.abs(d));
  return c < 0 ? small : c > 0 ? large : f;
}

const bits = new DataView(new ArrayBuffer(8));

/** A finite double as integer × 2^exponent, exactly. */
function binaryParts(x: number): { mantissa: bigint; exponent: number } {
  bits.setFloat64(0, x);
  const hi = bits.getUint32(0);
  const lo = bits.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  const top = BigInt(hi & 0xfffff) * 2n ** 32n + BigInt(lo);
  return biased === 0 ? { mantissa: top, exponent: -1074 } : { mantissa: top + 2n ** 52n, exponent: biased - 1075 };
}

/** Sign of |decimal text| − m for a finite m ≥ 0, computed exactly with integers. */
export function compareDecimal(text: string, m: number): number {
  const body = text.replace(/^[+-]/, '');
  const [coefficient, exp = '0'] = body.split(/[eE]/);
  const [whole, fraction = ''] = coefficient.split('.');
  let left = BigInt(`${whole}${fraction}` || '0');
  const tens = Number(exp) - fraction.length; // |decimal| = left × 10^tens
  const { mantissa, exponent } = binaryParts(m);
  let right = mantissa; // m = right × 2^exponent
  if (tens >= 0) left *= 10n ** BigInt(tens);
  else right *= 10n ** BigInt(-tens);
  if (exponent >= 0) right *= 2n ** BigInt(exponent);
  else left *= 2n ** BigInt(-exponent);
  return left < right ? -1 : left > right ? 1 : 0;
}
