// Strict number parsing: the grammar, float64 values against CPython's float(), float32 values against
// glibc's strtof (test/fixtures/csv/reference.json), including decimals next to a float32 midpoint.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compareDecimal, looksNumeric, parseNumber, toFloat32 } from '../../src/data/parse_number.js';
import { readFixture } from '../helpers/fixtures.js';

interface Reference {
  /** midpoint: Number(text) is exactly halfway between two float32s while the decimal is not (or is). */
  decimals: Array<{ text: string; float64: number | string; float32: number | string; midpoint: boolean }>;
}
const ref = readFixture<Reference>('csv/reference.json');
const num = (v: number | string): number => (typeof v === 'number' ? v : Number(v.replace('inf', 'Infinity')));

describe('the grammar [+-]?(digits[.digits]|.digits)([eE][+-]?digits)?', () => {
  test('accepted forms', () => {
    const ok: Array<[string, number]> = [['1', 1], ['-2.5', -2.5], ['+3', 3], ['.5', 0.5], ['-.5e-3', -0.0005], ['1e-7', 1e-7], ['2E+3', 2000], ['007', 7], ['0.0', 0]];
    for (const [text, value] of ok) assert.deepEqual(parseNumber(text), { ok: true, value }, text);
    assert.ok(Object.is((parseNumber('-0') as { value: number }).value, -0));
  });

  test('rejected forms, with the reason', () => {
    const bad: Array<[string, string]> = [
      ['1e', 'invalid'], ['0x1A', 'invalid'], ['12abc', 'invalid'], ['1.2.3', 'invalid'], ['--1', 'invalid'], ['5.', 'invalid'], ['.', 'invalid'],
      ['e5', 'invalid'], [' 1', 'invalid'], ['1 ', 'invalid'], ['1_000', 'invalid'], ['１', 'invalid'], ['1e+', 'invalid'],
      ['', 'empty'], ['NaN', 'non-finite'], ['nan', 'non-finite'], ['Infinity', 'non-finite'], ['-inf', 'non-finite'], ['+INF', 'non-finite'],
      ['1e400', 'overflow'], ['-1e400', 'overflow'],
    ];
    for (const [text, problem] of bad) assert.deepEqual(parseNumber(text), { ok: false, problem }, text);
  });

  test('float32 range: 1e39 overflows float32 but not float64', () => {
    assert.deepEqual(parseNumber('1e39', 'float32'), { ok: false, problem: 'overflow' });
    assert.deepEqual(parseNumber('1e39', 'float64'), { ok: true, value: 1e39 });
  });

  test('looksNumeric: what makes a first row data rather than a header', () => {
    for (const t of ['1', '', 'NaN', '-inf', '1e400']) assert.equal(looksNumeric(t), true, t);
    for (const t of ['x', 'y0', '1e', 'value (m)']) assert.equal(looksNumeric(t), false, t);
  });
});

describe('values against the reference libraries', () => {
  test('float64: every decimal as CPython float() reads it', () => {
    for (const d of ref.decimals) {
      const p = parseNumber(d.text, 'float64');
      const want = num(d.float64);
      if (Number.isFinite(want)) assert.ok(p.ok && Object.is(p.value, want), `${d.text}: ${JSON.stringify(p)} vs ${want}`);
      else assert.deepEqual(p, { ok: false, problem: 'overflow' }, d.text);
    }
  });

  test('float32: every decimal as glibc strtof reads it (out of range: overflow)', () => {
    for (const d of ref.decimals) {
      const p = parseNumber(d.text, 'float32');
      const want = num(d.float32);
      if (Number.isFinite(want)) assert.ok(p.ok && Object.is(p.value, want), `${d.text}: ${JSON.stringify(p)} vs strtof ${want}`);
      else assert.deepEqual(p, { ok: false, problem: 'overflow' }, d.text);
    }
  });

  test('the midpoint cases are real double-rounding cases, and resolved exactly', () => {
    const ties = ref.decimals.filter((d) => d.midpoint);
    let frounding = 0;
    for (const { text, float32 } of ties) {
      const want = num(float32);
      if (Math.fround(Number(text)) !== want) frounding++;
      assert.equal(toFloat32(Number(text), text), want, text);
    }
    assert.ok(frounding >= 50, `only ${frounding} of ${ties.length} cases defeat Math.fround(Number(text))`);
  });

  test('a constructed case: 1 + 2^-24 + 10^-24 is above the midpoint of 1 and 1 + 2^-23', () => {
    // 1 + 2^-24 = 1.000000059604644775390625 exactly; adding 1e-24 keeps the double at the midpoint,
    // so Math.fround rounds the tie to even (1), while the decimal itself is nearer 1 + 2^-23.
    const text = '1.000000059604644775390626';
    assert.equal(Number(text), 1 + 2 ** -24);
    assert.equal(Math.fround(Number(text)), 1);
    assert.deepEqual(parseNumber(text, 'float32'), { ok: true, value: 1 + 2 ** -23 });
    assert.deepEqual(parseNumber('1.000000059604644775390624', 'float32'), { ok: true, value: 1 });
    assert.deepEqual(parseNumber('1.000000059604644775390625', 'float32'), { ok: true, value: 1 }); // the tie itself: to even
  });
});

test('compareDecimal compares a decimal with a double exactly', () => {
  assert.equal(compareDecimal('0.1', 0.1), -1); // 0.1 as a double is 0.1000000000000000055...
  assert.equal(compareDecimal('0.1000000000000000055511151231257827021181583404541015625', 0.1), 0);
  assert.equal(compareDecimal('-2.5e0', 2.5), 0);
  assert.equal(compareDecimal('1e-320', 1e-320), 1); // the subnormal double 1e-320 is 9.99988671826831e-321
  assert.equal(compareDecimal('4e22', 4e22), 0);
});
