// streamCsv's batches parsed on worker threads while this thread trains: the file is cut at line breaks
// into windows of ~16 MB that the workers parse (a few ahead of the batch being trained on, so memory stays
// bounded), and this thread joins their rows in file order into the batches streamCsv gives: the same rows
// in the same batches, whatever the timing. As in csv_parallel.ts, a window whose parse failed, or that
// ends inside quotes, is parsed again here from its true first line (joined with the windows after it up
// to an even quote count), so any error is the serial parse's, with its file:line:column.

import { availableParallelism } from 'node:os';
import { statSync } from 'node:fs';
import { helperThreadsEnabled } from '../kernels/select.js';
import { allocStorage, toDType, type DType, type Storage } from '../tensor/dtype.js';
import type { CsvBatch, CsvOptions } from './csv_options.js';
import { parseChunk, type ChunkOptions, type ChunkResult, type ChunkTask, type SharedRows } from './csv_chunk.js';
import { countQuotes, cutPoints, ParseWorker, type Outcome } from './csv_parallel.js';
import { CsvReader, isStreamedFile, noDataRows, streamCsv, type RangeSpec } from './csv_stream.js';

const WINDOW = 16 << 20; // bytes of CSV per task
const MIN_BYTES = 32 << 20; // smaller files are streamed on this thread
const SLACK = 1.02;

/** Whether `file` is worth parsing on workers as it streams: a large regular file, no categories, threads allowed. */
export function streamsInParallel(file: string, options: CsvOptions): boolean {
  if (!helperThreadsEnabled() || availableParallelism() < 2) return false;
  if (isStreamedFile(file, null) || (options.categorical ?? []).length > 0 || Object.keys(options.categories ?? {}).length > 0) return false;
  try {
    const st = statSync(file);
    return st.isFile() && st.size >= MIN_BYTES;
  } catch {
    return false; // the serial parse reports it
  }
}

interface Window {
  task: ChunkTask;
  out: SharedRows;
  outcome: Promise<Outcome> | null;
}

function rowsFor(dtype: DType, rows: number, F: number, T: number): SharedRows {
  const size = dtype === 'float32' ? 4 : 8;
  return { xBuffer: new SharedArrayBuffer(rows * F * size), xOffset: 0, yBuffer: new SharedArrayBuffer(rows * T * size), features: F, targets: T, dtype };
}

function view(dtype: DType, buffer: ArrayBufferLike, offset: number, length: number): Storage {
  return dtype === 'float32' ? new Float32Array(buffer, offset, length) : new Float64Array(buffer, offset, length);
}

/** A window's rows (those in its reservation, then its overflow) as [X, y, rows] parts in order. */
function partsOf(r: ChunkResult, out: SharedRows): Array<{ X: Storage; y: Storage; rows: number }> {
  const { features: F, targets: T, dtype } = out;
  const parts = [{ X: view(dtype, out.xBuffer, 0, r.rows * F), y: view(dtype, out.yBuffer, 0, r.rows * T), rows: r.rows }];
  if (r.overflow !== null) parts.push(r.overflow);
  return parts;
}

/** The windows' tasks: their bytes, rows reserved by the bytes per row seen so far, the first one's true line. */
function windows(spec: RangeSpec, cuts: number[], size: number, bytesPerRow: number, dtype: DType): Window[] {
  const F = spec.features.length;
  const T = spec.targets.length;
  return cuts.map((start, chunk) => {
    const end = cuts[chunk + 1] ?? size;
    const capacity = Math.ceil(((end - start) / bytesPerRow) * SLACK) + 64;
    const first = chunk === 0;
    const task: ChunkTask = {
      chunk, rowBase: 0, capacity,
      spec: { ...spec, start, end, line: first ? spec.line : 1, prevCR: first ? spec.prevCR : spec.delimiter === '\r', pending: first ? spec.pending : null },
    };
    return { task, out: rowsFor(dtype, 0, F, T), outcome: null };
  });
}

/** Window size and worker count (defaults: 16 MB, every core but this thread's, at most 8); for tests. */
export interface StreamTuning {
  windowBytes?: number;
  workers?: number;
}

