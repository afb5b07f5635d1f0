// nn.init.trunc_normal_ against PyTorch 1.13 (test/fixtures/torch/trunc_normal.json, gen_trunc_normal.py):
// 240 seeded cases in float32 and float64 over shapes, means, stds and bounds (infinite ones too),
// each value bit for bit, the "mean is more than 2 std" warning, and the stream's position afterwards.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { nn } from '../../src/index.js';
import { resetWarnings, setWarningHandler } from '../../src/warnings.js';
import { readFixture } from '../helpers/fixtures.js';

type Encoded = number | 'nan' | 'inf' | '-inf' | '-0';
interface Case {
  seed: string;
  dtype: 'float32' | 'float64';
  shape: number[];
  mean: Encoded;
  std: Encoded;
  a: Encoded;
  b: Encoded;
  values: Encoded[];
  warnings: string[];
  next: Encoded[];
}
const fixture = readFixture<{ torch: string; trunc_normal: Case[] }>('torch/trunc_normal.json');
const num = (v: Encoded): number => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v === '-0' ? -0 : v);

function firstDifference(actual: ArrayLike<number>, expected: Encoded[]): string | null {
  if (actual.length !== expected.length) return `length ${actual.length} vs ${expected.length}`;
  for (let i = 0; i < expected.length; i++) {
    const want = num(expected[i]);
    if (!Object.is(actual[i], want) && !(Number.isNaN(actual[i]) && Number.isNaN(want))) return `[${i}] ${actual[i]} vs PyTorch ${want}`;
  }
  return null;
}

describe(`nn.init.trunc_normal_ against PyTorch ${fixture.torch}`, () => {
  for (const c of fixture.trunc_normal) {
    test(`seed ${c.seed} ${c.dtype} [${c.shape.join(', ')}] mean ${c.mean} std ${c.std} [${c.a}, ${c.b}]`, () => {
      torch.manual_seed(BigInt(c.seed));
      const t = torch.empty(c.shape, { dtype: c.dtype });
      const warnings: string[] = [];
      resetWarnings();
      const previous = setWarningHandler((m) => warnings.push(m));
      try {
        nn.init.trunc_normal_(t, num(c.mean), num(c.std), num(c.a), num(c.b));
      } finally {
        setWarningHandler(previous);
      }
      assert.equal(firstDifference(t.numpy(), c.values), null);
      assert.deepEqual(warnings, c.warnings);
      assert.equal(firstDifference(torch.rand(2).numpy(), c.next), null, 'the stream after');
    });
  }
});
