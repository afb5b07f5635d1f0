// The fused nn.functional ops: linear (one AddmmBackward0 node), mse_loss, binary_cross_entropy_with_logits.

import { RuntimeError, ValueError } from '../../errors.js';
import { allocStorage, isFloating, promoteTypes as promoteDtypes, scalarTypeName, type Storage } from '../../tensor/dtype.js';
import { allocPooled } from '../../kernels/pool.js';
import { numel, sameShape, sizeStr } from '../../tensor/shape.js';
import { no_grad } from '../../tensor/autograd/grad_mode.js';
import { Tensor } from '../../tensor/tensor.js';
import { attach, shouldRecord, sumTo } from '../../tensor/autograd/engine.js';
import type { Node } from '../../tensor/autograd/node.js';
import { promoteTypes } from './elementwise.js';
import { broadcastIndex, checkReduction, reductionOf, sumAll, warnedShape, type Reduction, type ReductionArg } from './loss_common.js';
import { at } from './at.js';
import { contiguousStrides, virtualStrides } from './strides.js';
import { gemm, matmul } from './matmul.js';
import { sgemm } from '../../kernels/blas_order.js';
import { view } from './shape.js';
import { bceGraph, linearGraph, mseGraph } from './nn_grad.js';
import { NOT_DIFFERENTIABLE_ASSERT } from './matmul.js';
import './bind.js'; // linear's backward runs PyTorch's formulas through the graph ops (at.ts), bound there

export type { Reduction };


/** PyTorch 1.13's linear: addmm/mm for 2-d x, one addmm viewed back for 3-d x with a bias, else matmul (+ b in place). */
function linearName(xNd: number, hasBias: boolean): string {
  if (xNd === 2) return hasBias ? 'AddmmBackward0' : 'MmBackward0';
  if (xNd === 1) return hasBias ? 'AddBackward0' : 'SqueezeBackward3';
  // (3-d with a bias is one addmm viewed back: ViewBackward0, made by linear itself); else matmul, then the bias added in place
  return hasBias ? 'AddBackward0' : 'UnsafeViewBackward0';
}

/** No promotion in linear: addmm's or mm's dtype errors, in their order. */
function checkLinearDtypes(x: Tensor, weight: Tensor, bias: Tensor | null): void {
  if (bias !== null && (x.ndim === 2 || x.ndim === 3)) {
    if (bias._dtype !== weight._dtype) throw new RuntimeError('self and mat2 must have the same dtype');
    if (x._dtype !== weight._dtype) throw new RuntimeError('mat1 and mat2 must have the same dtype');
  } else if (x._dtype === 'bool' && weight._shape[1] !== 0) {
    throw new RuntimeError('"addmm_impl_cpu_" not implemented for \'Bool\'');
  } else if (x._dtype !== weight._dtype && x.numel() !== 0 && weight.numel() !== 0) {
    // (matmul's kernels return before their dtype check when the product is empty)
    throw new RuntimeError(`expected scalar type ${scalarTypeName(x._dtype)} but found ${scalarTypeName(weight._dtype)}`);
  }
}

/** Column sums of a rows × cols matrix (db = Σ_rows dY): float32 in PyTorch's order (sum_to's cascade), float64 in row order. */
export function sumRows(g: Storage, rows: number, cols: number, dtype: Tensor['_dtype']): Storage {
  if (dtype === 'float32') return sumTo(g, [rows, cols], [cols]);
  const out = allocStorage(dtype, cols);
  if (cols === 1) {
    let s = 0;
    for (let r = 0; r < rows; r++) s += g[r];
    out[0] = s;
    return out;
  }
  const acc = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let o = 0; o < cols; o++) acc[o] += g[r * cols + o];
  out.set(acc);
  return out;
}

/**
 * The values of x Wᵀ + b for X [rows, inF], W [outF, inF], B [outF]. float32 as PyTorch sums it: with
 * `addmm` (2-d x) the bias is BLAS's C, into which the product's blocks are added; else it is added
 * after the product (matmul, then add_). Other dtypes: the bias added after the product.
 */
