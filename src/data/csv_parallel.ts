// loadCsv on every core: a large file is cut at line breaks into ranges that this thread and parse
// workers read at the same time, each straight into its own rows of one shared X (the shared WebAssembly
// memory with `shared`) and y, which are then closed up. The result is the serial parse's: the same
// values, and the same first error with the same file:line:column.
//
// NOTE: a line break may lie inside a quoted field, so a cut there starts a range mid-record. Such a cut
// shows in the quote bytes before it: at a record's start their count is even (csv_fast's recordEnd
// toggles on each quote). Ranges whose cut is odd are parsed again here as one range, and a range that
// failed is parsed again here with its true first line, so that any error comes from the same records,
// lines and code as in the serial parse; a range's error counts only once every range before it is good.

import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { helperThreadsEnabled } from '../kernels/select.js';
import { allocBeside, allocShared, resizeShared, sharedMemory } from '../kernels/shared_memory.js';
import { loadWorkerThreads, retireWorker } from '../kernels/workers.js';
import { allocStorage, toDType, type DType, type Storage } from '../tensor/dtype.js';
import type { CsvOptions, CsvTable } from './csv_options.js';
import { parseChunk, type ChunkOptions, type ChunkResult, type ChunkTask, type SharedRows } from './csv_chunk.js';
import { CsvReader, isStreamedFile, noDataRows, type RangeSpec } from './csv_stream.js';
import { CR, LF } from './csv_fast.js';

export interface ParallelTuning {
  /** Threads in all, this one included (default: the cores, at most 8). */
  threads?: number;
  /** Smallest file read in parallel (default 32 MB). */
  minBytes?: number;
  /** Bytes per range, about (default: the data over 4 ranges per thread, at least 16 MB). */
  chunkBytes?: number;
}

const MIN_BYTES = 32 << 20;
const MIN_CHUNK = 16 << 20;
const SLACK = 1.02; // rows reserved per range over its estimate (rows past it go to an overflow block)

/** Worker source: loads this module (or the CLI bundle it is in) and serves parse tasks. */
const SOURCE = `'use strict';
const { workerData, parentPort } = require('node:worker_threads');
import(workerData.entry).then((m) => (m.runCsvWorker ?? m.default.runCsvWorker)(workerData, parentPort));
`;

interface WorkerSetup {
  entry: string;
  file: string;
  options: ChunkOptions;
  out: SharedRows;
}

type Reply = { ok: true; result: ChunkResult } | { ok: false; chunk: number };

/** A task with its own output rows (a streamed pass: csv_stream_parallel.ts), else the worker's. */
type WorkerTask = ChunkTask & { out?: SharedRows };

/** A parse worker's side: one task at a time, each answered with its result or a failure. */
export function runCsvWorker(setup: WorkerSetup, port: import('node:worker_threads').MessagePort): void {
  port.on('message', (task: WorkerTask) => {
    parseChunk(setup.file, setup.options, task.out ?? setup.out, task).then(
      (result) => port.postMessage({ ok: true, result } satisfies Reply),
      () => port.postMessage({ ok: false, chunk: task.chunk } satisfies Reply),
    );
  });
}

/** Range starts: byte offsets after a line break, near every `chunk` bytes from `start`. */
export function cutPoints(file: string, start: number, size: number, chunk: number, delimiter: RangeSpec['delimiter']): number[] {
  const cuts = [start];
  const fd = openSync(file, 'r');
  try {
    const window = Buffer.allocUnsafe(1 << 16);
    let at = start + chunk;
    while (at < size) {
      const n = readSync(fd, window, 0, window.length, at - 1);
      let cut = -1;
      for (let i = 1; i < n && cut < 0; i++) {
        const before = window[i - 1];
        // never between a CR and its LF, so that every range counts its lines as the whole file does
        if (delimiter === '\r' ? before === CR && window[i] !== LF : before === LF) cut = at - 1 + i;
      }
      if (n <= 1) break;
      if (cut < 0) {
        at += n - 1;
        continue;
      }
      cuts.push(cut);
      at = cut + chunk;
    }
  } finally {
    closeSync(fd);
  }
  return cuts;
}

