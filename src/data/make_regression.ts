// scikit-learn 1.2.1's make_regression (and make_low_rank_matrix), step by step as in
// specs/make_regression.md §8–§9, drawing from any RandomSource. With NumpyRandomState it
// reproduces scikit-learn's arrays for the same integer random_state.

import { ValueError } from '../errors.js';
import { qFactor, householderQR } from '../linalg/qr.js';
import { createRandomSource, type RngKind } from '../random/numpy.js';
import { permutation, type RandomSource } from '../random/source.js';
import { Tensor } from '../tensor/tensor.js';

export interface MakeRegressionParams {
  n_samples?: number; // 100
  n_features?: number; // 100
  n_informative?: number; // 10 (clipped to n_features, as scikit-learn does)
  n_targets?: number; // 1
  bias?: number; // 0.0
  effective_rank?: number | null; // null: well-conditioned Gaussian inputs
  tail_strength?: number; // 0.5
  noise?: number; // 0.0
  shuffle?: boolean; // true
  /** Beyond scikit-learn: coefficients uniform in [-100, 100) instead of [0, 100) (same draws). */
  signed_coef?: boolean; // false
}

export interface MakeRegressionArrays {
  X: Float64Array;
  xShape: [number, number];
  y: Float64Array;
  yShape: number[];
  coef: Float64Array;
  coefShape: number[];
}

function checkInt(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new ValueError(`make_regression: ${name} must be an integer >= ${min}, got ${v}`);
}

function validate(p: Required<MakeRegressionParams>): void {
  checkInt('n_samples', p.n_samples, 1);
  checkInt('n_features', p.n_features, 1);
  checkInt('n_informative', p.n_informative, 0);
  checkInt('n_targets', p.n_targets, 1);
  if (!Number.isFinite(p.bias)) throw new ValueError(`make_regression: bias must be finite, got ${p.bias}`);
  if (!(p.noise >= 0) || !Number.isFinite(p.noise)) throw new ValueError(`make_regression: noise must be a finite number >= 0, got ${p.noise}`);
  if (p.effective_rank !== null) checkInt('effective_rank', p.effective_rank, 1);
  if (!(p.tail_strength >= 0 && p.tail_strength <= 1)) throw new ValueError(`make_regression: tail_strength must be in [0, 1], got ${p.tail_strength}`);
}

function gaussians(rng: RandomSource, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.normal();
  return out;
}

/** make_low_rank_matrix: (U·diag(s))·Vᵀ with U, V the Q factors of Gaussian matrices. */
function lowRankMatrix(N: number, F: number, rank: number, tail: number, rng: RandomSource): Float64Array {
  const n = Math.min(N, F);
  const U = qFactor(householderQR(gaussians(rng, N * n), N, n));
  const V = qFactor(householderQR(gaussians(rng, F * n), F, n));
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) s[i] = (1 - tail) * Math.exp(-1.0 * ((i / rank) * (i / rank))) + tail * Math.exp((-0.1 * i) / rank);
  const X = new Float64Array(N * F);
  for (let a = 0; a < N; a++) {
    for (let b = 0; b < F; b++) {
      let acc = 0;
      for (let k = 0; k < n; k++) acc += U[a * n + k] * s[k] * V[b * n + k];
      X[a * F + b] = acc;
    }
  }
  return X;
}

/** numpy's squeeze: drop every axis of length 1. */
function squeezed(shape: number[]): number[] {
  return shape.filter((s) => s !== 1);
}

export function makeRegressionArrays(params: MakeRegressionParams, rng: RandomSource): MakeRegressionArrays {
  const p: Required<MakeRegressionParams> = {
    n_samples: 100, n_features: 100, n_informative: 10, n_targets: 1, bias: 0, effective_rank: null,
    tail_strength: 0.5, noise: 0, shuffle: true, signed_coef: false, ...params,
  };
  validate(p);
  const N = p.n_samples;
  const F = p.n_features;
  const T = p.n_targets;
  const K = Math.min(F, p.n_informative);
  let X = p.effective_rank === null ? gaussians(rng, N * F) : lowRankMatrix(N, F, p.effective_rank, p.tail_strength, rng);
  let G = new Float64Array(F * T);
  for (let i = 0; i < K * T; i++) {
    const u = rng.random();
    G[i] = p.signed_coef ? 100 * (2 * u - 1) : 100 * u;
  }
  let Y = new Float64Array(N * T);
  for (let i = 0; i < N; i++) {
    for (let t = 0; t < T; t++) {
      let dot = 0;
      for (let j = 0; j < F; j++) dot += X[i * F + j] * G[j * T + t];
      Y[i * T + t] = dot + p.bias;
    }
  }
  if (p.noise > 0) for (let i = 0; i < N * T; i++) Y[i] = Y[i] + (0.0 + p.noise * rng.normal());
  if (p.shuffle) ({ X, Y, G } = shuffled(X, Y, G, N, F, T, rng));
  return { X, xShape: [N, F], y: Y, yShape: squeezed([N, T]), coef: G, coefShape: squeezed([F, T]) };
}

/** Rows of X and Y by one permutation, then columns of X (and rows of coef) by another. */
function shuffled(X: Float64Array, Y: Float64Array, G: Float64Array, N: number, F: number, T: number, rng: RandomSource) {
  const rows = permutation(rng, N);
  const X1 = new Float64Array(N * F);
  const Y1 = new Float64Array(N * T);
  for (let r = 0; r < N; r++) {
    X1.set(X.subarray(rows[r] * F, rows[r] * F + F), r * F);
    Y1.set(Y.subarray(rows[r] * T, rows[r] * T + T), r * T);
  }
  const cols = permutation(rng, F);
  const X2 = new Float64Array(N * F);
  const G2 = new Float64Array(F * T);
  for (let c = 0; c < F; c++) {
    for (let r = 0; r < N; r++) X2[r * F + c] = X1[r * F + cols[c]];
    G2.set(G.subarray(cols[c] * T, cols[c] * T + T), c * T);
  }
  return { X: X2, Y: Y1, G: G2 };
}

export interface MakeRegressionOptions extends MakeRegressionParams {
  /** The seed: an integer (scikit-learn's random_state). */
  random_state?: number;
  /** 'numpy' replays numpy's RandomState (scikit-learn's arrays); 'default' is the project's generator. */
  rng?: RngKind;
  /** A generator to draw from instead of seeding one. */
  generator?: RandomSource;
}

/** `make_regression(..., coef=True)` as float64 tensors (y and coef squeezed like numpy's). */
export function make_regression(options: MakeRegressionOptions = {}): { X: Tensor; y: Tensor; coef: Tensor } {
  const { random_state, rng = 'default', generator, ...params } = options;
  let source = generator;
  if (source === undefined) {
    if (random_state === undefined) throw new ValueError("make_regression: give random_state (an integer seed) or a generator");
    source = createRandomSource(rng, random_state);
  }
  const a = makeRegressionArrays(params, source);
  return { X: new Tensor(a.X, a.xShape), y: new Tensor(a.y, a.yShape), coef: new Tensor(a.coef, a.coefShape) };
}
