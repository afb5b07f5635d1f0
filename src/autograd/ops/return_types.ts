// torch.return_types.<name>: the (values, indices) pair that max/min/median/mode/kthvalue along a dim,
// sort and topk return, as Python's named tuple: destructurable, indexable, with .values / .indices,
// and printed as PyTorch prints it.

import type { Tensor } from '../../tensor/tensor.js';

export class ReturnTypes {
  readonly length = 2;

  constructor(
    /** The op's name: `torch.return_types.${name}`. */
    readonly name: string,
    readonly values: Tensor,
    readonly indices: Tensor,
  ) {}

  get 0(): Tensor {
    return this.values;
  }

  get 1(): Tensor {
    return this.indices;
  }

  *[Symbol.iterator](): Iterator<Tensor> {
    yield this.values;
    yield this.indices;
  }

  toString(): string {
    return `torch.return_types.${this.name}(\nvalues=${String(this.values)},\nindices=${String(this.indices)})`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
