// Python's float repr and format, against CPython's own output (test/fixtures/python/floats.json).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pyFormat, pyPercent, pyRepr } from '../../src/tensor/pyfloat.js';
import { readFixture } from '../helpers/fixtures.js';

type Encoded = number | 'nan' | 'inf' | '-inf';
const decode = (v: Encoded): number => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v);
const fixture = readFixture<{ cases: Array<{ x: Encoded; repr: string; formats: Record<string, string> }> }>('python/floats.json');

test('repr(x) for every fixture value', () => {
  for (const c of fixture.cases) assert.equal(pyRepr(decode(c.x)), c.repr, `repr(${c.repr})`);
});

test('format(x, spec) for every fixture value and spec', () => {
  for (const c of fixture.cases) {
    for (const [spec, expected] of Object.entries(c.formats)) assert.equal(pyFormat(decode(c.x), spec), expected, `format(${c.repr}, '${spec}')`);
  }
});

test('ties round half to even on the exact binary value', () => {
  assert.equal(pyFormat(0.5, '.0f'), '0');
  assert.equal(pyFormat(2.5, '.0f'), '2');
  assert.equal(pyFormat(0.03125, '.4f'), '0.0312');
  assert.equal(pyPercent('%.6f', 9.800000190734863), '9.800000');
});
