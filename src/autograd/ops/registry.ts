// The op registry: one entry per op a user can call, with every spelling of it. The Tensor methods
// (ops/methods.ts), the torch.* functions (functions.generated.ts), the in-place variants and the
// functions of the expression language (expr/evaluate.ts) are all derived from this table, and so are
// their types: adding an op is one entry here (a unary elementwise op: one line in unary.ts) plus its
// PyTorch fixture cases.

import { ArgumentTypeError, IndexError, RuntimeError, ValueError } from '../../errors.js';
import { canCast, isFloating, scalarTypeName, tensorTypeName, toDType, TorchDType, type DType, type DTypeArg } from '../../tensor/dtype.js';
import { no_grad } from '../../tensor/autograd/grad_mode.js';
import { Tensor } from '../../tensor/tensor.js';
import { isContiguousStrides, pointwiseStrides } from '../../tensor/strided.js';
import { normalizeDim } from '../../tensor/shape.js';
import { virtualStrides } from './strides.js';
import { add, add_, div, div_, floor_divide, true_divide, mul, mul_, pow, rsub, sub, sub_, type TensorLike } from './arithmetic.js';
import { applyUnary, powScalar } from './elementwise.js';
import { applyInplace, copy_, fill_, zero_ } from './inplace.js';
import { matmul, mm } from './matmul.js';
import { binary_cross_entropy_with_logits, linear, mse_loss } from './nn.js';
import { binary_cross_entropy } from './bce.js';
import { cross_entropy } from './cross_entropy.js';
import { gaussian_nll_loss } from './gaussian_nll.js';
import { huber_loss, l1_loss, smooth_l1_loss } from './losses.js';
import { nll_loss } from './nll.js';
import { log_softmax, softmax } from './softmax.js';
import { mean, sum, type DimArg } from './reduce.js';
import { kthvalue, max, median, min, mode, nanmedian } from './value_select.js';
import { argsort, msort, sort, topk } from './sort.js';
import { gather, scatter, scatter_add, take_along_dim, type ScatterReduce } from './scatter.js';
import { allclose, isclose } from './closeness.js';
import { clone, flatten, reshape, squeeze, t, toDtype, transpose, unflatten, unsqueeze, view } from './shape.js';
import { all, any, argmax, argmin, count_nonzero } from './reduce_index.js';
import { eq, ge, gt, isfinite, isinf, isnan, le, logical_and, logical_not, logical_or, logical_xor, lt, ne } from './compare.js';
import { elu, elu_, gelu, leaky_relu, leaky_relu_, silu, softplus } from './activations.js';
import { embedding } from './embedding.js';
import { squeeze_, t_, transpose_, unsqueeze_ } from './views_inplace.js';
import { cosine_similarity, kl_div, normalize, one_hot, pairwise_distance } from './similarity.js';
import { celu, celu_, hardsigmoid, hardswish, hardtanh, hardtanh_, logsigmoid, mish, relu6, selu, selu_, softmin, softsign } from './activations_more.js';
import { unaryOps, type UnarySpec } from './unary.js';
import { clamp, clamp_, clamp_max, clamp_max_, clamp_min, clamp_min_ } from './clamp.js';
import { atan2, fmod, hypot, inplace2, lerp, logaddexp, maximum, minimum, remainder, round, round_ } from './pointwise.js';
import { amax, amin, cumprod, cumsum, logsumexp, prod } from './reductions.js';
import { std, std_mean, var_mean, variance } from './variance.js';
import { addmm, bmm, dot, mv, outer } from './products.js';
import { einsum } from './einsum.js';
import { norm as linalgNorm, tensorNorm, vector_norm } from './norms.js';
import { expand, expand_as, flip, matrixT, movedim, numpyT, permute, repeat, roll, tile } from './reorder.js';
import { cat, chunk, meshgrid, split, stack, unbind } from './cat.js';
import { diag, tril, triu } from './triangle.js';
import { asTensor, type TypedArray } from '../../tensor/factories.js';
import type { NestedData } from '../../tensor/nested.js';
import { getitem, setitem } from './indexing.js';
import { index_put, index_put_, nonzero } from './advanced_index.js';
import { narrow, select } from './views.js';
import { index_select, masked_fill, masked_fill_, masked_select, take, where, whereMethod } from './index_ops.js';
import { cpu, element_size, is_complex, is_tensor, numel, positive, ravel } from './tensor_info.js';
import { new_empty, new_full, new_ones, new_tensor, new_zeros, randint_like, range } from './new_factories.js';
import { bernoulli_, exponential_, normal_, random_, uniform_ } from './random_inplace.js';
import { addcdiv, addcdiv_, addcmul, addcmul_, deg2rad, logaddexp2, nan_to_num, nan_to_num_, rad2deg, signbit, trace, xlogy, xlogy_, logit } from './more_math.js';
import { diff, fill_diagonal_, nanmean, nansum } from './fill_diagonal.js';
import { cummax, cummin } from './cummax.js';
import { cross, linalg_cross } from './cross.js';
import { broadcast_tensors, column_stack, dstack, kron, repeat_interleave } from './stacking.js';
import './bind.js';

