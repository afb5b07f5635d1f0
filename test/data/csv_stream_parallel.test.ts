// streamCsv's batches parsed on worker threads (data/csv_stream_parallel.ts): the same rows in the same
// batches as the serial stream, the same counts, and the same first error with its file:line:column, also
// when a window cut falls inside a quoted field with a line break. Small windows stand in for 16 MB ones.

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { streamCsv } from '../../src/data/csv_stream.js';
import { streamCsvParallel } from '../../src/data/csv_stream_parallel.js';
import type { CsvBatch, CsvOptions } from '../../src/data/csv_options.js';

const dir = mkdtempSync(path.join(tmpdir(), 'autograd-stream-parallel-'));

function write(name: string, lines: string[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

type Seen = Array<{ X: number[]; y: number[]; rows: number; names: string[] }>;

async function collect(batches: AsyncGenerator<CsvBatch>): Promise<{ seen: Seen; skipped: number; missing: number } | string> {
  const seen: Seen = [];
  let skipped = 0;
  let missing = 0;
  try {
    for await (const b of batches) {
      seen.push({ X: Array.from(b.X), y: Array.from(b.y), rows: b.rows, names: [...b.featureNames, ...b.targetNames] });
      skipped = b.skippedRows;
      missing += b.missingCells;
    }
  } catch (err) {
    return (err as Error).message;
  }
  return { seen, skipped, missing };
}

async function same(file: string, options: CsvOptions & { batchRows: number }, what: string): Promise<void> {
  const serial = await collect(streamCsv(file, options));
  for (const workers of [1, 2]) {
    for (const windowBytes of [512, 4096]) {
      const parallel = await collect(streamCsvParallel(file, options, { windowBytes, workers }));
      assert.deepEqual(parallel, serial, `${what}: ${workers} workers, ${windowBytes}-byte windows`);
    }
  }
}

const rows = (n: number, row: (i: number) => string): string[] => Array.from({ length: n }, (_, i) => row(i));

describe('streamCsvParallel', () => {
  test('the serial stream\'s batches, counts and names', async () => {
    const plain = write('plain.csv', ['a,b,y', ...rows(3000, (i) => `${i / 7},${(i * 13) % 29 - 14.5},${i % 11}`)]);
    for (const batchRows of [1, 64, 1000, 5000]) await same(plain, { batchRows }, `batches of ${batchRows}`);
    const headerless = write('headerless.csv', rows(2000, (i) => `${i},${-i / 3}`));
    await same(headerless, { batchRows: 300 }, 'no header');
    const holes = write('holes.csv', ['a,b,y', ...rows(2000, (i) => (i % 97 === 5 ? `,${i},1` : i % 89 === 3 ? `${i},NA,2` : `${i},${i / 2},3`))]);
    await same(holes, { batchRows: 256, missing: 'drop' }, 'missing drop');
    await same(holes, { batchRows: 256, missing: 'nan' }, 'missing nan');
    await same(plain, { batchRows: 100, features: ['b'], target: ['a'], dtype: 'float64' }, 'columns and float64');
  });

  test('quoted fields with line breaks across window cuts', async () => {
    const quoted = write('quoted.csv', ['a,note,y', ...rows(1500, (i) => (i % 40 === 7 ? `${i},"two\n${'x'.repeat(i % 700)}\nlines",${i % 5}` : `${i},plain,${i % 5}`))]);
    await same(quoted, { batchRows: 128, features: ['a'] }, 'quoted line breaks');
  });

  test('the first error, with its line and column, as the serial parse gives it', async () => {
    const bad = write('bad.csv', ['a,b,y', ...rows(2500, (i) => (i === 1900 ? `${i},12abc,1` : i === 2200 ? `${i},oops,1` : `${i},${i},1`))]);
    const serial = await collect(streamCsv(bad, { batchRows: 200 }));
    assert.equal(typeof serial, 'string');
    assert.match(serial as string, /bad\.csv:1902:\d+: invalid number '12abc'/);
    await same(bad, { batchRows: 200 }, 'an invalid cell');
    const short = write('short.csv', ['a,b,y', ...rows(2500, (i) => (i === 2000 ? `${i},1` : `${i},${i},1`))]);
    await same(short, { batchRows: 200 }, 'a short row');
    const unclosed = write('unclosed.csv', ['a,b,y', ...rows(2500, (i) => (i === 1500 ? `${i},"${i},1` : `${i},${i},1`))]);
    await same(unclosed, { batchRows: 200 }, 'an unclosed quote');
  });
});
