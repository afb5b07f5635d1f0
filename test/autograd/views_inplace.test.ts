// The in-place view ops t_, transpose_, squeeze_ and unsqueeze_ against PyTorch 1.13
// (test/fixtures/torch/gen_views_inplace.py): programs compared on values, shapes, strides, grad_fn
// names, flags, gradients and error texts, as the differential tester compares them; versions here.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { readFixture } from '../helpers/fixtures.js';
import { compare, runProgram, type Program } from './programs.js';

const fixture = readFixture<{ torch: string; cases: Array<Program & { op: string }> }>('torch/views_inplace.json');

describe(`t_, transpose_, squeeze_ and unsqueeze_ against PyTorch ${fixture.torch}`, () => {
  for (const c of fixture.cases) {
    test(c.id, () => {
      assert.deepEqual(compare(c, runProgram(c)).slice(0, 3), []);
    });
  }
});

test('each in-place view op bumps the version once and keeps the tensor itself', () => {
  const x = torch.randn(2, 3).requires_grad_(true);
  const y = x.mul(1);
  const before = y._version.value;
  assert.equal(y.t_(), y);
  assert.equal(y.unsqueeze_(0), y);
  assert.equal(y.squeeze_(), y);
  assert.equal(y.transpose_(0, 1), y);
  assert.equal(y._version.value, before + 4);
  assert.deepEqual(y.shape.slice(), [2, 3]);
  assert.equal(y.grad_fn?.name(), 'TransposeBackward1');
});

test("strides after the in-place view ops are PyTorch's", () => {
  // PyTorch 1.13: x.t_() of a contiguous 2x3 has stride (1, 3); transpose_(0, 2) of 2x3x2 (1, 2, 6);
  // squeeze_(1) of 2x1x3 (3, 1); unsqueeze_(1) of 2x3 (3, 3, 1)
  const a = torch.zeros(2, 3).t_();
  assert.deepEqual(a.stride(), [1, 3]);
  assert.equal(a.is_contiguous(), false);
  assert.deepEqual(torch.zeros(2, 3, 2).transpose_(0, 2).stride(), [1, 2, 6]);
  assert.deepEqual(torch.zeros(2, 1, 3).squeeze_(1).stride(), [3, 1]);
  assert.deepEqual(torch.zeros(2, 3).unsqueeze_(1).stride(), [3, 3, 1]);
});
