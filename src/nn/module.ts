// nn.Module: parameters and submodules by name, zero_grad, state_dict, train/eval, printing.

import { RuntimeError } from '../errors.js';
import { no_grad } from '../tensor/autograd/grad_mode.js';
import { copy_, zero_ } from '../autograd/ops/inplace.js';
import { sizeStr } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { Parameter } from './parameter.js';

export type StateDict = Record<string, Tensor>;

export abstract class Module {
  training = true;
  private readonly params = new Map<string, Parameter | null>();
  private readonly children = new Map<string, Module>();

  abstract forward(...inputs: Tensor[]): Tensor;

  register_parameter(name: string, param: Parameter | null): void {
    this.params.set(name, param);
  }

  register_module(name: string, module: Module): void {
    this.children.set(name, module);
  }

  *named_parameters(prefix = ''): Generator<[string, Parameter]> {
    for (const [name, p] of this.params) if (p !== null) yield [prefix + name, p];
    for (const [name, child] of this.children) yield* child.named_parameters(`${prefix}${name}.`);
  }

  *parameters(): Generator<Parameter> {
    for (const [, p] of this.named_parameters()) yield p;
  }

  /** Clear gradients: set to null by default (PyTorch 2's default), or zero them in place. */
  zero_grad(options: { set_to_none?: boolean } = {}): void {
    for (const p of this.parameters()) {
      if (p.grad === null) continue;
      if (options.set_to_none ?? true) p.grad = null;
      else zero_(p.grad.detach());
    }
  }

  /** Name → tensor sharing the parameter's storage (outside the graph), like PyTorch's state_dict. */
  state_dict(): StateDict {
    const out: StateDict = {};
    for (const [name, p] of this.named_parameters()) out[name] = p.detach();
    return out;
  }

  /** Copy values in, with PyTorch's missing/unexpected-key and size-mismatch errors. */
  load_state_dict(state: StateDict, options: { strict?: boolean } = {}): void {
    const own = new Map(this.named_parameters());
    const errors: string[] = [];
    for (const [name, p] of own) {
      const src = state[name];
      if (src !== undefined && (src.shape.length !== p.shape.length || src.shape.some((s, i) => s !== p.shape[i]))) {
        errors.push(`size mismatch for ${name}: copying a param with shape ${sizeStr(src.shape)} from checkpoint, the shape in current model is ${sizeStr(p.shape)}.`);
      }
    }
    if (options.strict ?? true) {
      // PyTorch puts the unexpected, then the missing keys in front of the size mismatches
      const unexpected = Object.keys(state).filter((k) => !own.has(k));
      const missing = [...own.keys()].filter((k) => !(k in state));
      if (unexpected.length > 0) errors.unshift(`Unexpected key(s) in state_dict: ${unexpected.map((k) => `"${k}"`).join(', ')}. `);
      if (missing.length > 0) errors.unshift(`Missing key(s) in state_dict: ${missing.map((k) => `"${k}"`).join(', ')}. `);
    }
    if (errors.length > 0) {
      throw new RuntimeError(`Error(s) in loading state_dict for ${this.constructor.name}:\n\t${errors.join('\n\t')}`);
    }
    no_grad(() => {
      for (const [name, p] of own) if (state[name] !== undefined) copy_(p, state[name]);
    });
  }

  train(mode = true): this {
    this.training = mode;
    for (const child of this.children.values()) child.train(mode);
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** The part inside the parentheses of the printed form. */
  extra_repr(): string {
    return '';
  }

  toString(): string {
    const lines = [...this.children].map(([name, m]) => `  (${name}): ${String(m).split('\n').join('\n  ')}`);
    const head = `${this.constructor.name}(${this.extra_repr()}`;
    return lines.length === 0 ? `${head})` : `${head}\n${lines.join('\n')}\n)`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
