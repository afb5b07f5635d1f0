// sum and mean give PyTorch's own numbers, bit for bit, in float32 and float64: its summation order
// (tensor/cascade_sum.ts) against 600 random reductions from PyTorch 1.13 (gen_sums.py), with special
// values, every kind of dim argument and keepdim; torch.full([n], 0.1).sum() around every boundary.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { readFixture } from '../helpers/fixtures.js';

type Num = number | 'nan' | 'inf' | '-inf' | '-0';
interface Case {
  op: 'sum' | 'mean';
  dtype: 'float32' | 'float64';
  shape: number[];
  x: Num[];
  dim: number[] | null;
  keepdim: boolean;
  out_shape: number[];
  out: Num[];
}
interface Fixture {
  cases: Case[];
  full: Array<{ n: number; dtype: 'float32' | 'float64'; out: Num[] }>;
  mse_loss: Array<{ shape: number[]; a: Num[]; b: Num[]; reduction: 'mean' | 'sum'; out: Num[] }>;
}
const fixture = readFixture<Fixture>('torch/sums.json');

const dec = (v: Num): number => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v === '-0' ? -0 : v);
const same = (a: number, b: number): boolean => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

function tensorOf(data: Num[], shape: number[], dtype: 'float32' | 'float64'): torch.Tensor {
  const flat = torch.tensor(data.map(dec), { dtype });
  return shape.length === 0 ? flat.reshape([]) : flat.reshape(shape);
}

test(`${fixture.cases.length} random sums and means equal PyTorch's bit for bit`, () => {
  assert.ok(fixture.cases.length >= 500);
  const wrong: string[] = [];
  for (const c of fixture.cases) {
    const x = tensorOf(c.x, c.shape, c.dtype);
    const y = c.dim === null ? x[c.op]() : x[c.op](c.dim, c.keepdim);
    assert.deepEqual(y.shape, c.out_shape);
    const got = Array.from(y._data);
    const want = c.out.map(dec);
    if (!want.every((v, i) => same(got[i], v))) wrong.push(`${c.op} ${c.dtype} [${c.shape}] dim=${JSON.stringify(c.dim)}: ${want.slice(0, 3)} vs ${got.slice(0, 3)}`);
  }
  assert.deepEqual(wrong, []);
});

test('torch.full([n], 0.1).sum() for n around the vector, ilp and cascade boundaries', () => {
  for (const f of fixture.full) {
    const got = torch.full([f.n], 0.1, { dtype: f.dtype }).sum().item();
    assert.ok(same(got, dec(f.out[0])), `n=${f.n} ${f.dtype}: ${f.out[0]} vs ${got}`);
  }
  // the example: 200.00001525878906, not 200
  assert.equal(torch.full([2000], 0.1).sum().item(), 200.00001525878906);
});

test('a broadcast gradient is summed in the same order (sum_to of PyTorch)', () => {
  // d(a + b)/db for b broadcast over 1000 rows: the gradient is summed over them, as b.sum(0) would
  const g = torch.linspace(-3, 7, 3000).reshape([1000, 3]);
  const b = torch.zeros([3], { requires_grad: true });
  torch.add(torch.zeros([1000, 3]), b).backward(g);
  assert.deepEqual(Array.from((b.grad as torch.Tensor)._data), Array.from(g.sum(0)._data));
});
