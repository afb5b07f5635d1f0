// Small ops of the Tensor API that read a tensor or hand it back (torch.numel, is_tensor, element_size,
// is_complex, cpu, positive) and ravel, the contiguous copy-or-view PyTorch spells as one call.

import { RuntimeError } from '../../errors.js';
import { allocStorage, type DType } from '../../tensor/dtype.js';
import { isContiguousStrides } from '../../tensor/strided.js';
import { Tensor } from '../../tensor/tensor.js';
import { clone, view } from './shape.js';
import { virtualStrides } from './strides.js';

/** `torch.numel(input)`: the element count. */
export function numel(input: Tensor): number {
  return input.numel();
}

/** `torch.is_tensor(obj)`: whether obj is a Tensor. */
export function is_tensor(obj: unknown): boolean {
  return obj instanceof Tensor;
}

/** `x.element_size()`: bytes per element, the width of the dtype's storage (bool: 1, int64: 8). */
export function element_size(input: Tensor): number {
  return allocStorage(input._dtype as DType, 0).BYTES_PER_ELEMENT;
}

/** `x.is_complex()`: no complex dtypes here. */
export function is_complex(_input: Tensor): boolean {
  return false;
}

/** `x.cpu()`: every tensor lives on the CPU, so x itself (as PyTorch returns self). */
export function cpu(input: Tensor): Tensor {
  return input;
}

/** `torch.positive(x)`: x itself (no node), bool refused as PyTorch refuses unary +. */
export function positive(input: Tensor): Tensor {
  if (input._dtype === 'bool') throw new RuntimeError('The `+` operator, on a bool tensor is not supported.');
  return input;
}

/** `torch.ravel(x)`: contiguous().view(-1), a view when x is contiguous, else CloneBackward0 then ViewBackward0. */
export function ravel(input: Tensor): Tensor {
  if (isContiguousStrides(input._shape, virtualStrides(input))) return view(input, [-1]);
  const copy = clone(input);
  copy._strides = null;
  return view(copy, [-1]);
}
