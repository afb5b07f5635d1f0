// make_regression against scikit-learn 1.2.1 (test/fixtures/sklearn/make_regression.json, every case) with the
// numpy-compatible generator, at the spec's tolerances: coef exact, X within 1e-14·max|X|, y within 1e-13·max|y|.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { makeRegressionArrays, type MakeRegressionArrays, type MakeRegressionParams } from '../../src/data/make_regression.js';
import { ValueError } from '../../src/errors.js';
import { AleaGenerator as Generator } from '../../src/random/alea.js';
import { NumpyRandomState } from '../../src/random/numpy.js';
import { maxAbs } from '../helpers/compare.js';
import { fixturesDir, readFixture, type FixtureTensor } from '../helpers/fixtures.js';

interface Case {
  params: MakeRegressionParams & { random_state: number };
  X: FixtureTensor;
  y: FixtureTensor;
  coef: FixtureTensor;
}

const fixture = readFixture<{ cases: Case[] }>('sklearn/make_regression.json');

/** numpy/ fixtures are generated here (gen_*.py); a fresh AUTOGRAD_FIXTURES_DIR without them falls back to test/fixtures. */
function readNumpyFixture<T>(relative: string): T {
  return existsSync(path.join(fixturesDir(), relative)) ? readFixture<T>(relative) : (JSON.parse(readFileSync(path.resolve('test/fixtures', relative), 'utf8')) as T);
}

const streams = readNumpyFixture<{ after_make_regression: Array<{ seed: number; params: MakeRegressionParams; next_random_sample: number[] }> }>('numpy/streams.json');

function within(actual: ArrayLike<number>, expected: number[], rel: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  const bound = rel * maxAbs(expected);
  expected.forEach((e, i) => assert.ok(Math.abs(actual[i] - e) <= bound, `${what}[${i}]: ${actual[i]} vs ${e} (bound ${bound})`));
}

function checkAgainst(r: MakeRegressionArrays, c: Pick<Case, 'X' | 'y' | 'coef'>): void {
  assert.deepEqual(r.xShape, c.X.shape);
  assert.deepEqual(r.yShape, c.y.shape);
  assert.deepEqual(r.coefShape, c.coef.shape);
  assert.deepEqual(Array.from(r.coef), c.coef.data); // bit-exact
  within(r.X, c.X.data, 1e-14, 'X');
  within(r.y, c.y.data, 1e-13, 'y');
}

describe('scikit-learn make_regression fixture (every case)', () => {
  test('the fixture has cases', () => assert.ok(fixture.cases.length > 0));
  fixture.cases.forEach((c, k) => {
    test(`case ${k}: ${JSON.stringify(c.params)}`, () => {
      const { random_state, ...params } = c.params;
      checkAgainst(makeRegressionArrays(params, new NumpyRandomState(random_state)), c);
    });
  });
});

test("the tutorial case (fixture case 0): coef 42.38550485581797, a 0-d array; spec §11.3's rows", () => {
  const r = makeRegressionArrays({ n_samples: 100, n_features: 1, noise: 10, bias: 14.5 }, new NumpyRandomState(0));
  assert.deepEqual(r.coefShape, []);
  assert.deepEqual(Array.from(r.coef), [42.38550485581797]);
  const rows: Array<[number, number, number]> = [
    [0, -0.35955316154054129, -5.4558856098795783], [1, 0.97663903648371275, 35.839772713627262], [2, 0.402341641177549, 26.05689457703054],
    [3, -0.81314628204445405, -1.8420691707709196], [4, -0.88778574763011275, -21.200638485006785], [99, -1.1806321841224121, -40.920030704038716],
  ];
  for (const [i, x, y] of rows) {
    assert.ok(Math.abs(r.X[i] - x) <= 1e-14 * maxAbs(r.X), `X[${i}]`);
    assert.ok(Math.abs(r.y[i] - y) <= 1e-13 * maxAbs(r.y), `y[${i}]`);
  }
});

test('the tutorial through the tensor API: X [100, 1], y [100], coef a 0-d float64 tensor', () => {
  const { X, y, coef } = torch.make_regression({ n_samples: 100, n_features: 1, noise: 10, bias: 14.5, random_state: 0, rng: 'numpy' });
  assert.deepEqual([[...X.shape], [...y.shape], [...coef.shape]], [[100, 1], [100], []]);
  assert.equal(coef.item(), 42.38550485581797);
  assert.equal(X.dtype.name, 'float64');
});