export function linearForward(X: Storage, W: Storage, B: Storage | null, rows: number, inF: number, outF: number, dtype: Tensor['_dtype'], addmm = true): Storage {
  const out = allocPooled(dtype, rows * outF);
  if (dtype === 'float32') {
    const inC = B !== null && addmm;
    for (let r = 0; r < rows; r++) for (let o = 0; o < outF; o++) out[r * outF + o] = inC ? B[o] : 0;
    sgemm({ data: X, offset: 0, rs: inF, cs: 1 }, { data: W, offset: 0, rs: 1, cs: inF }, rows, inF, outF, out, 0);
    if (B !== null && !inC) for (let r = 0; r < rows; r++) for (let o = 0; o < outF; o++) out[r * outF + o] = Math.fround(out[r * outF + o] + B[o]);
    return out;
  }
  gemm({ data: X, offset: 0, rs: inF, cs: 1 }, { data: W, offset: 0, rs: 1, cs: inF }, rows, inF, outF, out, 0);
  if (B !== null) {
    for (let r = 0; r < rows; r++) for (let o = 0; o < outF; o++) out[r * outF + o] += B[o];
  }
  return out;
}

/** dW = dYᵀ · X for the upstream gradient g [rows, outF] and X [rows, inF]. */
export function linearWeightGrad(g: Storage, X: Storage, rows: number, inF: number, outF: number, dtype: Tensor['_dtype']): Storage {
  const gw = allocPooled(dtype, outF * inF);
  if (dtype === 'float32') {
    // PyTorch's mm_mat2_backward for weight.t() (column-major): grad.t().mm(x)
    gw.fill(0);
    sgemm({ data: g, offset: 0, rs: 1, cs: outF }, { data: X, offset: 0, rs: inF, cs: 1 }, outF, rows, inF, gw, 0);
    return gw;
  }
  gemm({ data: g, offset: 0, rs: 1, cs: outF }, { data: X, offset: 0, rs: inF, cs: 1 }, outF, rows, inF, gw, 0);
  return gw;
}

/** matmul's should_fold exception for a 3-d operand: its last two dims transposed within contiguous batches. */
function transposedBatches(x: Tensor): boolean {
  const s = virtualStrides(x);
  return s[2] !== 1 && s[0] === x._shape[1] * x._shape[2];
}

/** PyTorch's is_contiguous of x (size-1 dims' strides do not count). */
function isContiguous(x: Tensor): boolean {
  const strides = x._strides;
  if (strides === null || x.numel() === 0) return true;
  const contiguous = contiguousStrides(x._shape);
  return x._shape.every((size, d) => size === 1 || strides[d] === contiguous[d]);
}

