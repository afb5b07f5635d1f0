// Files for the CLI and the library's model files: inputs read with the right error kind, outputs written atomically (a temporary file
// in the same directory, then a rename), so a failure or Ctrl-C never leaves a half-written or changed file.

import { closeSync, existsSync, fstatSync, fsyncSync, lstatSync, openSync, readlinkSync, readFileSync, readSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { InputError, IOFailure, OutputError } from '../errors.js';

const REASONS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a parent of it is not a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large',
  EROFS: 'read-only file system',
  EIO: 'input/output error',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'file name too long',
};

/** The errno code of a Node file-system error, or undefined. */
export function errnoCode(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A short human reason for a file-system error ("no space left on device"). */
export function errnoReason(err: unknown): string {
  const code = errnoCode(err);
  if (code !== undefined && code in REASONS) return REASONS[code];
  return err instanceof Error ? err.message : String(err);
}

/** Reading `file` failed: missing/unreadable before reading is an InputError (66), a failure mid-way an IOFailure (74). */
export function readFailure(file: string, what: string, err: unknown): InputError | IOFailure {
  const code = errnoCode(err);
  if (code === 'EIO') return new IOFailure(`error reading ${what} '${file}': ${errnoReason(err)}`);
  return new InputError(`cannot read ${what} '${file}': ${errnoReason(err)}`);
}

/** Limits on a small input file: its size, and bytes that cannot be in it (so /dev/zero fails at once). */
export interface TextLimits {
  maxBytes: number;
  tooLarge: () => Error;
  /** When set, a control byte other than tab, LF and CR (never in JSON or text) is refused with this error. */
  controlByte?: (byte: number, offset: number) => Error;
}

const READ_CHUNK = 1 << 20;

/**
 * The whole text of a small input file (a model, a sidecar). With limits it is read in chunks, so that a
 * device or a pipe that never ends (/dev/zero, /dev/urandom, a FIFO) fails at the limit, or at its first
 * refused byte, instead of filling memory; a regular file over the limit fails before it is read.
 */
export function readTextFile(file: string, what: string, limits?: TextLimits): string {
  if (limits === undefined) {
    try {
      return readFileSync(file, 'utf8');
    } catch (err) {
      throw readFailure(file, what, err);
    }
  }
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    throw readFailure(file, what, err);
  }
  try {
    return readLimited(fd, file, what, limits);
  } finally {
    closeSync(fd);
  }
}

function readLimited(fd: number, file: string, what: string, limits: TextLimits): string {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (st.isFile() && st.size > limits.maxBytes) throw limits.tooLarge();
    for (;;) {
      const chunk = Buffer.allocUnsafe(READ_CHUNK);
      const n = readSync(fd, chunk, 0, READ_CHUNK, null);
      if (n === 0) break;
      if (total + n > limits.maxBytes) throw limits.tooLarge();
      if (limits.controlByte !== undefined) {
        for (let i = 0; i < n; i++) {
          const c = chunk[i];
          if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) throw limits.controlByte(c, total + i);
        }
      }
      chunks.push(chunk.subarray(0, n));
      total += n;
    }
  } catch (err) {
    if (errnoCode(err) === undefined) throw err;
    throw readFailure(file, what, err);
  }
  return Buffer.concat(chunks, total).toString('utf8');
}

export function fileExists(file: string): boolean {
  return existsSync(file);
}

let tmpCounter = 0;

/**
 * An output file being written: the text goes to `.NAME.XXXX.tmp` beside it and replaces `file` only on
 * commit(). Failing to create it is an OutputError (73); failing while writing or renaming an IOFailure (74);
 * either way the temporary file is removed and `file` is untouched.
 */
export class AtomicFile {
  readonly file: string;
  readonly tmp: string;
  private fd: number | null;
  /** Written in place: `file` is a device or a pipe (/dev/null, /dev/stdout, a FIFO), which a rename would replace. */
  readonly direct: boolean;

  /** What the rename replaces: `file` with its symbolic links resolved (so that a link stays a link). */
  private readonly target: string;

  private constructor(file: string, tmp: string, fd: number, direct = false, target = file) {
    this.file = file;
    this.tmp = tmp;
    this.fd = fd;
    this.direct = direct;
    this.target = target;
  }

