// A binary cache of a parsed CSV file (as Vowpal Wabbit's --cache_file): the float32/float64 columns
// of loadCsv, written once, then loaded at disk speed. A cache is trusted only when it is whole (its
// length), unchanged (a checksum over everything in it) and made for this file as it is now (path, size,
// mtime and a hash of sampled bytes) with the same parse options; anything else is reported in one
// line and the cache is made again from the CSV, so a cache never gives a different model.
//
// Layout: 'AGCACHE' and a format byte, the header's length (u32 LE), the header (JSON, maybe padded with
// spaces), X and y (row-major, little-endian), then SHA-256 of (data/checksum.ts's sums of X and y, the
// first 12 bytes, the header).

import { createHash } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, read, readdirSync, readSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { allocShared, resizeShared } from '../kernels/shared_memory.js';
import { allocStorage, type Storage } from '../tensor/dtype.js';
import { cacheTrailer, Checksum } from './checksum.js';
import { loadCsv, STDIN, type CsvOptions, type CsvTable } from './csv.js';

// version 2: the data's checksum is data/checksum.ts's (version 1 hashed it with SHA-256)
export const MAGIC = Buffer.from('AGCACHE\x02', 'latin1');
export const HASH_BYTES = 32;
const SAMPLES = 64; // 4 KiB blocks hashed for the content check, spread over the file
const SAMPLE_BYTES = 4096;
/** Cache files end in this; `autograd cache clear` removes them. */
export const CACHE_SUFFIX = '.agcache';

/** What identifies the data a cache holds. */
export interface Identity {
  source: string;
  size: number;
  mtimeMs: number;
  /** SHA-256 of the first, last and evenly spaced 4 KiB blocks. */
  sample: string;
  /** The parse options that change values. */
  options: string;
}

export interface Header extends Identity {
  rows: number;
  features: number;
  targets: number;
  dtype: CsvTable['dtype'];
  columns: string[];
  featureNames: string[];
  targetNames: string[];
  skippedRows: number;
  /** Absent in the caches of earlier versions: ',' and no encoding then. */
  delimiter?: CsvTable['delimiter'];
  encoding?: CsvTable['encoding'];
  missingCells?: number;
  fill?: number[] | null;
}

export interface CacheLayout {
  h: Header;
  head: Buffer;
  hBytes: Buffer;
  hLen: number;
  xBytes: number;
  yBytes: number;
}

export interface CachedLoad {
  table: CsvTable;
  /** 'hit': read from the cache; 'written': parsed and cached; 'rebuilt': the cache was unusable (see note). */
  status: 'hit' | 'written' | 'rebuilt';
  cacheFile: string;
  /** One line on why a cache was not used, or could not be written; null when all went well. */
  note: string | null;
}

function optionsKey(o: CsvOptions): string {
  const key: Record<string, unknown> = { target: o.target ?? null, features: o.features ?? null, dtype: o.dtype ?? 'float32', header: o.header ?? 'auto', invalidRows: o.invalidRows ?? 'error' };
  // only when set, so that the caches of earlier versions (made without these options) stay valid
  if (o.delimiter !== undefined && o.delimiter !== 'auto') key.delimiter = o.delimiter;
  if (o.missing !== undefined && o.missing !== 'error') key.missing = o.missing;
  if ((o.categorical ?? []).length > 0) key.categorical = o.categorical;
  if (Object.keys(o.categories ?? {}).length > 0) key.categories = o.categories;
  return JSON.stringify(key);
}

export function identity(file: string, options: CsvOptions): Identity {
  const fd = openSync(file, 'r');
  try {
    const st = fstatSync(fd);
    const hash = createHash('sha256');
    const block = Buffer.alloc(SAMPLE_BYTES);
    const step = Math.max(SAMPLE_BYTES, Math.floor(st.size / SAMPLES));
    for (let at = 0; at < st.size; at += step) hash.update(block.subarray(0, readSync(fd, block, 0, SAMPLE_BYTES, at)));
    hash.update(block.subarray(0, readSync(fd, block, 0, SAMPLE_BYTES, Math.max(0, st.size - SAMPLE_BYTES))));
    return { source: path.resolve(file), size: st.size, mtimeMs: st.mtimeMs, sample: hash.digest('hex'), options: optionsKey(options) };
  } finally {
    closeSync(fd);
  }
}

