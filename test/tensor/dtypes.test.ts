// Integer and bool dtypes against PyTorch 1.13 (test/fixtures/torch/gen_dtypes.py): creation and
// printing, conversions with special values, promotion of every dtype pair, arithmetic, unary ops,
// reductions, in-place casting rules and the errors, each compared exactly (str() of the result, or
// the error's type and text).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { readFixture } from '../helpers/fixtures.js';

interface Case {
  py: string;
  js: string;
  str?: string;
  dtype?: string;
  shape?: number[];
  value?: unknown;
  err?: [string, string];
}

const fixture = readFixture<{ torch: string; cases: Case[] }>('torch/dtypes.json');

function outcome(c: Case): Omit<Case, 'py' | 'js'> {
  try {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the case's JavaScript spelling
    const r: unknown = new Function('torch', `return ${c.js};`)(torch);
    if (r instanceof torch.Tensor) return { str: String(r), dtype: r.dtype.name, shape: r.shape.slice() };
    return { value: r instanceof torch.dtype ? r.name : r }; // a torch.dtype, stored by its name
  } catch (e) {
    const err = e as Error;
    return { err: [err.constructor.name, err.message] };
  }
}

test(`${fixture.cases.length} dtype cases print, promote, convert and fail as PyTorch ${fixture.torch}`, () => {
  assert.ok(fixture.cases.length > 1500);
  const wrong: string[] = [];
  for (const c of fixture.cases) {
    const { py: _py, js: _js, ...want } = c;
    const got = outcome(c);
    try {
      assert.deepEqual(got, want);
    } catch {
      wrong.push(`${c.js}\n    torch: ${JSON.stringify(want)}\n    ours:  ${JSON.stringify(got)}`);
    }
  }
  assert.deepEqual(wrong.slice(0, 15), [], `${wrong.length} of ${fixture.cases.length} differ`);
});

test("seed 003's x2.data = torch.tensor([100, 200]) prints as PyTorch printed it", () => {
  // ../shared/seeds/003: its test02 and the output it shows
  const x1 = torch.tensor([10, 20], { requires_grad: true, dtype: torch.float64 });
  const x2 = x1.detach();
  x2.data = torch.tensor([100n, 200n]);
  assert.equal(String(x1), 'tensor([10., 20.], dtype=torch.float64, requires_grad=True)');
  assert.equal(String(x2), 'tensor([100, 200])');
  assert.equal(x2.requires_grad, false);
});