/** y = x Wᵀ + b for x [..., in], W [out, in], b [out]: one node whose backward is three GEMM-shaped loops. */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  if (weight.ndim !== 2) throw new RuntimeError(`linear(): weight must be 2-D, got ${weight.ndim}-D`);
  const [outF, inF] = weight._shape;
  const xIn = x.ndim === 0 ? -1 : x._shape[x.ndim - 1];
  const rows = x.ndim <= 1 ? 1 : numel(x._shape.slice(0, -1));
  if (xIn !== inF) {
    throw new RuntimeError(`mat1 and mat2 shapes cannot be multiplied (${rows}x${xIn} and ${inF}x${outF})`);
  }
  const b = bias ?? null;
  if (b !== null && numel(b._shape) !== outF) {
    throw new RuntimeError(`The size of tensor a (${outF}) must match the size of tensor b (${numel(b._shape)}) at non-singleton dimension ${x.ndim - 1}`);
  }
  checkLinearDtypes(x, weight, b);
  if (!isFloating(x._dtype) && shouldRecord(x, weight, ...(b === null ? [] : [b]))) throw new RuntimeError(NOT_DIFFERENTIABLE_ASSERT);
  // a 3-d input transposed within contiguous batches: PyTorch's matmul(x, weight.t()) takes bmm there
  if (x.ndim === 3 && x._dtype === 'float32' && !(b !== null && isContiguous(x)) && transposedBatches(x)) {
    const y = matmul(x, at.t(weight));
    return b === null ? y : at.add(y, b);
  }
  // a strided input (t, transpose) is not flattened: PyTorch's matmul(x, weight.t()) + bias
  if (x.ndim === 3 && b !== null && !isContiguous(x)) return at.add(linear(x, weight, null), b);
  if (x.ndim === 3 && b !== null) {
    // PyTorch's _flatten_3d_linear: one addmm over x viewed as rows, its result viewed back (a real view)
    return view(linear(view(x, [rows, inF]), weight, b), [x._shape[0], x._shape[1], outF]);
  }
  // a 1-d input adds the bias in place into x Wᵀ: the result keeps x's dtype
  const dtype = x._dtype;
  const X = x._data;
  const W = weight._dtype === dtype ? weight._data : Float64Array.from(weight._data);
  const out = linearForward(X, W, b === null ? null : b._data, rows, inF, outF, dtype, x.ndim === 2);
  const outShape = x.ndim <= 1 ? [outF] : [...x._shape.slice(0, -1), outF];
  const result = new Tensor(out, outShape);
  if (!shouldRecord(x, weight, b)) return result;
  const inputs = b === null ? [x, weight] : [x, weight, b];
  // float32: PyTorch's backward products (linearGraph's formulas, run unrecorded)
  return attach(result, linearName(x.ndim, b !== null), inputs, dtype === 'float32' ? null : (g, needs) => {
    const gx = needs[0] ? allocPooled(dtype, X.length) : null; // dX = dY · W
    if (gx !== null) gemm({ data: g, offset: 0, rs: outF, cs: 1 }, { data: W, offset: 0, rs: inF, cs: 1 }, rows, outF, inF, gx, 0);
    const gw = needs[1] ? linearWeightGrad(g, X, rows, inF, outF, dtype) : null;
    const gb = b !== null && needs[2] ? sumRows(g, rows, outF, dtype) : null; // db = Σ_rows dY
    return [gx, gw, gb];
  }, [...(weight.requires_grad ? [x] : []), ...(x.requires_grad ? [weight] : [])], null, (g, needs, node) => linearGraph(x, weight, b, g, needs, node)); // addmm: mat1 for mat2's gradient and back
}



interface Pointwise {
  shape: number[];
  ia: Int32Array | null;
  it: Int32Array | null;
}

function pointwise(input: Tensor, target: Tensor): Pointwise {
  const shape = warnedShape(input, target);
  return { shape, ia: broadcastIndex(shape, input._shape), it: broadcastIndex(shape, target._shape) };
}

function upstreamAt(g: Storage, i: number, reduction: Reduction): number {
  return reduction === 'none' ? g[i] : g[0];
}

/**
 * (input - target)² per element in the dtype's arithmetic, as PyTorch's mse kernel forms them: in float32
 * the difference and its square are each rounded to float32.
 */
function squaredErrors(I: Storage, ia: Int32Array | null, T: Storage, it: Int32Array | null, n: number, dtype: Tensor['_dtype']): Storage {
  const losses = allocPooled(dtype, n);
  if (dtype === 'float32') {
    for (let i = 0; i < n; i++) {
      const d = Math.fround(I[ia === null ? i : ia[i]] - T[it === null ? i : it[i]]);
      losses[i] = d * d;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const d = I[ia === null ? i : ia[i]] - T[it === null ? i : it[i]];
      losses[i] = d * d;
    }
  }
  return losses;
}

/** mse_loss's 'mean' or 'sum' of its squared errors: at::sum in PyTorch's order (tensor/cascade_sum.ts), then ÷ n for 'mean', in the dtype. */
export function reduceSquaredErrors(losses: Storage, reduction: 'mean' | 'sum', dtype: Tensor['_dtype']): number {
  const s = sumAll(losses, dtype);
  return reduction === 'mean' ? scalarOf(s / losses.length, dtype)._data[0] : s;
}

