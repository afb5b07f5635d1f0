// Closed-form least squares for a linear model with intercept, through Householder QR of the centred design.

import { RuntimeError } from '../errors.js';
import { applyQT, householderQR } from './qr.js';

export interface LeastSquares {
  /** [targets × features], nn.Linear's layout. */
  weight: Float64Array;
  bias: Float64Array;
}

/**
 * Minimise ‖X Wᵀ + b − Y‖² over W and b. Columns are centred (the intercept is then ȳ − x̄·w), and
 * the centred design is factored once by QR. A design whose rank is below the feature count throws.
 */
export function lstsq(X: ArrayLike<number>, n: number, f: number, Y: ArrayLike<number>, t: number): LeastSquares {
  if (n < f + 1) throw new RuntimeError(`least squares needs more rows (${n}) than features plus one (${f + 1})`);
  const xm = new Float64Array(f);
  const ym = new Float64Array(t);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < f; j++) xm[j] += X[i * f + j] / n;
    for (let k = 0; k < t; k++) ym[k] += Y[i * t + k] / n;
  }
  const A = new Float64Array(n * f);
  const B = new Float64Array(n * t);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < f; j++) A[i * f + j] = X[i * f + j] - xm[j];
    for (let k = 0; k < t; k++) B[i * t + k] = Y[i * t + k] - ym[k];
  }
  const qr = householderQR(A, n, f);
  applyQT(qr, B, t);
  let rmax = 0;
  for (let j = 0; j < f; j++) rmax = Math.max(rmax, Math.abs(qr.a[j * f + j]));
  const weight = new Float64Array(t * f);
  for (let k = 0; k < t; k++) {
    for (let j = f - 1; j >= 0; j--) {
      const r = qr.a[j * f + j];
      if (!(Math.abs(r) > 1e-12 * rmax)) throw new RuntimeError('least squares: the features are linearly dependent (rank-deficient design)');
      let s = B[j * t + k];
      for (let c = j + 1; c < f; c++) s -= qr.a[j * f + c] * weight[k * f + c];
      weight[k * f + j] = s / r;
    }
  }
  const bias = new Float64Array(t);
  for (let k = 0; k < t; k++) {
    let s = ym[k];
    for (let j = 0; j < f; j++) s -= xm[j] * weight[k * f + j];
    bias[k] = s;
  }
  return { weight, bias };
}

/** Mean squared error of predictions X Wᵀ + b against Y, over all n·t entries. */
export function linearMSE(X: ArrayLike<number>, n: number, f: number, Y: ArrayLike<number>, t: number, weight: ArrayLike<number>, bias: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < t; k++) {
      let p = bias[k];
      for (let j = 0; j < f; j++) p += X[i * f + j] * weight[k * f + j];
      const d = p - Y[i * t + k];
      s += d * d;
    }
  }
  return s / (n * t);
}
