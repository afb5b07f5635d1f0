// x.fill_diagonal_(fill_value, wrap): PyTorch's fill of the strided main diagonal, done as it does it, through
// a view of x (so a leaf's error and a non-leaf's CopySlices are PyTorch's), and nansum/nanmean/diff/logit.

import { RuntimeError } from '../../errors.js';
import { isFloating, scalarTypeName } from '../../tensor/dtype.js';
import { normalizeDim } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { no_grad } from '../../tensor/autograd/grad_mode.js';
import { at } from './at.js';
import { Slice, setitem } from './indexing.js';
import { mask2, recordNode } from './pointwise.js';
import { sum, type DimArg } from './reduce.js';
import { clone, view } from './shape.js';
import { div, sub } from './arithmetic.js';
import { logical_not, logical_xor, isnan } from './compare.js';
import { narrow } from './views.js';
import { cat } from './cat.js';

/** `x.fill_diagonal_(fill_value, wrap=false)`: elements 0, s, 2s, … of x's flat view, s the sum of the strides. */
export function fill_diagonal_(self: Tensor, fill_value: number, wrap = false): Tensor {
  if (self.ndim < 2) throw new RuntimeError('dimensions must larger than 1');
  if (self._shape.some((s) => s !== self._shape[0]) && self.ndim > 2) throw new RuntimeError('all dimensions of input must be of equal length');
  const [r, c] = self._shape;
  let step = 1;
  let stride = 1;
  for (let d = self.ndim - 1; d > 0; d--) {
    stride *= self._shape[d];
    step += stride;
  }
  // a tall matrix without wrap: only its first c rows (min(r, c) elements)
  const count = self.ndim === 2 && r > c && !wrap ? c : self.ndim === 2 && wrap ? Math.ceil((r * c) / (c + 1)) : Math.min(...self._shape);
  if (count > 0) setitem(view(self, [-1]), new Slice(0, (count - 1) * step + 1, step), fill_value);
  return self;
}

function nanMask(x: Tensor): ReturnType<typeof mask2> {
  return mask2(x, x, (v) => v !== v);
}

/** `torch.nansum(x, dim, keepdim)`: sum's cascade with NaNs as 0 (cascade_sum<ignore_nan=true>). */
export function nansum(input: Tensor, dim?: DimArg, keepdim = false): Tensor {
  const zeroed = isFloating(input._dtype) ? no_grad(() => at.maskedFill(input.detach(), nanMask(input), 0)) : input.detach();
  const out = no_grad(() => sum(zeroed, dim, keepdim));
  const dims = dim === undefined || dim === null ? null : (Array.isArray(dim) ? (dim as number[]) : [dim as number]).map((d) => normalizeDim(d, input.ndim));
  // nansum_backward: the gradient unsqueezed back and expanded, 0 where self is NaN
  return recordNode(out, 'NansumBackward0', [input], [input], (g) => {
    let gg = g;
    if (dims !== null && !keepdim) for (const d of [...dims].sort((a, b) => a - b)) gg = at.unsqueeze(gg, d);
    return [at.maskedFill(at.expand(gg, input._shape), nanMask(input), 0)];
  }, false);
}

/** `torch.nanmean(x, dim, keepdim)`: nansum / the count of non-NaNs (DivBackward0, as torch's Python code). */
export function nanmean(input: Tensor, dim?: DimArg, keepdim = false): Tensor {
  if (!isFloating(input._dtype)) throw new RuntimeError(`nanmean(): expected input to have floating point dtype but got ${scalarTypeName(input._dtype)}`);
  const count = sum(logical_not(isnan(input)), dim, keepdim);
  return div(nansum(input, dim, keepdim), count);
}

export interface DiffOptions {
  prepend?: Tensor | null;
  append?: Tensor | null;
}

/** `torch.diff(x, n=1, dim=-1, prepend, append)`: x[1:] - x[:-1] along dim, n times (xor for bool). */
export function diff(input: Tensor, n = 1, dim = -1, prepend: Tensor | null | DiffOptions = null, append: Tensor | null = null): Tensor {
  const o: DiffOptions = prepend !== null && !(prepend instanceof Tensor) ? prepend : { prepend, append };
  if (input.ndim === 0) throw new RuntimeError('diff expects input to be at least one-dimensional');
  if (n < 0) throw new RuntimeError(`order must be non-negative but got ${n}`);
  const d = normalizeDim(dim, input.ndim);
  // NOTE: n = 0 is a copy (empty_like(self).copy_(self)): CopyBackwards
  if (n === 0) return recordNode(no_grad(() => clone(input)), 'CopyBackwards', [input], [], (g) => [g], false);
  const parts = [o.prepend, input, o.append].filter((t): t is Tensor => t !== null && t !== undefined);
  let x = parts.length > 1 ? cat(parts, d) : input;
  for (let k = 0; k < n && x._shape[d] > 0; k++) {
    const len = x._shape[d] - 1;
    const [hi, lo] = [narrow(x, d, 1, len), narrow(x, d, 0, len)];
    x = x._dtype === 'bool' ? logical_xor(hi, lo) : sub(hi, lo);
  }
  return x;
}
