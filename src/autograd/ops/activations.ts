// torch.nn.functional's activations with hyper-parameters: leaky_relu, softplus, gelu, elu, silu.
// Forward and derivative side by side, written once over the arithmetic of PyTorch 1.13's CPU kernels
// (aten/src/ATen/native/cpu/Activation.cpp): cpu_kernel_vec runs the vector lambda on blocks of two
// AVX2 vectors (16 floats, 8 doubles) and the scalar lambda on the rest, and GCC contracts a·b + c in
// both into one fused multiply-add.

import { RuntimeError } from '../../errors.js';
import { allocStorage } from '../../tensor/dtype.js';
import { erf, erfAvx2f } from '../../math/erf.js';
import { expf, fma, fmaf, tanhf } from '../../math/sleef.js';
import { erfd, expd, log1pd, tanhd } from '../../math/sleef64.js';
import { log1pf } from '../../math/sleef_log1pf.js';
import { expf as glibcExpf, log1pf as glibcLog1pf, tanhf as glibcTanhf } from '../../math/glibcf.js';
import { exp as glibcExp } from '../../math/glibc_exp.js';
import { log1p as glibcLog1p, tanh as glibcTanh } from '../../math/glibc64.js';
import { geluErfDerivativeOnednn, geluErfOnednn } from '../../tensor/onednn_gelu.js';
import { Tensor } from '../../tensor/tensor.js';
import { attach, shouldRecord } from '../../tensor/autograd/engine.js';
import { applyInplace } from './inplace.js';

/** The arithmetic of one dtype on one path: rounding, fused multiply-add and the transcendental functions. */
interface Arith {
  /** The vector lambda (true) or the scalar one. */
  vector: boolean;
  r(v: number): number;
  fma(a: number, b: number, c: number): number;
  exp(v: number): number;
  log1p(v: number): number;
  tanh(v: number): number;
  erf(v: number): number;
}

const fr = Math.fround;
const same = (v: number): number => v;

/** float64 vector lanes: SLEEF's double kernels, as PyTorch's. */
const F64_VECTOR: Arith = { vector: true, r: same, fma, exp: expd, log1p: log1pd, tanh: tanhd, erf: erfd };
/** float64 scalar tail: glibc 2.36's exp, log1p, tanh and erf. */
const F64_SCALAR: Arith = { vector: false, r: same, fma, exp: glibcExp, log1p: glibcLog1p, tanh: glibcTanh, erf };
/** float32 vector lanes: SLEEF's expf, log1pf and tanhf, ATen's own erf approximation. */
const F32_VECTOR: Arith = {
  vector: true,
  r: fr,
  fma: fmaf,
  exp: expf,
  log1p: log1pf,
  tanh: tanhf,
  erf: erfAvx2f,
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
};

/** One activation: y = forward(x), dx = backward(g, x, y), over an Arith. */
export interface ActivationSpec {
  /** PyTorch's grad_fn name. */
  name: string;
  forward(k: Arith, x: number): number;
  backward(k: Arith, g: number, x: number, y: number): number;
  /** What derivatives.yaml's formula reads: `self` or `result`. */
  saves: 'input' | 'output';
}

/** Each element through the vector or the scalar arithmetic, as PyTorch's loop splits them. */
function mapSplit(n: number, float32: boolean, each: (k: Arith, i: number) => number, out: { [i: number]: number }): void {
  const vectorEnd = n - (n % (float32 ? 16 : 8));
  const vector = float32 ? F32_VECTOR : F64_VECTOR;
  const scalar = float32 ? F32_SCALAR : F64_SCALAR;
  for (let i = 0; i < vectorEnd; i++) out[i] = each(vector, i);
  for (let i = vectorEnd; i < n; i++) out[i] = each(scalar, i);
}

export function applyActivation(spec: ActivationSpec, x: Tensor): Tensor {
  const X = x._data;
  const float32 = x.dtype === 'float32';
  const out = allocStorage(x.dtype, X.length);
  mapSplit(X.length, float32, (k, i) => spec.forward(k, X[i]), out);
  const result = new Tensor(out, x.shape);
  if (!shouldRecord(x)) return result;
  return attach(
    result,
    spec.name,
    [x],
    (g) => {
      const gx = allocStorage(x.dtype, g.length);
      mapSplit(g.length, float32, (k, i) => spec.backward(k, g[i], X[i], out[i]), gx);
      return [gx];
    },
    spec.saves === 'output' ? [result] : [x],
  );
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
  };
}

const SQRT1_2 = Math.SQRT1_2;
const M_2_SQRTPI = 2 / Math.sqrt(Math.PI);
/** √2 · 2/√π · 0.5 = √(2/π), as C++ folds it. */
const TANH_BETA = Math.SQRT2 * M_2_SQRTPI * 0.5;
/** 2/√π · 1/√2 · 0.5 = 1/√(2π). */
const ERF_BETA = M_2_SQRTPI * SQRT1_2 * 0.5;
const KAPPA = 0.044715;

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
};

const positive = (k: Arith, v: number): boolean => (k.vector ? v > 0 : !(v <= 0));

/** elu: x <= 0 ? (exp(x) - 1)·α : x; backward from x, or in place from the result (EluBackward1). */
function eluSpec(alpha: number, inplace: boolean): ActivationSpec {
  return {
    name: inplace ? 'EluBackward1' : 'EluBackward0',
    // NOTE: the scalar lambda tests x <= 0, the vector one x > 0: a NaN takes the positive branch in one
    // and the negative in the other (the backward of NaN is g in the scalar tail, NaN in vector lanes)
    forward: (k, x) => (positive(k, x) ? x : k.r(k.r(k.exp(x) - 1) * k.r(alpha))),
    backward: inplace
      ? (k, g, _x, y) => (positive(k, y) ? g : k.r(g * k.r(y + k.r(alpha))))
      : (k, g, x) => (positive(k, x) ? g : k.r(k.r(g * k.r(alpha)) * k.exp(x))),
    saves: inplace ? 'output' : 'input',
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
};

// ---- the functions ----

function inplaceOr(x: Tensor, inplace: boolean, spec: ActivationSpec): Tensor {
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
  return applyActivation(input.dtype === 'float32' && input.numel() > 1 ? geluErfOnednnSpec : geluErf, input);
}

/** `F.elu(input, alpha=1.0, inplace=False)`. */
export function elu(input: Tensor, alpha = 1.0, inplace = false): Tensor {
  return inplaceOr(input, inplace, eluSpec(alpha, inplace));
}

/** `F.silu(input, inplace=False)`. */
export function silu(input: Tensor, inplace = false): Tensor {
  return inplaceOr(input, inplace, siluSpec);
}
