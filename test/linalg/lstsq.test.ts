// Closed-form least squares against numpy.linalg.lstsq (test/fixtures/numpy/lstsq.json, gen_lstsq.py): full rank,
// ill-conditioned, rank-deficient (minimum norm), underdetermined, float32 input; plus exact recovery and Householder QR.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ValueError } from '../../src/errors.js';
import { lstsq, mseOf } from '../../src/linalg/lstsq.js';
import { applyQT, economicQ, householderQR, pivotedQR, rAt } from '../../src/linalg/qr.js';
import { NumpyRandomState } from '../../src/random/numpy.js';
import { assertClose, maxAbs } from '../helpers/compare.js';
import { fixturesDir, readFixture, type FixtureTensor } from '../helpers/fixtures.js';

interface LstsqCase {
  name: string;
  fit_intercept: boolean;
  dtype: 'float32' | 'float64';
  X: FixtureTensor;
  Y: FixtureTensor;
  weight: FixtureTensor;
  bias: FixtureTensor;
  rank: number;
}

/** numpy/ fixtures are generated here (gen_*.py); a fresh AUTOGRAD_FIXTURES_DIR without them falls back to test/fixtures. */
function readNumpyFixture<T>(relative: string): T {
  return existsSync(path.join(fixturesDir(), relative)) ? readFixture<T>(relative) : (JSON.parse(readFileSync(path.resolve('test/fixtures', relative), 'utf8')) as T);
}

const fixture = readNumpyFixture<{ cases: LstsqCase[] }>('numpy/lstsq.json');

for (const c of fixture.cases) {
  test(`numpy.linalg.lstsq: ${c.name}`, () => {
    const [n, f] = c.X.shape;
    const t = c.Y.shape[1];
    const X = c.dtype === 'float32' ? Float32Array.from(c.X.data) : Float64Array.from(c.X.data);
    const Y = c.dtype === 'float32' ? Float32Array.from(c.Y.data) : Float64Array.from(c.Y.data);
    const fit = lstsq(X, n, f, Y, t, { fitIntercept: c.fit_intercept });
    assert.equal(fit.rank, c.rank);
    // ill-conditioned cases lose digits in any method; 1e-9 relative to the largest coefficient holds for all of these
    const scale = Math.max(maxAbs(c.weight.data), maxAbs(c.bias.data), 1);
    assertClose(fit.weight, c.weight.data, 0, 'weight', 1e-9 * scale);
    assertClose(fit.bias, c.bias.data, 0, 'bias', 1e-9 * scale);
    // the residual is numpy's too (the minimum itself is well determined even when W is not)
    const ours = mseOf(X, n, f, Y, t, fit.weight, fit.bias);
    const theirs = mseOf(X, n, f, Y, t, c.weight.data, c.bias.data);
    assert.ok(Math.abs(ours - theirs) <= 1e-10 * Math.max(theirs, 1e-12), `mse ${ours} vs ${theirs}`);
  });
}

function synthetic(n: number, f: number, W: number[], b: number[]): { X: Float64Array; Y: Float64Array } {
  const t = b.length;
  const X = new NumpyRandomState(7).standard_normal(n * f);
  const Y = new Float64Array(n * t);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < t; k++) {
      let s = b[k];
      for (let j = 0; j < f; j++) s += X[i * f + j] * W[k * f + j];
      Y[i * t + k] = s;
    }
  }
  return { X, Y };
}

test('noise-free data is recovered exactly, several targets, nn.Linear layout [targets, features]', () => {
  const W = [1.5, -2, 0.25, 4, 0, -1];
  const b = [0.5, -3];
  const { X, Y } = synthetic(20, 3, W, b);
  const fit = lstsq(X, 20, 3, Y, 2);
  assertClose(fit.weight, W, 0, 'weight', 1e-13);
  assertClose(fit.bias, b, 0, 'bias', 1e-13);
  assert.equal(fit.rank, 3);
  assert.ok(mseOf(X, 20, 3, Y, 2, fit.weight, fit.bias) < 1e-26);
});

test('fitIntercept: false fits through the origin and returns a zero bias', () => {
  const W = [2, -1, 0.5];
  const { X, Y } = synthetic(15, 3, W, [0]);
  const fit = lstsq(X, 15, 3, Y, 1, { fitIntercept: false });
  assertClose(fit.weight, W, 0, 'weight', 1e-13);
  assert.deepEqual(Array.from(fit.bias), [0]);
  const shifted = Y.map((v) => v + 10);
  assert.ok(mseOf(X, 15, 3, shifted, 1, lstsq(X, 15, 3, shifted, 1, { fitIntercept: false }).weight, [0]) > 1);
});

