// Sorting, selecting and scatter/gather ops against PyTorch 1.13 (test/fixtures/torch/gen_sorting.py):
// each case a small program (leaves with ordinary, tied, -0/0 and special values; one op; sum;
// backward) compared on values, indices, gradients, grad_fn names, flags, printing and error texts;
// the printed torch.return_types pairs; and create_graph gradients (their grad_fn and the gradient
// of their sum). Cases in sorting_known.json differ for a documented reason (README).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { readFixture } from '../helpers/fixtures.js';
import { compare, decodeNum, encodeNum, runProgram, type Program } from './programs.js';

interface Printed {
  name: string;
  values: Array<number | string>;
  shape: number[];
  dtype: torch.DType;
  args: number[];
  p: string;
  type: string;
}

interface Double {
  name: string;
  values: number[];
  shape: number[];
  dtype: torch.DType;
  args: Array<number | string>;
  index: number[][] | null;
  f: string;
  g: Array<number | string>;
  gg: Array<number | string>;
}

const fixture = readFixture<{ torch: string; cases: Array<Program & { op: string }>; printed: Printed[]; double: Double[] }>('torch/sorting.json');
const known = readFixture<Record<string, string>>('torch/sorting_known.json');

/* eslint-disable @typescript-eslint/no-explicit-any -- ops called by name */
function call(name: string, x: Tensor, args: unknown[]): any {
  const [kind, fname] = name.split('.');
  return kind === 'm' ? (x as any)[fname](...args) : (torch as any)[fname](x, ...args);
}
/* eslint-enable @typescript-eslint/no-explicit-any */

describe(`sorting and selection ops against PyTorch ${fixture.torch}`, () => {
  test('the fixture has every kind of case', () => {
    assert.ok(fixture.cases.length >= 300);
  });
  for (const c of fixture.cases) {
    test(c.id, () => {
      const ms = compare(c, runProgram(c));
      if (c.id in known) {
        assert.ok(ms.length > 0, `${c.id} agrees now: take it off sorting_known.json`);
        return;
      }
      assert.deepEqual(ms.slice(0, 3), []);
    });
  }
  for (const c of fixture.printed) {
    test(`printed ${c.name}(${c.args.join(', ')}) ${c.dtype}`, () => {
      const x = torch.tensor(c.values.map(decodeNum), { dtype: c.dtype, requires_grad: c.dtype !== 'int64' }).reshape(c.shape);
      const r = call(c.name, x, c.args);
      assert.equal(String(r), c.p);
      assert.equal(`torch.return_types.${r.name as string}`, c.type);
      const [v, i] = r;
      assert.equal(v, r.values);
      assert.equal(i, r.indices);
      assert.equal(r[0], r.values);
      assert.equal(r.length, 2);
    });
  }
  test('the pairs are typed: x.max(dim) destructures into tensors and has .values / .indices', () => {
    const c = fixture.printed.find((p) => p.name === 'm.max' && p.dtype === 'float32');
    assert.ok(c !== undefined);
    const x = torch.tensor(c.values.map(decodeNum), { requires_grad: true }).reshape(c.shape);
    const [values, indices]: Tensor[] = [...x.max(c.args[0])];
    const pair: torch.ReturnTypes = x.max(c.args[0]);
    assert.equal(`torch.return_types.max(\nvalues=${String(values)},\nindices=${String(indices)})`, c.p);
    assert.equal(String(pair.values), String(values));
    assert.equal(String(pair.indices), String(indices));
  });
  for (const c of fixture.double) {
    test(`create_graph ${c.name}(${c.args.join(', ')}) ${c.dtype}`, () => {
      const x = torch.tensor(c.values, { dtype: c.dtype }).reshape(c.shape).requires_grad_();
      const args = c.args.map((a) => (a === 'INDEX' ? torch.tensor((c.index ?? []).map((r) => r.map((k) => BigInt(k)))) : a));
      const r = call(c.name, x, args);
      const y: Tensor = r instanceof torch.Tensor ? r : r.values;
      const [g] = torch.autograd.grad(y.mul(y).sum(), [x], null, { create_graph: true }) as Tensor[];
      assert.equal(g.grad_fn?.name(), c.f);
      assert.deepEqual(Array.from(g.detach().numpy(), encodeNum), c.g);
      g.sum().backward();
      assert.deepEqual(Array.from((x.grad as Tensor).numpy(), encodeNum), c.gg);
    });
  }
});
