// Option parsers for commander: each throws InvalidArgumentError with the reason (exit 2).

import { InvalidArgumentError } from 'commander';

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

export function finiteNumber(text: string): number {
  if (!NUMBER.test(text.trim())) throw new InvalidArgumentError(`'${text}' is not a number.`);
  return Number(text);
}

export function positiveNumber(text: string): number {
  const v = finiteNumber(text);
  if (!(v > 0)) throw new InvalidArgumentError(`must be greater than 0, got ${text}.`);
  return v;
}

export function nonNegativeNumber(text: string): number {
  const v = finiteNumber(text);
  if (!(v >= 0)) throw new InvalidArgumentError(`must be 0 or more, got ${text}.`);
  return v;
}

export function integerAtLeast(min: number): (text: string) => number {
  return (text) => {
    const v = finiteNumber(text);
    if (!Number.isInteger(v)) throw new InvalidArgumentError(`must be a whole number, got ${text}.`);
    if (v < min) throw new InvalidArgumentError(`must be at least ${min}, got ${text}.`);
    if (!Number.isSafeInteger(v)) throw new InvalidArgumentError(`is too large: ${text}.`);
    return v;
  };
}

export function fraction(text: string): number {
  const v = finiteNumber(text);
  if (!(v > 0 && v < 1)) throw new InvalidArgumentError(`must be between 0 and 1 (exclusive), got ${text}.`);
  return v;
}

export function probability(text: string): number {
  const v = finiteNumber(text);
  if (!(v >= 0 && v <= 1)) throw new InvalidArgumentError(`must be between 0 and 1, got ${text}.`);
  return v;
}

/** A comma-separated list of column names or 0-based indexes (`x0,x2` or `0,2`). */
export function columnList(text: string): Array<string | number> {
  const items = text.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new InvalidArgumentError(`'${text}' has an empty column name.`);
  return items.map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}
