// Activation modules (torch/nn/modules/activation.py): each forward is the nn.functional op, each repr
// PyTorch's (`LeakyReLU(negative_slope=0.01)`, `GELU(approximate='none')`, `ReLU(inplace=True)`).

import { AssertionError } from '../errors.js';
import { elu, gelu, leaky_relu, silu, softplus, type GeluApproximate } from '../autograd/ops/activations.js';
import { celu, hardsigmoid, hardswish, hardtanh, logsigmoid, mish, relu6, selu, softmin, softsign } from '../autograd/ops/activations_more.js';
import { registry } from '../autograd/ops/registry.js';
import type { Tensor } from '../tensor/tensor.js';
import { log_softmax, softmax } from './functional.js';
import { hyperRepr } from './hyper.js';
import { Module } from './module.js';

const PATH = 'torch.nn.modules.activation';
const inplaceRepr = (inplace: boolean): string => (inplace ? 'inplace=True' : '');

export class ReLU extends Module {
  static override readonly __module__ = PATH;
  readonly inplace: boolean;

  constructor(options: { inplace?: boolean } = {}) {
    super();
    this.inplace = options.inplace ?? false;
  }

  forward(input: Tensor): Tensor {
    return this.inplace ? registry.relu.inplace(input) : registry.relu.fn(input);
  }

  override extra_repr(): string {
    return inplaceRepr(this.inplace);
  }
}

export class LeakyReLU extends Module {
  static override readonly __module__ = PATH;
  readonly negative_slope: number;
  readonly inplace: boolean;
  private readonly slopeGiven: boolean;

  constructor(options: { negative_slope?: number; inplace?: boolean } = {}) {
    super();
    this.negative_slope = options.negative_slope ?? 0.01;
    this.slopeGiven = options.negative_slope !== undefined;
    this.inplace = options.inplace ?? false;
  }

  forward(input: Tensor): Tensor {
    return leaky_relu(input, this.negative_slope, this.inplace);
  }

  override extra_repr(): string {
    return `negative_slope=${hyperRepr(this.negative_slope, this.slopeGiven, '0.01')}${this.inplace ? ', inplace=True' : ''}`;
  }
}

export class Tanh extends Module {
  static override readonly __module__ = PATH;

  forward(input: Tensor): Tensor {
    return registry.tanh.fn(input);
  }
}

export class Sigmoid extends Module {
  static override readonly __module__ = PATH;

  forward(input: Tensor): Tensor {
    return registry.sigmoid.fn(input);
  }
}

export class Softplus extends Module {
  static override readonly __module__ = PATH;
  readonly beta: number;
  readonly threshold: number;
  private readonly given: { beta: boolean; threshold: boolean };

  constructor(options: { beta?: number; threshold?: number } = {}) {
    super();
    this.beta = options.beta ?? 1;
    this.threshold = options.threshold ?? 20;
    this.given = { beta: options.beta !== undefined, threshold: options.threshold !== undefined };
  }

  forward(input: Tensor): Tensor {
    return softplus(input, this.beta, this.threshold);
  }

  override extra_repr(): string {
    return `beta=${hyperRepr(this.beta, this.given.beta, '1')}, threshold=${hyperRepr(this.threshold, this.given.threshold, '20')}`;
  }
}

export class GELU extends Module {
  static override readonly __module__ = PATH;
  readonly approximate: GeluApproximate;

  /** NOTE: like PyTorch, a bad `approximate` is refused by forward, not here. */
  constructor(options: { approximate?: GeluApproximate } = {}) {
    super();
    this.approximate = options.approximate ?? 'none';
  }

  forward(input: Tensor): Tensor {
    return gelu(input, { approximate: this.approximate });
  }

  override extra_repr(): string {
    return `approximate='${this.approximate}'`;
  }
}

/** ELU and CELU: an `alpha` (1.0 by default) and `inplace`, printed as PyTorch prints them. */
abstract class AlphaActivation extends Module {
  readonly alpha: number;
  readonly inplace: boolean;
  private readonly alphaGiven: boolean;

  constructor(options: { alpha?: number; inplace?: boolean } = {}) {
    super();
    this.alpha = options.alpha ?? 1.0;
    this.alphaGiven = options.alpha !== undefined;
    this.inplace = options.inplace ?? false;
  }

  override extra_repr(): string {
    return `alpha=${hyperRepr(this.alpha, this.alphaGiven, '1.0')}${this.inplace ? ', inplace=True' : ''}`;
  }
}

export class ELU extends AlphaActivation {
  static override readonly __module__ = PATH;

  forward(input: Tensor): Tensor {
    return elu(input, this.alpha, this.inplace);
  }
}

export class SiLU extends Module {
  static override readonly __module__ = PATH;
  readonly inplace: boolean;

  constructor(options: { inplace?: boolean } = {}) {
    super();
    this.inplace = options.inplace ?? false;
  }

