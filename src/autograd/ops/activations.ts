// torch.nn.functional's activations with hyper-parameters: leaky_relu, softplus, gelu, elu, silu.
// Forward and derivative side by side, written once over the arithmetic of PyTorch 1.13's CPU kernels
// (aten/src/ATen/native/cpu/Activation.cpp): cpu_kernel_vec runs the vector lambda on blocks of two
// AVX2 vectors (16 floats, 8 doubles) and the scalar lambda on the rest, and GCC contracts a·b + c in
// both into one fused multiply-add.

import { RuntimeError } from '../../errors.js';
import { allocStorage } from '../../tensor/dtype.js';
import { erf, erfAvx2f } from '../../math/erf.js';
import { expf, fma, fmaf, logf, tanhf } from '../../math/sleef.js';
import { erfd, expd, log1pd, logd, tanhd } from '../../math/sleef64.js';
import { log1pf } from '../../math/sleef_log1pf.js';
import { expf as glibcExpf, log1pf as glibcLog1pf, tanhf as glibcTanhf } from '../../math/glibcf.js';
import { exp as glibcExp } from '../../math/glibc_exp.js';
import { log as glibcLog } from '../../math/glibc_log.js';
import { logf as glibcLogf } from '../../math/glibc_logf.js';
import { log1p as glibcLog1p, tanh as glibcTanh } from '../../math/glibc64.js';
import { geluErfDerivativeOnednn, geluErfOnednn } from '../../tensor/onednn_gelu.js';
import { Tensor } from '../../tensor/tensor.js';
import { attach, shouldRecord } from '../../tensor/autograd/engine.js';
import { is_grad_enabled } from '../../tensor/autograd/grad_mode.js';
import { applyInplace } from './inplace.js';
import { at, savedOutput } from './at.js';

/** The arithmetic of one dtype on one path: rounding, fused multiply-add and the transcendental functions. */
export interface Arith {
  /** The vector lambda (true) or the scalar one. */
  vector: boolean;
  r(v: number): number;
  fma(a: number, b: number, c: number): number;
  exp(v: number): number;
  log1p(v: number): number;
  tanh(v: number): number;
  erf(v: number): number;
  log(v: number): number;
}

const fr = Math.fround;
const same = (v: number): number => v;

/** float64 vector lanes: SLEEF's double kernels, as PyTorch's. */
export const F64_VECTOR: Arith = { vector: true, r: same, fma, exp: expd, log1p: log1pd, tanh: tanhd, erf: erfd, log: logd };
/** float64 scalar tail: glibc 2.36's exp, log1p, tanh and erf. */
const F64_SCALAR: Arith = { vector: false, r: same, fma, exp: glibcExp, log1p: glibcLog1p, tanh: glibcTanh, erf, log: glibcLog };
/** float32 vector lanes: SLEEF's expf, log1pf and tanhf, ATen's own erf approximation. */
export const F32_VECTOR: Arith = {
  vector: true,
  r: fr,
  fma: fmaf,
  exp: expf,
  log1p: log1pf,
  tanh: tanhf,
  erf: erfAvx2f,
  log: logf,
};
/** float32 scalar tail: glibc 2.36's float functions (expf, fdlibm's log1pf and tanhf). */
const F32_SCALAR: Arith = {
  vector: false,
  r: fr,
  fma: fmaf,
  exp: glibcExpf,
  log1p: glibcLog1pf,
  tanh: glibcTanhf,
  // NOTE: glibc's erff (fdlibm's float algorithm) is not reproduced: the double erf rounded once
  erf: (v) => fr(erf(v)),
  log: glibcLogf,
};

/** One activation: y = forward(x), dx = backward(g, x, y), over an Arith. */
export interface ActivationSpec {
  /** PyTorch's grad_fn name. */
  name: string;
  forward(k: Arith, x: number): number;
  backward(k: Arith, g: number, x: number, y: number): number;
  /** What derivatives.yaml's formula reads: `self` or `result`. */
  saves: 'input' | 'output';
  /**
   * create_graph: the backward op's own node (SoftplusBackwardBackward0 ...) and the derivative of its
   * result with respect to `self` (or `result`), given that node's upstream gradient `gg` and its own
   * grad_output `g`: derivatives.yaml's formula for the *_backward op.
   */
  double?: { name: string; self(gg: Tensor, g: Tensor, s: Tensor): Tensor } | { notImplemented: string };
  /** create_graph: a composite formula over tensors instead of a backward op (silu's). */
  graph?(g: Tensor, x: Tensor): Tensor;
}