/** The file's first two bytes (a gzip file's magic number), or null when they cannot be read. */
function headBytes(file: string): Uint8Array | null {
  try {
    const fd = openSync(file, 'r');
    try {
      const head = Buffer.alloc(2);
      return head.subarray(0, readSync(fd, head, 0, 2, 0));
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
}

/** Quote bytes in [from, to) of the file (for a range whose parse failed). */
export function countQuotes(file: string, from: number, to: number): number {
  const fd = openSync(file, 'r');
  const buf = Buffer.allocUnsafe(1 << 20);
  let quotes = 0;
  try {
    for (let at = from; at < to;) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, to - at), at);
      if (n === 0) break;
      const chunk = buf.subarray(0, n);
      for (let i = chunk.indexOf(0x22); i >= 0; i = chunk.indexOf(0x22, i + 1)) quotes++;
      at += n;
    }
  } finally {
    closeSync(fd);
  }
  return quotes;
}

/** X and y for `rows` rows, as shared buffers; X in the shared WebAssembly memory when asked and possible. */
function sharedRows(dtype: DType, rows: number, F: number, T: number, inWasm: boolean): { out: SharedRows; X: Storage } {
  const size = dtype === 'float32' ? 4 : 8;
  const wasmX = inWasm && sharedMemory() !== null ? allocShared(dtype, rows * F) : null;
  const X = wasmX ?? (dtype === 'float32' ? new Float32Array(new SharedArrayBuffer(rows * F * size)) : new Float64Array(new SharedArrayBuffer(rows * F * size)));
  const out = { xBuffer: X.buffer as SharedArrayBuffer, xOffset: X.byteOffset, yBuffer: new SharedArrayBuffer(rows * T * size), features: F, targets: T, dtype };
  return { out, X };
}

export type Outcome = ChunkResult | 'failed';

/** A worker parsing one range at a time into the rows each task brings; a task it cannot do is 'failed'. */
export class ParseWorker {
  private waiting: ((o: Outcome) => void) | null = null;
  private dead = false;

  private constructor(private readonly worker: import('node:worker_threads').Worker) {
    worker.on('message', (r: Reply) => this.settle(r.ok ? r.result : 'failed'));
    // a worker that stops: its task is parsed again by the caller, and it takes no more
    worker.on('error', () => {
      this.dead = true;
      this.settle('failed');
    });
    worker.unref(); // kept alive only while it has a task (run): an abandoned pass does not hold the process
  }

  static start(file: string, options: ChunkOptions): ParseWorker | null {
    const { Worker } = loadWorkerThreads();
    const none: SharedRows = { xBuffer: new SharedArrayBuffer(0), xOffset: 0, yBuffer: new SharedArrayBuffer(0), features: 0, targets: 0, dtype: options.dtype === undefined ? 'float32' : toDType(options.dtype) };
    try {
      return new ParseWorker(new Worker(SOURCE, { eval: true, workerData: { entry: import.meta.url, file, options, out: none } satisfies WorkerSetup }));
    } catch {
      return null;
    }
  }

  private settle(o: Outcome): void {
    const w = this.waiting;
    this.waiting = null;
    this.worker.unref();
    w?.(o);
  }

  /** The task's outcome (one task at a time). */
  run(task: ChunkTask, out: SharedRows): Promise<Outcome> {
    if (this.dead) return Promise.resolve('failed');
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.worker.ref();
      this.worker.postMessage({ ...task, out } satisfies WorkerTask);
    });
  }

  close(): void {
    retireWorker(this.worker);
  }
}

