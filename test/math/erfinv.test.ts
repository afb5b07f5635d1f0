// torch.erfinv against PyTorch 1.13 (test/fixtures/torch/trunc_normal.json, gen_trunc_normal.py): values bit
// for bit in float64 and float32 (calc_erfinv over glibc's erf/erff, exp/expf, log/logf, with the
// kernel's fused multiply-adds) on special values (0, -0, ±1, beyond ±1, ±inf, nan, tiny, huge, next to
// ±1), the gradient, and a double backward with its grad_fn names.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { readFixture } from '../helpers/fixtures.js';

type Encoded = number | 'nan' | 'inf' | '-inf' | '-0';
interface ErfinvCase {
  dtype: 'float32' | 'float64';
  input: Encoded[];
  output: Encoded[];
  grad_fn: string;
  upstream: Encoded[];
  grad: Encoded[];
  double: { input: Encoded[]; v: Encoded[]; w: Encoded[]; grad: Encoded[]; grad_grad_fn: string; grad_next: Array<string | null>; second: Encoded[] };
}
const fixture = readFixture<{ torch: string; erfinv: ErfinvCase[] }>('torch/trunc_normal.json');

const decode = (values: Encoded[]): number[] =>
  values.map((v) => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v === '-0' ? -0 : v));

/** Bit for bit (NaN equal to NaN, zeros with their sign). */
function assertSame(actual: ArrayLike<number>, expected: Encoded[], what: string): void {
  const want = decode(expected);
  assert.equal(actual.length, want.length, `${what}: length`);
  const bad: string[] = [];
  for (let i = 0; i < want.length; i++) {
    const same = Object.is(actual[i], want[i]) || (Number.isNaN(actual[i]) && Number.isNaN(want[i]));
    if (!same && bad.length < 5) bad.push(`[${i}] ${actual[i]} vs PyTorch ${want[i]}`);
  }
  assert.deepEqual(bad, [], what);
}

describe(`erfinv against PyTorch ${fixture.torch}`, () => {
  for (const c of fixture.erfinv) {
    test(`${c.dtype}: ${c.input.length} values and their gradient, bit for bit`, () => {
      const x = torch.tensor(decode(c.input), { dtype: c.dtype }).requires_grad_(true);
      const y = torch.erfinv(x);
      assert.equal(y.grad_fn?.name(), c.grad_fn);
      assertSame(y.detach().numpy(), c.output, 'erfinv');
      y.backward(torch.tensor(decode(c.upstream), { dtype: c.dtype }));
      assertSame((x.grad as Tensor).numpy(), c.grad, 'grad');
    });

    test(`${c.dtype}: double backward (create_graph) and its nodes`, () => {
      const d = c.double;
      const x = torch.tensor(decode(d.input), { dtype: c.dtype }).requires_grad_(true);
      const v = torch.tensor(decode(d.v), { dtype: c.dtype });
      const [g] = torch.autograd.grad(torch.erfinv(x), x, v, { create_graph: true }) as [Tensor];
      assert.equal(g.grad_fn?.name(), d.grad_grad_fn);
      assert.deepEqual(g.grad_fn?.next_functions.map(([f]) => f?.name() ?? null), d.grad_next);
      assertSame(g.detach().numpy(), d.grad, 'first gradient');
      torch.mul(g, torch.tensor(decode(d.w), { dtype: c.dtype })).sum().backward();
      assertSame((x.grad as Tensor).numpy(), d.second, 'second-order gradient');
    });
  }

  test('erfinv_ in place and the method agree with the function', () => {
    const a = torch.tensor([0.3, -0.9, 1, 2], { dtype: 'float32' });
    const want = Array.from(torch.erfinv(a).numpy());
    assert.deepEqual(Array.from(a.erfinv().numpy()), want);
    a.erfinv_();
    assert.deepEqual(Array.from(a.numpy()), want);
  });
});