test('Float32Array inputs are read as float64 values: the same answer as the widened Float64Array', () => {
  const { X, Y } = synthetic(25, 2, [3, -0.5], [1]);
  const X32 = Float32Array.from(X);
  const Y32 = Float32Array.from(Y);
  const a = lstsq(X32, 25, 2, Y32, 1);
  const b = lstsq(Float64Array.from(X32), 25, 2, Float64Array.from(Y32), 1);
  assert.deepEqual([Array.from(a.weight), Array.from(a.bias)], [Array.from(b.weight), Array.from(b.bias)]);
});

test('rank deficiency gives the minimum-norm solution: a duplicated column splits its weight evenly', () => {
  const n = 10;
  const base = new NumpyRandomState(3).standard_normal(n);
  const X = new Float64Array(n * 2);
  const Y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    X[i * 2] = base[i];
    X[i * 2 + 1] = base[i];
    Y[i] = 3 * base[i] + 1;
  }
  const fit = lstsq(X, n, 2, Y, 1);
  assert.equal(fit.rank, 1);
  assertClose(fit.weight, [1.5, 1.5], 0, 'weight', 1e-13);
  assertClose(fit.bias, [1], 0, 'bias', 1e-13);
});

test('a large constant column centres to exact zeros: not counted in the rank, weight 0', () => {
  const n = 7;
  const noise = new NumpyRandomState(6).standard_normal(2 * n);
  const X = new Float64Array(n * 2);
  const Y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    X[i * 2] = noise[i];
    X[i * 2 + 1] = 1e6 + 0.1; // sum/n alone rounds away from this value; the corrective pass brings it back
    Y[i] = 2 * noise[i] + noise[n + i];
  }
  const fit = lstsq(X, n, 2, Y, 1);
  assert.equal(fit.rank, 1);
  assert.equal(fit.weight[1], 0);
});

test('bad shapes and non-finite values are ValueErrors', () => {
  assert.throws(() => lstsq(new Float64Array(5), 2, 3, new Float64Array(2), 1), (e: unknown) => e instanceof ValueError && e.message === 'lstsq: X has 5 values, expected 2x3');
  assert.throws(() => lstsq(new Float64Array(6), 2, 3, new Float64Array(3), 1), /lstsq: Y has 3 values, expected 2x1/);
  assert.throws(() => lstsq(new Float64Array(0), 0, 3, new Float64Array(0), 1), /nRows must be a positive integer, got 0/);
  assert.throws(() => lstsq(Float64Array.of(1, Number.NaN), 2, 1, Float64Array.of(1, 2), 1), /X has a non-finite value \(NaN\) at flat index 1/);
});

test('Householder QR: Q has orthonormal columns, Q·R = A, and LAPACK signs (R[j][j] = -sign(alpha)·norm)', () => {
  const m = 6;
  const n = 4;
  const A = Float64Array.from({ length: m * n }, (_, i) => Math.cos(i * 0.9) + i / 7);
  const qr = householderQR(A, m, n);
  const Q = economicQ(A, m, n);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      let dot = 0;
      for (let i = 0; i < m; i++) dot += Q[i * n + a] * Q[i * n + b];
      assert.ok(Math.abs(dot - (a === b ? 1 : 0)) < 1e-14, `QᵀQ[${a}][${b}] = ${dot}`);
    }
  }
  for (let i = 0; i < m; i++) {
    for (let c = 0; c < n; c++) {
      let s = 0;
      for (let k = 0; k <= c; k++) s += Q[i * n + k] * rAt(qr, k, c);
      assert.ok(Math.abs(s - A[i * n + c]) < 1e-14 * 8, `(QR)[${i}][${c}]`);
    }
  }
  // A[0][0] = 1 > 0, so R[0][0] = -‖A[:, 0]‖
  let norm0 = 0;
  for (let i = 0; i < m; i++) norm0 += A[i * n] ** 2;
  assert.ok(Math.abs(rAt(qr, 0, 0) + Math.sqrt(norm0)) < 1e-14 * Math.sqrt(norm0));
});

test('pivoted QR: |R[j][j]| non-increasing, perm a permutation, and applyQT leaves ‖b‖ unchanged', () => {
  const m = 8;
  const n = 5;
  const A = new NumpyRandomState(4).standard_normal(m * n);
  for (let i = 0; i < m; i++) A[i * n + 3] *= 100;
  const qr = pivotedQR(A, m, n);
  assert.equal(qr.perm[0], 3);
  assert.deepEqual(Array.from(qr.perm).sort(), [0, 1, 2, 3, 4]);
  for (let j = 1; j < n; j++) assert.ok(Math.abs(rAt(qr, j, j)) <= Math.abs(rAt(qr, j - 1, j - 1)) * (1 + 1e-12));
  const b = new NumpyRandomState(5).standard_normal(m);
  const before = Math.hypot(...b);
  applyQT(qr, b, 1);
  assert.ok(Math.abs(Math.hypot(...b) - before) < 1e-14 * before);
});
