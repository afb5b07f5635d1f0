// The CSV fast path: plain numeric rows parsed from bytes, chunk by chunk, straight into typed arrays.
// It is optimistic: on anything it does not handle (a quote, a malformed or non-finite number, a
// ragged row, CR-only line ends, spaces) it returns null and the caller re-reads the file with
// csv-parse, so values and error messages are always the csv-parse path's.

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { allocStorage, type DType, type Storage } from '../tensor/dtype.js';

const CHUNK = 1 << 23;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/** Where each CSV column goes: -1 skipped, else a slot in the row of features then targets. */
export interface FastLayout {
  width: number;
  slots: Int32Array;
  features: number;
  targets: number;
  dtype: DType;
}

/** The value of the last number `scanNumber` read. */
let scanned = 0;

/**
 * Read a plain decimal starting at byte i: sets `scanned` and returns the index of the byte after it,
 * or -1 when there is no valid finite decimal there (the caller then checks the terminator).
 */
export function scanNumber(buf: Uint8Array, i: number): number {
  const start = i;
  let neg = false;
  let c = buf[i];
  if (c === 0x2d || c === 0x2b) {
    neg = c === 0x2d;
    c = buf[++i];
  }
  let mantissa = 0;
  let digits = 0;
  let scale = 0;
  let seen = false;
  while (c >= 0x30 && c <= 0x39) {
    if (digits > 0 || c !== 0x30) digits++;
    mantissa = mantissa * 10 + (c - 0x30);
    seen = true;
    c = buf[++i];
  }
  if (c === 0x2e) {
    c = buf[++i];
    while (c >= 0x30 && c <= 0x39) {
      if (digits > 0 || c !== 0x30) digits++;
      mantissa = mantissa * 10 + (c - 0x30);
      scale--;
      seen = true;
      c = buf[++i];
    }
  }
  if (!seen) return -1;
  if (c === 0x65 || c === 0x45) {
    c = buf[++i];
    let eneg = false;
    if (c === 0x2d || c === 0x2b) {
      eneg = c === 0x2d;
      c = buf[++i];
    }
    let e = 0;
    const e0 = i;
    while (c >= 0x30 && c <= 0x39) {
      e = e * 10 + (c - 0x30);
      c = buf[++i];
    }
    if (i === e0) return -1;
    scale += eneg ? -e : e;
  }
  if (digits <= 15 && scale >= -22 && scale <= 22) {
    // Clinger's fast path: an exact integer times or divided by an exact power of ten rounds once
    const v = scale >= 0 ? mantissa * POW10[scale] : mantissa / POW10[-scale];
    scanned = neg ? -v : v;
    return i;
  }
  const v = Number(Buffer.from(buf.buffer, buf.byteOffset + start, i - start).toString('latin1')); // signed text
  if (!Number.isFinite(v)) return -1;
  scanned = v;
  return i;
}

/** Grow a typed array to at least `need` elements, keeping the first `used`. */
function grow(a: Storage, used: number, need: number, dtype: DType): Storage {
  if (need <= a.length) return a;
  const next = allocStorage(dtype, Math.ceil(need * 1.25));
  next.set(a.subarray(0, used));
  return next;
}

interface Output {
  X: Storage;
  Y: Storage;
  rows: number;
}

/**
 * Parse the complete lines in buf[0, stop) (stop just after a LF) into `out`. Returns false when a
 * line is not a plain numeric row of the layout's width.
 */
function parseChunk(buf: Uint8Array, stop: number, L: FastLayout, out: Output): boolean {
  const F = L.features;
  const T = L.targets;
  const slots = L.slots;
  let i = 0;
  while (i < stop) {
    const c = buf[i];
    if (c === LF) {
      i++;
      continue;
    }
    if (c === CR && buf[i + 1] === LF) {
      i += 2;
      continue;
    }
    if (out.rows * F + F > out.X.length) out.X = grow(out.X, out.rows * F, (out.rows + 1) * F * 2, L.dtype);
    if (out.rows * T + T > out.Y.length) out.Y = grow(out.Y, out.rows * T, (out.rows + 1) * T * 2, L.dtype);
    const xo = out.rows * F;
    const yo = out.rows * T - F;
    for (let f = 0; f < L.width; f++) {
      const j = scanNumber(buf, i);
      if (j < 0) return false;
      const slot = slots[f];
      if (slot >= F) out.Y[yo + slot] = scanned;
      else if (slot >= 0) out.X[xo + slot] = scanned;
      const t = buf[j];
      if (f < L.width - 1) {
        if (t !== COMMA) return false;
        i = j + 1;
      } else if (t === LF) i = j + 1;
      else if (t === CR && buf[j + 1] === LF) i = j + 2;
      else return false;
    }
    out.rows++;
  }
  return true;
}

/**
 * Parse the data rows after byte `offset` (the header's end). Returns the features and targets, or
 * null when the csv-parse path must handle the file.
 */
export function fastParse(file: string, offset: number, layout: FastLayout): { X: Storage; y: Storage; rows: number } | null {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const buf = new Uint8Array(CHUNK + 2);
    const guessRows = Math.ceil((size - offset) / Math.max(8, layout.width * 6)) + 16;
    const out: Output = {
      X: allocStorage(layout.dtype, Math.min(guessRows, 1 << 24) * layout.features),
      Y: allocStorage(layout.dtype, Math.min(guessRows, 1 << 24) * layout.targets),
      rows: 0,
    };
    let carry = 0;
    let pos = offset;
    for (;;) {
      const n = readSync(fd, buf, carry, CHUNK - carry, pos);
      pos += n;
      let end = carry + n;
      if (n === 0) {
        if (end === 0) break;
        if (buf[end - 1] !== LF) buf[end++] = LF; // the last line without a line end
      }
      const stop = buf.subarray(0, end).lastIndexOf(LF) + 1;
      if (stop === 0) return null; // a line longer than the chunk: not a plain numeric file
      buf[end] = 0; // a terminator no number scan can run past
      if (!parseChunk(buf, stop, layout, out)) return null;
      carry = end - stop;
      buf.copyWithin(0, stop, end);
      if (n === 0) break;
    }
    const X = out.X.length === out.rows * layout.features ? out.X : out.X.slice(0, out.rows * layout.features);
    const y = out.Y.length === out.rows * layout.targets ? out.Y : out.Y.slice(0, out.rows * layout.targets);
    return { X, y, rows: out.rows };
  } finally {
    closeSync(fd);
  }
}
