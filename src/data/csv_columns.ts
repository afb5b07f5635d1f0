// The CSV loader's column selection (targets and features by name or index) and its error texts, each
// one line naming the file and, where there is one, the line, the column and the offending value.

import { DataError, InputError, IOFailure } from '../errors.js';
import type { DType } from '../tensor/dtype.js';
import type { ColumnRef, CsvOptions } from './csv_options.js';
import type { FieldProblem } from './parse_number.js';
import { escapeText, quote } from '../quote.js';

/** Column indexes (0-based) of the features and targets, in output order. */
export interface Selection {
  columns: string[];
  features: number[];
  targets: number[];
  /** Per selected feature, in order: its known categories (options.categories), [] to collect them, or null when it is numeric. */
  categorical: Array<string[] | null>;
}

const LISTED = 30;

function listColumns(columns: readonly string[]): string {
  const shown = columns.slice(0, LISTED).map((c) => escapeText(c, 40)).join(', ');
  return columns.length > LISTED ? `${shown}, ... (${columns.length} columns)` : shown;
}

/** Each name's first column and, when it has one, its second: found once, so that selecting is linear. */
interface NameIndex {
  first: Map<string, number>;
  second: Map<string, number>;
}

function indexNames(columns: readonly string[]): NameIndex {
  const first = new Map<string, number>();
  const second = new Map<string, number>();
  columns.forEach((name, i) => {
    if (!first.has(name)) first.set(name, i);
    else if (!second.has(name)) second.set(name, i);
  });
  return { first, second };
}

function resolve(ref: ColumnRef, columns: readonly string[], names: NameIndex, file: string, role: string): number {
  if (typeof ref === 'number') {
    if (Number.isInteger(ref) && ref >= 0 && ref < columns.length) return ref;
    throw new DataError(`${file}: no ${role} column at index ${ref} (columns: ${listColumns(columns)})`, { file });
  }
  const at = names.first.get(ref);
  if (at === undefined) throw new DataError(`${file}: no ${role} column named ${showValue(ref)} (columns: ${listColumns(columns)})`, { file });
  const again = names.second.get(ref);
  if (again !== undefined) throw new DataError(`${file}: ${role} column name ${showValue(ref)} is ambiguous: columns ${at + 1} and ${again + 1} are both named ${showValue(ref)}`, { file });
  return at;
}

/** The targets by name: `y`; else y0, y1, ... as far as they go (gen-data's headers); [] when there are none. */
function namedTargets(names: NameIndex): string[] {
  if (names.first.has('y')) return ['y'];
  const numbered: string[] = [];
  while (names.first.has(`y${numbered.length}`)) numbered.push(`y${numbered.length}`);
  return numbered;
}

/** `y`; else y0, y1, ... as far as they go; else the last column. */
function defaultTargets(names: NameIndex, width: number): ColumnRef[] {
  const named = namedTargets(names);
  return named.length > 0 ? named : [width - 1];
}

/** A column selected twice (as a feature and a target, or twice as either), as an error; null when none is. */
function selectedTwice(file: string, columns: readonly string[], features: number[], targets: number[]): DataError | null {
  const role = new Map<number, 'feature' | 'target'>();
  for (const [list, kind] of [[features, 'feature'], [targets, 'target']] as const) {
    for (const c of list) {
      const before = role.get(c);
      if (before !== undefined) {
        const how = before !== kind ? 'both as a feature and as a target' : 'twice';
        return new DataError(`${file}: column ${c + 1} (${showValue(columns[c])}) is selected ${how}`, { file });
      }
      role.set(c, kind);
    }
  }
  return null;
}

/**
 * Two selected columns with one name, as an error (a model maps its columns by name, so predict and eval
 * could not tell them apart); null when every selected name is unique. Linear in the number of columns.
 */
function sameName(file: string, columns: readonly string[], selected: readonly number[]): DataError | null {
  const seen = new Map<string, number>();
  for (const c of selected) {
    const before = seen.get(columns[c]);
    if (before !== undefined) {
      const [a, b] = before < c ? [before, c] : [c, before];
      return new DataError(`${file}:1: columns ${a + 1} and ${b + 1} are both named ${showValue(columns[c])} (a model names its columns uniquely): rename one`, { file, line: 1 });
    }
    seen.set(columns[c], c);
  }
  return null;
}

