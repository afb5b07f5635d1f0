// make_regression against scikit-learn 1.2.1 (test/fixtures/sklearn/make_regression.json) with the
// numpy-compatible generator, at the spec's tolerances: coef exact, X within 1e-14·max|X|, y within 1e-13·max|y|.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { makeRegressionArrays, type MakeRegressionParams } from '../../src/data/make_regression.js';
import { NumpyRandomState } from '../../src/random/numpy.js';
import { Generator } from '../../src/random/generator.js';
import { maxAbs } from '../helpers/compare.js';
import { readFixture, type FixtureTensor } from '../helpers/fixtures.js';

interface Case {
  params: MakeRegressionParams & { random_state: number };
  X: FixtureTensor;
  y: FixtureTensor;
  coef: FixtureTensor;
}

const fixture = readFixture<{ cases: Case[] }>('sklearn/make_regression.json');

function within(actual: Float64Array, expected: number[], rel: number, what: string): void {
  const bound = rel * maxAbs(expected);
  expected.forEach((e, i) => assert.ok(Math.abs(actual[i] - e) <= bound, `${what}[${i}]: ${actual[i]} vs ${e} (bound ${bound})`));
}

describe('scikit-learn make_regression fixture', () => {
  fixture.cases.forEach((c, k) => {
    test(`case ${k}: ${JSON.stringify(c.params)}`, () => {
      const { random_state, ...params } = c.params;
      const r = makeRegressionArrays(params, new NumpyRandomState(random_state));
      assert.deepEqual(r.xShape, c.X.shape);
      assert.deepEqual(r.yShape, c.y.shape);
      assert.deepEqual(r.coefShape, c.coef.shape);
      assert.deepEqual(Array.from(r.coef), c.coef.data); // bit-exact
      within(r.X, c.X.data, 1e-14, 'X');
      within(r.y, c.y.data, 1e-13, 'y');
    });
  });
});

test('the tutorial dataset through the tensor API: coef 42.38550485581797 as a 0-d tensor', () => {
  const { X, y, coef } = torch.make_regression({ n_samples: 100, n_features: 1, noise: 10, bias: 14.5, random_state: 0, rng: 'numpy' });
  assert.deepEqual(X.shape, [100, 1]);
  assert.deepEqual(y.shape, [100]);
  assert.deepEqual(coef.shape, []);
  assert.equal(coef.item(), 42.38550485581797);
  assert.equal(X.dtype, 'float64');
  assert.equal(y.numpy()[0], -5.4558856098795783); // spec §11.3, row 0
});

test('the spec §11.2 example (N·F odd: the first noise value comes from the Gaussian cache)', () => {
  const r = makeRegressionArrays({ n_samples: 5, n_features: 3, noise: 10, bias: 14.5 }, new NumpyRandomState(0));
  assert.deepEqual(Array.from(r.coef), [97.861834223276404, 79.915856421672359, 46.147936225293186]);
  within(r.y, [334.20134078756394, 122.95295275158115, 93.370200452586374, 123.69746281649927, 267.61578559776797], 1e-13, 'y');
});

test('parameter validation names the parameter and the value', () => {
  const rng = new NumpyRandomState(0);
  assert.throws(() => makeRegressionArrays({ n_samples: 0 }, rng), { message: 'make_regression: n_samples must be an integer >= 1, got 0' });
  assert.throws(() => makeRegressionArrays({ noise: -1 }, rng), { message: 'make_regression: noise must be a finite number >= 0, got -1' });
  assert.throws(() => makeRegressionArrays({ tail_strength: 2, effective_rank: 3 }, rng), /tail_strength must be in \[0, 1\], got 2/);
  assert.throws(() => makeRegressionArrays({ n_features: 2.5 }, rng), /n_features must be an integer >= 1, got 2.5/);
});

test('the default generator runs the same algorithm, deterministically', () => {
  const a = makeRegressionArrays({ n_samples: 20, n_features: 3, noise: 1 }, new Generator(5));
  const b = makeRegressionArrays({ n_samples: 20, n_features: 3, noise: 1 }, new Generator(5));
  const c = makeRegressionArrays({ n_samples: 20, n_features: 3, noise: 1 }, new Generator(6));
  assert.deepEqual(a, b);
  assert.notDeepEqual(Array.from(a.X), Array.from(c.X));
  for (const v of a.coef) assert.ok(v >= 0 && v < 100);
});

test('signed_coef: same X, coefficients in [-100, 100) from the same draws', () => {
  const plain = makeRegressionArrays({ n_samples: 30, n_features: 8, n_informative: 8, shuffle: false }, new NumpyRandomState(3));
  const signed = makeRegressionArrays({ n_samples: 30, n_features: 8, n_informative: 8, shuffle: false, signed_coef: true }, new NumpyRandomState(3));
  assert.deepEqual(signed.X, plain.X);
  // both draw one u per coefficient: plain = 100u, signed = 100(2u - 1)
  plain.coef.forEach((v, i) => assert.ok(Math.abs(signed.coef[i] - (2 * v - 100)) < 1e-12));
  assert.ok(Array.from(signed.coef).some((v) => v < 0));
});
