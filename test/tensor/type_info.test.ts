// torch.finfo and torch.iinfo against PyTorch 1.13 (test/fixtures/torch/gen_type_info.py): every attribute
// as Python's repr shows it (floats by pyRepr, int64's bigint limits exactly), str() and the TypeErrors.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { pyRepr } from '../../src/tensor/pyfloat.js';
import { readFixture } from '../helpers/fixtures.js';

interface InfoCase {
  kind: 'finfo' | 'iinfo';
  dtype: torch.DType | null;
  str?: string;
  repr?: string;
  attrs?: Record<string, string>;
  error?: string;
}

const fixture = readFixture<{ torch: string; cases: InfoCase[] }>('torch/type_info.json');

/** An attribute as Python's repr prints it: iinfo's limits and bits are ints, finfo's others floats, dtype a string. */
function reprOf(v: unknown, name: string, kind: InfoCase['kind']): string {
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'bigint' || name === 'bits' || kind === 'iinfo') return String(v);
  return pyRepr(v as number);
}

test(`finfo and iinfo against PyTorch ${fixture.torch}`, () => {
  for (const c of fixture.cases) {
    const make = (): torch.FInfo | torch.IInfo => (c.kind === 'finfo' ? torch.finfo(c.dtype ?? undefined) : torch.iinfo(c.dtype as torch.DType));
    if (c.error !== undefined) {
      assert.throws(make, { name: 'ArgumentTypeError', message: c.error }, `${c.kind}(${c.dtype})`);
      continue;
    }
    const info = make();
    assert.equal(String(info), c.str, `${c.kind}(${c.dtype})`);
    for (const [name, expected] of Object.entries(c.attrs ?? {})) {
      assert.equal(reprOf((info as unknown as Record<string, unknown>)[name], name, c.kind), expected, `${c.kind}(${c.dtype}).${name}`);
    }
  }
});

test('finfo limits are the dtype\'s own: float32 max rounds to itself, eps is the gap above 1', () => {
  const f = torch.finfo(torch.float32);
  assert.equal(Math.fround(f.max), f.max);
  assert.equal(Math.fround(1 + f.eps), 1 + f.eps);
  assert.equal(Math.fround(1 + f.eps / 2), 1);
  assert.equal(torch.iinfo(torch.int64).max, 9223372036854775807n);
});
