// libm.ts's sincos against mpmath's correctly rounded sin and cos (test/fixtures/python/sincos.json, from
// gen_sincos.py): identical everywhere, Box–Muller's angles 2π·u and special arguments included; and
// against glibc's, which PyTorch's float64 Box–Muller calls: identical but for glibc's own rare misroundings;
// sincos_fast.ts's table path against both.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sincos } from '../../src/math/libm.js';
import { sincosFast } from '../../src/math/sincos_fast.js';
import { readFixture } from '../helpers/fixtures.js';

type Value = number | '-0';
const fx = readFixture<Record<'x' | 'sin' | 'cos' | 'glibc_sin' | 'glibc_cos', Value[]>>('python/sincos.json');
const num = (v: Value): number => (v === '-0' ? -0 : v);

test(`sincos is correctly rounded on ${fx.x.length} arguments (mpmath, 200 bits)`, () => {
  fx.x.forEach((xv, i) => {
    const [s, c] = sincos(num(xv));
    assert.ok(Object.is(s, num(fx.sin[i])), `sin(${num(xv)}) = ${s}, correctly rounded ${num(fx.sin[i])}`);
    assert.ok(Object.is(c, num(fx.cos[i])), `cos(${num(xv)}) = ${c}, correctly rounded ${num(fx.cos[i])}`);
  });
});

test("sincos agrees with glibc's sin and cos on at least 99.5% of Box–Muller's angles (V8's Math.sin/cos: ~94%)", () => {
  let same = 0;
  let v8 = 0;
  fx.x.forEach((xv, i) => {
    const x = num(xv);
    const [s, c] = sincos(x);
    if (Object.is(s, num(fx.glibc_sin[i])) && Object.is(c, num(fx.glibc_cos[i]))) same++;
    if (Object.is(Math.sin(x), num(fx.glibc_sin[i])) && Object.is(Math.cos(x), num(fx.glibc_cos[i]))) v8++;
  });
  assert.ok(same >= 0.995 * fx.x.length, `${same} of ${fx.x.length}`);
  assert.ok(same > v8, `correctly rounded ${same}, V8 ${v8}`);
});

test(`sincosFast (the table path) is correctly rounded on the same ${fx.x.length} arguments`, () => {
  const out = new Float64Array(2);
  fx.x.forEach((xv, i) => {
    sincosFast(num(xv), out);
    assert.ok(Object.is(out[0], num(fx.sin[i])), `sin(${num(xv)}) = ${out[0]}, correctly rounded ${num(fx.sin[i])}`);
    assert.ok(Object.is(out[1], num(fx.cos[i])), `cos(${num(xv)}) = ${out[1]}, correctly rounded ${num(fx.cos[i])}`);
  });
});

test('sincosFast equals sincos on 200,000 seeded angles in [0, 6.3], next to multiples of π/2 and of 1/64, and outside', () => {
  const out = new Float64Array(2);
  let s = 0x2545f491;
  const rand = (): number => {
    // xorshift32, scaled to [0, 1)
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
  const bad: string[] = [];
  for (let i = 0; i < 50000; i++) {
    const xs = [6.3 * rand(), (Math.round(4 * rand()) * Math.PI) / 2 + (rand() - 0.5) * 1e-9, Math.round(403 * rand()) / 64 + (rand() - 0.5) * 2 ** -40, (rand() - 0.5) * 40];
    for (const x of xs) {
      sincosFast(x, out);
      const [sn, cs] = sincos(x);
      if ((!Object.is(out[0], sn) || !Object.is(out[1], cs)) && bad.length < 5) bad.push(`${x}: ${out[0]}, ${out[1]} vs ${sn}, ${cs}`);
    }
  }
  assert.deepEqual(bad, []);
});
