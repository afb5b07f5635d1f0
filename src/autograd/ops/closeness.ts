// isclose, allclose and equal, as PyTorch 1.13's TensorCompare.cpp computes them: closeness is
// a == b, or (equal_nan) both NaN, or |a - b| finite and <= atol + |rtol * b|, in the ops' own dtypes
// (rtol * b of a float32 b is float32; of an integer b the default float).

import { RuntimeError } from '../../errors.js';
import { get_default_dtype, isFloating, scalarTypeName } from '../../tensor/dtype.js';
import { Tensor } from '../../tensor/tensor.js';
import { no_grad } from '../../tensor/autograd/grad_mode.js';
import { add, mul, sub } from './arithmetic.js';
import { applyUnary } from './elementwise.js';
import { unaryOps } from './unary.js';
import { toDtype } from './shape.js';
import { eq, isfinite, le, logical_and, logical_or, ne } from './compare.js';

export interface CloseOptions {
  rtol?: number;
  atol?: number;
  equal_nan?: boolean;
}

function options(rtol: number | CloseOptions | undefined, atol: number | undefined, equalNan: boolean | undefined): Required<CloseOptions> {
  if (typeof rtol === 'object') return { rtol: rtol.rtol ?? 1e-5, atol: rtol.atol ?? 1e-8, equal_nan: rtol.equal_nan ?? false };
  return { rtol: rtol ?? 1e-5, atol: atol ?? 1e-8, equal_nan: equalNan ?? false };
}

/** `torch.isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=false)` (or `{ rtol, atol, equal_nan }`): bool. */
export function isclose(a: Tensor, b: Tensor, rtol?: number | CloseOptions, atol?: number, equal_nan?: boolean): Tensor {
  const o = options(rtol, atol, equal_nan);
  if (a._dtype !== b._dtype) throw new RuntimeError(`${scalarTypeName(a._dtype)} did not match ${scalarTypeName(b._dtype)}`);
  if (!(o.rtol >= 0)) throw new RuntimeError(`rtol must be greater than or equal to zero, but got ${o.rtol}`);
  if (!(o.atol >= 0)) throw new RuntimeError(`atol must be greater than or equal to zero, but got ${o.atol}`);
  return no_grad(() => {
    let close = eq(a, b);
    if (o.equal_nan && isFloating(a._dtype)) close = logical_or(close, logical_and(ne(a, a), ne(b, b)));
    if (o.rtol === 0 && o.atol === 0) return close;
    const ca = a._dtype === 'bool' ? toDtype(a, get_default_dtype()) : a;
    const cb = b._dtype === 'bool' ? toDtype(b, get_default_dtype()) : b;
    const abs = (t: Tensor): Tensor => applyUnary(unaryOps.abs, t);
    const allowed = add(abs(mul(cb, o.rtol)), o.atol);
    const actual = abs(sub(ca, cb));
    return logical_or(close, logical_and(isfinite(actual), le(actual, allowed)));
  });
}

/** `torch.allclose(a, b, rtol, atol, equal_nan)`: isclose everywhere (a boolean). */
export function allclose(a: Tensor, b: Tensor, rtol?: number | CloseOptions, atol?: number, equal_nan?: boolean): boolean {
  const c = isclose(a, b, rtol, atol, equal_nan);
  for (let i = 0; i < c._data.length; i++) if (c._data[i] === 0) return false;
  return true;
}