  forward(input: Tensor): Tensor {
    return silu(input, this.inplace);
  }

  override extra_repr(): string {
    return inplaceRepr(this.inplace);
  }
}


/** Softmax({ dim }): F.softmax along dim (PyTorch's implicit choice, with its warning, when dim is null). */
export class Softmax extends Module {
  static override readonly __module__ = PATH;
  readonly dim: number | null;

  constructor(options: { dim?: number | null } = {}) {
    super();
    this.dim = options.dim ?? null;
  }

  forward(input: Tensor): Tensor {
    return softmax(input, this.dim);
  }

  override extra_repr(): string {
    return `dim=${this.dim === null ? 'None' : this.dim}`;
  }
}

/** LogSoftmax({ dim }): F.log_softmax along dim (PyTorch's implicit choice, with its warning, when dim is null). */
export class LogSoftmax extends Module {
  static override readonly __module__ = PATH;
  readonly dim: number | null;

  constructor(options: { dim?: number | null } = {}) {
    super();
    this.dim = options.dim ?? null;
  }

  forward(input: Tensor): Tensor {
    return log_softmax(input, this.dim);
  }

  override extra_repr(): string {
    return `dim=${this.dim === null ? 'None' : this.dim}`;
  }
}

/** An activation with only an `inplace` flag, printed as PyTorch prints it (ReLU6, SELU, Mish: `inplace=True`). */
abstract class InplaceActivation extends Module {
  readonly inplace: boolean;

  constructor(options: { inplace?: boolean } = {}) {
    super();
    this.inplace = options.inplace ?? false;
  }

  override extra_repr(): string {
    return inplaceRepr(this.inplace);
  }
}

export class ReLU6 extends InplaceActivation {
  static override readonly __module__ = PATH;

  forward(input: Tensor): Tensor {
    return relu6(input, this.inplace);
  }
}

export class SELU extends InplaceActivation {
  static override readonly __module__ = PATH;

  forward(input: Tensor): Tensor {
    return selu(input, this.inplace);
  }
}

export class Mish extends InplaceActivation {
  static override readonly __module__ = PATH;

  forward(input: Tensor): Tensor {
    return mish(input, this.inplace);
  }
}

/** Hardsigmoid and Hardswish keep `inplace` but, as in PyTorch, print no extra_repr. */
export class Hardsigmoid extends InplaceActivation {
  static override readonly __module__ = PATH;

  forward(input: Tensor): Tensor {
    return hardsigmoid(input, this.inplace);
  }

  override extra_repr(): string {
    return '';
  }
}

export class Hardswish extends InplaceActivation {
  static override readonly __module__ = PATH;

  forward(input: Tensor): Tensor {
    return hardswish(input, this.inplace);
  }

  override extra_repr(): string {
    return '';
  }
}

export class CELU extends AlphaActivation {
  static override readonly __module__ = PATH;

  forward(input: Tensor): Tensor {
    return celu(input, this.alpha, this.inplace);
  }
}

export class Hardtanh extends Module {
  static override readonly __module__ = PATH;
  readonly min_val: number;
  readonly max_val: number;
  readonly inplace: boolean;
  private readonly given: { min: boolean; max: boolean };

  constructor(options: { min_val?: number; max_val?: number; inplace?: boolean } = {}) {
    super();
    this.min_val = options.min_val ?? -1.0;
    this.max_val = options.max_val ?? 1.0;
    this.inplace = options.inplace ?? false;
    this.given = { min: options.min_val !== undefined, max: options.max_val !== undefined };
    // NOTE: PyTorch's own check is a bare `assert self.max_val > self.min_val`
    if (!(this.max_val > this.min_val)) throw new AssertionError('');
  }

  forward(input: Tensor): Tensor {
    return hardtanh(input, this.min_val, this.max_val, this.inplace);
  }

  override extra_repr(): string {
    const min = hyperRepr(this.min_val, this.given.min, '-1.0');
    const max = hyperRepr(this.max_val, this.given.max, '1.0');
    return `min_val=${min}, max_val=${max}${this.inplace ? ', inplace=True' : ''}`;
  }
}

export class Softsign extends Module {
  static override readonly __module__ = PATH;

  forward(input: Tensor): Tensor {
    return softsign(input);
  }
}

export class LogSigmoid extends Module {
  static override readonly __module__ = PATH;

  forward(input: Tensor): Tensor {
    return logsigmoid(input);
  }
}

/** Softmin({ dim }): F.softmin along dim (softmax's implicit choice, with its warning, when dim is null). */
export class Softmin extends Module {
  static override readonly __module__ = PATH;
  readonly dim: number | null;

  constructor(options: { dim?: number | null } = {}) {
    super();
    this.dim = options.dim ?? null;
  }

  forward(input: Tensor): Tensor {
    return softmin(input, this.dim);
  }

  override extra_repr(): string {
    return `dim=${this.dim === null ? 'None' : this.dim}`;
  }
}
