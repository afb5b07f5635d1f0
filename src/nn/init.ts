// nn.init as torch/nn/init.py 1.13: fan computation, calculate_gain, and the initialisers, each drawing
// through PyTorch's CPU kernels (uniform_, normal_) from a generator (the default one unless given).

import { no_grad } from '../tensor/autograd/grad_mode.js';
import { fill_ } from '../autograd/ops/inplace.js';
import { ValueError } from '../errors.js';
import { warn } from '../warnings.js';
import type { Generator } from '../random/generator.js';
import { normal_ as normalKernel, uniform_ as uniformKernel } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { erf } from '../math/erf.js';
import { erfinv, erfinvf } from '../math/erfinv.js';

export type Nonlinearity = 'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'conv_transpose1d' | 'conv_transpose2d' | 'conv_transpose3d'
  | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';
export type FanMode = 'fan_in' | 'fan_out';

/** `calculate_gain(nonlinearity, param)`: the recommended gain of init.py's table. */
export function calculate_gain(nonlinearity: Nonlinearity, param?: number): number {
  const linearFns = ['linear', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d'];
  if (linearFns.includes(nonlinearity) || nonlinearity === 'sigmoid') return 1;
  if (nonlinearity === 'tanh') return 5.0 / 3;
  if (nonlinearity === 'relu') return Math.sqrt(2.0);
  if (nonlinearity === 'leaky_relu') {
    const slope = param === undefined ? 0.01 : param;
    if (typeof slope !== 'number' || Number.isNaN(slope)) throw new ValueError(`negative_slope ${slope} not a valid number`);
    return Math.sqrt(2.0 / (1 + slope ** 2));
  }
  if (nonlinearity === 'selu') return 3.0 / 4;
  throw new ValueError(`Unsupported nonlinearity ${String(nonlinearity)}`);
}

/** `_calculate_fan_in_and_fan_out`: fan_in = size(1)·receptive field, fan_out = size(0)·receptive field. */
export function calculateFanInAndFanOut(t: Tensor): [number, number] {
  if (t.ndim < 2) throw new ValueError('Fan in and fan out can not be computed for tensor with fewer than 2 dimensions');
  let receptive = 1;
  for (let i = 2; i < t.ndim; i++) receptive *= t._shape[i];
  return [t._shape[1] * receptive, t._shape[0] * receptive];
}

function correctFan(t: Tensor, mode: FanMode): number {
  if (mode !== 'fan_in' && mode !== 'fan_out') throw new ValueError(`Mode ${String(mode)} not supported, please use one of fan_in, fan_out`);
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  return mode === 'fan_in' ? fanIn : fanOut;
}

export interface InitOptions {
  generator?: Generator;
}

/** Fill with U(a, b) (PyTorch's uniform_ kernel, under no_grad). */
export function uniform_(t: Tensor, a = 0, b = 1, options: InitOptions = {}): Tensor {
  return no_grad(() => uniformKernel(t, a, b, { generator: options.generator }));
}

export function normal_(t: Tensor, mean = 0, std = 1, options: InitOptions = {}): Tensor {
  return no_grad(() => normalKernel(t, mean, std, { generator: options.generator }));
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

/** gain·√(2 / (fan_in + fan_out)); uniform with bound √3·std. */
export function xavier_uniform_(t: Tensor, gain = 1.0, options: InitOptions = {}): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const std = gain * Math.sqrt(2.0 / (fanIn + fanOut));
  const a = Math.sqrt(3.0) * std;
  return uniform_(t, -a, a, options);
}

export function xavier_normal_(t: Tensor, gain = 1.0, options: InitOptions = {}): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const std = gain * Math.sqrt(2.0 / (fanIn + fanOut));
  return normal_(t, 0, std, options);
}

export interface KaimingOptions extends InitOptions {
  a?: number;
  mode?: FanMode;
  nonlinearity?: Nonlinearity;
}

/** gain(nonlinearity, a) / √fan; uniform with bound √3·std. */
export function kaiming_uniform_(t: Tensor, options: KaimingOptions = {}): Tensor {
  if (t._shape.includes(0)) {
    warn('Initializing zero-element tensors is a no-op');
    return t;
  }
  const fan = correctFan(t, options.mode ?? 'fan_in');
  const gain = calculate_gain(options.nonlinearity ?? 'leaky_relu', options.a ?? 0);
  const std = gain / Math.sqrt(fan);
  const bound = Math.sqrt(3.0) * std;
  return uniform_(t, -bound, bound, options);
}

export function kaiming_normal_(t: Tensor, options: KaimingOptions = {}): Tensor {
  if (t._shape.includes(0)) {
    warn('Initializing zero-element tensors is a no-op');
    return t;
  }
  const fan = correctFan(t, options.mode ?? 'fan_in');
  const gain = calculate_gain(options.nonlinearity ?? 'leaky_relu', options.a ?? 0);
  const std = gain / Math.sqrt(fan);
  return normal_(t, 0, std, options);
}

/**
 * `trunc_normal_(t, mean, std, a, b)`: init.py's inverse-CDF method, each step as PyTorch's kernel takes it
 * in the tensor's dtype: uniform_(2l - 1, 2u - 1) with l, u the normal CDF at the bounds (Python's math.erf,
 * glibc's erf), erfinv_ (calc_erfinv), mul_(std·√2), add_(mean), clamp_(a, b).
 */
export function trunc_normal_(t: Tensor, mean = 0, std = 1, a = -2, b = 2, options: InitOptions = {}): Tensor {
  if (mean < a - 2 * std || mean > b + 2 * std) {
    warn('mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The distribution of values may be incorrect.');
  }
  const normCdf = (x: number): number => (1 + erf(x / Math.SQRT2)) / 2;
  const l = normCdf((a - mean) / std);
  const u = normCdf((b - mean) / std);
  return no_grad(() => {
    uniformKernel(t, 2 * l - 1, 2 * u - 1, options);
    const d = t._data;
    const single = t._dtype === 'float32';
    const r = single ? Math.fround : (x: number): number => x;
    const inverse = single ? erfinvf : erfinv;
    const scale = r(std * Math.sqrt(2));
    const m = r(mean);
    const lo = r(a);
    const hi = r(b);
    for (let i = 0; i < d.length; i++) {
      const v = r(r(inverse(d[i]) * scale) + m);
      // std::min(std::max(v, lo), hi): NaN stays, and so does a -0 at a bound of 0
      const above = v < lo ? lo : v;
      d[i] = hi < above ? hi : above;
    }
    t._version.value++;
    return t;
  });
}
