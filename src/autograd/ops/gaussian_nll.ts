// F.gaussian_nll_loss, PyTorch 1.13's Python composite: 0.5·(log(var) + (input - target)²/var)
// (+ 0.5·log(2π) with full), var cloned and clamped at eps without recording the clamp.

import { ValueError } from '../../errors.js';
import { castScalar } from '../../tensor/dtype.js';
import { sameShape } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { no_grad } from '../../tensor/autograd/grad_mode.js';
import { add, add_, div, mul, sub } from './arithmetic.js';
import { applyUnary, powScalar } from './elementwise.js';
import type { Reduction } from './loss_common.js';
import { mean, sum } from './reduce.js';
import { clone, unsqueeze } from './shape.js';
import { unaryOps } from './unary.js';

/** Python's `0.5 * math.log(2 * math.pi)` (glibc's log; V8's Math.log differs in the last bit). */
const HALF_LOG_2PI = 0.9189385332046727;

export interface GaussianNLLOptions {
  full?: boolean;
  eps?: number;
  reduction?: Reduction;
}

/** var broadcast against input: the same shape, input's shape without its last dim (unsqueezed), or that with a last dim of 1. */
function matchedVar(input: Tensor, v: Tensor): Tensor {
  if (sameShape(v._shape, input._shape)) return v;
  const lead = input._shape.slice(0, -1);
  if (sameShape(lead, v._shape)) return unsqueeze(v, -1);
  if (v.ndim > 0 && sameShape(lead, v._shape.slice(0, -1)) && v._shape[v.ndim - 1] === 1) return v;
  throw new ValueError('var is of incorrect size');
}

/** The Gaussian negative log likelihood of `target` under means `input` and variances `var`. */
export function gaussian_nll_loss(input: Tensor, target: Tensor, variance: Tensor, options: GaussianNLLOptions = {}): Tensor {
  const reduction = options.reduction ?? 'mean';
  const eps = options.eps ?? 1e-6;
  let v = matchedVar(input, variance);
  if (reduction !== 'none' && reduction !== 'mean' && reduction !== 'sum') throw new ValueError(`${String(reduction)} is not valid`);
  if (v._data.some((x) => x < 0)) throw new ValueError('var has negative entry/entries');
  v = clone(v);
  const floor = castScalar(eps, v._dtype);
  no_grad(() => {
    // var.clamp_(min=eps): NaN stays NaN
    const d = v._data;
    for (let i = 0; i < d.length; i++) if (d[i] < floor) d[i] = floor;
    v._version.value++;
  });
  let loss = mul(add(applyUnary(unaryOps.log, v), div(powScalar(sub(input, target), 2), v)), 0.5);
  if (options.full === true) loss = add_(loss, HALF_LOG_2PI);
  return reduction === 'mean' ? mean(loss) : reduction === 'sum' ? sum(loss) : loss;
}
