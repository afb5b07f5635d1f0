// var and std with PyTorch 1.13's signatures: var(), var(unbiased), var(dim, unbiased, keepdim) and
// var(dim, { correction, keepdim }). Sums of squared deviations in float64, divided by max(0, n - correction);
// var_mean and std_mean by Welford's method in double, as their kernel.

import { ArgumentTypeError, RuntimeError } from '../../errors.js';
import { fma } from '../../math/sleef.js';
import { allocStorage, isFloating } from '../../tensor/dtype.js';
import { numel } from '../../tensor/shape.js';
import { attach, shouldRecord } from '../../tensor/autograd/engine.js';
import type { Node } from '../../tensor/autograd/node.js';
import { Tensor } from '../../tensor/tensor.js';
import { at, maskOf, savedOutput } from './at.js';
import { recordNode } from './pointwise.js';
import { mean, reducedShapes, type DimArg } from './reduce.js';
import { groupsOf, restoreDims } from './reductions.js';

export interface VarOptions {
  dim?: DimArg;
  unbiased?: boolean;
  correction?: number;
  keepdim?: boolean;
}

/** `x.var()`, `x.var(false)`, `x.var(1)`, `x.var(1, true, true)`, `x.var(1, { correction: 0 })` or `x.var({ dim, correction, keepdim })`. */
export type VarArgs =
  | []
  | [boolean]
  | [VarOptions]
  | [DimArg]
  | [DimArg, boolean]
  | [DimArg, boolean, boolean]
  | [DimArg, VarOptions];

interface Parsed {
  dim: DimArg;
  correction: number;
  keepdim: boolean;
}

const isOptions = (v: unknown): v is VarOptions => v !== null && typeof v === 'object' && !Array.isArray(v);

function parse(name: string, args: VarArgs): Parsed {
  const a = args as unknown[];
  let dim: DimArg;
  let unbiased: boolean | undefined;
  let keepdim = false;
  let opts: VarOptions = {};
  if (typeof a[0] === 'boolean') unbiased = a[0];
  else if (isOptions(a[0])) opts = a[0];
  else {
    dim = a[0] as DimArg;
    if (isOptions(a[1])) opts = a[1];
    else {
      unbiased = a[1] as boolean | undefined;
      keepdim = (a[2] as boolean | undefined) ?? false;
    }
  }
  dim = opts.dim ?? dim;
  unbiased = opts.unbiased ?? unbiased;
  keepdim = opts.keepdim ?? keepdim;
  if (opts.correction !== undefined && unbiased !== undefined) {
    throw new ArgumentTypeError(`${name}() received an invalid combination of arguments: unbiased and correction are exclusive`);
  }
  const correction = opts.correction ?? (unbiased === false ? 0 : 1);
  return { dim, correction, keepdim };
}

function varStd(x: Tensor, args: VarArgs, takeSqrt: boolean): Tensor {
  const { dim, correction, keepdim } = parse(takeSqrt ? 'std' : 'var', args);
  const all = dim === null || dim === undefined;
  const { keptShape, outShape } = reducedShapes(x._shape, dim, keepdim);
  const out = allocStorage(x._dtype, numel(keptShape));
  // NOTE: a full reduction's mean is PyTorch's own (float32 in float32), the deviations in float64
  const fullMean = all && x.numel() > 0 ? mean(x)._data[0] : 0;
  groupsOf(x, keptShape).forEach((vals, g) => {
    let m = fullMean;
    if (!all) {
      m = 0;
      for (const v of vals) m += v;
      m /= vals.length;
    }
    let s = 0;
    for (const v of vals) s += (v - m) * (v - m);
    const v = s / Math.max(0, vals.length - correction);
    out[g] = takeSqrt ? Math.sqrt(v) : v;
  });
  const result = new Tensor(out, outShape);
  const count = numel(x._shape) / numel(keptShape);
  const reduced = x._shape.map((_, d) => d).filter((d) => keptShape[d] === 1);
  const emptyDims = Array.isArray(dim) && dim.length === 0;
  const varBackward = (grad: Tensor): Tensor => varBackwardOf(x, grad, keptShape, keepdim, all || emptyDims, correction, count, reduced, emptyDims);
  return recordNode(result, takeSqrt ? 'StdBackward0' : 'VarBackward0', [x], takeSqrt ? [x, result] : [x], (g, _needs, node) => {
    if (!takeSqrt) return [varBackward(g)];
    // std_backward: var_backward((grad / (result * 2)).masked_fill_(result == 0, 0))
    const y = savedOutput(node);
    return [varBackward(at.maskedFill(at.div(g, at.mulScalar(y, 2, true)), maskOf(y, (v) => v === 0), 0))];
  }, false);
}

