// nn.Module: parameters, buffers and submodules registered on assignment (PyTorch's __setattr__), their
// iterators, zero_grad, state_dict, train/eval, to(dtype) and the printed tree (torch/nn/modules/module.py).

import { ArgumentTypeError, AttributeError, KeyError, NotImplementedError, ValueError } from '../errors.js';
import { toDtype } from '../autograd/ops/shape.js';
import { zero_ } from '../autograd/ops/inplace.js';
import { no_grad } from '../tensor/autograd/grad_mode.js';
import { toDType, TorchDType, type DTypeArg } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { nextHookId, RemovableHandle } from '../tensor/autograd/node.js';
import { Parameter } from './parameter.js';
import { loadStateDict, saveStateDict, type IncompatibleKeys, type StateDict, type StateDictInput } from './state_dict.js';
import { pyClass, typename } from './typename.js';
import { checkName, defineOwn, hasAttr, makeAttributeTraps } from './module_attrs.js';

export type { StateDict, IncompatibleKeys, StateDictInput } from './state_dict.js';

export type ForwardPreHook = (module: Module, inputs: unknown[]) => unknown;
export type ForwardHook = (module: Module, inputs: unknown[], output: unknown) => unknown;

const HOOKED = Symbol('forward with hooks');

/**
 * Register `hook` in `hooks`, and make the module's forward run its hooks (an own `forward` wrapping the
 * class's, installed once): pre-hooks may replace the inputs, hooks the output, as _call_impl does.
 */
function addHook<H>(module: Module, hooks: Map<number, H>, hook: H): RemovableHandle {
  const self = raw(module);
  const current = (self as unknown as Attrs).forward as ((...a: unknown[]) => unknown) & { [HOOKED]?: true };
  if (current[HOOKED] !== true) {
    const wrapped = function (this: Module, ...inputs: unknown[]): unknown {
      let args = inputs;
      for (const pre of [...self._forward_pre_hooks.values()]) {
        const r = pre(module, args);
        if (r !== undefined && r !== null) args = Array.isArray(r) ? r : [r];
      }
      let out = current.apply(this, args);
      for (const h of [...self._forward_hooks.values()]) {
        const r = h(module, args, out);
        if (r !== undefined && r !== null) out = r;
      }
      return out;
    };
    Object.defineProperty(wrapped, HOOKED, { value: true });
    Reflect.defineProperty(self, 'forward', { value: wrapped, writable: true, enumerable: false, configurable: true });
  }
  const id = nextHookId();
  hooks.set(id, hook);
  return new RemovableHandle(id, () => hooks.delete(id));
}

/** The object behind each module's proxy (and each target itself): writes to it are not trapped. */
const targets = new WeakMap<Module, Module>();

function raw(m: Module): Module {
  return targets.get(m) ?? m;
}

type Attrs = Record<string, unknown>;

/**
 * A Module's base. Assigning a Parameter, a Module or (to a registered name) a Tensor to an attribute
 * registers it, as PyTorch's __setattr__ does: the constructor returns a Proxy whose defineProperty trap
 * sees both `this.x = v` and TypeScript's class fields (defined with [[Define]] semantics on the object
 * super() returned). Registered values are also plain own properties, so reading them is untrapped.
 */
export abstract class Module {
  /** PyTorch's module path of the class, for torch.typename (`torch.nn.modules.linear.Linear`). */
  static readonly __module__: string = 'torch.nn.modules.module';

  training = true;
  readonly _parameters = new Map<string, Parameter | null>();
  readonly _buffers = new Map<string, Tensor | null>();
  readonly _non_persistent_buffers_set = new Set<string>();
  readonly _modules = new Map<string, Module | null>();

  constructor() {
    const proxy = new Proxy(this, attributeTraps);
    targets.set(proxy, this);
    return proxy;
  }

  abstract forward(...inputs: Tensor[]): Tensor;

  // ---- forward hooks (PyTorch runs them in __call__; here `forward` is the call) ----

