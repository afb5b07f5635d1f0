// Issue 15's math ops against PyTorch 1.13 (test/fixtures/torch/gen_math.py): each case a small program
// (leaves with ordinary, tied and special values; one op; sum; backward) compared on values, gradients,
// grad_fn names, requires_grad/is_leaf, printing and error texts. Cases in math_known.json differ for
// a documented reason (README, "Differences from PyTorch").

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readFixture } from '../helpers/fixtures.js';
import { compare, runProgram, type Program } from './programs.js';

const fixture = readFixture<{ torch: string; cases: Array<Program & { op: string }> }>('torch/math.json');
const known = readFixture<Record<string, string>>('torch/math_known.json');

describe(`math ops against PyTorch ${fixture.torch}`, () => {
  for (const c of fixture.cases) {
    test(c.id, () => {
      const ms = compare(c, runProgram(c));
      if (c.id in known) {
        assert.ok(ms.length > 0, `${c.id} agrees now: take it off math_known.json`);
        return;
      }
      assert.deepEqual(ms.slice(0, 3), []);
    });
  }
});
