// The model file: JSON with a trained linear model, its columns and standardization, validated on load.

import { DataError } from '../errors.js';
import { readTextFile, writeFileAtomic, type AtomicFile } from './io.js';

export const MODEL_FORMAT = 'autograd-linear-model';
export const MODEL_VERSION = 1;

export interface Standardization {
  mean: number[];
  std: number[];
}

export type SettingValue = string | number | boolean | null;

/**
 * Version 1. `weight` is nn.Linear's [targets][features] and, with `bias`, applies to the features after
 * standardization ((x - mean) / std) when `standardization` is set, to the raw features otherwise.
 */
export interface ModelFile {
  format: typeof MODEL_FORMAT;
  version: typeof MODEL_VERSION;
  dtype: 'float32' | 'float64';
  feature_names: string[];
  target_names: string[];
  weight: number[][];
  bias: number[];
  standardization: Standardization | null;
  settings: Record<string, SettingValue>;
  metrics: Record<string, number | null>;
}

/** The first non-finite value among the parameters, as `weight[0][1] = NaN`, or null. */
function firstNonFinite(model: ModelFile): string | null {
  const groups: Array<[string, number[]]> = [
    ...model.weight.map((row, k): [string, number[]] => [`weight[${k}]`, row]),
    ['bias', model.bias],
    ...(model.standardization === null ? [] : ([['standardization.mean', model.standardization.mean], ['standardization.std', model.standardization.std]] as Array<[string, number[]]>)),
  ];
  for (const [name, values] of groups) {
    const i = values.findIndex((v) => !Number.isFinite(v));
    if (i >= 0) return `${name}[${i}] = ${values[i]}`;
  }
  return null;
}

/** The file's text; refuses non-finite parameters (JSON cannot hold them, and such a model is useless). */
export function modelToJson(model: ModelFile, file: string): string {
  const bad = firstNonFinite(model);
  if (bad !== null) throw new DataError(`refusing to write model '${file}': ${bad} is not finite`);
  const metrics = Object.fromEntries(Object.entries(model.metrics).map(([k, v]) => [k, v !== null && Number.isFinite(v) ? v : null]));
  return `${JSON.stringify({ ...model, metrics }, null, 2)}\n`;
}

/** Write the model atomically (temporary file in the same directory, then rename). */
export function saveModel(file: string, model: ModelFile): void {
  writeFileAtomic(file, modelToJson(model, file));
}

/** Write the model into an output opened earlier (so that an unwritable path fails before training). */
export function commitModel(out: AtomicFile, model: ModelFile): void {
  try {
    out.write(modelToJson(model, out.file));
  } catch (err) {
    out.discard();
    throw err;
  }
  out.commit();
}

class Checker {
  constructor(private readonly file: string) {}

  fail(what: string): never {
    throw new DataError(`${this.file}: not a valid model file: ${what}`);
  }

  object(v: unknown, what: string): Record<string, unknown> {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) this.fail(`${what} must be a JSON object, got ${describe(v)}`);
    return v as Record<string, unknown>;
  }

  names(v: unknown, what: string): string[] {
    if (!Array.isArray(v) || v.length === 0) this.fail(`'${what}' must be a non-empty list of column names, got ${describe(v)}`);
    v.forEach((s, i) => {
      if (typeof s !== 'string' || s === '') this.fail(`'${what}[${i}]' must be a column name, got ${describe(s)}`);
      if (v.indexOf(s) !== i) this.fail(`'${what}' names '${s}' twice`);
    });
    return v as string[];
  }

  numbers(v: unknown, n: number, what: string, per: string): number[] {
    if (!Array.isArray(v)) this.fail(`'${what}' must be a list of ${n} numbers, got ${describe(v)}`);
    if (v.length !== n) this.fail(`'${what}' must have ${n} value${n === 1 ? '' : 's'} (one per ${per}), got ${v.length}`);
    v.forEach((x, i) => {
      if (typeof x !== 'number' || !Number.isFinite(x)) this.fail(`'${what}[${i}]' must be a finite number, got ${describe(x)}`);
    });
    return v as number[];
  }
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  const text = JSON.stringify(v);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function checkStandardization(c: Checker, v: unknown, features: number): Standardization | null {
  if (v === null || v === undefined) return null;
  const s = c.object(v, "'standardization'");
  const mean = c.numbers(s.mean, features, 'standardization.mean', 'feature');
  const std = c.numbers(s.std, features, 'standardization.std', 'feature');
  const j = std.findIndex((x) => !(x > 0));
  if (j >= 0) c.fail(`'standardization.std[${j}]' must be greater than 0, got ${std[j]}`);
  return { mean, std };
}

