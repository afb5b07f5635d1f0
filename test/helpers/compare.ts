// Numeric comparison helpers: relative closeness with a clear failure message.

import assert from 'node:assert/strict';

/**
 * Assert |actual - expected| <= rtol·|expected| + atol element by element (NaN matches NaN, and
 * infinities must be equal). `what` names the quantity in the failure message.
 */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, what: string, atol = 0): void {
  assert.equal(actual.length, expected.length, `${what}: length ${actual.length} != ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e)) {
      assert.ok(Number.isNaN(a), `${what}[${i}]: expected NaN, got ${a}`);
      continue;
    }
    if (!Number.isFinite(e)) {
      assert.equal(a, e, `${what}[${i}]`);
      continue;
    }
    const err = Math.abs(a - e);
    assert.ok(err <= rtol * Math.abs(e) + atol, `${what}[${i}]: got ${a}, expected ${e} (error ${err.toExponential(2)}, rtol ${rtol}, atol ${atol})`);
  }
}

export function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) m = Math.max(m, Math.abs(values[i]));
  return m;
}
