// regressionMetrics against scikit-learn 1.2's mean_squared_error (and squared=False), mean_absolute_error
// and r2_score (test/fixtures/sklearn/metrics.json from gen_train_choices.py): multi-output averages,
// a constant target predicted exactly and not, tiny and huge magnitudes.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { regressionMetrics } from '../../src/train/metrics.js';
import { readFixture } from '../helpers/fixtures.js';

interface Case { y: number[][]; pred: number[][]; mse: number; rmse: number; mae: number; r2: number }
const fx = readFixture<{ cases: Case[] }>('sklearn/metrics.json');

/** Predicts its input: the metrics then score the fixture's predictions. */
class Echo extends torch.nn.Module {
  forward(x: torch.Tensor): torch.Tensor {
    return x;
  }
}

/** Rows [start, end) of a 2-d tensor as a new tensor. */
function rows(t: torch.Tensor, start: number, end: number): torch.Tensor {
  const F = t.shape[1];
  return torch.tensor(Array.from(t.numpy()).slice(start * F, end * F), { dtype: torch.float64 }).reshape([end - start, F]);
}

function close(got: number, want: number, what: string): void {
  const tol = 1e-12 * Math.max(Math.abs(want), Number.MIN_VALUE);
  assert.ok(Math.abs(got - want) <= tol || got === want, `${what}: ${got} vs scikit-learn ${want}`);
}

test(`${fx.cases.length} cases agree with scikit-learn's scores (relative 1e-12)`, () => {
  fx.cases.forEach((c, i) => {
    const shape = [c.y.length, c.y[0].length];
    const pred = torch.tensor(c.pred.flat(), { dtype: torch.float64 }).reshape(shape);
    const y = torch.tensor(c.y.flat(), { dtype: torch.float64 }).reshape(shape);
    // split into two batches: the sums carry across batches
    const cut = Math.max(1, Math.floor(shape[0] / 2));
    const batches = cut < shape[0] ? [[rows(pred, 0, cut), rows(y, 0, cut)], [rows(pred, cut, shape[0]), rows(y, cut, shape[0])]] : [[pred, y]];
    const m = regressionMetrics(new Echo(), batches);
    assert.equal(m.rows, shape[0]);
    for (const k of ['mse', 'rmse', 'mae', 'r2'] as const) close(m[k], c[k], `case ${i} ${k}`);
  });
});

test('no rows: every score is NaN', () => {
  const m = regressionMetrics(new Echo(), []);
  assert.ok(Number.isNaN(m.mse) && Number.isNaN(m.r2));
  assert.equal(m.rows, 0);
});
