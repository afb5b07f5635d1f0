// The in-place view ops t_, transpose_, squeeze_ and unsqueeze_: the tensor itself takes the view's shape
// and strides, its version is bumped, and its history continues through PyTorch's node for the in-place
// form (TBackward1, TransposeBackward1, SqueezeBackward2/3, UnsqueezeBackward1), whose gradient is the
// inverse view of the incoming one.

import { RuntimeError } from '../../errors.js';
import { is_grad_enabled, no_grad } from '../../tensor/autograd/grad_mode.js';
import { attach } from '../../tensor/autograd/engine.js';
import { normalizeDim } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { at } from './at.js';
import { checkInplace } from './inplace.js';
import { squeeze, t, transpose, unsqueeze } from './shape.js';

const OP_OF: Record<string, string> = {
  TBackward1: 't_',
  TransposeBackward1: 'transpose_',
  SqueezeBackward2: 'squeeze_',
  SqueezeBackward3: 'squeeze_',
  UnsqueezeBackward1: 'unsqueeze_',
};

/**
 * Give `self` the geometry of `view(self)`. Only t_ and transpose_ reorder the values (this library keeps
 * them in logical order); squeeze_ and unsqueeze_ keep the storage.
 */
function inplaceView(self: Tensor, view: (a: Tensor) => Tensor, name: string, grad: (g: Tensor) => Tensor, reorders: boolean): Tensor {
  const record = is_grad_enabled() && self.requires_grad;
  if (record) checkInplace(self);
  // NOTE: a view's geometry into its base is not rewritten: in-place view ops of views are refused
  if (self._base !== null || self._copyViewOf !== null) throw new RuntimeError(`${OP_OF[name]}(): in-place view ops on a view are not supported here`);
  const r = no_grad(() => view(self));
  const data = reorders ? r._data.slice(0, r.numel()) : self._data;
  // the node, recorded on a stand-in of the new geometry while self still has its old history and shape
  const holder = new Tensor(data, r._shape);
  if (record) attach(holder, name, [self], null, [], null, (g) => [grad(g)]);
  self._data = data;
  self._shape = r._shape.slice();
  self._strides = r._strides;
  self._version.value++;
  const node = holder._recordedGradFn;
  if (record && node !== null) self._setGradFn(node);
  return self;
}

/** `x.t_()`: TBackward1. */
export function t_(self: Tensor): Tensor {
  if (self.ndim > 2) throw new RuntimeError(`t_() expects a tensor with <= 2 dimensions, but self is ${self.ndim}D`);
  return inplaceView(self, t, 'TBackward1', (g) => at.t(g), self.ndim === 2);
}

/** `x.transpose_(dim0, dim1)`: TransposeBackward1. */
export function transpose_(self: Tensor, dim0: number, dim1: number): Tensor {
  const nd = Math.max(self.ndim, 1);
  const d0 = normalizeDim(dim0, nd);
  const d1 = normalizeDim(dim1, nd);
  return inplaceView(self, (a) => transpose(a, d0, d1), 'TransposeBackward1', (g) => at.transpose(g, d0, d1), self.ndim >= 2 && d0 !== d1);
}

/** `x.squeeze_()` (SqueezeBackward2) or `x.squeeze_(dim)` (SqueezeBackward3). */
export function squeeze_(self: Tensor, dim?: number): Tensor {
  const shape = self._shape.slice();
  // unsqueeze_to(grad, sizes): an unsqueeze at each size-1 dim (of dim only, for squeeze_(dim))
  const back = (g: Tensor, dims: readonly number[]): Tensor => dims.reduce((acc, d) => (shape[d] === 1 ? at.unsqueeze(acc, d) : acc), g);
  if (dim === undefined) {
    return inplaceView(self, (a) => squeeze(a), 'SqueezeBackward2', (g) => back(g, shape.map((_, d) => d)), false);
  }
  const d = self.ndim === 0 ? normalizeDim(dim, 1) : normalizeDim(dim, self.ndim);
  return inplaceView(self, (a) => squeeze(a, d), 'SqueezeBackward3', (g) => (self.ndim === 0 ? g : back(g, [d])), false);
}

/** `x.unsqueeze_(dim)`: UnsqueezeBackward1. */
export function unsqueeze_(self: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, self.ndim + 1);
  return inplaceView(self, (a) => unsqueeze(a, d), 'UnsqueezeBackward1', (g) => at.squeeze(g, d), false);
}