/** Batches of `batchRows` rows as streamCsv gives them (all full but the last), parsed on worker threads. */
export async function* streamCsvParallel(file: string, options: CsvOptions & { batchRows: number }, tuning: StreamTuning = {}): AsyncGenerator<CsvBatch> {
  const reader = await CsvReader.open(file, options);
  let spec: RangeSpec;
  let bytesPerLine: number;
  let names: ReturnType<CsvReader['names']>;
  let delimiter: CsvBatch['delimiter'];
  const size = statSync(file).size;
  try {
    spec = reader.rangeSpec(size);
    bytesPerLine = reader.bufferedBytesPerLine();
    names = reader.names();
    delimiter = reader.fieldDelimiter();
  } finally {
    await reader.close();
  }
  const dtype = options.dtype === undefined ? 'float32' : toDType(options.dtype);
  const chunkOptions: ChunkOptions = { dtype, invalidRows: options.invalidRows, fastPath: options.fastPath, missing: options.missing };
  const list = windows(spec, cutPoints(file, spec.start, size, tuning.windowBytes ?? WINDOW, spec.delimiter), size, bytesPerLine > 0 ? bytesPerLine : 2 * spec.columns.length, dtype);
  // every core but the one this thread trains on
  const workers = Array.from({ length: tuning.workers ?? Math.min(8, Math.max(1, availableParallelism() - 1)) }, () => ParseWorker.start(file, chunkOptions)).filter((w): w is ParseWorker => w !== null);
  try {
    if (workers.length === 0) yield* streamCsv(file, options); // no worker would start: on this thread
    else yield* assemble(file, options, chunkOptions, list, workers, { names, delimiter, dtype });
  } finally {
    for (const w of workers) w.close();
  }
}

interface Names {
  names: ReturnType<CsvReader['names']>;
  delimiter: CsvBatch['delimiter'];
  dtype: DType;
}

/** Workers taking tasks in the order given: a task waits for the next free worker. */
class Pool {
  private readonly free: ParseWorker[];
  private readonly queue: Array<(w: ParseWorker) => void> = [];

  constructor(workers: ParseWorker[]) {
    this.free = [...workers];
  }

  run(task: ChunkTask, out: SharedRows): Promise<Outcome> {
    return new Promise((resolve) => {
      const go = (w: ParseWorker): void => void w.run(task, out).then((o) => {
        resolve(o);
        const waiting = this.queue.shift();
        if (waiting === undefined) this.free.push(w);
        else waiting(w);
      });
      const w = this.free.pop();
      if (w === undefined) this.queue.push(go);
      else go(w);
    });
  }
}

