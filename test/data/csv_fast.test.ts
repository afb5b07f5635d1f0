// The byte-level number scan (src/data/csv_fast.ts): its values against glibc's strtof and CPython's
// float() (test/fixtures/csv/reference.json) and against parseNumber, with the same values and errors
// through csv-parse alone (fastPath false); signs, digit runs across its 4-byte words, exact float32
// midpoints on its Clinger path, and rows at the very end of its buffer.

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { loadCsv, type CsvOptions, type CsvTable } from '../../src/data/csv.js';
import { scanPlainLines, type FastLayout, type RowBlock } from '../../src/data/csv_fast.js';
import { parseNumber } from '../../src/data/parse_number.js';
import type { DType } from '../../src/tensor/dtype.js';
import { readFixture } from '../helpers/fixtures.js';

const dir = mkdtempSync(path.join(tmpdir(), 'autograd-csv-fast-'));
function csv(name: string, text: string | Buffer): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

async function outcome(file: string, options: CsvOptions): Promise<CsvTable | string> {
  try {
    return await loadCsv(file, options);
  } catch (err) {
    return `${(err as Error).constructor.name}: ${(err as Error).message}`;
  }
}

/** loadCsv through the fast path and through csv-parse alone: the same table or the same error. */
async function both(file: string, options: CsvOptions = {}): Promise<CsvTable | string> {
  const fast = await outcome(file, { ...options, fastPath: true });
  const slow = await outcome(file, { ...options, fastPath: false });
  const plain = (o: CsvTable | string): unknown => (typeof o === 'string' ? o : { ...o, X: Array.from(o.X), y: Array.from(o.y) });
  assert.deepEqual(plain(fast), plain(slow));
  return fast;
}

async function values(file: string, dtype: DType): Promise<number[]> {
  const t = await both(file, { dtype, target: [] });
  if (typeof t === 'string') assert.fail(t);
  return Array.from(t.X);
}

const ref = readFixture<{ decimals: Array<{ text: string; float64: number | string; float32: number | string }> }>('csv/reference.json');
const num = (v: number | string): number => (typeof v === 'number' ? v : Number(v.replace('inf', 'Infinity')));

/** xorshift32: a fixed stream of test decimals. */
function generator(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) % n;
  };
}

/** A decimal in the grammar: a sign or none, 0-20 integer digits, a fraction of 1-20 digits or none, an exponent or none. */
function randomDecimal(next: (n: number) => number): string {
  const digits = (n: number): string => Array.from({ length: n }, () => String(next(10))).join('');
  const whole = digits(next(4) === 0 ? next(21) : next(3));
  const fraction = whole === '' || next(5) > 0 ? `.${digits(1 + (next(3) === 0 ? next(20) : next(12)))}` : '';
  const exp = next(6) === 0 ? `${'eE'[next(2)]}${['', '+', '-'][next(3)]}${next(40)}` : '';
  return `${['', '-', '+'][next(3)]}${whole}${fraction}${exp}`;
}

describe('numbers on the fast path', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    test(`every in-range reference decimal, one per row, as ${dtype === 'float32' ? 'glibc strtof' : 'CPython float()'} reads it`, async () => {
      const decimals = ref.decimals.filter((d) => Number.isFinite(num(d[dtype])));
      const file = csv(`reference-${dtype}.csv`, `x\n${decimals.map((d) => d.text).join('\n')}\n`);
      assert.deepEqual(await values(file, dtype), decimals.map((d) => num(d[dtype])));
    });

    test(`4,200 random decimals, six to a row, as parseNumber reads them (${dtype})`, async () => {
      const next = generator(dtype === 'float32' ? 0x5eed : 0xbeef);
      const texts: string[] = [];
      while (texts.length < 4200) {
        const text = randomDecimal(next);
        if (parseNumber(text, dtype).ok) texts.push(text); // out of range would make the file an error
      }
      const rows = Array.from({ length: texts.length / 6 }, (_, r) => texts.slice(6 * r, 6 * r + 6).join(','));
      const file = csv(`random-${dtype}.csv`, `a,b,c,d,e,f\n${rows.join('\n')}\n`);
      assert.deepEqual(await values(file, dtype), texts.map((t) => (parseNumber(t, dtype) as { value: number }).value));
    });
  }

  test('float32 midpoints that are short decimals: ties to even on the Clinger path', async () => {
    // float32 has 24 significant bits: from 2^23 its spacing is 1, from 2^24 2, from 2^25 4
    const file = csv('midpoints.csv', 'x\n8388608.5\n-8388609.5\n16777217\n16777219\n1.6777217e7\n33554434\n0.5\n');
    assert.deepEqual(await values(file, 'float32'), [8388608, -8388610, 16777216, 16777220, 16777216, 33554432, 0.5]);
  });

  test('signs: -0 stays negative, + is dropped, a sign alone or twice is an invalid number', async () => {
    assert.deepEqual(await values(csv('signs.csv', 'x\n-0\n+0.0\n-.5\n+.25e1\n-0.0e-3\n'), 'float32'), [-0, 0, -0.5, 2.5, -0]);
    for (const bad of ['-', '+-1', '-+.5']) {
      const message = await both(csv('badsign.csv', `x,y\n1,2\n${bad},3\n`));
      assert.match(String(message), /^DataError: .*:3:1: invalid number/);
    }
  });

  test('a byte from 0xfa up after fraction digits ends the number: an invalid number on both paths', async () => {
    for (const byte of [0xfa, 0xff]) {
      const file = csv('highbyte.csv', Buffer.concat([Buffer.from('x,y\n1,2\n1.25'), Buffer.of(byte), Buffer.from('7,3\n')]));
      assert.match(String(await both(file)), /^DataError: .*:3:1: invalid number/);
    }
  });

  test('a last line without a line break', async () => {
    const t = await both(csv('lastline.csv', 'x,y\n1.5,2.25\n-3.125,0.0625'), { dtype: 'float32' });
    assert.deepEqual(typeof t === 'string' ? t : [Array.from(t.X), Array.from(t.y)], [[1.5, -3.125], [2.25, 0.0625]]);
  });
});

describe('scanPlainLines at the end of its buffer', () => {
  const layout: FastLayout = { width: 2, slots: Int32Array.of(0, 1), float32: false, delimiter: '\n', separator: 0x2c };
  const scan = (text: string, padding: number): { rows: number; pos: number; X: number[] } => {
    const buf = Buffer.concat([Buffer.from(text), Buffer.alloc(1 + padding)]); // a 0 sentinel, as the reader leaves
    const block: RowBlock = { X: new Float64Array(2), y: new Float64Array(0), features: 2, targets: 0, rows: 0, capacity: 2, firstLine: 0 };
    const cursor = { pos: 0, line: 1, prevCR: false };
    scanPlainLines(buf, cursor, text.length, layout, block);
    return { rows: block.rows, pos: cursor.pos, X: Array.from(block.X) };
  };

  test('a fraction that starts less than 8 bytes before the end is left to csv-parse, not read past the end', () => {
    // '1,2.5\n': the fraction starts at byte 4; with the sentinel and 5 more bytes the buffer has 12
    assert.deepEqual(scan('1,2.5\n', 5), { rows: 1, pos: 6, X: [1, 2.5] });
    assert.deepEqual({ ...scan('1,2.5\n', 4), X: null }, { rows: 0, pos: 0, X: null }); // the row is not taken
  });
});
