// The binary cache of data/cache.ts for `train --stream --cache`: the first pass over the CSV writes the
// cache as its batches go by (a temporary file, renamed when whole), later passes read the cache in the
// same batches with bounded memory. Same file format, name and checks as the in-memory cache, so either
// reads the other's; an unusable cache is one note and a rebuild, never different batches.

import { closeSync, mkdirSync, openSync, read, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { allocShared } from '../kernels/shared_memory.js';
import { allocStorage, toDType, type DType, type Storage } from '../tensor/dtype.js';
import { bytesOf, cachePath, checkHeader, HASH_BYTES, identity, MAGIC, readFully, type CacheLayout, type Header, type Identity } from './cache.js';
import { cacheTrailer, Checksum } from './checksum.js';
import type { CsvBatch, CsvOptions } from './csv_options.js';
import { streamBatches } from './csv_stream_parallel.js';

const PIECE = 16 << 20; // bytes per read while copying y into place

/** fs.read until `length` bytes are in `into` at `offset`, or the file ends. */
function readAt(fd: number, into: Uint8Array, offset: number, length: number, position: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const step = (done: number): void => {
      if (done === length) return resolve();
      read(fd, into, offset + done, length - done, position + done, (err, n) => (err !== null ? reject(err) : n === 0 ? reject(new Error('the cache ends early')) : step(done + n)));
    };
    step(0);
  });
}

/** Two batches' X and y: the batches are read into them in turn (and the checksum pass reads through the X buffers). */
type Buffers = Array<{ X: Storage; y: Storage }>;

function allocBuffers(c: CacheLayout, batchRows: number): Buffers {
  const { dtype, features: F, targets: T } = c.h;
  const rows = Math.max(1, Math.min(batchRows, c.h.rows));
  // X in the shared memory, where the fused step reads rows in place (once per run: it is never given back)
  return [0, 1].map(() => ({ X: (dtype === 'float32' ? allocShared(dtype, rows * F) : null) ?? allocStorage(dtype, rows * F), y: allocStorage(dtype, rows * T) }));
}

/** Whether the cache's checksum (data, then header) matches the one stored at its end; one buffer is summed while the other is read. */
async function checksumMatches(fd: number, c: CacheLayout, buffers: Buffers): Promise<boolean> {
  const sum = new Checksum();
  const pieces = buffers.map((b) => bytesOf(b.X));
  const length = c.xBytes + c.yBytes;
  const start = 12 + c.hLen;
  const size = (at: number): number => Math.min(pieces[0].length, length - at);
  let pending = length > 0 ? readAt(fd, pieces[0], 0, size(0), start) : Promise.resolve();
  for (let at = 0, turn = 0; at < length; at += pieces[0].length, turn ^= 1) {
    await pending;
    const next = at + pieces[0].length;
    if (next < length) pending = readAt(fd, pieces[turn ^ 1], 0, size(next), start + next);
    sum.update(pieces[turn].subarray(0, size(at)));
  }
  const stored = Buffer.alloc(HASH_BYTES);
  readFully(fd, stored, start + length);
  return cacheTrailer(sum, c.head, c.hBytes).equals(stored);
}

/** A new view of a buffer's first `length` values (one per batch: nothing keyed on the view takes it for an earlier batch). */
const viewOf = (dtype: DType, b: Storage, length: number): Storage => (dtype === 'float64' ? new Float64Array(b.buffer, b.byteOffset, length) : new Float32Array(b.buffer, b.byteOffset, length));

