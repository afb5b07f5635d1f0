// Python's float repr, format and printf, against CPython's own output (test/fixtures/python/floats.json).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ArgumentTypeError, ValueError } from '../../src/errors.js';
import { pyFormat, pyPercent, pyRepr } from '../../src/tensor/pyfloat.js';
import { readFixture } from '../helpers/fixtures.js';

type Encoded = number | 'nan' | 'inf' | '-inf';
interface FloatCase {
  x: Encoded;
  repr: string;
  formats: Record<string, string>;
  percent: Record<string, string>;
}

const decode = (v: Encoded): number => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v);
const fixture = readFixture<{ generator: string; specs: string[]; percents: string[]; cases: FloatCase[] }>('python/floats.json');

describe(`matches ${fixture.generator}`, () => {
  test(`repr(x) for ${fixture.cases.length} values`, () => {
    for (const c of fixture.cases) assert.equal(pyRepr(decode(c.x)), c.repr, `repr(${c.repr})`);
  });

  for (const spec of fixture.specs) {
    test(`format(x, '${spec}')`, () => {
      for (const c of fixture.cases) assert.equal(pyFormat(decode(c.x), spec), c.formats[spec], `format(${c.repr}, '${spec}')`);
    });
  }

  for (const fmt of fixture.percents) {
    test(`'${fmt}' % x`, () => {
      for (const c of fixture.cases) assert.equal(pyPercent(fmt, decode(c.x)), c.percent[fmt], `'${fmt}' % ${c.repr}`);
    });
  }
});

test('ties round half to even on the exact binary value, unlike toFixed', () => {
  // Python: '{:.0f}'.format(0.5) == '0', '{:.4f}'.format(0.03125) == '0.0312'; JS gives '1' and '0.0313'
  assert.equal(pyFormat(0.5, '.0f'), '0');
  assert.equal(pyFormat(2.5, '.0f'), '2');
  assert.equal(pyFormat(0.03125, '.4f'), '0.0312');
  // 2.675 is stored as 2.67499999999999982236431605997495353221893310546875, so it rounds down
  assert.equal(pyFormat(2.675, '.2f'), '2.67');
  assert.equal(pyFormat(12.345678, '.4e'), '1.2346e+01');
});

test('errors use Python\'s wording', () => {
  assert.throws(() => pyFormat(1, 'abc'), (e: unknown) => e instanceof ValueError && e.message.startsWith("Invalid format specifier 'abc'"));
  assert.throws(() => pyPercent('%q', 1), (e: unknown) => e instanceof ValueError && e.message === "unsupported format character 'q' (0x71) at index 1");
  assert.throws(() => pyPercent('%.2', 1), (e: unknown) => e instanceof ValueError && e.message === 'incomplete format');
  assert.throws(() => pyPercent('x', 1), (e: unknown) => e instanceof ArgumentTypeError && e.message === 'not all arguments converted during string formatting');
  assert.throws(() => pyPercent('%f %f', 1), (e: unknown) => e instanceof ArgumentTypeError && e.message === 'not enough arguments for format string');
});
