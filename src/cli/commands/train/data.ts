// How `autograd train` reads its CSV: the delimiter, missing cells and one-hot encoded columns as its
// flags say; missing cells filled with their feature's mean over the training rows only; and the rows
// read again, encoded and filled the same way, for the pictures drawn after training.

import { csvEncoding, loadCsv, STDIN, streamCsv, type CsvOptions } from '../../../data/csv.js';
import { fillMissing, MeanAccumulator } from '../../../data/csv_encode.js';
import { DataError } from '../../../errors.js';
import { isMissing } from '../../../data/parse_number.js';
import { quote } from '../../../quote.js';
import type { Storage } from '../../../tensor/dtype.js';
import type { Preprocessing } from '../../model_file.js';
import type { DataRows } from './common.js';
import type { TrainOptions } from './options.js';

/** The file as messages name it. */
export const dataName = (file: string): string => (file === STDIN ? 'stdin' : file);

/**
 * loadCsv's options for the training data. With --missing mean the cells are read as NaN and filled
 * once the training rows are known (fillTraining); a resumed model's categories are its own.
 */
export function trainCsvOptions(o: TrainOptions, resumed: Preprocessing | null = null): CsvOptions {
  // a resumed model's missing cells are filled as when it was saved (as its standardization is kept)
  const missing = resumed?.fill != null ? 'mean' : (o.missing ?? 'error');
  const categories = resumed !== null && Object.keys(resumed.categories).length > 0 ? resumed.categories : undefined;
  return {
    target: o.target,
    features: o.features,
    dtype: o.dtype,
    delimiter: o.delimiter ?? 'auto',
    missing: missing === 'mean' ? 'nan' : missing,
    ...(categories !== undefined ? { categories } : o.categorical !== undefined ? { categorical: o.categorical } : {}),
  };
}

/**
 * --missing mean: each feature's mean over the training rows (a resumed model's fill, whatever the flag), written into the
 * missing cells of every part (training, validation, test, and the table they were split from).
 */
export function fillTraining(o: TrainOptions, train: DataRows & { names: string[] }, parts: Array<Storage | null>, resumed: Preprocessing | null): number[] | null {
  let fill = resumed?.fill ?? null;
  if (fill === null && (o.missing ?? 'error') !== 'mean') return null;
  if (fill === null) {
    const acc = new MeanAccumulator();
    acc.add(train.X, train.rows, train.names.length);
    fill = acc.fill(train.names, dataName(o.data));
  }
  for (const X of parts) if (X !== null) fillMissing(X, X.length / fill.length, fill);
  return fill;
}

/**
 * --stream: the categories (a first pass) and, with --missing mean, the means (a second pass, over the
 * encoded rows chunk by chunk, in file order: the same means as in memory).
 */
export async function streamPreprocessing(o: TrainOptions, batchRows: number): Promise<Preprocessing> {
  const base = trainCsvOptions(o);
  const { categorical: _c, ...rest } = base;
  const encoding = o.categorical !== undefined || o.missing === 'mean' ? await csvEncoding(o.data, base) : null;
  const categories = encoding?.categories ?? {};
  let fill: number[] | null = null;
  if (o.missing === 'mean') {
    const acc = new MeanAccumulator();
    let names: string[] = [];
    for await (const c of streamCsv(o.data, { ...rest, categories, batchRows })) {
      acc.add(c.X, c.rows, c.featureNames.length);
      names = c.featureNames;
    }
    if (names.length === 0) throw new DataError(`${dataName(o.data)}: no data rows`, { file: o.data });
    fill = acc.fill(names, dataName(o.data));
  }
  return { columns: encoding?.columns ?? [], categories, missing: o.missing ?? 'error', fill };
}

/** streamCsv's options for --stream, once the categories are known. */
export function streamCsvOptions(o: TrainOptions, p: Preprocessing, batchRows: number): CsvOptions & { batchRows: number } {
  const { categorical: _c, ...rest } = trainCsvOptions(o);
  return { ...rest, categories: p.categories, batchRows };
}

/**
 * The rows as trained, in float64, for the terminal scatter and the report: the file read again with the
 * trained columns and categories, missing cells filled with the training means. Standard input cannot be
 * read again: its rows were kept.
 */
export async function rowsAgain(o: TrainOptions, targets: string[], p: Preprocessing, kept: DataRows | null): Promise<DataRows> {
  if (kept !== null) return kept;
  const table = await loadCsv(o.data, {
    target: targets,
    features: p.columns,
    categories: p.categories,
    delimiter: o.delimiter ?? 'auto',
    missing: p.fill !== null ? 'nan' : p.missing,
    dtype: 'float64',
  });
  if (p.fill !== null) fillMissing(table.X, table.rows, p.fill);
  return { X: table.X, Y: table.y, rows: table.rows };
}

/**
 * A cell's error with the flag that gets past it, on the same line: a missing cell (--missing), a text
 * column (--categorical). Other errors are returned as they are.
 */
export function withHint(err: unknown, o: Pick<TrainOptions, 'missing' | 'categorical'>): unknown {
  if (!(err instanceof DataError) || err.cell === undefined) return err;
  const { problem, value } = err.cell;
  const columnName = err.location?.columnName;
  const column = columnName === undefined ? 'COLUMN' : /^[\w.-]+$/.test(columnName) ? columnName : quote(columnName);
  let hint = '';
  if ((o.missing ?? 'error') === 'error' && (problem === 'empty' || isMissing(value))) {
    hint = err.cell.role === 'target' ? 'a missing target: --missing drop leaves such rows out' : 'a missing value: --missing drop leaves such rows out, --missing mean fills them';
  }
  else if (problem === 'missing-target') hint = '--missing drop leaves rows without a target out';
  else if (problem === 'invalid' && err.cell.role === 'feature' && /[a-z]/i.test(value) && !/\d/.test(value)) hint = `a text column? --categorical ${column} one-hot encodes it`;
  return hint === '' ? err : new DataError(`${err.message}: ${hint}`, err.location, err.cell);
}
