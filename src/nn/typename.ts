// Python's names for JavaScript values, as PyTorch's messages print them (torch.typename, type(x)).

import { tensorTypeName } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { Parameter } from './parameter.js';

/** A module class's Python module path (`torch.nn.modules.linear`), set on PyTorch's own classes. */
interface WithPythonModule {
  __module__?: string;
}

/**
 * `torch.typename(value)`: `torch.FloatTensor` for a float32 tensor, `torch.nn.modules.linear.Linear` for
 * PyTorch's module classes, `__main__.Net` for a user's; numbers are `int` or `float` by their value.
 */
export function typename(value: unknown): string {
  if (value instanceof Tensor) return tensorTypeName(value._dtype);
  if (value === null || value === undefined) return 'NoneType';
  switch (typeof value) {
    case 'number':
      return Number.isInteger(value) ? 'int' : 'float';
    case 'bigint':
      return 'int';
    case 'string':
      return 'str';
    case 'boolean':
      return 'bool';
    case 'function':
      return 'function';
    case 'symbol':
      return 'symbol';
    default:
      return objectTypename(value as object);
  }
}

function objectTypename(value: object): string {
  if (Array.isArray(value)) return 'list';
  if (value instanceof Map) return 'dict';
  const ctor = (value as { constructor?: unknown }).constructor;
  if (typeof ctor !== 'function' || ctor === Object) return 'dict';
  if (isModuleClass(ctor)) {
    const path = Object.hasOwn(ctor, '__module__') ? (ctor as WithPythonModule).__module__ : '__main__';
    return `${path}.${ctor.name}`;
  }
  return ctor.name;
}

/** A class descending from one that names its Python module (every nn.Module does, through Module). */
function isModuleClass(ctor: Function): boolean {
  return (ctor as WithPythonModule).__module__ !== undefined;
}

/** `type(value)` as Python prints it: `<class 'int'>`, `<class 'torch.Tensor'>`. */
export function pyClass(value: unknown): string {
  if (value instanceof Parameter) return "<class 'torch.nn.parameter.Parameter'>";
  if (value instanceof Tensor) return "<class 'torch.Tensor'>";
  return `<class '${typename(value)}'>`;
}