function scalarOf(value: number, dtype: Tensor['_dtype']): Tensor {
  const out = allocStorage(dtype, 1);
  out[0] = value;
  return new Tensor(out, []);
}

/** d/dinput of mse_loss: norm·(input - target)·g with norm 2/N ('mean') or 2, g the upstream gradient. */
export function mseInputGrad(I: Storage, ia: Int32Array | null, T: Storage, it: Int32Array | null, n: number, reduction: Reduction, g: Storage, dtype: Tensor['_dtype']): Storage {
  const norm = reduction === 'mean' ? 2 / n : 2;
  const gi = allocPooled(dtype, n);
  for (let i = 0; i < n; i++) {
    gi[i] = norm * (I[ia === null ? i : ia[i]] - T[it === null ? i : it[i]]) * upstreamAt(g, i, reduction);
  }
  return gi;
}

/** The value of mse_loss with reduction 'mean' or 'sum' on same-shaped input and target, as its result tensor holds it. */
export function mseLossValue(I: Storage, T: Storage, n: number, reduction: 'mean' | 'sum', dtype: Tensor['_dtype']): number {
  return reduceSquaredErrors(squaredErrors(I, null, T, null, n, dtype), reduction, dtype);
}

/** mean((input - target)²); d/dinput = norm·(input - target)·g with norm 2/N ('mean') or 2. */
export function mse_loss(input: Tensor, target: Tensor, reductionArg: ReductionArg = 'mean'): Tensor {
  const reduction = reductionOf(reductionArg);
  // F.mse_loss broadcasts input and target to one shape first: their dtypes promote as tensors of one rank
  const dtype = promoteDtypes(input._dtype, target._dtype);
  if (!isFloating(dtype)) throw new RuntimeError(`"mse_cpu" not implemented for '${scalarTypeName(dtype)}'`);
  const { shape, ia, it } = pointwise(input, target);
  const I = input._data;
  const T = target._data;
  const n = numel(shape);
  const losses = squaredErrors(I, ia, T, it, n, dtype);
  const result = reduction === 'none' ? new Tensor(losses, shape) : scalarOf(reduceSquaredErrors(losses, reduction, dtype), dtype);
  if (!shouldRecord(input, target)) return result;
  const out = attach(result, 'MseLossBackward0', [input, target], (g, needs) => {
    // NOTE: PyTorch 1.13's mse_loss_backward gives each input's gradient the other's dtype and then
    // refuses the mismatch (the forward promotes without complaint)
    if (input._dtype !== target._dtype) {
      const [own, other] = needs[0] ? [input._dtype, target._dtype] : [target._dtype, input._dtype];
      throw new RuntimeError(`Found dtype ${scalarTypeName(other)} but expected ${scalarTypeName(own)}`);
    }
    const gi = mseInputGrad(I, ia, T, it, n, reduction, g, dtype);
    // target's is mse_loss_backward(grad, target, input): norm·(target - input)·g, which is -gi but for the sign of a zero
    const gt = needs[1] ? mseInputGrad(T, it, I, ia, n, reduction, g, dtype) : null;
    return [needs[0] ? gi : null, gt];
  }, [input, target], [shape, shape], (g, needs) => mseGraph(input, target, reduction, g, needs));
  // NOTE: PyTorch broadcasts input and target to views first when their shapes differ, and saves those;
  // broadcast_tensors hands an operand already of the broadcast shape back as itself (expand_outplace)
  if (!sameShape(input._shape, target._shape)) for (const ref of (out.grad_fn as Node)._saved) if (!sameShape(ref.tensor._shape, shape)) ref.expanded = shape;
  return out;
}

/** `into.op_(value)`: an in-place result is computed in the promoted dtype and stored in the target's. */
function into(target: Tensor, value: Tensor): Tensor {
  return value._dtype === target._dtype ? value : at.toDtype(value, target._dtype);
}