/** Each element through the vector or the scalar arithmetic, as PyTorch's loop splits them. */
export function mapSplit(n: number, float32: boolean, each: (k: Arith, i: number) => number, out: { [i: number]: number }): void {
  const vectorEnd = n - (n % (float32 ? 16 : 8));
  const vector = float32 ? F32_VECTOR : F64_VECTOR;
  const scalar = float32 ? F32_SCALAR : F64_SCALAR;
  for (let i = 0; i < vectorEnd; i++) out[i] = each(vector, i);
  for (let i = vectorEnd; i < n; i++) out[i] = each(scalar, i);
}

export function applyActivation(spec: ActivationSpec, x: Tensor): Tensor {
  const X = x._data;
  const float32 = x._dtype === 'float32';
  const out = allocStorage(x._dtype, X.length);
  mapSplit(X.length, float32, (k, i) => spec.forward(k, X[i]), out);
  const result = new Tensor(out, x._shape);
  if (!shouldRecord(x)) return result;
  return attach(
    result,
    spec.name,
    [x],
    (g) => {
      const gx = allocStorage(x._dtype, g.length);
      mapSplit(g.length, float32, (k, i) => spec.backward(k, g[i], X[i], out[i]), gx);
      return [gx];
    },
    spec.saves === 'output' ? [result] : [x],
    null,
    (g, _needs, node) => {
      const s = spec.saves === 'output' ? savedOutput(node) : x;
      return [spec.graph !== undefined ? spec.graph(g, s) : activationBackward(spec, g, s)];
    },
  );
}

/**
 * The activation's *_backward op over tensors (create_graph): the same kernel as the plain backward,
 * recorded as its own node whose derivatives are derivatives.yaml's: the backward op again for the
 * grad_output, the spec's `double` for self (or result).
 */
export function activationBackward(spec: ActivationSpec, g: Tensor, s: Tensor): Tensor {
  const G = g._data;
  const S = s._data;
  const out = allocStorage(s._dtype, G.length);
  mapSplit(G.length, s._dtype === 'float32', (k, i) => spec.backward(k, G[i], S[i], S[i]), out);
  const result = new Tensor(out, s._shape);
  const double = spec.double;
  if (double === undefined) throw new Error(`internal: ${spec.name} has no backward op`);
  if (!is_grad_enabled() || !(g.requires_grad || s.requires_grad)) return result;
  if ('notImplemented' in double) {
    // NOTE: PyTorch 1.13 has no derivative for this backward op: a node that raises when reached
    return attach(result, 'torch::autograd::NotImplemented', [g, s], () => {
      throw new RuntimeError(`derivative for aten::${double.notImplemented} is not implemented`);
    });
  }
  return attach(result, double.name, [g, s], null, [g, s], null, (gg, needs) => [
    needs[0] ? activationBackward(spec, gg, s) : null,
    needs[1] ? double.self(gg, g, s) : null,
  ]);
}

/** `(t < bound).type_as(like)` (or `<=`): a constant 0/1 tensor. */
export function below(t: Tensor, bound: number, like: Tensor, orEqual = false): Tensor {
  const T = t._data;
  const out = allocStorage(like._dtype, T.length);
  for (let i = 0; i < T.length; i++) out[i] = (orEqual ? T[i] <= bound : T[i] < bound) ? 1 : 0;
  return new Tensor(out, t._shape);
}

// ---- the kernels ----

const NEGATIVE_SLOPE_INPLACE =
  'In-place leakyReLu backward calculation is triggered with a negative slope which is not supported. This is caused by calling in-place forward function with a negative slope, please call out-of-place version instead. File an issue at https://github.com/pytorch/pytorch if you do require supporting in-place leakRelu backward calculation with negative slope';

/**
 * leaky_relu: x > 0 ? x : x·slope; its backward reads x, or in place the result (LeakyReluBackward1,
 * which PyTorch refuses to run for a negative slope).
 */
function leakyReluSpec(slope: number, inplace: boolean): ActivationSpec {
  return {
    name: inplace ? 'LeakyReluBackward1' : 'LeakyReluBackward0',
    forward: (k, x) => (x > 0 ? x : k.r(x * k.r(slope))),
    backward: (k, g, x, y) => {
      if (inplace && slope < 0) throw new RuntimeError(NEGATIVE_SLOPE_INPLACE);
      return (inplace ? y : x) > 0 ? g : k.r(g * k.r(slope));
    },
    saves: inplace ? 'output' : 'input',
    // leaky_relu_backward: piecewise linear in self, so zeros_like(grad)
    double: { name: 'LeakyReluBackwardBackward0', self: (gg) => at.zerosLike(gg) },
  };
}

