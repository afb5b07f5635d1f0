// The model file: JSON with the learned linear model, its inputs' names and standardization, validated on load.

import { DataError } from '../errors.js';
import { readTextFile, writeFileAtomic } from './io.js';

export const MODEL_FORMAT = 'autograd-linear-model';
export const MODEL_VERSION = 1;

export interface ModelFile {
  format: typeof MODEL_FORMAT;
  version: typeof MODEL_VERSION;
  dtype: 'float32' | 'float64';
  feature_names: string[];
  target_names: string[];
  /** [targets][features], applied to standardized features when `standardization` is set. */
  weight: number[][];
  bias: number[];
  standardization: { mean: number[]; std: number[] } | null;
  settings: Record<string, unknown>;
  metrics: Record<string, number | null>;
}

function allFinite(values: unknown[]): boolean {
  return values.every((v) => typeof v === 'number' && Number.isFinite(v));
}

export function saveModel(file: string, model: ModelFile): void {
  const numbers = [...model.weight.flat(), ...model.bias, ...(model.standardization ? [...model.standardization.mean, ...model.standardization.std] : [])];
  if (!allFinite(numbers)) throw new DataError(`refusing to write '${file}': the model has non-finite values`);
  writeFileAtomic(file, `${JSON.stringify(model, null, 2)}\n`);
}

function fail(file: string, what: string): never {
  throw new DataError(`${file}: not a valid model file: ${what}`);
}

function numberArray(file: string, v: unknown, n: number, what: string): number[] {
  if (!Array.isArray(v) || v.length !== n || !allFinite(v)) fail(file, `'${what}' must be ${n} finite numbers`);
  return v as number[];
}

export function loadModel(file: string): ModelFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readTextFile(file, 'model'));
  } catch (err) {
    if (err instanceof SyntaxError) fail(file, `invalid JSON (${err.message})`);
    throw err;
  }
  const m = raw as Partial<ModelFile>;
  if (m === null || typeof m !== 'object' || m.format !== MODEL_FORMAT) fail(file, `'format' is not '${MODEL_FORMAT}'`);
  if (m.version !== MODEL_VERSION) fail(file, `unsupported version ${String(m.version)} (this autograd reads version ${MODEL_VERSION})`);
  if (m.dtype !== 'float32' && m.dtype !== 'float64') fail(file, "'dtype' must be float32 or float64");
  const names = (v: unknown, what: string): string[] => {
    if (!Array.isArray(v) || v.length === 0 || !v.every((s) => typeof s === 'string')) fail(file, `'${what}' must be a non-empty list of names`);
    return v as string[];
  };
  const features = names(m.feature_names, 'feature_names');
  const targets = names(m.target_names, 'target_names');
  if (!Array.isArray(m.weight) || m.weight.length !== targets.length) fail(file, `'weight' must have ${targets.length} rows`);
  m.weight.forEach((row, k) => numberArray(file, row, features.length, `weight[${k}]`));
  numberArray(file, m.bias, targets.length, 'bias');
  if (m.standardization !== null && m.standardization !== undefined) {
    numberArray(file, m.standardization.mean, features.length, 'standardization.mean');
    numberArray(file, m.standardization.std, features.length, 'standardization.std');
    if (m.standardization.std.some((s) => s <= 0)) fail(file, "'standardization.std' must be positive");
  }
  return { ...(m as ModelFile), standardization: m.standardization ?? null, settings: m.settings ?? {}, metrics: m.metrics ?? {} };
}

/** Predictions [rows × targets] for raw features [rows × features]. */
export function predictRows(model: ModelFile, X: ArrayLike<number>, rows: number): Float64Array {
  const F = model.feature_names.length;
  const T = model.target_names.length;
  const out = new Float64Array(rows * T);
  const s = model.standardization;
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < T; k++) {
      let p = model.bias[k];
      for (let j = 0; j < F; j++) {
        const x = s === null ? X[i * F + j] : (X[i * F + j] - s.mean[j]) / s.std[j];
        p += model.weight[k][j] * x;
      }
      out[i * T + k] = p;
    }
  }
  return out;
}
