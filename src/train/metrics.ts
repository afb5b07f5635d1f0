// Regression scores of a model over a batch source, as scikit-learn 1.2 computes them (multi-output:
// the uniform average over targets; RMSE the average of each target's root): mean_squared_error, its root, mean_absolute_error and r2_score
// (force_finite: a constant target scores 1 when predicted exactly, else 0).

import { no_grad } from '../tensor/autograd/grad_mode.js';
import type { Module } from '../nn/module.js';
import type { Tensor } from '../tensor/tensor.js';

export interface RegressionMetrics {
  mse: number;
  rmse: number;
  mae: number;
  r2: number;
  rows: number;
}

/** Per target: the running sums the scores need (Welford's mean and M2 for the total sum of squares). */
class TargetSums {
  n = 0;
  mean = 0;
  m2 = 0;
  sse = 0;
  sae = 0;

  add(y: number, pred: number): void {
    this.n++;
    const d = y - this.mean;
    this.mean += d / this.n;
    this.m2 += d * (y - this.mean);
    const e = y - pred;
    this.sse += e * e;
    this.sae += Math.abs(e);
  }

  r2(): number {
    if (this.m2 === 0) return this.sse === 0 ? 1 : 0;
    return 1 - this.sse / this.m2;
  }
}

/** MSE, RMSE, MAE and R² of `model` on every [x, y] batch of `source` (no graph is recorded). */
export function regressionMetrics(model: Module, source: Iterable<Tensor[]>): RegressionMetrics {
  let sums: TargetSums[] = [];
  no_grad(() => {
    for (const [x, y] of source) {
      const pred = model.forward(x).contiguous()._data;
      const Y = y.contiguous()._data;
      const rows = x.ndim === 0 ? 1 : x._shape[0];
      const T = rows === 0 ? 1 : Y.length / rows;
      if (sums.length === 0) sums = Array.from({ length: T }, () => new TargetSums());
      for (let i = 0; i < Y.length; i++) sums[i % T].add(Y[i], pred[i]);
    }
  });
  const T = sums.length;
  if (T === 0 || sums[0].n === 0) return { mse: NaN, rmse: NaN, mae: NaN, r2: NaN, rows: 0 };
  const avg = (f: (s: TargetSums) => number): number => sums.reduce((acc, s) => acc + f(s), 0) / T;
  // RMSE as scikit-learn's mean_squared_error(squared=False): each target's root, then their mean
  return { mse: avg((s) => s.sse / s.n), rmse: avg((s) => Math.sqrt(s.sse / s.n)), mae: avg((s) => s.sae / s.n), r2: avg((s) => s.r2()), rows: sums[0].n };
}
