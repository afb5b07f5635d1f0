// Real-world CSVs through loadCsv (issue 19, item 6): field delimiters detected or given, gzip files
// decompressed as they are read, missing cells dropped, filled with means or kept as NaN, text columns
// one-hot encoded, and a --target's named neighbours left out of the features. Every case runs through
// the byte-level fast path and csv-parse alone, and (where it applies) the parallel parse and the cache:
// they must agree exactly, values and error texts.

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, test } from 'node:test';
import { csvEncoding, loadCsv, streamCsv, type CsvOptions, type CsvTable } from '../../src/data/csv.js';
import { loadCsvParallel } from '../../src/data/csv_parallel.js';
import { loadCsvCached } from '../../src/data/cache.js';
import { MAX_CATEGORIES } from '../../src/data/csv_encode.js';
import { DataError, ValueError } from '../../src/errors.js';

const dir = mkdtempSync(path.join(tmpdir(), 'autograd-csvreal-'));
let count = 0;
function csv(text: string | Buffer, name = `f${count++}.csv`): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

type Plain = Omit<CsvTable, 'X' | 'y'> & { X: number[]; y: number[] };
type Outcome = { table: Plain } | { error: string; type: string };

const plain = (t: CsvTable): Plain => ({ ...t, X: Array.from(t.X), y: Array.from(t.y) });

async function outcome(load: () => Promise<CsvTable | null>): Promise<Outcome> {
  try {
    const t = await load();
    assert.ok(t !== null, 'declined');
    return { table: plain(t) };
  } catch (err) {
    return { error: (err as Error).message, type: (err as Error).constructor.name };
  }
}

/** The fast path and csv-parse alone agree; returns the outcome. */
async function both(file: string, options: CsvOptions = {}): Promise<Outcome> {
  const fast = await outcome(() => loadCsv(file, { ...options, fastPath: true }));
  const slow = await outcome(() => loadCsv(file, { ...options, fastPath: false }));
  assert.deepEqual(fast, slow);
  return fast;
}

/** Also the parallel parse (tiny ranges, one worker) and the cache (written, then read) agree. */
async function everyPath(file: string, options: CsvOptions = {}): Promise<Outcome> {
  const serial = await both(file, options);
  const parallel = await outcome(() => loadCsvParallel(file, options, { threads: 2, minBytes: 0, chunkBytes: 61 }));
  // categories are numbered as first seen: the parallel parse declines them (the serial parse reads the file)
  const declines = (options.categorical ?? []).length > 0 || options.categories !== undefined;
  if (declines) assert.deepEqual(parallel, { error: 'declined', type: 'AssertionError' });
  if ('table' in serial) {
    // loadCsv applies 'mean' after the parse: the parallel parse alone leaves NaN
    if (options.missing !== 'mean' && !declines) assert.deepEqual(parallel, serial);
    const cacheDir = mkdtempSync(path.join(dir, 'cache-'));
    const written = await loadCsvCached(file, options, cacheDir);
    const hit = await loadCsvCached(file, options, cacheDir);
    assert.equal(hit.status, 'hit');
    assert.deepEqual({ ...plain(written.table), file: '' }, { ...serial.table, file: '' });
    assert.deepEqual({ ...plain(hit.table), file: '' }, { ...serial.table, file: '' });
  } else if (!declines) assert.deepEqual(parallel, serial);
  return serial;
}

async function table(file: string, options: CsvOptions = {}): Promise<Plain> {
  const o = await everyPath(file, options);
  if ('error' in o) assert.fail(`${o.type}: ${o.error}`);
  return o.table;
}

async function failure(file: string, options: CsvOptions = {}): Promise<string> {
  const o = await both(file, options);
  if ('table' in o) assert.fail('expected an error');
  return o.error;
}

/** `n` rows of numbers joined by `sep`, with a header a,b,y. */
function numeric(n: number, sep: string, eol = '\n'): string {
  const lines = [['a', 'b', 'y'].join(sep)];
  for (let i = 0; i < n; i++) lines.push([((i * 7) % 13) - 6.5, (i * 0.37).toFixed(2), -((i * 11) % 17) / 4].join(sep));
  return lines.join(eol) + eol;
}

