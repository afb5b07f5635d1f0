// nn.Linear: y = x Wᵀ + b with PyTorch's default initialisation.

import { linear } from '../autograd/ops/nn.js';
import { ValueError } from '../errors.js';
import type { Generator } from '../random/generator.js';
import { get_default_dtype, type DTypeArg } from '../tensor/dtype.js';
import { zeros } from '../tensor/factories.js';
import type { Tensor } from '../tensor/tensor.js';
import { calculateFanInAndFanOut, kaiming_uniform_, uniform_ } from './init.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';

export interface LinearOptions {
  bias?: boolean;
  dtype?: DTypeArg;
  generator?: Generator;
}

export class Linear extends Module {
  static override readonly __module__ = 'torch.nn.modules.linear';
  readonly in_features: number;
  readonly out_features: number;
  declare weight: Parameter;
  declare bias: Parameter | null;

  constructor(in_features: number, out_features: number, options: LinearOptions = {}) {
    super();
    for (const [name, v] of [['in_features', in_features], ['out_features', out_features]] as const) {
      if (!Number.isInteger(v) || v < 0) throw new ValueError(`Linear: ${name} must be a non-negative integer, got ${v}`);
    }
    this.in_features = in_features;
    this.out_features = out_features;
    const dtype = options.dtype ?? get_default_dtype();
    this.weight = new Parameter(zeros(out_features, in_features, { dtype }));
    if (options.bias === false) this.register_parameter('bias', null);
    else this.bias = new Parameter(zeros(out_features, { dtype }));
    this.reset_parameters(options.generator);
  }

  /**
   * torch/nn/modules/linear.py: kaiming_uniform_(weight, a=√5), i.e. U(±1/√fan_in) drawn from the bound
   * √3·gain/√fan_in as init.py computes it, then the bias from U(±1/√fan_in); the weight is drawn first.
   */
  reset_parameters(generator?: Generator): void {
    const options = generator === undefined ? {} : { generator };
    kaiming_uniform_(this.weight, { a: Math.sqrt(5), ...options });
    if (this.bias !== null) {
      const [fanIn] = calculateFanInAndFanOut(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      uniform_(this.bias, -bound, bound, options);
    }
  }

  forward(input: Tensor): Tensor {
    return linear(input, this.weight, this.bias);
  }

  override extra_repr(): string {
    return `in_features=${this.in_features}, out_features=${this.out_features}, bias=${this.bias !== null ? 'True' : 'False'}`;
  }
}

/** nn.Identity: its input, unchanged (the same tensor); constructor arguments are accepted and ignored. */
export class Identity extends Module {
  static override readonly __module__ = 'torch.nn.modules.linear';

  constructor(..._args: unknown[]) {
    super();
  }

  forward(input: Tensor): Tensor {
    return input;
  }
}
