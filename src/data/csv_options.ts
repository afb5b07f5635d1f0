// The types of the CSV readers (loadCsv, streamCsv): options, the table, one streamed batch.

import type { DType, Storage } from '../tensor/dtype.js';

/** A column by header name or 0-based index. */
export type ColumnRef = string | number;

/**
 * How a CSV file is read (UTF-8, optional BOM; LF, CRLF or CR line ends as csv-parse detects them;
 * quoted fields; blank lines skipped). Numbers are strict decimals, [+-]?(digits[.[digits]]|.digits)
 * ([eE][+-]?digits)?, correctly rounded to the dtype. Fields may have spaces or tabs around them
 * (csv-parse's `trim`); inside quotes the text must be exactly a number. Without a header the columns
 * are named x0, x1, ..., x{W-2} and y (the last column), whatever is selected as target. Errors are
 * DataErrors `file:line:col: ...`, lines counted as in the file (a record over several lines: its
 * first); a missing or unreadable file is an InputError, a read failing mid-way an IOFailure.
 */
export interface CsvOptions {
  /** Target column(s). Default: the column named `y`; else y0, y1, ... (from y0 on); else the last column. `[]` for none. */
  target?: ColumnRef | ColumnRef[];
  /** Feature columns, in this order. Default: every column that is not a target. */
  features?: ColumnRef[];
  /** Default 'float32'. Values are correctly rounded to the dtype. */
  dtype?: DType;
  /** 'auto' (default): the first non-blank row is a header when a field in it is not a number, an empty cell, NaN or inf. */
  header?: boolean | 'auto';
  /** 'skip' drops (and counts) rows with an empty cell, NaN, inf or a value out of the dtype's range; malformed numbers stay errors. */
  invalidRows?: 'error' | 'skip';
  /** false parses every row with csv-parse (the byte-level path gives the same values and errors). */
  fastPath?: boolean;
  /**
   * true puts X in the process's shared WebAssembly memory (kernels/shared_memory.ts), where fit()'s fused
   * Linear + MSELoss step reads float32 rows in place, with a helper thread. That memory is never given
   * back to the system: for data that lives as long as the process (as in `autograd train`). Falls back
   * to ordinary memory where it is unavailable or full (it holds at most 4 GiB).
   */
  shared?: boolean;
}

export interface CsvTable {
  file: string;
  /** Every column of the file, by header name (or x0, ..., y without a header). */
  columns: string[];
  featureNames: string[];
  targetNames: string[];
  rows: number;
  /** rows × features, row-major. May be a view of a buffer up to 5% longer. */
  X: Storage;
  /** rows × targets, row-major. */
  y: Storage;
  skippedRows: number;
  dtype: DType;
}

/** One batch from streamCsv: at most batchRows rows (exactly batchRows except for the last batch). */
export interface CsvBatch {
  X: Storage;
  y: Storage;
  rows: number;
  /** 1-based line of the batch's first row. */
  firstLine: number;
  featureNames: string[];
  targetNames: string[];
  /** Rows skipped so far (invalidRows 'skip'), this batch included. */
  skippedRows: number;
}
