// Option parsers for commander: each returns the parsed value or throws InvalidArgumentError (exit 2).

import { InvalidArgumentError } from 'commander';

/** A plain decimal: no hex, no `1e`, no `12abc`, no Infinity/NaN, no empty text (Number() accepts all of those). */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The largest seed/count we accept: beyond it doubles no longer hold every integer. */
const MAX_INTEGER = Number.MAX_SAFE_INTEGER;

/** A finite number written as a decimal (`0.01`, `-3`, `1e-4`). */
export function finiteNumber(text: string): number {
  const value = DECIMAL.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isFinite(value)) throw new InvalidArgumentError('Expected a number such as 0.5 or 1e-3.');
  return value;
}

/** A finite number > 0 (learning rate, noise scale...). */
export function positiveNumber(text: string): number {
  const value = finiteNumber(text);
  if (!(value > 0)) throw new InvalidArgumentError('It must be greater than 0.');
  return value;
}

/** A finite number >= 0 (momentum, weight decay, noise...). */
export function nonNegativeNumber(text: string): number {
  const value = finiteNumber(text);
  if (!(value >= 0)) throw new InvalidArgumentError('It must be 0 or greater.');
  return value;
}

/** An integer in [min, max]; a whole number written as a decimal (`10`, `1e3`), never `2.5`. */
export function integerInRange(min: number, max = MAX_INTEGER): (text: string) => number {
  return (text: string): number => {
    const value = finiteNumber(text);
    if (!Number.isInteger(value)) throw new InvalidArgumentError('It must be a whole number.');
    if (value < min || value > max) {
      const range = max !== MAX_INTEGER ? `between ${min} and ${max}` : value < min ? `at least ${min}` : `at most ${MAX_INTEGER} (2^53 - 1)`;
      throw new InvalidArgumentError(`It must be ${range}.`);
    }
    return value;
  };
}

/** An integer >= min (kept for the commands that name their lower bound this way). */
export function integerAtLeast(min: number): (text: string) => number {
  return integerInRange(min);
}

/** An integer >= 1 (epochs, batch size, rows). */
export const positiveInteger = integerInRange(1);

/** An integer >= 0 (seeds). */
export const nonNegativeInteger = integerInRange(0);

/** A fraction strictly between 0 and 1 (validation split). */
export function openFraction(text: string): number {
  const value = finiteNumber(text);
  if (!(value > 0 && value < 1)) throw new InvalidArgumentError('It must be between 0 and 1 (both excluded).');
  return value;
}

/** A probability-like weight in [0, 1] (tail strength). */
export function probability(text: string): number {
  const value = finiteNumber(text);
  if (!(value >= 0 && value <= 1)) throw new InvalidArgumentError('It must be between 0 and 1.');
  return value;
}

export type DtypeName = 'float32' | 'float64';

/** A tensor precision, spelled as PyTorch prints it (`torch.` prefix and the `float`/`double` aliases accepted). */
export function dtype(text: string): DtypeName {
  const name = text.trim().replace(/^torch\./, '');
  if (name === 'float32' || name === 'float') return 'float32';
  if (name === 'float64' || name === 'double') return 'float64';
  throw new InvalidArgumentError('Expected float32 or float64.');
}

/** A file or folder name: not empty, not only spaces (an empty name fails only once written, after the work). */
export function pathName(text: string): string {
  if (text.trim() === '') throw new InvalidArgumentError('A file name is empty.');
  if (text.includes('\0')) throw new InvalidArgumentError('A file name cannot contain a NUL byte.');
  return text;
}

/** A comma-separated list of column names or 0-based indexes (`x0,x2` or `0,2`). */
export function columnList(text: string): Array<string | number> {
  const items = text.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new InvalidArgumentError('A column name is empty.');
  return items.map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** The field delimiters --delimiter takes, by what may be typed for them (a tab is hard to type in a shell). */
const FIELD_DELIMITER_NAMES: Record<string, ',' | ';' | '\t' | '|' | 'auto'> = {
  ',': ',', comma: ',', ';': ';', semicolon: ';', '\t': '\t', '\\t': '\t', tab: '\t', '|': '|', pipe: '|', auto: 'auto',
};

/** --delimiter: ',', ';', '|', tab (or '\t', a real tab), their names, or auto. */
export function fieldDelimiter(text: string): ',' | ';' | '\t' | '|' | 'auto' {
  const d = FIELD_DELIMITER_NAMES[text.toLowerCase()];
  if (d === undefined) throw new InvalidArgumentError("Expected ',', ';', tab, '|' or auto.");
  return d;
}

