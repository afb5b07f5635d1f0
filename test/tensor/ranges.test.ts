// linspace and arange give PyTorch's own values bit for bit (its CPU kernels' arithmetic, gen_ranges.py),
// and take one-element tensors for their ends, as seed 004's torch.linspace(x.min(), x.max(), n) does.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { readFixture } from '../helpers/fixtures.js';

interface Fixture {
  linspace: Array<{ start: number; end: number; steps: number; dtype: 'float32' | 'float64'; out: number[] }>;
  arange: Array<{ start: number; end: number; step: number; dtype: 'float32' | 'float64'; out: number[] }>;
}
const fixture = readFixture<Fixture>('torch/ranges.json');

/** Every value within two ulps of the range's magnitude, and at least the fraction `exact` of them bit for bit. */
function compare(kind: string, cases: Array<{ dtype: 'float32' | 'float64'; out: number[]; got: number[]; scale: number }>, exact: number): void {
  let total = 0;
  let same = 0;
  for (const c of cases) {
    assert.equal(c.got.length, c.out.length, kind);
    const ulp = (c.dtype === 'float32' ? 2 ** -23 : 2 ** -52) * c.scale;
    c.got.forEach((v, i) => {
      total++;
      if (v === c.out[i]) same++;
      else assert.ok(Math.abs(v - c.out[i]) <= 2 * ulp, `${kind} ${c.dtype} [${i}]: ${v} vs ${c.out[i]}`);
    });
  }
  assert.ok(same / total >= exact, `${kind}: ${same} of ${total} bit for bit`);
}

test(`${fixture.linspace.length} linspace calls equal PyTorch's bit for bit`, () => {
  compare('linspace', fixture.linspace.map((c) => ({
    ...c,
    got: Array.from(torch.linspace(c.start, c.end, c.steps, { dtype: c.dtype })._data),
    scale: Math.max(Math.abs(c.start), Math.abs(c.end)),
  })), 1);
  // the polynomial tutorials' x = torch.linspace(-math.pi, math.pi, 2000), every value
  const x = torch.linspace(-Math.PI, Math.PI, 2000);
  assert.deepEqual(Array.from(x._data), fixture.linspace[0].out);
});

test(`${fixture.arange.length} arange calls equal PyTorch's bit for bit`, () => {
  compare('arange', fixture.arange.map((c) => ({
    ...c,
    got: Array.from(torch.arange(c.start, c.end, c.step, { dtype: c.dtype })._data),
    scale: Math.max(Math.abs(c.start), Math.abs(c.end)),
  })), 1);
});

test('one-element tensors stand for numbers; larger ones are refused', () => {
  const x = torch.tensor([3, 1, 2]);
  assert.equal(String(torch.linspace(x.min(), x.max(), 3)), 'tensor([1., 2., 3.])');
  assert.equal(String(torch.arange(torch.tensor(3))), 'tensor([0., 1., 2.])');
  assert.throws(() => torch.linspace(x, 1, 3), /linspace\(\): argument 'start' \(position 1\) must be Number, not Tensor/);
});
