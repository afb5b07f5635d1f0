// The CSV byte level: plain numeric lines parsed straight from a Buffer into typed arrays, and where
// records and lines begin and end. A line the fast path does not handle (a quote, a space, a letter,
// an empty or non-finite cell, a wrong field count) is left to csv-parse, so the values and error
// messages are the same on both paths.

import type { Storage } from '../tensor/dtype.js';
import { float32Tie } from './parse_number.js';

export const LF = 0x0a;
export const CR = 0x0d;
const COMMA = 0x2c;
const QUOTE = 0x22;
const SPACE = 0x20;
const TAB = 0x09;
const FORM_FEED = 0x0c;

/** The record delimiter, found as csv-parse finds it: the first line break outside quotes. */
export type Delimiter = '\n' | '\r\n' | '\r';

/** Rows of selected values being filled: features in X, targets in y, both row-major. */
export interface RowBlock {
  X: Storage;
  y: Storage;
  features: number;
  targets: number;
  rows: number;
  capacity: number;
  /** 1-based line of row 0, once it is written. */
  firstLine: number;
}

/** Where parsing stands: byte offset in the buffer, 1-based physical line there, and whether the byte before was a CR. */
export interface Cursor {
  pos: number;
  line: number;
  prevCR: boolean;
}

export interface FastLayout {
  width: number;
  /** Per CSV column: its slot in a row (features first, then targets), or -1 when not selected. */
  slots: Int32Array;
  float32: boolean;
  delimiter: Delimiter;
}

const POW10 = Float64Array.from({ length: 23 }, (_, i) => 10 ** i); // exact doubles up to 1e22
const TWO53 = 2 ** 53;
const DOT = 0x2e - 0x30; // bytes as digit values: c - '0'
const LOWER_E = 0x65 - 0x30;
const UPPER_E = 0x45 - 0x30;

/** The exponent `scanExponent` read last (a module variable keeps the scan free of allocations). */
let exponent = 0;

/** The exponent's digits after 'e': sets `exponent`, returns the index after them or -1. */
function scanExponent(buf: Uint8Array, i: number): number {
  let c = buf[i];
  const neg = c === 0x2d;
  if (neg || c === 0x2b) c = buf[++i];
  const e0 = i;
  let e = 0;
  while (c >= 0x30 && c <= 0x39) {
    e = e * 10 + (c - 0x30);
    c = buf[++i];
  }
  exponent = neg ? -e : e;
  return i === e0 ? -1 : i;
}

function latin1(buf: Uint8Array, start: number, end: number): string {
  return Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('latin1');
}

/**
 * The value of the decimal in bytes [start, end) with the given digits (an integer) and power of ten,
 * correctly rounded to float64 or float32; not finite when out of range.
 */
function decimalValue(mantissa: number, scale: number, neg: boolean, buf: Uint8Array, start: number, end: number, float32: boolean): number {
  let v: number;
  if (mantissa < TWO53 && scale >= -22 && scale <= 22) {
    // Clinger's fast path: an exact integer times or over an exact power of ten is one rounding
    v = scale >= 0 ? mantissa * POW10[scale] : mantissa / POW10[-scale];
    if (neg) v = -v;
  } else v = Number(latin1(buf, start, end));
  if (float32) {
    const f = Math.fround(v);
    if (f === v) return f;
    const g = 2 * v - f; // the other float32 neighbour when v is their midpoint
    return Math.fround(g) === g ? float32Tie(v, latin1(buf, start, end)) : f;
  }
  return v;
}

/** Index after an unselected field's bytes: up to a comma, a line break, a quote or the 0 sentinel. */
function skipField(buf: Uint8Array, i: number): number {
  let c = buf[i];
  while (c !== COMMA && c !== LF && c !== CR && c !== QUOTE && c !== 0) c = buf[++i];
  return i;
}

/** Length of the delimiter at byte j, or 0. */
function delimiterAt(buf: Uint8Array, j: number, delimiter: Delimiter): number {
  const c = buf[j];
  if (delimiter === '\n') return c === LF ? 1 : 0;
  if (c !== CR) return 0;
  if (delimiter === '\r') return 1;
  return buf[j + 1] === LF ? 2 : 0;
}

/**
 * Parse one plain row at byte p into X[xo + slot] / y[yo + slot]; returns the index after its
 * delimiter, or -1 when the row is not plain (then what was written is overwritten later).
 * NOTE: the digit loops are written out here: as a separate function per field, V8's inlining left
 * the scan ~25% slower.
 */
