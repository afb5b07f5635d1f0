// CSV files into typed arrays: header detection, target/feature selection, strict numbers, and errors
// that name the file, line, column (index and header name) and the offending value.

import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { DataError, InputError } from '../errors.js';
import { allocStorage, type DType, type Storage } from '../tensor/dtype.js';
import { fastParse } from './csv_fast.js';
import { isStrictNumber, parseStrict } from './parse_number.js';

export type ColumnRef = string | number;

export interface CsvOptions {
  /** Target column(s) by name or 0-based index. Default: `y`; else `y0, y1, ...`; else the last column. */
  target?: ColumnRef | ColumnRef[];
  /** Feature columns by name or 0-based index. Default: every column that is not a target. */
  features?: ColumnRef[];
  dtype?: DType;
  /** 'auto' (default): the first row is a header when any of its fields is not a number. */
  header?: boolean | 'auto';
  /** 'skip' drops rows with an empty cell or NaN/Infinity (malformed numbers stay errors). */
  invalidRows?: 'error' | 'skip';
  /** false forces csv-parse for every row (the fast path gives the same values and errors). */
  fastPath?: boolean;
}

export interface CsvTable {
  file: string;
  columns: string[];
  featureNames: string[];
  targetNames: string[];
  rows: number;
  X: Storage;
  y: Storage;
  skippedRows: number;
  dtype: DType;
}

export interface Row {
  fields: string[];
  line: number;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (err as Error).message;
    throw new InputError(`cannot read '${file}': ${why}`);
  }
}

type SyncParse = (text: string, options: object) => unknown;

/** csv-parse's synchronous parser, loaded on first use: the byte-level path needs none of it. */
let syncParse: SyncParse | null = null;
function csvParseSync(): SyncParse {
  syncParse ??= (createRequire(import.meta.url)('csv-parse/sync') as { parse: SyncParse }).parse;
  return syncParse;
}

