// loadCsv on several threads (data/csv_parallel.ts) against the serial parse of the same file: cut into
// ranges of a few hundred bytes (so that cuts fall everywhere), with a worker, the values must be the
// same bit for bit, and an error the same text (file:line:column) — errors planted in several ranges,
// quoted fields over a cut, CRLF and CR line ends, a header-less file, skipped rows, shared memory.

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { loadCsv, type CsvOptions, type CsvTable } from '../../src/data/csv.js';
import { loadCsvParallel, type ParallelTuning } from '../../src/data/csv_parallel.js';
import { sharedAddress } from '../../src/kernels/shared_memory.js';

const dir = mkdtempSync(path.join(tmpdir(), 'autograd-csvpar-'));
let files = 0;
function csv(text: string): string {
  const file = path.join(dir, `f${files++}.csv`);
  writeFileSync(file, text);
  return file;
}

type Outcome = { table: Omit<CsvTable, 'X' | 'y'> & { X: number[]; y: number[] } } | { error: string; type: string };

async function run(load: () => Promise<CsvTable | null>): Promise<Outcome> {
  try {
    const t = await load();
    assert.ok(t !== null, 'the parallel parse declined the file');
    return { table: { ...t, X: Array.from(t.X), y: Array.from(t.y) } };
  } catch (err) {
    return { error: (err as Error).message, type: (err as Error).constructor.name };
  }
}

/** The parallel parse (small ranges, one worker) gives exactly the serial outcome; returns it. */
async function same(file: string, options: CsvOptions = {}, tuning: ParallelTuning = {}): Promise<Outcome> {
  const serial = await run(() => loadCsv(file, options));
  const parallel = await run(() => loadCsvParallel(file, options, { threads: 2, minBytes: 0, chunkBytes: 97, ...tuning }));
  assert.deepEqual(parallel, serial);
  return serial;
}

/** `n` rows of `width` features and y, with values that vary in length and sign. */
function rows(n: number, width: number, eol = '\n', from = 0): string[] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: width + 1 }, (_, j) => (((i + from) * 7 + j * 13) % 17 - 8) * 0.37 + j).join(',') + eol);
}

describe('loadCsv on several threads', () => {
  test('values, names and counts equal the serial parse, with LF, CRLF and CR line ends', async () => {
    for (const eol of ['\n', '\r\n', '\r']) {
      const o = await same(csv(`a,b,c,y${eol}${rows(300, 3, eol).join('')}`));
      assert.ok('table' in o && o.table.rows === 300);
    }
    // cuts near every byte offset once: ranges of 40 to 60 bytes
    const file = csv(`x,y\n${rows(200, 1).join('')}`);
    for (const chunkBytes of [40, 47, 53, 60]) await same(file, {}, { chunkBytes });
  });

  test('the same first error when errors are planted in several ranges', async () => {
    const lines = rows(400, 2);
    lines[120] = '1,2abc,3\n';
    lines[250] = '1,2\n';
    lines[390] = '1,,3\n';
    const file = csv(`a,b,y\n${lines.join('')}`);
    const o = await same(file);
    assert.ok('error' in o && o.error === `${file}:122:2: invalid number '2abc' in column 2 ('b')`, JSON.stringify(o));
    // only the last planted errors: the error is found in a later range, its line counted across all ranges before
    lines[120] = rows(1, 2, '\n', 120)[0];
    const o2 = await same(csv(`a,b,y\n${lines.join('')}`));
    assert.ok('error' in o2 && o2.error.endsWith(':252: row has 2 fields, expected 3'), JSON.stringify(o2));
    lines[250] = rows(1, 2, '\n', 250)[0];
    const o3 = await same(csv(`a,b,y\r\n${lines.join('').replaceAll('\n', '\r\n')}`));
    assert.ok('error' in o3 && o3.error.includes(':392:'), JSON.stringify(o3));
  });

  test('quoted fields with line breaks over the cuts, and an unclosed quote', async () => {
    const lines = rows(300, 2);
    for (let i = 10; i < 300; i += 23) lines[i] = `"1\n",2,"\n\n3"\n`; // invalid numbers: the error's line shows the record's first
    const bad = await same(csv(`a,b,y\n${lines.join('')}`));
    assert.ok('error' in bad);
    for (let i = 10; i < 300; i += 23) lines[i] = `"1","2\n",3\n`; // a quoted number with a line break: trimmed by csv-parse
    await same(csv(`"a","b\nb",y\n${lines.join('')}`));
    for (let i = 10; i < 300; i += 23) lines[i] = `1,"2",3\n`;
    const good = await same(csv(`a,b,y\n${lines.join('')}`));
    assert.ok('table' in good && good.table.rows === 300);
    lines[200] = '1,"2,3\n';
    await same(csv(`a,b,y\n${lines.join('')}`));
  });

  test('a header-less file, blank lines, skipped rows, column selection and float64', async () => {
    const lines = rows(300, 3);
    for (let i = 5; i < 300; i += 31) lines[i] = '\n\n';
    await same(csv(lines.join('')));
    for (let i = 7; i < 300; i += 29) lines[i] = '1,nan,3,4\n';
    await same(csv(`a,b,c,y\n${lines.join('')}`), { invalidRows: 'skip', dtype: 'float64', features: ['c', 0], target: 'b' });
    await same(csv(`a,b,c,y\n${'1,nan,3,4\n'.repeat(50)}`), { invalidRows: 'skip' });
  });

  test('rows past a range\'s estimate (rows getting shorter) and X in the shared memory', async () => {
    const long = Array.from({ length: 200 }, (_, i) => `${i}.123456789,${i}.987654321,${-i}.5\n`).join('');
    const short = Array.from({ length: 2000 }, (_, i) => `${i % 10},${i % 7},${i % 3}\n`).join('');
    const file = csv(`a,b,y\n${long}${short}`);
    await same(file, {}, { chunkBytes: 4000 });
    const t = await loadCsvParallel(file, { shared: true }, { threads: 2, minBytes: 0, chunkBytes: 4000 });
    assert.ok(t !== null && sharedAddress(t.X) >= 0);
    const s = await loadCsv(file);
    const ts = await loadCsv(file, { shared: true });
    assert.ok(sharedAddress(ts.y) >= 0, 'loadCsv puts y beside a shared X');
    assert.deepEqual(Array.from(ts.y), Array.from(s.y));
    assert.deepEqual(Array.from(t.X), Array.from(s.X));
  });

  test('small files and a disabled thread count stay serial', async () => {
    assert.equal(await loadCsvParallel(csv('x,y\n1,2\n'), {}), null);
  });
});
