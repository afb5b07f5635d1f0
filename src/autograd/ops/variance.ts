// var and std with PyTorch 1.13's signatures: var(), var(unbiased), var(dim, unbiased, keepdim) and
// var(dim, { correction, keepdim }). Sums of squared deviations in float64, divided by max(0, n - correction).

import { ArgumentTypeError } from '../../errors.js';
import { allocStorage } from '../../tensor/dtype.js';
import { numel } from '../../tensor/shape.js';
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
  const varBackward = (grad: Tensor): Tensor => {
    // var_backward: (2 / (n - correction)) * grad * (self - self.mean(dim, true)); all dims: n == correction gives inf * grad
    if (x.ndim === 0 || all) {
      if (x.numel() === correction) return at.mulScalar(grad, Infinity); // grad's own shape: PyTorch then rejects a 0-d grad of a [1] input
      return at.mul(at.mulScalar(grad, 2 / (x.numel() - correction)), at.sub(x, at.meanDims(x, null)));
    }
    const g = restoreDims(grad, keptShape, keepdim || x.ndim <= 1);
    return at.mul(at.mulScalar(g, 2 / (count - correction)), at.sub(x, at.meanDims(x, reduced)));
  };
  return recordNode(result, takeSqrt ? 'StdBackward0' : 'VarBackward0', [x], takeSqrt ? [x, result] : [x], (g, _needs, node) => {
    if (!takeSqrt) return [varBackward(g)];
    // std_backward: var_backward((grad / (result * 2)).masked_fill_(result == 0, 0))
    const y = savedOutput(node);
    return [varBackward(at.maskedFill(at.div(g, at.mulScalar(y, 2, true)), maskOf(y, (v) => v === 0), 0))];
  }, false);
}

export function variance(x: Tensor, ...args: VarArgs): Tensor {
  return varStd(x, args, false);
}

export function std(x: Tensor, ...args: VarArgs): Tensor {
  return varStd(x, args, true);
}