describe('field delimiters: detected among , ; tab |, or given', () => {
  for (const [name, sep] of [['comma', ','], ['semicolon', ';'], ['tab', '\t'], ['pipe', '|']] as const) {
    test(`${name}: detected, the same values as the comma file`, async () => {
      const want = await table(csv(numeric(120, ',')));
      for (const eol of ['\n', '\r\n']) {
        const t = await table(csv(numeric(120, sep, eol)));
        assert.equal(t.delimiter, sep);
        assert.deepEqual([t.columns, t.X, t.y], [want.columns, want.X, want.y]);
        // given explicitly: the same
        const given = await table(csv(numeric(120, sep, eol)), { delimiter: sep });
        assert.deepEqual({ ...given, file: '' }, { ...t, file: '' });
      }
    });
  }

  test('a quoted header field holding another delimiter does not count; a decimal comma stays an error', async () => {
    const t = await table(csv('"a,b";"c|d";y\n1;2;3\n4;5;6\n'));
    assert.equal(t.delimiter, ';');
    assert.deepEqual(t.columns, ['a,b', 'c|d', 'y']);
    const f = csv('x;y\n1,5;2\n');
    assert.equal(await failure(f), `${f}:2:1: invalid number '1,5' in column 1 ('x')`);
  });

  test('the delimiter that splits every sampled line alike wins over one that is more frequent on the first', async () => {
    // the header has three commas but one semicolon; the data lines agree only on the semicolon
    const t = await table(csv('a,b,c,d;y\n1;2\n3;4\n5;6\n'));
    assert.equal(t.delimiter, ';');
    assert.deepEqual(t.columns, ['a,b,c,d', 'y']);
  });

  test('one column (no delimiter at all) is a comma file; spaces around tab-separated values are trimmed', async () => {
    const one = await table(csv('a\n1\n2\n'), { target: [] });
    assert.equal(one.delimiter, ',');
    const t = await table(csv('a\tb\ty\n 1 \t2\t 3\n'));
    assert.deepEqual([t.X, t.y], [[1, 2], [3]]);
  });

  test('a delimiter given against the file: its error names the line and column', async () => {
    const f = csv(numeric(3, ';'));
    assert.equal(await failure(f, { delimiter: ',' }), `${f}: no feature columns left (columns: a;b;y)`);
    const g = csv('a,b,y\n1,2,3\n');
    assert.equal(await failure(g, { delimiter: '|', features: [0], target: [] }), `${g}:2:1: invalid number '1,2,3' in column 1 ('a,b,y')`);
    await assert.rejects(loadCsv(g, { delimiter: ':' as never }), ValueError);
  });
});

describe('gzip files, decompressed as they are read', () => {
  const text = numeric(5000, ',');

  test('by name or by its first bytes; the same table as the plain file', async () => {
    const want = await table(csv(text));
    for (const name of ['d.csv.gz', 'd-gz.csv', 'D.CSV.GZ']) {
      const t = await both(csv(gzipSync(text), name));
      assert.ok('table' in t);
      assert.deepEqual({ ...t.table, file: '' }, { ...want, file: '' });
    }
    // the parallel parse declines a gzip file (it is read serially)
    assert.equal(await loadCsvParallel(csv(gzipSync(text), 'p.csv.gz'), {}, { threads: 2, minBytes: 0 }), null);
  });

  test('streamCsv reads a gzip file in batches', async () => {
    const f = csv(gzipSync(text), 's.csv.gz');
    let rows = 0;
    for await (const b of streamCsv(f, { batchRows: 999 })) rows += b.rows;
    assert.equal(rows, 5000);
  });

  test('a cell error inside a gzip file names its line and column', async () => {
    const f = csv(gzipSync(`${text}1,oops,3\n`), 'bad.csv.gz');
    assert.equal(await failure(f), `${f}:5002:2: invalid number 'oops' in column 2 ('b')`);
  });

  test('truncated or corrupt gzip data: one line with the line reached, a DataError', async () => {
    const gz = gzipSync(text);
    const cut = csv(gz.subarray(0, gz.length >> 1), 'cut.csv.gz');
    const e1 = await failure(cut);
    assert.match(e1, new RegExp(`^${cut.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: the gzip data ends early \\(a truncated file\\?\\)$`));
    const notGz = csv('x,y\n1,2\n', 'plain.csv.gz');
    assert.equal(await failure(notGz), `${notGz}:1: corrupt gzip data (incorrect header check)`);
    const flipped = Buffer.from(gz);
    flipped[flipped.length >> 1] ^= 0xff;
    const bad = csv(flipped, 'flip.csv.gz');
    await assert.rejects(loadCsv(bad), (err: unknown) => err instanceof DataError && /^.*flip\.csv\.gz:\d+(:\d+)?: /.test(err.message) && !err.message.includes('\n'));
  });
});