  static create(file: string): AtomicFile {
    if (isDirectory(file)) throw new OutputError(`cannot create '${file}': ${REASONS.EISDIR}`);
    const target = linkTarget(file);
    // unique per process and call; 'wx' below refuses a name that exists anyway
    const tag = `${process.pid}-${++tmpCounter}-${Date.now().toString(36)}`;
    const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${tag}.tmp`);
    // NOTE: renaming over /dev/full would replace the device with a regular file: devices are written in place
    if (fileKind(file) === 'other') {
      try {
        return new AtomicFile(file, file, openSync(file, 'w'), true);
      } catch (err) {
        throw new OutputError(`cannot create '${file}': ${errnoReason(err)}`);
      }
    }
    try {
      return new AtomicFile(file, tmp, openSync(tmp, 'wx', 0o644), false, target);
    } catch (err) {
      throw new OutputError(`cannot create '${file}': ${errnoReason(err)}`);
    }
  }

  write(text: string): void {
    if (this.fd === null) throw new IOFailure(`error writing '${this.file}': already closed`);
    try {
      writeSync(this.fd, text);
    } catch (err) {
      this.discard();
      throw new IOFailure(`error writing '${this.file}': ${errnoReason(err)}`);
    }
  }

  /** Flush to disk and rename over `file` (a reader sees the old file or the new one, never a mix). */
  commit(): void {
    this.finish();
    this.publish();
  }

  /** Flush and close; the content is complete on disk but not yet visible under `file`. */
  finish(): void {
    if (this.fd === null) throw new IOFailure(`error writing '${this.file}': already closed`);
    try {
      if (!this.direct) fsyncSync(this.fd); // a device or a pipe may not support fsync
      closeSync(this.fd);
      this.fd = null;
    } catch (err) {
      this.discard();
      throw new IOFailure(`error writing '${this.file}': ${errnoReason(err)}`);
    }
  }

  /** Rename the finished temporary file over `file`. */
  publish(): void {
    if (this.direct) return;
    try {
      renameSync(this.tmp, this.target);
    } catch (err) {
      this.discard();
      throw new IOFailure(`error writing '${this.file}': ${errnoReason(err)}`);
    }
  }

  /** Close and remove the temporary file; `file` keeps its old content (or stays absent). Safe to call twice. */
  discard(): void {
    if (this.fd !== null) {
      try {
        closeSync(this.fd);
      } catch {
        // already failing; the removal below is what matters
      }
      this.fd = null;
    }
    if (!this.direct) rmSync(this.tmp, { force: true });
  }
}

/** `file` with its symbolic links followed (a dangling link to where it points), so that the rename keeps the link. */
function linkTarget(file: string): string {
  let at = file;
  for (let hops = 0; hops < 40; hops++) {
    try {
      if (!lstatSync(at).isSymbolicLink()) return at;
      at = path.resolve(path.dirname(at), readlinkSync(at));
    } catch {
      return at; // missing: created there
    }
  }
  return at;
}

function isDirectory(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}

/** What `file` is: a regular file, something else (a pipe, a device, a directory), or missing. */
export function fileKind(file: string): 'file' | 'other' | 'missing' {
  try {
    return statSync(file).isFile() ? 'file' : 'other';
  } catch {
    return 'missing';
  }
}

/** The size of `file` in bytes; 0 when it cannot be read (reading it then reports why). */
export function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** Write `text` to `file` atomically. */
export function writeFileAtomic(file: string, text: string): void {
  const out = AtomicFile.create(file);
  out.write(text);
  out.commit();
}

/**
 * Write several files that belong together (a CSV and its sidecar): all are written to temporary files
 * first and renamed only once every one is complete, so a failure leaves none of them changed.
 */
export async function writeFilesAtomic(files: string[], fill: (outs: AtomicFile[]) => Promise<void> | void): Promise<void> {
  const outs: AtomicFile[] = [];
  try {
    for (const file of files) outs.push(AtomicFile.create(file));
    await fill(outs);
    // every file complete before any is renamed: a late failure then changes none of them
    for (const out of outs) out.finish();
    for (const out of outs) out.publish();
  } catch (err) {
    for (const out of outs) out.discard();
    throw err;
  }
}