/** softplus: x·β > threshold ? x : log1p(exp(x·β))/β; d = g·z/(z + 1) with z = exp(x·β). */
function softplusSpec(beta: number, threshold: number): ActivationSpec {
  return {
    name: 'SoftplusBackward0',
    forward: (k, x) => {
      const xb = k.r(x * k.r(beta));
      return xb > k.r(threshold) ? x : k.r(k.log1p(k.exp(xb)) / k.r(beta));
    },
    backward: (k, g, x) => {
      const xb = k.r(x * k.r(beta));
      const z = k.exp(xb);
      return xb > k.r(threshold) ? g : k.r(k.r(g * z) / k.r(z + 1));
    },
    saves: 'input',
    double: {
      name: 'SoftplusBackwardBackward0',
      // softplus_double_backward(grad * grad_output, self, beta, threshold):
      // sigmoid_backward(grad, (self * beta).sigmoid()) * (x < threshold).type_as(grad) * beta
      self: (gg, g, x) => {
        const xb = at.mulScalar(x, beta, Number.isInteger(beta));
        const d = at.sigmoidBackward(at.mul(gg, g), at.sigmoid(xb));
        return at.mulScalar(at.mul(d, below(xb, threshold, gg)), beta, Number.isInteger(beta));
      },
    },
  };
}

const SQRT1_2 = Math.SQRT1_2;
const M_2_SQRTPI = 2 / Math.sqrt(Math.PI);
/** √2 · 2/√π · 0.5 = √(2/π), as C++ folds it. */
const TANH_BETA = Math.SQRT2 * M_2_SQRTPI * 0.5;
/** 2/√π · 1/√2 · 0.5 = 1/√(2π). */
const ERF_BETA = M_2_SQRTPI * SQRT1_2 * 0.5;
const KAPPA = 0.044715;

/** gelu_double_backward, approximate 'none': ggI·gO·(2·pdf - x²·pdf), pdf = kBeta·exp(-0.5·x²). */
function geluErfDouble(gg: Tensor, g: Tensor, x: Tensor): Tensor {
  const sq = at.mul(x, x);
  const pdf = at.mulScalar(at.exp(at.mulScalar(sq, -0.5)), ERF_BETA);
  const d = at.sub(at.mulScalar(pdf, 2, true), at.mul(sq, pdf));
  return at.mul(at.mul(gg, g), d);
}

/** gelu_double_backward, approximate 'tanh', op for op as PyTorch 1.13 spells it. */
function geluTanhDouble(gg: Tensor, g: Tensor, x: Tensor): Tensor {
  const one = (t: Tensor): Tensor => at.full(t._shape, 1, t._dtype);
  const inner = at.mulScalar(at.add(x, at.mulScalar(at.powScalar(x, 3), KAPPA)), TANH_BETA);
  const tanhInner = at.tanh(inner);
  const cosh = at.cosh(inner);
  const sech = at.div(one(cosh), cosh);
  const f = at.mulScalar(x, 0.5);
  const tt = at.mul(tanhInner, tanhInner);
  const gt = at.sub(one(tt), tt);
  const h = at.mulScalar(at.addScalar(at.mul(at.mulScalar(x, 3 * KAPPA), x), 1), TANH_BETA);
  const fPrimeGh = at.mul(at.mulScalar(gt, 0.5), h);
  const gPrime = at.mul(at.mul(at.mulScalar(sech, 2, true), at.mul(at.neg(sech), tanhInner)), h);
  const gPrimeFh = at.mul(at.mul(f, h), gPrime);
  const hPrime = at.mulScalar(at.mulScalar(x, 6 * KAPPA), TANH_BETA);
  const hPrimeFg = at.mul(at.mul(f, gt), hPrime);
  // gI = ggI * gO * (2 * f_prime_gh + g_prime_fh + h_prime_fg), GCC evaluating the right operand first
  const sum = at.add(at.add(at.mulScalar(fPrimeGh, 2, true), gPrimeFh), hPrimeFg);
  return at.mul(at.mul(gg, g), sum);
}

const GELU_ERF_DOUBLE = { name: 'GeluBackwardBackward0', self: geluErfDouble };