/** Run `tasks` on this thread and `workers` workers, each taking the next task when done. */
async function runAll(file: string, options: ChunkOptions, out: SharedRows, tasks: ChunkTask[], workers: number): Promise<Outcome[]> {
  const outcomes: Outcome[] = new Array<Outcome>(tasks.length);
  let next = 0;
  const take = (): ChunkTask | undefined => (next < tasks.length ? tasks[next++] : undefined);
  const local = async (): Promise<void> => {
    for (let t = take(); t !== undefined; t = take()) {
      outcomes[t.chunk] = await parseChunk(file, options, out, t).catch((): Outcome => 'failed');
    }
  };
  const remote = (): Promise<void> => new Promise((resolve) => {
    const { Worker } = loadWorkerThreads();
    const setup: WorkerSetup = { entry: import.meta.url, file, options, out };
    let current: ChunkTask | undefined;
    let worker: InstanceType<typeof Worker>;
    const done = (): void => {
      retireWorker(worker);
      resolve();
    };
    const post = (): void => {
      current = take();
      if (current === undefined) done();
      else worker.postMessage(current);
    };
    try {
      worker = new Worker(SOURCE, { eval: true, workerData: setup });
    } catch {
      resolve();
      return;
    }
    worker.on('message', (r: Reply) => {
      outcomes[r.ok ? r.result.chunk : r.chunk] = r.ok ? r.result : 'failed';
      post();
    });
    // a worker that stops: its task is parsed again here, and it takes no more
    worker.on('error', () => {
      if (current !== undefined) outcomes[current.chunk] = 'failed';
      done();
    });
    post();
  });
  // the first task here: it holds the header's line and a header-less file's first row
  const first = take() as ChunkTask;
  const remotes = Array.from({ length: workers }, remote);
  outcomes[first.chunk] = await parseChunk(file, options, out, first).catch((): Outcome => 'failed');
  await Promise.all([local(), ...remotes]);
  for (let i = 0; i < tasks.length; i++) outcomes[i] ??= 'failed'; // a task left by a worker that never started
  return outcomes;
}

/** Each range's task: its bytes, the rows reserved for it (by the bytes per row seen so far), its line when known. */
function planTasks(spec: RangeSpec, cuts: number[], size: number, bytesPerRow: number): ChunkTask[] {
  let rowBase = 0;
  return cuts.map((start, chunk) => {
    const end = cuts[chunk + 1] ?? size;
    const capacity = Math.ceil(((end - start) / bytesPerRow) * SLACK) + 64;
    const first = chunk === 0;
    // a later range's first line is known only once the ranges before it are counted: 1 until then
    const task: ChunkTask = {
      chunk, rowBase, capacity,
      spec: { ...spec, start, end, line: first ? spec.line : 1, prevCR: first ? spec.prevCR : spec.delimiter === '\r', pending: first ? spec.pending : null },
    };
    rowBase += capacity;
    return task;
  });
}

interface Part {
  result: ChunkResult;
  rowBase: number;
}

/**
 * The ranges' results in file order, each from a range that starts at a record and ends at one: a
 * range that failed, or ends inside quotes (then joined with the ranges after it up to an even count),
 * is parsed again here from its true first line, and its error, if any, is the file's first.
 */
async function resolveParts(file: string, options: ChunkOptions, out: SharedRows, tasks: ChunkTask[], outcomes: Outcome[]): Promise<Part[]> {
  const quotesOf = (j: number): number => {
    const o = outcomes[j];
    return o === 'failed' ? countQuotes(file, tasks[j].spec.start, tasks[j].spec.end) : o.quotes;
  };
  const parts: Part[] = [];
  let line = tasks[0].spec.line;
  for (let j = 0; j < tasks.length;) {
    let k = j;
    let quotes = quotesOf(j);
    while (quotes % 2 === 1 && k + 1 < tasks.length) quotes += quotesOf(++k);
    const done = outcomes[j];
    let result: ChunkResult;
    if (k === j && done !== 'failed' && quotes % 2 === 0) result = done;
    else {
      const capacity = tasks[k].rowBase + tasks[k].capacity - tasks[j].rowBase;
      const task: ChunkTask = { chunk: j, rowBase: tasks[j].rowBase, capacity, spec: { ...tasks[j].spec, end: tasks[k].spec.end, line } };
      result = await parseChunk(file, options, out, task);
    }
    parts.push({ result, rowBase: tasks[j].rowBase });
    line += result.lines;
    j = k + 1;
  }
  return parts;
}

