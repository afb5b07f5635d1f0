// Closed-form least squares for nn.Linear's layout: column-pivoted Householder QR of the (centred) design,
// minimum-norm on rank deficiency, the way numpy.linalg.lstsq / scikit-learn's LinearRegression answer.

import { ValueError } from '../errors.js';
import { applyQT, householderQR, pivotedQR, qFactor, rAt, type PivotedQR } from './qr.js';

export interface LstsqOptions {
  /** Fit a bias (intercept) too, by centring X and Y first. Default true, as nn.Linear has a bias. */
  fitIntercept?: boolean;
}

export interface LeastSquares {
  /** [nTargets × nFeatures], row-major: nn.Linear's `weight`. */
  weight: Float64Array;
  /** [nTargets]; zeros when fitIntercept is false. */
  bias: Float64Array;
  /** Numerical rank of the (centred) design. */
  rank: number;
}

/**
 * Minimise ‖X·Wᵀ + b − Y‖² over W (and b). With an intercept the columns are centred and b = ȳ − x̄·w.
 * Rank-deficient or underdetermined designs get the minimum-norm W (numpy's answer): the rank is the count
 * of |R[j][j]| > eps·max(nRows, nFeatures)·|R[0][0]| (numpy's default rcond, read off the pivoted R).
 * Inputs may be Float32Array; everything is computed in float64.
 */
export function lstsq(X: ArrayLike<number>, nRows: number, nFeatures: number, Y: ArrayLike<number>, nTargets: number, options: LstsqOptions = {}): LeastSquares {
  checkShapes(X, nRows, nFeatures, Y, nTargets);
  const fitIntercept = options.fitIntercept ?? true;
  const xMean = fitIntercept ? columnMeans(X, nRows, nFeatures) : new Float64Array(nFeatures);
  const yMean = fitIntercept ? columnMeans(Y, nRows, nTargets) : new Float64Array(nTargets);
  const qr = pivotedQR(centred(X, nRows, nFeatures, xMean), nRows, nFeatures);
  const B = centred(Y, nRows, nTargets, yMean);
  applyQT(qr, B, nTargets);
  const rank = numericalRank(qr);
  const z = rank === nFeatures ? backSubstitute(qr, B, nTargets) : minimumNorm(qr, rank, B, nTargets);
  const weight = new Float64Array(nTargets * nFeatures);
  for (let k = 0; k < nTargets; k++) for (let j = 0; j < nFeatures; j++) weight[k * nFeatures + qr.perm[j]] = z[j * nTargets + k];
  const bias = new Float64Array(nTargets);
  if (fitIntercept) {
    for (let k = 0; k < nTargets; k++) {
      let s = yMean[k];
      for (let j = 0; j < nFeatures; j++) s -= xMean[j] * weight[k * nFeatures + j];
      bias[k] = s;
    }
  }
  return { weight, bias, rank };
}

function checkShapes(X: ArrayLike<number>, nRows: number, nFeatures: number, Y: ArrayLike<number>, nTargets: number): void {
  for (const [name, v] of [['nRows', nRows], ['nFeatures', nFeatures], ['nTargets', nTargets]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new ValueError(`lstsq: ${name} must be a positive integer, got ${v}`);
  }
  if (X.length !== nRows * nFeatures) throw new ValueError(`lstsq: X has ${X.length} values, expected ${nRows}x${nFeatures}`);
  if (Y.length !== nRows * nTargets) throw new ValueError(`lstsq: Y has ${Y.length} values, expected ${nRows}x${nTargets}`);
  for (const [name, a] of [['X', X], ['Y', Y]] as const) {
    for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) throw new ValueError(`lstsq: ${name} has a non-finite value (${a[i]}) at flat index ${i}`);
  }
}