export function selectColumns(file: string, columns: string[], options: CsvOptions): Selection {
  const names = indexNames(columns);
  const t = options.target;
  const targets = (t === undefined ? defaultTargets(names, columns.length) : Array.isArray(t) ? t : [t]).map((r) => resolve(r, columns, names, file, 'target'));
  const isTarget = new Set(targets);
  // a target chosen by --target leaves the columns named as targets (y, or y0, y1, ...) out of the
  // default features too: `--target y1` on a two-target file must not learn y1 from y0
  // (a name that two columns share is left alone: which one it means is not clear)
  if (t !== undefined) for (const name of namedTargets(names)) if (!names.second.has(name)) isTarget.add(names.first.get(name) as number);
  const features = options.features === undefined
    ? columns.map((_, i) => i).filter((i) => !isTarget.has(i))
    : options.features.map((r) => resolve(r, columns, names, file, 'feature'));
  if (features.length === 0) {
    throw new DataError(`${file}: no feature columns ${options.features === undefined ? 'left' : 'selected'} (columns: ${listColumns(columns)})`, { file });
  }
  const twice = selectedTwice(file, columns, features, targets);
  if (twice !== null) throw twice;
  const clash = sameName(file, columns, [...features, ...targets]);
  if (clash !== null) throw clash;
  return { columns, features, targets, categorical: categoricalFeatures(file, columns, names, features, targets, options) };
}

/** Each selected feature's categories (known, or [] to collect), or null; a categorical column must be a feature. */
function categoricalFeatures(file: string, columns: string[], names: NameIndex, features: number[], targets: number[], options: CsvOptions): Array<string[] | null> {
  const known = new Map<number, string[]>();
  for (const ref of options.categorical ?? []) known.set(resolve(ref, columns, names, file, 'categorical'), []);
  for (const [name, list] of Object.entries(options.categories ?? {})) known.set(resolve(name, columns, names, file, 'categorical'), list);
  const isFeature = new Set(features);
  for (const c of known.keys()) {
    if (isFeature.has(c)) continue;
    const role = targets.includes(c) ? 'a target (targets must be numbers)' : 'not a selected feature';
    throw new DataError(`${file}: categorical column ${c + 1} (${showValue(columns[c])}) is ${role}`, { file });
  }
  return features.map((c) => known.get(c) ?? null);
}

/** A field's text or a column name as messages show it: 'text', escaped and cut. */
export const showValue = quote;

/** A cell's problem: a FieldProblem, a missing target (with missing 'mean' or 'nan'), or a category a model does not know. */
export type CellProblem = FieldProblem | 'missing-target' | 'unknown-category';

export function cellError(file: string, line: number, col: number, name: string, text: string, problem: CellProblem, dtype: DType, known?: readonly string[], role?: 'feature' | 'target'): DataError {
  const value = showValue(text);
  const what = problem === 'empty' ? 'empty cell'
    : problem === 'non-finite' ? `non-finite value ${value}`
    : problem === 'overflow' ? `value ${value} out of range for ${dtype}`
    : problem === 'missing-target' ? `missing target value ${value}`
    : problem === 'unknown-category' ? `unknown category ${value}`
    : `invalid number ${value}`;
  const knownList = known === undefined ? '' : ` (known: ${listColumns(known)})`;
  return new DataError(`${file}:${line}:${col + 1}: ${what} in column ${col + 1} (${showValue(name)})${knownList}`, { file, line, column: col + 1, columnName: name }, { problem, value: text, role });
}

const SYNTAX: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'quote not closed',
  INVALID_OPENING_QUOTE: 'quote inside an unquoted field',
  CSV_INVALID_CLOSING_QUOTE: 'unexpected text after a closing quote',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'unexpected text after a closing quote',
};

/** csv-parse's error for the record starting on `line`, reworded into `file:line:col: ...`. */
export function syntaxError(file: string, line: number, err: Error & { code?: unknown; column?: unknown }, columns: readonly string[] | null): DataError {
  if (typeof err.code !== 'string') throw err; // not csv-parse's: a bug, not bad data
  const what = SYNTAX[err.code] ?? err.message.replace(/ (at|on) line \d+/g, '');
  if (typeof err.column !== 'number') return new DataError(`${file}:${line}: ${what}`, { file, line });
  const col = err.column + 1;
  const name = columns !== null && err.column < columns.length ? ` (${showValue(columns[err.column])})` : '';
  return new DataError(`${file}:${line}:${col}: ${what} in column ${col}${name}`, { file, line, column: col, columnName: name === '' ? undefined : columns?.[err.column] });
}

export function recordTooLong(file: string, line: number, limit: string): DataError {
  return new DataError(`${file}:${line}: record longer than ${limit} (a quote never closed, or no line breaks?)`, { file, line });
}

const ERRNO: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
  EIO: 'input/output error',
};

/** A file that cannot be opened or read at all is an InputError; a failure mid-way an IOFailure. */
export function readError(file: string, err: Error & { code?: unknown }, atStart: boolean): Error {
  const why = typeof err.code === 'string' && err.code in ERRNO ? ERRNO[err.code] : err.message;
  return atStart ? new InputError(`cannot read '${file}': ${why}`) : new IOFailure(`error while reading '${file}': ${why}`);
}
