// The model file: JSON with a trained linear model, its columns and standardization, validated on load.

import type { CsvOptions } from '../data/csv_options.js';
import { DataError } from '../errors.js';
import { escapeControls, quote } from '../quote.js';
import { readTextFile, writeFileAtomic, type AtomicFile } from './files.js';

export const MODEL_FORMAT = 'autograd-linear-model';
/** The version written; versions 1 (no training state) and 2 are read. */
export const MODEL_VERSION = 2;
/** The version written for a model with `preprocessing` (one-hot encoded columns, or missing cells filled). */
export const MODEL_VERSION_PREPROCESSING = 3;
const READ_VERSIONS: readonly number[] = [1, 2, 3];

const MIN_NORMAL = 2.2250738585072014e-308;

/**
 * JSON.parse's message without the excerpt of the input V8 puts in it (raw, possibly binary), with the
 * position as line and column, on one line.
 */
function jsonProblem(message: string, text: string): string {
  const bare = message.replace(/^(Unexpected token '[^]+?'), "[^]*" is not valid JSON$/, '$1');
  const withLine = bare.replace(/ at position (\d+)(?: \(line \d+ column \d+\))?$/, (_m, at: string) => {
    const end = Math.min(Number(at), text.length);
    let line = 1;
    let start = 0;
    for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) {
      line++;
      start = i + 1;
    }
    return ` at line ${line} column ${end - start + 1}`;
  });
  return escapeControls(withLine);
}

export interface Standardization {
  mean: number[];
  std: number[];
}

/** A recorded setting: a flag's value, or a list of numbers (betas, milestones). */
export type SettingValue = string | number | boolean | null | number[];

/**
 * What `train --resume` continues from: the optimizer's and the scheduler's state_dict (JSON values;
 * non-finite numbers, such as ReduceLROnPlateau's initial best of inf, as the strings "Infinity",
 * "-Infinity" and "NaN") and the epochs trained so far.
 */
export interface TrainingState {
  optimizer: { name: string; state_dict: Record<string, unknown> };
  scheduler: { name: string; state_dict: Record<string, unknown> } | null;
  epochs_done: number;
}

/**
 * How a CSV's columns become the model's features (version 3): the columns read, in order, some one-hot
 * encoded (feature `column=category` per category), and the values of missing cells.
 */
export interface Preprocessing {
  /** The CSV columns the features come from, in order (before one-hot encoding). */
  columns: string[];
  /** The one-hot encoded columns and their categories, in the order of their features. */
  categories: Record<string, string[]>;
  /** train's --missing: 'error', 'drop' or 'mean'. */
  missing: 'error' | 'drop' | 'mean';
  /** With 'mean': each feature's mean over the training rows; predict and eval fill missing cells with it. */
  fill: number[] | null;
}

/** The feature names `preprocessing` makes: a column's own, or `column=category` per category. */
export function preprocessedNames(p: Pick<Preprocessing, 'columns' | 'categories'>): string[] {
  return p.columns.flatMap((c) => (Object.hasOwn(p.categories, c) ? p.categories[c].map((v) => `${c}=${v}`) : [c]));
}

/** Whether the model needs `preprocessing` (and so version 3) to be applied to a CSV. */
export function needsPreprocessing(p: Preprocessing | null | undefined): p is Preprocessing {
  return p !== null && p !== undefined && (Object.keys(p.categories).length > 0 || p.fill !== null);
}

/**
 * Version 2 (version 1 files have no training_state and still load; version 3 adds `preprocessing`). `weight` is nn.Linear's [targets][features] and, with `bias`, applies to the features after
 * standardization ((x - mean) / std) when `standardization` is set, to the raw features otherwise.
 */
export interface ModelFile {
  format: typeof MODEL_FORMAT;
  version: 1 | typeof MODEL_VERSION | typeof MODEL_VERSION_PREPROCESSING;
  dtype: 'float32' | 'float64';
  feature_names: string[];
  target_names: string[];
  weight: number[][];
  bias: number[];
  standardization: Standardization | null;
  settings: Record<string, SettingValue>;
  metrics: Record<string, number | null>;
  training_state?: TrainingState | null;
  /** Version 3: how the CSV's columns become the features. Absent: the features are the CSV's columns by name. */
  preprocessing?: Preprocessing | null;
}

/** A state_dict with its non-finite numbers as strings, so that JSON keeps them. */
export function encodeState(value: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v))) as Record<string, unknown>;
}

/** The reverse of encodeState. */
export function decodeState(value: Record<string, unknown>): Record<string, unknown> {
  const back = (v: unknown): unknown => {
    if (v === 'Infinity') return Infinity;
    if (v === '-Infinity') return -Infinity;
    if (v === 'NaN') return NaN;
    if (Array.isArray(v)) return v.map(back);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, back(x)]));
    return v;
  };
  return back(value) as Record<string, unknown>;
}

