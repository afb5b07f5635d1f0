// Binds the at:: namespace of derivative formulas (at.ts) to the ops, and gives the engine the few
// tensor ops its own bookkeeping records with create_graph (summing gradients, sum_to, casts, the
// copies AccumulateGrad and retain_grad make). Imported by the registry, so loaded with any op.

import type { Tensor } from '../../tensor/tensor.js';
import { installGraphOps } from '../../tensor/autograd/engine.js';
import type { GraphTensor } from '../../tensor/autograd/node.js';
import { applyBinary, applyUnary, binaryOps, powScalar } from './elementwise.js';
import { unaryOps } from './unary.js';
import * as bw from './backward_ops.js';
import { expand, mean, sum, sumToShape } from './reduce.js';
import { asStrided, asStridedBackward, clone, reshape, squeeze, t, toDtype, transpose, unsafeView, unsqueeze, view } from './shape.js';
import { bmm, matmul } from './matmul.js';
import { copy_ } from './inplace.js';
import { mseLossBackward } from './nn_grad.js';
import { asStridedGeom, asStridedGeomBackward, select } from './views.js';
import { cat, stack } from './cat.js';
import { at } from './at.js';

Object.assign(at, {
  add: (a, b) => applyBinary(binaryOps.add, a, b),
  sub: (a, b) => applyBinary(binaryOps.sub, a, b),
  mul: (a, b) => applyBinary(binaryOps.mul, a, b),
  div: (a, b) => applyBinary(binaryOps.div, a, b),
  pow: (a, b) => applyBinary(binaryOps.pow, a, b),
  powScalar,
  addScalar: bw.addScalar,
  subScalar: bw.subScalar,
  mulScalar: bw.mulScalar,
  divScalar: bw.divScalar,
  neg: (a) => applyUnary(unaryOps.neg, a),
  exp: (a) => applyUnary(unaryOps.exp, a),
  log: (a) => applyUnary(unaryOps.log, a),
  sqrt: (a) => applyUnary(unaryOps.sqrt, a),
  reciprocal: (a) => applyUnary(unaryOps.reciprocal, a),
  rsqrt: (a) => applyUnary(unaryOps.rsqrt, a),
  sin: (a) => applyUnary(unaryOps.sin, a),
  cos: (a) => applyUnary(unaryOps.cos, a),
  sinh: (a) => applyUnary(unaryOps.sinh, a),
  cosh: (a) => applyUnary(unaryOps.cosh, a),
  sigmoid: (a) => applyUnary(unaryOps.sigmoid, a),
  tanh: (a) => applyUnary(unaryOps.tanh, a),
  sgn: bw.sgn,
  tanhBackward: bw.tanhBackward,
  sigmoidBackward: bw.sigmoidBackward,
  thresholdBackward: bw.thresholdBackward,
  where: bw.where,
  maskedFill: bw.maskedFill,
  maskedFillTensor: bw.maskedFillTensor,
  maskedSelect: bw.maskedSelect,
  maskedScatter: bw.maskedScatter,
  full: bw.full,
  zerosLike: bw.zerosLike,
  sum: (x, dims, keepdim) => (dims === null ? sum(x) : sum(x, dims, keepdim)),
  meanDims: (x, dims) => (dims === null ? mean(x) : mean(x, dims, true)),
  expand,
  sumTo: sumToShape,
  reshape,
  view,
  unsafeView,
  asStrided,
  asStridedGeom,
  unsqueeze,
  squeeze: (x, dim) => (dim === undefined ? squeeze(x) : squeeze(x, dim)),
  t,
  transpose,
  clone,
  toDtype,
  mm: matmul,
  mv: matmul,
  dot: matmul,
  bmm,
  copy_,
  mseLossBackward,
  select,
  cat,
  stack,
  logSigmoid: bw.logSigmoid,
  logSigmoidBackward: bw.logSigmoidBackward,
} satisfies typeof at);

const asTensor = (g: GraphTensor): Tensor => g as Tensor;

installGraphOps({
  add: (a, b) => at.add(asTensor(a), asTensor(b)),
  sumTo: (g, shape) => sumToShape(asTensor(g), shape),
  cast: (g, dtype) => toDtype(asTensor(g), dtype),
  clone: (g) => clone(asTensor(g)),
  // AccumulateGrad's clone_obey_contract: new_empty_strided(...).copy_(grad), a CopyBackwards node
  copyGrad: (g) => copy_(bw.zerosLike(asTensor(g)), asTensor(g)),
  asStridedBackward: (g, shape, geom) =>
    geom === null || geom === undefined ? asStridedBackward(asTensor(g), shape) : asStrided(asStridedGeomBackward(asTensor(g), shape, geom), shape),
});