  /** Hooks run before forward: hook(module, inputs) may return new inputs (one value or an array). */
  readonly _forward_pre_hooks = new Map<number, ForwardPreHook>();
  /** Hooks run after forward: hook(module, inputs, output) may return a new output. */
  readonly _forward_hooks = new Map<number, ForwardHook>();

  register_forward_pre_hook(hook: ForwardPreHook): RemovableHandle {
    return addHook(this, raw(this)._forward_pre_hooks, hook);
  }

  register_forward_hook(hook: ForwardHook): RemovableHandle {
    return addHook(this, raw(this)._forward_hooks, hook);
  }

  // ---- registration ----

  register_parameter(name: string, param: Parameter | null): void {
    const self = raw(this);
    checkName(self, name, 'parameter', self._parameters);
    if (param === null || param === undefined) {
      self._parameters.set(name, null);
    } else if (!(param instanceof Parameter)) {
      throw new ArgumentTypeError(`cannot assign '${typename(param)}' object to parameter '${name}' (torch.nn.Parameter or None required)`);
    } else if (param.grad_fn !== null) {
      throw new ValueError(
        `Cannot assign non-leaf Tensor to parameter '${name}'. Model parameters must be created explicitly. ` +
          `To express '${name}' as a function of another Tensor, compute the value in the forward() method.`,
      );
    } else {
      self._parameters.set(name, param);
    }
    defineOwn(self, name, param ?? null);
  }

  /** A tensor that is state but not a parameter; `persistent: false` keeps it out of state_dict. */
  register_buffer(name: string, tensor: Tensor | null, persistent = true): void {
    const self = raw(this);
    checkName(self, name, 'buffer', self._buffers);
    if (tensor !== null && tensor !== undefined && !(tensor instanceof Tensor)) {
      throw new ArgumentTypeError(`cannot assign '${typename(tensor)}' object to buffer '${name}' (torch Tensor or None required)`);
    }
    self._buffers.set(name, tensor ?? null);
    if (persistent) self._non_persistent_buffers_set.delete(name);
    else self._non_persistent_buffers_set.add(name);
    defineOwn(self, name, tensor ?? null);
  }

  add_module(name: string, module: Module | null): void {
    const self = raw(this);
    if (!(module instanceof Module) && module !== null) throw new ArgumentTypeError(`${typename(module)} is not a Module subclass`);
    if (typeof name !== 'string') throw new ArgumentTypeError(`module name should be a string. Got ${typename(name)}`);
    if (hasAttr(self, name) && !self._modules.has(name)) throw new KeyError(`attribute '${name}' already exists`);
    if (name.includes('.')) throw new KeyError(`module name can't contain ".", got: ${name}`);
    if (name === '') throw new KeyError('module name can\'t be empty string ""');
    self._modules.set(name, module);
    defineOwn(self, name, module);
  }

  /** Alias of add_module. */
  register_module(name: string, module: Module | null): void {
    this.add_module(name, module);
  }

  /** `self._modules[name] = module` without add_module's checks (the containers' insert). */
  protected _putModule(name: string, module: Module | null): void {
    const self = raw(this);
    self._modules.set(name, module);
    defineOwn(self, name, module);
  }

  /** Replace the submodules by `entries` in their order (Sequential's and ModuleList's renumbering). */
  protected _setModules(entries: ReadonlyArray<readonly [string, Module | null]>): void {
    const self = raw(this);
    for (const name of self._modules.keys()) Reflect.deleteProperty(self, name);
    self._modules.clear();
    for (const [name, m] of entries) {
      self._modules.set(name, m);
      defineOwn(self, name, m);
    }
  }

  get_submodule(target: string): Module {
    if (target === '') return this;
    let mod: Module = this;
    for (const item of target.split('.')) {
      if (!hasAttr(raw(mod), item)) throw new AttributeError(`${mod._get_name()} has no attribute \`${item}\``);
      const next = (mod as unknown as Attrs)[item];
      if (!(next instanceof Module)) throw new AttributeError(`\`${item}\` is not an nn.Module`);
      mod = next;
    }
    return mod;
  }

