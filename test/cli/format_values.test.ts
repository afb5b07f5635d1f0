// exactText: float32 values as the shortest decimal that reads back as the same float32, found with a few
// tries instead of trying every precision in turn; the result must be exactly what the plain scan gives.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exactText } from '../../src/cli/format_values.js';

/** The definition: toPrecision(p) for p = 1, 2, ... until it reads back as the same float32. */
function scan(v: number): string {
  if (Object.is(v, -0)) return '-0';
  const f = Math.fround(v);
  for (let p = 1; p < 9; p++) {
    const s = f.toPrecision(p);
    if (Math.fround(Number(s)) === f) return String(Number(s));
  }
  return String(Number(f.toPrecision(9)));
}

function* float32s(): Generator<number> {
  const bits = new Uint32Array(1);
  const asFloat = new Float32Array(bits.buffer);
  let s = 12345;
  const next = (): number => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
  for (let i = 0; i < 150_000; i++) {
    bits[0] = next(); // any bit pattern: every exponent, subnormals, both signs
    if (Number.isFinite(asFloat[0])) yield asFloat[0];
  }
  for (let i = 0; i < 100_000; i++) yield Math.fround(((next() / 2 ** 32) * 2 - 1) * 50); // like make_regression's data
  for (let e = -149; e <= 127; e++) for (const m of [1, -1, 1.5, 1 + 2 ** -23, 2 - 2 ** -23]) yield Math.fround(m * 2 ** e);
  for (let i = 0; i < 50_000; i++) yield Math.fround((next() % 100_000) / 10 ** (next() % 12)); // short decimals
  for (let i = 0; i < 20_000; i++) yield Math.fround((2 * (next() % 1000) + 1) / 2 ** (1 + (next() % 12))); // halfway cases
  yield* [0, -0, 1, 0.1, 1e-45, 3.4028234663852886e38, -3.4028234663852886e38, 16777216, 16777217, 1e21, 1e-7, 123456789];
}

test('float32 text: the same as trying every precision in turn, on a quarter of a million values of every kind', () => {
  let n = 0;
  for (const v of float32s()) {
    const got = exactText(v, 'float32');
    if (got !== scan(v)) assert.fail(`${v}: ${got}, expected ${scan(v)}`);
    assert.equal(Math.fround(Number(got)), Math.fround(v), `${got} reads back as ${v}`);
    n++;
  }
  assert.ok(n > 300_000);
});

test('float64 text is JavaScript\'s own; -0 keeps its sign; non-finite values are spelled out', () => {
  assert.equal(exactText(0.1, 'float64'), '0.1');
  assert.equal(exactText(Math.fround(0.1), 'float64'), '0.10000000149011612');
  assert.equal(exactText(Math.fround(0.1), 'float32'), '0.1');
  assert.equal(exactText(-0, 'float32'), '-0');
  assert.equal(exactText(Number.POSITIVE_INFINITY, 'float32'), 'Infinity');
  assert.equal(exactText(Number.NaN, 'float32'), 'NaN');
});
