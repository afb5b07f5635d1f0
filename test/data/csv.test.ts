// loadCsv: odd formats against pandas' reading of the same files, column rules, and every error's
// exact text, each run through the byte-level fast path and through csv-parse alone (fastPath false),
// which must agree on values and messages.

import assert from 'node:assert/strict';
import fs, { mkdtempSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, mock, test } from 'node:test';
import { loadCsv, type CsvOptions, type CsvTable } from '../../src/data/csv.js';
import { DataError, InputError, IOFailure } from '../../src/errors.js';
import { sharedAddress } from '../../src/kernels/shared_memory.js';
import { fixturesDir, readFixture } from '../helpers/fixtures.js';

const dir = mkdtempSync(path.join(tmpdir(), 'autograd-csv-'));
function csv(name: string, text: string | Buffer): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

type Outcome = { table: CsvTable } | { error: string; type: string };

async function outcome(file: string, options: CsvOptions): Promise<Outcome> {
  try {
    return { table: await loadCsv(file, options) };
  } catch (err) {
    return { error: (err as Error).message, type: (err as Error).constructor.name };
  }
}

/** loadCsv through both paths; they must agree exactly (values, names, counts, or error text). */
async function both(file: string, options: CsvOptions = {}): Promise<Outcome> {
  const fast = await outcome(file, { ...options, fastPath: true });
  const slow = await outcome(file, { ...options, fastPath: false });
  const plain = (o: Outcome): unknown => ('table' in o ? { ...o.table, X: Array.from(o.table.X), y: Array.from(o.table.y) } : o);
  assert.deepEqual(plain(fast), plain(slow));
  return fast;
}

async function table(file: string, options: CsvOptions = {}): Promise<CsvTable> {
  const o = await both(file, options);
  if ('error' in o) assert.fail(`${o.type}: ${o.error}`);
  return o.table;
}

async function failure(file: string, options: CsvOptions = {}): Promise<{ error: string; type: string }> {
  const o = await both(file, options);
  if ('table' in o) assert.fail('expected an error');
  return o;
}

interface FileReference {
  header: boolean;
  columns: string[] | null;
  float64: number[][];
  float32: number[][];
}
const ref = readFixture<{ files: Record<string, FileReference> }>('csv/reference.json');

describe('odd formats read as pandas reads them (BOM, CRLF, CR, quotes, spaces, blank lines)', () => {
  for (const [name, want] of Object.entries(ref.files)) {
    for (const dtype of ['float64', 'float32'] as const) {
      test(`${name} (${dtype})`, async () => {
        const t = await table(path.join(fixturesDir(), 'csv', name), { dtype });
        const rows = want[dtype];
        const W = rows[0].length;
        if (want.columns !== null) assert.deepEqual(t.columns, want.columns);
        assert.equal(t.rows, rows.length);
        assert.deepEqual(Array.from(t.X), rows.flatMap((r) => r.slice(0, W - 1)));
        assert.deepEqual(Array.from(t.y), rows.map((r) => r[W - 1]));
        assert.ok(t.X instanceof (dtype === 'float32' ? Float32Array : Float64Array));
      });
    }
  }

  test('a quoted field over two lines in an unselected column; later lines keep their numbers', async () => {
    const f = csv('notes.csv', 'note,x,y\n"a\nb",1,2\n\n"c",3,oops\n');
    assert.equal((await failure(f, { features: ['x'] })).error, `${f}:5:3: invalid number 'oops' in column 3 ('y')`);
  });

  test('unselected text columns are not parsed (fast path skips them, csv-parse reads quotes)', async () => {
    const t = await table(path.join(fixturesDir(), 'csv/unselected_text.csv'), { features: ['x0', 'x1'], dtype: 'float64' });
    assert.deepEqual(Array.from(t.X), [0.5, 1.5, -0.5, 0.01, 7, 8]);
    assert.deepEqual(Array.from(t.y), [2, 3, 9]);
  });
});