describe("missing cells: 'error' (default), 'drop', 'mean', 'nan'", () => {
  const text = 'a,b,y\n1,2,3\n,5,6\nNA,8,9\n10,N/A,12\n13,14,15\nnan,null,18\n';

  test("'error': an empty cell is an error as before; NA is an invalid number", async () => {
    const f = csv(text);
    assert.equal(await failure(f), `${f}:3:1: empty cell in column 1 ('a')`);
    const g = csv('a,b,y\n1,2,3\nNA,5,6\n');
    assert.equal(await failure(g), `${g}:3:1: invalid number 'NA' in column 1 ('a')`);
  });

  test("'drop': rows with a missing feature or target are left out and counted", async () => {
    const t = await table(csv(`${text}19,20,\n`), { missing: 'drop', dtype: 'float64' });
    assert.deepEqual([t.rows, t.skippedRows, t.X, t.y, t.missingCells], [2, 5, [1, 2, 13, 14], [3, 15], 0]);
  });

  test("'nan': missing feature cells are NaN and counted; 'mean' fills them with each feature's mean", async () => {
    const f = csv(text);
    const t = await table(f, { missing: 'nan', dtype: 'float64' });
    assert.deepEqual(t.X, [1, 2, NaN, 5, NaN, 8, 10, NaN, 13, 14, NaN, NaN]);
    assert.equal(t.missingCells, 5);
    const m = await table(f, { missing: 'mean', dtype: 'float64' });
    const meanA = (1 + 10 + 13) / 3;
    const meanB = (2 + 5 + 8 + 14) / 4;
    assert.deepEqual(m.fill, [meanA, meanB]);
    assert.deepEqual(m.X, [1, 2, meanA, 5, meanA, 8, 10, meanB, 13, 14, meanA, meanB]);
    // float32: the float64 mean rounded once, as the table stores it
    const m32 = await table(f, { missing: 'mean' });
    assert.equal(m32.X[2], Math.fround(meanA));
  });

  test('pandas NA spellings are missing; inf is not (it stays an error)', async () => {
    const tokens = ['', 'NA', 'N/A', 'n/a', 'NaN', 'nan', '-NaN', '-nan', 'null', 'NULL', 'None', '<NA>', '#N/A', '#NA', '#N/A N/A', '1.#IND', '-1.#IND', '1.#QNAN', '-1.#QNAN'];
    const t = await table(csv(`a,y\n${tokens.map((s, i) => `${s.includes(' ') ? `"${s}"` : s},${i}`).join('\n')}\n7,99\n`), { missing: 'drop' });
    assert.deepEqual([t.rows, t.skippedRows, t.y], [1, tokens.length, [99]]);
    const f = csv('a,y\ninf,1\n');
    assert.equal(await failure(f, { missing: 'drop' }), `${f}:2:1: non-finite value 'inf' in column 1 ('a')`);
  });

  test('a missing target with mean or nan is an error; a feature with no value at all cannot take a mean', async () => {
    const f = csv('a,y\n1,2\n3,\n');
    assert.equal(await failure(f, { missing: 'mean' }), `${f}:3:2: missing target value '' in column 2 ('y')`);
    const g = csv('a,b,y\n,1,2\nNA,3,4\n');
    assert.equal(await failure(g, { missing: 'mean' }), `${g}: feature 'a' has no values to take the mean of (every cell is missing)`);
    await assert.rejects(loadCsv(g, { missing: 'maybe' as never }), ValueError);
  });

  test('every path agrees on a larger file with missing cells scattered through it', async () => {
    const lines = ['a;b;c;y'];
    for (let i = 0; i < 700; i++) {
      const cell = (v: number, k: number): string => ((i * 31 + k * 17) % 23 === 0 ? ['', 'NA', 'nan'][i % 3] : String(v));
      lines.push([cell(i % 19, 1), cell((i * 3) % 7, 2), cell(i / 8, 3), String(i % 5)].join(';'));
    }
    const f = csv(`${lines.join('\n')}\n`);
    for (const missing of ['drop', 'nan', 'mean'] as const) await table(f, { missing });
  });
});

