// In-place ops: zero_, fill_, copy_, add_, sub_, mul_, div_. They bump the version counter so that a
// backward reading an overwritten value fails loudly, and refuse leaves that require grad.

import { RuntimeError } from '../../errors.js';
import { castScalar } from '../../tensor/dtype.js';
import { broadcastShapes, sameShape, shapeStr } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { attach, shouldRecord } from '../../tensor/autograd/engine.js';
import { is_grad_enabled, no_grad } from '../../tensor/autograd/grad_mode.js';
import { expandTo } from '../../tensor/kernels.js';

export const LEAF_INPLACE_MESSAGE = 'a leaf Variable that requires grad is being used in an in-place operation.';

function checkInplace(self: Tensor): void {
  if (is_grad_enabled() && self.requires_grad && self.is_leaf) throw new RuntimeError(LEAF_INPLACE_MESSAGE);
}

/** A tensor with a copy of `self`'s current values and its current place in the graph. */
function snapshot(self: Tensor): Tensor {
  const s = new Tensor(self._data.slice(), self.shape);
  if (self.grad_fn !== null) s._setGradFn(self.grad_fn);
  return s;
}

/**
 * Run the out-of-place `op(self, other)` and write its result into `self`. When a graph is recorded,
 * the op reads a snapshot of `self`, and `self` takes over the result's grad_fn (PyTorch's rebase).
 */
export function applyInplace(self: Tensor, other: Tensor | null, op: (a: Tensor, b: Tensor | null) => Tensor): Tensor {
  checkInplace(self);
  const record = shouldRecord(self, other);
  const result = record ? op(snapshot(self), other) : no_grad(() => op(self, other));
  if (!sameShape(result.shape, self.shape)) {
    throw new RuntimeError(`output with shape ${shapeStr(self.shape)} doesn't match the broadcast shape ${shapeStr(result.shape)}`);
  }
  self._data.set(result._data);
  self._version.value++;
  if (record && result.grad_fn !== null) self._setGradFn(result.grad_fn);
  return self;
}

export function fill_(self: Tensor, value: number): Tensor {
  checkInplace(self);
  self._data.fill(castScalar(value, self.dtype));
  self._version.value++;
  if (self.grad_fn !== null && is_grad_enabled()) {
    attach(self, 'FillBackward0', [], () => []); // the old history gets no gradient
  }
  return self;
}

export function zero_(self: Tensor): Tensor {
  return fill_(self, 0);
}

/** Copy `src` (broadcast to self's shape, converted to self's dtype) into `self`. */
export function copy_(self: Tensor, src: Tensor): Tensor {
  checkInplace(self);
  broadcastShapes(self.shape, src.shape);
  if (!sameShape(broadcastShapes(self.shape, src.shape), self.shape)) {
    throw new RuntimeError(`output with shape ${shapeStr(self.shape)} doesn't match the broadcast shape ${shapeStr(src.shape)}`);
  }
  expandTo(src._data, src.shape, self.shape, self._data);
  self._version.value++;
  if (shouldRecord(src)) {
    attach(self, 'CopyBackwards', [src], (g) => [g], [], [self.shape]);
  } else if (self.grad_fn !== null) {
    self.detach_();
  }
  return self;
}
