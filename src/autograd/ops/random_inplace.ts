// The in-place random methods (uniform_, normal_, random_, exponential_, bernoulli_) as autograd sees
// them: on a tensor that requires grad each records its node (UniformBackward0, NormalBackward0,
// RandomBackward0/1/2, ExponentialBackward0, BernoulliBackward2), whose gradient is zeros, and bumps the
// version once; the draws are tensor/random.ts's (PyTorch's CPU kernels), made into a fresh tensor and
// written into self as every in-place op writes (views included).

import { allocStorage } from '../../tensor/dtype.js';
import { Tensor } from '../../tensor/tensor.js';
import { bernoulli_ as bernoulliDraw, exponential_ as exponentialDraw, normal_ as normalDraw, random_ as randomDraw, uniform_ as uniformDraw, type GeneratorOption } from '../../tensor/random.js';
import { applyInplace, zeroGradResult } from './inplace.js';

/** self filled by `draw` (which fills a fresh tensor of self's shape and dtype), recorded as `name`. */
function drawInto(self: Tensor, name: string, draw: (fresh: Tensor) => void): Tensor {
  return applyInplace(
    self,
    null,
    (a) => {
      const out = new Tensor(allocStorage(a._dtype, a.numel()), a._shape);
      draw(out);
      return zeroGradResult(a, out, name);
    },
    { internal: false },
  );
}

export function uniform_(self: Tensor, from = 0, to = 1, options: GeneratorOption = {}): Tensor {
  return drawInto(self, 'UniformBackward0', (t) => uniformDraw(t, from, to, options));
}

export function normal_(self: Tensor, mean = 0, std = 1, options: GeneratorOption = {}): Tensor {
  return drawInto(self, 'NormalBackward0', (t) => normalDraw(t, mean, std, options));
}

/** random_() is RandomBackward2, random_(to) RandomBackward1, random_(from, to) RandomBackward0. */
export function random_(self: Tensor, from?: number, to?: number, options: GeneratorOption = {}): Tensor {
  const name = from === undefined ? 'RandomBackward2' : to === undefined ? 'RandomBackward1' : 'RandomBackward0';
  return drawInto(self, name, (t) => randomDraw(t, from, to, options));
}

export function exponential_(self: Tensor, lambd = 1, options: GeneratorOption = {}): Tensor {
  return drawInto(self, 'ExponentialBackward0', (t) => exponentialDraw(t, lambd, options));
}

export function bernoulli_(self: Tensor, p = 0.5, options: GeneratorOption = {}): Tensor {
  return drawInto(self, 'BernoulliBackward2', (t) => bernoulliDraw(t, p, options));
}
