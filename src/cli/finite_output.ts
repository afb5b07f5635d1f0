// Nothing non-finite leaves predict or eval with exit 0: a prediction or metric that overflows float64 is
// a DataError (65) naming the CSV line of the row it comes from.

import { streamCsv, type CsvOptions } from '../data/csv.js';
import { DataError } from '../errors.js';
import { quote } from '../quote.js';
import { fileKind } from './io.js';

/** `file:line` of data row `row` (0-based): the file read again up to it; just `file` when it cannot be (a pipe). */
export async function rowPlace(file: string, options: CsvOptions, row: number): Promise<string> {
  if (fileKind(file) !== 'file') return file;
  let seen = 0;
  // one row per batch, so that each batch's first line is that row's; only on this error path
  for await (const b of streamCsv(file, { ...options, batchRows: 1 })) {
    if (seen++ === row) return `${file}:${b.firstLine}`;
  }
  return file;
}

/** The first non-finite prediction of row-major [rows × targets], as its row and target; null when all are finite. */
export function firstNonFinite(pred: ArrayLike<number>, targets: number): { row: number; target: number } | null {
  for (let i = 0; i < pred.length; i++) if (!Number.isFinite(pred[i])) return { row: Math.floor(i / targets), target: i % targets };
  return null;
}

export async function nonFinitePrediction(file: string, options: CsvOptions, targetNames: string[], pred: ArrayLike<number>, at: { row: number; target: number }): Promise<DataError> {
  const place = await rowPlace(file, options, at.row);
  const value = pred[at.row * targetNames.length + at.target];
  return new DataError(`${place}: the prediction of ${quote(targetNames[at.target])} for data row ${at.row + 1} is ${value}: the row's values are too large for the model (float64 overflow)`, { file });
}

/**
 * The first row at which a metric's float64 sums stop being finite (squared or absolute errors, the
 * target's sum or its squared deviations), or -1 when none does.
 */
export function overflowRow(pred: ArrayLike<number>, y: ArrayLike<number>, rows: number, targets: number): number {
  for (let k = 0; k < targets; k++) {
    let se = 0;
    let sum = 0;
    for (let i = 0; i < rows; i++) {
      const d = y[i * targets + k] - pred[i * targets + k];
      se += d * d;
      sum += y[i * targets + k];
      if (!Number.isFinite(se) || !Number.isFinite(sum)) return i;
    }
    const mean = sum / rows;
    let ss = 0;
    for (let i = 0; i < rows; i++) {
      ss += (y[i * targets + k] - mean) ** 2;
      if (!Number.isFinite(ss)) return i;
    }
  }
  return -1;
}

export async function nonFiniteMetrics(file: string, options: CsvOptions, row: number): Promise<DataError> {
  if (row < 0) return new DataError(`${file}: the metrics are not finite in float64 (the values are too large)`, { file });
  const place = await rowPlace(file, options, row);
  return new DataError(`${place}: the metrics overflow float64 at data row ${row + 1} (its target or its error is too large)`, { file });
}
