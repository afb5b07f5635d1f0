// nn.Flatten and nn.Unflatten (torch/nn/modules/flatten.py).

import { flatten, unflatten } from '../autograd/ops/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';

export class Flatten extends Module {
  static override readonly __module__ = 'torch.nn.modules.flatten';
  readonly start_dim: number;
  readonly end_dim: number;

  /** `Flatten(start_dim, end_dim)` positionally, as the tutorials write `Flatten(0, 1)`, or `Flatten({ start_dim, end_dim })`. */
  constructor(start_dim?: number | { start_dim?: number; end_dim?: number }, end_dim?: number) {
    super();
    const options = typeof start_dim === 'object' ? start_dim : { start_dim, end_dim };
    this.start_dim = options.start_dim ?? 1;
    this.end_dim = options.end_dim ?? -1;
  }

  forward(input: Tensor): Tensor {
    return flatten(input, this.start_dim, this.end_dim);
  }

  override extra_repr(): string {
    return `start_dim=${this.start_dim}, end_dim=${this.end_dim}`;
  }
}

/** `Unflatten(dim, unflattened_size)`: dim split into the sizes (PyTorch's tuple prints as one). */
export class Unflatten extends Module {
  static override readonly __module__ = 'torch.nn.modules.flatten';
  readonly dim: number;
  readonly unflattened_size: readonly number[];

  constructor(dim: number, unflattened_size: readonly number[]) {
    super();
    this.dim = dim;
    this.unflattened_size = [...unflattened_size];
  }

  forward(input: Tensor): Tensor {
    return unflatten(input, this.dim, this.unflattened_size);
  }

  override extra_repr(): string {
    const s = this.unflattened_size;
    return `dim=${this.dim}, unflattened_size=(${s.join(', ')}${s.length === 1 ? ',' : ''})`;
  }
}
