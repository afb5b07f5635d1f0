// The elementary functions under the loss ops: SLEEF's float64 exp and log (math/sleef64.ts) against
// torch.exp / torch.log in float64, bit for bit; and the correctly rounded stand-ins for glibc's
// exp/log/expf/logf (math/libm.ts) within one ulp of glibc's, equal on nearly all inputs
// (test/fixtures/torch/losses.json `elementary`, from gen_losses.py).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expd, logd } from '../../src/math/sleef64.js';
import { exp, expf, log, logf } from '../../src/math/libm.js';
import { readFixture } from '../helpers/fixtures.js';

type Encoded = number | 'nan' | 'inf' | '-inf' | '-0';
interface Series {
  x: Encoded[];
  torch?: Encoded[];
  glibc: Encoded[];
}
const { elementary } = readFixture<{ elementary: Record<'exp' | 'log' | 'expf' | 'logf', Series> }>('torch/losses.json');

function decode(values: Encoded[]): number[] {
  return values.map((v) => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v === '-0' ? -0 : v));
}

/** ulps between two values of the dtype (0 when identical, NaN included). */
function ulps(a: number, b: number, float32: boolean): number {
  if (Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b))) return 0;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return Infinity;
  const arr = float32 ? new Float32Array([a, b]) : new Float64Array([a, b]);
  const ints = float32 ? new Int32Array(arr.buffer) : new BigInt64Array(arr.buffer);
  return Math.abs(Number(BigInt(ints[0]) - BigInt(ints[1])));
}

function differences(f: (x: number) => number, xs: number[], expected: number[], float32: boolean): number[] {
  return xs.map((x, i) => ulps(f(x), expected[i], float32));
}

test('expd and logd are torch.exp and torch.log in float64, bit for bit', () => {
  for (const [name, f] of [['exp', expd], ['log', logd]] as const) {
    const s = elementary[name];
    const xs = decode(s.x);
    const d = differences(f, xs, decode(s.torch as Encoded[]), false);
    const bad = d.map((u, i) => [xs[i], u]).filter(([, u]) => u !== 0);
    assert.deepEqual(bad, [], `${name}: ${bad.length} of ${xs.length} differ`);
  }
});

test('the libm stand-ins are within one ulp of glibc and equal on more than 99% of inputs', () => {
  const cases = [['exp', exp, false], ['log', log, false], ['expf', expf, true], ['logf', logf, true]] as const;
  for (const [name, f, float32] of cases) {
    const s = elementary[name];
    const d = differences(f, decode(s.x), decode(s.glibc), float32);
    assert.ok(Math.max(...d) <= 1, `${name}: up to ${Math.max(...d)} ulps`);
    const differing = d.filter((u) => u > 0).length;
    assert.ok(differing <= 0.01 * d.length, `${name}: ${differing} of ${d.length} differ`);
  }
});
