// The aliases, tensor-info ops, factories from a tensor, torch.range and the in-place random methods
// against PyTorch 1.13 (test/fixtures/torch/gen_breadth.py): programs compared on values, gradients,
// grad_fn names, flags, printing and error texts; random draws after torch.manual_seed bit for bit.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { readFixture } from '../helpers/fixtures.js';
import { compare, decodeNum, encodeNum, runProgram, type Program } from './programs.js';

interface RandomCase {
  seed: number;
  dtype: torch.DType;
  shape: number[];
  method: string;
  args: number[];
  kw: Record<string, string>;
  generator: boolean;
  v?: Array<number | string>;
  d?: string;
  same?: boolean;
  err?: [string, string];
  after: Array<number | string>;
}

const fixture = readFixture<{ torch: string; cases: Array<Program & { op: string }>; random: RandomCase[]; warnings: Record<string, string> }>('torch/breadth.json');

describe(`aliases, factories and tensor info against PyTorch ${fixture.torch}`, () => {
  for (const c of fixture.cases) {
    test(c.id, () => {
      assert.deepEqual(compare(c, runProgram(c)).slice(0, 3), []);
    });
  }
});

/* eslint-disable @typescript-eslint/no-explicit-any -- methods called by name */
function draw(c: RandomCase): Tensor | boolean {
  torch.manual_seed(c.seed);
  const t = torch.zeros(c.shape, { dtype: c.dtype });
  const kw: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c.kw)) kw[k] = (torch as any)[v.slice(6)];
  if (c.generator) kw.generator = new torch.Generator().manual_seed(c.seed + 1);
  const extra = Object.keys(kw).length > 0 ? [kw] : [];
  const out: Tensor = c.method === 'randint_like' ? (torch.randint_like as any)(t, ...c.args, ...extra) : (t as any)[c.method](...c.args, ...extra);
  return out === t ? true : out;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

describe('in-place random methods and randint_like after torch.manual_seed, bit for bit', () => {
  for (const c of fixture.random) {
    test(`${c.method}(${c.args.join(', ')}) ${c.dtype} [${c.shape.join(', ')}] seed ${c.seed}${c.generator ? ' generator' : ''}`, () => {
      let out: Tensor | boolean;
      try {
        out = draw(c);
      } catch (e) {
        assert.ok(c.err !== undefined, `unexpected ${String(e)}`);
        assert.deepEqual([(e as Error).name, (e as Error).message], c.err);
        return;
      }
      assert.equal(c.err, undefined, 'PyTorch raised');
      const result = out === true ? null : (out as Tensor);
      assert.equal(result === null, c.same, 'returns self');
      if (result !== null) {
        assert.equal(result.dtype.name, c.d);
        assert.deepEqual(Array.from(result.numpy(), encodeNum), c.v);
      }
      // the default generator's state after the draw
      assert.deepEqual(Array.from(torch.rand(3, { dtype: 'float64' }).numpy()), c.after.map(decodeNum));
    });
  }
  test('in place on self: the tensor itself, its version bumped', () => {
    const t = torch.zeros(3);
    assert.equal(t.uniform_(), t);
    assert.equal(t.cpu(), t);
  });
});

test('torch.range and new_tensor(tensor) warn with PyTorch\'s texts', () => {
  const seen: string[] = [];
  torch.resetWarnings();
  const previous = torch.setWarningHandler((m) => seen.push(m));
  try {
    torch.range(0, 1);
    torch.zeros(1).new_tensor(torch.ones(2));
  } finally {
    torch.setWarningHandler(previous);
  }
  assert.deepEqual(seen, [fixture.warnings.range, fixture.warnings.new_tensor]);
});
