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

/** A decimal literal from bytes [start, end); NaN when it is not a plain finite decimal. */
export function parseDecimal(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  let neg = false;
  if (i < end && (buf[i] === 0x2d || buf[i] === 0x2b)) neg = buf[i++] === 0x2d;
  let mantissa = 0;
  let digits = 0;
  let scale = 0;
  let seen = false;
  for (; i < end && buf[i] >= 0x30 && buf[i] <= 0x39; i++, seen = true) {
    if (digits > 0 || buf[i] !== 0x30) digits++;
    mantissa = mantissa * 10 + (buf[i] - 0x30);
  }
  if (i < end && buf[i] === 0x2e) {
    for (i++; i < end && buf[i] >= 0x30 && buf[i] <= 0x39; i++, seen = true) {
      if (digits > 0 || buf[i] !== 0x30) digits++;
      mantissa = mantissa * 10 + (buf[i] - 0x30);
      scale--;
    }
  }
  if (!seen) return NaN;
  if (i < end && (buf[i] === 0x65 || buf[i] === 0x45)) {
    let eneg = false;
    i++;
    if (i < end && (buf[i] === 0x2d || buf[i] === 0x2b)) eneg = buf[i++] === 0x2d;
    let e = 0;
    const e0 = i;
    for (; i < end && buf[i] >= 0x30 && buf[i] <= 0x39; i++) e = e * 10 + (buf[i] - 0x30);
    if (i === e0) return NaN;
    scale += eneg ? -e : e;
  }
  if (i !== end) return NaN;
  if (digits <= 15 && scale >= -22 && scale <= 22) {
    // Clinger's fast path: an exact integer times or divided by an exact power of ten rounds once
    const value = scale >= 0 ? mantissa * POW10[scale] : mantissa / POW10[-scale];
    return neg ? -value : value;
  }
  // the text carries its own sign here
  const value = Number(Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('latin1'));
  return Number.isFinite(value) ? value : NaN;
}

class Growing {
  data: Storage;
  length = 0;
  constructor(private readonly dtype: DType, capacity: number) {
    this.data = allocStorage(dtype, Math.max(capacity, 16));
  }
  ensure(extra: number): void {
    if (this.length + extra <= this.data.length) return;
    const next = allocStorage(this.dtype, Math.ceil((this.length + extra) * 1.25));
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  finish(): Storage {
    return this.length === this.data.length ? this.data : this.data.slice(0, this.length);
  }
}

/** Parse one line [start, end) into `row`; false if it is not a plain numeric row of the right width. */
function parseLine(buf: Uint8Array, start: number, end: number, layout: FastLayout, row: Float64Array): boolean {
  let field = 0;
  let s = start;
  for (let i = start; i <= end; i++) {
    if (i < end && buf[i] !== COMMA) continue;
    if (field >= layout.width) return false;
    const slot = layout.slots[field];
    if (slot >= 0) {
      const v = parseDecimal(buf, s, i);
      if (v !== v) return false;
      row[slot] = v;
    }
    field++;
    s = i + 1;
  }
  return field === layout.width;
}

/**
 * Parse the data rows after byte `offset` (the header's end). Returns the features and targets, or
 * null when the csv-parse path must handle the file.
 */
export function fastParse(file: string, offset: number, layout: FastLayout): { X: Storage; y: Storage; rows: number } | null {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const buf = new Uint8Array(CHUNK + (1 << 16));
    const guessRows = Math.ceil((size - offset) / Math.max(8, layout.width * 6)) + 16;
    const X = new Growing(layout.dtype, Math.min(guessRows * layout.features, 1 << 27));
    const Y = new Growing(layout.dtype, Math.min(guessRows * layout.targets, 1 << 27));
    const row = new Float64Array(layout.features + layout.targets);
    let carry = 0;
    let pos = offset;
    let rows = 0;
    for (;;) {
      const n = readSync(fd, buf, carry, buf.length - carry, pos);
      pos += n;
      const end = carry + n;
      const last = n === 0;
      let start = 0;
      for (let i = 0; i < end; i++) {
        if (buf[i] !== LF && !(last && i === end - 1)) continue;
        let lineEnd = buf[i] === LF ? i : i + 1;
        if (lineEnd > start && buf[lineEnd - 1] === CR) lineEnd--;
        if (lineEnd > start) {
          if (!parseLine(buf, start, lineEnd, layout, row)) return null;
          X.ensure(layout.features);
          Y.ensure(layout.targets);
          for (let j = 0; j < layout.features; j++) X.data[X.length++] = row[j];
          for (let k = 0; k < layout.targets; k++) Y.data[Y.length++] = row[layout.features + k];
          rows++;
        }
        start = i + 1;
      }
      if (last) break;
      carry = end - start;
      if (carry >= CHUNK) return null; // a line longer than the chunk: not a plain numeric file
      buf.copyWithin(0, start, end);
    }
    return { X: X.finish(), y: Y.finish(), rows };
  } finally {
    closeSync(fd);
  }
}
