// optim.Optimizer: parameter groups spelled as PyTorch's (`param_groups[i].lr`), add_param_group,
// per-parameter state, zero_grad, state_dict/load_state_dict that survive JSON, and the repr.

import { ArgumentTypeError, ValueError } from '../errors.js';
import { zero_ } from '../autograd/ops/inplace.js';
import { checkKeywords } from '../tensor/keywords.js';
import { allocStorage, tensorTypeName, type DType } from '../tensor/dtype.js';
import { pyRepr as pyFloatRepr } from '../tensor/pyfloat.js';
import { Tensor } from '../tensor/tensor.js';

/** One parameter group: its parameters and its own copy of every hyper-parameter. */
export type ParamGroup<H> = H & { params: Tensor[] };

/** What the constructor and add_param_group take: parameters, and any hyper-parameters to override. */
export type ParamGroupSpec<H> = Partial<H> & { params: Tensor | Iterable<Tensor> };

/** Parameters, or parameter groups (each may override the defaults), as PyTorch's optimizers take. */
export type Params<H> = Iterable<Tensor> | Iterable<ParamGroupSpec<H>>;

/** A saved tensor value: a number, or "nan", "inf", "-inf", "-0", which JSON cannot hold as numbers. */
export type SavedNumber = number | string;

/** A state entry saved as JSON: numbers as numbers, tensors as their values with shape and dtype. */
export type SavedStateValue = number | boolean | null | { shape: number[]; dtype: string; values: SavedNumber[] };

export interface OptimizerStateDict<H> {
  state: Record<number, Record<string, SavedStateValue | SavedNumber[]>>;
  param_groups: Array<H & { params: number[] }>;
}

/** A per-parameter state value: a tensor (a buffer), a plain number (a step count), or None (SGD without momentum). */
export type StateValue = Tensor | number | null;

function isTensor(value: unknown): value is Tensor {
  return value instanceof Tensor;
}

/** Python's repr of a hyper-parameter value as PyTorch's Optimizer.__repr__ prints it: integral numbers as ints. */
export function pyValue(value: unknown): string {
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'number') {
    if (Number.isInteger(value) && !Object.is(value, -0) && Math.abs(value) < 1e16) return String(value);
    return pyFloatRepr(value);
  }
  if (Array.isArray(value)) return `(${value.map(pyValue).join(', ')}${value.length === 1 ? ',' : ''})`;
  return String(value);
}

/** A tensor value as JSON keeps it: the non-finite values and -0 as strings. */
function saveNumber(x: number): SavedNumber {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return Object.is(x, -0) ? '-0' : x;
}

/** The reverse of saveNumber; also takes JavaScript's own spellings (String(Infinity)). */
function loadNumber(x: SavedNumber): number {
  if (typeof x === 'number') return x;
  const special: Record<string, number> = { nan: NaN, NaN: NaN, inf: Infinity, Infinity, '-inf': -Infinity, '-Infinity': -Infinity, '-0': -0 };
  const v = special[x];
  if (v === undefined) throw new ValueError(`optimizer state holds ${JSON.stringify(x)} where a number belongs`);
  return v;
}

export abstract class Optimizer<H extends object> {
  readonly param_groups: Array<ParamGroup<H>> = [];
  readonly defaults: H;
  /** Per-parameter state (e.g. the momentum buffer), keyed by the parameter tensor. */
  readonly state = new Map<Tensor, Record<string, StateValue>>();

  /** `given`: the options the caller passed, each of which must name a hyper-parameter (PyTorch's TypeError). */
  constructor(params: Params<H>, defaults: H, given: object = {}) {
    checkKeywords(`${new.target.name}.__init__`, [given], new Set(Object.keys(defaults)));
    this.defaults = defaults;
    if (isTensor(params)) {
      throw new ArgumentTypeError(`params argument given to the optimizer should be an iterable of Tensors or dicts, but got ${tensorTypeName(params._dtype)}`);
    }
    const list = [...(params as Iterable<Tensor | ParamGroupSpec<H>>)];
    if (list.length === 0) throw new ValueError('optimizer got an empty parameter list');
    const groups = list.every(isTensor) ? [{ params: list as Tensor[] } as unknown as ParamGroupSpec<H>] : (list as Array<ParamGroupSpec<H>>);
    for (const g of groups) this.add_param_group(g);
  }

  /** Add a group of parameters, taking the defaults for every hyper-parameter it does not set. */
  add_param_group(group: ParamGroupSpec<H>): void {
    if (typeof group !== 'object' || group === null || isTensor(group)) throw new ArgumentTypeError('param group must be a dict');
    const given = group.params;
    const params = isTensor(given) ? [given] : [...given];
    for (const p of params) {
      if (!isTensor(p)) throw new ArgumentTypeError(`optimizer can only optimize Tensors, but one of the params is ${typeof p}`);
      if (!p.is_leaf) throw new ValueError("can't optimize a non-leaf Tensor");
    }
    const seen = new Set<Tensor>();
    for (const g of this.param_groups) for (const p of g.params) seen.add(p);
    if (params.some((p) => seen.has(p))) throw new ValueError('some parameters appear in more than one parameter group');
    this.param_groups.push({ ...this.defaults, ...group, params } as ParamGroup<H>);
  }

