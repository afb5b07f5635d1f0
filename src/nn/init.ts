// nn.init as torch/nn/init.py 1.13: fan computation, calculate_gain, and the initialisers, each drawing
// through PyTorch's CPU kernels (uniform_, normal_) from a generator (the default one unless given).

import { no_grad } from '../tensor/autograd/grad_mode.js';
import { fill_ } from '../autograd/ops/inplace.js';
import { ValueError } from '../errors.js';
import { warn } from '../warnings.js';
import type { Generator } from '../random/generator.js';
import { normal_ as normalKernel, uniform_ as uniformKernel } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';

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
  for (let i = 2; i < t.ndim; i++) receptive *= t.shape[i];
  return [t.shape[1] * receptive, t.shape[0] * receptive];
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
  if (t.shape.includes(0)) {
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
  if (t.shape.includes(0)) {
    warn('Initializing zero-element tensors is a no-op');
    return t;
  }
  const fan = correctFan(t, options.mode ?? 'fan_in');
  const gain = calculate_gain(options.nonlinearity ?? 'leaky_relu', options.a ?? 0);
  const std = gain / Math.sqrt(fan);
  return normal_(t, 0, std, options);
}

/**
 * `trunc_normal_(t, mean, std, a, b)`: init.py's inverse-CDF method: uniform_(2l - 1, 2u - 1), erfinv_,
 * mul_(std·√2), add_(mean), clamp_(a, b), each step in the tensor's dtype.
 */
export function trunc_normal_(t: Tensor, mean = 0, std = 1, a = -2, b = 2, options: InitOptions = {}): Tensor {
  const normCdf = (x: number): number => (1 + erf(x / Math.SQRT2)) / 2;
  const l = normCdf((a - mean) / std);
  const u = normCdf((b - mean) / std);
  return no_grad(() => {
    uniformKernel(t, 2 * l - 1, 2 * u - 1, options);
    const d = t._data;
    const r = t.dtype === 'float32' ? Math.fround : (x: number): number => x;
    const scale = r(std * Math.sqrt(2));
    const m = r(mean);
    for (let i = 0; i < d.length; i++) {
      const v = r(r(r(erfinv(d[i])) * scale) + m);
      d[i] = Math.min(Math.max(v, r(a)), r(b));
    }
    t._version.value++;
    return t;
  });
}

/** math.erf (Python's libm erf): Abramowitz–Stegun is not enough; this is W. J. Cody's rational form via erfc. */
function erf(x: number): number {
  // NOTE: only the truncation bounds use erf, in float64 as Python's math.erf does; a last-ulp difference
  // changes a bound by 1e-16 relative, below float32 resolution of the draws
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const y = 1 - t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
    + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? y : -y;
}

/** erfinv as PyTorch's calc_erfinv: a rational first guess, then two Newton steps. */
function erfinv(y: number): number {
  if (y === 1) return Infinity;
  if (y === -1) return -Infinity;
  if (!(Math.abs(y) < 1)) return NaN;
  const a = [0.886226899, -1.645349621, 0.914624893, -0.140543331];
  const b = [-2.118377725, 1.442710462, -0.329097515, 0.012229801];
  const c = [-1.970840454, -1.624906493, 3.429567803, 1.641345311];
  const d = [3.543889200, 1.637067800];
  let x: number;
  if (Math.abs(y) <= 0.7) {
    const z = y * y;
    x = y * (((a[3] * z + a[2]) * z + a[1]) * z + a[0]) / ((((b[3] * z + b[2]) * z + b[1]) * z + b[0]) * z + 1);
  } else {
    const z = Math.sqrt(-Math.log((1 - Math.abs(y)) / 2));
    x = (Math.sign(y) * (((c[3] * z + c[2]) * z + c[1]) * z + c[0])) / ((d[1] * z + d[0]) * z + 1);
  }
  const k = 2 / Math.sqrt(Math.PI);
  x -= (erf(x) - y) / (k * Math.exp(-x * x));
  x -= (erf(x) - y) / (k * Math.exp(-x * x));
  return x;
}
