// loadCsv on hostile input: `5.`, mixed line endings, very wide headers, and input without line breaks
// from devices and pipes (each of which once took minutes: a hang here shows as the test's timeout).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { loadCsv, type CsvOptions, type CsvTable } from '../../src/data/csv.js';

const dir = mkdtempSync(path.join(tmpdir(), 'autograd-csv-hostile-'));
function csv(name: string, text: string | Buffer): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

async function outcome(file: string, options: CsvOptions): Promise<{ X: number[]; y: number[]; columns: string[] } | { error: string }> {
  try {
    const t: CsvTable = await loadCsv(file, options);
    return { X: Array.from(t.X), y: Array.from(t.y), columns: t.columns };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/** Both paths (byte-level and csv-parse alone) in both dtypes must agree; returns the float64 outcome. */
async function both(file: string, options: CsvOptions = {}): Promise<Awaited<ReturnType<typeof outcome>>> {
  const results = [];
  for (const fastPath of [true, false]) for (const dtype of ['float64', 'float32'] as const) results.push(await outcome(file, { ...options, fastPath, dtype }));
  for (const r of results.slice(1)) assert.deepEqual(r, results[0]);
  return results[0];
}

describe('numbers: `5.` reads as 5, as Python, numpy, pandas and PyTorch read it', () => {
  test('trailing dots, with signs and exponents, on both paths', async () => {
    const f = csv('dots.csv', 'x,y\n5.,1\n-5.,2.\n+0.,3\n5.e2,-5.E-1\n');
    assert.deepEqual(await both(f), { X: [5, -5, 0, 500], y: [1, 2, 3, -0.5], columns: ['x', 'y'] });
  });

  test("a first row '5.,3' is data, not a header", async () => {
    const f = csv('dotrow.csv', '5.,3\n1,2\n');
    assert.deepEqual(await both(f), { X: [5, 1], y: [3, 2], columns: ['x0', 'y'] });
  });

  test("'.' alone and '-.' stay invalid", async () => {
    const f = csv('lonedot.csv', 'x,y\n1,2\n-.,3\n');
    assert.deepEqual(await both(f), { error: `${f}:3:1: invalid number '-.' in column 1 ('x')` });
  });
});

describe('line endings: LF and CRLF may be mixed in one file, and read the same either way', () => {
  const rows = { X: [1, 2, 4, 5, 7, 8], y: [3, 6, 9], columns: ['x0', 'x1', 'y'] };
  for (const [name, text] of [
    ['crlf-one-lf', 'x0,x1,y\r\n1,2,3\r\n4,5,6\n7,8,9\r\n'],
    ['lf-one-crlf', 'x0,x1,y\n1,2,3\r\n4,5,6\n7,8,9\n'],
    ['crlf-quoted', 'x0,"x1",y\r\n1,"2",3\n"4",5,"6"\r\n7,8,9'],
    ['alternating', 'x0,x1,y\r\n1,2,3\n\r\n4,5,6\r\n\n7,8,9\n'],
  ]) {
    test(name, async () => assert.deepEqual(await both(csv(`${name}.csv`, text)), rows));
  }

  test('an error line is counted the same in a mixed file', async () => {
    const f = csv('mixed-error.csv', 'x,y\r\n1,2\n3,4\r\n\n5,oops\r\n');
    assert.deepEqual(await both(f), { error: `${f}:5:2: invalid number 'oops' in column 2 ('y')` });
  });
});

describe('wide files: column selection is linear in the number of columns', () => {
  const W = 200_000;
  const names = Array.from({ length: W }, (_, j) => `c${j}`);
  const file = csv('wide.csv', `${names.join(',')},y\n${names.map((_, j) => j % 7).join(',')},1\n`);

  test('200,000 columns, by default and each named', { timeout: 60_000 }, async () => {
    const all = await loadCsv(file, { dtype: 'float64' });
    assert.equal(all.featureNames.length, W);
    assert.equal(all.X[W - 1], (W - 1) % 7);
    const named = await loadCsv(file, { dtype: 'float64', features: [...names].reverse(), target: 'y' });
    assert.equal(named.X[0], (W - 1) % 7);
    assert.deepEqual(named.targetNames, ['y']);
  });

  test('a column listed twice among 200,000 is named', { timeout: 60_000 }, async () => {
    await assert.rejects(loadCsv(file, { features: [...names, 'c5'] }), { message: `${file}: column 6 ('c5') is selected twice` });
    await assert.rejects(loadCsv(file, { features: ['y', 'c1'] }), { message: `${file}: column 200001 ('y') is selected both as a feature and as a target` });
  });

  test('y0, y1, ... default targets among many columns', { timeout: 60_000 }, async () => {
    const ys = Array.from({ length: 50_000 }, (_, k) => `y${k}`);
    const f = csv('manyy.csv', `a,${ys.join(',')}\n1,${ys.map(() => 2).join(',')}\n`);
    const t = await loadCsv(f);
    assert.equal(t.targetNames.length, 50_000);
    assert.deepEqual(t.featureNames, ['a']);
  });
});

describe('input without line breaks fails at the 64 MiB record limit, read at full speed', () => {
  const limit = "record longer than 64 MiB (a quote never closed, or no line breaks?)";

  test('/dev/zero', { timeout: 60_000, skip: !existsSync('/dev/zero') }, async () => {
    await assert.rejects(loadCsv('/dev/zero'), { message: `/dev/zero:1: ${limit}` });
  });

  test('a pipe (FIFO) written in small pieces', { timeout: 60_000, skip: process.platform === 'win32' }, async () => {
    const fifo = path.join(dir, 'pipe.csv');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    const writer = createWriteStream(fifo);
    const piece = Buffer.alloc(4096, '7');
    let sent = 0;
    const pump = (): void => {
      while (sent < 80 << 20 && writer.write(piece)) sent += piece.length;
      if (sent < 80 << 20) writer.once('drain', pump);
      else writer.end();
    };
    writer.write('x,y\n1,');
    pump();
    writer.on('error', () => undefined); // the reader closes early
    await assert.rejects(loadCsv(fifo), { message: `${fifo}:2: ${limit}` });
    writer.destroy();
  });

  test('a long line that does end is read whole', { timeout: 60_000 }, async () => {
    const f = csv('longline.csv', `x,y\n1,${'0'.repeat(20 << 20)}1\n`);
    assert.deepEqual(await outcome(f, { dtype: 'float64' }), { X: [1], y: [1], columns: ['x', 'y'] });
  });
});
