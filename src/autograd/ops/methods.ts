// Tensor methods with PyTorch's names, installed from the op registry: each entry's `method` and
// `inplace` spellings become `x.name(...)` and `x.name_(...)`, typed by the registry itself.
// Library modules call the ops as functions; this module is for the public API (src/index.ts) and the CLI.

import { registry, type RegistryMethods } from './registry.js';
import { Tensor } from '../../tensor/tensor.js';

declare module '../../tensor/tensor.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-interface -- the members come from the registry
  interface Tensor extends RegistryMethods {}
}

type Impl = (self: Tensor, ...args: unknown[]) => unknown;

function install(name: string, impl: Impl): void {
  Object.defineProperty(Tensor.prototype, name, {
    value: function (this: Tensor, ...args: unknown[]) {
      return impl(this, ...args);
    },
    writable: true,
    configurable: true,
  });
}

for (const [name, entry] of Object.entries(registry)) {
  if (entry.method !== null) install(name, entry.method as unknown as Impl);
  if (entry.inplace !== null) install(`${name}_`, entry.inplace as unknown as Impl);
}

export { Tensor };
