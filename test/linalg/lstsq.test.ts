// Closed-form least squares against numpy.linalg.lstsq on the tutorial data, exact recovery, rank deficiency.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lstsq, linearMSE } from '../../src/linalg/lstsq.js';
import { householderQR, qFactor } from '../../src/linalg/qr.js';
import { NumpyRandomState } from '../../src/random/numpy.js';
import { readFixture, type FixtureTensor } from '../helpers/fixtures.js';

const tutorial = readFixture<{ cases: Array<{ X: FixtureTensor; y: FixtureTensor }> }>('sklearn/make_regression.json').cases[0];

// np.linalg.lstsq(np.c_[X, np.ones(100)], y, rcond=None) on case 0 of the sklearn fixture (numpy 1.24, /usr/bin/python3)
const LSTSQ_REFERENCE = [42.619430291366946, 13.685818172969272];

test('tutorial data: the same solution as numpy.linalg.lstsq on [X, 1]', () => {
  const { weight, bias } = lstsq(tutorial.X.data, 100, 1, tutorial.y.data, 1);
  assert.ok(Math.abs(weight[0] - LSTSQ_REFERENCE[0]) < 1e-10, `${weight[0]}`);
  assert.ok(Math.abs(bias[0] - LSTSQ_REFERENCE[1]) < 1e-10, `${bias[0]}`);
});

test('noise-free data is recovered exactly, with several targets', () => {
  const n = 20;
  const X = new NumpyRandomState(7).standard_normal(n * 3);
  const W = [1.5, -2, 0.25, 4, 0, -1];
  const b = [0.5, -3];
  const Y = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) for (let k = 0; k < 2; k++) Y[i * 2 + k] = b[k] + X[i * 3] * W[k * 3] + X[i * 3 + 1] * W[k * 3 + 1] + X[i * 3 + 2] * W[k * 3 + 2];
  const fit = lstsq(X, n, 3, Y, 2);
  W.forEach((w, i) => assert.ok(Math.abs(fit.weight[i] - w) < 1e-12));
  b.forEach((v, i) => assert.ok(Math.abs(fit.bias[i] - v) < 1e-12));
  assert.ok(linearMSE(X, n, 3, Y, 2, fit.weight, fit.bias) < 1e-24);
});

test('linearly dependent features are refused', () => {
  const X = Float64Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? i : 2 * (i - 1)));
  assert.throws(() => lstsq(X, 10, 2, Float64Array.from({ length: 10 }, (_, i) => i), 1), /linearly dependent/);
});

test('economic Q has orthonormal columns', () => {
  const A = Float64Array.from({ length: 12 }, (_, i) => Math.cos(i * 0.9) + i / 7);
  const Q = qFactor(householderQR(A, 4, 3));
  for (let a = 0; a < 3; a++) {
    for (let b = 0; b < 3; b++) {
      let dot = 0;
      for (let i = 0; i < 4; i++) dot += Q[i * 3 + a] * Q[i * 3 + b];
      assert.ok(Math.abs(dot - (a === b ? 1 : 0)) < 1e-14);
    }
  }
});
