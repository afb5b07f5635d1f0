// streamCsv: batches that concatenate to loadCsv's result, with the same column rules and error texts.

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { loadCsv } from '../../src/data/csv.js';
import { streamCsv } from '../../src/data/csv_stream.js';

const dir = mkdtempSync(path.join(tmpdir(), 'autograd-stream-'));

async function collect(file: string, batchRows: number): Promise<{ X: number[]; y: number[]; sizes: number[]; lines: number[] }> {
  const out = { X: [] as number[], y: [] as number[], sizes: [] as number[], lines: [] as number[] };
  for await (const b of streamCsv(file, { batchRows, dtype: 'float64' })) {
    out.X.push(...b.X);
    out.y.push(...b.y);
    out.sizes.push(b.rows);
    out.lines.push(b.firstLine);
  }
  return out;
}

test('batches of at most batchRows concatenate to what loadCsv reads', async () => {
  const rows = Array.from({ length: 25 }, (_, i) => `${i * 0.5},${-i},${i * i}`);
  const file = path.join(dir, 'a.csv');
  writeFileSync(file, `a,b,y\n${rows.join('\n')}\n`);
  const whole = loadCsv(file, { dtype: 'float64' });
  const s = await collect(file, 10);
  assert.deepEqual(s.sizes, [10, 10, 5]);
  assert.deepEqual(s.lines, [2, 12, 22]);
  assert.deepEqual(s.X, Array.from(whole.X));
  assert.deepEqual(s.y, Array.from(whole.y));
});

test('an error in a later batch names its own line', async () => {
  const file = path.join(dir, 'bad.csv');
  writeFileSync(file, `x,y\n${Array.from({ length: 30 }, (_, i) => `${i},${i}`).join('\n')}\n31,oops\n`);
  await assert.rejects(collect(file, 8), { message: `${file}:32:2: invalid number 'oops' in column 2 ('y')` });
});

test('a missing file is an InputError', async () => {
  const file = path.join(dir, 'missing.csv');
  await assert.rejects(collect(file, 8), { message: `cannot read '${file}': no such file or directory` });
});