  get_parameter(target: string): Parameter {
    const [mod, name] = this.ownerOf(target);
    const p = (mod as unknown as Attrs)[name];
    if (!(p instanceof Parameter)) throw new AttributeError(`\`${name}\` is not an nn.Parameter`);
    return p;
  }

  get_buffer(target: string): Tensor {
    const [mod, name] = this.ownerOf(target);
    if (!mod._buffers.has(name)) throw new AttributeError(`\`${name}\` is not a buffer`);
    return (mod as unknown as Attrs)[name] as Tensor;
  }

  private ownerOf(target: string): [Module, string] {
    const dot = target.lastIndexOf('.');
    const mod = this.get_submodule(dot < 0 ? '' : target.slice(0, dot));
    const name = target.slice(dot + 1);
    if (!hasAttr(raw(mod), name)) throw new AttributeError(`${mod._get_name()} has no attribute \`${name}\``);
    return [mod, name];
  }

  // ---- iteration (shared modules and tensors come once, as in PyTorch) ----

  *named_modules(memo: Set<Module> = new Set(), prefix = '', remove_duplicate = true): Generator<[string, Module]> {
    if (memo.has(this)) return;
    if (remove_duplicate) memo.add(this);
    yield [prefix, this];
    for (const [name, m] of this._modules) {
      if (m === null) continue;
      yield* m.named_modules(memo, prefix === '' ? name : `${prefix}.${name}`, remove_duplicate);
    }
  }

  *modules(): Generator<Module> {
    for (const [, m] of this.named_modules()) yield m;
  }

  *named_children(): Generator<[string, Module]> {
    const memo = new Set<Module>();
    for (const [name, m] of this._modules) {
      if (m === null || memo.has(m)) continue;
      memo.add(m);
      yield [name, m];
    }
  }

  *children(): Generator<Module> {
    for (const [, m] of this.named_children()) yield m;
  }

  private *namedMembers<T extends Tensor>(members: (m: Module) => Map<string, T | null>, prefix: string, recurse: boolean): Generator<[string, T]> {
    const memo = new Set<T>();
    const modules: Iterable<[string, Module]> = recurse ? this.named_modules(undefined, prefix) : [[prefix, this]];
    for (const [modulePrefix, m] of modules) {
      for (const [k, v] of members(m)) {
        if (v === null || memo.has(v)) continue;
        memo.add(v);
        yield [modulePrefix === '' ? k : `${modulePrefix}.${k}`, v];
      }
    }
  }

  named_parameters(prefix = '', recurse = true): Generator<[string, Parameter]> {
    return this.namedMembers((m) => m._parameters, prefix, recurse);
  }

  *parameters(recurse = true): Generator<Parameter> {
    for (const [, p] of this.named_parameters('', recurse)) yield p;
  }

  named_buffers(prefix = '', recurse = true): Generator<[string, Tensor]> {
    return this.namedMembers((m) => m._buffers, prefix, recurse);
  }

  *buffers(recurse = true): Generator<Tensor> {
    for (const [, b] of this.named_buffers('', recurse)) yield b;
  }

  // ---- state ----

  /**
   * Name → tensor, each module's parameters then its persistent buffers, then its children's (PyTorch's
   * order; shared modules appear under each name). Detached aliases of the storage unless `keep_vars`.
   */
  state_dict(options: { destination?: StateDict; prefix?: string; keep_vars?: boolean } = {}): StateDict {
    const destination = options.destination ?? {};
    saveStateDict(this, destination, options.prefix ?? '', options.keep_vars ?? false);
    return destination;
  }

  /**
   * Copy parameters and persistent buffers in, module by module as PyTorch does (so what matched is
   * copied even when an error follows), with its missing/unexpected-key and size-mismatch errors.
   */
  load_state_dict(state_dict: StateDictInput, options: { strict?: boolean } = {}): IncompatibleKeys {
    if (state_dict === null || typeof state_dict !== 'object' || Array.isArray(state_dict) || state_dict instanceof Tensor) {
      throw new ArgumentTypeError(`Expected state_dict to be dict-like, got ${pyClass(state_dict)}.`);
    }
    return loadStateDict(this, state_dict, options.strict ?? true, this._get_name());
  }

