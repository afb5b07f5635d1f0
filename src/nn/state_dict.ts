// Module.state_dict / load_state_dict as torch/nn/modules/module.py walks them (_save_to_state_dict,
// _load_from_state_dict): module by module, parameters then persistent buffers, then the children.

import { copy_ } from '../autograd/ops/inplace.js';
import { IndexError, RuntimeError } from '../errors.js';
import { no_grad } from '../tensor/autograd/grad_mode.js';
import { sameShape, sizeStr } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { pyClass } from './typename.js';

/** Name → tensor, in PyTorch's order. NOTE: a JavaScript object puts integer-like keys ("0") first. */
export type StateDict = Record<string, Tensor>;

/** What load_state_dict takes: an object or a Map (whose order is kept exactly) of names to tensors. */
export type StateDictInput = Readonly<Record<string, unknown>> | ReadonlyMap<string, unknown>;

/** The structure of a module that these walks read (nn.Module has it). */
export interface StatefulModule {
  readonly _parameters: ReadonlyMap<string, Tensor | null>;
  readonly _buffers: ReadonlyMap<string, Tensor | null>;
  readonly _non_persistent_buffers_set: ReadonlySet<string>;
  readonly _modules: ReadonlyMap<string, StatefulModule | null>;
}

const EXTRA_STATE = '_extra_state';

/** Python's repr of a list of strings. */
function pyList(items: readonly string[]): string {
  return `[${items.map((s) => (s.includes("'") && !s.includes('"') ? `"${s}"` : `'${s}'`)).join(', ')}]`;
}

/** load_state_dict's result (PyTorch's _IncompatibleKeys named tuple), printed as PyTorch prints it. */
export class IncompatibleKeys {
  constructor(
    readonly missing_keys: string[],
    readonly unexpected_keys: string[],
  ) {}

  toString(): string {
    if (this.missing_keys.length === 0 && this.unexpected_keys.length === 0) return '<All keys matched successfully>';
    return `_IncompatibleKeys(missing_keys=${pyList(this.missing_keys)}, unexpected_keys=${pyList(this.unexpected_keys)})`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

export function saveStateDict(m: StatefulModule, destination: StateDict, prefix: string, keepVars: boolean): void {
  for (const [name, p] of m._parameters) if (p !== null) destination[prefix + name] = keepVars ? p : p.detach();
  for (const [name, b] of m._buffers) {
    if (b !== null && !m._non_persistent_buffers_set.has(name)) destination[prefix + name] = keepVars ? b : b.detach();
  }
  for (const [name, child] of m._modules) if (child !== null) saveStateDict(child, destination, `${prefix}${name}.`, keepVars);
}

interface LoadReport {
  missing: string[];
  unexpected: string[];
  errors: string[];
}

/** The whole load: every module's keys checked (strict or not), then the errors raised when strict asks. */
export function loadStateDict(root: StatefulModule, input: StateDictInput, strict: boolean, rootName: string): IncompatibleKeys {
  const state = new Map<string, unknown>(input instanceof Map ? input : Object.entries(input));
  const report: LoadReport = { missing: [], unexpected: [], errors: [] };
  const load = (m: StatefulModule, local: Map<string, unknown>, prefix: string): void => {
    loadModule(m, local, prefix, report);
    for (const [name, child] of m._modules) {
      if (child === null) continue;
      const childPrefix = `${prefix}${name}.`;
      load(child, new Map([...local].filter(([k]) => k.startsWith(childPrefix))), childPrefix);
    }
  };
  load(root, state, '');
  const errors = report.errors;
  if (strict) {
    // PyTorch puts the missing, then the unexpected keys in front of the other errors
    if (report.unexpected.length > 0) errors.unshift(`Unexpected key(s) in state_dict: ${report.unexpected.map((k) => `"${k}"`).join(', ')}. `);
    if (report.missing.length > 0) errors.unshift(`Missing key(s) in state_dict: ${report.missing.map((k) => `"${k}"`).join(', ')}. `);
  }
  if (errors.length > 0) throw new RuntimeError(`Error(s) in loading state_dict for ${rootName}:\n\t${errors.join('\n\t')}`);
  return new IncompatibleKeys(report.missing, report.unexpected);
}

/** _load_from_state_dict of one module (always with strict=True, as load_state_dict calls it). */
function loadModule(m: StatefulModule, state: Map<string, unknown>, prefix: string, report: LoadReport): void {
  const local = new Map<string, Tensor>();
  for (const [k, p] of m._parameters) if (p !== null) local.set(k, p);
  for (const [k, b] of m._buffers) if (b !== null && !m._non_persistent_buffers_set.has(k)) local.set(k, b);
  for (const [name, param] of local) {
    const key = prefix + name;
    if (state.has(key)) copyInto(param, state.get(key), key, report.errors);
    else report.missing.push(key);
  }
  const extraKey = prefix + EXTRA_STATE;
  if (state.has(extraKey)) report.unexpected.push(extraKey);
  for (const key of state.keys()) {
    if (!key.startsWith(prefix) || key === extraKey) continue;
    const inputName = key.slice(prefix.length).split('.')[0];
    if (!m._modules.has(inputName) && !local.has(inputName)) report.unexpected.push(key);
  }
}

function copyInto(param: Tensor, value: unknown, key: string, errors: string[]): void {
  if (!(value instanceof Tensor)) {
    errors.push(`While copying the parameter named "${key}", expected torch.Tensor or Tensor-like object from checkpoint but received ${pyClass(value)}`);
    return;
  }
  let input = value;
  if (param.ndim === 0 && input.ndim === 1) {
    // PyTorch reads input_param[0] for a 0-d parameter saved as a 1-d tensor
    if (input._shape[0] === 0) throw new IndexError('index 0 is out of bounds for dimension 0 with size 0');
    input = new Tensor(input._data.slice(0, 1), []);
  }
  if (!sameShape(input._shape, param._shape)) {
    errors.push(`size mismatch for ${key}: copying a param with shape ${sizeStr(input._shape)} from checkpoint, the shape in current model is ${sizeStr(param._shape)}.`);
    return;
  }
  try {
    no_grad(() => copy_(param, input));
  } catch (ex) {
    const message = ex instanceof Error ? ex.message : String(ex);
    errors.push(
      `While copying the parameter named "${key}", whose dimensions in the model are ${sizeStr(param._shape)} and whose dimensions in the checkpoint are ${sizeStr(input._shape)}, an exception occurred : ('${message}',).`,
    );
  }
}
