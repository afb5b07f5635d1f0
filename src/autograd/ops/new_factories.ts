// Factories from a tensor (x.new_zeros, new_ones, new_full, new_empty, new_tensor, torch.randint_like):
// the tensor's dtype unless one is given; and the deprecated torch.range, whose end is inclusive.

import { RuntimeError } from '../../errors.js';
import { allocStorage, castScalar, toDType, checkScalarFits, get_default_dtype, isFloating } from '../../tensor/dtype.js';
import { full, tensor, type SizeArgs, type TensorOptions, type TypedArray } from '../../tensor/factories.js';
import type { NestedData } from '../../tensor/nested.js';
import { randint, type RandomOptions } from '../../tensor/random.js';
import { Tensor } from '../../tensor/tensor.js';
import { warn } from '../../warnings.js';

function sizeOf(args: SizeArgs<TensorOptions>): { size: number[]; options: TensorOptions } {
  let options: TensorOptions = {};
  const size: number[] = [];
  for (const a of args) {
    if (typeof a === 'number') size.push(a);
    else if (Array.isArray(a)) size.push(...(a as readonly number[]));
    else options = a as TensorOptions;
  }
  for (const s of size) {
    if (!Number.isInteger(s) || s < 0) throw new RuntimeError(`Trying to create tensor with negative dimension ${s}: [${size.join(', ')}]`);
  }
  return { size, options };
}

function filled(self: Tensor, size: readonly number[], fill_value: number | boolean, options: TensorOptions): Tensor {
  return full(size, fill_value, { ...options, dtype: options.dtype ?? self.dtype });
}

/** `x.new_zeros(size)`: zeros of x's dtype. */
export function new_zeros(self: Tensor, ...size: SizeArgs<TensorOptions>): Tensor {
  const { size: s, options } = sizeOf(size);
  return filled(self, s, 0, options);
}

/** `x.new_ones(size)`. */
export function new_ones(self: Tensor, ...size: SizeArgs<TensorOptions>): Tensor {
  const { size: s, options } = sizeOf(size);
  return filled(self, s, 1, options);
}

/** `x.new_empty(size)`: uninitialized in PyTorch; zeros here. */
export function new_empty(self: Tensor, ...size: SizeArgs<TensorOptions>): Tensor {
  const { size: s, options } = sizeOf(size);
  return filled(self, s, 0, options);
}

/** `x.new_full(size, fill_value)`: fill_value checked against the dtype's range (c10's checked_convert). */
export function new_full(self: Tensor, size: readonly number[], fill_value: number | boolean, options: TensorOptions = {}): Tensor {
  const dtype = options.dtype === undefined ? self._dtype : toDType(options.dtype);
  if (typeof fill_value === 'number') {
    checkScalarFits(fill_value, dtype, true);
    if (dtype === 'float32' && Number.isFinite(fill_value) && Math.abs(fill_value) > FLT_MAX) {
      throw new RuntimeError('value cannot be converted to type float without overflow');
    }
  }
  return filled(self, sizeOf([size]).size, fill_value, options);
}

const FLT_MAX = 3.4028234663852886e38;

/** `x.new_tensor(data)`: a new leaf holding data (copied), of x's dtype unless one is given. */
export function new_tensor(self: Tensor, data: NestedData | TypedArray | Tensor, options: TensorOptions = {}): Tensor {
  if (data instanceof Tensor) {
    warn('To copy construct from a tensor, it is recommended to use sourceTensor.clone().detach() or sourceTensor.clone().detach().requires_grad_(True), rather than tensor.new_tensor(sourceTensor).');
  }
  return tensor(data instanceof Tensor ? data.detach() : data, { ...options, dtype: options.dtype ?? self.dtype });
}

/** `torch.randint_like(input, high)` or `(input, low, high)`: randint of input's shape and dtype. */
export function randint_like(input: Tensor, low: number, high?: number | RandomOptions, options: RandomOptions = {}): Tensor {
  const [lo, hi, opts] = typeof high === 'number' ? [low, high, options] : [0, low, high ?? options];
  return randint(lo, hi, input._shape, { ...opts, dtype: opts.dtype ?? input.dtype });
}

const RANGE_WARNING =
  "torch.range is deprecated and will be removed in a future release because its behavior is inconsistent with Python's range builtin. Instead, use torch.arange, which produces values in [start, end).";

/** `torch.range(start, end, step)`: start + i·step in float64 for i up to (end - start)/step, end included; the default float dtype. */
export function range(start: number, end: number, step: number | TensorOptions = 1, options: TensorOptions = {}): Tensor {
  warn(RANGE_WARNING);
  const [given, opts] = typeof step === 'number' ? [step, options] : [1, step];
  const dtype = opts.dtype === undefined ? get_default_dtype() : toDType(opts.dtype);
  // an integer dtype's accscalar_t is int64: the ends and step are truncated first
  const int = (v: number): number => (isFloating(dtype) || !Number.isFinite(v) ? v : Math.trunc(v));
  [start, end] = [int(start), int(end)];
  const st = int(given);
  if (!(st > 0 || st < 0)) throw new RuntimeError('step must be nonzero');
  if (!Number.isFinite(start) || !Number.isFinite(end)) throw new RuntimeError(`unsupported range: ${rangeNum(start)} -> ${rangeNum(end)}`);
  if (!((st > 0 && end >= start) || (st < 0 && end <= start))) throw new RuntimeError('upper bound and lower bound inconsistent with step sign');
  // NOTE: the kernel's accscalar_t is double for float32 too (acc_type<float, /*is_cuda=*/false>); int64's is int64
  const n = Math.trunc((end - start) / st + 1);
  const data = allocStorage(dtype, n);
  for (let i = 0; i < n; i++) data[i] = castScalar(start + i * st, dtype);
  const out = new Tensor(data, [n]);
  if (opts.requires_grad === true && isFloating(dtype)) out.requires_grad = true;
  return out;
}

/** C++'s ostream spelling of a double in range's error (inf, -inf, nan). */
function rangeNum(v: number): string {
  return Number.isNaN(v) ? 'nan' : String(v).replace('Infinity', 'inf');
}