/** The cache's rows in batches of `batchRows` (the last one shorter), read ahead one batch. */
async function* cachedBatches(fd: number, c: CacheLayout, buffers: Buffers, batchRows: number): AsyncGenerator<CsvBatch> {
  const { h } = c;
  const unit = h.dtype === 'float64' ? 8 : 4;
  const F = h.features;
  const T = h.targets;
  const xStart = 12 + c.hLen;
  const yStart = xStart + c.xBytes;
  const load = (start: number, turn: number): Promise<void> => {
    const n = Math.min(batchRows, h.rows - start);
    const b = buffers[turn];
    return Promise.all([
      readAt(fd, bytesOf(b.X), 0, n * F * unit, xStart + start * F * unit),
      readAt(fd, bytesOf(b.y), 0, n * T * unit, yStart + start * T * unit),
    ]).then(() => undefined);
  };
  const common = { firstLine: 0, columns: h.columns, featureNames: h.featureNames, targetNames: h.targetNames, skippedRows: h.skippedRows, delimiter: h.delimiter ?? ',', encoding: h.encoding ?? { columns: h.featureNames, categories: {} } };
  let pending = h.rows > 0 ? load(0, 0) : Promise.resolve();
  try {
    for (let start = 0, turn = 0; start < h.rows; start += batchRows, turn ^= 1) {
      await pending;
      const n = Math.min(batchRows, h.rows - start);
      const next = start + batchRows;
      // the buffer read into next was the one before this batch's: its batch is done with
      if (next < h.rows) pending = load(next, turn ^ 1);
      const b = buffers[turn];
      // the cache knows the missing cells of the whole file only: they are counted with its last batch
      const missingCells = next >= h.rows ? (h.missingCells ?? 0) : 0;
      yield { ...common, X: viewOf(h.dtype, b.X, n * F), y: viewOf(h.dtype, b.y, n * T), rows: n, missingCells };
    }
  } finally {
    // a pass left early (Ctrl-C, an error) may leave a read ahead in flight, whose file the run then
    // closes: its failure (EBADF) is nobody's, not an uncaught error
    pending.catch(() => undefined);
  }
}

/** A cache written as batches arrive: X into the file, y into a second temporary file appended at the end. */
class CacheWriter {
  private readonly fd: number;
  private readonly yFd: number;
  private readonly sum = new Checksum();
  private readonly header: Header;
  private readonly hLen: number;
  private xAt: number;
  private yBytes = 0;
  private rows = 0;

  constructor(private readonly cacheFile: string, private readonly tmp: string, id: Identity, first: CsvBatch, dtype: DType) {
    this.header = {
      ...id, rows: 0, features: first.featureNames.length, targets: first.targetNames.length, dtype, columns: first.columns, featureNames: first.featureNames, targetNames: first.targetNames,
      skippedRows: 0, delimiter: first.delimiter, encoding: first.encoding, missingCells: 0, fill: null,
    };
    // the counts are known last: room for the largest, the header padded with spaces to it (JSON allows them)
    const most = Number.MAX_SAFE_INTEGER;
    this.hLen = Buffer.byteLength(JSON.stringify({ ...this.header, rows: most, skippedRows: most, missingCells: most }), 'utf8');
    this.xAt = 12 + this.hLen;
    mkdirSync(path.dirname(cacheFile), { recursive: true });
    this.fd = openSync(tmp, 'w');
    try {
      this.yFd = openSync(`${tmp}-y`, 'w+');
    } catch (err) {
      closeSync(this.fd);
      rmSync(tmp, { force: true });
      throw err;
    }
  }

  add(c: CsvBatch): void {
    const X = bytesOf(c.X);
    const y = bytesOf(c.y);
    this.sum.update(X);
    writeAll(this.fd, X, this.xAt);
    this.xAt += X.length;
    writeAll(this.yFd, y, this.yBytes);
    this.yBytes += y.length;
    this.rows += c.rows;
  }

  /** y after X, then the header with the counts, the checksum last; renamed into place. */
  finish(last: { skippedRows: number; missingCells: number }): void {
    const piece = Buffer.allocUnsafe(Math.min(PIECE, Math.max(1, this.yBytes)));
    for (let at = 0; at < this.yBytes; at += piece.length) {
      const n = Math.min(piece.length, this.yBytes - at);
      readFully(this.yFd, piece.subarray(0, n), at);
      this.sum.update(piece.subarray(0, n));
      writeAll(this.fd, piece.subarray(0, n), this.xAt + at);
    }
    const h = { ...this.header, rows: this.rows, skippedRows: last.skippedRows, missingCells: last.missingCells };
    const hBytes = Buffer.alloc(this.hLen, ' ');
    hBytes.write(JSON.stringify(h), 'utf8');
    const head = Buffer.concat([MAGIC, Buffer.alloc(4)]);
    head.writeUInt32LE(this.hLen, 8);
    writeAll(this.fd, head, 0);
    writeAll(this.fd, hBytes, 12);
    writeAll(this.fd, cacheTrailer(this.sum, head, hBytes), this.xAt + this.yBytes);
    this.closeFiles();
    renameSync(this.tmp, this.cacheFile);
  }

  private closeFiles(): void {
    for (const fd of [this.fd, this.yFd]) {
      try {
        closeSync(fd);
      } catch {
        // closed already
      }
    }
    rmSync(`${this.tmp}-y`, { force: true });
  }

  abort(): void {
    this.closeFiles();
    rmSync(this.tmp, { force: true });
  }
}