test('spec §11.2 (N·F odd: the first noise value is the cached Gaussian from the X step)', () => {
  const r = makeRegressionArrays({ n_samples: 5, n_features: 3, noise: 10, bias: 14.5 }, new NumpyRandomState(0));
  checkAgainst(r, {
    X: { shape: [5, 3], data: [2.2408931992014578, 1.8675579901499675, -0.97727787987641102, 0.76103772514699342, 0.12167501649282841, 0.44386323274542566, 0.95008841752558937, -0.15135720829769789, -0.10321885179355784, 0.41059850193837233, 0.14404357116087799, 1.4542735069629751, 1.764052345967664, 0.40015720836722329, 0.9787379841057392] },
    y: { shape: [5], data: [334.20134078756394, 122.95295275158115, 93.370200452586374, 123.69746281649927, 267.61578559776797] },
    coef: { shape: [3], data: [97.861834223276404, 79.915856421672359, 46.147936225293186] },
  });
});

test("the draws consumed match scikit-learn's: the stream continues where numpy's does (numpy/streams.json)", () => {
  for (const a of streams.after_make_regression) {
    const rs = new NumpyRandomState(a.seed);
    makeRegressionArrays(a.params, rs);
    assert.deepEqual(a.next_random_sample.map(() => rs.random()), a.next_random_sample, JSON.stringify(a.params));
  }
});

test("numpy's squeeze: N = T = 1 gives a 0-d y, N = 1 < T a [T] y, F = T = 1 a 0-d coef", () => {
  const rng = () => new NumpyRandomState(8);
  assert.deepEqual(makeRegressionArrays({ n_samples: 1, n_features: 4 }, rng()).yShape, []);
  const r = makeRegressionArrays({ n_samples: 1, n_features: 4, n_targets: 3 }, rng());
  assert.deepEqual([r.xShape, r.yShape, r.coefShape], [[1, 4], [3], [4, 3]]);
  assert.deepEqual(makeRegressionArrays({ n_samples: 6, n_features: 1 }, rng()).coefShape, []);
});

test('n_informative is clipped to n_features; 0 informative gives y = bias', () => {
  const clipped = makeRegressionArrays({ n_samples: 10, n_features: 4, n_informative: 9 }, new NumpyRandomState(2));
  assert.deepEqual(clipped, makeRegressionArrays({ n_samples: 10, n_features: 4, n_informative: 4 }, new NumpyRandomState(2)));
  assert.ok(Array.from(clipped.coef).every((v) => v > 0));
  const none = makeRegressionArrays({ n_samples: 10, n_features: 4, n_informative: 0, bias: 2.5 }, new NumpyRandomState(2));
  assert.deepEqual(Array.from(none.coef), [0, 0, 0, 0]);
  assert.deepEqual(Array.from(none.y), new Array<number>(10).fill(2.5));
});

test('an undefined parameter takes its default (as an omitted one does)', () => {
  const a = makeRegressionArrays({ n_samples: 5, n_features: 3, effective_rank: undefined, noise: undefined, shuffle: undefined }, new NumpyRandomState(0));
  assert.deepEqual(a, makeRegressionArrays({ n_samples: 5, n_features: 3 }, new NumpyRandomState(0)));
});

test('parameter validation: one-line ValueErrors naming the parameter and the value', () => {
  const cases: Array<[MakeRegressionParams, string]> = [
    [{ n_samples: 0 }, 'make_regression: n_samples must be an integer >= 1, got 0'],
    [{ n_features: 2.5 }, 'make_regression: n_features must be an integer >= 1, got 2.5'],
    [{ n_targets: -1 }, 'make_regression: n_targets must be an integer >= 1, got -1'],
    [{ n_informative: -1 }, 'make_regression: n_informative must be an integer >= 0, got -1'],
    [{ n_informative: 1.5 }, 'make_regression: n_informative must be an integer >= 0, got 1.5'],
    [{ noise: -1 }, 'make_regression: noise must be a finite number >= 0, got -1'],
    [{ noise: Number.NaN }, 'make_regression: noise must be a finite number >= 0, got NaN'],
    [{ noise: Number.POSITIVE_INFINITY }, 'make_regression: noise must be a finite number >= 0, got Infinity'],
    [{ bias: Number.NaN }, 'make_regression: bias must be a finite number, got NaN'],
    [{ effective_rank: 0 }, 'make_regression: effective_rank must be an integer >= 1, got 0'],
    [{ effective_rank: 2.5 }, 'make_regression: effective_rank must be an integer >= 1, got 2.5'],
    [{ tail_strength: 1.5 }, 'make_regression: tail_strength must be in [0, 1], got 1.5'],
    [{ tail_strength: -0.1 }, 'make_regression: tail_strength must be in [0, 1], got -0.1'],
    [{ n_samples: 2 ** 20, n_features: 2 ** 12 }, 'make_regression: n_samples * n_features = 4294967296 values is more than this implementation holds (2147483647)'],
  ];
  for (const [params, message] of cases) {
    assert.throws(() => makeRegressionArrays(params, new NumpyRandomState(0)), (e: unknown) => e instanceof ValueError && e.message === message, message);
  }
});

