// Reading a CSV file chunk by chunk: header and column selection, plain lines through the byte-level
// fast path and every other record through csv-parse, rows written straight into typed arrays, and
// errors as `file:line:col: ...`. streamCsv yields the rows in bounded batches.

// NOTE: callback fs (promisified here) rather than node:fs/promises, whose first use loads ~2 ms of modules
import { close, createReadStream, fstat, open, read, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { DataError, ValueError } from '../errors.js';
import { allocStorage, toDType, type DType } from '../tensor/dtype.js';
import { FIELD_DELIMITERS, STDIN, type CsvBatch, type CsvOptions, type FieldDelimiter, type MissingPolicy } from './csv_options.js';
import { CR, LF, advanceLines, detectDelimiter, detectSeparator, plainLine, recordEnd, scanPlainLines, type Cursor, type Delimiter, type FastLayout, type RowBlock } from './csv_fast.js';
import { cellError, readError, recordTooLong, selectColumns, syntaxError, type Selection } from './csv_columns.js';
import { encodedNames, knownOneHot, MAX_CATEGORIES, oneHotRows, sortedOneHot, type OneHot } from './csv_encode.js';
import { isMissing, looksNumeric, parseNumber } from './parse_number.js';

type SyncParse = typeof import('csv-parse/sync').parse;
export type ParsedRecord = { fields: string[]; line: number };

const QUOTE_BYTE = 0x22;

const CHUNK = 1 << 20; // bytes per read, at most (small files and pipes use less)
const MAX_RUN = 1024; // records per csv-parse call: 1, 2, 4, ... while lines keep falling back
const MAX_RECORD = 64 << 20; // bytes; bounds the memory a never-closed quote can take

const openFile = promisify(open);
const statFile = promisify(fstat);
const closeFile = promisify(close);

/** Where the bytes come from: a file read by positional reads, or a stream (standard input, gunzip). */
interface ByteSource {
  readonly chunk: number;
  /** Quote bytes in the chunks returned so far. */
  quotes: number;
  /** The next chunk (empty at the end); valid until the next call. */
  next(): Promise<Buffer>;
  close(): Promise<void>;
}

/** The file in chunks, the next read already under way while the current chunk is parsed. */
class ChunkSource implements ByteSource {
  private readonly buffers: [Buffer, Buffer];
  private turn = 0;
  private reads = 0;
  private offset: number; // bytes before the next read's first one (from `start`, or the file's start)
  private pending: Promise<number | Error>;
  /** Quote bytes in the chunks returned so far (where a line break may end a record: csv_parallel.ts). */
  quotes = 0;

  /** From `start` (positional reads) or sequentially (start null: pipes too), never past byte `limit`. */
  constructor(private readonly fd: number, private readonly file: string, readonly chunk: number, private readonly start: number | null = null, private readonly limit = Infinity) {
    this.buffers = [Buffer.allocUnsafe(chunk), Buffer.allocUnsafe(chunk)];
    this.offset = start ?? 0;
    this.pending = this.issue();
  }

  private issue(): Promise<number | Error> {
    const length = Math.min(this.chunk, this.limit - this.offset);
    if (length <= 0) return Promise.resolve(0);
    // position null: sequential reads, so that pipes (a FIFO, /dev/stdin) work as well as files
    const position = this.start === null ? null : this.offset;
    return new Promise((resolve) => {
      read(this.fd, this.buffers[this.turn], 0, length, position, (err, bytesRead) => resolve(err ?? bytesRead));
    });
  }

  /** The next chunk (empty at the end); valid until the next call. */
  async next(): Promise<Buffer> {
    const n = await this.pending;
    if (n instanceof Error) throw readError(this.file, n, this.reads === 0);
    const chunk = this.buffers[this.turn].subarray(0, n);
    this.reads++;
    this.turn ^= 1;
    this.offset += n;
    for (let i = chunk.indexOf(QUOTE_BYTE); i >= 0; i = chunk.indexOf(QUOTE_BYTE, i + 1)) this.quotes++;
    this.pending = n > 0 ? this.issue() : Promise.resolve(0);
    return chunk;
  }

  async close(): Promise<void> {
    await this.pending;
    await closeFile(this.fd);
  }
}

/** A stream's failure: zlib's on corrupt gzip data (a DataError at the line being read), else a read error. */
export class StreamFailure extends Error {
  constructor(readonly zlibError: Error & { code?: unknown }, readonly gzip: boolean) {
    super(zlibError.message);
  }
}

const EMPTY = Buffer.alloc(0);

/** A stream's chunks (standard input, or a gzip file or pipe decompressed by node:zlib). */
class StreamedSource implements ByteSource {
  readonly chunk = CHUNK;
  quotes = 0;
  private reads = 0;

  constructor(private readonly chunks: AsyncIterator<Buffer>, private readonly streams: Readable[], private readonly file: string, private readonly gzip: boolean) {}

  async next(): Promise<Buffer> {
    let r: IteratorResult<Buffer>;
    try {
      r = await this.chunks.next();
    } catch (err) {
      const e = err as Error & { code?: unknown };
      if (this.gzip && typeof e.code === 'string' && e.code.startsWith('Z_')) throw new StreamFailure(e, true);
      throw readError(this.file, e, this.reads === 0);
    }
    if (r.done === true) return EMPTY;
    this.reads++;
    const chunk = r.value;
    for (let i = chunk.indexOf(QUOTE_BYTE); i >= 0; i = chunk.indexOf(QUOTE_BYTE, i + 1)) this.quotes++;
    return chunk;
  }

  /** Destroyed: a stream stopped early (an error on an early line of a long pipe) must not keep the process waiting. */
  close(): Promise<void> {
    for (const s of this.streams) s.destroy();
    return Promise.resolve();
  }
}

const loadBuiltin = <T>(name: string): T => createRequire(import.meta.url)(name) as T;

/** The first bytes of every gzip file. */
const GZIP_MAGIC = [0x1f, 0x8b];
const isGzipStart = (b: Uint8Array): boolean => b.length >= 2 && b[0] === GZIP_MAGIC[0] && b[1] === GZIP_MAGIC[1];
const gzipName = (file: string): boolean => /\.gz$/i.test(file);

/** `first` followed by the rest of `it`. */
async function* prepended(first: Buffer | null, it: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  if (first !== null) yield first;
  for (let r = await it.next(); r.done !== true; r = await it.next()) yield r.value;
}

/** A stream's bytes, decompressed when they start as gzip does (or `gzip` is set). */
async function streamedSource(stream: Readable, file: string, gzip: boolean): Promise<StreamedSource> {
  const it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let first: Buffer | null = null;
  try {
    const r = await it.next();
    first = r.done === true ? null : r.value;
  } catch (err) {
    throw readError(file, err as Error, true);
  }
  if (!gzip && !(first !== null && isGzipStart(first))) return new StreamedSource(prepended(first, it), [stream], file, false);
  // NOTE: require, not import(): the CLI bundle runs in a vm.Script, where import() has no loader; and
  // zlib is loaded only for gzip data
  const { createGunzip } = loadBuiltin<typeof import('node:zlib')>('node:zlib');
  const { Readable: ReadableClass, pipeline } = loadBuiltin<typeof import('node:stream')>('node:stream');
  const gunzip = createGunzip();
  const input = ReadableClass.from(prepended(first, it), { objectMode: false });
  pipeline(input, gunzip, () => undefined); // an error reaches the reader through gunzip's iteration
  return new StreamedSource(gunzip[Symbol.asyncIterator]() as AsyncIterator<Buffer>, [gunzip, input, stream], file, true);
}

/** The byte source of `file`: standard input for '-', a gzip file decompressed, else positional reads. `size` is 0 when unknown. */
async function openSource(file: string): Promise<{ source: ByteSource; size: number }> {
  if (file === STDIN) return { source: await streamedSource(process.stdin, 'stdin', false), size: 0 };
  let fd: number | null = null;
  let size: number;
  let gzip: boolean;
  try {
    fd = await openFile(file, 'r');
    const st = await statFile(fd);
    size = st.size;
    gzip = gzipName(file);
    if (!gzip && st.isFile() && size >= 2) {
      const head = Buffer.alloc(2);
      gzip = isGzipStart(head.subarray(0, readSync(fd, head, 0, 2, 0))); // a positional read: the file's reads start at 0 still
    }
  } catch (err) {
    if (fd !== null) await closeFile(fd);
    throw readError(file, err as Error, true);
  }
  if (gzip) return { source: await streamedSource(createReadStream(file, { fd, highWaterMark: CHUNK }), file, true), size: 0 };
  const chunk = Math.min(CHUNK, Math.max(1 << 16, size + 1));
  return { source: new ChunkSource(fd, file, chunk), size };
}

/** Whether `file` is read as a stream (standard input or gzip), which only the serial parse reads. */
export function isStreamedFile(file: string, head: Uint8Array | null): boolean {
  return file === STDIN || gzipName(file) || (head !== null && isGzipStart(head));
}

/**
 * Where a byte range of a CSV file starts (at a record's start) and how to read it: what a CsvReader
 * that read the header knows, so that another reader (on another thread: csv_parallel.ts) parses the
 * range as that reader would. Plain data, so that it can be posted to a worker.
 */
export interface RangeSpec {
  start: number;
  end: number;
  /** 1-based line at `start`, and whether the byte before it was a CR. */
  line: number;
  prevCR: boolean;
  delimiter: Delimiter;
  /** The field delimiter's byte. */
  separator: number;
  columns: string[];
  features: number[];
  targets: number[];
  /** The first row, when it was data rather than a header (it comes before `start`). */
  pending: ParsedRecord | null;
}

const SEPARATOR_BYTE: Record<FieldDelimiter, number> = { ',': 0x2c, ';': 0x3b, '\t': 0x09, '|': 0x7c };
const fieldDelimiter = (byte: number): FieldDelimiter => (FIELD_DELIMITERS.find((d) => SEPARATOR_BYTE[d] === byte) as FieldDelimiter);

/** The delimiter option, checked: one of FIELD_DELIMITERS, 'auto' or undefined. */
function delimiterOption(d: unknown): FieldDelimiter | 'auto' {
  if (d === undefined || d === 'auto') return 'auto';
  if ((FIELD_DELIMITERS as readonly unknown[]).includes(d)) return d as FieldDelimiter;
  throw new ValueError(`delimiter must be one of ',', ';', '\\t', '|' or 'auto', got ${JSON.stringify(d)}`);
}

const MISSING: readonly MissingPolicy[] = ['error', 'drop', 'mean', 'nan'];

/** A CSV file being read: its columns, and data rows on demand into RowBlocks. */
export class CsvReader {
  private buf: Buffer;
  private end = 0; // bytes of buf holding data; buf[end] is a 0 sentinel
  private base = 0; // file offset of buf[0]
  private eof = false;
  private readonly cursor: Cursor = { pos: 0, line: 1, prevCR: false };
  private delimiter: Delimiter = '\n';
  private separator = 0x2c;
  private selection: Selection | null = null;
  /** Per selected feature: its category indexes (known, or collected as first seen), or null when numeric. */
  private categoryIndex: Array<Map<string, number> | null> = [];
  private readonly known: boolean[] = [];
  private readonly missing: MissingPolicy;
  /** Feature cells found missing (with missing 'mean' or 'nan'). */
  missingCells = 0;
  private layout: FastLayout | null = null;
  private parse: SyncParse | null = null;
  private slowRun = 1;
  private pending: ParsedRecord | null = null; // a first row that was data, not a header
  private dataStart = 0;
  private rowsRead = 0;
  skippedRows = 0;
  readonly dtype: DType;

  private constructor(readonly file: string, private readonly options: CsvOptions, private readonly source: ByteSource, private readonly size: number) {
    this.dtype = options.dtype === undefined ? 'float32' : toDType(options.dtype);
    const missing = options.missing ?? 'error';
    if (!MISSING.includes(missing)) throw new ValueError(`missing must be one of 'error', 'drop', 'mean' or 'nan', got ${JSON.stringify(missing)}`);
    this.missing = missing;
    this.buf = Buffer.alloc(2 * source.chunk + 1); // zeroed: an empty file must not show stale bytes as a BOM
  }

  static async open(file: string, options: CsvOptions): Promise<CsvReader> {
    delimiterOption(options.delimiter);
    const { source, size } = await openSource(file);
    let reader: CsvReader;
    try {
      reader = new CsvReader(file === STDIN ? 'stdin' : file, options, source, size);
    } catch (err) {
      await source.close();
      throw err;
    }
    try {
      await reader.readHeader();
    } catch (err) {
      await reader.close();
      throw err;
    }
    return reader;
  }

  /** A reader of `spec`'s byte range only, in the state of the reader that made the spec. */
  static async openRange(file: string, options: CsvOptions, spec: RangeSpec): Promise<CsvReader> {
    let fd: number;
    try {
      fd = await openFile(file, 'r');
    } catch (err) {
      throw readError(file, err as Error, true);
    }
    const chunk = Math.min(CHUNK, Math.max(1 << 16, spec.end - spec.start + 1));
    const reader = new CsvReader(file, options, new ChunkSource(fd, file, chunk, spec.start, spec.end), spec.end);
    reader.base = spec.start;
    reader.dataStart = spec.start;
    Object.assign(reader.cursor, { pos: 0, line: spec.line, prevCR: spec.prevCR });
    reader.delimiter = spec.delimiter;
    reader.separator = spec.separator;
    reader.setSelection({ columns: spec.columns, features: spec.features, targets: spec.targets, categorical: spec.features.map(() => null) });
    reader.pending = spec.pending;
    return reader;
  }

  /** The range from the first data row to `end` (after the header was read). */
  rangeSpec(end: number): RangeSpec {
    const { columns, features, targets } = this.selection as Selection;
    const { line, prevCR } = this.cursor;
    return { start: this.dataStart, end, line, prevCR, delimiter: this.delimiter, separator: this.separator, columns, features, targets, pending: this.pending };
  }

  /** Bytes per line break in the data buffered so far (an estimate of bytes per row), or 0 when none is. */
  bufferedBytesPerLine(): number {
    const brk = this.delimiter === '\r' ? CR : LF;
    let lines = 0;
    for (let i = this.buf.indexOf(brk, this.cursor.pos); i >= 0 && i < this.end; i = this.buf.indexOf(brk, i + 1)) lines++;
    return lines === 0 ? 0 : (this.end - this.cursor.pos) / lines;
  }

  /** Where reading stands: the cursor's line and whether a CR came last, and the quote bytes read. */
  position(): { line: number; prevCR: boolean; quotes: number } {
    return { line: this.cursor.line, prevCR: this.cursor.prevCR, quotes: this.source.quotes };
  }

  close(): Promise<void> {
    return this.source.close();
  }

  /**
   * Append more data after the unparsed bytes; sets eof at the end of the file.
   * NOTE: while a record is longer than a chunk (no line break yet), chunks are read until the buffered
   * bytes have doubled: every scan of an incomplete record starts again at its first byte, so one chunk
   * per scan made input without line breaks quadratic (~1 MB/s from a pipe or /dev/zero).
   */
  private async refill(): Promise<void> {
    const { pos } = this.cursor;
    const keep = this.end - pos;
    if (keep > MAX_RECORD) throw recordTooLong(this.file, this.cursor.line, '64 MiB');
    if (pos > 0) this.buf.copyWithin(0, pos, this.end);
    this.base += pos;
    this.cursor.pos = 0;
    this.end = keep;
    this.buf[this.end] = 0;
    let added = 0;
    do {
      const chunk = await this.nextChunk();
      if (chunk.length === 0) {
        this.eof = true;
        this.endLastLine();
        return;
      }
      this.append(chunk);
      added += chunk.length;
    } while (added < keep && this.end <= MAX_RECORD);
  }

  /** The source's next chunk; corrupt gzip data is a DataError at the line being read. */
  private async nextChunk(): Promise<Buffer> {
    try {
      return await this.source.next();
    } catch (err) {
      if (!(err instanceof StreamFailure)) throw err;
      const why = err.zlibError.code === 'Z_BUF_ERROR' ? 'the gzip data ends early (a truncated file?)' : `corrupt gzip data (${err.zlibError.message})`;
      throw new DataError(`${this.file}:${this.cursor.line}: ${why}`, { file: this.file, line: this.cursor.line });
    }
  }

  private append(chunk: Buffer): void {
    if (this.end + chunk.length + 1 > this.buf.length) {
      const bigger = Buffer.allocUnsafe(2 * (this.end + chunk.length) + 1);
      this.buf.copy(bigger, 0, 0, this.end);
      this.buf = bigger;
    }
    chunk.copy(this.buf, this.end);
    this.end += chunk.length;
    this.buf[this.end] = 0;
  }

  /**
   * At the end of the file, a last line without a line break gets one (csv-parse ends a record the
   * same way at the end of its input), so that a plain last line stays on the fast path.
   */
  private endLastLine(): void {
    const d = this.delimiter;
    const { end } = this;
    if (end === this.cursor.pos || this.buf.toString('latin1', end - d.length, end) === d) return;
    if (end + d.length + 1 > this.buf.length) {
      const bigger = Buffer.allocUnsafe(end + d.length + 1);
      this.buf.copy(bigger, 0, 0, end);
      this.buf = bigger;
    }
    this.end += this.buf.write(d, end, 'latin1');
    this.buf[this.end] = 0;
  }

  /** BOM, record delimiter, header (or first data row) and the column selection. */
  private async readHeader(): Promise<void> {
    while (this.end < 3 && !this.eof) await this.refill();
    const b = this.buf;
    if ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff)) {
      throw new DataError(`${this.file}:1: UTF-16 text is not supported; save the file as UTF-8`, { file: this.file, line: 1 });
    }
    if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) this.cursor.pos = 3;
    let found: Delimiter | null;
    while ((found = detectDelimiter(this.buf, this.cursor.pos, this.end, this.eof)) === null) await this.refill();
    this.delimiter = found;
    const given = delimiterOption(this.options.delimiter);
    this.separator = given === 'auto' ? detectSeparator(this.buf, this.cursor.pos, this.end) : SEPARATOR_BYTE[given];
    const first = await this.firstRecord();
    if (first === null) throw new DataError(`${this.file}: the file is empty`, { file: this.file });
    const header = this.options.header ?? 'auto';
    const isHeader = header === 'auto' ? !first.fields.every(looksNumeric) : header;
    const width = first.fields.length;
    const columns = isHeader ? first.fields : first.fields.map((_, i) => (i === width - 1 ? 'y' : `x${i}`));
    this.setSelection(selectColumns(this.file, columns, this.options));
    this.pending = isHeader ? null : first;
    this.dataStart = this.base + this.cursor.pos;
  }

  private setSelection(sel: Selection): void {
    const width = sel.columns.length;
    const slots = new Int32Array(width).fill(-1);
    [...sel.features, ...sel.targets].forEach((c, k) => (slots[c] = k));
    this.selection = sel;
    this.layout = { width, slots, float32: this.dtype === 'float32', delimiter: this.delimiter, separator: this.separator };
    this.categoryIndex = sel.categorical.map((list) => (list === null ? null : new Map(list.map((c, i): [string, number] => [c, i]))));
    sel.categorical.forEach((list, k) => (this.known[k] = list !== null && list.length > 0));
  }

  /** The field delimiter, given or detected. */
  fieldDelimiter(): FieldDelimiter {
    return fieldDelimiter(this.separator);
  }

  /** Whether a selected feature is one-hot encoded. */
  hasCategorical(): boolean {
    return this.categoryIndex.some((m) => m !== null);
  }

  /**
   * The one-hot encoders of the selected features (null for numeric ones): known categories in their
   * order, collected ones sorted. Valid once the rows they encode are read.
   */
  encoders(): Array<OneHot | null> {
    return this.categoryIndex.map((m, k) => (m === null ? null : this.known[k] ? knownOneHot([...m.keys()]) : sortedOneHot([...m.keys()])));
  }

  /** A categorical cell's index: its known category's, or its own (added when first seen). */
  private categoryOf(k: number, text: string, line: number, col: number): number {
    const index = this.categoryIndex[k] as Map<string, number>;
    const at = index.get(text);
    if (at !== undefined) return at;
    const { columns } = this.selection as Selection;
    if (this.known[k]) throw cellError(this.file, line, col, columns[col], text, 'unknown-category', this.dtype, [...index.keys()]);
    if (index.size >= MAX_CATEGORIES) {
      throw new DataError(`${this.file}:${line}:${col + 1}: column ${col + 1} (${JSON.stringify(columns[col]).slice(1, -1)}) has more than ${MAX_CATEGORIES} categories: is it a numeric or an id column?`, { file: this.file, line, column: col + 1, columnName: columns[col] }, { problem: 'too-many-categories', value: text });
    }
    index.set(text, index.size);
    return index.size - 1;
  }

  /** The first non-blank record (plain text split at commas when csv-parse would read it so). */
  private async firstRecord(): Promise<ParsedRecord | null> {
    for (;;) {
      const c = this.cursor;
      const plain = this.options.fastPath === false ? null : plainLine(this.buf, c.pos, this.end, this.delimiter, this.separator);
      if (plain !== null) {
        const line = advanceLines(this.buf, c, plain.next);
        return { fields: plain.fields, line };
      }
      const run = await this.slowRecords(1);
      if (run === null) {
        if (this.eof) return null;
        await this.refill();
      } else if (run.length > 0) return run[0];
    }
  }

  /**
   * Up to `limit` records from the cursor, parsed by csv-parse, each with its line; the cursor moves
   * past them. null when no complete record is buffered (more data is needed, or none is left).
   */
  private async slowRecords(limit: number): Promise<ParsedRecord[] | null> {
    const { pos } = this.cursor;
    let to = pos;
    for (let n = 0; n < limit && to < this.end; n++) {
      const e = recordEnd(this.buf, to, this.end, this.delimiter);
      if (e < 0 && !this.eof) break;
      to = e < 0 ? this.end : e;
    }
    if (to === pos) return null;
    this.parse ??= (await import('csv-parse/sync')).parse;
    let parsed: Array<{ record: string[]; info: { bytes: number } }>;
    try {
      const options = { bom: false, delimiter: String.fromCharCode(this.separator), trim: true, skip_empty_lines: true, relax_column_count: true, info: true, record_delimiter: this.delimiter === '\r' ? '\r' : ['\r\n', '\n'] };
      parsed = this.parse(this.buf.subarray(pos, to), options) as unknown as typeof parsed;
    } catch (err) {
      if (limit > 1) {
        this.slowRun = 1; // one at a time up to the bad record, so that an earlier row's error comes first
        return this.slowRecords(1);
      }
      const line = advanceLines(this.buf, this.cursor, to);
      throw syntaxError(this.file, line, err as Error, this.selection?.columns ?? null);
    }
    const records = parsed.map((r) => ({ fields: r.record, line: advanceLines(this.buf, this.cursor, pos + r.info.bytes) }));
    advanceLines(this.buf, this.cursor, to);
    return records;
  }

  /** A block of `capacity` rows for the selected columns. */
  newBlock(capacity: number): RowBlock {
    const { features, targets } = this.selection as Selection;
    const F = features.length;
    const T = targets.length;
    return { X: allocStorage(this.dtype, capacity * F), y: allocStorage(this.dtype, capacity * T), features: F, targets: T, rows: 0, capacity, firstLine: 0 };
  }

  /** Fill `block` with data rows; false when the file has no more. */
  async fill(block: RowBlock): Promise<boolean> {
    const before = block.rows;
    const more = await this.fillRows(block);
    this.rowsRead += block.rows - before;
    return more;
  }

  private async fillRows(block: RowBlock): Promise<boolean> {
    const c = this.cursor;
    // a categorical cell may look like a number ('10001' as a zip code): those rows all go through csv-parse
    const fast = this.options.fastPath !== false && !this.hasCategorical();
    if (this.pending !== null && block.rows < block.capacity) {
      this.writeRow(this.pending, block);
      this.pending = null;
    }
    for (;;) {
      if (block.rows === block.capacity) return true;
      if (this.eof && c.pos === this.end) return false;
      const stop = this.eof ? this.end : this.completeLines();
      if (fast) {
        const from = c.pos;
        scanPlainLines(this.buf, c, stop, this.layout as FastLayout, block);
        if (c.pos !== from) this.slowRun = 1;
        if (block.rows === block.capacity) return true;
      }
      if (c.pos < stop && (await this.slowRows(block))) continue;
      if (!this.eof) await this.refill();
    }
  }

  /** End of the last complete line in the buffer. */
  private completeLines(): number {
    const last = this.buf.lastIndexOf(this.delimiter === '\r' ? CR : LF, this.end - 1);
    return last < this.cursor.pos ? this.cursor.pos : last + 1;
  }

  /** Rows from csv-parse into the block; false when more data is needed first. */
  private async slowRows(block: RowBlock): Promise<boolean> {
    const limit = Math.min(this.slowRun, block.capacity - block.rows);
    const records = await this.slowRecords(limit);
    if (records === null) return false;
    for (const r of records) this.writeRow(r, block);
    this.slowRun = Math.min(2 * this.slowRun, MAX_RUN);
    return true;
  }

  /** One record's selected fields as numbers into the block's next row, unless the row is skipped. */
  private writeRow(r: ParsedRecord, block: RowBlock): void {
    const { columns, features, targets } = this.selection as Selection;
    if (r.fields.length !== columns.length) {
      throw new DataError(`${this.file}:${r.line}: row has ${r.fields.length} fields, expected ${columns.length}`, { file: this.file, line: r.line });
    }
    const F = features.length;
    const { X, y, rows } = block;
    const missing = this.missing;
    let missingCells = 0;
    for (let k = 0; k < F + targets.length; k++) {
      const col = k < F ? features[k] : targets[k - F];
      const text = r.fields[col];
      let value: number;
      if (missing !== 'error' && isMissing(text)) {
        if (missing === 'drop') {
          this.skippedRows++;
          return;
        }
        if (k >= F) throw cellError(this.file, r.line, col, columns[col], text, 'missing-target', this.dtype, undefined, 'target');
        value = NaN;
        missingCells++;
      } else if (k < F && this.categoryIndex[k] !== null) {
        if (text === '') {
          // missing 'error': an empty category is an empty cell, as in a numeric column
          if (this.options.invalidRows === 'skip') {
            this.skippedRows++;
            return;
          }
          throw cellError(this.file, r.line, col, columns[col], text, 'empty', this.dtype, undefined, 'feature');
        }
        value = this.categoryOf(k, text, r.line, col);
      } else {
        const p = parseNumber(text, this.dtype);
        if (!p.ok) {
          if (this.options.invalidRows === 'skip' && p.problem !== 'invalid') {
            this.skippedRows++;
            return;
          }
          throw cellError(this.file, r.line, col, columns[col], text, p.problem, this.dtype, undefined, k < F ? 'feature' : 'target');
        }
        value = p.value;
      }
      if (k < F) X[rows * F + k] = value;
      else y[rows * block.targets + k - F] = value;
    }
    this.missingCells += missingCells;
    if (rows === 0) block.firstLine = r.line;
    block.rows++;
  }

  /** Throw when the file had no data rows. */
  finish(): void {
    if (this.rowsRead === 0) throw noDataRows(this.file, this.skippedRows);
  }

  names(): { columns: string[]; featureNames: string[]; targetNames: string[] } {
    const { columns, features, targets } = this.selection as Selection;
    return { columns, featureNames: features.map((i) => columns[i]), targetNames: targets.map((i) => columns[i]) };
  }

  progress(): { rowsRead: number; dataBytes: number; remainingBytes: number } {
    const at = this.base + this.cursor.pos;
    return { rowsRead: this.rowsRead, dataBytes: at - this.dataStart, remainingBytes: Math.max(0, this.size - at) };
  }
}

