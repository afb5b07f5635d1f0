// scikit-learn 1.2.1's make_regression (and make_low_rank_matrix), step by step as in
// specs/make_regression.md §8–§9, drawing from any RandomSource. With NumpyRandomState it
// reproduces scikit-learn's arrays for the same integer random_state.

import { ValueError } from '../errors.js';
import { economicQ } from '../linalg/qr.js';
import { createRandomSource, type RngKind } from '../random/numpy.js';
import { permutation, type RandomSource } from '../random/source.js';
import { Tensor } from '../tensor/tensor.js';

/** scikit-learn's keyword arguments (minus `coef` and `random_state`); an omitted or undefined one takes its default. */
export interface MakeRegressionParams {
  /** Rows. Default 100. */
  n_samples?: number;
  /** Feature columns. Default 100. */
  n_features?: number;
  /** Features with a non-zero coefficient, the first ones before the column shuffle. Default 10; clipped to n_features as scikit-learn does. */
  n_informative?: number;
  /** Target columns. Default 1. */
  n_targets?: number;
  /** Added to every target. Default 0.0. */
  bias?: number;
  /** null (default): i.i.d. standard normal X; an integer r: X from make_low_rank_matrix with effective rank r. */
  effective_rank?: number | null;
  /** With effective_rank: weight of the singular-value tail, in [0, 1]. Default 0.5. */
  tail_strength?: number;
  /** Standard deviation of the Gaussian noise on y. Default 0.0 (no noise drawn). */
  noise?: number;
  /** Permute the rows, then the columns. Default true. */
  shuffle?: boolean;
  /** Beyond scikit-learn: coefficients 100·(2u − 1), uniform in [-100, 100), from the same single u per coefficient. Default false. */
  signed_coef?: boolean;
}

export interface MakeRegressionArrays {
  X: Float64Array;
  xShape: [number, number];
  /** N × T row-major; yShape is numpy's squeeze of [N, T]. */
  y: Float64Array;
  yShape: number[];
  /** F × T row-major; coefShape is numpy's squeeze of [F, T]. */
  coef: Float64Array;
  coefShape: number[];
}

const DEFAULTS: Required<MakeRegressionParams> = {
  n_samples: 100, n_features: 100, n_informative: 10, n_targets: 1, bias: 0.0, effective_rank: null,
  tail_strength: 0.5, noise: 0.0, shuffle: true, signed_coef: false,
};

// Typed arrays beyond this many elements are not worth attempting (2^31 doubles is 16 GiB).
const MAX_VALUES = 2 ** 31 - 1;

function withDefaults(params: MakeRegressionParams): Required<MakeRegressionParams> {
  const p = { ...DEFAULTS };
  for (const [key, value] of Object.entries(params) as Array<[keyof MakeRegressionParams, unknown]>) {
    if (value !== undefined) Object.assign(p, { [key]: value });
  }
  return p;
}

function checkInt(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new ValueError(`make_regression: ${name} must be an integer >= ${min}, got ${v}`);
}

function validate(p: Required<MakeRegressionParams>): void {
  checkInt('n_samples', p.n_samples, 1);
  checkInt('n_features', p.n_features, 1);
  checkInt('n_informative', p.n_informative, 0);
  checkInt('n_targets', p.n_targets, 1);
  if (!Number.isFinite(p.bias)) throw new ValueError(`make_regression: bias must be a finite number, got ${p.bias}`);
  if (!(p.noise >= 0) || !Number.isFinite(p.noise)) throw new ValueError(`make_regression: noise must be a finite number >= 0, got ${p.noise}`);
  if (p.effective_rank !== null) checkInt('effective_rank', p.effective_rank, 1);
  if (!(p.tail_strength >= 0 && p.tail_strength <= 1)) throw new ValueError(`make_regression: tail_strength must be in [0, 1], got ${p.tail_strength}`);
  for (const [what, count] of [['n_samples * n_features', p.n_samples * p.n_features], ['n_samples * n_targets', p.n_samples * p.n_targets], ['n_features * n_targets', p.n_features * p.n_targets]] as const) {
    if (count > MAX_VALUES) throw new ValueError(`make_regression: ${what} = ${count} values is more than this implementation holds (${MAX_VALUES})`);
  }
}

function gaussians(rng: RandomSource, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.normal();
  return out;
}

