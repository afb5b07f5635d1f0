// torch.nn.functional's further activations as PyTorch 1.13's CPU kernels compute them
// (aten/src/ATen/native/cpu/Activation.cpp): hardtanh and relu6 (clamp's arithmetic, HardtanhBackward0),
// selu and celu (elu's kernel with a scale and an input scale), mish, hardsigmoid, hardswish, logsigmoid
// (with its buffer), and the Python composites softsign (DivBackward0) and softmin (SoftmaxBackward0 of -x).

import { RuntimeError } from '../../errors.js';
import { allocStorage, castScalar, dtypeOf, isFloating, scalarTypeName, type DType } from '../../tensor/dtype.js';
import { Tensor } from '../../tensor/tensor.js';
import { attach, shouldRecord } from '../../tensor/autograd/engine.js';
import { is_grad_enabled } from '../../tensor/autograd/grad_mode.js';
import { eluSpec, F32_VECTOR, F64_VECTOR, inplaceOr, type ActivationSpec, type Arith, type EluParams } from './activations.js';
import { add, div } from './arithmetic.js';
import { applyUnary } from './elementwise.js';
import { applyInplace } from './inplace.js';
import { at, maskOf } from './at.js';
import { implicitDim, softmax } from './softmax.js';
import { unaryOps } from './unary.js';

/** `"<kernel>" not implemented for 'Long'`: the kernels dispatch on floating types only. */
function floatOnly(x: Tensor, kernel: string): void {
  const dtype = dtypeOf(x._data);
  if (!isFloating(dtype)) throw new RuntimeError(`"${kernel}" not implemented for '${scalarTypeName(dtype)}'`);
}

// ---- hardtanh, relu6 ----

/**
 * hardtanh: std::min(std::max(x, min), max) (clamp's kernel); its backward is 0 outside (min, max):
 * the scalar lambda tests `x <= min || x >= max`, the vector one `x > min && x < max`, so a NaN passes
 * its gradient in the scalar tail and gives 0 in vector lanes.
 */
function hardtanhSpec(lo: number, hi: number): ActivationSpec {
  const inside = (k: Arith, v: number): boolean => (k.vector ? v > k.r(lo) && v < k.r(hi) : !(v <= k.r(lo) || v >= k.r(hi)));
  return {
    name: 'HardtanhBackward0',
    forward: (k, x) => {
      const max = k.r(x < k.r(lo) ? lo : x);
      return k.r(hi) < max ? k.r(hi) : max;
    },
    backward: (k, g, x) => (inside(k, x) ? g : 0),
    // NOTE: hardtanh_ saves self (the original values, cloned), not its result: later in-place changes of the
    // result do not invalidate it
    saves: 'input',
    double: { name: 'HardtanhBackwardBackward0', self: (gg) => at.zerosLike(gg) },
  };
}

/** hardtanh of an integer tensor: the bounds as integers (toLong), no graph. */
function hardtanhIntegral(x: Tensor, dtype: DType, lo: number, hi: number): Tensor {
  const l = Math.trunc(lo);
  const h = Math.trunc(hi);
  if (dtype === 'uint8' && (l < 0 || h < 0)) throw new RuntimeError('cannot do hardtanh on an unsigned type with negative limits');
  const X = x._data;
  const out = allocStorage(dtype, X.length);
  for (let i = 0; i < X.length; i++) {
    const max = X[i] < l ? l : X[i];
    out[i] = castScalar(h < max ? h : max, dtype);
  }
  return new Tensor(out, x._shape);
}

function hardtanhOp(input: Tensor, lo: number, hi: number, inplace: boolean): Tensor {
  const dtype = dtypeOf(input._data);
  if (dtype === 'bool') throw new RuntimeError('Bool inputs not supported for hardtanh');
  if (!isFloating(dtype)) {
    return inplace ? applyInplace(input, null, (a) => hardtanhIntegral(a, dtype, lo, hi)) : hardtanhIntegral(input, dtype, lo, hi);
  }
  return inplaceOr(input, inplace, hardtanhSpec(lo, hi));
}

/** `F.hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False)`. */
export function hardtanh(input: Tensor, min_val = -1.0, max_val = 1.0, inplace = false): Tensor {
  return hardtanhOp(input, min_val, max_val, inplace);
}

/** `F.hardtanh_(input, min_val=-1.0, max_val=1.0)`. */
export function hardtanh_(input: Tensor, min_val = -1.0, max_val = 1.0): Tensor {
  return hardtanhOp(input, min_val, max_val, true);
}

/** `F.relu6(input, inplace=False)`: ATen's hardtanh(input, 0, 6). */
export function relu6(input: Tensor, inplace = false): Tensor {
  return hardtanhOp(input, 0, 6, inplace);
}

// ---- selu, celu ----

