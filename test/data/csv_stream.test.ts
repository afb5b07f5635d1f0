// streamCsv: batches that concatenate to loadCsv's result, with loadCsv's column rules and error texts,
// yielded while the file is still being read (memory bounded by the batch, not the file).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { loadCsv, type CsvOptions } from '../../src/data/csv.js';
import { streamCsv } from '../../src/data/csv_stream.js';
import { ValueError } from '../../src/errors.js';

const dir = mkdtempSync(path.join(tmpdir(), 'autograd-stream-'));
function csv(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

interface Collected {
  X: number[];
  y: number[];
  sizes: number[];
  lines: number[];
  skipped: number[];
}

async function collect(file: string, options: CsvOptions & { batchRows: number }): Promise<Collected> {
  const out: Collected = { X: [], y: [], sizes: [], lines: [], skipped: [] };
  for await (const b of streamCsv(file, options)) {
    assert.equal(b.X.length, b.rows * b.featureNames.length);
    assert.equal(b.y.length, b.rows * b.targetNames.length);
    for (const v of b.X) out.X.push(v);
    for (const v of b.y) out.y.push(v);
    out.sizes.push(b.rows);
    out.lines.push(b.firstLine);
    out.skipped.push(b.skippedRows);
  }
  return out;
}

// 40,000 rows over three 1 MiB chunks, a blank line every 1,000 rows and a NaN row every 7,000.
const rows = Array.from({ length: 40_000 }, (_, i) => {
  const cells = Array.from({ length: 8 }, (_, j) => String((i * 8 + j) / 16 - 1000.5));
  return `${cells.join(',')},${i % 7000 === 6999 ? 'NaN' : i}${i % 1000 === 999 ? '\n' : ''}`;
});
const bigText = `a,b,c,d,e,f,g,h,y\n${rows.join('\n')}\n`;

describe('batches', () => {
  for (const fastPath of [true, false]) {
    test(`concatenate to loadCsv's result over several chunks (fastPath ${fastPath})`, async () => {
      const file = csv(`big-${fastPath}.csv`, bigText);
      const options = { dtype: 'float64' as const, invalidRows: 'skip' as const, fastPath };
      const whole = await loadCsv(file, options);
      const s = await collect(file, { ...options, batchRows: 4096 });
      assert.ok(bigText.length > 2 << 20);
      assert.deepEqual(s.sizes, [...Array.from({ length: 9 }, () => 4096), whole.rows - 9 * 4096]);
      assert.deepEqual(s.X, Array.from(whole.X));
      assert.deepEqual(s.y, Array.from(whole.y));
      assert.deepEqual([whole.skippedRows, s.skipped.at(-1)], [5, 5]);
    });
  }

  test('firstLine counts the header and blank lines; skippedRows is a running total', async () => {
    const file = csv('lines.csv', 'x,y\n\n1,1\n2,2\n\n3,3\n4,NaN\n5,5\n6,6\n');
    const s = await collect(file, { batchRows: 2, invalidRows: 'skip' });
    assert.deepEqual(s.sizes, [2, 2, 1]);
    assert.deepEqual(s.lines, [3, 6, 9]);
    assert.deepEqual(s.skipped, [0, 1, 1]);
    assert.deepEqual(s.y, [1, 2, 3, 5, 6]);
  });

  test('a batch is yielded before the file has been written to the end (a FIFO)', { skip: !existsSync('/usr/bin/mkfifo') }, async () => {
    const fifo = path.join(dir, 'pipe.csv');
    execFileSync('/usr/bin/mkfifo', [fifo]);
    const batches = streamCsv(fifo, { batchRows: 3 })[Symbol.asyncIterator]();
    const next = batches.next(); // opens the FIFO for reading, which lets the writer's open return
    const w = await open(fifo, 'w');
    await w.write('x,y\n1,10\n2,20\n3,30\n4,');
    const first = await next; // the writer has not finished: the complete lines are read
    assert.deepEqual([first.done, Array.from(first.value.X), Array.from(first.value.y), first.value.firstLine], [false, [1, 2, 3], [10, 20, 30], 2]);
    await w.write('40\n');
    await w.close();
    const last = await batches.next();
    assert.deepEqual([Array.from(last.value.X), Array.from(last.value.y)], [[4], [40]]);
    assert.equal((await batches.next()).done, true);
  });

  test('stopping early closes the file', { skip: !existsSync('/proc/self/fd') }, async () => {
    const file = csv('early.csv', bigText);
    const fds = readdirSync('/proc/self/fd').length;
    for await (const b of streamCsv(file, { batchRows: 10 })) {
      assert.equal(b.rows, 10);
      assert.equal(readdirSync('/proc/self/fd').length, fds + 1);
      break;
    }
    assert.equal(readdirSync('/proc/self/fd').length, fds);
  });
});

describe("loadCsv's errors, at the right line in a later chunk", () => {
  test('an invalid number near the end of a 3 MB file', async () => {
    const text = `${bigText}1,2,3,4,5,6,7,oops,9\n`;
    const file = csv('late.csv', text);
    const line = text.split('\n').length - 1;
    await assert.rejects(collect(file, { batchRows: 5000, invalidRows: 'skip' }), { message: `${file}:${line}:8: invalid number 'oops' in column 8 ('h')` });
  });

  test('the same texts as loadCsv', async () => {
    const cases = ['x,y\n1,2\n3\n', 'x,y\n1,"2\n', 'x,y\n', '', 'x,y\n1,12abc\n'];
    for (const [k, text] of cases.entries()) {
      const file = csv(`e${k}.csv`, text);
      const want = await loadCsv(file).then(() => 'no error', (err: Error) => err.message);
      await assert.rejects(collect(file, { batchRows: 1 }), { message: want });
    }
    const missing = path.join(dir, 'missing.csv');
    await assert.rejects(collect(missing, { batchRows: 1 }), { name: 'InputError', message: `cannot read '${missing}': no such file or directory` });
  });

  test('batchRows must be a positive integer', async () => {
    await assert.rejects(collect(csv('ok.csv', 'x,y\n1,2\n'), { batchRows: 0 }), (err: unknown) => err instanceof ValueError && err.message === 'batchRows must be a positive integer, got 0');
  });
});