/** The cache file of `file` read with `options`, in `dir`. */
export function cachePath(file: string, options: CsvOptions, dir: string): string {
  const name = createHash('sha256').update(`${path.resolve(file)}\0${optionsKey(options)}`).digest('hex').slice(0, 24);
  return path.join(dir, `${path.basename(file).replace(/[^\w.-]/g, '_')}-${name}${CACHE_SUFFIX}`);
}

export const bytesOf = (a: Storage): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

export function readFully(fd: number, into: Buffer, position: number): void {
  for (let done = 0; done < into.length;) {
    const n = readSync(fd, into, done, Math.min(into.length - done, 1 << 26), position + done);
    if (n === 0) throw new Error('the cache ends early');
    done += n;
  }
}

const PIECE = 16 << 20;

/**
 * Read `parts` (consecutive in the file from `position`) and hash them: each piece is hashed while the
 * next one is read (an asynchronous read runs on libuv's thread pool), so the hash costs little more
 * than the read.
 */
export async function readHashed(fd: number, parts: Buffer[], position: number, hash: Checksum): Promise<void> {
  const pieces: Buffer[] = [];
  for (const p of parts) for (let at = 0; at < p.length; at += PIECE) pieces.push(p.subarray(at, Math.min(p.length, at + PIECE)));
  const readPiece = (i: number, from: number): Promise<void> => new Promise((resolve, reject) => {
    const piece = pieces[i];
    const step = (done: number): void => {
      if (done === piece.length) return resolve();
      read(fd, piece, done, piece.length - done, from + done, (err, n) => (err !== null ? reject(err) : n === 0 ? reject(new Error('the cache ends early')) : step(done + n)));
    };
    step(0);
  });
  let from = position;
  let pending = pieces.length > 0 ? readPiece(0, from) : Promise.resolve();
  for (let i = 0; i < pieces.length; i++) {
    await pending;
    from += pieces[i].length;
    if (i + 1 < pieces.length) pending = readPiece(i + 1, from);
    hash.update(pieces[i]);
  }
}

/** A cache file's header, checked against the data wanted; or why the cache cannot be used. */
export function checkHeader(fd: number, want: Identity): CacheLayout | string {
  const size = fstatSync(fd).size;
  const head = Buffer.alloc(12);
  if (size < 12 + HASH_BYTES || readSync(fd, head, 0, 12, 0) !== 12 || !head.subarray(0, 7).equals(MAGIC.subarray(0, 7))) return 'is not an autograd cache (or is truncated)';
  if (head[7] !== MAGIC[7]) return `was written by another version of autograd (cache format ${head[7]})`;
  const hLen = head.readUInt32LE(8);
  if (12 + hLen + HASH_BYTES > size) return 'is truncated';
  const hBytes = Buffer.alloc(hLen);
  readFully(fd, hBytes, 12);
  let h: Header;
  try {
    h = JSON.parse(hBytes.toString('utf8')) as Header;
  } catch {
    return 'is corrupt (its header does not parse)';
  }
  const unit = h.dtype === 'float64' ? 8 : 4;
  const xBytes = h.rows * h.features * unit;
  const yBytes = h.rows * h.targets * unit;
  if (12 + hLen + xBytes + yBytes + HASH_BYTES !== size) return `is truncated or padded (${size} bytes, expected ${12 + hLen + xBytes + yBytes + HASH_BYTES})`;
  if (h.source !== want.source) return `was made for another file (${h.source})`;
  if (h.options !== want.options) return 'was made with other parse options';
  if (h.size !== want.size || h.mtimeMs !== want.mtimeMs || h.sample !== want.sample) return 'is out of date (the CSV file changed)';
  return { h, head, hBytes, hLen, xBytes, yBytes };
}