/** How an op is called in the expression language of `autograd grad` / `minimize`. */
export type ExprSpelling =
  | { kind: 'unary' }
  | { kind: 'binary'; operator: '+' | '-' | '*' | '/' | '**' }
  /** `sum(x)`, `x.sum()` or `x.sum(dim)`. */
  | { kind: 'reduce' };

type AnyFn = (...args: never[]) => unknown;

/** One op: its torch.* function and the other spellings derived from it. */
export interface OpEntry<F extends AnyFn, M extends AnyFn | null, I extends AnyFn | null, T extends boolean, P extends boolean = false> {
  /** The function: `torch.<name>` when `torch` is true. */
  fn: F;
  torch: T;
  /** `x.<name>(...)`: a function of the tensor and the method's arguments, or null for none. */
  method: M;
  /** `x.<name>_(...)`, writing the result into x, or null for none. */
  inplace: I;
  expr: ExprSpelling | null;
  /** Records a graph node: the gradcheck and fixture tests then require samples of it. */
  differentiable: boolean;
  /** The method is a property getter (`x.T`, `x.mT`): `method` takes only the tensor. */
  property: P;
}

interface Spellings<M, I, T, P> {
  torch?: T;
  method?: M;
  inplace?: I;
  expr?: ExprSpelling;
  differentiable?: boolean;
  property?: P;
  /**
   * 'pointwise': a TensorIterator op, whose result takes the layout its inputs' strides give
   * (tensor/strided.ts pointwiseStrides): `x.t().exp()` has x.t()'s strides, so `.view(-1)` of it fails
   * and `.reshape(-1)` copies, as in PyTorch. 'binary': the same, a Python number among the operands being
   * a 0-d tensor (add, mul, comparisons... wrap it), where for 'pointwise' numbers are parameters (pow, clamp).
   * 'reversed': 'binary' over its two operands in the other order (rsub is sub(other, self)).
   */
  layout?: 'pointwise' | 'binary' | 'reversed';
}

/** `f` whose new result takes the layout of a pointwise op over the tensors among its arguments. */
function pointwiseLayout<F extends AnyFn>(f: F, numbersAreOperands: boolean, reversed = false): F {
  const call = f as unknown as (...a: unknown[]) => unknown;
  const wrapped = (...given: unknown[]): unknown => {
    const out = call(...given);
    const args = reversed && given.length >= 2 ? [given[1], given[0], ...given.slice(2)] : given;
    if (!(out instanceof Tensor) || out._strides !== null) return out;
    let strided = false;
    for (const a of args) {
      if (a === out) return out;
      if (a instanceof Tensor && a._strides !== null) strided = true;
    }
    if (!strided) return out;
    const inputs = (args.filter((a) => a instanceof Tensor) as Tensor[]).map((t) => ({ shape: t._shape, strides: virtualStrides(t) }));
    out._strides = pointwiseStrides(out._shape, inputs, numbersAreOperands && args.some((a) => typeof a === 'number' || typeof a === 'boolean'));
    return out;
  };
  return wrapped as unknown as F;
}

function op<F extends AnyFn, M extends AnyFn | null = F, I extends AnyFn | null = null, T extends boolean = true, P extends boolean = false>(
  fn: F,
  s: Spellings<M, I, T, P> = {},
): OpEntry<F, M, I, T, P> {
  const layout = s.layout === undefined ? <G extends AnyFn>(g: G): G => g : <G extends AnyFn>(g: G): G => pointwiseLayout(g, s.layout !== 'pointwise', s.layout === 'reversed');
  const method = s.method === undefined ? fn : s.method;
  return {
    fn: layout(fn),
    torch: (s.torch ?? true) as T,
    method: (method === null ? null : layout(method as unknown as AnyFn)) as M,
    inplace: (s.inplace ?? null) as I,
    expr: s.expr ?? null,
    differentiable: s.differentiable ?? true,
    property: (s.property ?? false) as P,
  };
}

