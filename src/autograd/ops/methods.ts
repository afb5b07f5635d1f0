// Tensor methods with PyTorch's names, installed from the op registry: each entry's `method` and
// `inplace` spellings become `x.name(...)` and `x.name_(...)`, typed by the registry itself.
// Library modules call the ops as functions; this module is for the public API (src/index.ts) and the CLI.

import { ArgumentTypeError } from '../../errors.js';
import { registry, type RegistryMethods, type TensorTypeName } from './registry.js';
import { unbind } from './cat.js';
import { KEYWORDS, POSITIONAL } from './keywords.generated.js';
import { bindKeywords, hasOptions, methodBinder, type Positional } from '../../tensor/keywords.js';
import type { DTypeArg } from '../../tensor/dtype.js';
import type { DimOptions } from './value_select.js';
import type { ReturnTypes } from './return_types.js';
import { Tensor } from '../../tensor/tensor.js';

declare module '../../tensor/tensor.js' {
  // the members come from the registry; `type` has two forms, which a mapped type cannot carry
  interface Tensor extends Omit<RegistryMethods, 'type' | 'max' | 'min' | 'median' | 'nanmedian'> {
    /** `x.max()`; `x.max(dim, keepdim)`: torch.return_types.max (values, indices); `x.max(other)`: maximum. */
    max(): Tensor;
    max(other: Tensor): Tensor;
    max(dim: number | DimOptions, keepdim?: boolean): ReturnTypes;
    min(): Tensor;
    min(other: Tensor): Tensor;
    min(dim: number | DimOptions, keepdim?: boolean): ReturnTypes;
    /** `x.median()`: the lower median; `x.median(dim, keepdim)`: torch.return_types.median. */
    median(): Tensor;
    median(dim: number | DimOptions, keepdim?: boolean): ReturnTypes;
    nanmedian(): Tensor;
    nanmedian(dim: number | DimOptions, keepdim?: boolean): ReturnTypes;
    /** `x.type()`: the type's name, 'torch.LongTensor'. */
    type(): string;
    /** `x.type(torch.float64)` or `x.type('torch.DoubleTensor')`: a copy in that dtype. */
    type(dtype: DTypeArg | TensorTypeName): Tensor;
    /** The slices along the first dim (unbind(0)), as Python iterates a tensor. */
    [Symbol.iterator](): Iterator<Tensor>;
  }
}

type Impl = (self: Tensor, ...args: unknown[]) => unknown;

/**
 * `x.name(...args)`: impl(x, ...args), its options checked against `keys` (keywords.generated.ts; null: not
 * checked) and PyTorch's keywords for positional parameters bound (`positional`).
 */
function install(name: string, impl: Impl, keys: readonly string[] | null | undefined, positional: Positional | undefined): void {
  const allowed = keys === null || keys === undefined ? null : new Set(keys);
  const b = methodBinder(positional);
  Object.defineProperty(Tensor.prototype, name, {
    value: function (this: Tensor, ...args: unknown[]) {
      if (allowed !== null && hasOptions(args)) return impl(this, ...bindKeywords(name, args, allowed, b));
      return impl(this, ...args);
    },
    writable: true,
    configurable: true,
  });
}

function installGetter(name: string, impl: Impl): void {
  Object.defineProperty(Tensor.prototype, name, {
    get: function (this: Tensor) {
      return impl(this);
    },
    configurable: true,
  });
}

for (const [name, entry] of Object.entries(registry)) {
  if (entry.method !== null && entry.property) installGetter(name, entry.method as unknown as Impl);
  else if (entry.method !== null) install(name, entry.method as unknown as Impl, KEYWORDS[name]?.method, POSITIONAL[name]?.method);
  if (entry.inplace !== null) install(`${name}_`, entry.inplace as unknown as Impl, KEYWORDS[name]?.inplace, POSITIONAL[name]?.inplace);
}

// `for (const row of x)`: Python's Tensor.__iter__, x.unbind(0) (UnbindBackward0); a 0-d tensor is PyTorch's TypeError
Object.defineProperty(Tensor.prototype, Symbol.iterator, {
  value: function* (this: Tensor): Generator<Tensor, void, undefined> {
    if (this.ndim === 0) throw new ArgumentTypeError('iteration over a 0-d tensor');
    yield* unbind(this, 0);
  },
  writable: true,
  configurable: true,
});

export { Tensor };