/** Why the cache cannot be used, or its table. */
async function readCache(cacheFile: string, want: Identity, shared: boolean): Promise<CsvTable | string> {
  let fd: number;
  try {
    fd = openSync(cacheFile, 'r');
  } catch {
    return 'missing';
  }
  try {
    const checked = checkHeader(fd, want);
    if (typeof checked === 'string') return checked;
    const { h, head, hBytes, hLen, xBytes, yBytes } = checked;
    const sum = new Checksum();
    // with `shared`, both in the shared memory (as loadCsv puts them), y first: X, the last allocation,
    // can then be given back if the cache proves corrupt
    const y = (shared ? allocShared(h.dtype, h.rows * h.targets) : null) ?? allocStorage(h.dtype, h.rows * h.targets);
    const X = (shared ? allocShared(h.dtype, h.rows * h.features) : null) ?? allocStorage(h.dtype, h.rows * h.features);
    // the checksum covers the data, then the header: a cache written while streaming knows its header last
    await readHashed(fd, [bytesOf(X), bytesOf(y)], 12 + hLen, sum);
    const stored = Buffer.alloc(HASH_BYTES);
    readFully(fd, stored, 12 + hLen + xBytes + yBytes);
    if (!cacheTrailer(sum, head, hBytes).equals(stored)) {
      resizeShared(X, 0); // give the shared memory back (it was the last allocation)
      return 'is corrupt (its checksum does not match)';
    }
    const { columns, featureNames, targetNames, rows, skippedRows, dtype } = h;
    return {
      file: want.source, columns, featureNames, targetNames, rows, X, y, skippedRows, dtype,
      delimiter: h.delimiter ?? ',', encoding: h.encoding ?? { columns: featureNames, categories: {} }, missingCells: h.missingCells ?? 0, fill: h.fill ?? null,
    };
  } catch (err) {
    return `cannot be read (${(err as Error).message})`;
  } finally {
    closeSync(fd);
  }
}

/** Write the table's cache atomically: a temporary file in the same folder, renamed when complete. */
function writeCache(cacheFile: string, id: Identity, t: CsvTable): void {
  mkdirSync(path.dirname(cacheFile), { recursive: true });
  const h: Header = {
    ...id, rows: t.rows, features: t.featureNames.length, targets: t.targetNames.length, dtype: t.dtype, columns: t.columns, featureNames: t.featureNames, targetNames: t.targetNames, skippedRows: t.skippedRows,
    delimiter: t.delimiter, encoding: t.encoding, missingCells: t.missingCells, fill: t.fill,
  };
  const hBytes = Buffer.from(JSON.stringify(h), 'utf8');
  const head = Buffer.concat([MAGIC, Buffer.alloc(4)]);
  head.writeUInt32LE(hBytes.length, 8);
  const X = bytesOf(t.X.subarray(0, t.rows * h.features));
  const y = bytesOf(t.y.subarray(0, t.rows * h.targets));
  const hash = cacheTrailer(new Checksum().update(X).update(y), head, hBytes);
  const tmp = `${cacheFile}.tmp-${process.pid}-${Date.now()}`;
  const fd = openSync(tmp, 'w');
  try {
    for (const part of [head, hBytes, X, y, hash]) for (let done = 0; done < part.length;) done += writeSync(fd, part, done, part.length - done);
    closeSync(fd);
    renameSync(tmp, cacheFile);
  } catch (err) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * loadCsv through a cache in `dir`: the cache when it is good, else the CSV (then the cache is written,
 * or replaced). The CSV's own errors are loadCsv's; a cache that cannot be written is only a note.
 */
export async function loadCsvCached(file: string, options: CsvOptions, dir: string): Promise<CachedLoad> {
  const cacheFile = cachePath(file, options, dir);
  // standard input cannot be identified (nor read twice): read it, with a note
  if (file === STDIN) return { table: await loadCsv(file, options), status: 'written', cacheFile, note: '--cache does not apply to standard input (--data -): read without a cache' };
  let id: Identity;
  try {
    statSync(file);
    id = identity(file, options);
  } catch {
    return { table: await loadCsv(file, options), status: 'written', cacheFile, note: null }; // loadCsv reports the file's problem
  }
  const cached = await readCache(cacheFile, id, options.shared === true);
  if (typeof cached !== 'string') return { table: cached, status: 'hit', cacheFile, note: null };
  const table = await loadCsv(file, options);
  let note = cached === 'missing' ? null : `cache ${cacheFile} ${cached}: rebuilt from ${file}`;
  try {
    writeCache(cacheFile, id, table);
  } catch (err) {
    note = `cache ${cacheFile} not written (${(err as Error).message})`;
  }
  return { table, status: cached === 'missing' ? 'written' : 'rebuilt', cacheFile, note };
}

/** Remove the cache files (and leftover temporary files) in `dir`; returns how many and their bytes. */
export function clearCaches(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return { files, bytes }; // no folder: nothing cached
  }
  for (const name of names) {
    if (!name.endsWith(CACHE_SUFFIX) && !name.includes(`${CACHE_SUFFIX}.tmp-`)) continue;
    const full = path.join(dir, name);
    try {
      bytes += statSync(full).size;
      rmSync(full, { force: true });
      files++;
    } catch {
      // gone already
    }
  }
  return { files, bytes };
}