function scanRow(buf: Uint8Array, p: number, L: FastLayout, X: Storage, y: Storage, xo: number, yo: number, F: number): number {
  const { width, slots, float32, delimiter } = L;
  for (let f = 0; f < width; f++) {
    const slot = slots[f];
    let j = p;
    if (slot < 0) j = skipField(buf, p);
    else {
      let c = buf[j];
      const neg = c === 0x2d;
      if (neg || c === 0x2b) c = buf[++j];
      const j0 = j;
      let mantissa = 0;
      let d = c - 0x30;
      while (d >>> 0 < 10) {
        mantissa = mantissa * 10 + d;
        d = buf[++j] - 0x30;
      }
      let scale = 0;
      if (d === DOT) {
        const f0 = ++j;
        d = buf[j] - 0x30;
        while (d >>> 0 < 10) {
          mantissa = mantissa * 10 + d;
          d = buf[++j] - 0x30;
        }
        scale = f0 - j;
        if (scale === 0) return -1; // '5.' and '.' are not in the grammar
      } else if (j === j0) return -1;
      if (d === LOWER_E || d === UPPER_E) {
        j = scanExponent(buf, j + 1);
        if (j < 0) return -1;
        scale += exponent;
      }
      const v = decimalValue(mantissa, scale, neg, buf, p, j, float32);
      if (v - v !== 0) return -1; // out of range: csv-parse's path reports it
      if (slot < F) X[xo + slot] = v;
      else y[yo + slot] = v;
    }
    if (f < width - 1) {
      if (buf[j] !== COMMA) return -1;
      p = j + 1;
    } else {
      const n = delimiterAt(buf, j, delimiter);
      return n === 0 ? -1 : j + n;
    }
  }
  return -1;
}

/**
 * Parse plain lines from cursor.pos while they end before `stop` and the block has room. Stops at the
 * first line it does not handle, leaving cursor.pos at that line's start.
 */
export function scanPlainLines(buf: Uint8Array, cursor: Cursor, stop: number, L: FastLayout, out: RowBlock): void {
  const { X, y, features: F, targets: T, capacity } = out;
  let i = cursor.pos;
  let line = cursor.line;
  let rows = out.rows;
  while (i < stop && rows < capacity) {
    const blank = delimiterAt(buf, i, L.delimiter);
    if (blank !== 0) {
      i += blank;
      line++;
      continue;
    }
    const next = scanRow(buf, i, L, X, y, rows * F, rows * T - F, F);
    if (next < 0) break; // not a plain row: csv-parse reads it
    if (rows === 0) out.firstLine = line;
    rows++;
    line++;
    i = next;
  }
  if (line !== cursor.line) cursor.prevCR = L.delimiter === '\r';
  cursor.pos = i;
  cursor.line = line;
  out.rows = rows;
}

/**
 * The end (after its delimiter) of the record starting at `pos`: the first delimiter outside quotes,
 * as csv-parse's quoting state would have it. -1 when `end` comes first (more data is needed).
 */
export function recordEnd(buf: Uint8Array, pos: number, end: number, delimiter: Delimiter): number {
  const first = delimiter === '\n' ? LF : CR;
  let quoted = false;
  for (let i = pos; i < end; i++) {
    const c = buf[i];
    if (c === QUOTE) quoted = !quoted;
    else if (c === first && !quoted) {
      if (delimiter !== '\r\n') return i + 1;
      if (i + 1 === end) return -1;
      if (buf[i + 1] === LF) return i + 2;
    }
  }
  return -1;
}

/** csv-parse's auto-detected record delimiter, or null when more data is needed to tell. */
export function detectDelimiter(buf: Uint8Array, pos: number, end: number, eof: boolean): Delimiter | null {
  let quoted = false;
  for (let i = pos; i < end; i++) {
    const c = buf[i];
    if (c === QUOTE) quoted = !quoted;
    else if (!quoted && c === LF) return '\n';
    else if (!quoted && c === CR) {
      if (i + 1 < end) return buf[i + 1] === LF ? '\r\n' : '\r';
      return eof ? '\r' : null;
    }
  }
  return eof ? '\n' : null;
}

/**
 * Move the cursor over bytes [cursor.pos, to), counting physical lines (CRLF, LF and a lone CR each
 * end one). Returns the line of the first byte that is not blank (csv-parse trims spaces, tabs, form
 * feeds and line breaks there), or of `to` when there is none.
 */
export function advanceLines(buf: Uint8Array, cursor: Cursor, to: number): number {
  let line = cursor.line;
  let prevCR = cursor.prevCR;
  let contentLine = 0;
  for (let i = cursor.pos; i < to; i++) {
    const c = buf[i];
    if (c === LF) {
      if (!prevCR) line++;
    } else if (c === CR) line++;
    else if (contentLine === 0 && c !== SPACE && c !== TAB && c !== FORM_FEED) contentLine = line;
    prevCR = c === CR;
  }
  cursor.pos = to;
  cursor.line = line;
  cursor.prevCR = prevCR;
  return contentLine === 0 ? line : contentLine;
}

/**
 * The fields of the line at `pos` when csv-parse would read it as plain comma-separated text (only
 * printable ASCII without spaces or quotes: nothing to unquote or trim, as csv-parse's trimEnd also
 * trims \v and Unicode spaces), with the index after its delimiter; null otherwise or when incomplete.
 */
export function plainLine(buf: Buffer, pos: number, end: number, delimiter: Delimiter): { fields: string[]; next: number } | null {
  for (let i = pos; i < end; i++) {
    const d = delimiterAt(buf, i, delimiter);
    if (d !== 0) return i === pos ? null : { fields: buf.toString('latin1', pos, i).split(','), next: i + d };
    const c = buf[i];
    if (c <= SPACE || c >= 0x7f || c === QUOTE) return null;
  }
  return null;
}