/** The first non-finite value among the parameters, as `weight[0][1] = NaN`, or null. */
function firstNonFinite(model: ModelFile): string | null {
  const groups: Array<[string, number[]]> = [
    ...model.weight.map((row, k): [string, number[]] => [`weight[${k}]`, row]),
    ['bias', model.bias],
    ...(model.standardization === null ? [] : ([['standardization.mean', model.standardization.mean], ['standardization.std', model.standardization.std]] as Array<[string, number[]]>)),
    ...(model.preprocessing?.fill == null ? [] : ([['preprocessing.fill', model.preprocessing.fill]] as Array<[string, number[]]>)),
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
  // version 3 only when the preprocessing is needed: other models stay version 2 files, as before
  const { preprocessing, ...rest } = model;
  const out = needsPreprocessing(preprocessing) ? { ...rest, version: MODEL_VERSION_PREPROCESSING, metrics, preprocessing } : { ...rest, metrics };
  return `${JSON.stringify(out, null, 2)}\n`;
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
    const seen = new Set<string>(); // not indexOf per name: 100,000 names must not take minutes
    v.forEach((s, i) => {
      if (typeof s !== 'string' || s === '') this.fail(`'${what}[${i}]' must be a column name, got ${describe(s)}`);
      if (seen.has(s)) this.fail(`'${what}' names ${quote(s)} twice`);
      seen.add(s);
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

const SHOWN = 40;

/** A closing bracket to write once a value's items are written. */
class Closing {
  constructor(readonly text: string) {}
}

/**
 * A JSON value as messages show it: its JSON text cut to 40 characters, control characters escaped.
 * NOTE: built without recursion and only as far as it is shown: JSON.stringify of a value nested 5,000
 * deep overflows the stack, and of a huge one takes its whole size.
 */
function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  let out = '';
  const todo: unknown[] = [v];
  while (todo.length > 0 && out.length <= SHOWN) {
    const x = todo.pop();
    if (x instanceof Closing) out += x.text;
    else if (Array.isArray(x)) {
      out += '[';
      todo.push(new Closing(']'));
      for (let i = Math.min(x.length, SHOWN) - 1; i >= 0; i--) todo.push(x[i], ...(i > 0 ? [new Closing(',')] : []));
    } else if (x !== null && typeof x === 'object') {
      out += '{';
      todo.push(new Closing('}'));
      const keys = Object.keys(x).slice(0, SHOWN).reverse();
      keys.forEach((k, i) => todo.push((x as Record<string, unknown>)[k], new Closing(`${JSON.stringify(k.slice(0, SHOWN + 1))}:`), ...(i < keys.length - 1 ? [new Closing(',')] : [])));
    } else out += typeof x === 'string' ? JSON.stringify(x.slice(0, SHOWN + 1)) : String(JSON.stringify(x));
  }
  const text = escapeControls(out);
  return text.length > SHOWN || todo.length > 0 ? `${text.slice(0, SHOWN - 3)}...` : text;
}

function checkStandardization(c: Checker, v: unknown, features: number): Standardization | null {
  if (v === null || v === undefined) return null;
  const s = c.object(v, "'standardization'");
  const mean = c.numbers(s.mean, features, 'standardization.mean', 'feature');
  const std = c.numbers(s.std, features, 'standardization.std', 'feature');
  // a subnormal std makes 1/std infinite: every prediction would be ±Infinity
  const j = std.findIndex((x) => !(x >= MIN_NORMAL));
  if (j >= 0) c.fail(`'standardization.std[${j}]' must be at least ${MIN_NORMAL} (the smallest normal float64), got ${std[j]}`);
  return { mean, std };
}

function checkRecord<T>(c: Checker, v: unknown, what: string, ok: (x: unknown) => x is T, kind: string): Record<string, T> {
  if (v === undefined) return {};
  const r = c.object(v, `'${what}'`);
  for (const [k, x] of Object.entries(r)) if (!ok(x)) c.fail(`'${what}.${k}' must be ${kind}, got ${describe(x)}`);
  return r as Record<string, T>;
}

const isSetting = (x: unknown): x is SettingValue =>
  x === null || ['string', 'number', 'boolean'].includes(typeof x) || (Array.isArray(x) && x.every((v) => typeof v === 'number'));
const isMetric = (x: unknown): x is number | null => x === null || (typeof x === 'number' && Number.isFinite(x));

/** Validate a parsed model file; every message names the field and what is wrong with it. */
export function parseModel(text: string, file: string): ModelFile {
  const c: Checker = new Checker(file);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    c.fail(`invalid JSON (${jsonProblem((err as Error).message, text)})`);
  }
  const m = c.object(raw, 'the file');
  if (m.format !== MODEL_FORMAT) c.fail(`'format' must be "${MODEL_FORMAT}", got ${describe(m.format)}`);
  if (typeof m.version !== 'number' || !READ_VERSIONS.includes(m.version)) {
    c.fail(`'version' ${describe(m.version)} is not supported (this autograd reads versions ${READ_VERSIONS.slice(0, -1).join(', ')} and ${READ_VERSIONS.at(-1)})`);
  }
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
    version: m.version as ModelFile['version'],
    dtype,
    feature_names: features,
    target_names: targets,
    weight,
    bias: c.numbers(m.bias, targets.length, 'bias', 'target'),
    standardization: checkStandardization(c, m.standardization, features.length),
    settings: checkRecord(c, m.settings, 'settings', isSetting, 'a string, number, boolean, null or a list of numbers'),
    metrics: checkRecord(c, m.metrics, 'metrics', isMetric, 'a finite number or null'),
    training_state: checkTrainingState(c, m.training_state),
    preprocessing: checkPreprocessing(c, m.preprocessing, features),
  };
}

const MISSING_POLICIES: ReadonlyArray<Preprocessing['missing']> = ['error', 'drop', 'mean'];

/** `preprocessing` must make exactly `features` (by preprocessedNames), with a finite fill per feature. */
function checkPreprocessing(c: Checker, v: unknown, features: string[]): Preprocessing | null {
  if (v === undefined || v === null) return null;
  const p = c.object(v, "'preprocessing'");
  const columns = c.names(p.columns, 'preprocessing.columns');
  const cats = c.object(p.categories ?? {}, "'preprocessing.categories'");
  const categories: Record<string, string[]> = {};
  for (const [name, list] of Object.entries(cats)) {
    if (!columns.includes(name)) c.fail(`'preprocessing.categories' names ${quote(name)}, which is not in 'preprocessing.columns'`);
    categories[name] = c.names(list, `preprocessing.categories.${name}`);
  }
  const names = preprocessedNames({ columns, categories });
  if (names.length !== features.length || names.some((n, i) => n !== features[i])) {
    c.fail(`'preprocessing' makes the features ${describe(names)}, not 'feature_names' ${describe(features)}`);
  }
  const missing = p.missing ?? 'error';
  if (!MISSING_POLICIES.includes(missing as Preprocessing['missing'])) c.fail(`'preprocessing.missing' must be "error", "drop" or "mean", got ${describe(missing)}`);
  const fill = p.fill === undefined || p.fill === null ? null : c.numbers(p.fill, features.length, 'preprocessing.fill', 'feature');
  return { columns, categories, missing: missing as Preprocessing['missing'], fill };
}

function checkTrainingState(c: Checker, v: unknown): TrainingState | null {
  if (v === undefined || v === null) return null;
  const t = c.object(v, "'training_state'");
  const part = (x: unknown, what: string): { name: string; state_dict: Record<string, unknown> } => {
    const o = c.object(x, `'training_state.${what}'`);
    if (typeof o.name !== 'string' || o.name === '') c.fail(`'training_state.${what}.name' must be a name, got ${describe(o.name)}`);
    return { name: o.name, state_dict: c.object(o.state_dict, `'training_state.${what}.state_dict'`) };
  };
  const done = t.epochs_done;
  if (typeof done !== 'number' || !Number.isInteger(done) || done < 0) c.fail(`'training_state.epochs_done' must be a whole number >= 0, got ${describe(done)}`);
  return { optimizer: part(t.optimizer, 'optimizer'), scheduler: t.scheduler === null || t.scheduler === undefined ? null : part(t.scheduler, 'scheduler'), epochs_done: done };
}

/** The largest model file read (README): 100,000 features and 100 targets take about 200 MB. */
export const MODEL_MAX_BYTES = 256 * 2 ** 20;

/**
 * Read and validate a model file: missing/unreadable is an InputError (66), invalid a DataError (65).
 * It is read up to MODEL_MAX_BYTES, and a control byte (never in JSON) stops it at once: /dev/zero,
 * /dev/urandom or an endless pipe fail quickly instead of filling memory.
 */
export function loadModel(file: string): ModelFile {
  const fail = (what: string): DataError => new DataError(`${file}: not a valid model file: ${what}`);
  const text = readTextFile(file, 'model', {
    maxBytes: MODEL_MAX_BYTES,
    tooLarge: () => fail(`larger than ${MODEL_MAX_BYTES / 2 ** 20} MiB`),
    controlByte: (byte, offset) => fail(`invalid JSON (control byte 0x${byte.toString(16).padStart(2, '0')} at byte ${offset + 1})`),
  });
  return parseModel(text, file);
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

/**
 * How to read a CSV for `model` (loadCsv's options): its feature columns by name (and its targets with
 * `targets`), in float64; a version 3 model's columns one-hot encoded with its categories, and missing
 * cells read as NaN when it has a fill (predict fills them).
 */
export function csvOptionsFor(model: ModelFile, options: { targets?: boolean; delimiter?: CsvOptions['delimiter'] } = {}): CsvOptions {
  const target = options.targets === true ? model.target_names : [];
  const delimiter = options.delimiter ?? 'auto';
  const p = model.preprocessing ?? null;
  if (p === null) return { features: model.feature_names, target, dtype: 'float64', delimiter };
  return { features: p.columns, categories: p.categories, missing: p.fill === null ? 'error' : 'nan', target, dtype: 'float64', delimiter };
}
