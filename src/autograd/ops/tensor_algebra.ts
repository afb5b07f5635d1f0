// The unary derivative formulas (unary.ts) over tensors: each step an op that records its node, as the
// C++ formula does. A number meets a tensor as C++'s Scalar overloads do: `t * 2` is mul.Scalar
// (MulBackward1), `t + 1` add.Scalar (AddBackward1), and `1 - t` is ATen's empty_like(t).fill_(1).sub_(t)
// (SubBackward0 over a constant).

import type { Tensor } from '../../tensor/tensor.js';
import { at } from './at.js';
import type { Algebra } from './unary.js';

type Operand = Tensor | number;

function tensorOf(a: Operand, like: Tensor): Tensor {
  return typeof a === 'number' ? at.full(like._shape, a, like._dtype) : a;
}

export const tensorAlgebra: Algebra<Tensor> = {
  add(a, b) {
    if (typeof a === 'number') return at.addScalar(b as Tensor, a);
    return typeof b === 'number' ? at.addScalar(a, b) : at.add(a, b);
  },
  sub(a, b) {
    if (typeof a === 'number') return at.sub(tensorOf(a, b as Tensor), b as Tensor);
    return typeof b === 'number' ? at.subScalar(a, b) : at.sub(a, b);
  },
  mul(a, b) {
    // a literal in the C++ formula: 2 is an integer Scalar, 0.5 and M_LN2 floating ones
    if (typeof a === 'number') return at.mulScalar(b as Tensor, a, Number.isInteger(a));
    return typeof b === 'number' ? at.mulScalar(a, b, Number.isInteger(b)) : at.mul(a, b);
  },
  div(a, b) {
    if (typeof a === 'number') return at.div(tensorOf(a, b as Tensor), b as Tensor);
    return typeof b === 'number' ? at.divScalar(a, b, Number.isInteger(b)) : at.div(a, b);
  },
  neg: (a) => at.neg(a),
  sqrt: (a) => at.sqrt(a),
  sin: (a) => at.sin(a),
  cos: (a) => at.cos(a),
  sinh: (a) => at.sinh(a),
  cosh: (a) => at.cosh(a),
  exp: (a) => at.exp(a),
  erfinv: (a) => at.erfinv(a),
  sgn: (a) => at.sgn(a),
  rsqrt: (a) => at.rsqrt(a),
  pow: (a, e) => at.powScalar(a, e),
  zerosLike: (a) => at.zerosLike(a),
  keepWherePositive: (a, by) => at.thresholdBackward(a, by, 0),
  tanhBackward: (g, y) => at.tanhBackward(g, y),
  sigmoidBackward: (g, y) => at.sigmoidBackward(g, y),
};