describe('categorical columns, one-hot encoded', () => {
  const text = 'size,color,y\n1,red,3\n2,blue,4\n3,red,5\n4,green,6\n';

  test('categories sorted, features named column=category, every path agrees', async () => {
    const t = await table(csv(text), { categorical: ['color'], dtype: 'float64' });
    assert.deepEqual(t.featureNames, ['size', 'color=blue', 'color=green', 'color=red']);
    assert.deepEqual(t.encoding, { columns: ['size', 'color'], categories: { color: ['blue', 'green', 'red'] } });
    assert.deepEqual(t.X, [1, 0, 0, 1, 2, 1, 0, 0, 3, 0, 0, 1, 4, 0, 1, 0]);
    // by index; a numeric-looking category ('10001', a zip code) stays a category
    const z = await table(csv('zip,y\n10001,1\n02134,2\n10001,3\n'), { categorical: [0] });
    assert.deepEqual([z.featureNames, z.X], [['zip=02134', 'zip=10001'], [0, 1, 1, 0, 0, 1]]);
  });

  test('known categories (a model\'s) keep their order; an unknown value is an error at its line and column', async () => {
    const f = csv(text);
    const t = await table(f, { categories: { color: ['red', 'green', 'blue'] }, dtype: 'float64' });
    assert.deepEqual(t.featureNames, ['size', 'color=red', 'color=green', 'color=blue']);
    assert.deepEqual(t.X.slice(0, 8), [1, 1, 0, 0, 2, 0, 0, 1]);
    assert.equal(await failure(f, { categories: { color: ['red', 'blue'] } }), `${f}:5:2: unknown category 'green' in column 2 ('color') (known: red, blue)`);
  });

  test('a missing category is NaN in all its columns, and mean fills them with the frequencies', async () => {
    const f = csv('color,y\nred,1\n,2\nblue,3\nred,4\nNA,5\n');
    const n = await table(f, { categorical: ['color'], missing: 'nan' });
    assert.deepEqual(n.X, [0, 1, NaN, NaN, 1, 0, 0, 1, NaN, NaN]);
    const m = await table(f, { categorical: ['color'], missing: 'mean', dtype: 'float64' });
    assert.deepEqual(m.fill, [1 / 3, 2 / 3]);
    // with 'error' an empty categorical cell is an error, and NA is a category like any other
    assert.equal(await failure(f, { categorical: ['color'] }), `${f}:3:1: empty cell in column 1 ('color')`);
  });

  test('a categorical target, an unselected column, an unknown one, too many categories: one-line errors', async () => {
    const f = csv(text);
    assert.equal(await failure(f, { categorical: ['y'] }), `${f}: categorical column 3 ('y') is a target (targets must be numbers)`);
    assert.equal(await failure(f, { categorical: ['color'], features: ['size'] }), `${f}: categorical column 2 ('color') is not a selected feature`);
    assert.equal(await failure(f, { categorical: ['colour'] }), `${f}: no categorical column named 'colour' (columns: size, color, y)`);
    const ids = csv(`id,y\n${Array.from({ length: MAX_CATEGORIES + 1 }, (_, i) => `id${i},${i}`).join('\n')}\n`);
    assert.equal(await failure(ids, { categorical: ['id'] }), `${ids}:${MAX_CATEGORIES + 2}:1: column 1 (id) has more than ${MAX_CATEGORIES} categories: is it a numeric or an id column?`);
  });

  test('csvEncoding collects the categories in one pass; streamCsv encodes batches with them', async () => {
    const f = csv(text);
    const enc = await csvEncoding(f, { categorical: ['color'] });
    assert.deepEqual(enc, { columns: ['size', 'color'], categories: { color: ['blue', 'green', 'red'] } });
    const whole = await loadCsv(f, { categorical: ['color'] });
    const X: number[] = [];
    for await (const b of streamCsv(f, { categories: enc.categories, batchRows: 3 })) {
      assert.deepEqual(b.featureNames, whole.featureNames);
      X.push(...b.X);
    }
    assert.deepEqual(X, Array.from(whole.X));
    await assert.rejects(async () => {
      for await (const _ of streamCsv(f, { categorical: ['color'], batchRows: 3 })) void _;
    }, ValueError);
  });
});

describe('a target chosen by name leaves the other named targets out of the features', () => {
  const two = 'x0,x1,y0,y1\n1,2,3,4\n5,6,7,8\n';

  test('--target y1 on a two-target file: features x0, x1 (not y0), unless asked for', async () => {
    const f = csv(two);
    assert.deepEqual((await table(f, { target: 'y1' })).featureNames, ['x0', 'x1']);
    assert.deepEqual((await table(f, { target: ['y0', 'y1'] })).featureNames, ['x0', 'x1']);
    assert.deepEqual((await table(f, { target: 3 })).featureNames, ['x0', 'x1']);
    assert.deepEqual((await table(f, { target: 'y1', features: ['x0', 'y0'] })).featureNames, ['x0', 'y0']);
    const g = csv('x0,x1,y\n1,2,3\n');
    assert.deepEqual((await table(g, { target: 'x1' })).featureNames, ['x0']);
    // without a name-based target (the last column is the default), nothing else is left out
    const h = csv('a,b,c\n1,2,3\n');
    assert.deepEqual((await table(h, { target: 'b' })).featureNames, ['a', 'c']);
  });
});