type Unary = (x: Tensor) => Tensor;

/** A unary elementwise op: function, method, in-place method and expression function. */
function unaryEntry(spec: UnarySpec): OpEntry<Unary, Unary, Unary, true> {
  const fn: Unary = (x) => applyUnary(spec, x);
  return op(fn, { inplace: (x: Tensor) => applyInplace(x, null, (a) => fn(a)), expr: { kind: 'unary' }, layout: 'pointwise' });
}

/** Another spelling of a unary op (absolute, arccos, ...): function, method and in-place, not in the expression language. */
function aliasEntry(spec: UnarySpec): OpEntry<Unary, Unary, Unary, true> {
  const fn: Unary = (x) => applyUnary(spec, x);
  return op(fn, { inplace: (x: Tensor) => applyInplace(x, null, (a) => fn(a)), layout: 'pointwise' });
}

type UnaryEntries = { [K in keyof typeof unaryOps]: OpEntry<Unary, Unary, Unary, true> };

function unaryEntries(): UnaryEntries {
  const out: Partial<Record<keyof typeof unaryOps, OpEntry<Unary, Unary, Unary, true>>> = {};
  for (const name of Object.keys(unaryOps) as Array<keyof typeof unaryOps>) out[name] = unaryEntry(unaryOps[name]);
  return out as UnaryEntries;
}

/** `a.sum()`, `a.sum(1)`, `a.sum(-1, true)`, `a.sum([0, 2])` or `a.sum({ dim: -1, keepdim: true })`. */
export type ReduceArgs = [] | [DimArg] | [DimArg, boolean] | [{ dim?: DimArg; keepdim?: boolean }];

function reduceArgs(args: ReduceArgs): [DimArg, boolean] {
  const [first, second] = args as [unknown, unknown];
  if (first !== null && typeof first === 'object' && !Array.isArray(first)) {
    const o = first as { dim?: DimArg; keepdim?: boolean };
    return [o.dim, o.keepdim ?? false];
  }
  return [first as DimArg, (second as boolean | undefined) ?? false];
}

type ShapeArgs = Array<number | readonly number[]>;

function shapeArgs(args: ShapeArgs): number[] {
  return args.length === 1 && Array.isArray(args[0]) ? (args[0] as number[]).slice() : (args as number[]);
}

/** `x.contiguous()`: x itself when PyTorch's x is contiguous, else a contiguous copy (CloneBackward0). */
function contiguous(x: Tensor): Tensor {
  if (isContiguousStrides(x._shape, virtualStrides(x))) return x;
  const copy = clone(x);
  copy._strides = null;
  return copy;
}

/** `x.stride()`: the strides PyTorch's tensor has, in elements; `x.stride(d)`: one of them. */
function stride(x: Tensor, dim?: number): number[] | number {
  const strides = virtualStrides(x).slice();
  if (dim !== undefined && x.ndim === 0) throw new IndexError(`Dimension specified as ${dim} but tensor has no dimensions`);
  return dim === undefined ? strides : strides[normalizeDim(dim, x.ndim)];
}

const square: Unary = (x) => powScalar(x, 2); // PyTorch's square is pow(x, 2): PowBackward0

function square_(x: Tensor): Tensor {
  // NOTE: pow_'s own check of a bool self against its Long result, before the in-place cast check
  if (x._dtype === 'bool') throw new RuntimeError('Found dtype Bool but expected Long');
  return applyInplace(x, null, (a) => square(a));
}

