// CSV loading: formats csv-parse handles (BOM, CRLF, CR, quotes, blank lines), strict numbers, and the
// exact message and location of every error.

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { loadCsv } from '../../src/data/csv.js';
import { parseStrict } from '../../src/data/parse_number.js';
import { DataError, InputError } from '../../src/errors.js';

const dir = mkdtempSync(path.join(tmpdir(), 'autograd-csv-'));
function csv(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('formats', () => {
  test('header, BOM, CRLF, quoted fields and blank lines', () => {
    const t = loadCsv(csv('a.csv', '\ufeffx0,x1,y\r\n1,"2.5",3\r\n\r\n4,5e-1,"-6"\r\n'));
    assert.deepEqual(t.columns, ['x0', 'x1', 'y']);
    assert.equal(t.rows, 2);
    assert.deepEqual(Array.from(t.X), [1, 2.5, 4, 0.5]);
    assert.deepEqual(Array.from(t.y), [3, -6]);
    assert.ok(t.X instanceof Float32Array);
  });

  test('CR-only line endings and float64', () => {
    const t = loadCsv(csv('cr.csv', 'a,b\r0.1,0.2\r0.3,0.4\r'), { dtype: 'float64' });
    assert.deepEqual(Array.from(t.X), [0.1, 0.3]);
    assert.deepEqual(Array.from(t.y), [0.2, 0.4]);
  });

  test('no header: detected from the first row; columns are x0.., y (last)', () => {
    const t = loadCsv(csv('nohead.csv', '1,2,3\n4,5,6\n'));
    assert.deepEqual(t.columns, ['x0', 'x1', 'y']);
    assert.equal(t.rows, 2);
  });

  test('target and features by name or index; y0, y1 as default targets', () => {
    const f = csv('multi.csv', 'x0,x1,y0,y1\n1,2,3,4\n5,6,7,8\n');
    assert.deepEqual(loadCsv(f).targetNames, ['y0', 'y1']);
    const t = loadCsv(f, { target: 'x1', features: [0, 'y1'] });
    assert.deepEqual(t.featureNames, ['x0', 'y1']);
    assert.deepEqual(Array.from(t.y), [2, 6]);
  });

  test("invalidRows 'skip' drops rows with empty cells or NaN/Infinity, and counts them", () => {
    const t = loadCsv(csv('skip.csv', 'x,y\n1,2\n,3\nNaN,4\n5,Infinity\n6,7\n'), { invalidRows: 'skip' });
    assert.equal(t.rows, 2);
    assert.equal(t.skippedRows, 3);
    assert.deepEqual(Array.from(t.X), [1, 6]);
  });
});

describe('errors name the file, line, column (index and name) and value', () => {
  const cases: Array<[string, string, string]> = [
    ['1e', 'x,y\n1,2\n1e,3\n', "1e.csv:3:1: invalid number '1e' in column 1 ('x')"],
    ['hex', 'x,y\n0x1A,2\n', "hex.csv:2:1: invalid number '0x1A' in column 1 ('x')"],
    ['suffix', 'x,y\n1,2\n3,12abc\n', "suffix.csv:3:2: invalid number '12abc' in column 2 ('y')"],
    ['empty', 'x,y\n1,\n', "empty.csv:2:2: empty cell in column 2 ('y')"],
    ['nan', 'x,y\nNaN,1\n', "nan.csv:2:1: non-finite value 'NaN' in column 1 ('x')"],
    ['inf', 'x,y\n1,-Infinity\n', "inf.csv:2:2: non-finite value '-Infinity' in column 2 ('y')"],
    ['ragged', 'x,y\n1,2\n3\n', 'ragged.csv:3: row has 1 fields, expected 2'],
    ['blank-line-numbers', 'x,y\n\n1,2\n\n3,oops\n', "blank-line-numbers.csv:5:2: invalid number 'oops' in column 2 ('y')"],
    ['quote', 'x,y\n1,"2\n', 'quote.csv:2: Quote Not Closed: the parsing is finished with an opening quote at line 2'],
    ['only-header', 'x,y\n', 'only-header.csv: no data rows'],
    ['empty-file', '', 'empty-file.csv: the file is empty'],
  ];
  for (const [name, text, message] of cases) {
    test(name, () => {
      const file = csv(`${name}.csv`, text);
      assert.throws(() => loadCsv(file), (err: unknown) => err instanceof DataError && err.message === `${path.join(dir, message.split(':')[0])}${message.slice(message.indexOf(':'))}`);
    });
  }

  test('unknown target or feature lists the columns', () => {
    const file = csv('cols.csv', 'a,b\n1,2\n');
    assert.throws(() => loadCsv(file, { target: 'z' }), { message: `${file}: no target column named 'z' (columns: a, b)` });
    assert.throws(() => loadCsv(file, { features: [5] }), { message: `${file}: no feature column at index 5 (columns: a, b)` });
  });

  test('a missing file is an InputError', () => {
    const file = path.join(dir, 'missing.csv');
    assert.throws(() => loadCsv(file), (err: unknown) => err instanceof InputError && err.message === `cannot read '${file}': no such file or directory`);
  });
});

test('strict numbers: what Number() accepts is not enough', () => {
  for (const ok of ['1', '-2.5', '+3', '.5', '5.', '1e-7', '2E+3']) assert.equal(parseStrict(ok).ok, true, ok);
  for (const bad of ['1e', '0x1A', '12abc', '1.2.3', '--1', ' ', 'Infinity', 'nan', '1_000']) assert.equal(parseStrict(bad).ok, false, bad);
});

describe('the byte-level fast path gives exactly the csv-parse path\'s values and errors', () => {
  const files: Array<[string, string]> = [
    ['plain', 'x0,x1,y\n-0.3595531615405413,1e-7,-5.455885609879578\n0.1,-2E+3,3\n-0,+.5,5.\n123456789012345678,0.000000000000000000000001234,-1.7976931348623157e308\n'],
    ['no-final-newline', 'a,b\n1,2\n3,4'],
    ['crlf', 'a,b\r\n1,2\r\n\r\n3,4\r\n'],
    ['quoted', 'a,b\n1,"2"\n'],
    ['spaces', 'a,b\n1, 2\n'],
    ['bad', 'a,b\n1,2\n3,12abc\n'],
    ['ragged', 'a,b\n1,2\n3\n'],
    ['nan', 'a,b\n1,NaN\n'],
    ['no-header', '1,2\n3,4\n'],
  ];
  for (const [name, text] of files) {
    for (const dtype of ['float32', 'float64'] as const) {
      test(`${name} (${dtype})`, () => {
        const file = csv(`fast-${name}.csv`, text);
        const run = (fastPath: boolean): unknown => {
          try {
            const t = loadCsv(file, { dtype, fastPath });
            return { X: Array.from(t.X), y: Array.from(t.y), rows: t.rows, columns: t.columns, features: t.featureNames, targets: t.targetNames };
          } catch (err) {
            return { error: (err as Error).message, type: (err as Error).constructor.name };
          }
        };
        assert.deepEqual(run(true), run(false));
      });
    }
  }

  test('a negative value parsed through the long-digit fallback keeps its sign', () => {
    const t = loadCsv(csv('neg.csv', 'x,y\n-0.3595531615405413,-5.455885609879578\n'), { dtype: 'float64' });
    assert.deepEqual(Array.from(t.X), [-0.3595531615405413]);
    assert.deepEqual(Array.from(t.y), [-5.455885609879578]);
  });
});
