// nn.Module's attributes as PyTorch's __setattr__ / __delattr__ / hasattr treat them: registering
// parameters, buffers and submodules, with its errors. Over the structure of a module (no import of it).

import { ArgumentTypeError, KeyError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { Parameter } from './parameter.js';
import { typename } from './typename.js';

/** What these functions read and call on a module's target. */
export interface Registries {
  readonly _parameters: Map<string, Parameter | null>;
  readonly _buffers: Map<string, Tensor | null>;
  readonly _non_persistent_buffers_set: Set<string>;
  readonly _modules: Map<string, unknown>;
  register_parameter(name: string, param: Parameter | null): void;
}

type Attrs = Record<string, unknown>;

/**
 * Python's hasattr on a module. NOTE: an own property holding `undefined` is a TypeScript field declared
 * without an initializer (`bias: Parameter | null;`), not yet assigned: it does not count.
 */
export function hasAttr(self: object, name: string): boolean {
  if (!(name in self)) return false;
  return !(Object.hasOwn(self, name) && (self as unknown as Attrs)[name] === undefined);
}

export function checkName(self: object, name: unknown, what: 'parameter' | 'buffer', registered: Map<string, unknown>): asserts name is string {
  if (typeof name !== 'string') throw new ArgumentTypeError(`${what} name should be a string. Got ${typename(name)}`);
  if (name.includes('.')) throw new KeyError(`${what} name can't contain "."`);
  if (name === '') throw new KeyError(`${what} name can't be empty string ""`);
  if (hasAttr(self, name) && !registered.has(name)) throw new KeyError(`attribute '${name}' already exists`);
}

/** A registered value as a plain own property of the target (bypassing the traps). */
export function defineOwn(self: object, name: string, value: unknown): void {
  Reflect.defineProperty(self, name, { value, writable: true, enumerable: true, configurable: true });
}

/** Drop `name` from the other registries and the plain attributes before registering it anew. */
function removeFrom(self: Registries, name: string, keep: 'parameter' | 'module'): void {
  if (keep !== 'parameter') self._parameters.delete(name);
  if (keep !== 'module') self._modules.delete(name);
  self._buffers.delete(name);
  self._non_persistent_buffers_set.delete(name);
  if (Object.hasOwn(self, name)) Reflect.deleteProperty(self, name);
}

/** A complete data descriptor, as a class field's [[Define]] (or `this.x = v` for a new x) makes. */
function isFieldDefinition(desc: PropertyDescriptor): boolean {
  return desc.writable === true && desc.enumerable === true && desc.configurable === true;
}

/** PyTorch's Module.__setattr__ over the target `self`. */
function setAttr(self: Registries, isModule: (v: unknown) => boolean, name: string, value: unknown, desc: PropertyDescriptor): boolean {
  const registered = self._parameters.has(name) || self._modules.has(name) || self._buffers.has(name);
  // NOTE: a subclass re-declaring a field (`weight!: Parameter`) defines it as undefined after the parent's
  // constructor registered it: that is no assignment, so the registered value stays.
  if (value === undefined && registered && isFieldDefinition(desc)) return true;
  if (value instanceof Parameter) {
    removeFrom(self, name, 'parameter');
    self.register_parameter(name, value);
  } else if (self._parameters.has(name)) {
    if (value !== null && value !== undefined) {
      throw new ArgumentTypeError(`cannot assign '${typename(value)}' as parameter '${name}' (torch.nn.Parameter or None expected)`);
    }
    self.register_parameter(name, null);
  } else if (isModule(value)) {
    removeFrom(self, name, 'module');
    self._modules.set(name, value);
    defineOwn(self, name, value);
  } else if (self._modules.has(name)) {
    if (value !== null && value !== undefined) {
      throw new ArgumentTypeError(`cannot assign '${typename(value)}' as child module '${name}' (torch.nn.Module or None expected)`);
    }
    self._modules.set(name, null);
    defineOwn(self, name, null);
  } else if (self._buffers.has(name)) {
    if (value !== null && value !== undefined && !(value instanceof Tensor)) {
      throw new ArgumentTypeError(`cannot assign '${typename(value)}' as buffer '${name}' (torch.Tensor or None expected)`);
    }
    self._buffers.set(name, (value as Tensor | null | undefined) ?? null);
    defineOwn(self, name, value ?? null);
  } else {
    return Reflect.defineProperty(self, name, desc);
  }
  return true;
}

/** PyTorch's Module.__delattr__. */
function delAttr(self: Registries, name: string): boolean {
  if (self._parameters.has(name)) self._parameters.delete(name);
  else if (self._buffers.has(name)) {
    self._buffers.delete(name);
    self._non_persistent_buffers_set.delete(name);
  } else if (self._modules.has(name)) self._modules.delete(name);
  return Reflect.deleteProperty(self, name);
}

/** The Proxy handler of every module: `isModule` is `instanceof Module`, passed in to keep imports one-way. */
export function makeAttributeTraps<M extends Registries>(isModule: (v: unknown) => boolean): ProxyHandler<M> {
  return {
    // `this.x = v` reaches here too: the ordinary [[Set]] defines the property on the receiver, the proxy
    defineProperty(target, key, desc) {
      if (typeof key !== 'string' || !('value' in desc)) return Reflect.defineProperty(target, key, desc);
      return setAttr(target, isModule, key, desc.value, desc);
    },
    deleteProperty(target, key) {
      return typeof key === 'string' ? delAttr(target, key) : Reflect.deleteProperty(target, key);
    },
  };
}
