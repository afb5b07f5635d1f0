// nn.Parameter: a leaf tensor that requires grad and that a Module registers as trainable.

import { Tensor } from '../tensor/tensor.js';

export class Parameter extends Tensor {
  constructor(data: Tensor, requires_grad = true) {
    super(data._data, data._shape);
    this.requires_grad = requires_grad;
  }

  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}
