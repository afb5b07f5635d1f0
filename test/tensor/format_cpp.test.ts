// C++'s printing of a tensor, as PyTorch's messages show one (torch.meshgrid's error for a 2-d or
// larger tensor): test/fixtures/torch/cpp_print.json (gen_cpp_print.py) holds PyTorch 1.13's text for
// every dtype, layouts of 2 to 5 dims, column blocks, scaled and scientific styles and special values.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { decodeNumber, readFixture, type EncodedNumber } from '../helpers/fixtures.js';

interface Case {
  shape: number[];
  dtype: torch.DType;
  values: Array<EncodedNumber | boolean>;
  printed: string;
}

const fixture = readFixture<{ torch: string; cases: Case[] }>('torch/cpp_print.json');

test(`${fixture.cases.length} tensors print in messages as PyTorch ${fixture.torch}'s C++ prints them`, () => {
  assert.ok(fixture.cases.length >= 300);
  const wrong: string[] = [];
  for (const c of fixture.cases) {
    const values = c.values.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : decodeNumber(v)));
    const t = torch.tensor(values, { dtype: c.dtype }).reshape(c.shape);
    let message = '';
    try {
      torch.meshgrid(t, { indexing: 'ij' });
    } catch (e) {
      message = (e as Error).message;
    }
    const expected = `torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: ${c.printed}`;
    if (message !== expected) wrong.push(`${c.dtype} [${c.shape}]:\n${JSON.stringify(message)}\n${JSON.stringify(expected)}`);
  }
  assert.deepEqual(wrong.slice(0, 5), [], `${wrong.length} of ${fixture.cases.length} differ`);
});