function parseRows(file: string, text: string): Row[] {
  try {
    const records = csvParseSync()(text, { bom: true, skip_empty_lines: true, relax_column_count: true, info: true, trim: true }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
    return records.map((r) => ({ fields: r.record, line: r.info.lines }));
  } catch (err) {
    const e = err as Error & { lines?: number };
    throw new DataError(`${file}:${e.lines ?? '?'}: ${e.message}`, { file, line: e.lines });
  }
}

export function resolveColumn(ref: ColumnRef, columns: readonly string[], file: string, what: string): number {
  const idx = typeof ref === 'number' ? ref : columns.indexOf(ref);
  if (!Number.isInteger(idx) || idx < 0 || idx >= columns.length) {
    throw new DataError(`${file}: no ${what} column ${typeof ref === 'number' ? `at index ${ref}` : `named '${ref}'`} (columns: ${columns.join(', ')})`, { file });
  }
  return idx;
}

export function defaultTargets(columns: readonly string[]): number[] {
  if (columns.includes('y')) return [columns.indexOf('y')];
  const multi = columns.map((c, i) => (/^y\d+$/.test(c) ? i : -1)).filter((i) => i >= 0);
  return multi.length > 0 ? multi : [columns.length - 1];
}

function cellError(file: string, row: Row, col: number, name: string, reason: string): DataError {
  const value = row.fields[col];
  const what = reason === 'empty' ? 'empty cell' : reason === 'non-finite' ? `non-finite value '${value}'` : `invalid number '${value}'`;
  return new DataError(`${file}:${row.line}:${col + 1}: ${what} in column ${col + 1} ('${name}')`, { file, line: row.line, column: col + 1, columnName: name });
}

interface Selection {
  columns: string[];
  features: number[];
  targets: number[];
}

function select(file: string, columns: string[], options: CsvOptions): Selection {
  const targetRefs = options.target === undefined ? null : Array.isArray(options.target) ? options.target : [options.target];
  const targets = targetRefs === null ? defaultTargets(columns) : targetRefs.map((r) => resolveColumn(r, columns, file, 'target'));
  const features = options.features === undefined
    ? columns.map((_, i) => i).filter((i) => !targets.includes(i))
    : options.features.map((r) => resolveColumn(r, columns, file, 'feature'));
  if (features.length === 0) throw new DataError(`${file}: no feature columns left (columns: ${columns.join(', ')})`, { file });
  return { columns, features, targets };
}

/** The first line when it is plain (no BOM, quotes or spaces), with the byte offset after it. */
function plainFirstLine(file: string): { fields: string[]; end: number } | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return null; // the csv-parse path reports the error
  }
  try {
    const head = Buffer.alloc(1 << 16);
    const n = readSync(fd, head, 0, head.length, 0);
    const lf = head.subarray(0, n).indexOf(0x0a);
    if (lf <= 0) return null;
    const line = head.subarray(0, head[lf - 1] === 0x0d ? lf - 1 : lf).toString('utf8');
    if (/["\s\ufeff\r]/.test(line) || line === '') return null;
    return { fields: line.split(','), end: lf + 1 };
  } finally {
    closeSync(fd);
  }
}

/** The byte-level path for plain numeric files, or null to use csv-parse. */
function loadFast(file: string, options: CsvOptions): CsvTable | null {
  const first = plainFirstLine(file);
  if (first === null) return null;
  const hasHeader = options.header === 'auto' || options.header === undefined ? !first.fields.every(isStrictNumber) : options.header;
  const width = first.fields.length;
  const columns = hasHeader ? first.fields : first.fields.map((_, i) => (i === width - 1 ? 'y' : `x${i}`));
  const sel = select(file, columns, options);
  const slots = new Int32Array(width).fill(-1);
  sel.features.forEach((c, j) => (slots[c] = j));
  sel.targets.forEach((c, k) => (slots[c] = sel.features.length + k));
  if (new Set([...sel.features, ...sel.targets]).size !== sel.features.length + sel.targets.length) return null;
  const dtype = options.dtype ?? 'float32';
  const r = fastParse(file, hasHeader ? first.end : 0, { width, slots, features: sel.features.length, targets: sel.targets.length, dtype });
  if (r === null || r.rows === 0) return null;
  return {
    file, columns, featureNames: sel.features.map((i) => columns[i]), targetNames: sel.targets.map((i) => columns[i]),
    rows: r.rows, X: r.X, y: r.y, skippedRows: 0, dtype,
  };
}

/** Load a whole CSV file (see CsvOptions). */
export function loadCsv(file: string, options: CsvOptions = {}): CsvTable {
  if (options.fastPath !== false) {
    const fast = loadFast(file, options);
    if (fast !== null) return fast;
  }
  const rows = parseRows(file, readText(file));
  if (rows.length === 0) throw new DataError(`${file}: the file is empty`, { file });
  const hasHeader = options.header === 'auto' || options.header === undefined ? !rows[0].fields.every(isStrictNumber) : options.header;
  const width = rows[0].fields.length;
  const columns = hasHeader ? rows[0].fields : rows[0].fields.map((_, i) => (i === width - 1 ? 'y' : `x${i}`));
  const data = hasHeader ? rows.slice(1) : rows;
  if (data.length === 0) throw new DataError(`${file}: no data rows`, { file });
  const { features, targets } = select(file, columns, options);
  const dtype = options.dtype ?? 'float32';
  const X = allocStorage(dtype, data.length * features.length);
  const y = allocStorage(dtype, data.length * targets.length);
  let n = 0;
  let skipped = 0;
  for (const row of data) {
    if (row.fields.length !== width) throw new DataError(`${file}:${row.line}: row has ${row.fields.length} fields, expected ${width}`, { file, line: row.line });
    const values = readRow(file, row, columns, [...features, ...targets], options.invalidRows ?? 'error');
    if (values === null) {
      skipped++;
      continue;
    }
    for (let j = 0; j < features.length; j++) X[n * features.length + j] = values[j];
    for (let k = 0; k < targets.length; k++) y[n * targets.length + k] = values[features.length + k];
    n++;
  }
  if (n === 0) throw new DataError(`${file}: no data rows left after skipping ${skipped} invalid rows`, { file });
  return {
    file, columns, featureNames: features.map((i) => columns[i]), targetNames: targets.map((i) => columns[i]), rows: n,
    X: X.subarray(0, n * features.length), y: y.subarray(0, n * targets.length), skippedRows: skipped, dtype,
  };
}

/** The selected fields of a row as numbers, or null when the row is skipped. */
export function readRow(file: string, row: Row, columns: readonly string[], cols: readonly number[], invalid: 'error' | 'skip'): number[] | null {
  const out = new Array<number>(cols.length);
  for (let k = 0; k < cols.length; k++) {
    const c = cols[k];
    const parsed = parseStrict(row.fields[c]);
    if (parsed.ok) {
      out[k] = parsed.value;
      continue;
    }
    if (invalid === 'skip' && parsed.reason !== 'invalid') return null;
    throw cellError(file, row, c, columns[c], parsed.reason);
  }
  return out;
}