/** gelu 'none': x·0.5·(1 + erf(x/√2)); d = g·(cdf + x·pdf), pdf = exp(-x²/2)/√(2π). */
const geluErf: ActivationSpec = {
  name: 'GeluBackward0',
  forward: (k, x) => k.r(k.r(x * 0.5) * k.r(1 + k.erf(k.r(x * k.r(SQRT1_2))))),
  backward: (k, g, x) => {
    const cdf = k.r(0.5 * k.r(1 + k.erf(k.r(x * k.r(SQRT1_2)))));
    const pdf = k.r(k.r(ERF_BETA) * k.exp(k.r(k.r(x * x) * -0.5)));
    // NOTE: measured against PyTorch: the vector lambda fuses cdf + x·pdf, the scalar one does not
    return k.r(g * (k.vector ? k.fma(x, pdf, cdf) : k.r(cdf + k.r(x * pdf))));
  },
  saves: 'input',
  double: GELU_ERF_DOUBLE,
};

/**
 * float32 gelu 'none' of more than one element: PyTorch 1.13 hands a contiguous float32 tensor to oneDNN
 * (its use_mkldnn), whose kernel is the same on every element; backward g·GELU'(x) likewise.
 */
const geluErfOnednnSpec: ActivationSpec = {
  name: 'GeluBackward0',
  forward: (_k, x) => geluErfOnednn(x),
  backward: (_k, g, x) => Math.fround(g * geluErfDerivativeOnednn(x)),
  saves: 'input',
  double: GELU_ERF_DOUBLE,
};

/** gelu 'tanh': 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) and its derivative, as the kernel spells them. */
const geluTanh: ActivationSpec = {
  name: 'GeluBackward0',
  forward: (k, x) => {
    const cube = k.r(k.r(x * x) * x);
    const inner = k.r(k.r(TANH_BETA) * k.fma(k.r(KAPPA), cube, x));
    return k.r(k.r(0.5 * x) * k.r(1 + k.tanh(inner)));
  },
  backward: (k, g, x) => {
    const sq = k.r(x * x);
    const cube = k.r(sq * x);
    const t = k.tanh(k.r(k.r(TANH_BETA) * k.fma(k.r(KAPPA), cube, x)));
    const left = k.r(0.5 * x);
    const leftDerivative = k.r(0.5 * k.r(1 + t));
    const tanhDerivative = k.fma(-t, t, 1);
    const innerDerivative = k.r(k.r(TANH_BETA) * k.fma(k.r(3 * k.r(KAPPA)), sq, 1));
    // NOTE: 1 - t² is one fused multiply-add, the final sum is not (measured against PyTorch)
    return k.r(g * k.r(leftDerivative + k.r(k.r(left * tanhDerivative) * innerDerivative)));
  },
  saves: 'input',
  double: { name: 'GeluBackwardBackward0', self: geluTanhDouble },
};

const positive = (k: Arith, v: number): boolean => (k.vector ? v > 0 : !(v <= 0));

/** elu's Scalars (selu's and celu's are elu's with a scale and an input scale) and its node names. */
export interface EluParams {
  alpha: number;
  scale: number;
  inputScale: number;
  /** The input scale of the backward, when it is not the forward's (celu's 1.0/alpha.toFloat()). */
  backwardInputScale?: number;
  /** EluBackward0/1 or CeluBackward0/1. */
  names: readonly [string, string];
}

const ELU_NAMES = ['EluBackward0', 'EluBackward1'] as const;

/**
 * elu: x <= 0 ? (exp(x·input_scale) - 1)·α·scale : x·scale; backward from x, or in place from the result
 * (EluBackward1), with the kernel's coefficients negcoef = α·scale, poscoef = scale in the tensor's dtype.
 */
