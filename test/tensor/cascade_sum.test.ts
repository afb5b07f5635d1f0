// sum and mean give PyTorch's own numbers, bit for bit, in float32 and float64: its summation order
// (tensor/cascade_sum.ts) against 600 random reductions from PyTorch 1.13 (gen_sums.py), with special
// values, every kind of dim argument and keepdim; torch.full([n], 0.1).sum() around every boundary.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { readFixture } from '../helpers/fixtures.js';
import { cascadeSum, cascadeSum1d } from '../../src/tensor/cascade_sum.js';

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
    assert.deepEqual(y.shape.slice(), c.out_shape);
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

test("cascadeSum1d (the training step's allocation-free sum) forms every 1-d sum as cascadeSum does, and as PyTorch does", () => {
  // PyTorch's own 1-d sums from the fixture
  for (const f of fixture.full) {
    const x = f.dtype === 'float32' ? new Float32Array(f.n).fill(0.1) : new Float64Array(f.n).fill(0.1);
    assert.ok(same(cascadeSum1d(x, f.n, f.dtype === 'float32'), dec(f.out[0])), `full n=${f.n} ${f.dtype}`);
  }
  for (const c of fixture.cases.filter((c) => c.shape.length === 1 && c.op === 'sum')) {
    const x = c.dtype === 'float32' ? Float32Array.from(c.x.map(dec)) : Float64Array.from(c.x.map(dec));
    assert.ok(same(cascadeSum1d(x, x.length, c.dtype === 'float32'), dec(c.out[0])), `sum ${c.dtype} [${c.shape}]`);
  }
  // every length up to past the cascade's second level, with special values mixed in, against cascadeSum
  const specials = [0, -0, Infinity, -Infinity, NaN, 1e-30, 1e30, 5e-324, 1e300, -1e300];
  let seed = 12345;
  const next = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  for (const float32 of [true, false]) {
    for (let n = 0; n <= 1100; n += n < 80 ? 1 : 37) {
      for (const withSpecial of [false, true]) {
        const x = float32 ? new Float32Array(n) : new Float64Array(n);
        for (let i = 0; i < n; i++) x[i] = (next() - 0.5) * 2 ** Math.floor(next() * 40 - 20);
        if (withSpecial && n > 0) x[Math.floor(next() * n)] = specials[Math.floor(next() * specials.length)];
        const want = cascadeSum(x, [n], [true], float32)[0];
        // the sum reads only the first n values of a longer buffer
        const longer = float32 ? new Float32Array(n + 5).fill(7) : new Float64Array(n + 5).fill(7);
        longer.set(x);
        assert.ok(same(cascadeSum1d(longer, n, float32), want), `n=${n} float32=${float32}: ${want} vs ${cascadeSum1d(longer, n, float32)}`);
      }
    }
  }
  // an all -0 row sums to +0, as the graph's sum does
  assert.ok(Object.is(cascadeSum1d(new Float32Array([-0, -0, -0]), 3, true), 0));
});
