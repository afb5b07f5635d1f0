// The types of the CSV readers (loadCsv, streamCsv): options, the table, one streamed batch.

import type { DType, DTypeArg, Storage } from '../tensor/dtype.js';

/** A column by header name or 0-based index. */
export type ColumnRef = string | number;

/** The field delimiters a CSV file may use (`delimiter: 'auto'` picks one of them). */
export const FIELD_DELIMITERS = [',', ';', '\t', '|'] as const;
export type FieldDelimiter = (typeof FIELD_DELIMITERS)[number];

/** What a missing cell (empty, or one of pandas' NA spellings: NA, N/A, NaN, null, None, ...) does. */
export type MissingPolicy = 'error' | 'drop' | 'mean' | 'nan';

/** The file name that reads standard input (`loadCsv('-')`, `--data -`). */
export const STDIN = '-';

/**
 * How a CSV file is read (UTF-8, optional BOM; LF, CRLF or CR line ends as csv-parse detects them;
 * quoted fields; blank lines skipped). Numbers are strict decimals, [+-]?(digits[.[digits]]|.digits)
 * ([eE][+-]?digits)?, correctly rounded to the dtype. Fields may have spaces or tabs around them
 * (csv-parse's `trim`); inside quotes the text must be exactly a number. Without a header the columns
 * are named x0, x1, ..., x{W-2} and y (the last column), whatever is selected as target. Errors are
 * DataErrors `file:line:col: ...`, lines counted as in the file (a record over several lines: its
 * first); a missing or unreadable file is an InputError, a read failing mid-way an IOFailure.
 * A gzip file (by its first bytes, or a name ending in .gz) is decompressed as it is read (node:zlib), and
 * the file name '-' reads standard input.
 */
export interface CsvOptions {
  /** Target column(s). Default: the column named `y`; else y0, y1, ... (from y0 on); else the last column. `[]` for none. */
  target?: ColumnRef | ColumnRef[];
  /** Feature columns, in this order. Default: every column that is not a target. */
  features?: ColumnRef[];
  /** Default 'float32' (`torch.float32`). Values are correctly rounded to the dtype. */
  dtype?: DTypeArg;
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
  /**
   * The field delimiter: ',', ';', '\t' or '|', or 'auto' (default): of these, the one that splits the
   * first lines (outside quotes) into the most fields, the same number on every line (',' when none does).
   */
  delimiter?: FieldDelimiter | 'auto';
  /**
   * A missing cell: empty, or NA, N/A, n/a, NaN, nan, -NaN, -nan, null, NULL, None, <NA>, #N/A, #NA (pandas'
   * spellings). 'error' (default): an error (only an empty cell is missing then; the others are
   * invalid or non-finite values, as before); 'drop': its row is left out (counted in skippedRows);
   * 'mean': a feature cell takes its feature's mean over the rows read (`fill`); 'nan': a feature cell is
   * NaN (to fill it yourself). With 'mean' and 'nan' a missing target is an error.
   */
  missing?: MissingPolicy;
  /**
   * Text columns to one-hot encode: each becomes one 0/1 feature per distinct value (its categories, in
   * sorted order), named `column=value`. A missing cell (see `missing`) sets all of them to NaN, then
   * 'mean' fills each with its mean (the category's frequency).
   */
  categorical?: ColumnRef[];
  /** The categories of columns, by name (a saved model's): those columns are one-hot encoded in this order, and any other value is an error. */
  categories?: Record<string, string[]>;
}

/** How the selected feature columns became the table's features. */
export interface CsvEncoding {
  /** The selected feature columns of the file, in order (before one-hot encoding). */
  columns: string[];
  /** The one-hot encoded columns and their categories, in feature order. */
  categories: Record<string, string[]>;
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
  /** The field delimiter (given, or detected). */
  delimiter: FieldDelimiter;
  /** The feature columns before one-hot encoding, and the categories of the encoded ones. */
  encoding: CsvEncoding;
  /** Feature cells that were missing (filled with `fill` under 'mean', NaN under 'nan'). */
  missingCells: number;
  /** With missing: 'mean', the value each feature's missing cells took (its mean); else null. */
  fill: number[] | null;
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
  /** Rows skipped so far (invalidRows 'skip', missing 'drop'), this batch included. */
  skippedRows: number;
  /** Missing feature cells in this batch (missing 'nan': NaN in X). */
  missingCells: number;
  /** The field delimiter (given, or detected). */
  delimiter: FieldDelimiter;
  /** The file's columns, and its feature columns before one-hot encoding with their categories. */
  columns: string[];
  encoding: CsvEncoding;
}
