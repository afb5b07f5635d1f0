// nn.init: in-place initialisers drawing from a generator (the default one unless given).

import { no_grad } from '../tensor/autograd/grad_mode.js';
import { fill_ } from '../autograd/ops/inplace.js';
import { default_generator } from '../random/generator.js';
import type { RandomSource } from '../random/source.js';
import type { Tensor } from '../tensor/tensor.js';

/** Fill with U(a, b): a + (b - a)·u, one draw per element in row-major order. */
export function uniform_(t: Tensor, a = 0, b = 1, generator: RandomSource = default_generator): Tensor {
  no_grad(() => {
    const d = t._data;
    for (let i = 0; i < d.length; i++) d[i] = a + (b - a) * generator.random();
    t._version.value++;
  });
  return t;
}

export function normal_(t: Tensor, mean = 0, std = 1, generator: RandomSource = default_generator): Tensor {
  no_grad(() => {
    const d = t._data;
    for (let i = 0; i < d.length; i++) d[i] = mean + std * generator.normal();
    t._version.value++;
  });
  return t;
}

export function constant_(t: Tensor, value: number): Tensor {
  no_grad(() => fill_(t, value));
  return t;
}

export function zeros_(t: Tensor): Tensor {
  return constant_(t, 0);
}

export function ones_(t: Tensor): Tensor {
  return constant_(t, 1);
}