/** The parts' rows closed up into X (in place, or into new memory beside it when a part overflowed) and a new y. */
function assemble(parts: Part[], X: Storage, out: SharedRows, rows: number): { X: Storage; y: Storage } {
  const { features: F, targets: T, dtype } = out;
  const yAll = dtype === 'float32' ? new Float32Array(out.yBuffer) : new Float64Array(out.yBuffer);
  const y = allocStorage(dtype, rows * T);
  const overflow = parts.some((p) => p.result.overflow !== null);
  // rows past a range's reservation push the later ranges' rows back: then everything moves to new memory
  let target = overflow ? allocBeside(X, dtype, rows * F) : X;
  let at = 0;
  for (const { result, rowBase } of parts) {
    const { rows: n, overflow: extra } = result;
    if (overflow) target.set(X.subarray(rowBase * F, (rowBase + n) * F), at * F);
    else if (rowBase !== at) target.copyWithin(at * F, rowBase * F, (rowBase + n) * F);
    y.set(yAll.subarray(rowBase * T, (rowBase + n) * T), at * T);
    at += n;
    if (extra !== null) {
      target.set(extra.X, at * F);
      y.set(extra.y, at * T);
      at += extra.rows;
    }
  }
  target = resizeShared(target, rows * F) ?? (target.length - rows * F <= rows * F * 0.05 ? target.subarray(0, rows * F) : target.slice(0, rows * F));
  return { X: target, y };
}

/**
 * loadCsv's parse on `threads` threads; null when the file is not worth it (or not a regular file, or
 * the helper threads are turned off: AUTOGRAD_THREADS=1), then the caller parses it serially.
 */
export async function loadCsvParallel(file: string, options: CsvOptions = {}, tuning: ParallelTuning = {}): Promise<CsvTable | null> {
  const threads = tuning.threads ?? (helperThreadsEnabled() ? Math.min(8, availableParallelism()) : 1);
  if (threads < 2 && tuning.threads === undefined) return null;
  // standard input and gzip files are streams, and categories are numbered as first seen: read serially
  if (isStreamedFile(file, null) || (options.categorical ?? []).length > 0 || Object.keys(options.categories ?? {}).length > 0) return null;
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) return null;
    size = st.size;
  } catch {
    return null; // the serial parse reports it
  }
  if (size < (tuning.minBytes ?? MIN_BYTES) || isStreamedFile(file, headBytes(file))) return null;
  const reader = await CsvReader.open(file, options);
  let spec: RangeSpec;
  let bytesPerLine: number;
  let delimiter: CsvTable['delimiter'];
  try {
    spec = reader.rangeSpec(size);
    bytesPerLine = reader.bufferedBytesPerLine();
    delimiter = reader.fieldDelimiter();
  } finally {
    await reader.close();
  }
  const { columns, features, targets } = spec;
  const dtype = options.dtype === undefined ? 'float32' : toDType(options.dtype);
  const chunk = tuning.chunkBytes ?? Math.max(MIN_CHUNK, Math.ceil((size - spec.start) / (4 * threads)));
  const tasks = planTasks(spec, cutPoints(file, spec.start, size, chunk, spec.delimiter), size, bytesPerLine > 0 ? bytesPerLine : 2 * columns.length);
  const last = tasks[tasks.length - 1];
  const { out, X } = sharedRows(dtype, last.rowBase + last.capacity, features.length, targets.length, options.shared === true);
  const chunkOptions: ChunkOptions = { dtype, invalidRows: options.invalidRows, fastPath: options.fastPath, missing: options.missing };
  const outcomes = await runAll(file, chunkOptions, out, tasks, threads - 1);
  const parts = await resolveParts(file, chunkOptions, out, tasks, outcomes);
  const rows = parts.reduce((n, p) => n + p.result.rows + (p.result.overflow?.rows ?? 0), 0);
  const skippedRows = parts.reduce((n, p) => n + p.result.skippedRows, 0);
  const missingCells = parts.reduce((n, p) => n + p.result.missingCells, 0);
  if (rows === 0) throw noDataRows(file, skippedRows);
  const data = assemble(parts, X, out, rows);
  const featureNames = features.map((i) => columns[i]);
  return {
    file, columns, featureNames, targetNames: targets.map((i) => columns[i]),
    rows, X: data.X, y: data.y, skippedRows, dtype,
    delimiter, encoding: { columns: featureNames, categories: {} }, missingCells, fill: null,
  };
}
