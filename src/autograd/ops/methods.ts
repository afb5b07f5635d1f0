// Tensor methods with PyTorch's names, installed from the op registry: each entry's `method` and
// `inplace` spellings become `x.name(...)` and `x.name_(...)`, typed by the registry itself.
// Library modules call the ops as functions; this module is for the public API (src/index.ts) and the CLI.

import { registry, type RegistryMethods, type TensorTypeName } from './registry.js';
import type { DType } from '../../tensor/dtype.js';
import { Tensor } from '../../tensor/tensor.js';

declare module '../../tensor/tensor.js' {
  // the members come from the registry; `type` has two forms, which a mapped type cannot carry
  interface Tensor extends Omit<RegistryMethods, 'type'> {
    /** `x.type()`: the type's name, 'torch.LongTensor'. */
    type(): string;
    /** `x.type(torch.float64)` or `x.type('torch.DoubleTensor')`: a copy in that dtype. */
    type(dtype: DType | TensorTypeName): Tensor;
  }
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
