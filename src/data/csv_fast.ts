// The CSV byte level: plain numeric lines parsed straight from a Buffer into typed arrays, and where
// records and lines begin and end. A line the fast path does not handle (a quote, a space, a letter,
// an empty or non-finite cell, a wrong field count) is left to csv-parse, so the values and error
// messages are the same on both paths.

import type { Storage } from '../tensor/dtype.js';
import { scaledDecimal } from './parse_number.js';

export const LF = 0x0a;
export const CR = 0x0d;
const COMMA = 0x2c;
const QUOTE = 0x22;
const SPACE = 0x20;
const TAB = 0x09;
const FORM_FEED = 0x0c;

/**
 * The record delimiter, from the first line break outside quotes: '\n' when that is LF or CRLF, and then
 * every LF or CRLF ends a record (a file may mix them, as pandas and csv-parse with both delimiters
 * read it); '\r' for old Mac files, where a lone CR ends a record.
 */
export type Delimiter = '\n' | '\r';

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
  /** The field delimiter's byte: ',' (0x2c), ';', '\t' or '|'. */
  separator: number;
}

const INT_POW10 = Int32Array.from({ length: 9 }, (_, i) => 10 ** i);
const DOT = 0x2e - 0x30; // bytes as digit values: c - '0'
const LOWER_E = 0x65 - 0x30;
const UPPER_E = 0x45 - 0x30;
const WORDS = 8; // bytes read at once after a decimal point: two 4-byte words

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

/** How many of a word's 4 bytes (read little-endian: the first byte lowest) are digits before any other byte. */
function leadingDigits(word: number): number {
  // a zero byte in t for each digit byte; a carry out of a byte ≥ 0xfa disturbs only the bytes after it
  const t = ((word & 0xf0f0f0f0) | (((word + 0x06060606) & 0xf0f0f0f0) >>> 4)) ^ 0x33333333;
  return (32 - Math.clz32(~t & (t - 1))) >>> 3; // trailing zero bytes of t
}

/** The value of a word's first n (0 to 4) digit bytes. */
function digitsValue(word: number, n: number): number {
  const shift = 16 - 4 * n; // shifted twice, so that n = 0 shifts all 32 bits out
  const v = ((word - 0x30303030) << shift) << shift; // the n digits in the top bytes, zero bytes below
  const pairs = (Math.imul(v, 10) + (v >>> 8)) & 0x00ff00ff; // bytes 0 and 2: two-digit numbers
  return (Math.imul(pairs & 0xff, 100) + (pairs >>> 16)) | 0;
}

/** The digits leading the 8 bytes at `at`, without a branch: their value × 16 + their count (0 to 8). */
function digitWords(dv: DataView, at: number): number {
  const a = dv.getInt32(at, true);
  const b = dv.getInt32(at + 4, true);
  const na = leadingDigits(a);
  const nb = leadingDigits(b) & -(na >>> 2); // b's digits count only when all of a's are digits
  return ((Math.imul(digitsValue(a, na), INT_POW10[nb]) + digitsValue(b, nb)) << 4) | (na + nb); // < 10^8 × 16 < 2^31
}

/** Index after an unselected field's bytes: up to the field delimiter, a line break, a quote or the 0 sentinel. */
function skipField(buf: Uint8Array, i: number, separator: number): number {
  let c = buf[i];
  while (c !== separator && c !== LF && c !== CR && c !== QUOTE && c !== 0) c = buf[++i];
  return i;
}

/** Bytes [start, end) as latin1 text (a view, not a copy). */
function latin1(buf: Uint8Array, start: number, end: number): string {
  return Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('latin1', start, end);
}

/** Length of the delimiter at byte j (LF or CRLF; CR in '\r' mode), or 0. */
function delimiterAt(buf: Uint8Array, j: number, delimiter: Delimiter): number {
  const c = buf[j];
  if (c === LF) return delimiter === '\n' ? 1 : 0;
  if (c !== CR) return 0;
  if (delimiter === '\r') return 1;
  return buf[j + 1] === LF ? 2 : 0;
}

/**
 * Parse one plain row at byte p into X[xo + slot] / y[yo + slot]; returns the index after its
 * delimiter, or -1 when the row is not plain (then what was written is overwritten later). `dv` views
 * `buf`; a row whose fraction starts after `last` (too near the buffer's end to read 8 bytes) is left
 * to csv-parse.
 * NOTE: the number scan is written out here: as a separate function per field it is too large for V8
 * to inline, and a call per field costs ~10%. A digit loop's exit and the sign are mispredicted on
 * real data (lengths and signs vary), so the sign is arithmetic and the fraction's first 8 digits are
 * counted and summed without a branch, 4 bytes at a time; a third word cost more than it saved.
 */