/** torch/nn/functional.py's (and ATen's) SELU constants. */
const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;
const SELU: EluParams = { alpha: SELU_ALPHA, scale: SELU_SCALE, inputScale: 1, names: ['EluBackward0', 'EluBackward1'] };

function seluOp(input: Tensor, inplace: boolean): Tensor {
  floatOnly(input, 'elu_cpu');
  return inplaceOr(input, inplace, eluSpec(SELU, inplace));
}

/** `F.selu(input, inplace=False)`: elu with SELU's α and scale (EluBackward0, in place EluBackward1). */
export function selu(input: Tensor, inplace = false): Tensor {
  return seluOp(input, inplace);
}

/** `torch.selu_(input)`. */
export function selu_(input: Tensor): Tensor {
  return seluOp(input, true);
}

function celuOp(input: Tensor, alpha: number, inplace: boolean): Tensor {
  if (alpha === 0) throw new RuntimeError('ZeroDivisionError: alpha cannot be 0 for CELU');
  floatOnly(input, 'elu_cpu');
  // NOTE: the forward's input scale is 1/α in double, derivatives.yaml's is 1.0/alpha.toFloat()
  const params = { alpha, scale: 1, inputScale: 1 / alpha, backwardInputScale: 1 / Math.fround(alpha), names: ['CeluBackward0', 'CeluBackward1'] } as const;
  return inplaceOr(input, inplace, eluSpec(params, inplace));
}

/** `F.celu(input, alpha=1.0, inplace=False)`: elu(input, α, 1, 1/α) (CeluBackward0, in place CeluBackward1). */
export function celu(input: Tensor, alpha = 1.0, inplace = false): Tensor {
  return celuOp(input, alpha, inplace);
}

/** `torch.celu_(input, alpha=1.0)`. */
export function celu_(input: Tensor, alpha = 1.0): Tensor {
  return celuOp(input, alpha, true);
}

// ---- mish ----

/** mish: x·tanh(log1p(exp(x))); d = g·(t + x·σ·(1 - t²)), t = tanh(softplus(x)). */
const mishSpec: ActivationSpec = {
  name: 'MishBackward0',
  forward: (k, x) => k.r(x * k.tanh(k.log1p(k.exp(x)))),
  backward: (k, g, x) => {
    const s = k.r(1 / k.r(1 + k.exp(-x)));
    const t = k.tanh(k.log1p(k.exp(x)));
    // GCC contracts 1 - t·t and t + (x·σ)·(...) into fused multiply-adds
    return k.r(g * k.fma(k.r(x * s), k.fma(-t, t, 1), t));
  },
  saves: 'input',
  // with grad mode on, PyTorch differentiates infinitely_differentiable_mish_backward
  graph: (g, x) => {
    const sigmoid = at.sigmoid(x);
    const tanhSoftplus = at.tanh(applyUnary(unaryOps.log1p, at.exp(x)));
    const oneMinus = at.sub(at.full(tanhSoftplus._shape, 1, tanhSoftplus._dtype), at.mul(tanhSoftplus, tanhSoftplus));
    return at.mul(g, at.add(tanhSoftplus, at.mul(at.mul(x, sigmoid), oneMinus)));
  },
};

/** `F.mish(input, inplace=False)`. */
export function mish(input: Tensor, inplace = false): Tensor {
  floatOnly(input, 'mish_cpu');
  return inplaceOr(input, inplace, mishSpec);
}

// ---- hardsigmoid, hardswish ----

/** std::min(std::max(x + 3, 0), 6): NaN stays NaN. */
function relu6Shifted(k: Arith, x: number): number {
  const s = k.r(x + 3);
  const m = s < 0 ? 0 : s;
  return 6 < m ? 6 : m;
}

/** one_sixth is `scalar_t(1.0f / 6.0f)`: the float constant in float64 too. */
const ONE_SIXTH = Math.fround(1 / 6);

const hardsigmoidSpec: ActivationSpec = {
  name: 'HardsigmoidBackward0',
  forward: (k, x) => k.r(relu6Shifted(k, x) / 6),
  backward: (k, g, x) => (x > -3 && x < 3 ? k.r(g * ONE_SIXTH) : 0),
  saves: 'input',
  double: { notImplemented: 'hardsigmoid_backward' },
};

/** `F.hardsigmoid(input, inplace=False)`: min(max(x + 3, 0), 6)/6. */
export function hardsigmoid(input: Tensor, inplace = false): Tensor {
  floatOnly(input, 'hardsigmoid_cpu');
  return inplaceOr(input, inplace, hardsigmoidSpec);
}

/** hardswish_backward: 0 below -3, g·(x/3 + 1/2) up to 3 (the scalar lambda) or below 3 (the vector one), else g. */
function hardswishBackward(k: Arith, g: number, x: number): number {
  if (k.vector) return x < -3 ? 0 : x >= 3 ? g : k.r(g * k.r(k.r(x / 3) + 0.5));
  return x < -3 ? 0 : x <= 3 ? k.r(g * k.r(k.r(x / 3) + 0.5)) : g;
}