export function eluSpec(p: EluParams, inplace: boolean): ActivationSpec {
  const { alpha, scale } = p;
  const inputScale = p.inputScale;
  const backScale = p.backwardInputScale ?? inputScale;
  return {
    name: p.names[inplace ? 1 : 0],
    // NOTE: the scalar lambda tests x <= 0, the vector one x > 0: a NaN takes the positive branch in one
    // and the negative in the other (the backward of NaN is g in the scalar tail, NaN in vector lanes)
    forward: (k, x) => (positive(k, x) ? k.r(x * k.r(scale)) : k.r(k.r(k.exp(k.r(x * k.r(inputScale))) - 1) * k.r(k.r(alpha) * k.r(scale)))),
    backward: inplace
      ? (k, g, _x, y) => (positive(k, y) ? k.r(g * k.r(scale)) : k.r(k.r(g * k.r(backScale)) * k.r(y + k.r(k.r(alpha) * k.r(scale)))))
      : (k, g, x) =>
          positive(k, x) ? k.r(g * k.r(scale)) : k.r(k.r(k.r(g * k.r(backScale)) * k.r(k.r(alpha) * k.r(scale))) * k.exp(k.r(x * k.r(backScale)))),
    saves: inplace ? 'output' : 'input',
    double: {
      name: 'EluBackwardBackward0',
      // elu_double_backward: grad·grad_output·input_scale·(result < 0) in place, else
      // elu_backward(grad·grad_output·input_scale, ..., self)·(self < 0)
      self: (gg, g, s) => {
        const scaled = at.mulScalar(at.mul(gg, g), backScale, Number.isInteger(backScale));
        const d = inplace ? scaled : activationBackward(eluSpec(p, false), scaled, s);
        return at.mul(d, below(s, 0, gg));
      },
    },
  };
}

/** silu: x/(1 + exp(-x)); d = g·σ·(1 + x·(1 - σ)). */
const siluSpec: ActivationSpec = {
  name: 'SiluBackward0',
  forward: (k, x) => k.r(x / k.r(1 + k.exp(-x))),
  backward: (k, g, x) => {
    const s = k.r(1 / k.r(1 + k.exp(-x)));
    return k.r(k.r(g * s) * k.fma(x, k.r(1 - s), 1));
  },
  saves: 'input',
  // with grad mode on, PyTorch differentiates infinitely_differentiable_silu_backward instead of
  // silu_backward: grad_output * sigmoid * (1.0 + input * (1.0 - sigmoid))
  graph: (g, x) => {
    const s = at.sigmoid(x);
    // GCC evaluates an operator's right operand first: (1.0 + ...) before grad_output * sigmoid
    const right = at.addScalar(at.mul(x, at.sub(at.full(s._shape, 1, s._dtype), s)), 1);
    return at.mul(at.mul(g, s), right);
  },
};

// ---- the functions ----

export function inplaceOr(x: Tensor, inplace: boolean, spec: ActivationSpec): Tensor {
  return inplace ? applyInplace(x, null, (a) => applyActivation(spec, a)) : applyActivation(spec, x);
}

/** `F.leaky_relu(input, negative_slope=0.01, inplace=False)`. */
export function leaky_relu(input: Tensor, negative_slope = 0.01, inplace = false): Tensor {
  return inplaceOr(input, inplace, leakyReluSpec(negative_slope, inplace));
}

/** `F.softplus(input, beta=1, threshold=20)`: the input itself past the threshold. */
export function softplus(input: Tensor, beta = 1, threshold = 20): Tensor {
  return applyActivation(softplusSpec(beta, threshold), input);
}

export type GeluApproximate = 'none' | 'tanh';

/** `F.gelu(input, approximate='none')`: with erf, or PyTorch's tanh approximation. */
export function gelu(input: Tensor, options: { approximate?: GeluApproximate } = {}): Tensor {
  const approximate = options.approximate ?? 'none';
  if (approximate !== 'none' && approximate !== 'tanh') throw new RuntimeError('approximate argument must be either none or tanh.');
  if (approximate === 'tanh') return applyActivation(geluTanh, input);
  return applyActivation(input._dtype === 'float32' && input.numel() > 1 ? geluErfOnednnSpec : geluErf, input);
}

/** `F.elu(input, alpha=1.0, inplace=False)`. */
export function elu(input: Tensor, alpha = 1.0, inplace = false): Tensor {
  return inplaceOr(input, inplace, eluSpec({ alpha, scale: 1, inputScale: 1, names: ELU_NAMES }, inplace));
}

/** `F.silu(input, inplace=False)`. */
export function silu(input: Tensor, inplace = false): Tensor {
  return inplaceOr(input, inplace, siluSpec);
}

/** `F.leaky_relu_(input, negative_slope=0.01)`. */
export function leaky_relu_(input: Tensor, negative_slope = 0.01): Tensor {
  return leaky_relu(input, negative_slope, true);
}

/** `F.elu_(input, alpha=1.0)`. */
export function elu_(input: Tensor, alpha = 1.0): Tensor {
  return elu(input, alpha, true);
}
