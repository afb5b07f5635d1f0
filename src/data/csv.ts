// CSV files into typed arrays (the public API): options, the table, and loadCsv, which reads the file
// in chunks straight into typed arrays sized from the first rows, never into an array of row objects.

import { allocBeside, allocShared, resizeShared, sharedAddress, sharedCopy } from '../kernels/shared_memory.js';
import type { DType, Storage } from '../tensor/dtype.js';
import type { RowBlock } from './csv_fast.js';
import { encodedNames, fillMissing, imputationMeans, oneHotRows } from './csv_encode.js';
import { loadCsvParallel } from './csv_parallel.js';
import { STDIN, type CsvEncoding, type CsvOptions, type CsvTable } from './csv_options.js';
import { CsvReader } from './csv_stream.js';

export { streamCsv } from './csv_stream.js';
export { FIELD_DELIMITERS, STDIN } from './csv_options.js';
export type { ColumnRef, CsvBatch, CsvEncoding, CsvOptions, CsvTable, FieldDelimiter, MissingPolicy } from './csv_options.js';
export { fillMissing, imputationMeans, MeanAccumulator } from './csv_encode.js';

const FIRST_ROWS = 4096; // rows read before the file's row count is estimated from their bytes
const SLACK = 1.02; // headroom on the estimate, so that no second allocation is needed
const MIN_GROWTH = 1.0625; // when the estimate falls short after all: bounds how often the rows are copied
const PIPE_GROWTH = 1.5; // no size to estimate from (a pipe)

/**
 * Room for the rest of the file: its remaining bytes at the bytes per row of all rows so far (a second
 * estimate is better than the first), or half as much again for a pipe. Each growth copies the rows.
 */
function grow(block: RowBlock, reader: CsvReader, sized: boolean): void {
  const { rowsRead, dataBytes, remainingBytes } = reader.progress();
  const bytesPerRow = Math.max(1, dataBytes / Math.max(1, rowsRead));
  const estimate = block.rows + Math.ceil((remainingBytes / bytesPerRow) * SLACK) + FIRST_ROWS;
  // while bytes remain, at least MIN_GROWTH: rows that keep getting shorter then cost few copies
  const capacity = !sized ? Math.ceil(block.capacity * PIPE_GROWTH) + FIRST_ROWS
    : remainingBytes > 0 ? Math.max(estimate, Math.ceil(block.capacity * MIN_GROWTH))
    : estimate;
  const X = resizeShared(block.X, capacity * block.features) ?? copied(block.X, block.rows * block.features, capacity * block.features, reader.dtype);
  const y = copied(block.y, block.rows * block.targets, capacity * block.targets, reader.dtype);
  Object.assign(block, { X, y, capacity });
}

/** A new array of `length` elements starting with the first `n` of `a`, in the same kind of memory. */
function copied(a: Storage, n: number, length: number, dtype: DType): Storage {
  const out = allocBeside(a, dtype, length);
  out.set(a.subarray(0, n));
  return out;
}

/** The first `n` elements: shared memory trimmed in place; else a view when the unused tail is under 5%, else a copy. */
function fit(a: Storage, n: number): Storage {
  return resizeShared(a, n) ?? (a.length - n <= n * 0.05 ? a.subarray(0, n) : a.slice(0, n));
}

/** Load a whole CSV file (see CsvOptions) into typed arrays. */
export async function loadCsv(file: string, options: CsvOptions = {}): Promise<CsvTable> {
  // a large file: parsed on every core (csv_parallel.ts), with the same values and errors
  const table = targetsBeside(options, (await loadCsvParallel(file, options)) ?? (await loadSerial(file, options)));
  if (options.missing === 'mean') {
    const fill = imputationMeans(table.X, table.rows, table.featureNames, file === STDIN ? 'stdin' : file);
    fillMissing(table.X, table.rows, fill);
    return { ...table, fill };
  }
  return table;
}

/**
 * With `shared`, y in the shared memory beside X (copied there once the file is read: X, the last
 * allocation, grew in place while it was), where the fused step reads a batch's targets in place.
 */
function targetsBeside(options: CsvOptions, table: CsvTable): CsvTable {
  if (options.shared !== true || sharedAddress(table.X) < 0 || sharedAddress(table.y) >= 0) return table;
  const y = sharedCopy(table.y);
  return y === null ? table : { ...table, y };
}

/**
 * One pass over the file for its encoding: the selected feature columns and the categories of the
 * categorical ones, sorted (as loadCsv numbers them), for streamCsv's `categories`.
 */
export async function csvEncoding(file: string, options: CsvOptions = {}): Promise<CsvEncoding> {
  const reader = await CsvReader.open(file, options);
  try {
    const block = reader.newBlock(FIRST_ROWS);
    for (let more = true; more; block.rows = 0) more = await reader.fill(block);
    reader.finish();
    const { featureNames } = reader.names();
    const encoders = reader.encoders();
    return { columns: featureNames, categories: Object.fromEntries(encoders.flatMap((e, k) => (e === null ? [] : [[featureNames[k], e.categories]]))) };
  } finally {
    await reader.close();
  }
}

/** The file read on this thread, one-hot encoding included. */
async function loadSerial(file: string, options: CsvOptions): Promise<CsvTable> {
  const reader = await CsvReader.open(file, options);
  try {
    const { remainingBytes } = reader.progress();
    const width = reader.names().columns.length;
    const categorical = reader.hasCategorical();
    // each field takes at least 2 bytes (a digit and a comma or line break): an upper bound on the rows
    const block = reader.newBlock(remainingBytes === 0 ? FIRST_ROWS : Math.min(FIRST_ROWS, Math.floor(remainingBytes / (2 * width)) + 1));
    // one-hot encoded rows are written to new memory at the end: only they go to the shared memory
    if (options.shared === true && !categorical) block.X = allocShared(reader.dtype, block.X.length) ?? block.X;
    while (await reader.fill(block)) grow(block, reader, remainingBytes > 0);
    reader.finish();
    const { columns, featureNames, targetNames } = reader.names();
    const encoders = reader.encoders();
    const X = categorical ? oneHotRows(block.X, block.rows, encoders, reader.dtype, options.shared === true) : fit(block.X, block.rows * block.features);
    const names = categorical ? encodedNames(featureNames, encoders) : featureNames;
    const categories = Object.fromEntries(encoders.flatMap((e, k) => (e === null ? [] : [[featureNames[k], e.categories]])));
    return {
      file, columns, featureNames: names, targetNames, rows: block.rows, skippedRows: reader.skippedRows, dtype: reader.dtype,
      X, y: fit(block.y, block.rows * block.targets),
      delimiter: reader.fieldDelimiter(), encoding: { columns: featureNames, categories }, missingCells: reader.missingCells, fill: null,
    };
  } finally {
    await reader.close();
  }
}