/**
 * PyTorch 1.13's composite, op by op (each rounded in its dtype, the in-place ones stored in the loss's,
 * which is the target's): max_val = (-input).clamp_min_(0); loss = (1 - target).mul_(input), then
 * .add_(max_val).add_((-max_val).exp_().add_((-input - max_val).exp_()).log_()), or with pos_weight
 * .add_(log_weight.mul_(… .log_().add_(max_val))) where log_weight = (pos_weight - 1).mul(target).add_(1);
 * then .mul_(weight) and the reduction.
 */
function bceLoss(x: Tensor, t: Tensor, pw: Tensor | null, w: Tensor | null, reduction: Reduction): Tensor {
  const negX = at.neg(x);
  const maxVal = new Tensor(Float64Array.from(negX._data, (v) => (v < 0 ? 0 : v)), negX._shape);
  const m = into(negX, maxVal);
  const expNegM = at.exp(at.neg(m));
  const terms = at.log(into(expNegM, at.add(expNegM, at.exp(at.sub(negX, m)))));
  let loss = at.addScalar(at.neg(t), 1);
  loss = into(loss, at.mul(loss, x));
  if (pw === null) {
    loss = into(loss, at.add(loss, m));
    loss = into(loss, at.add(loss, terms));
  } else {
    const lw0 = at.mul(at.subScalar(pw, 1), t);
    const logWeight = into(lw0, at.addScalar(lw0, 1));
    loss = into(loss, at.add(loss, into(logWeight, at.mul(logWeight, into(terms, at.add(terms, m))))));
  }
  if (w !== null) loss = into(loss, at.mul(loss, w));
  return reduction === 'none' ? loss : reduction === 'sum' ? at.sum(loss, null, false) : at.meanDims(loss, null);
}

export interface BCEOptions {
  reduction?: Reduction;
  weight?: Tensor | null;
  pos_weight?: Tensor | null;
}

/**
 * PyTorch 1.13's stable form: (1 - t)·x + lw·(log(e^(-m) + e^(-x-m)) + m) with m = max(-x, 0)
 * and lw = (pos_weight - 1)·t + 1 (lw = 1 without pos_weight).
 */
export function binary_cross_entropy_with_logits(input: Tensor, target: Tensor, options: BCEOptions = {}): Tensor {
  const reduction = options.reduction ?? 'mean';
  checkReduction(reduction);
  if (!sameShape(input._shape, target._shape)) {
    throw new ValueError(`Target size (${sizeStr(target._shape)}) must be the same as input size (${sizeStr(input._shape)})`);
  }
  const dtype = promoteTypes(input, target);
  // NOTE: the composite's (1 - target) and in-place steps meet an integer or bool target so in PyTorch
  if (target._dtype === 'bool') throw new RuntimeError('Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.');
  if (!isFloating(target._dtype)) throw new RuntimeError(`result type ${scalarTypeName(dtype)} can't be cast to the desired output type ${scalarTypeName(target._dtype)}`);
  const pw = options.pos_weight ?? null;
  const w = options.weight ?? null;
  const result = no_grad(() => bceLoss(input.detach(), target.detach(), pw?.detach() ?? null, w?.detach() ?? null, reduction));
  if (!shouldRecord(input, target)) return result;
  const outShape = result._shape;
  // the gradients are PyTorch's binary_cross_entropy_with_logits_backward (and its target twin), op by op
  return attach(result, 'BinaryCrossEntropyWithLogitsBackward0', [input, target], (g, needs) => {
    const grads = no_grad(() => bceGraph(input.detach(), target.detach(), { reduction, weight: w?.detach() ?? null, pos_weight: pw?.detach() ?? null }, new Tensor(g, outShape), needs));
    return grads.map((t) => (t === null ? null : t.contiguous()._data));
  }, [input, target], null, (g, needs) => bceGraph(input, target, { reduction, weight: w, pos_weight: pw }, g, needs));
}
