// Strict decimal numbers, [+-]?(digits[.digits]|.digits)([eE][+-]?digits)?, correctly rounded into
// float64 (Number's rounding) or float32 (exact even where rounding twice would be off by one ulp).

import type { DType } from '../tensor/dtype.js';

/** Why a field is not a usable number. 'empty', 'non-finite' and 'overflow' rows may be skipped. */
export type FieldProblem = 'empty' | 'non-finite' | 'overflow' | 'invalid';

export type ParsedField = { ok: true; value: number } | { ok: false; problem: FieldProblem };

const DECIMAL = /^[+-]?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(?:nan|inf|infinity)$/i;

/** Parse one field's text; `1e`, `0x1A`, `12abc`, `1.2.3`, `5.`, ` 1` are invalid, NaN/inf non-finite. */
export function parseNumber(text: string, dtype: DType = 'float64'): ParsedField {
  if (text === '') return { ok: false, problem: 'empty' };
  if (!DECIMAL.test(text)) return { ok: false, problem: NON_FINITE.test(text) ? 'non-finite' : 'invalid' };
  const d = Number(text);
  const value = dtype === 'float32' ? toFloat32(d, text) : d;
  return Number.isFinite(value) ? { ok: true, value } : { ok: false, problem: 'overflow' };
}

/** True for a field that would start a data row rather than a header: a number, empty, NaN or inf. */
export function looksNumeric(text: string): boolean {
  const p = parseNumber(text);
  return p.ok || p.problem !== 'invalid';
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
