// One byte range of a CSV file parsed into its rows of a shared buffer, the same code on this thread
// and on a parse worker (csv_parallel.ts): a CsvReader opened on the range, filling the rows reserved
// for it, and rows beyond those (the estimate fell short) into an overflow block of its own.

import type { DType, Storage } from '../tensor/dtype.js';
import type { CsvOptions } from './csv_options.js';
import type { RowBlock } from './csv_fast.js';
import { CsvReader, type RangeSpec } from './csv_stream.js';

/** Where the rows go: X and y of the whole file, as shared buffers that every thread can write. */
export interface SharedRows {
  xBuffer: SharedArrayBuffer;
  /** Byte offset of X's row 0 in xBuffer. */
  xOffset: number;
  yBuffer: SharedArrayBuffer;
  features: number;
  targets: number;
  dtype: DType;
}

export interface ChunkTask {
  chunk: number;
  spec: RangeSpec;
  /** Rows [rowBase, rowBase + capacity) of X and y are this range's. */
  rowBase: number;
  capacity: number;
}

export interface ChunkResult {
  chunk: number;
  /** Rows written at rowBase (at most capacity). */
  rows: number;
  /** Physical lines the range holds (its end line minus its start line). */
  lines: number;
  /** Quote bytes in the range: an odd count means its end is inside a quoted field. */
  quotes: number;
  skippedRows: number;
  /** Missing feature cells (missing 'mean' or 'nan'). */
  missingCells: number;
  /** Rows past capacity, in order, when there were any. */
  overflow: { X: Storage; y: Storage; rows: number } | null;
}

/** The options a range's reader needs (plain data, for a worker). */
export type ChunkOptions = Pick<CsvOptions, 'dtype' | 'invalidRows' | 'fastPath' | 'missing'>;

function view(dtype: DType, buffer: SharedArrayBuffer, byteOffset: number, length: number): Storage {
  return dtype === 'float32' ? new Float32Array(buffer, byteOffset, length) : new Float64Array(buffer, byteOffset, length);
}

/** Rows [from, from + n) of the shared X and y as a block to fill. */
function sharedBlock(out: SharedRows, from: number, n: number): RowBlock {
  const { features: F, targets: T, dtype } = out;
  const size = dtype === 'float32' ? 4 : 8;
  const X = view(dtype, out.xBuffer, out.xOffset + from * F * size, n * F);
  const y = view(dtype, out.yBuffer, from * T * size, n * T);
  return { X, y, features: F, targets: T, rows: 0, capacity: n, firstLine: 0 };
}

/** The overflow blocks' rows in one block. */
function joined(blocks: RowBlock[], dtype: DType): ChunkResult['overflow'] {
  const rows = blocks.reduce((n, b) => n + b.rows, 0);
  if (rows === 0) return null;
  const { features: F, targets: T } = blocks[0];
  const X = dtype === 'float32' ? new Float32Array(rows * F) : new Float64Array(rows * F);
  const y = dtype === 'float32' ? new Float32Array(rows * T) : new Float64Array(rows * T);
  let at = 0;
  for (const b of blocks) {
    X.set(b.X.subarray(0, b.rows * F), at * F);
    y.set(b.y.subarray(0, b.rows * T), at * T);
    at += b.rows;
  }
  return { X, y, rows };
}

/** Parse one range into its rows; throws the error the file's serial parse would throw there. */
export async function parseChunk(file: string, options: ChunkOptions, out: SharedRows, task: ChunkTask): Promise<ChunkResult> {
  const reader = await CsvReader.openRange(file, options, task.spec);
  try {
    const block = sharedBlock(out, task.rowBase, task.capacity);
    let more = await reader.fill(block);
    const extra: RowBlock[] = [];
    while (more) {
      const b = reader.newBlock(Math.max(1024, Math.ceil(task.capacity / 8)));
      more = await reader.fill(b);
      extra.push(b);
    }
    const { line, quotes } = reader.position();
    return { chunk: task.chunk, rows: block.rows, lines: line - task.spec.line, quotes, skippedRows: reader.skippedRows, missingCells: reader.missingCells, overflow: joined(extra, out.dtype) };
  } finally {
    await reader.close();
  }
}
