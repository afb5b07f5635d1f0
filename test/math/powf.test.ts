// float32 x ** e for a number e that PyTorch's kernel hands to SLEEF's powf (Sleef_powf8_u10): powf here
// gives its values bit for bit, special values included (test/fixtures/torch/pow.json, gen_pow.py), and
// so does the pow op, whose inputs here all fall in PyTorch's vector loop (a multiple of 16 elements).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { powf } from '../../src/math/sleef.js';
import { readFixture } from '../helpers/fixtures.js';

const fixture = readFixture<{ x: string[]; out: Record<string, string[]> }>('torch/pow.json');
const num = (s: string): number => (s === 'inf' ? Infinity : s === '-inf' ? -Infinity : s === 'nan' ? NaN : Number(s));
const x = fixture.x.map(num);

for (const [e, want] of Object.entries(fixture.out)) {
  test(`x ** ${e} in float32 is PyTorch's (SLEEF's powf), bit for bit`, () => {
    const exponent = Math.fround(num(e)); // PyTorch casts the exponent to the tensor's float
    const bad = x.map((v, i) => [v, powf(v, exponent), num(want[i])]).filter(([, got, w]) => !Object.is(got, w));
    assert.deepEqual(bad, []);
    const t = torch.tensor(x).pow(exponent);
    assert.deepEqual(Array.from(t.numpy(), (v) => (Number.isNaN(v) ? 'nan' : v)), want.map((w) => (w === 'nan' ? 'nan' : num(w))));
  });
}