/** var_backward: (2 / (n - correction)) * grad * (self - self.mean(dim, true)); all dims: n == correction gives inf * grad. */
function varBackwardOf(
  x: Tensor,
  grad: Tensor,
  keptShape: readonly number[],
  keepdim: boolean,
  all: boolean,
  correction: number,
  count: number,
  reduced: readonly number[],
  emptyDims = false,
): Tensor {
  if (x.ndim === 0 || all) {
    // NOTE: dim=[] reduces everything, but var_backward's _safe_size of no dims is 1: 2 / (1 - correction)
    const n = emptyDims ? 1 : x.numel();
    if (n === correction && !emptyDims) return at.mulScalar(grad, Infinity); // grad's own shape: PyTorch then rejects a 0-d grad of a [1] input
    return at.mul(at.mulScalar(grad, 2 / (n - correction)), at.sub(x, at.meanDims(x, null)));
  }
  const g = restoreDims(grad, keptShape, keepdim || x.ndim <= 1);
  return at.mul(at.mulScalar(g, 2 / (count - correction)), at.sub(x, at.meanDims(x, [...reduced])));
}

export function variance(x: Tensor, ...args: VarArgs): Tensor {
  return varStd(x, args, false);
}

export function std(x: Tensor, ...args: VarArgs): Tensor {
  return varStd(x, args, true);
}

// ---- var_mean, std_mean ----

/**
 * WelfordOps over one group in double, element by element as binary_kernel_reduce runs it:
 * delta = x - mean, mean += delta / n, m2 += delta·(x - mean) (one fused multiply-add, as GCC contracts it).
 */
function welford(vals: readonly number[]): [mean: number, m2: number] {
  let mean = 0;
  let m2 = 0;
  for (let i = 0; i < vals.length; i++) {
    const delta = vals[i] - mean;
    mean = mean + delta / (i + 1);
    m2 = fma(delta, vals[i] - mean, m2);
  }
  return [mean, m2];
}

/**
 * var_mean / std_mean: one Welford pass per output (std_var_mean_out always takes it), one node with two
 * outputs (VarMeanBackward0 / StdMeanBackward0) whose formula is var_mean_backward / std_mean_backward:
 * var_backward (std_backward) of the first output's gradient plus mean_backward of the second's.
 */
function moments(x: Tensor, args: VarArgs, takeSqrt: boolean): [Tensor, Tensor] {
  const name = takeSqrt ? 'std_mean' : 'var_mean';
  if (!isFloating(x._dtype)) throw new RuntimeError(`${name} only support floating point and complex dtypes`);
  const { dim, correction, keepdim } = parse(name, args);
  const { keptShape, outShape, count, dims } = reducedShapes(x._shape, dim, keepdim);
  const spread = allocStorage(x._dtype, numel(keptShape));
  const centre = allocStorage(x._dtype, numel(keptShape));
  groupsOf(x, keptShape).forEach((vals, g) => {
    // an empty reduction is NaN in both outputs
    const [m, m2] = vals.length === 0 ? [NaN, NaN] : welford(vals);
    const divisor = vals.length > correction ? vals.length - correction : 0;
    const v = m2 / divisor;
    spread[g] = takeSqrt ? Math.sqrt(v) : v;
    centre[g] = m;
  });
  const first = new Tensor(spread, outShape);
  const second = new Tensor(centre, outShape);
  if (!shouldRecord(x)) return [first, second];
  attach(first, takeSqrt ? 'StdMeanBackward0' : 'VarMeanBackward0', [x], null, takeSqrt ? [x, first] : [x], null, null);
  const node = first._recordedGradFn as Node;
  // var_backward's full-reduction formula is for no dim given; a dim list covering every dim takes the other
  const all = dim === null || dim === undefined;
  const reduced = dims;
  const meanBackward = (gm: Tensor): Tensor => {
    let g = gm;
    if (!keepdim && reduced !== null && reduced.length < x.ndim && x.ndim > 0) for (const d of reduced.slice().sort((p, q) => p - q)) g = at.unsqueeze(g, d);
    return at.divScalar(at.expand(g, x._shape), count, true);
  };
  node._setOutputs([first, second].map((o) => ({ shape: o._shape.slice(), dtype: o._dtype })), (grads) => {
    const [gs, gm] = grads as [Tensor | null, Tensor | null];
    let gself: Tensor | null = null;
    if (gs !== null) {
      const gv = takeSqrt ? at.maskedFill(at.div(gs, at.mulScalar(first, 2, true)), maskOf(first, (v) => v === 0), 0) : gs;
      const emptyDims = Array.isArray(dim) && dim.length === 0;
      gself = varBackwardOf(x, gv, keptShape, keepdim, all || emptyDims, correction, count, reduced ?? [], emptyDims);
    }
    if (gm !== null) gself = gself === null ? meanBackward(gm) : at.add(gself, meanBackward(gm));
    return [gself];
  });
  second._setOutput(node, 1);
  return [first, second];
}

/** `torch.var_mean(input, dim, unbiased, keepdim)` or `(input, dim, { correction, keepdim })`: [var, mean]. */
export function var_mean(x: Tensor, ...args: VarArgs): [Tensor, Tensor] {
  return moments(x, args, false);
}

/** `torch.std_mean(...)`, as var_mean: [std, mean]. */
export function std_mean(x: Tensor, ...args: VarArgs): [Tensor, Tensor] {
  return moments(x, args, true);
}