  // ---- modes and gradients ----

  train(mode = true): this {
    if (typeof mode !== 'boolean') throw new ValueError('training mode is expected to be boolean');
    this.training = mode;
    for (const m of this.children()) m.train(mode);
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  requires_grad_(requires_grad = true): this {
    for (const p of this.parameters()) p.requires_grad_(requires_grad);
    return this;
  }

  /** Zero the gradients in place (PyTorch 1.13's default), or with `set_to_none` drop them. */
  zero_grad(options: { set_to_none?: boolean } = {}): void {
    for (const p of this.parameters()) {
      const g = p.grad;
      if (g === null) continue;
      if (options.set_to_none ?? false) {
        p.grad = null;
        continue;
      }
      if (g.grad_fn !== null) g.detach_();
      else g.requires_grad_(false);
      zero_(g);
    }
  }

  /** fn on every submodule (children first, as .children() gives them), then on this one. */
  apply(fn: (module: Module) => void): this {
    for (const m of this.children()) m.apply(fn);
    fn(this);
    return this;
  }

  /** Convert the floating parameters (in place: the same Parameter objects), their gradients and the buffers. */
  to(dtype: DTypeArg | { dtype: DTypeArg }): this {
    const d = toDType(typeof dtype === 'object' && dtype !== null && !(dtype instanceof TorchDType) ? dtype.dtype : dtype);
    if (INTEGER_DTYPES.has(d)) {
      throw new ArgumentTypeError(`nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=torch.${d}`);
    }
    return this._apply((t) => toDtype(t, d));
  }

  double(): this {
    return this.to('float64');
  }

  float(): this {
    return this.to('float32');
  }

  /** fn on every parameter (its data replaced, as PyTorch's `param.data = fn(param)`), gradient and buffer. */
  protected _apply(fn: (t: Tensor) => Tensor): this {
    for (const m of this.children()) m._apply(fn);
    no_grad(() => {
      for (const p of this._parameters.values()) {
        if (p === null) continue;
        p.data = fn(p);
        if (p.grad !== null) p.grad.data = fn(p.grad);
      }
    });
    const self = raw(this);
    for (const [name, b] of self._buffers) {
      if (b === null) continue;
      const converted = fn(b);
      self._buffers.set(name, converted);
      defineOwn(self, name, converted);
    }
    return this;
  }

  // ---- printing ----

  _get_name(): string {
    return this.constructor.name;
  }

  /** The part inside the parentheses of the printed form (may span lines). */
  extra_repr(): string {
    return '';
  }

  toString(): string {
    const extra = this.extra_repr();
    const extraLines = extra === '' ? [] : extra.split('\n');
    const childLines = [...this._modules].map(([key, m]) => `(${key}): ${addIndent(m === null ? 'None' : String(m), 2)}`);
    const lines = [...extraLines, ...childLines];
    let main = `${this._get_name()}(`;
    if (lines.length > 0) {
      if (extraLines.length === 1 && childLines.length === 0) main += extraLines[0];
      else main += `\n  ${lines.join('\n  ')}\n`;
    }
    return `${main})`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

const INTEGER_DTYPES = new Set(['int64', 'int32', 'int16', 'int8', 'uint8', 'bool']);

/** PyTorch's _addindent: every line but the first indented. */
function addIndent(s: string, spaces: number): string {
  const lines = s.split('\n');
  if (lines.length === 1) return s;
  const pad = ' '.repeat(spaces);
  return [lines[0], ...lines.slice(1).map((l) => pad + l)].join('\n');
}

const attributeTraps = makeAttributeTraps<Module>((v) => v instanceof Module);

// A subclass without a forward (plain JavaScript; TypeScript asks for one) fails as PyTorch's _forward_unimplemented does
Object.defineProperty(Module.prototype, 'forward', {
  value: function forward(this: Module): never {
    throw new NotImplementedError(`Module [${this._get_name()}] is missing the required "forward" function`);
  },
  writable: true,
  configurable: true,
});
