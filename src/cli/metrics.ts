// Regression metrics for `autograd eval`, as scikit-learn 1.2 computes them: MSE, RMSE, MAE and R².

export interface RegressionMetrics {
  rows: number;
  mse: number;
  /** With several targets, the mean of the per-target RMSEs (scikit-learn's multioutput='uniform_average'). */
  rmse: number;
  mae: number;
  /** sklearn's r2_score: the mean over targets of 1 − SS_res / SS_tot (a constant target scores 1 if fitted exactly, else 0). */
  r2: number;
}

/** R² of one target (scikit-learn's force_finite rule when the target is constant). */
function r2Of(ssRes: number, ssTot: number): number {
  if (ssTot === 0) return ssRes === 0 ? 1 : 0;
  return 1 - ssRes / ssTot;
}

/** Over all rows and targets of row-major [rows × targets] predictions and truths, in float64. */
export function regressionMetrics(pred: ArrayLike<number>, y: ArrayLike<number>, rows: number, targets: number): RegressionMetrics {
  let se = 0;
  let ae = 0;
  let r2 = 0;
  let rmse = 0;
  for (let k = 0; k < targets; k++) {
    let mean = 0;
    for (let i = 0; i < rows; i++) mean += y[i * targets + k];
    mean /= rows;
    let ssRes = 0;
    let ssTot = 0;
    for (let i = 0; i < rows; i++) {
      const d = y[i * targets + k] - pred[i * targets + k];
      ssRes += d * d;
      ae += Math.abs(d);
      ssTot += (y[i * targets + k] - mean) ** 2;
    }
    se += ssRes;
    rmse += Math.sqrt(ssRes / rows) / targets; // sklearn averages the per-target RMSEs
    r2 += r2Of(ssRes, ssTot) / targets;
  }
  const n = rows * targets;
  return { rows, mse: se / n, rmse, mae: ae / n, r2 };
}