export const registry = {
  add: op(add, { inplace: add_, expr: { kind: 'binary', operator: '+' }, layout: 'binary' }),
  sub: op(sub, { inplace: sub_, expr: { kind: 'binary', operator: '-' }, layout: 'binary' }),
  mul: op(mul, { inplace: mul_, expr: { kind: 'binary', operator: '*' }, layout: 'binary' }),
  div: op(div, { inplace: div_, expr: { kind: 'binary', operator: '/' }, layout: 'binary' }),
  divide: op(div, { inplace: div_, layout: 'binary' }),
  true_divide: op(true_divide, { inplace: (x: Tensor, other: TensorLike) => div_(x, other), layout: 'binary' }),
  floor_divide: op(floor_divide, { differentiable: false, inplace: (x: Tensor, other: TensorLike) => applyInplace(x, other instanceof Tensor ? other : null, (a) => floor_divide(a, other)), layout: 'binary' }),
  pow: op(pow, { inplace: pow_, expr: { kind: 'binary', operator: '**' }, layout: 'pointwise' }),
  rsub: op(rsub, { layout: 'reversed' }),
  ...unaryEntries(),
  square: op(square, { inplace: square_, expr: { kind: 'unary' }, layout: 'pointwise' }),
  sum: op(sum, { method: (x: Tensor, ...args: ReduceArgs) => sum(x, ...reduceArgs(args)), expr: { kind: 'reduce' } }),
  mean: op(mean, { method: (x: Tensor, ...args: ReduceArgs) => mean(x, ...reduceArgs(args)), expr: { kind: 'reduce' } }),
  min: op(min),
  max: op(max),
  norm: op(tensorNorm),
  matmul: op(matmul),
  mm: op(mm, { differentiable: false }),
  t: op(t, { inplace: t_ }),
  transpose: op(transpose, { inplace: transpose_ }),
  reshape: op(reshape, { method: (x: Tensor, ...shape: ShapeArgs) => reshape(x, shapeArgs(shape)) }),
  view: op(view, { torch: false, method: (x: Tensor, ...shape: ShapeArgs) => view(x, shapeArgs(shape)) }),
  unsqueeze: op(unsqueeze, { inplace: unsqueeze_ }),
  squeeze: op(squeeze, { inplace: squeeze_ }),
  clone: op(clone, { layout: 'pointwise' }),
  contiguous: op(contiguous, { torch: false }),
  is_contiguous: op((x: Tensor) => isContiguousStrides(x._shape, virtualStrides(x)), { torch: false, differentiable: false }),
  stride: op(stride, { torch: false, differentiable: false }),
  storage_offset: op((x: Tensor) => x._ptOffset, { torch: false, differentiable: false }),
  to: op(toDtype, { torch: false, method: toDtypeChecked, layout: 'pointwise' }),
  type: op(toDtype, { torch: false, differentiable: false, method: typeMethod, layout: 'pointwise' }),
  float: op((x: Tensor) => toDtype(x, 'float32'), { torch: false, differentiable: false, layout: 'pointwise' }),
  double: op((x: Tensor) => toDtype(x, 'float64'), { torch: false, differentiable: false, layout: 'pointwise' }),
  long: op((x: Tensor) => toDtype(x, 'int64'), { torch: false, differentiable: false, layout: 'pointwise' }),
  int: op((x: Tensor) => toDtype(x, 'int32'), { torch: false, differentiable: false, layout: 'pointwise' }),
  short: op((x: Tensor) => toDtype(x, 'int16'), { torch: false, differentiable: false, layout: 'pointwise' }),
  char: op((x: Tensor) => toDtype(x, 'int8'), { torch: false, differentiable: false, layout: 'pointwise' }),
  byte: op((x: Tensor) => toDtype(x, 'uint8'), { torch: false, differentiable: false, layout: 'pointwise' }),
  bool: op((x: Tensor) => toDtype(x, 'bool'), { torch: false, differentiable: false, layout: 'pointwise' }),
  is_floating_point: op((x: Tensor) => isFloating(x._dtype), { differentiable: false }),
  zero_: op(zero_, { torch: false, differentiable: false }),
  fill_: op(fill_, { torch: false, differentiable: false }),
  copy_: op(copy_, {
    torch: false,
    differentiable: false,
    method: (x: Tensor, src: Tensor) => {
      if (!(src instanceof Tensor)) throw new ArgumentTypeError('copy_(): argument src must be a Tensor');
      return copy_(x, src);
    },
  }),
  equal: op(equal, { differentiable: false }),
  isclose: op(isclose, { differentiable: false }),
  allclose: op(allclose, { differentiable: false }),
  // torch.nn.functional's: entries so that they are checked like every op, spelled in nn/functional.ts
  linear: op(linear, { torch: false, method: null }),
  mse_loss: op(mse_loss, { torch: false, method: null }),
  binary_cross_entropy_with_logits: op(binary_cross_entropy_with_logits, { torch: false, method: null }),
  l1_loss: op(l1_loss, { torch: false, method: null }),
  huber_loss: op(huber_loss, { torch: false, method: null }),
  smooth_l1_loss: op(smooth_l1_loss, { torch: false, method: null }),
  binary_cross_entropy: op(binary_cross_entropy, { torch: false, method: null }),
  nll_loss: op(nll_loss, { torch: false, method: null }),
  cross_entropy: op(cross_entropy, { torch: false, method: null }),
  gaussian_nll_loss: op(gaussian_nll_loss, { torch: false, method: null }),
  flatten: op(flatten),
  unflatten: op(unflatten),
  leaky_relu: op(leaky_relu, { torch: false, method: null, layout: 'pointwise' }),
  softplus: op(softplus, { torch: false, method: null, layout: 'pointwise' }),
  gelu: op(gelu, { torch: false, method: null, layout: 'pointwise' }),
  elu: op(elu, { torch: false, method: null, layout: 'pointwise' }),
  silu: op(silu, { torch: false, method: null, layout: 'pointwise' }),
  leaky_relu_: op(leaky_relu_, { torch: false, method: null }),
  elu_: op(elu_, { torch: false, method: null }),
  relu6: op(relu6, { torch: false, method: null, layout: 'pointwise' }),
  hardtanh: op(hardtanh, { torch: false, method: null, layout: 'pointwise' }),
  hardtanh_: op(hardtanh_, { torch: false, method: null }),
  selu: op(selu, { method: null, layout: 'pointwise' }),
  selu_: op(selu_, { method: null }),
  celu: op(celu, { method: null, layout: 'pointwise' }),
  celu_: op(celu_, { method: null }),
  mish: op(mish, { torch: false, method: null, layout: 'pointwise' }),
  hardsigmoid: op(hardsigmoid, { torch: false, method: null, layout: 'pointwise' }),
  hardswish: op(hardswish, { torch: false, method: null, layout: 'pointwise' }),
  logsigmoid: op(logsigmoid, { torch: false, method: null, layout: 'pointwise' }),
  softsign: op(softsign, { torch: false, method: null }),
  softmin: op(softmin, { torch: false, method: null }),
  one_hot: op(one_hot, { torch: false, method: null, differentiable: false }),
  normalize: op(normalize, { torch: false, method: null }),
  cosine_similarity: op(cosine_similarity, { method: null }),
  pairwise_distance: op(pairwise_distance, { method: null }),
  kl_div: op(kl_div, { torch: false, method: null }),
  embedding: op(embedding, { torch: false, method: null }),
  softmax: op(softmax),
  log_softmax: op(log_softmax),
  eq: op(eq, { differentiable: false, layout: 'binary' }),
  ne: op(ne, { differentiable: false, layout: 'binary' }),
  lt: op(lt, { differentiable: false, layout: 'binary' }),
  le: op(le, { differentiable: false, layout: 'binary' }),
  gt: op(gt, { differentiable: false, layout: 'binary' }),
  ge: op(ge, { differentiable: false, layout: 'binary' }),
  logical_and: op(logical_and, { differentiable: false, layout: 'pointwise' }),
  logical_or: op(logical_or, { differentiable: false, layout: 'pointwise' }),
  logical_xor: op(logical_xor, { differentiable: false, layout: 'pointwise' }),
  logical_not: op(logical_not, { differentiable: false, layout: 'pointwise' }),
  isnan: op(isnan, { differentiable: false, layout: 'pointwise' }),
  isinf: op(isinf, { differentiable: false, layout: 'pointwise' }),
  isfinite: op(isfinite, { differentiable: false, layout: 'pointwise' }),
  argmax: op(argmax, { differentiable: false }),
  argmin: op(argmin, { differentiable: false }),
  any: op(any, { differentiable: false }),
  all: op(all, { differentiable: false }),
  count_nonzero: op(count_nonzero, { differentiable: false }),
  // math (issue 15): elementwise
  round: op(round, { inplace: round_, expr: { kind: 'unary' }, layout: 'pointwise' }),
  clamp: op(clamp, { inplace: clamp_, layout: 'pointwise' }),
  clip: op(clamp, { inplace: clamp_, layout: 'pointwise' }),
  clamp_min: op(clamp_min, { inplace: clamp_min_, layout: 'pointwise' }),
  clamp_max: op(clamp_max, { inplace: clamp_max_, layout: 'pointwise' }),
  maximum: op(maximum, { layout: 'pointwise' }),
  minimum: op(minimum, { layout: 'pointwise' }),
  fmod: op(fmod, { inplace: inplace2(fmod), layout: 'binary' }),
  remainder: op(remainder, { inplace: inplace2(remainder), layout: 'binary' }),
  lerp: op(lerp, { inplace: inplace2(lerp), layout: 'pointwise' }),
  hypot: op(hypot, { inplace: inplace2(hypot), layout: 'pointwise' }),
  atan2: op(atan2, { inplace: inplace2(atan2), layout: 'pointwise' }),
  logaddexp: op(logaddexp, { layout: 'pointwise' }),
  // reductions
  prod: op(prod),
  cumsum: op(cumsum),
  cumprod: op(cumprod),
  var: op(variance),
  std: op(std),
  var_mean: op(var_mean, { method: null }),
  std_mean: op(std_mean, { method: null }),
  logsumexp: op(logsumexp),
  amax: op(amax),
  amin: op(amin),
  // products
  dot: op(dot),
  mv: op(mv),
  bmm: op(bmm),
  outer: op(outer),
  ger: op(outer),
  addmm: op(addmm),
  einsum: op(einsum, { method: null }),
  // torch.linalg's (spelled in linalg.ts)
  linalg_vector_norm: op(vector_norm, { torch: false, method: null }),
  linalg_norm: op(linalgNorm, { torch: false, method: null }),
  permute: op(permute),
  movedim: op(movedim),
  T: op(numpyT, { torch: false, property: true }),
  mT: op(matrixT, { torch: false, property: true }),
  flip: op(flip),
  roll: op(roll),
  repeat: op(repeat, { torch: false }),
  tile: op(tile),
  expand: op(expand, { torch: false }),
  expand_as: op(expand_as, { torch: false }),
  cat: op(cat, { method: null }),
  stack: op(stack, { method: null }),
  split: op(split),
  chunk: op(chunk),
  unbind: op(unbind),
  meshgrid: op(meshgrid, { method: null }),
  as_tensor: op((data: Tensor | TypedArray | NestedData, options: { dtype?: DTypeArg } = {}) => asTensor(data, options, toDtype), { method: null, differentiable: false }),
  tril: op(tril),
  triu: op(triu),
  diag: op(diag),
  // sorting and selection (issue 15)
  median: op(median),
  nanmedian: op(nanmedian),
  mode: op(mode),
  kthvalue: op(kthvalue),
  sort: op(sort),
  argsort: op(argsort, { differentiable: false }),
  msort: op(msort),
  topk: op(topk),
  gather: op(gather),
  scatter: op(scatter, { inplace: (x: Tensor, dim: number, index: Tensor, src: Tensor | number, options: { reduce?: ScatterReduce } = {}): Tensor => applyInplace(x, src instanceof Tensor ? src : null, (a) => scatter(a, dim, index, src, options)) }),
  scatter_add: op(scatter_add, { inplace: (x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor => applyInplace(x, src, (a) => scatter_add(a, dim, index, src)) }),
  take_along_dim: op(take_along_dim),
  // indexing (issue 15, item 2): x[...] is x.index(...), x[...] = v is x.setitem(..., v)
  index: op(getitem, { torch: false }),
  setitem: op(setitem, { torch: false }),
  index_put: op(index_put, { inplace: index_put_ }),
  select: op(select),
  narrow: op(narrow),
  nonzero: op(nonzero, { differentiable: false }),
  index_select: op(index_select),
  masked_fill: op(masked_fill, { inplace: masked_fill_, layout: 'pointwise' }),
  masked_select: op(masked_select),
  take: op(take),
  where: op(where, { method: whereMethod, layout: 'binary' }),
  // aliases: PyTorch's other spellings, each the target op (and its grad_fn)
  absolute: aliasEntry(unaryOps.abs),
  arccos: aliasEntry(unaryOps.acos),
  arcsin: aliasEntry(unaryOps.asin),
  arctan: aliasEntry(unaryOps.atan),
  fix: aliasEntry(unaryOps.trunc),
  negative: aliasEntry(unaryOps.neg),
  arctan2: op(atan2, { inplace: inplace2(atan2), layout: 'pointwise' }),
  multiply: op(mul, { inplace: mul_, layout: 'binary' }),
  subtract: op(sub, { inplace: sub_, layout: 'binary' }),
  positive: op(positive, { differentiable: false }),
  concat: op(cat, { method: null }),
  concatenate: op(cat, { method: null }),
  swapaxes: op((input: Tensor, axis0: number, axis1: number) => transpose(input, axis0, axis1)),
  swapdims: op((input: Tensor, dim0: number, dim1: number) => transpose(input, dim0, dim1)),
  moveaxis: op(movedim),
  ravel: op(ravel),
  numel: op(numel, { method: null, differentiable: false }),
  is_tensor: op(is_tensor, { method: null, differentiable: false }),
  is_complex: op(is_complex, { differentiable: false }),
  cpu: op(cpu, { torch: false, differentiable: false }),
  element_size: op(element_size, { torch: false, differentiable: false }),
  range: op(range, { method: null, differentiable: false }),
  // factories from a tensor: its dtype unless given
  new_zeros: op(new_zeros, { torch: false, differentiable: false }),
  new_ones: op(new_ones, { torch: false, differentiable: false }),
  new_empty: op(new_empty, { torch: false, differentiable: false }),
  new_full: op(new_full, { torch: false, differentiable: false }),
  new_tensor: op(new_tensor, { torch: false, differentiable: false }),
  randint_like: op(randint_like, { method: null, differentiable: false }),
  type_as: op((input: Tensor, other: Tensor) => toDtype(input, other.dtype), { torch: false, layout: 'pointwise' }),
  view_as: op((input: Tensor, other: Tensor) => view(input, other._shape), { torch: false }),
  reshape_as: op((input: Tensor, other: Tensor) => reshape(input, other._shape), { torch: false }),
  // in-place draws from the default generator (or { generator }), PyTorch's CPU kernels bit for bit
  uniform_: op(uniform_, { torch: false, differentiable: false }),
  normal_: op(normal_, { torch: false, differentiable: false }),
  random_: op(random_, { torch: false, differentiable: false }),
  exponential_: op(exponential_, { torch: false, differentiable: false }),
  bernoulli_: op(bernoulli_, { torch: false, differentiable: false }),
  // more math (more_math.ts), and spellings over existing ops
  addcmul: op(addcmul, { inplace: addcmul_ }),
  addcdiv: op(addcdiv, { inplace: addcdiv_ }),
  xlogy: op(xlogy, { inplace: xlogy_ }),
  logaddexp2: op(logaddexp2, { layout: 'pointwise' }),
  deg2rad: op(deg2rad, { inplace: inplace1(deg2rad), layout: 'pointwise' }),
  rad2deg: op(rad2deg, { inplace: inplace1(rad2deg), layout: 'pointwise' }),
  nan_to_num: op(nan_to_num, { inplace: nan_to_num_, layout: 'pointwise' }),
  trace: op(trace),
  signbit: op(signbit, { differentiable: false, layout: 'pointwise' }),
  sgn: aliasEntry({ ...unaryOps.sign, name: 'SgnBackward0' }),
  broadcast_to: op((input: Tensor, size: readonly number[]) => expand(input, size)),
  hstack: op(hstack, { method: null }),
  vstack: op(vstack, { method: null }),
  fill_diagonal_: op(fill_diagonal_, { torch: false }),
  nansum: op(nansum),
  nanmean: op(nanmean),
  diff: op(diff),
  cummax: op(cummax),
  kron: op(kron),
  cross: op(cross),
  linalg_cross: op(linalg_cross, { torch: false, method: null }),
  repeat_interleave: op(repeat_interleave),
  dstack: op(dstack, { method: null }),
  column_stack: op(column_stack, { method: null }),
  broadcast_tensors: op(broadcast_tensors, { method: null }),
  cummin: op(cummin),
  logit: op(logit, { inplace: (self: Tensor, eps: number | null = null) => applyInplace(self, null, (a) => logit(a, eps)), layout: 'pointwise' }),
};

/** `x.pow_(exponent)`: PowBackward0 for a number, PowBackward1 for a tensor, as the out-of-place op. */
function pow_(self: Tensor, exponent: TensorLike): Tensor {
  if (!isFloating(self._dtype)) {
    // NOTE: pow_'s own check of the result's dtype against self's comes before the in-place cast check
    const r = no_grad(() => pow(self, exponent));
    if (r._dtype !== self._dtype && !canCast(r._dtype, self._dtype)) throw new RuntimeError(`Found dtype ${scalarTypeName(self._dtype)} but expected ${scalarTypeName(r._dtype)}`);
  }
  return applyInplace(self, exponent instanceof Tensor ? exponent : null, (a) => pow(a, exponent));
}

function inplace1(f: (x: Tensor) => Tensor): (self: Tensor) => Tensor {
  return (self) => applyInplace(self, null, (a) => f(a));
}

/** at least 1-d: a 0-d tensor as [1]. */
function atleast1d(t: Tensor): Tensor {
  return t.ndim === 0 ? reshape(t, [1]) : t;
}

/** `torch.hstack(tensors)`: cat along dim 0 of 1-d tensors, else dim 1 (after atleast_1d). */
function hstack(tensors: readonly Tensor[]): Tensor {
  const ts = tensors.map(atleast1d);
  return cat(ts, ts.length > 0 && ts[0].ndim === 1 ? 0 : 1);
}

/** `torch.vstack(tensors)`: cat along dim 0 after atleast_2d (a 1-d x as x.unsqueeze(0)). */
function vstack(tensors: readonly Tensor[]): Tensor {
  return cat(tensors.map((t) => (t.ndim >= 2 ? t : t.ndim === 1 ? unsqueeze(t, 0) : reshape(t, [1, 1]))), 0);
}

const TENSOR_TYPES = {
  'torch.FloatTensor': 'float32',
  'torch.DoubleTensor': 'float64',
  'torch.LongTensor': 'int64',
  'torch.IntTensor': 'int32',
  'torch.ShortTensor': 'int16',
  'torch.CharTensor': 'int8',
  'torch.ByteTensor': 'uint8',
  'torch.BoolTensor': 'bool',
} as const satisfies Record<string, DType>;

/** `x.type()` is the type's name ('torch.LongTensor'); `x.type(dtype)` or `x.type('torch.DoubleTensor')` converts. */
export type TensorTypeName = keyof typeof TENSOR_TYPES;

function typeMethod(x: Tensor, dtype?: DTypeArg | string): Tensor | string {
  if (dtype === undefined) return tensorTypeName(x._dtype);
  if (dtype instanceof TorchDType) return toDtype(x, dtype);
  if (Object.hasOwn(TENSOR_TYPES, dtype)) return toDtype(x, TENSOR_TYPES[dtype as TensorTypeName]);
  if (typeof dtype === 'string' && dtype.startsWith('torch.') && !dtype.endsWith('Tensor')) return toDtypeChecked(x, dtype.slice(6) as DType);
  if (typeof dtype === 'string' && dtype.endsWith('Tensor')) throw new ValueError(`invalid type: '${dtype}'`);
  return toDtypeChecked(x, dtype as DType);
}

function toDtypeChecked(x: Tensor, dtype: DTypeArg): Tensor {
  return toDtype(x, toDType(dtype));
}

function equal(a: Tensor, b: Tensor): boolean {
  if (a.ndim !== b.ndim || a._shape.some((s, i) => s !== b._shape[i])) return false;
  for (let i = 0; i < a._data.length; i++) if (a._data[i] !== b._data[i]) return false;
  return true;
}

export type Registry = typeof registry;
export type OpName = keyof Registry;

/** A function of (self, ...args) as the method of self: (...args). */
type AsMethod<M> = M extends (self: never, ...args: infer A) => infer R ? (...args: A) => R : never;

/** Every Tensor method the registry gives, with its precise signature (a getter's type for properties). */
export type RegistryMethods = {
  [K in OpName as Registry[K]['method'] extends null ? never : Registry[K]['property'] extends true ? never : K]: AsMethod<Registry[K]['method']>;
} & {
  readonly [K in OpName as Registry[K]['property'] extends true ? K : never]: Registry[K]['method'] extends (self: never) => infer R ? R : never;
} & {
  [K in OpName as Registry[K]['inplace'] extends null ? never : `${K}_`]: AsMethod<Registry[K]['inplace']>;
};

/** The names exported as `torch.<name>`. */
export const torchFunctionNames: readonly OpName[] = (Object.keys(registry) as OpName[]).filter((n) => registry[n].torch);

/** The ops that record graph nodes (every one needs gradcheck samples and PyTorch fixture cases). */
export const differentiableOps: readonly OpName[] = (Object.keys(registry) as OpName[]).filter((n) => registry[n].differentiable);
