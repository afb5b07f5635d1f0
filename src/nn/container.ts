// nn.Sequential, nn.ModuleList and nn.ModuleDict (torch/nn/modules/container.py). Python's `seq[i]` is
// `seq.at(i)` (negative i counts from the end) and `seq[a:b:c]` is `seq.slice(a, b, c)`; `seq[0]` also
// works for i >= 0, as every submodule is an own property named by its key. `len(seq)` is `seq.length`.

import { ArgumentTypeError, IndexError, KeyError, NotImplementedError, ValueError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';
import { pyClass } from './typename.js';

/** The indices a Python slice `[start:stop:step]` takes from a sequence of `n` items. */
export function sliceIndices(n: number, start?: number | null, stop?: number | null, step?: number | null): number[] {
  const s = step ?? 1;
  if (s === 0) throw new ValueError('slice step cannot be zero');
  const clamp = (v: number | null | undefined, dflt: number, lo: number, hi: number): number => {
    if (v === null || v === undefined) return dflt;
    const w = v < 0 ? v + n : v;
    return Math.min(Math.max(w, lo), hi);
  };
  const out: number[] = [];
  if (s > 0) {
    for (let i = clamp(start, 0, 0, n); i < clamp(stop, n, 0, n); i += s) out.push(i);
  } else {
    for (let i = clamp(start, n - 1, -1, n - 1); i > clamp(stop, -1, -1, n - 1); i += s) out.push(i);
  }
  return out;
}

function checkIndex(idx: number, n: number): number {
  if (!Number.isInteger(idx)) throw new ArgumentTypeError(`'${typeof idx}' object cannot be interpreted as an integer`);
  if (!(-n <= idx && idx < n)) throw new IndexError(`index ${idx} is out of range`);
  return idx < 0 ? idx + n : idx;
}

type NamedModules = ReadonlyMap<string, Module> | Readonly<Record<string, Module>>;

function namedEntries(modules: NamedModules): Array<[string, Module]> {
  return modules instanceof Map ? [...modules] : Object.entries(modules);
}

/**
 * Modules applied in turn: `new Sequential(a, b)` names them "0", "1"; `new Sequential(map)` takes the
 * names of a Map (PyTorch's OrderedDict) or of a plain object (NOTE: an object lists integer-like keys first).
 */
export class Sequential extends Module implements Iterable<Module> {
  static override readonly __module__ = 'torch.nn.modules.container';
  readonly [index: number]: Module;

  constructor(...modules: Module[]);
  constructor(named: NamedModules);
  constructor(...args: Array<Module | NamedModules>) {
    super();
    const first = args[0];
    if (args.length === 1 && !(first instanceof Module) && first !== null && typeof first === 'object') {
      for (const [key, m] of namedEntries(first as NamedModules)) this.add_module(key, m);
    } else {
      args.forEach((m, i) => this.add_module(String(i), m as Module));
    }
  }

  get length(): number {
    return this._modules.size;
  }

  [Symbol.iterator](): Iterator<Module> {
    return (this._modules.values() as IterableIterator<Module>)[Symbol.iterator]();
  }

  /** `seq[idx]`. */
  at(idx: number): Module {
    return [...this._modules.values()][checkIndex(idx, this.length)] as Module;
  }

  /** `seq[start:stop:step]`: a Sequential of those modules under their own names. */
  slice(start?: number | null, stop?: number | null, step?: number | null): Sequential {
    const entries = [...this._modules] as Array<[string, Module]>;
    const Ctor = this.constructor as new (named: NamedModules) => Sequential;
    return new Ctor(new Map(sliceIndices(entries.length, start, stop, step).map((i) => entries[i])));
  }

  /** `seq[idx] = module`. */
  set(idx: number, module: Module): void {
    const key = [...this._modules.keys()][checkIndex(idx, this.length)];
    (this as unknown as Record<string, unknown>)[key] = module;
  }

  /** `del seq[idx]` (or a slice's indices): the rest renumbered "0", "1", ... */
  delete(idx: number | { start?: number | null; stop?: number | null; step?: number | null }): void {
    const keys = [...this._modules.keys()];
    const doomed = typeof idx === 'number' ? [keys[checkIndex(idx, keys.length)]] : sliceIndices(keys.length, idx.start, idx.stop, idx.step).map((i) => keys[i]);
    for (const key of doomed) delete (this as unknown as Record<string, unknown>)[key];
    this._setModules([...this._modules.values()].map((m, i) => [String(i), m]));
  }

  pop(idx: number): Module {
    const m = this.at(idx);
    this.delete(idx);
    return m;
  }

  append(module: Module): this {
    this.add_module(String(this.length), module);
    return this;
  }

  insert(index: number, module: Module): this {
    if (!(module instanceof Module)) throw new ArgumentTypeError("module should be of type: <class 'torch.nn.modules.module.Module'>");
    const n = this._modules.size;
    if (!(-n <= index && index <= n)) throw new IndexError(`Index out of range: ${index}`);
    const at = index < 0 ? index + n : index;
    for (let i = n; i > at; i--) this._putModule(String(i), moduleAt(this, String(i - 1)));
    this._putModule(String(at), module);
    return this;
  }

  extend(modules: Iterable<Module>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  /** `seq + other`: a new Sequential of both's modules, renumbered. */
  concat(other: Sequential): Sequential {
    if (!(other instanceof Sequential)) throw new ValueError(`add operator supports only objects of Sequential class, but ${pyClass(other)} is given.`);
    return new Sequential(...this, ...other);
  }

  forward(input: Tensor): Tensor {
    let x = input;
    for (const m of this) x = m.forward(x);
    return x;
  }
}

/** `self._modules[key]`, PyTorch's KeyError when absent. */
function moduleAt(m: Module, key: string): Module | null {
  const v = m._modules.get(key);
  if (v === undefined) throw new KeyError(key);
  return v;
}

/** Submodules in a list, named "0", "1", ...; it has no forward of its own. */
export class ModuleList extends Module implements Iterable<Module> {
  static override readonly __module__ = 'torch.nn.modules.container';
  readonly [index: number]: Module;

  constructor(modules?: Iterable<Module> | null) {
    super();
    if (modules !== undefined && modules !== null) this.extend(modules);
  }

  get length(): number {
    return this._modules.size;
  }

  [Symbol.iterator](): Iterator<Module> {
    return (this._modules.values() as IterableIterator<Module>)[Symbol.iterator]();
  }

  private absIndex(idx: number): string {
    return String(checkIndex(idx, this.length));
  }

  at(idx: number): Module {
    return this._modules.get(this.absIndex(idx)) as Module;
  }

  /** `list[start:stop:step]`: a new ModuleList, renumbered from "0". */
  slice(start?: number | null, stop?: number | null, step?: number | null): ModuleList {
    const values = [...this._modules.values()] as Module[];
    const Ctor = this.constructor as new (modules: Module[]) => ModuleList;
    return new Ctor(sliceIndices(values.length, start, stop, step).map((i) => values[i]));
  }

  set(idx: number, module: Module): void {
    (this as unknown as Record<string, unknown>)[this.absIndex(idx)] = module;
  }

  delete(idx: number | { start?: number | null; stop?: number | null; step?: number | null }): void {
    const doomed = typeof idx === 'number' ? [this.absIndex(idx)] : sliceIndices(this.length, idx.start, idx.stop, idx.step).map(String);
    for (const key of doomed) delete (this as unknown as Record<string, unknown>)[key];
    this._setModules([...this._modules.values()].map((m, i) => [String(i), m]));
  }

  pop(idx: number): Module {
    const m = this.at(idx);
    this.delete(idx);
    return m;
  }

  /** PyTorch 1.13's insert, literally: no bounds check, so a negative index meets a missing key. */
  insert(index: number, module: Module): void {
    for (let i = this._modules.size; i > index; i--) this._putModule(String(i), moduleAt(this, String(i - 1)));
    this._putModule(String(index), module);
  }

  append(module: Module): this {
    this.add_module(String(this.length), module);
    return this;
  }

  extend(modules: Iterable<Module>): this {
    if (modules === null || typeof (modules as Partial<Iterable<Module>>)[Symbol.iterator] !== 'function') {
      throw new ArgumentTypeError(`ModuleList.extend should be called with an iterable, but got ${typeof modules}`);
    }
    const offset = this.length;
    let i = 0;
    for (const m of modules) this.add_module(String(offset + i++), m);
    return this;
  }

  /** `list + other`: a new ModuleList of both. */
  concat(other: Iterable<Module>): ModuleList {
    return new ModuleList([...this, ...other]);
  }

  forward(): never {
    throw new NotImplementedError(`Module [${this._get_name()}] is missing the required "forward" function`);
  }
}

/** Submodules by name, in insertion order; Python's `d[key]` is `d.get(key)`. It has no forward. */
export class ModuleDict extends Module implements Iterable<string> {
  static override readonly __module__ = 'torch.nn.modules.container';

  constructor(modules?: NamedModules | Iterable<readonly [string, Module]> | null) {
    super();
    if (modules !== undefined && modules !== null) this.update(modules);
  }

  get length(): number {
    return this._modules.size;
  }

  [Symbol.iterator](): Iterator<string> {
    return this._modules.keys();
  }

  get(key: string): Module {
    const m = this._modules.get(key);
    if (m === undefined) throw new KeyError(key);
    return m as Module;
  }

  set(key: string, module: Module): void {
    this.add_module(key, module);
  }

  delete(key: string): void {
    if (!this._modules.has(key)) throw new KeyError(key);
    delete (this as unknown as Record<string, unknown>)[key];
  }

  has(key: string): boolean {
    return this._modules.has(key);
  }

  clear(): void {
    this._setModules([]);
  }

  pop(key: string): Module {
    const m = this.get(key);
    this.delete(key);
    return m;
  }

  keys(): IterableIterator<string> {
    return this._modules.keys();
  }

  items(): IterableIterator<[string, Module]> {
    return this._modules.entries() as IterableIterator<[string, Module]>;
  }

  values(): IterableIterator<Module> {
    return this._modules.values() as IterableIterator<Module>;
  }

  /** Add or overwrite from a Map, an object, another ModuleDict or [key, module] pairs, in their order. */
  update(modules: NamedModules | ModuleDict | Iterable<readonly [string, Module]>): void {
    if (modules instanceof ModuleDict) {
      for (const [k, m] of modules.items()) this.set(k, m);
      return;
    }
    if (modules instanceof Map || !isIterable(modules)) {
      if (typeof modules !== 'object' || modules === null) {
        throw new ArgumentTypeError(`ModuleDict.update should be called with an iterable of key/value pairs, but got ${typeof modules}`);
      }
      for (const [k, m] of namedEntries(modules as NamedModules)) this.set(k, m);
      return;
    }
    let j = 0;
    for (const pair of modules as Iterable<unknown>) {
      if (!isIterable(pair)) throw new ArgumentTypeError(`ModuleDict update sequence element #${j} should be Iterable; is${typeof pair}`);
      if (pair.length !== 2) throw new ValueError(`ModuleDict update sequence element #${j} has length ${pair.length}; 2 is required`);
      const [key, module] = pair as unknown as [string, Module];
      this.set(key, module);
      j++;
    }
  }

  forward(): never {
    throw new NotImplementedError(`Module [${this._get_name()}] is missing the required "forward" function`);
  }
}

function isIterable(v: unknown): v is Iterable<unknown> & { length: number } {
  return v !== null && typeof v === 'object' && typeof (v as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function';
}