const hardswishSpec: ActivationSpec = {
  name: 'HardswishBackward0',
  forward: (k, x) => k.r(k.r(x * relu6Shifted(k, x)) / 6),
  backward: hardswishBackward,
  saves: 'input',
  double: {
    name: 'HardswishBackwardBackward0',
    // where((-3 < self) & (self < 3), grad * grad_output / 3.0, zeros({}))
    self: (gg, g, s) => at.where(maskOf(s, (v) => -3 < v && v < 3), at.divScalar(at.mul(gg, g), 3), at.full([], 0, gg._dtype)),
  },
};

/** `F.hardswish(input, inplace=False)`: x·min(max(x + 3, 0), 6)/6. */
export function hardswish(input: Tensor, inplace = false): Tensor {
  floatOnly(input, 'hardswish_cpu');
  return inplaceOr(input, inplace, hardswishSpec);
}

// ---- logsigmoid ----

/**
 * log_sigmoid's kernel: every element through the vector arithmetic (its tail is a partial vector):
 * buffer = exp(-|x|), out = min(x, 0) - log1p(buffer).
 */
function logSigmoidForward(x: Tensor): { out: Tensor; buffer: Tensor } {
  const X = x._data;
  const dtype = dtypeOf(X);
  const k = dtype === 'float32' ? F32_VECTOR : F64_VECTOR;
  const out = allocStorage(dtype, X.length);
  const buffer = allocStorage(dtype, X.length);
  for (let i = 0; i < X.length; i++) {
    const v = X[i];
    const min = v !== v ? v : v < 0 ? v : 0;
    const b = k.exp(-Math.abs(v));
    buffer[i] = b;
    out[i] = k.r(min - k.log1p(b));
  }
  return { out: new Tensor(out, x._shape), buffer: new Tensor(buffer, x._shape) };
}

/** log_sigmoid_backward: (max_deriv - sign·b/(1 + b))·g, max_deriv 1 and sign 1 where x < 0, else 0 and -1. */
function logSigmoidBackwardStorage(g: ArrayLike<number>, x: Tensor, buffer: Tensor): Tensor {
  const X = x._data;
  const B = buffer._data;
  const dtype = dtypeOf(X);
  const r = dtype === 'float32' ? Math.fround : (v: number): number => v;
  const out = allocStorage(dtype, X.length);
  for (let i = 0; i < X.length; i++) {
    const q = r(B[i] / r(1 + B[i]));
    out[i] = r((X[i] < 0 ? r(1 - q) : q) * g[i]);
  }
  return new Tensor(out, x._shape);
}

/** The backward op over tensors (create_graph): LogSigmoidBackwardBackward0. */
function logSigmoidBackward(g: Tensor, x: Tensor, buffer: Tensor): Tensor {
  const result = logSigmoidBackwardStorage(g._data, x, buffer);
  if (!is_grad_enabled() || !(g.requires_grad || x.requires_grad)) return result;
  return attach(result, 'LogSigmoidBackwardBackward0', [g, x], null, [g, x, buffer], null, (gg, needs) => {
    const gOut = needs[0] ? logSigmoidBackward(gg, x, buffer) : null;
    // log_sigmoid_double_backward(grad * grad_output, self): grad * (z - 1) * z, z = sigmoid(self)
    let gx: Tensor | null = null;
    if (needs[1]) {
      const z = at.sigmoid(x);
      gx = at.mul(at.mul(at.mul(gg, g), at.subScalar(z, 1)), z);
    }
    return [gOut, gx];
  });
}

/** `F.logsigmoid(input)`: LogSigmoidBackward0, saving the input and the buffer. */
export function logsigmoid(input: Tensor): Tensor {
  floatOnly(input, 'log_sigmoid_cpu');
  const { out, buffer } = logSigmoidForward(input);
  if (!shouldRecord(input)) return out;
  return attach(out, 'LogSigmoidBackward0', [input], (g) => [logSigmoidBackwardStorage(g, input, buffer)._data], [input, buffer], null, (g) => [
    logSigmoidBackward(g, input, buffer),
  ]);
}

// ---- composites ----

/** `F.softsign(input)`: input / (input.abs() + 1), as torch/nn/functional.py writes it. */
export function softsign(input: Tensor): Tensor {
  return div(input, add(applyUnary(unaryOps.abs, input), 1));
}

/** `F.softmin(input, dim=None)`: (-input).softmax(dim), the dim chosen as softmax's when not given. */
export function softmin(input: Tensor, dim: number | null = null): Tensor {
  const d = dim ?? implicitDim('softmin', input.ndim);
  return softmax(applyUnary(unaryOps.neg, input), d);
}