/** make_low_rank_matrix (§9): (U·diag(s))·Vᵀ with U, V the Q factors of Gaussian N × n and F × n matrices. */
function lowRankMatrix(N: number, F: number, rank: number, tail: number, rng: RandomSource): Float64Array {
  const n = Math.min(N, F);
  const U = economicQ(gaussians(rng, N * n), N, n);
  const V = economicQ(gaussians(rng, F * n), F, n);
  const s = new Float64Array(n);
  // s_i = (1 - ts)·exp(-(i/r)²) + ts·exp(-0.1·i/r)
  for (let i = 0; i < n; i++) s[i] = (1 - tail) * Math.exp(-1.0 * ((i / rank) * (i / rank))) + tail * Math.exp((-0.1 * i) / rank);
  for (let a = 0; a < N; a++) for (let k = 0; k < n; k++) U[a * n + k] *= s[k]; // U·diag(s), exact per element
  const X = new Float64Array(N * F);
  for (let a = 0; a < N; a++) {
    for (let b = 0; b < F; b++) {
      let acc = 0;
      for (let k = 0; k < n; k++) acc += U[a * n + k] * V[b * n + k];
      X[a * F + b] = acc;
    }
  }
  return X;
}

/** numpy's squeeze: drop every axis of length 1. */
function squeezed(shape: number[]): number[] {
  return shape.filter((s) => s !== 1);
}

/** `make_regression(**params, coef=True)`: every draw from `rng`, in scikit-learn's order (§8.1). */
export function makeRegressionArrays(params: MakeRegressionParams, rng: RandomSource): MakeRegressionArrays {
  const p = withDefaults(params);
  validate(p);
  const N = p.n_samples;
  const F = p.n_features;
  const T = p.n_targets;
  const K = Math.min(F, p.n_informative);
  let X: Float64Array = p.effective_rank === null ? gaussians(rng, N * F) : lowRankMatrix(N, F, p.effective_rank, p.tail_strength, rng);
  let G: Float64Array = new Float64Array(F * T);
  for (let i = 0; i < K * T; i++) {
    const u = rng.random();
    G[i] = p.signed_coef ? 100 * (2 * u - 1) : 100 * u;
  }
  let Y: Float64Array = new Float64Array(N * T);
  for (let i = 0; i < N; i++) {
    for (let t = 0; t < T; t++) {
      let dot = 0;
      for (let j = 0; j < F; j++) dot += X[i * F + j] * G[j * T + t];
      Y[i * T + t] = dot + p.bias;
    }
  }
  // NOTE: with N·F odd the first noise value is the Gaussian left in the cache by the X step
  if (p.noise > 0) for (let i = 0; i < N * T; i++) Y[i] = Y[i] + (0.0 + p.noise * rng.normal());
  if (p.shuffle) ({ X, Y, G } = shuffled(X, Y, G, N, F, T, rng));
  return { X, xShape: [N, F], y: Y, yShape: squeezed([N, T]), coef: G, coefShape: squeezed([F, T]) };
}

/**
 * Rows of X and Y by one permutation, then columns of X (and rows of coef) by a second, drawn in that order;
 * y keeps its columns. Both permutations are applied in one pass: X'[r][c] = X[rows[r]][cols[c]].
 */
function shuffled(X: Float64Array, Y: Float64Array, G: Float64Array, N: number, F: number, T: number, rng: RandomSource): { X: Float64Array; Y: Float64Array; G: Float64Array } {
  const rows = permutation(rng, N);
  const cols = permutation(rng, F);
  const X2 = new Float64Array(N * F);
  const Y2 = new Float64Array(N * T);
  const G2 = new Float64Array(F * T);
  // scatter source row s to its destination: sequential reads are about twice as fast as random ones here
  const dest = new Uint32Array(N);
  for (let r = 0; r < N; r++) dest[rows[r]] = r;
  for (let s = 0; s < N; s++) {
    const r = dest[s];
    for (let c = 0; c < F; c++) X2[r * F + c] = X[s * F + cols[c]];
    for (let t = 0; t < T; t++) Y2[r * T + t] = Y[s * T + t];
  }
  for (let c = 0; c < F; c++) for (let t = 0; t < T; t++) G2[c * T + t] = G[cols[c] * T + t];
  return { X: X2, Y: Y2, G: G2 };
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
    if (random_state === undefined) throw new ValueError('make_regression: give random_state (an integer seed) or a generator');
    source = createRandomSource(rng, random_state);
  }
  const a = makeRegressionArrays(params, source);
  return { X: new Tensor(a.X, a.xShape), y: new Tensor(a.y, a.yShape), coef: new Tensor(a.coef, a.coefShape) };
}
