// torch.promote_types, torch.result_type and torch.can_cast over tensors and Python scalars.

import { ArgumentTypeError } from '../errors.js';
import { canCast, dtypeObject, promoteTypes, resultTypeOf, scalarDtype, toDType, type DTypeArg, type TorchDType, type TypedOperand } from './dtype.js';
import { Tensor } from './tensor.js';

/** `torch.promote_types(a, b)`: the smallest dtype both cast to. */
export function promote_types(type1: DTypeArg, type2: DTypeArg): TorchDType {
  return dtypeObject(promoteTypes(toDType(type1), toDType(type2)));
}

function operand(v: Tensor | number | bigint | boolean): TypedOperand {
  if (v instanceof Tensor) return { dtype: v._dtype, rank: v.ndim > 0 ? 'dim' : 'zero' };
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return { dtype: scalarDtype(v), rank: 'wrapped' };
  throw new ArgumentTypeError(`result_type(): argument 'tensor' must be Tensor, not ${typeof v}`);
}

/** `torch.result_type(tensor, other)`: the dtype an arithmetic op on them gives (a number is an int when integral). */
export function result_type(tensor: Tensor | number | bigint | boolean, other: Tensor | number | bigint | boolean): TorchDType {
  return dtypeObject(resultTypeOf([operand(tensor), operand(other)]));
}

/** `torch.can_cast(from, to)`: whether an in-place op may write a `from` result into a `to` tensor. */
export function can_cast(from: DTypeArg, to: DTypeArg): boolean {
  return canCast(toDType(from), toDType(to));
}
