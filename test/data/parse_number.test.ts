// Strict number parsing: the grammar, float64 values against CPython's float(), float32 values against
// glibc's strtof (test/fixtures/csv/reference.json), including decimals next to a float32 midpoint.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compareDecimal, looksNumeric, parseNumber, scaledDecimal, toFloat32 } from '../../src/data/parse_number.js';
import { readFixture } from '../helpers/fixtures.js';

interface Reference {
  /** midpoint: Number(text) is exactly halfway between two float32s while the decimal is not (or is). */
  decimals: Array<{ text: string; float64: number | string; float32: number | string; midpoint: boolean }>;
}
const ref = readFixture<Reference>('csv/reference.json');
const num = (v: number | string): number => (typeof v === 'number' ? v : Number(v.replace('inf', 'Infinity')));

describe('the grammar [+-]?(digits[.[digits]]|.digits)([eE][+-]?digits)?', () => {
  test('accepted forms', () => {
    const ok: Array<[string, number]> = [['1', 1], ['-2.5', -2.5], ['+3', 3], ['.5', 0.5], ['-.5e-3', -0.0005], ['1e-7', 1e-7], ['2E+3', 2000], ['007', 7], ['0.0', 0], ['5.', 5], ['-5.', -5], ['5.e2', 500], ['+0.', 0]];
    for (const [text, value] of ok) assert.deepEqual(parseNumber(text), { ok: true, value }, text);
    assert.ok(Object.is((parseNumber('-0') as { value: number }).value, -0));
  });

  test('rejected forms, with the reason', () => {
    const bad: Array<[string, string]> = [
      ['1e', 'invalid'], ['0x1A', 'invalid'], ['12abc', 'invalid'], ['1.2.3', 'invalid'], ['--1', 'invalid'], ['.', 'invalid'], ['-.', 'invalid'], ['.e1', 'invalid'], ['5..', 'invalid'],
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

describe('scaledDecimal: digits summed into an integer, then scaled (the CSV byte scanner)', () => {
  /** mantissa, power of ten and sign of a decimal's text, or null when the mantissa is not exact (≥ 2^53). */
  function parts(text: string): [number, number, number] | null {
    const m = /^(-?)(\d*)\.?(\d*)e([+-]?\d+)$/.exec(text) as RegExpExecArray;
    const mantissa = Number(m[2] + m[3]);
    return mantissa < 2 ** 53 ? [mantissa, Number(m[4]) - m[3].length, m[1] === '-' ? 1 : 0] : null;
  }
  const bits = new Float32Array(1);
  const word = new Int32Array(bits.buffer);

  test('float32: decimals within a fraction of a double ulp of a float32 midpoint, as parseNumber reads them', () => {
    let checked = 0;
    for (let i = 0; checked < 2000; i++) {
      word[0] = ((i * 2654435761) >>> 0) % 0x7f000000; // float32 bit patterns from 2^-126 up to 2^127, spread out
      const f = bits[0];
      word[0] += 1;
      const midpoint = (f + bits[0]) / 2; // exact in a double
      const text = (i % 2 === 0 ? midpoint : -midpoint).toExponential(15); // 16 digits: within half an ulp of it
      const p = parts(text);
      if (p === null || Math.abs(p[1]) > 22) continue;
      const value = scaledDecimal(...p, true, Buffer.from(text, 'latin1'), 0, text.length);
      assert.equal(Math.fround(value), (parseNumber(text, 'float32') as { value: number }).value, text);
      checked++;
    }
  });

  test('float64: Clinger exact, the sign on the power of ten (-0 stays -0)', () => {
    for (const text of ['1.5e0', '-1.5e0', '-0e0', '1.2345e-22', '-9.007199254740991e+22', '1e22', '3.3e-1']) {
      const p = parts(text) as [number, number, number];
      assert.ok(Object.is(scaledDecimal(...p, false, Buffer.from(text), 0, text.length), Number(text)), text);
    }
  });
});