function scanRow(buf: Uint8Array, dv: DataView, p: number, last: number, L: FastLayout, X: Storage, y: Storage, xo: number, yo: number, F: number): number {
  const { width, slots, delimiter } = L;
  const separator = L.separator | 0;
  const float32 = L.float32 === true; // a known boolean, tested without a type check per field
  for (let f = 0; f < width; f++) {
    const slot = slots[f];
    let j = p;
    if (slot < 0) j = skipField(buf, p, separator);
    else {
      const c = buf[j];
      const s = (c - 0x2c) * (c - 0x2c); // 1 for '+' (0x2b) and '-' (0x2d), 0 for ',', at least 4 for any other byte
      const minus = ((c ^ 0x2d) - 1) >>> 31;
      j += ((s ^ 1) - 1) >>> 31;
      const j0 = j;
      let mantissa = 0;
      let d = buf[j] - 0x30;
      while (d >>> 0 < 10) {
        mantissa = mantissa * 10 + d;
        d = buf[++j] - 0x30;
      }
      let scale = 0;
      if (d === DOT) {
        const f0 = j + 1;
        if (f0 > last) return -1;
        const run = digitWords(dv, f0);
        mantissa = mantissa * INT_POW10[run & 15] + (run >>> 4);
        j = f0 + (run & 15);
        d = buf[j] - 0x30;
        while (d >>> 0 < 10) {
          mantissa = mantissa * 10 + d;
          d = buf[++j] - 0x30;
        }
        scale = f0 - j;
        if (scale === 0 && f0 - 1 === j0) return -1; // '.' alone is not a number ('5.' is 5, as Python reads it)
      } else if (j === j0) return -1;
      if (d === LOWER_E || d === UPPER_E) {
        j = scanExponent(buf, j + 1);
        if (j < 0) return -1;
        scale += exponent;
      }
      const v = scaledDecimal(mantissa, scale, minus, float32, buf, p, j);
      if (v - v !== 0) return -1; // out of range: csv-parse's path reports it
      if (slot < F) X[xo + slot] = v;
      else y[yo + slot] = v;
    }
    if (f < width - 1) {
      if (buf[j] !== separator) return -1;
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
  const { delimiter } = L;
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const last = buf.byteLength - WORDS;
  let i = cursor.pos;
  let line = cursor.line;
  let rows = out.rows;
  while (i < stop && rows < capacity) {
    let next = i + delimiterAt(buf, i, delimiter);
    if (next === i) {
      next = scanRow(buf, dv, i, last, L, X, y, rows * F, rows * T - F, F);
      if (next < 0) break; // not a plain row: csv-parse reads it
      if (rows === 0) out.firstLine = line;
      out.rows = ++rows;
    }
    i = next;
    line++;
    // NOTE: stored on every line, not once after the loop: V8 compiles this loop while it runs the first
    // time, and stores it has not yet seen would then deoptimize it at the end of every later call
    cursor.pos = i;
    cursor.line = line;
    cursor.prevCR = delimiter === '\r';
  }
}

/**
 * The end (after its delimiter) of the record starting at `pos`: the first delimiter outside quotes,
 * as csv-parse's quoting state would have it. -1 when `end` comes first (more data is needed).
 */
export function recordEnd(buf: Uint8Array, pos: number, end: number, delimiter: Delimiter): number {
  const last = delimiter === '\n' ? LF : CR; // a CRLF ends at its LF
  let quoted = false;
  for (let i = pos; i < end; i++) {
    const c = buf[i];
    if (c === QUOTE) quoted = !quoted;
    else if (c === last && !quoted) return i + 1;
  }
  return -1;
}

const SEPARATORS = [COMMA, 0x3b, TAB, 0x7c]; // , ; \t | (FIELD_DELIMITERS' order: the first wins a tie)
const SAMPLE_LINES = 20;

/**
 * The field delimiter of the buffered lines from `pos` (at most 20, counted outside quotes): of , ; \t |
 * the one found on the first line that splits the most lines into as many fields as the first line, then
 * the most fields; ',' when none is on the first line. Returns its byte.
 */
export function detectSeparator(buf: Uint8Array, pos: number, end: number): number {
  const counts: number[][] = [];
  let line = [0, 0, 0, 0];
  let quoted = false;
  let content = false;
  for (let i = pos; i < end && counts.length < SAMPLE_LINES; i++) {
    const c = buf[i];
    if (c === QUOTE) quoted = !quoted;
    if (quoted) continue;
    if (c === LF || c === CR) {
      if (content) counts.push(line);
      line = [0, 0, 0, 0];
      content = false;
      continue;
    }
    if (c !== SPACE && c !== TAB) content = true;
    const k = SEPARATORS.indexOf(c);
    if (k >= 0) line[k]++;
  }
  if (content && counts.length < SAMPLE_LINES) counts.push(line);
  if (counts.length === 0) return COMMA;
  let best = -1;
  let bestAgree = -1;
  for (let k = 0; k < SEPARATORS.length; k++) {
    const n = counts[0][k];
    if (n === 0) continue;
    const agree = counts.filter((l) => l[k] === n).length;
    if (agree > bestAgree || (agree === bestAgree && n > counts[0][best])) {
      best = k;
      bestAgree = agree;
    }
  }
  return best < 0 ? COMMA : SEPARATORS[best];
}

/** The record delimiter (see Delimiter), or null when more data is needed to tell. */
export function detectDelimiter(buf: Uint8Array, pos: number, end: number, eof: boolean): Delimiter | null {
  let quoted = false;
  for (let i = pos; i < end; i++) {
    const c = buf[i];
    if (c === QUOTE) quoted = !quoted;
    else if (!quoted && c === LF) return '\n';
    else if (!quoted && c === CR) {
      if (i + 1 < end) return buf[i + 1] === LF ? '\n' : '\r';
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
 * The fields of the line at `pos` when csv-parse would read it as plain text split at `separator` (only
 * printable ASCII without spaces or quotes: nothing to unquote or trim, as csv-parse's trimEnd also
 * trims \v and Unicode spaces), with the index after its delimiter; null otherwise or when incomplete.
 */
export function plainLine(buf: Uint8Array, pos: number, end: number, delimiter: Delimiter, separator = COMMA): { fields: string[]; next: number } | null {
  for (let i = pos; i < end; i++) {
    const d = delimiterAt(buf, i, delimiter);
    if (d !== 0) return i === pos ? null : { fields: latin1(buf, pos, i).split(String.fromCharCode(separator)), next: i + d };
    const c = buf[i];
    if (c <= SPACE || c >= 0x7f || c === QUOTE) return null;
  }
  return null;
}
