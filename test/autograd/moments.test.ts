// torch.var_mean and torch.std_mean against PyTorch 1.13 (test/fixtures/torch/gen_moments.py): both outputs
// bit for bit (Welford's method in double, as their kernel), one shared grad_fn, the input's gradient
// through either output or both, printing, and the errors.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { readFixture } from '../helpers/fixtures.js';

type Encoded = number | 'nan' | 'inf' | '-inf' | '-0';
interface MomentCase {
  op: 'var_mean' | 'std_mean';
  shape: number[];
  kwargs: { dim?: number | number[]; unbiased?: boolean; correction?: number; keepdim?: boolean };
  dtype: torch.DType;
  which: 'both' | 'first' | 'second';
  input: Encoded[];
  ua: Encoded[];
  ub: Encoded[];
  first: Encoded[];
  second: Encoded[];
  out_shape: number[];
  grad_fn: string;
  same_node: boolean;
  grad: Encoded[];
  print: [string, string];
}
interface ErrorCase {
  op: 'var_mean' | 'std_mean';
  case: string;
  type?: string;
  error: string | null;
}

const fixture = readFixture<{ torch: string; cases: MomentCase[]; errors: ErrorCase[] }>('torch/moments.json');

const decode = (values: Encoded[]): number[] =>
  values.map((v) => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v === '-0' ? -0 : v));

function call(c: MomentCase, x: Tensor): [Tensor, Tensor] {
  const fn = torch[c.op];
  const k = c.kwargs;
  if (k.correction !== undefined) return fn(x, k.dim ?? null, { correction: k.correction, keepdim: k.keepdim ?? false });
  if (k.dim !== undefined) return fn(x, k.dim, k.unbiased ?? true, k.keepdim ?? false);
  if (k.unbiased !== undefined) return fn(x, k.unbiased);
  return fn(x);
}

function same(actual: ArrayLike<number>, expected: number[], what: string): void {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < expected.length; i++) assert.ok(Object.is(actual[i], expected[i]), `${what}[${i}]: got ${actual[i]}, expected ${expected[i]}`);
}

describe(`var_mean and std_mean against PyTorch ${fixture.torch}`, () => {
  for (const [i, c] of fixture.cases.entries()) {
    test(`${i}: ${c.op} [${c.shape}] ${JSON.stringify(c.kwargs)} ${c.dtype} ${c.which}`, () => {
      const x = torch.tensor(decode(c.input), { dtype: c.dtype }).reshape(c.shape).requires_grad_(true);
      const [a, b] = call(c, x);
      assert.deepEqual(a.shape.slice(), c.out_shape);
      assert.equal(a.grad_fn?.name(), c.grad_fn);
      assert.equal(a.grad_fn === b.grad_fn, c.same_node);
      same(a.detach().numpy(), decode(c.first), 'first');
      same(b.detach().numpy(), decode(c.second), 'second');
      assert.deepEqual([String(a), String(b)], c.print);
      const la = a.mul(torch.tensor(decode(c.ua), { dtype: c.dtype }).reshape(a.shape)).sum();
      const lb = b.mul(torch.tensor(decode(c.ub), { dtype: c.dtype }).reshape(b.shape)).sum();
      (c.which === 'both' ? la.add(lb) : c.which === 'first' ? la : lb).backward();
      same((x.grad as Tensor).numpy(), decode(c.grad), 'grad');
    });
  }
});

test("var_mean and std_mean: PyTorch's errors", () => {
  for (const e of fixture.errors.filter((c) => c.case !== 'unbiased and correction')) {
    const x = e.case === 'long' ? torch.ones([3], { dtype: 'int64' }) : torch.ones(2, 3);
    assert.throws(() => (e.case === 'long' ? torch[e.op](x) : torch[e.op](x, 2)), { name: e.type, message: e.error as string }, `${e.op} ${e.case}`);
  }
});
