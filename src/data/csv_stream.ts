// Streaming CSV: batches of rows as the file is read, so memory is bounded by the batch, not the file.

import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { DataError, InputError, IOFailure } from '../errors.js';
import { allocStorage, type DType, type Storage } from '../tensor/dtype.js';
import { defaultTargets, readRow, resolveColumn, type ColumnRef, type Row } from './csv.js';
import { isStrictNumber } from './parse_number.js';

export interface StreamOptions {
  target?: ColumnRef | ColumnRef[];
  features?: ColumnRef[];
  dtype?: DType;
  /** Rows per yielded batch. */
  batchRows: number;
}

export interface CsvBatch {
  X: Storage;
  y: Storage;
  rows: number;
  featureNames: string[];
  targetNames: string[];
  /** 1-based line of the batch's first row. */
  firstLine: number;
}

async function* records(file: string): AsyncGenerator<Row> {
  const input = createReadStream(file);
  const parser = input.pipe(parse({ bom: true, skip_empty_lines: true, relax_column_count: true, info: true, trim: true }));
  input.on('error', (err) => parser.destroy(err)); // pipe() does not forward a read error
  try {
    for await (const r of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) yield { fields: r.record, line: r.info.lines };
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { lines?: number };
    if (e.code === 'ENOENT' || e.code === 'EACCES' || e.code === 'EISDIR') {
      throw new InputError(`cannot read '${file}': ${e.code === 'ENOENT' ? 'no such file or directory' : e.code === 'EACCES' ? 'permission denied' : 'is a directory'}`);
    }
    if (typeof e.code === 'string' && e.code.startsWith('CSV_')) throw new DataError(`${file}:${e.lines ?? '?'}: ${e.message}`, { file, line: e.lines });
    throw new IOFailure(`error while reading '${file}': ${e.message}`);
  }
}

/** Batches of at most `batchRows` rows, with loadCsv's column rules, strict numbers and error texts. */
export async function* streamCsv(file: string, options: StreamOptions): AsyncGenerator<CsvBatch> {
  const dtype = options.dtype ?? 'float32';
  let names: string[] | null = null;
  let cols: number[] = [];
  let F = 0;
  let T = 0;
  let X = allocStorage(dtype, 0);
  let y = allocStorage(dtype, 0);
  let n = 0;
  let firstLine = 0;
  const batch = (): CsvBatch => ({
    X: X.slice(0, n * F), y: y.slice(0, n * T), rows: n, firstLine,
    featureNames: cols.slice(0, F).map((i) => (names as string[])[i]), targetNames: cols.slice(F).map((i) => (names as string[])[i]),
  });
  for await (const row of records(file)) {
    if (names === null) {
      const header = !row.fields.every(isStrictNumber);
      const w = row.fields.length;
      names = header ? row.fields : row.fields.map((_, i) => (i === w - 1 ? 'y' : `x${i}`));
      const all = names;
      const targetRefs = options.target === undefined ? null : Array.isArray(options.target) ? options.target : [options.target];
      const targets = targetRefs === null ? defaultTargets(all) : targetRefs.map((r) => resolveColumn(r, all, file, 'target'));
      const features = options.features === undefined ? all.map((_, i) => i).filter((i) => !targets.includes(i)) : options.features.map((r) => resolveColumn(r, all, file, 'feature'));
      [cols, F, T] = [[...features, ...targets], features.length, targets.length];
      [X, y] = [allocStorage(dtype, options.batchRows * F), allocStorage(dtype, options.batchRows * T)];
      if (header) continue;
    }
    if (row.fields.length !== names.length) throw new DataError(`${file}:${row.line}: row has ${row.fields.length} fields, expected ${names.length}`, { file, line: row.line });
    const values = readRow(file, row, names, cols, 'error') as number[];
    if (n === 0) firstLine = row.line;
    for (let j = 0; j < F; j++) X[n * F + j] = values[j];
    for (let k = 0; k < T; k++) y[n * T + k] = values[F + k];
    if (++n === options.batchRows) {
      yield batch();
      n = 0;
    }
  }
  if (names === null) throw new DataError(`${file}: the file is empty`, { file });
  if (n > 0) yield batch();
}
