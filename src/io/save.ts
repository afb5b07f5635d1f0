// torch.save / torch.load for state_dicts and other plain data, in a safe format: JSON, never code.
// A tensor is written as { "__tensor__": dtype, "shape": [...], "data": [...] } (row-major values;
// nan, inf, -inf and -0 as the strings "nan", "inf", "-inf", "-0"), so what is loaded is data and nothing runs.
// Such a number outside a tensor is { "__float__": "nan" }, so strings stay strings.
// The file: { "format": "autograd-save", "version": 1, "data": <value> }, written atomically.

import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { RuntimeError } from '../errors.js';
import { allocStorage, type DType } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';

/** What save() takes and load() gives back: tensors, numbers, strings, booleans, null, arrays and objects of them. */
export type Saveable = Tensor | number | string | boolean | null | Saveable[] | { [key: string]: Saveable };

const FORMAT = 'autograd-save';
const DTYPES: readonly DType[] = ['float32', 'float64'];

function encodeNumber(x: number): number | string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  // JSON writes -0 as 0
  return Object.is(x, -0) ? '-0' : x;
}

function decodeNumber(x: unknown, where: string): number {
  if (typeof x === 'number') return x;
  if (x === 'nan') return NaN;
  if (x === 'inf') return Infinity;
  if (x === '-inf') return -Infinity;
  if (x === '-0') return -0;
  throw new RuntimeError(`${where} must be a number, "nan", "inf" or "-inf", got ${JSON.stringify(x)?.slice(0, 40)}`);
}

function encode(v: Saveable, seen: Set<object>): unknown {
  if (v instanceof Tensor) {
    const t = v.detach().contiguous();
    return { __tensor__: t._dtype, shape: t._shape.slice(), data: Array.from(t._data as ArrayLike<number>, encodeNumber) };
  }
  if (typeof v === 'number') {
    // a string stays a string: a special number outside a tensor is tagged
    const e = encodeNumber(v);
    return typeof e === 'string' ? { __float__: e } : e;
  }
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v !== 'object') throw new RuntimeError(`torch.save: cannot save a value of type ${typeof v}`);
  if (seen.has(v)) throw new RuntimeError('torch.save: the object refers to itself (a cycle cannot be saved)');
  seen.add(v);
  const out = Array.isArray(v) ? v.map((x) => encode(x, seen)) : Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encode(x, seen)]));
  seen.delete(v);
  return out;
}

function decode(v: unknown, where: string): Saveable {
  if (Array.isArray(v)) return v.map((x, i) => decode(x, `${where}[${i}]`));
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('__tensor__' in o) return decodeTensor(o, where);
    if ('__float__' in o) return decodeNumber(o.__float__, where);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, decode(x, `${where}.${k}`)]));
  }
  if (v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  throw new RuntimeError(`${where}: unexpected value`);
}

function decodeTensor(o: Record<string, unknown>, where: string): Tensor {
  const dtype = o.__tensor__ as DType;
  if (!DTYPES.includes(dtype)) throw new RuntimeError(`${where}: unknown tensor dtype ${JSON.stringify(o.__tensor__)}`);
  const shape = o.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) throw new RuntimeError(`${where}.shape must be a list of sizes`);
  const n = (shape as number[]).reduce((a, b) => a * b, 1);
  const data = o.data;
  if (!Array.isArray(data) || data.length !== n) throw new RuntimeError(`${where}.data must hold ${n} values for shape [${shape.join(', ')}]`);
  const storage = allocStorage(dtype, n);
  for (let i = 0; i < n; i++) storage[i] = decodeNumber(data[i], `${where}.data[${i}]`);
  return new Tensor(storage, shape as number[]);
}

/** The JSON text torch.save writes. */
export function dumps(obj: Saveable): string {
  return `${JSON.stringify({ format: FORMAT, version: 1, data: encode(obj, new Set()) })}\n`;
}

/** Read the JSON text of torch.save back. */
export function loads(text: string, source = 'the saved data'): Saveable {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new RuntimeError(`${source}: not an autograd save file: invalid JSON (${(err as Error).message.split('\n')[0].slice(0, 120)})`);
  }
  const doc = raw as { format?: unknown; version?: unknown; data?: unknown } | null;
  if (doc === null || typeof doc !== 'object' || doc.format !== FORMAT) throw new RuntimeError(`${source}: not an autograd save file (no "format": "${FORMAT}")`);
  if (doc.version !== 1) throw new RuntimeError(`${source}: save file version ${JSON.stringify(doc.version)} is not supported (this autograd reads version 1)`);
  return decode(doc.data, 'data');
}

/** torch.save(obj, file): the state_dict (or any Saveable) as JSON, written to a temporary file and renamed. */
export function save(obj: Saveable, file: string): void {
  const text = dumps(obj);
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, file);
}

/** torch.load(file): what save() wrote, tensors as tensors. */
export function load(file: string): Saveable {
  return loads(readFileSync(file, 'utf8'), file);
}
