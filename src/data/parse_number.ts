// Strict decimal parsing: only [+-]digits[.digits][e[+-]digits] (or .digits), nothing JavaScript's Number() also takes.

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(?:nan|inf|infinity)$/i;

export type ParsedField = { ok: true; value: number } | { ok: false; reason: 'empty' | 'non-finite' | 'invalid' };

/** Parse one field; `1e`, `0x1A`, `12abc`, `1.2.3` are invalid, NaN/Infinity non-finite, '' empty. */
export function parseStrict(text: string): ParsedField {
  if (text === '') return { ok: false, reason: 'empty' };
  if (DECIMAL.test(text)) {
    const value = Number(text);
    return Number.isFinite(value) ? { ok: true, value } : { ok: false, reason: 'non-finite' };
  }
  return { ok: false, reason: NON_FINITE.test(text) ? 'non-finite' : 'invalid' };
}

export function isStrictNumber(text: string): boolean {
  return parseStrict(text).ok;
}