function checkRecord<T>(c: Checker, v: unknown, what: string, ok: (x: unknown) => x is T, kind: string): Record<string, T> {
  if (v === undefined) return {};
  const r = c.object(v, `'${what}'`);
  for (const [k, x] of Object.entries(r)) if (!ok(x)) c.fail(`'${what}.${k}' must be ${kind}, got ${describe(x)}`);
  return r as Record<string, T>;
}

const isSetting = (x: unknown): x is SettingValue => x === null || ['string', 'number', 'boolean'].includes(typeof x);
const isMetric = (x: unknown): x is number | null => x === null || (typeof x === 'number' && Number.isFinite(x));

/** Validate a parsed model file; every message names the field and what is wrong with it. */
export function parseModel(text: string, file: string): ModelFile {
  const c: Checker = new Checker(file);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    c.fail(`invalid JSON (${(err as Error).message.replace(/\n/g, '\\n')})`);
  }
  const m = c.object(raw, 'the file');
  if (m.format !== MODEL_FORMAT) c.fail(`'format' must be "${MODEL_FORMAT}", got ${describe(m.format)}`);
  if (m.version !== MODEL_VERSION) c.fail(`'version' ${describe(m.version)} is not supported (this autograd reads version ${MODEL_VERSION})`);
  const dtype = m.dtype;
  if (dtype !== 'float32' && dtype !== 'float64') c.fail(`'dtype' must be "float32" or "float64", got ${describe(dtype)}`);
  const features = c.names(m.feature_names, 'feature_names');
  const targets = c.names(m.target_names, 'target_names');
  const rows = m.weight;
  if (!Array.isArray(rows) || rows.length !== targets.length) {
    c.fail(`'weight' must be a list of ${targets.length} row${targets.length === 1 ? '' : 's'} (one per target), got ${describe(rows)}`);
  }
  const weight = rows.map((row: unknown, k: number) => c.numbers(row, features.length, `weight[${k}]`, 'feature'));
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    dtype,
    feature_names: features,
    target_names: targets,
    weight,
    bias: c.numbers(m.bias, targets.length, 'bias', 'target'),
    standardization: checkStandardization(c, m.standardization, features.length),
    settings: checkRecord(c, m.settings, 'settings', isSetting, 'a string, number, boolean or null'),
    metrics: checkRecord(c, m.metrics, 'metrics', isMetric, 'a finite number or null'),
  };
}

/** Read and validate a model file: missing/unreadable is an InputError (66), invalid a DataError (65). */
export function loadModel(file: string): ModelFile {
  return parseModel(readTextFile(file, 'model'), file);
}

/** Predictions [rows × targets] for raw features [rows × features], in float64, standardization applied. */
export function predictRows(model: ModelFile, X: ArrayLike<number>, rows: number): Float64Array {
  const F = model.feature_names.length;
  const T = model.target_names.length;
  const out = new Float64Array(rows * T);
  const mean = model.standardization?.mean ?? new Array<number>(F).fill(0);
  const std = model.standardization?.std ?? new Array<number>(F).fill(1);
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < T; k++) {
      const w = model.weight[k];
      let p = model.bias[k];
      for (let j = 0; j < F; j++) p += w[j] * ((X[i * F + j] - mean[j]) / std[j]);
      out[i * T + k] = p;
    }
  }
  return out;
}