describe('header and columns', () => {
  test('no header: detected from the first row; columns x0.., y (last)', async () => {
    const t = await table(csv('nohead.csv', '1,2,3\n4,5,6\n'));
    assert.deepEqual([t.columns, t.featureNames, t.targetNames, t.rows], [['x0', 'x1', 'y'], ['x0', 'x1'], ['y'], 2]);
  });

  test('a first row with only numbers, empty cells and NaN is data; header: true/false override', async () => {
    const f = csv('nanfirst.csv', '1,NaN,3\n4,5,6\n');
    assert.deepEqual((await failure(f)).error, `${f}:1:2: non-finite value 'NaN' in column 2 ('x1')`);
    const h = await table(f, { header: true });
    assert.deepEqual([h.columns, h.rows], [['1', 'NaN', '3'], 1]);
  });

  test('header: false on a row of names is an invalid number on line 1', async () => {
    const f = csv('names.csv', 'a,b\n1,2\n');
    assert.equal((await failure(f, { header: false })).error, `${f}:1:1: invalid number 'a' in column 1 ('x0')`);
  });

  test("csv-parse's trimming: trailing \\v and Unicode spaces go from names and values, both paths", async () => {
    const t = await table(csv('trim.csv', 'x\u000b,y\u00a0\n1\u00a0,2\u3000\n'));
    assert.deepEqual([t.columns, Array.from(t.X), Array.from(t.y)], [['x', 'y'], [1], [2]]);
  });

  test('default targets: y; else y0, y1, ... from y0; else the last column', async () => {
    assert.deepEqual((await table(csv('t1.csv', 'y,a,b\n1,2,3\n'))).targetNames, ['y']);
    assert.deepEqual((await table(csv('t2.csv', 'x0,y1,y0,x1\n1,2,3,4\n'))).targetNames, ['y0', 'y1']);
    assert.deepEqual((await table(csv('t3.csv', 'x0,y1,y2,z\n1,2,3,4\n'))).targetNames, ['z']);
  });

  test('target and features by name or index, in the order given; target [] for none', async () => {
    const f = csv('multi.csv', 'x0,x1,y0,y1\n1,2,3,4\n5,6,7,8\n');
    const t = await table(f, { target: 'x1', features: [3, 'x0'] });
    assert.deepEqual([t.featureNames, Array.from(t.X), Array.from(t.y)], [['y1', 'x0'], [4, 1, 8, 5], [2, 6]]);
    const none = await table(f, { target: [], features: ['y1'] });
    assert.deepEqual([none.targetNames, none.y.length, Array.from(none.X)], [[], 0, [4, 8]]);
    const two = await table(f, { target: [2, 'y1'] });
    assert.deepEqual([two.featureNames, Array.from(two.y)], [['x0', 'x1'], [3, 4, 7, 8]]);
  });

  test("invalidRows 'skip' drops rows with empty cells, NaN/inf or out-of-range values, and counts them", async () => {
    const t = await table(csv('skip.csv', 'x,y\n1,2\n,3\nNaN,4\n5,Infinity\n 6 ,7\n1e39,8\n9,-inf\n'), { invalidRows: 'skip' });
    assert.deepEqual([t.rows, t.skippedRows, Array.from(t.X), Array.from(t.y)], [2, 5, [1, 6], [2, 7]]);
    const f = csv('skipbad.csv', 'x,y\n1,2\nNaN,3\n4,12abc\n');
    assert.equal((await failure(f, { invalidRows: 'skip' })).error, `${f}:4:2: invalid number '12abc' in column 2 ('y')`);
    const all = csv('allskip.csv', 'x,y\nNaN,1\n2,\n');
    assert.equal((await failure(all, { invalidRows: 'skip' })).error, `${all}: no data rows left after skipping 2 invalid rows`);
  });
});