  abstract step(): void;

  /** Apply `update` to every parameter that has a gradient, group by group (grad null: skipped, as in PyTorch). */
  protected forEachGrad(update: (p: Tensor, grad: Tensor, group: ParamGroup<H>) => void): void {
    for (const group of this.param_groups) {
      for (const p of group.params) {
        if (p.grad !== null) update(p, p.grad, group);
      }
    }
  }

  /** Clear the gradients of every parameter: zero them in place (PyTorch 1.13's default) or null them (set_to_none). */
  zero_grad(options: { set_to_none?: boolean } = {}): void {
    for (const group of this.param_groups) {
      for (const p of group.params) {
        if (p.grad === null) continue;
        if (options.set_to_none ?? false) p.grad = null;
        else zero_(p.grad.detach());
      }
    }
  }

  /** Hyper-parameters and state, with parameters numbered in order (PyTorch's layout), as plain JSON values. */
  state_dict(): OptimizerStateDict<H> {
    const ids = new Map<Tensor, number>();
    const groups = this.param_groups.map((g) => {
      const { params, ...options } = g;
      return {
        ...(options as unknown as H),
        params: params.map((p) => {
          if (!ids.has(p)) ids.set(p, ids.size);
          return ids.get(p) as number;
        }),
      };
    });
    const state: OptimizerStateDict<H>['state'] = {};
    for (const [p, s] of this.state) {
      const id = ids.get(p);
      if (id === undefined) continue;
      state[id] = Object.fromEntries(
        Object.entries(s).map(([k, v]) => [k, isTensor(v) ? { shape: v._shape.slice(), dtype: v._dtype, values: Array.from(v._data as ArrayLike<number>, saveNumber) } : v]),
      );
    }
    return { state, param_groups: groups };
  }

  /** Load hyper-parameters and state saved by state_dict() (also after JSON) from an optimizer over same-shaped parameters. */
  load_state_dict(sd: OptimizerStateDict<H>): void {
    if (sd.param_groups.length !== this.param_groups.length) {
      throw new ValueError('loaded state dict has a different number of parameter groups');
    }
    const byId = new Map<number, Tensor>();
    sd.param_groups.forEach((saved, i) => {
      const group = this.param_groups[i];
      if (saved.params.length !== group.params.length) {
        throw new ValueError("loaded state dict contains a parameter group that doesn't match the size of optimizer's group");
      }
      saved.params.forEach((id, j) => byId.set(id, group.params[j]));
    });
    sd.param_groups.forEach((saved, i) => {
      const { params: _ids, ...options } = saved;
      this.param_groups[i] = { ...this.param_groups[i], ...options, params: this.param_groups[i].params } as ParamGroup<H>;
    });
    this.state.clear();
    for (const [id, s] of Object.entries(sd.state)) {
      const p = byId.get(Number(id));
      if (p === undefined) continue;
      const entry: Record<string, StateValue> = {};
      for (const [k, v] of Object.entries(s)) entry[k] = restoreValue(v, p, k);
      this.state.set(p, entry);
    }
  }

  /** PyTorch's repr: the class name, then each group's hyper-parameters in sorted order. */
  toString(): string {
    let out = `${this.constructor.name} (`;
    this.param_groups.forEach((g, i) => {
      out += `\nParameter Group ${i}\n`;
      const keys = Object.keys(g).filter((k) => k !== 'params').sort();
      for (const k of keys) out += `    ${k}: ${pyValue((g as Record<string, unknown>)[k])}\n`;
    });
    return `${out})`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/**
 * A saved state value back as a tensor (numbers stay numbers). As PyTorch's load_state_dict casts them,
 * tensors take the parameter's dtype, except 'step', which keeps its own (float32).
 */
function restoreValue(v: SavedStateValue | SavedNumber[], like: Tensor, key: string): StateValue {
  if (v === null || typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  const values = Array.isArray(v) ? v : v.values;
  const shape = Array.isArray(v) ? like._shape.slice() : v.shape.slice();
  const savedDtype: DType = !Array.isArray(v) && v.dtype === 'float64' ? 'float64' : 'float32';
  const data = allocStorage(key === 'step' && !Array.isArray(v) ? savedDtype : like._dtype, values.length);
  for (let i = 0; i < values.length; i++) data[i] = loadNumber(values[i]);
  return new Tensor(data, shape);
}