/** Column means with one corrective pass (mean += Σ(x − mean)/n), so a constant column centres to exact zeros. */
function columnMeans(A: ArrayLike<number>, n: number, c: number): Float64Array {
  const mean = new Float64Array(c);
  for (let i = 0; i < n; i++) for (let j = 0; j < c; j++) mean[j] += A[i * c + j];
  for (let j = 0; j < c; j++) mean[j] /= n;
  const residual = new Float64Array(c);
  for (let i = 0; i < n; i++) for (let j = 0; j < c; j++) residual[j] += A[i * c + j] - mean[j];
  for (let j = 0; j < c; j++) mean[j] += residual[j] / n;
  return mean;
}

function centred(A: ArrayLike<number>, n: number, c: number, mean: Float64Array): Float64Array {
  const out = new Float64Array(n * c);
  for (let i = 0; i < n; i++) for (let j = 0; j < c; j++) out[i * c + j] = A[i * c + j] - mean[j];
  return out;
}

function numericalRank(qr: PivotedQR): number {
  const k = Math.min(qr.m, qr.n);
  const tol = Number.EPSILON * Math.max(qr.m, qr.n) * Math.abs(rAt(qr, 0, 0));
  let rank = 0;
  while (rank < k && Math.abs(rAt(qr, rank, rank)) > tol) rank++;
  return rank;
}

/** Full column rank: R·z = (QᵀB)[0..n) by back substitution, one column of B per target. */
function backSubstitute(qr: PivotedQR, B: Float64Array, t: number): Float64Array {
  const n = qr.n;
  const z = new Float64Array(n * t);
  for (let k = 0; k < t; k++) {
    for (let j = n - 1; j >= 0; j--) {
      let s = B[j * t + k];
      for (let c = j + 1; c < n; c++) s -= rAt(qr, j, c) * z[c * t + k];
      z[j * t + k] = s / rAt(qr, j, j);
    }
  }
  return z;
}

/**
 * Rank r < n: the least-squares solutions z satisfy M·z = (QᵀB)[0..r) with M = [R11 R12] (r × n). The one of
 * least norm lies in the row space of M: factor Mᵀ = Q₂·S (S upper r × r), solve Sᵀu = c by forward
 * substitution, z = Q₂·u.
 */
function minimumNorm(qr: PivotedQR, r: number, B: Float64Array, t: number): Float64Array {
  const n = qr.n;
  const z = new Float64Array(n * t);
  if (r === 0) return z;
  const Mt = new Float64Array(n * r);
  for (let i = 0; i < r; i++) for (let c = i; c < n; c++) Mt[c * r + i] = rAt(qr, i, c);
  const qr2 = householderQR(Mt, n, r);
  const Q2 = qFactor(qr2);
  const u = new Float64Array(r);
  for (let k = 0; k < t; k++) {
    for (let i = 0; i < r; i++) {
      let s = B[i * t + k];
      for (let l = 0; l < i; l++) s -= rAt(qr2, l, i) * u[l];
      u[i] = s / rAt(qr2, i, i);
    }
    for (let c = 0; c < n; c++) {
      let s = 0;
      for (let i = 0; i < r; i++) s += Q2[c * r + i] * u[i];
      z[c * t + k] = s;
    }
  }
  return z;
}

/** MSELoss(reduction='mean') of the linear model X·Wᵀ + b against Y, over all nRows·nTargets entries. */
export function mseOf(X: ArrayLike<number>, nRows: number, nFeatures: number, Y: ArrayLike<number>, nTargets: number, weight: ArrayLike<number>, bias: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < nRows; i++) {
    for (let k = 0; k < nTargets; k++) {
      let p = bias[k];
      for (let j = 0; j < nFeatures; j++) p += X[i * nFeatures + j] * weight[k * nFeatures + j];
      const d = p - Y[i * nTargets + k];
      s += d * d;
    }
  }
  return s / (nRows * nTargets);
}

/** The earlier name of `mseOf`, still used by src/index.ts and the trainer. */
export const linearMSE = mseOf;
