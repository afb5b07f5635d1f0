// nn.Dropout and F.dropout as PyTorch 1.13 runs them on the CPU (aten/src/ATen/native/Dropout.cpp,
// _dropout): noise = bernoulli_(1 - p) (one 53-bit uniform per element from the generator, in order),
// noise /= 1 - p, output = input * noise (MulBackward0); the input itself when not training or p = 0.

import { div_, mul, mul_ } from '../autograd/ops/arithmetic.js';
import { ValueError } from '../errors.js';
import type { Generator } from '../random/generator.js';
import { zeros, zeros_like } from '../tensor/factories.js';
import { bernoulli_ } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { hyperRepr, pyBool } from './hyper.js';
import { Module } from './module.js';

/** PyTorch's check (`p < 0 or p > 1`: a NaN passes here and fails in bernoulli_, as there). */
function checkP(p: number): void {
  if (p < 0 || p > 1) throw new ValueError(`dropout probability has to be between 0 and 1, but got ${hyperRepr(p, true, '')}`);
}

/** `F.dropout(input, p=0.5, training=True, inplace=False)`, drawing from `generator` (the default one unless given). */
export function dropout(input: Tensor, p = 0.5, training = true, inplace = false, generator?: Generator): Tensor {
  checkP(p);
  if (p === 0 || !training || input.numel() === 0) return input;
  if (p === 1) {
    const zero = zeros([], { dtype: input.dtype });
    return inplace ? mul_(input, zero) : mul(input, zero);
  }
  const noise = zeros_like(input);
  bernoulli_(noise, 1 - p, generator === undefined ? {} : { generator });
  div_(noise, 1 - p);
  return inplace ? mul_(input, noise) : mul(input, noise);
}

export interface DropoutOptions {
  p?: number;
  inplace?: boolean;
  /** Where the masks are drawn from (PyTorch's nn.Dropout always uses the default generator). */
  generator?: Generator;
}

/** Zeroes each element with probability p in training mode and scales the rest by 1/(1 - p); identity in eval mode. */
export class Dropout extends Module {
  static override readonly __module__ = 'torch.nn.modules.dropout';
  readonly p: number;
  readonly inplace: boolean;
  readonly generator: Generator | undefined;
  private readonly pGiven: boolean;

  constructor(options: DropoutOptions = {}) {
    super();
    const p = options.p ?? 0.5;
    checkP(p);
    this.p = p;
    this.pGiven = options.p !== undefined;
    this.inplace = options.inplace ?? false;
    this.generator = options.generator;
  }

  forward(input: Tensor): Tensor {
    return dropout(input, this.p, this.training, this.inplace, this.generator);
  }

  override extra_repr(): string {
    return `p=${hyperRepr(this.p, this.pGiven, '0.5')}, inplace=${pyBool(this.inplace)}`;
  }
}