describe('errors name the file, line, column (index and header name) and value', () => {
  const cases: Array<[string, string, string]> = [
    ['1e', 'x,y\n1,2\n1e,3\n', ":3:1: invalid number '1e' in column 1 ('x')"],
    ['hex', 'x,y\n0x1A,2\n', ":2:1: invalid number '0x1A' in column 1 ('x')"],
    ['suffix', 'x0,x1\n1,2\n3,12abc\n', ":3:2: invalid number '12abc' in column 2 ('x1')"],
    ['dots', 'x,y\n1.2.3,1\n', ":2:1: invalid number '1.2.3' in column 1 ('x')"],
    ['minus', 'x,y\n--1,1\n', ":2:1: invalid number '--1' in column 1 ('x')"],
    ['lone-dot', 'x,y\n.,1\n', ":2:1: invalid number '.' in column 1 ('x')"],
    ['signed-dot', 'x,y\n1,-.\n', ":2:2: invalid number '-.' in column 2 ('y')"],
    ['empty', 'x,y\n1,\n', ':2:2: empty cell in column 2 (\'y\')'],
    ['quoted-empty', 'x,y\n"",1\n', ':2:1: empty cell in column 1 (\'x\')'],
    ['nan', 'x,y\nNaN,1\n', ":2:1: non-finite value 'NaN' in column 1 ('x')"],
    ['inf', 'x,y\n1,-Infinity\n', ":2:2: non-finite value '-Infinity' in column 2 ('y')"],
    ['lower-inf', 'x,y\n1,inf\n', ":2:2: non-finite value 'inf' in column 2 ('y')"],
    ['overflow', 'x,y\n1e39,1\n', ":2:1: value '1e39' out of range for float32 in column 1 ('x')"],
    ['ragged', 'a,b,c\n1,2,3\n\n4,5\n', ':4: row has 2 fields, expected 3'],
    ['too-many', 'a,b\n1,2,3\n', ':2: row has 3 fields, expected 2'],
    ['blank-lines-count', 'x,y\n\n1,2\n\r\n\n3,oops\n', ":6:2: invalid number 'oops' in column 2 ('y')"],
    ['crlf-lines', 'x,y\r\n1,2\r\n\r\n3,oops\r\n', ":4:2: invalid number 'oops' in column 2 ('y')"],
    ['cr-lines', 'x,y\r1,2\r\r3,oops\r', ":4:2: invalid number 'oops' in column 2 ('y')"],
    ['newline-in-value', 'x,y\n1,"2\n3"\n', ":2:2: invalid number '2\\n3' in column 2 ('y')"],
    ['unclosed', 'x,y\n1,2\n3,"4\n5,6\n', ':3:2: quote not closed in column 2 (\'y\')'],
    ['quote-inside', 'x,y\n1,2\n3,4"5\n', ':3:2: quote inside an unquoted field in column 2 (\'y\')'],
    ['after-quote', 'x,y\n1,"2"x\n', ':2:2: unexpected text after a closing quote in column 2 (\'y\')'],
    ['header-quote', 'x,"y\n1,2\n', ':1:2: quote not closed in column 2'],
    ['stray-bom', 'x,y\n\ufeff1,2\n', ":2:1: invalid number '\\ufeff1' in column 1 ('x')"],
    ['control-char', 'x,y\n1,\u00012\n', ":2:2: invalid number '\\u00012' in column 2 ('y')"],
    ['long-value', `x,y\n1,${'abcdefghij'.repeat(100000)}\n`, `:2:2: invalid number '${'abcdefghij'.repeat(7)}abcdefg...' in column 2 ('y')`],
    ['escaped-value', 'x,y\n1,\x1b]0;pwned\x07\x1b[2J\n', ":2:2: invalid number '\\u001b]0;pwned\\u0007\\u001b[2J' in column 2 ('y')"],
    ['only-header', 'x,y\n', ': no data rows'],
    ['only-header-blank', 'x,y\n\n\n', ': no data rows'],
    ['empty-file', '', ': the file is empty'],
    ['blank-file', '\n \n\r\n', ': the file is empty'],
    ['bom-only', '\ufeff', ': the file is empty'],
  ];
  for (const [name, text, message] of cases) {
    test(name, async () => {
      const file = csv(`${name}.csv`, text);
      assert.deepEqual(await failure(file), { error: `${file}${message}`, type: 'DataError' });
    });
  }

  test('a column name with a line break is shown escaped: every message is one line', async () => {
    const f = csv('nlname.csv', '"a\nb",y\n1,2\n3,x\n');
    assert.equal((await failure(f)).error, `${f}:4:2: invalid number 'x' in column 2 ('y')`);
    const g = csv('nlname2.csv', 'x,"a\nb"\n1,z\n');
    assert.equal((await failure(g, { target: 1 })).error, `${g}:3:2: invalid number 'z' in column 2 ('a\\nb')`);
    assert.equal((await failure(g, { target: 'q' })).error, `${g}: no target column named 'q' (columns: x, a\\nb)`);
  });

  test('a record that never ends stops at 64 MiB instead of filling memory', async () => {
    const file = csv('endless.csv', Buffer.concat([Buffer.from('x,y\n1,"'), Buffer.alloc(65 << 20, 'a')]));
    assert.equal((await failure(file)).error, `${file}:2: record longer than 64 MiB (a quote never closed, or no line breaks?)`);
  });

  test('the error carries its location', async () => {
    const file = csv('loc.csv', 'x,y\n1,2\n3,12abc\n');
    await assert.rejects(loadCsv(file), (err: unknown) => err instanceof DataError && JSON.stringify(err.location) === JSON.stringify({ file, line: 3, column: 2, columnName: 'y' }));
  });

  test('UTF-16 is refused on line 1', async () => {
    const file = csv('utf16.csv', Buffer.from('\ufeffx,y\n1,2\n', 'utf16le'));
    assert.equal((await failure(file)).error, `${file}:1: UTF-16 text is not supported; save the file as UTF-8`);
  });

  test('unknown target or feature names and indexes list the columns', async () => {
    const f = csv('cols.csv', 'a,b\n1,2\n');
    assert.equal((await failure(f, { target: 'z' })).error, `${f}: no target column named 'z' (columns: a, b)`);
    assert.equal((await failure(f, { features: [5] })).error, `${f}: no feature column at index 5 (columns: a, b)`);
    assert.equal((await failure(f, { target: -1 })).error, `${f}: no target column at index -1 (columns: a, b)`);
  });

  test('duplicate names are an error when both columns are selected, or when a name selects neither', async () => {
    const f = csv('dup.csv', 'a,a,y\n1,2,3\n');
    assert.equal((await failure(f)).error, `${f}:1: columns 1 and 2 are both named 'a' (a model names its columns uniquely): rename one`);
    assert.deepEqual((await table(f, { features: [1] })).featureNames, ['a']);
    assert.equal((await failure(f, { features: ['a'] })).error, `${f}: feature column name 'a' is ambiguous: columns 1 and 2 are both named 'a'`);
    const g = csv('dupy.csv', 'y,x,y\n1,2,3\n');
    assert.equal((await failure(g)).error, `${g}: target column name 'y' is ambiguous: columns 1 and 3 are both named 'y'`);
  });

  test('a column selected twice, or as both feature and target; no features left', async () => {
    const f = csv('twice.csv', 'a,b,y\n1,2,3\n');
    assert.equal((await failure(f, { features: ['a', 0] })).error, `${f}: column 1 ('a') is selected twice`);
    assert.equal((await failure(f, { features: ['y'] })).error, `${f}: column 3 ('y') is selected both as a feature and as a target`);
    const one = csv('one.csv', 'y\n1\n');
    assert.equal((await failure(one)).error, `${one}: no feature columns left (columns: y)`);
  });

  test('a missing file or a directory is an InputError', async () => {
    const file = path.join(dir, 'missing.csv');
    assert.deepEqual(await failure(file), { error: `cannot read '${file}': no such file or directory`, type: 'InputError' });
    await assert.rejects(loadCsv(dir), (err: unknown) => err instanceof InputError && err.message === `cannot read '${dir}': is a directory`);
  });

  test('an I/O error after reading started is an IOFailure', async () => {
    const file = csv('io.csv', 'x,y\n1,2\n');
    const read = fs.read;
    let calls = 0;
    // the second read fails (named imports of node:fs see the change once synced)
    const m = mock.method(fs, 'read', (...args: unknown[]) => {
      if (++calls === 2) {
        const callback = args[args.length - 1] as (err: Error) => void;
        process.nextTick(() => callback(Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' })));
        return;
      }
      (read as (...a: unknown[]) => void)(...args);
    });
    syncBuiltinESMExports();
    try {
      await assert.rejects(loadCsv(file), (err: unknown) => err instanceof IOFailure && err.message === `error while reading '${file}': input/output error`);
    } finally {
      m.mock.restore();
      syncBuiltinESMExports();
    }
  });
});

describe('files of several chunks', () => {
  // 30,000 rows of ~110 bytes (3.3 MB, four 1 MiB chunks); every 97th row has a quoted note spanning
  // two lines in an unselected column, a few rows have spaces, quotes, or NaN (skipped).
  const rows = 30_000;
  const lines = ['note,x0,x1,x2,x3,x4,x5,x6,x7,x8,y'];
  const X: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < rows; i++) {
    const v = Array.from({ length: 9 }, (_, j) => (i * 9 + j) / 8 - 10000);
    const note = i % 97 === 0 ? `"row ${i},\nsecond line"` : 'n';
    let cells = v.map(String);
    if (i % 1000 === 500) cells = cells.map((c) => ` ${c} `);
    if (i % 1000 === 700) cells[3] = `"${cells[3]}"`;
    const skip = i % 5000 === 4999;
    lines.push([note, ...cells, skip ? 'NaN' : String(-i)].join(','));
    if (!skip) {
      X.push(...v.slice(0, 9));
      y.push(Number(String(-i))); // String(-0) is "0"
    }
  }
  const text = `${lines.join('\n')}\n`;
  const features = ['x0', 'x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7', 'x8'];

  test('values and counts through chunk boundaries and hand-overs to csv-parse', async () => {
    const file = csv('big.csv', text);
    const t = await table(file, { dtype: 'float64', invalidRows: 'skip', features });
    assert.ok(text.length > 2 << 20, 'at least three chunks');
    assert.deepEqual([t.rows, t.skippedRows], [rows - 6, 6]);
    assert.deepEqual(Array.from(t.X), X);
    assert.deepEqual(Array.from(t.y), y);
  });

  test('the typed arrays are sized from the first rows: at most 5% unused', async () => {
    const t = await loadCsv(csv('big2.csv', text), { invalidRows: 'skip', features });
    assert.equal(t.X.length, t.rows * 9);
    assert.ok(t.X.buffer.byteLength <= t.X.byteLength * 1.05, `${t.X.buffer.byteLength} bytes for ${t.X.byteLength}`);
  });

  test('rows that get shorter after the first 4096: the estimate is redone, still at most 5% unused', async () => {
    const long = Array.from({ length: 5000 }, (_, i) => `${i}.000000000000000000001,${i}`);
    const short = Array.from({ length: 200_000 }, (_, i) => `${i},1`);
    const t = await loadCsv(csv('shorter.csv', `x,y\n${[...long, ...short].join('\n')}\n`));
    assert.equal(t.rows, 205_000);
    assert.deepEqual([t.X[4999], t.X[5000], t.X[204_999]], [4999, 0, 199_999]);
    assert.ok(t.X.buffer.byteLength <= t.X.byteLength * 1.05, `${t.X.buffer.byteLength} bytes for ${t.X.byteLength}`);
  });

  test('shared: X in the shared memory, grown in place as the estimate is redone, and y beside it, same values', async () => {
    const file = csv('big3.csv', text);
    for (const dtype of ['float32', 'float64'] as const) {
      const plain = await loadCsv(file, { dtype, invalidRows: 'skip', features });
      const shared = await loadCsv(file, { dtype, invalidRows: 'skip', features, shared: true });
      assert.ok(sharedAddress(shared.X) >= 0 && sharedAddress(plain.X) < 0 && sharedAddress(shared.y) >= 0 && sharedAddress(plain.y) < 0);
      assert.deepEqual(shared.X, plain.X);
      assert.deepEqual(shared.y, plain.y);
      assert.equal(shared.rows, plain.rows);
    }
    const long = Array.from({ length: 5000 }, (_, i) => `${i}.000000000000000000001,${i}`);
    const short = Array.from({ length: 200_000 }, (_, i) => `${i},1`);
    const shorter = csv('shorter2.csv', `x,y\n${[...long, ...short].join('\n')}\n`);
    const t = await loadCsv(shorter, { shared: true });
    assert.ok(sharedAddress(t.X) >= 0);
    assert.equal(t.X.length, 205_000);
    assert.deepEqual(t.X, (await loadCsv(shorter)).X);
  });

  test('an error near the end names its line, counting the lines inside quotes', async () => {
    const bad = `${text}1,2,3,4,5,6,7,8,9,oops,0\n`;
    const file = csv('bigbad.csv', bad);
    const line = bad.slice(0, bad.lastIndexOf('1,2,3')).split('\n').length;
    assert.equal((await failure(file, { invalidRows: 'skip', features })).error, `${file}:${line}:10: invalid number 'oops' in column 10 ('x8')`);
  });
});
