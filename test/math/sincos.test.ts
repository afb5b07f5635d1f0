// libm.ts's sincos against mpmath's correctly rounded sin and cos (test/fixtures/python/sincos.json, from
// gen_sincos.py): identical everywhere, Box–Muller's angles 2π·u and special arguments included; and
// against glibc's, which PyTorch's float64 Box–Muller calls: identical but for glibc's own rare misroundings.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sincos } from '../../src/math/libm.js';
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