export function noDataRows(file: string, skippedRows: number): DataError {
  const why = skippedRows > 0 ? `no data rows left after skipping ${skippedRows} invalid rows` : 'no data rows';
  return new DataError(`${file}: ${why}`, { file });
}

/** Rows a batch block starts with: a huge `batchRows` allocates only as rows actually arrive. */
const FIRST_BATCH_ROWS = 65_536;

/** The block with room for twice its rows (at most `batchRows`), its rows copied. */
function grown(reader: CsvReader, block: RowBlock, batchRows: number): RowBlock {
  const next = reader.newBlock(Math.min(batchRows, 2 * block.capacity));
  next.X.set(block.X.subarray(0, block.rows * block.features));
  next.y.set(block.y.subarray(0, block.rows * block.targets));
  return { ...next, rows: block.rows, firstLine: block.firstLine };
}

/** Batches of at most `batchRows` rows (all full but the last), read with loadCsv's rules and errors. */
export async function* streamCsv(file: string, options: CsvOptions & { batchRows: number }): AsyncGenerator<CsvBatch> {
  if (!Number.isInteger(options.batchRows) || options.batchRows < 1) throw new ValueError(`batchRows must be a positive integer, got ${options.batchRows}`);
  if (options.missing === 'mean') throw new ValueError("streamCsv: missing 'mean' needs the whole file first; read with missing 'nan' and fill the cells (the means of a first pass)");
  if ((options.categorical ?? []).length > 0) throw new ValueError('streamCsv: categorical columns need their categories first (options.categories: a first pass, or a model\'s)');
  const reader = await CsvReader.open(file, options);
  try {
    const names = reader.names();
    const encoders = reader.hasCategorical() ? reader.encoders() : null;
    const featureNames = encoders === null ? names.featureNames : encodedNames(names.featureNames, encoders);
    const { targetNames } = names;
    const delimiter = reader.fieldDelimiter();
    const encoding = { columns: names.featureNames, categories: Object.fromEntries((encoders ?? []).flatMap((e, k) => (e === null ? [] : [[names.featureNames[k], e.categories]]))) };
    let missingBefore = 0;
    for (;;) {
      // NOTE: not newBlock(batchRows) at once: `--stream --batch-size 1e12` must not allocate 1e12 rows up front
      let block = reader.newBlock(Math.min(options.batchRows, FIRST_BATCH_ROWS));
      let more = await reader.fill(block);
      while (more && block.capacity < options.batchRows) {
        block = grown(reader, block, options.batchRows);
        more = await reader.fill(block);
      }
      if (block.rows > 0) {
        const X = encoders !== null ? oneHotRows(block.X, block.rows, encoders, reader.dtype)
          : block.rows === block.capacity ? block.X : block.X.slice(0, block.rows * block.features);
        const y = block.rows === block.capacity ? block.y : block.y.slice(0, block.rows * block.targets);
        const missingCells = reader.missingCells - missingBefore;
        missingBefore = reader.missingCells;
        yield { X, y, rows: block.rows, firstLine: block.firstLine, featureNames, targetNames, skippedRows: reader.skippedRows, missingCells, delimiter, columns: names.columns, encoding };
      }
      if (!more) break;
    }
    reader.finish();
  } finally {
    await reader.close();
  }
}