function writeAll(fd: number, b: Uint8Array, position: number): void {
  for (let done = 0; done < b.length;) done += writeSync(fd, b, done, b.length - done, position + done);
}

/**
 * The batches of `file` for every pass of a streamed run: from the CSV (writing the cache) until a good
 * cache exists, then from the cache. `note` gets one line when a cache was unusable or not written.
 */
export class CachedCsvStream {
  readonly cacheFile: string;
  private state: 'unchecked' | 'good' | 'build' | 'off' = 'unchecked';
  private fd: number | null = null;
  private layout: CacheLayout | null = null;
  private id: Identity | null = null;
  private buffers: Buffers | null = null;

  constructor(private readonly file: string, private readonly options: CsvOptions & { batchRows: number }, dir: string, private readonly note: (message: string) => void) {
    this.cacheFile = cachePath(file, options, dir);
  }

  /** One pass over the data, in batches of options.batchRows rows (all full but the last). */
  async *pass(): AsyncGenerator<CsvBatch> {
    if (this.state === 'unchecked') await this.check();
    if (this.state === 'good') yield* cachedBatches(this.fd as number, this.layout as CacheLayout, this.buffersFor(this.layout as CacheLayout), this.options.batchRows);
    else if (this.state === 'build') yield* this.writingPass();
    else yield* streamBatches(this.file, this.options);
  }

  /** Whether the cache is whole, for this file as it is now and unchanged; its file is kept open for the run. */
  private async check(): Promise<void> {
    try {
      this.id = identity(this.file, this.options);
    } catch {
      this.state = 'off'; // the CSV read reports the file's problem
      return;
    }
    let fd: number;
    try {
      fd = openSync(this.cacheFile, 'r');
    } catch {
      this.state = 'build';
      return;
    }
    let why: string;
    try {
      const checked = checkHeader(fd, this.id);
      if (typeof checked !== 'string' && (await checksumMatches(fd, checked, this.buffersFor(checked)))) {
        this.adopt(fd, checked);
        return;
      }
      why = typeof checked === 'string' ? checked : 'is corrupt (its checksum does not match)';
    } catch (err) {
      why = `cannot be read (${(err as Error).message})`;
    }
    closeSync(fd);
    this.note(`cache ${this.cacheFile} ${why}: rebuilt from ${this.file}`);
    this.state = 'build';
  }

  private buffersFor(c: CacheLayout): Buffers {
    const rows = Math.max(1, Math.min(this.options.batchRows, c.h.rows));
    const fits = this.buffers !== null && this.buffers[0].X.length >= rows * c.h.features && this.buffers[0].y.length >= rows * c.h.targets;
    if (!fits) this.buffers = allocBuffers(c, this.options.batchRows);
    return this.buffers as Buffers;
  }

  private adopt(fd: number, layout: CacheLayout): void {
    this.fd = fd;
    this.layout = layout;
    this.state = 'good';
  }

  /** The CSV's batches, each also written to the cache; the cache is used from the next pass once whole. */
  private async *writingPass(): AsyncGenerator<CsvBatch> {
    let writer: CacheWriter | null = null;
    let last: CsvBatch | null = null;
    let missingCells = 0;
    const tmp = `${this.cacheFile}.tmp-${process.pid}-${Date.now()}`;
    const failed = (err: unknown): null => {
      writer?.abort();
      this.note(`cache ${this.cacheFile} not written (${(err as Error).message})`);
      this.state = 'off';
      return null;
    };
    try {
      for await (const c of streamBatches(this.file, this.options)) {
        if (this.state === 'build') {
          try {
            writer ??= new CacheWriter(this.cacheFile, tmp, this.id as Identity, c, (this.options.dtype === undefined ? 'float32' : toDType(this.options.dtype)));
            writer.add(c);
          } catch (err) {
            writer = failed(err);
          }
        }
        last = c;
        missingCells += c.missingCells;
        yield c;
      }
      if (writer === null || last === null) return;
      try {
        writer.finish({ skippedRows: last.skippedRows, missingCells });
        writer = null;
      } catch (err) {
        writer = failed(err);
        return;
      }
      this.reopen();
    } finally {
      writer?.abort(); // a pass that did not end (an error, Ctrl-C): no cache, and no temporary file
    }
  }

  /** The cache just written, for the passes after this one. */
  private reopen(): void {
    try {
      const fd = openSync(this.cacheFile, 'r');
      const checked = checkHeader(fd, this.id as Identity);
      if (typeof checked === 'string') closeSync(fd);
      else return this.adopt(fd, checked);
    } catch {
      // read from the CSV again
    }
    this.state = 'off';
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