/** The windows' rows in order, cut into batches; the workers parse up to two windows each ahead. */
async function* assemble(file: string, options: CsvOptions & { batchRows: number }, chunkOptions: ChunkOptions, list: Window[], workers: ParseWorker[], n: Names): AsyncGenerator<CsvBatch> {
  const F = n.names.featureNames.length;
  const T = n.names.targetNames.length;
  const { batchRows } = options;
  const pool = new Pool(workers);
  const ahead = 2 * workers.length;
  // the windows' rows go to a few buffers used in turn (a window joined with the next ones may take a new one)
  const capacity = list.reduce((m, w) => Math.max(m, w.task.capacity), 0);
  const slots = Array.from({ length: ahead + 1 }, () => rowsFor(n.dtype, capacity, F, T));
  const reused = new Set(slots);
  let next = 0;
  const dispatch = (upTo: number, force = false): void => {
    for (; next < list.length && next <= upTo; next++) {
      const w = list[next];
      const slot = slots.pop() ?? (force ? rowsFor(n.dtype, w.task.capacity, F, T) : null);
      if (slot === null) return;
      w.out = slot;
      w.outcome = pool.run(w.task, w.out);
    }
  };
  let X = allocStorage(n.dtype, Math.min(batchRows, 1 << 16) * F);
  let y = allocStorage(n.dtype, Math.min(batchRows, 1 << 16) * T);
  let rows = 0;
  let total = 0;
  let skippedRows = 0;
  let missingCells = 0;
  let line = list[0].task.spec.line;
  const common = { firstLine: 0, columns: n.names.columns, featureNames: n.names.featureNames, targetNames: n.names.targetNames, delimiter: n.delimiter, encoding: { columns: n.names.featureNames, categories: {} } };
  for (let j = 0; j < list.length;) {
    dispatch(j + ahead);
    const { result, out, k } = await resolved(file, chunkOptions, list, j, line, dispatch);
    line += result.lines;
    skippedRows += result.skippedRows;
    missingCells += result.missingCells;
    for (const part of partsOf(result, out)) {
      for (let at = 0; at < part.rows;) {
        const take = Math.min(part.rows - at, batchRows - rows);
        if ((rows + take) * F > X.length || (rows + take) * T > y.length) [X, y] = grown(n.dtype, X, y, Math.min(batchRows, Math.max(rows + take, 2 * (X.length / Math.max(1, F)))), F, T);
        X.set(part.X.subarray(at * F, (at + take) * F), rows * F);
        y.set(part.y.subarray(at * T, (at + take) * T), rows * T);
        rows += take;
        at += take;
        if (rows === batchRows) {
          // the consumer is done with a batch when it asks for the next: the buffers are then refilled
          yield { ...common, X: view(n.dtype, X.buffer, X.byteOffset, rows * F), y: view(n.dtype, y.buffer, y.byteOffset, rows * T), rows, skippedRows, missingCells };
          total += rows;
          missingCells = 0;
          rows = 0;
        }
      }
    }
    for (let i = j; i <= k; i++) {
      // its rows are copied: the buffer takes another window
      if (reused.has(list[i].out)) slots.push(list[i].out);
      list[i].out = rowsFor(n.dtype, 0, F, T);
    }
    j = k + 1;
  }
  if (rows > 0) yield { ...common, X: X.slice(0, rows * F), y: y.slice(0, rows * T), rows, skippedRows, missingCells };
  else if (total === 0) throw noDataRows(file, skippedRows);
}

/** X and y with room for `rows` rows, the rows so far copied. */
function grown(dtype: DType, X: Storage, y: Storage, rows: number, F: number, T: number): [Storage, Storage] {
  const X2 = allocStorage(dtype, rows * F);
  X2.set(X);
  const y2 = allocStorage(dtype, rows * T);
  y2.set(y);
  return [X2, y2];
}

/**
 * Window j's result, from a range that starts and ends at a record: when its parse failed or it ends
 * inside quotes, windows j..k (up to an even quote count) are parsed again here as one range from `line`,
 * so that an error there is the file's first, as the serial parse gives it.
 */
async function resolved(file: string, options: ChunkOptions, list: Window[], j: number, line: number, dispatch: (upTo: number, force: boolean) => void): Promise<{ result: ChunkResult; out: SharedRows; k: number }> {
  const outcome = (i: number): Promise<Outcome> => {
    dispatch(i, true);
    return list[i].outcome as Promise<Outcome>;
  };
  const quotesOf = async (i: number): Promise<number> => {
    const o = await outcome(i);
    return o === 'failed' ? countQuotes(file, list[i].task.spec.start, list[i].task.spec.end) : o.quotes;
  };
  const first = await outcome(j);
  let k = j;
  let quotes = await quotesOf(j);
  if (first !== 'failed' && quotes % 2 === 0) return { result: first, out: list[j].out, k };
  while (quotes % 2 === 1 && k + 1 < list.length) quotes += await quotesOf(++k);
  const spec = { ...list[j].task.spec, end: list[k].task.spec.end, line };
  const capacity = list.slice(j, k + 1).reduce((sum, w) => sum + w.task.capacity, 0);
  const { features: F, targets: T, dtype } = list[j].out;
  const out = rowsFor(dtype, capacity, F, T);
  const result = await parseChunk(file, options, out, { chunk: j, rowBase: 0, capacity, spec });
  return { result, out, k };
}

/** streamCsv's batches: parsed on worker threads when the file is worth it (streamsInParallel), else on this thread. */
export function streamBatches(file: string, options: CsvOptions & { batchRows: number }): AsyncGenerator<CsvBatch> {
  return streamsInParallel(file, options) ? streamCsvParallel(file, options) : streamCsv(file, options);
}