/** y[i] = X[i]·coef + bias must survive the row and column shuffles (no noise). */
function assertConsistent(r: MakeRegressionArrays, bias: number): void {
  const [N, F] = r.xShape;
  const T = r.y.length / N;
  for (let i = 0; i < N; i++) {
    for (let t = 0; t < T; t++) {
      let dot = bias;
      for (let j = 0; j < F; j++) dot += r.X[i * F + j] * r.coef[j * T + t];
      assert.ok(Math.abs(dot - r.y[i * T + t]) <= 1e-12 * Math.max(1, Math.abs(dot)), `row ${i} target ${t}`);
    }
  }
}

test('the default generator: deterministic per seed, different across seeds, consistent after shuffling', () => {
  const params = { n_samples: 20, n_features: 3, n_targets: 2, noise: 1 };
  const a = makeRegressionArrays(params, new Generator(5));
  assert.deepEqual(a, makeRegressionArrays(params, new Generator(5)));
  assert.notDeepEqual(Array.from(a.X), Array.from(makeRegressionArrays(params, new Generator(6)).X));
  assertConsistent(makeRegressionArrays({ n_samples: 30, n_features: 7, n_informative: 4, n_targets: 2, bias: -3 }, new Generator(9)), -3);
  assertConsistent(makeRegressionArrays({ n_samples: 30, n_features: 7, effective_rank: 2, bias: 1 }, new Generator(9)), 1);
});

test('the default generator: standard normal X, coefficients in [0, 100) on n_informative columns, noise of the asked sd', () => {
  const N = 4000;
  const r = makeRegressionArrays({ n_samples: N, n_features: 5, n_informative: 3, noise: 2, bias: 7 }, new Generator(11));
  const mean = r.X.reduce((s, v) => s + v, 0) / r.X.length;
  const variance = r.X.reduce((s, v) => s + (v - mean) ** 2, 0) / r.X.length;
  assert.ok(Math.abs(mean) < 0.05 && Math.abs(variance - 1) < 0.05, `mean ${mean}, variance ${variance}`);
  const coef = Array.from(r.coef);
  assert.equal(coef.filter((v) => v !== 0).length, 3);
  assert.ok(coef.every((v) => v >= 0 && v < 100));
  let ss = 0;
  for (let i = 0; i < N; i++) {
    let clean = 7;
    for (let j = 0; j < 5; j++) clean += r.X[i * 5 + j] * coef[j];
    ss += (r.y[i] - clean) ** 2;
  }
  assert.ok(Math.abs(Math.sqrt(ss / N) - 2) < 0.1, `noise sd ${Math.sqrt(ss / N)}`);
});

test('signed_coef: negative coefficients, 100·(2u − 1) from the same draws, X and the shuffles unchanged', () => {
  for (const make of [() => new NumpyRandomState(3), () => new Generator(3)]) {
    const params = { n_samples: 30, n_features: 8, n_informative: 6, noise: 0.5 };
    const plain = makeRegressionArrays(params, make());
    const signed = makeRegressionArrays({ ...params, signed_coef: true }, make());
    assert.deepEqual(signed.X, plain.X);
    assert.ok(Array.from(signed.coef).some((v) => v < 0));
    assert.ok(Array.from(signed.coef).every((v) => v >= -100 && v < 100));
    // zero (uninformative) coefficients stay zero and sit in the same columns
    plain.coef.forEach((v, i) => {
      if (v === 0) assert.equal(signed.coef[i], 0);
      else assert.ok(Math.abs(signed.coef[i] - (2 * v - 100)) < 1e-12, `coef[${i}]`);
    });
  }
});
