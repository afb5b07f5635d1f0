// Table-driven gradcheck: every differentiable op, on random shapes (broadcasting, 0-d and
// 1-element tensors included), analytical gradients against central finite differences.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { differentiableOps, registry, type OpName } from '../../src/autograd/ops/registry.js';
import { unaryOps } from '../../src/autograd/ops/unary.js';
import type { Tensor } from '../../src/index.js';

type Sample = { shapes: number[][]; fn: (...xs: Tensor[]) => Tensor | Tensor[]; positive?: boolean; awayFromZero?: boolean; unit?: boolean; eps?: number };

const gen = new torch.Generator(20261123);

/** A float64 leaf of the given shape; positive or kept away from 0 where the op needs it (domains, kinks). */
function input(shape: number[], s: Sample): Tensor {
  const t = torch.randn(shape, { dtype: torch.float64, generator: gen });
  const d = t.numpy();
  for (let i = 0; i < d.length; i++) {
    if (s.positive) d[i] = 0.5 + Math.abs(d[i]);
    else if (s.unit) d[i] = Math.tanh(d[i]) * 0.9;
    else if (s.awayFromZero) d[i] = (d[i] < 0 ? -0.2 : 0.2) + d[i];
  }
  return t.requires_grad_(true);
}

const ew = (fn: (a: Tensor, b: Tensor) => Tensor, extra: Partial<Sample> = {}): Sample[] => [
  { shapes: [[3], [3]], fn, ...extra },
  { shapes: [[2, 3], [3]], fn, ...extra },
  { shapes: [[2, 1, 3], [4, 1]], fn, ...extra },
  { shapes: [[], [2, 2]], fn, ...extra },
  { shapes: [[1], []], fn, ...extra },
];
const un = (fn: (a: Tensor) => Tensor, extra: Partial<Sample> = {}): Sample[] => [
  { shapes: [[]], fn, ...extra },
  { shapes: [[1]], fn, ...extra },
  { shapes: [[2, 3]], fn, ...extra },
];

const samples: Partial<Record<OpName, Sample[]>> = {
  add: [...ew(torch.add), ...un((a) => torch.add(a, 2.5)), ...un((a) => torch.add(-1, a))],
  sub: [...ew(torch.sub), ...un((a) => torch.sub(2.5, a))],
  rsub: ew(torch.rsub),
  mul: [...ew(torch.mul), ...un((a) => torch.mul(3, a))],
  div: [...ew(torch.div, { positive: true }), ...un((a) => torch.div(3, a), { positive: true })],
  divide: [...ew(torch.divide, { positive: true })],
  true_divide: [...ew(torch.true_divide, { positive: true }), ...un((a) => torch.true_divide(3, a), { positive: true })],
  pow: [...ew(torch.pow, { positive: true }), ...un((a) => torch.pow(a, -2.5), { positive: true }), ...un((a) => torch.pow(2, a)), ...un((a) => a.pow(3))],
  neg: un(torch.neg),
  exp: un(torch.exp),
  log: un(torch.log, { positive: true }),
  log2: un(torch.log2, { positive: true }),
  log10: un(torch.log10, { positive: true }),
  sqrt: un(torch.sqrt, { positive: true }),
  abs: un(torch.abs, { awayFromZero: true }),
  sigmoid: un(torch.sigmoid),
  tanh: un(torch.tanh),
  relu: un(torch.relu, { awayFromZero: true }),
  reciprocal: un(torch.reciprocal, { positive: true }),
  sum: [...un((a) => a.sum()), { shapes: [[2, 3, 4]], fn: (a) => a.sum(-1, true) }, { shapes: [[2, 3, 4]], fn: (a) => a.sum([0, 2]) }],
  mean: [...un((a) => a.mean()), { shapes: [[2, 3, 4]], fn: (a) => a.mean(1) }, { shapes: [[2, 3, 4]], fn: (a) => a.mean([0, 1], true) }],
  norm: un((a) => a.norm(), { awayFromZero: true }),
  matmul: [
    { shapes: [[3], [3]], fn: torch.matmul },
    { shapes: [[2, 3], [3]], fn: torch.matmul },
    { shapes: [[3], [3, 4]], fn: torch.matmul },
    { shapes: [[2, 3], [3, 4]], fn: torch.matmul },
    { shapes: [[5, 2, 3], [3, 4]], fn: torch.matmul },
    { shapes: [[2, 1, 2, 3], [5, 3, 2]], fn: torch.matmul },
  ],
  reshape: [{ shapes: [[2, 3]], fn: (a) => a.reshape(3, -1) }, { shapes: [[]], fn: (a) => a.reshape(1, 1) }],
  view: [{ shapes: [[2, 3]], fn: (a) => a.view(-1) }],
  unsqueeze: [{ shapes: [[2, 3]], fn: (a) => a.unsqueeze(-1) }, { shapes: [[]], fn: (a) => a.unsqueeze(0) }],
  squeeze: [{ shapes: [[2, 1, 3]], fn: (a) => a.squeeze() }, { shapes: [[1, 3]], fn: (a) => a.squeeze(0) }],
  transpose: [{ shapes: [[2, 3, 4]], fn: (a) => a.transpose(0, 2) }, { shapes: [[2, 3]], fn: (a) => a.transpose(-1, 0) }],
  t: [{ shapes: [[2, 3]], fn: (a) => a.t() }, { shapes: [[3]], fn: (a) => a.t() }],
  clone: un((a) => a.clone()),
  contiguous: [{ shapes: [[2, 3]], fn: (a) => a.t().contiguous() }, ...un((a) => a.contiguous())],
  // float32 rounding in the middle: a linear function and a larger step keep finite differences exact enough
  to: [{ shapes: [[2, 3]], fn: (a) => a.to('float32').mul(2), eps: 1e-2 }],
  linear: [
    { shapes: [[4, 3], [2, 3], [2]], fn: torch.nn.functional.linear },
    { shapes: [[3], [2, 3], [2]], fn: torch.nn.functional.linear },
    { shapes: [[2, 4, 3], [1, 3]], fn: (x, w) => torch.nn.functional.linear(x, w) },
    // an empty contraction (in_features 0) of a 4-d input: its double backward reshapes by the leading dims
    { shapes: [[1, 1, 3, 0], [2, 0], [2]], fn: torch.nn.functional.linear },
  ],
  mse_loss: [
    { shapes: [[4, 2], [4, 2]], fn: (a, b) => torch.nn.functional.mse_loss(a, b) },
    { shapes: [[4, 2], [4, 2]], fn: (a, b) => torch.nn.functional.mse_loss(a, b, 'none') },
    { shapes: [[], []], fn: (a, b) => torch.nn.functional.mse_loss(a, b, 'sum') },
  ],
  l1_loss: [
    { shapes: [[4, 2], [4, 2]], fn: (a, b) => torch.nn.functional.l1_loss(a, b) },
    { shapes: [[3], [3]], fn: (a, b) => torch.nn.functional.l1_loss(a, b, 'none') },
  ],
  huber_loss: [
    { shapes: [[5], [5]], fn: (a, b) => torch.nn.functional.huber_loss(a, b, { delta: 0.7 }) },
    { shapes: [[2, 3], [2, 3]], fn: (a, b) => torch.nn.functional.huber_loss(a, b, 'none') },
  ],
  smooth_l1_loss: [
    { shapes: [[5], [5]], fn: (a, b) => torch.nn.functional.smooth_l1_loss(a, b, { beta: 0.7, reduction: 'sum' }) },
    { shapes: [[2, 3], [2, 3]], fn: (a, b) => torch.nn.functional.smooth_l1_loss(a, b, { beta: 0 }) },
  ],
  binary_cross_entropy: [
    { shapes: [[5], [5]], fn: (x, t) => torch.nn.functional.binary_cross_entropy(x.sigmoid(), t.sigmoid()) },
    { shapes: [[2, 3], [2, 3]], fn: (x, t) => torch.nn.functional.binary_cross_entropy(x.sigmoid(), t.sigmoid(), { reduction: 'none', weight: torch.tensor([0.5, 2, 1], { dtype: torch.float64 }) }) },
  ],
  nll_loss: [
    { shapes: [[3, 4]], fn: (x) => torch.nn.functional.nll_loss(x, torch.tensor([0, 3, 1], { dtype: torch.float64 })) },
    { shapes: [[2, 3, 2]], fn: (x) => torch.nn.functional.nll_loss(x, torch.tensor([[0, 2], [1, 1]], { dtype: torch.float64 }), { reduction: 'none' }) },
  ],
  cross_entropy: [
    { shapes: [[3, 4]], fn: (x) => torch.nn.functional.cross_entropy(x, torch.tensor([0, 3, 1], { dtype: torch.float64 })) },
    { shapes: [[3, 4]], fn: (x) => torch.nn.functional.cross_entropy(x, torch.tensor([0, 3, 1], { dtype: torch.float64 }), { label_smoothing: 0.2 }) },
    { shapes: [[2, 3], [2, 3]], fn: (x, p) => torch.nn.functional.cross_entropy(x, p.softmax(1), { reduction: 'sum' }) },
  ],
  gaussian_nll_loss: [
    { shapes: [[4], [4], [4]], fn: (x, t, v) => torch.nn.functional.gaussian_nll_loss(x, t, v.exp()) },
    { shapes: [[3, 2], [3, 2], [3]], fn: (x, t, v) => torch.nn.functional.gaussian_nll_loss(x, t, v.exp(), { full: true, reduction: 'none' }) },
  ],
  softmax: [
    { shapes: [[3, 4]], fn: (x) => torch.softmax(x, 1) },
    { shapes: [[2, 3, 2]], fn: (x) => torch.softmax(x, 1) },
    { shapes: [[]], fn: (x) => torch.softmax(x, 0) },
  ],
  log_softmax: [
    { shapes: [[3, 4]], fn: (x) => torch.log_softmax(x, -1) },
    { shapes: [[2, 3, 2]], fn: (x) => torch.log_softmax(x, 0) },
  ],
  binary_cross_entropy_with_logits: [
    { shapes: [[5], [5]], fn: (z, y) => torch.nn.functional.binary_cross_entropy_with_logits(z, y.sigmoid()) },
    // pos_weight is not differentiable (as in PyTorch), so it is a constant here
    { shapes: [[2, 3], [2, 3]], fn: (z, y) => torch.nn.functional.binary_cross_entropy_with_logits(z, y.sigmoid(), { reduction: 'sum', pos_weight: torch.tensor([0.5, 2, 3], { dtype: torch.float64 }) }) },
    { shapes: [[1], [1]], fn: (z, y) => torch.nn.functional.binary_cross_entropy_with_logits(z, y.sigmoid(), { reduction: 'none' }) },
  ],
};

// torch.nn.functional's activations (away from their kinks) and the flatten views
const F = torch.nn.functional;
Object.assign(samples, {
  leaky_relu: [...un((a) => F.leaky_relu(a), { awayFromZero: true }), ...un((a) => F.leaky_relu(a, -0.5), { awayFromZero: true })],
  softplus: [...un((a) => F.softplus(a)), ...un((a) => F.softplus(a, 2, 10))],
  gelu: [...un((a) => F.gelu(a)), ...un((a) => F.gelu(a, { approximate: 'tanh' }))],
  elu: [...un((a) => F.elu(a), { awayFromZero: true }), ...un((a) => F.elu(a, 0.5), { awayFromZero: true })],
  silu: un((a) => F.silu(a)),
  relu6: [...un((a) => F.relu6(a.mul(4)), { awayFromZero: true }), ...un((a) => F.relu6(a.mul(4), true), { awayFromZero: true })],
  hardtanh: [...un((a) => F.hardtanh(a)), ...un((a) => F.hardtanh(a, -0.5, 2)), ...un((a) => F.hardtanh(a.mul(1), -1, 1, true))],
  hardtanh_: un((a) => F.hardtanh_(a.mul(1), -0.5, 0.5)),
  selu: [...un((a) => F.selu(a), { awayFromZero: true }), ...un((a) => F.selu(a.mul(1), true), { awayFromZero: true })],
  selu_: un((a) => torch.selu_(a.mul(1)), { awayFromZero: true }),
  celu: [...un((a) => F.celu(a), { awayFromZero: true }), ...un((a) => F.celu(a, 0.5), { awayFromZero: true }), ...un((a) => F.celu(a.mul(1), 2, true), { awayFromZero: true })],
  celu_: un((a) => torch.celu_(a.mul(1), 0.7), { awayFromZero: true }),
  mish: [...un((a) => F.mish(a)), ...un((a) => F.mish(a.mul(1), true))],
  hardsigmoid: [...un((a) => F.hardsigmoid(a.mul(4))), ...un((a) => F.hardsigmoid(a.mul(1), true))],
  hardswish: [...un((a) => F.hardswish(a.mul(4))), ...un((a) => F.hardswish(a.mul(1), true))],
  logsigmoid: [...un((a) => F.logsigmoid(a)), ...un((a) => F.logsigmoid(a.mul(10)))],
  softsign: un((a) => F.softsign(a), { awayFromZero: true }),
  softmin: [{ shapes: [[3, 5]], fn: (a: Tensor) => F.softmin(a, 1) }, { shapes: [[4, 3]], fn: (a: Tensor) => F.softmin(a, 0) }],
  elu_: un((a) => F.elu_(a.mul(1), 0.5), { awayFromZero: true }),
  leaky_relu_: un((a) => F.leaky_relu_(a.mul(1), 0.2), { awayFromZero: true }),
  normalize: [{ shapes: [[3, 4]], fn: (a: Tensor) => F.normalize(a) }, { shapes: [[2, 5]], fn: (a: Tensor) => F.normalize(a, 3, 0) }, { shapes: [[6]], fn: (a: Tensor) => F.normalize(a, 1, 0) }],
  cosine_similarity: [
    { shapes: [[3, 4], [3, 4]], fn: (a: Tensor, b: Tensor) => F.cosine_similarity(a, b) },
    { shapes: [[2, 3], [3]], fn: (a: Tensor, b: Tensor) => F.cosine_similarity(a, b, -1) },
  ],
  pairwise_distance: [
    { shapes: [[3, 4], [3, 4]], fn: (a: Tensor, b: Tensor) => F.pairwise_distance(a, b) },
    { shapes: [[2, 3], [3]], fn: (a: Tensor, b: Tensor) => F.pairwise_distance(a, b, 3, 1e-6, true) },
  ],
  var_mean: [
    { shapes: [[3, 4]], fn: (a: Tensor) => { const [v, m] = torch.var_mean(a, 1); return v.add(m.mul(3)); } },
    { shapes: [[5]], fn: (a: Tensor) => torch.var_mean(a)[0] },
    { shapes: [[2, 3]], fn: (a: Tensor) => torch.var_mean(a, 0, { correction: 0, keepdim: true })[1] },
  ],
  std_mean: [
    { shapes: [[3, 4]], fn: (a: Tensor) => { const [s, m] = torch.std_mean(a, 1); return s.mul(m); } },
    { shapes: [[6]], fn: (a: Tensor) => torch.std_mean(a, false)[0] },
  ],
  embedding: [
    { shapes: [[5, 3]], fn: (w: Tensor) => F.embedding(torch.tensor([[0n, 2n], [4n, 2n]]), w) },
    { shapes: [[4, 2]], fn: (w: Tensor) => F.embedding(torch.tensor([3n, 3n, 1n]), w, { padding_idx: 2 }) },
  ],
  kl_div: [
    { shapes: [[3, 4], [3, 4]], fn: (a: Tensor, b: Tensor) => F.kl_div(a, b.sigmoid(), { reduction: 'batchmean' }) },
    { shapes: [[2, 3], [2, 3]], fn: (a: Tensor, b: Tensor) => F.kl_div(a, b, { reduction: 'none', log_target: true }) },
    { shapes: [[4], [4]], fn: (a: Tensor, b: Tensor) => F.kl_div(a, b.sigmoid(), { reduction: 'sum' }) },
  ],
  flatten: [{ shapes: [[2, 3, 4]], fn: (a: Tensor) => torch.flatten(a, 1) }, { shapes: [[]], fn: (a: Tensor) => torch.flatten(a) }],
  unflatten: [{ shapes: [[2, 6]], fn: (a: Tensor) => torch.unflatten(a, 1, [3, -1]) }],
  softmax: [
    { shapes: [[3, 5]], fn: (a: Tensor) => torch.softmax(a, -1) },
    { shapes: [[4, 3, 2]], fn: (a: Tensor) => torch.softmax(a, 1) },
    { shapes: [[]], fn: (a: Tensor) => torch.softmax(a, 0) },
  ],
  log_softmax: [
    { shapes: [[3, 5]], fn: (a: Tensor) => torch.log_softmax(a, -1) },
    { shapes: [[4, 3, 2]], fn: (a: Tensor) => torch.log_softmax(a, 0) },
  ],
} satisfies Partial<Record<OpName, Sample[]>>);

// issue 15's math ops (away from kinks and ties)
const L = torch.linalg;
Object.assign(samples, {
  round: un((a: Tensor) => a.round({ decimals: 1 })),
  clamp: [...un((a: Tensor) => a.clamp(-0.3, 0.4)), { shapes: [[2, 3], [3], [2, 1]], fn: (a: Tensor, lo: Tensor, hi: Tensor) => a.clamp(lo.sub(1), hi.add(1)) }],
  clip: un((a: Tensor) => a.clip({ min: -0.5 })),
  clamp_min: [...un((a: Tensor) => a.clamp_min(0.1)), { shapes: [[2, 3], [3]], fn: (a: Tensor, b: Tensor) => a.clamp_min(b) }],
  clamp_max: [...un((a: Tensor) => a.clamp_max(0.1)), { shapes: [[2, 3], [2, 1]], fn: (a: Tensor, b: Tensor) => a.clamp_max(b) }],
  maximum: ew(torch.maximum),
  minimum: ew(torch.minimum),
  fmod: [...un((a: Tensor) => torch.fmod(a, 0.7)), { shapes: [[2, 3], [3]], fn: (a: Tensor, b: Tensor) => torch.fmod(a, b.abs().add(2)) }],
  remainder: [...un((a: Tensor) => torch.remainder(a, 0.7)), { shapes: [[2, 3], [3]], fn: (a: Tensor, b: Tensor) => torch.remainder(a, b.abs().add(2)) }],
  lerp: [...ew((a: Tensor, b: Tensor) => torch.lerp(a, b, 0.3)), { shapes: [[2, 3], [3], [2, 1]], fn: (a: Tensor, b: Tensor, w: Tensor) => torch.lerp(a, b, w) }],
  hypot: ew(torch.hypot),
  atan2: ew(torch.atan2, { awayFromZero: true }),
  logaddexp: ew(torch.logaddexp),
  prod: [...un((a: Tensor) => a.prod()), { shapes: [[2, 3]], fn: (a: Tensor) => a.prod(1) }, { shapes: [[2, 3]], fn: (a: Tensor) => a.prod(0, true) }],
  cumsum: [{ shapes: [[2, 3]], fn: (a: Tensor) => a.cumsum(1) }, { shapes: [[3]], fn: (a: Tensor) => torch.cumsum(a, 0) }],
  cumprod: [{ shapes: [[2, 3]], fn: (a: Tensor) => a.cumprod(1) }, { shapes: [[3, 2]], fn: (a: Tensor) => torch.cumprod(a, 0) }],
  var: [{ shapes: [[2, 3]], fn: (a: Tensor) => a.var() }, { shapes: [[2, 3]], fn: (a: Tensor) => a.var(1) }, { shapes: [[2, 3]], fn: (a: Tensor) => a.var(0, { correction: 0, keepdim: true }) }],
  std: [{ shapes: [[2, 3]], fn: (a: Tensor) => a.std() }, { shapes: [[2, 3]], fn: (a: Tensor) => a.std(1, false) }],
  logsumexp: [{ shapes: [[2, 3]], fn: (a: Tensor) => a.logsumexp(1) }, { shapes: [[2, 3]], fn: (a: Tensor) => a.logsumexp([0, 1], true) }],
  amax: [{ shapes: [[2, 3]], fn: (a: Tensor) => a.amax(1) }, { shapes: [[2, 3]], fn: (a: Tensor) => a.amax() }],
  amin: [{ shapes: [[2, 3]], fn: (a: Tensor) => a.amin(0, true) }],
  dot: [{ shapes: [[3], [3]], fn: torch.dot }],
  mv: [{ shapes: [[2, 3], [3]], fn: torch.mv }],
  bmm: [{ shapes: [[2, 2, 3], [2, 3, 2]], fn: torch.bmm }],
  outer: [{ shapes: [[3], [2]], fn: torch.outer }],
  ger: [{ shapes: [[2], [3]], fn: torch.ger }],
  addmm: [{ shapes: [[2, 2], [2, 3], [3, 2]], fn: (i: Tensor, a: Tensor, b: Tensor) => torch.addmm(i, a, b) }, { shapes: [[2], [3, 3], [3, 2]], fn: (i: Tensor, a: Tensor, b: Tensor) => torch.addmm(i, a, b, { beta: 0.5, alpha: 2 }) }],
  einsum: [
    { shapes: [[2, 3], [3, 2]], fn: (a: Tensor, b: Tensor) => torch.einsum('ij,jk->ik', a, b) },
    { shapes: [[3, 3]], fn: (a: Tensor) => torch.einsum('ii->i', a) },
    { shapes: [[3], [2]], fn: (a: Tensor, b: Tensor) => torch.einsum('i,j->ij', a, b) },
    { shapes: [[2, 2, 3], [2, 3, 2]], fn: (a: Tensor, b: Tensor) => torch.einsum('bij,bjk->bik', a, b) },
  ],
  linalg_vector_norm: [{ shapes: [[2, 3]], fn: (a: Tensor) => L.vector_norm(a), awayFromZero: true }, { shapes: [[2, 3]], fn: (a: Tensor) => L.vector_norm(a, 3, 1), awayFromZero: true }, { shapes: [[2, 3]], fn: (a: Tensor) => L.vector_norm(a, 1.5), awayFromZero: true }],
  linalg_norm: [{ shapes: [[2, 3]], fn: (a: Tensor) => L.norm(a), awayFromZero: true }, { shapes: [[2, 3]], fn: (a: Tensor) => L.norm(a, 1), awayFromZero: true }],
} satisfies Partial<Record<OpName, Sample[]>>);

// the shape and creation ops of issue 15 (several outputs: gradcheck takes them all)
Object.assign(samples, {
  permute: [{ shapes: [[2, 3, 4]], fn: (a: Tensor) => a.permute(2, 0, 1) }],
  movedim: [{ shapes: [[2, 3, 4]], fn: (a: Tensor) => torch.movedim(a, [0, 1], [2, 0]) }],
  T: [{ shapes: [[2, 3]], fn: (a: Tensor) => a.T }],
  mT: [{ shapes: [[2, 3, 4]], fn: (a: Tensor) => a.mT }],
  flip: [{ shapes: [[2, 3]], fn: (a: Tensor) => a.flip([0, 1]) }],
  roll: [{ shapes: [[3, 4]], fn: (a: Tensor) => a.roll([1, -2], [0, 1]) }, { shapes: [[2, 3]], fn: (a: Tensor) => a.roll(4) }],
  repeat: [{ shapes: [[2, 3]], fn: (a: Tensor) => a.repeat(2, 1, 3) }],
  tile: [{ shapes: [[3]], fn: (a: Tensor) => a.tile([2, 2]) }],
  expand: [{ shapes: [[3, 1]], fn: (a: Tensor) => a.expand(2, 3, 4) }],
  expand_as: [{ shapes: [[1, 3], [2, 3]], fn: (a: Tensor, b: Tensor) => a.expand_as(b).mul(b) }],
  cat: [{ shapes: [[2, 3], [2, 1]], fn: (a: Tensor, b: Tensor) => torch.cat([a, b, a], 1) }],
  stack: [{ shapes: [[2, 3], [2, 3]], fn: (a: Tensor, b: Tensor) => torch.stack([a, b], -1) }],
  split: [{ shapes: [[5, 2]], fn: (a: Tensor) => a.split(2) }, { shapes: [[2, 4]], fn: (a: Tensor) => a.split([1, 3], 1) }],
  chunk: [{ shapes: [[5, 2]], fn: (a: Tensor) => a.chunk(3) }],
  unbind: [{ shapes: [[2, 3]], fn: (a: Tensor) => a.unbind(1) }],
  meshgrid: [{ shapes: [[3], [2]], fn: (a: Tensor, b: Tensor) => torch.meshgrid(a, b, { indexing: 'xy' }) }],
  tril: [{ shapes: [[3, 4]], fn: (a: Tensor) => a.tril(1) }],
  triu: [{ shapes: [[2, 3, 3]], fn: (a: Tensor) => a.triu(-1) }],
  diag: [{ shapes: [[3]], fn: (a: Tensor) => torch.diag(a, 1) }, { shapes: [[3, 3]], fn: (a: Tensor) => torch.diag(a) }, { shapes: [[2, 4]], fn: (a: Tensor) => torch.diag(a, 1) }],
} satisfies Partial<Record<OpName, Sample[]>>);

// sorting, selection, gather/scatter (issue 15): random values have no ties
const index23 = torch.tensor([[0n, 2n, 1n], [1n, 1n, 0n]]);
const perm23 = torch.tensor([[2n, 0n, 1n], [1n, 2n, 0n]]);
Object.assign(samples, {
  max: [...un((a) => a.max()), { shapes: [[2, 3]], fn: (a: Tensor) => a.max(1).values }, { shapes: [[3, 2]], fn: (a: Tensor) => a.max(0, true).values }, { shapes: [[2, 3], [3]], fn: (a: Tensor, b: Tensor) => torch.max(a, b) }],
  min: [...un((a) => a.min()), { shapes: [[2, 3]], fn: (a: Tensor) => a.min(-1).values }, { shapes: [[]], fn: (a: Tensor) => a.min(0).values }],
  median: [{ shapes: [[5]], fn: (a: Tensor) => a.median() }, { shapes: [[2, 4]], fn: (a: Tensor) => a.median(1).values }],
  nanmedian: [{ shapes: [[4]], fn: (a: Tensor) => a.nanmedian() }, { shapes: [[3, 3]], fn: (a: Tensor) => a.nanmedian(0, true).values }],
  mode: [{ shapes: [[2, 3]], fn: (a: Tensor) => a.mode(1).values }],
  kthvalue: [{ shapes: [[2, 5]], fn: (a: Tensor) => a.kthvalue(2, 1).values }],
  sort: [{ shapes: [[2, 5]], fn: (a: Tensor) => a.sort(1).values }, { shapes: [[20]], fn: (a: Tensor) => a.sort({ descending: true, stable: true }).values }],
  msort: [{ shapes: [[4, 2]], fn: (a: Tensor) => torch.msort(a) }],
  topk: [{ shapes: [[2, 5]], fn: (a: Tensor) => a.topk(2).values }, { shapes: [[6, 2]], fn: (a: Tensor) => a.topk(3, 0, false).values }],
  gather: [{ shapes: [[2, 3]], fn: (a: Tensor) => a.gather(1, index23) }, { shapes: [[3, 3]], fn: (a: Tensor) => torch.gather(a, 0, index23) }],
  scatter: [
    { shapes: [[2, 3], [2, 3]], fn: (a: Tensor, b: Tensor) => a.scatter(1, perm23, b) },
    { shapes: [[2, 3]], fn: (a: Tensor) => a.scatter(1, index23, 1.5) },
  ],
  scatter_add: [{ shapes: [[2, 3], [2, 3]], fn: (a: Tensor, b: Tensor) => a.scatter_add(1, index23, b) }],
  take_along_dim: [{ shapes: [[2, 3]], fn: (a: Tensor) => torch.take_along_dim(a, index23, 1) }, { shapes: [[2, 3]], fn: (a: Tensor) => torch.take_along_dim(a, torch.tensor([5n, 0n])) }],
} satisfies Partial<Record<OpName, Sample[]>>);

// indexing (issue 15, item 2): views, advanced indexing, in-place setitem and the masked ops
const I = (...d: bigint[]): Tensor => torch.tensor(d);
const MASK = torch.tensor([[true, false, true], [false, false, true]]);
Object.assign(samples, {
  index: [
    { shapes: [[3, 4]], fn: (a: Tensor) => a.index(1) },
    { shapes: [[3, 4]], fn: (a: Tensor) => a.index('::2, 1:3') },
    { shapes: [[3, 4]], fn: (a: Tensor) => a.index(null, '...', torch.slice(null, null, 3)) },
    { shapes: [[3, 4]], fn: (a: Tensor) => a.index(I(2n, 0n, 2n)) },
    { shapes: [[3, 4]], fn: (a: Tensor) => a.index(torch.slice(), [3, 0, 3]) },
    { shapes: [[2, 3]], fn: (a: Tensor) => a.index(MASK) },
    { shapes: [[2, 3, 4]], fn: (a: Tensor) => a.index(I(1n, 0n), torch.slice(), I(3n, 3n)) },
  ],
  setitem: [
    { shapes: [[2, 3], [2]], fn: (a: Tensor, v: Tensor) => a.mul(1).setitem(torch.slice(), 1, v) },
    { shapes: [[3, 4], [2, 2]], fn: (a: Tensor, v: Tensor) => a.mul(1).setitem('::2, 1:3', v) },
    { shapes: [[4], [2]], fn: (a: Tensor, v: Tensor) => a.mul(1).setitem(I(0n, 2n), v) },
    { shapes: [[2, 3], []], fn: (a: Tensor, v: Tensor) => a.mul(1).setitem(MASK, v) },
  ],
  index_put: [
    { shapes: [[3, 2], [2, 2]], fn: (a: Tensor, v: Tensor) => a.index_put([I(0n, 2n)], v) },
    { shapes: [[3, 2], [2]], fn: (a: Tensor, v: Tensor) => a.index_put([I(1n, 1n)], v, true) },
  ],
  select: [{ shapes: [[2, 3]], fn: (a: Tensor) => a.select(1, -1) }],
  narrow: [{ shapes: [[2, 4]], fn: (a: Tensor) => a.narrow(1, 1, 2) }],
  index_select: [{ shapes: [[3, 2]], fn: (a: Tensor) => a.index_select(0, I(2n, 0n, 2n)) }],
  masked_fill: [
    { shapes: [[2, 3]], fn: (a: Tensor) => a.masked_fill(MASK, 0.5) },
    { shapes: [[3], []], fn: (a: Tensor, v: Tensor) => a.masked_fill(MASK, v) },
  ],
  masked_select: [{ shapes: [[3]], fn: (a: Tensor) => a.masked_select(MASK) }],
  take: [{ shapes: [[2, 3]], fn: (a: Tensor) => a.take(torch.tensor([[0n, 5n], [5n, -1n]])) }],
  where: [
    { shapes: [[2, 3], [3]], fn: (a: Tensor, b: Tensor) => torch.where(MASK, a, b) as Tensor },
    { shapes: [[3]], fn: (a: Tensor) => torch.where(MASK, 1.5, a) as Tensor },
  ],
  // aliases (gen_breadth.py): the target op's formula through the other spelling
  absolute: un(torch.absolute, { awayFromZero: true }),
  arccos: un(torch.arccos, { unit: true }),
  arcsin: un(torch.arcsin, { unit: true }),
  arctan: un(torch.arctan),
  fix: un(torch.fix, { awayFromZero: true }),
  negative: un(torch.negative),
  arctan2: ew(torch.arctan2, { awayFromZero: true }),
  multiply: [...ew(torch.multiply), ...un((a) => a.multiply(2.5))],
  subtract: [...ew(torch.subtract), ...un((a) => a.subtract(2.5))],
  concat: [{ shapes: [[2, 3], [1, 3]], fn: (a: Tensor, b: Tensor) => torch.concat([a, b]) }],
  concatenate: [{ shapes: [[2, 3], [2, 1]], fn: (a: Tensor, b: Tensor) => torch.concatenate([a, b, a], 1) }],
  swapaxes: [{ shapes: [[2, 3, 4]], fn: (a: Tensor) => torch.swapaxes(a, 0, 2) }],
  swapdims: [{ shapes: [[2, 3]], fn: (a: Tensor) => a.swapdims(-1, 0) }],
  moveaxis: [{ shapes: [[2, 3, 4]], fn: (a: Tensor) => torch.moveaxis(a, [0, 1], [2, 0]) }],
  ravel: [{ shapes: [[2, 3]], fn: (a: Tensor) => a.t().ravel() }, ...un((a) => torch.ravel(a))],
  type_as: [{ shapes: [[2, 3], [3]], fn: (a: Tensor, b: Tensor) => a.type_as(b.float()).mul(2).type_as(b), eps: 1e-2 }, ...un((a) => a.type_as(a))],
  view_as: [{ shapes: [[2, 3], [6]], fn: (a: Tensor, b: Tensor) => a.view_as(b).mul(b) }],
  reshape_as: [{ shapes: [[2, 3], [3, 2]], fn: (a: Tensor, b: Tensor) => a.t().reshape_as(b).mul(b) }],
  // more math (gen_breadth.py)
  addcmul: [
    { shapes: [[3], [3], [3]], fn: (a: Tensor, b: Tensor, c: Tensor) => torch.addcmul(a, b, c) },
    { shapes: [[2, 3], [3], [2, 1]], fn: (a: Tensor, b: Tensor, c: Tensor) => a.addcmul(b, c, { value: -0.5 }) },
  ],
  addcdiv: [
    { shapes: [[3], [3], [3]], fn: (a: Tensor, b: Tensor, c: Tensor) => torch.addcdiv(a, b, c), positive: true },
    { shapes: [[2, 3], [3], [2, 1]], fn: (a: Tensor, b: Tensor, c: Tensor) => a.addcdiv(b, c, { value: 2 }), positive: true },
  ],
  xlogy: [
    { shapes: [[2, 3], [3]], fn: (a: Tensor, b: Tensor) => torch.xlogy(a, b), positive: true },
    ...un((a) => torch.xlogy(2, a), { positive: true }),
    ...un((a) => torch.xlogy(a, 3)),
  ],
  logaddexp2: ew(torch.logaddexp2),
  deg2rad: un(torch.deg2rad),
  rad2deg: un(torch.rad2deg),
  nan_to_num: un((a) => torch.nan_to_num(a)),
  trace: [{ shapes: [[3, 3]], fn: (a: Tensor) => torch.trace(a) }, { shapes: [[2, 4]], fn: (a: Tensor) => a.trace() }],
  sgn: un(torch.sgn, { awayFromZero: true }),
  broadcast_to: [{ shapes: [[3]], fn: (a: Tensor) => torch.broadcast_to(a, [2, 3]) }, { shapes: [[2, 1]], fn: (a: Tensor) => a.broadcast_to([2, 2, 3]) }],
  hstack: [{ shapes: [[3], [2]], fn: (a: Tensor, b: Tensor) => torch.hstack([a, b]) }, { shapes: [[2, 3], [2, 1]], fn: (a: Tensor, b: Tensor) => torch.hstack([a, b]) }],
  vstack: [{ shapes: [[3], [2, 3]], fn: (a: Tensor, b: Tensor) => torch.vstack([a, b]) }, { shapes: [[], []], fn: (a: Tensor, b: Tensor) => torch.vstack([a, b]) }],
  fill_diagonal_: [{ shapes: [[3, 3]], fn: (a: Tensor) => a.mul(1).fill_diagonal_(0.5) }, { shapes: [[5, 2]], fn: (a: Tensor) => a.mul(1).fill_diagonal_(0.5, true) }],
  nansum: [...un((a) => torch.nansum(a)), { shapes: [[2, 3, 2]], fn: (a: Tensor) => a.nansum([0, 2], true) }, { shapes: [[2, 3]], fn: (a: Tensor) => a.nansum(1) }],
  nanmean: [...un((a) => torch.nanmean(a)), { shapes: [[2, 3]], fn: (a: Tensor) => a.nanmean(1) }],
  diff: [{ shapes: [[5]], fn: (a: Tensor) => torch.diff(a) }, { shapes: [[3, 4], [3, 1]], fn: (a: Tensor, b: Tensor) => a.diff(2, 1, b) }],
  cummax: [{ shapes: [[5]], fn: (a: Tensor) => torch.cummax(a, 0).values }, { shapes: [[2, 3]], fn: (a: Tensor) => a.cummax(1).values }],
  cummin: [{ shapes: [[5]], fn: (a: Tensor) => torch.cummin(a, 0).values }, { shapes: [[2, 3]], fn: (a: Tensor) => a.cummin(-2).values }],
  kron: [{ shapes: [[2, 3], [2, 2]], fn: (a: Tensor, b: Tensor) => torch.kron(a, b) }, { shapes: [[2, 2], [3]], fn: (a: Tensor, b: Tensor) => a.kron(b) }],
  dstack: [{ shapes: [[3], [3]], fn: (a: Tensor, b: Tensor) => torch.dstack([a, b]) }, { shapes: [[2, 3], [2, 3]], fn: (a: Tensor, b: Tensor) => torch.dstack([a, b]) }],
  column_stack: [{ shapes: [[3, 2], [3]], fn: (a: Tensor, b: Tensor) => torch.column_stack([a, b]) }],
  broadcast_tensors: [{ shapes: [[2, 1], [3]], fn: (a: Tensor, b: Tensor) => torch.broadcast_tensors(a, b) }],
  repeat_interleave: [{ shapes: [[2, 3]], fn: (a: Tensor) => torch.repeat_interleave(a, 2) }, { shapes: [[3, 2]], fn: (a: Tensor) => a.repeat_interleave(torch.tensor([1n, 0n, 2n]), 0) }],
  cross: [{ shapes: [[2, 3], [1, 3]], fn: (a: Tensor, b: Tensor) => torch.cross(a, b) }, { shapes: [[3, 2], [3, 2]], fn: (a: Tensor, b: Tensor) => a.cross(b, 0) }],
  linalg_cross: [{ shapes: [[2, 3], [2, 3]], fn: (a: Tensor, b: Tensor) => torch.linalg.cross(a, b) }],
  logit: [...un((a) => torch.logit(a.mul(0.4).add(0.5)), { unit: true }), ...un((a) => a.mul(0.4).add(0.5).logit(0.01), { unit: true })],
} satisfies Partial<Record<OpName, Sample[]>>);

// A unary elementwise op without samples above is sampled on its registered domain.
for (const name of Object.keys(unaryOps) as Array<keyof typeof unaryOps>) {
  const domain = unaryOps[name].domain;
  const fn = registry[name].fn;
  samples[name] ??= un(fn, { positive: domain === 'positive', awayFromZero: domain === 'awayFromZero', unit: domain === 'open unit interval' });
}
samples.square ??= un(registry.square.fn);

test('every differentiable op has gradcheck samples', () => {
  const missing = differentiableOps.filter((name) => (samples[name] ?? []).length === 0);
  assert.deepEqual(missing, []);
});

describe('gradcheck', () => {
  for (const [name, list] of Object.entries(samples)) {
    list.forEach((s, i) => {
      test(`${name} #${i} ${JSON.stringify(s.shapes)}`, () => {
        const inputs = s.shapes.map((shape) => input(shape, s));
        assert.equal(torch.autograd.gradcheck(s.fn, inputs, { eps: s.eps ?? 1e-6, atol: 1e-5, rtol: 1e-3 }), true);
      });
    });
  }
});

// Second derivatives of every op (its formula over tensors, as create_graph records it) against
// central differences of its first derivatives, with random grad_outputs (PyTorch's gradgradcheck).
// An op given no formula over tensors yet differentiates once: its gradient's own derivative is
// PyTorch's "not implemented" error. Such an op is skipped here; every op named below must pass.
const SECOND_ORDER: ReadonlySet<string> = new Set([
  ...Object.keys(unaryOps), 'add', 'sub', 'rsub', 'mul', 'div', 'pow', 'square', 'sum', 'mean', 'min', 'max', 'norm', 'matmul',
  'reshape', 'view', 'unsqueeze', 'squeeze', 'transpose', 't', 'clone', 'to', 'linear', 'mse_loss', 'binary_cross_entropy_with_logits',
  'leaky_relu', 'softplus', 'gelu', 'elu', 'silu', 'relu6', 'hardtanh', 'hardtanh_', 'selu', 'selu_', 'celu', 'celu_', 'mish', 'hardswish',
  'logsigmoid', 'softsign', 'softmin', 'elu_', 'leaky_relu_', 'normalize', 'cosine_similarity', 'pairwise_distance', 'kl_div', 'embedding', 'var_mean', 'std_mean', 'flatten', 'unflatten', 'softmax', 'log_softmax',
  'round', 'clamp', 'clip', 'clamp_min', 'clamp_max', 'maximum', 'minimum', 'fmod', 'remainder', 'lerp', 'hypot', 'atan2', 'logaddexp',
  'prod', 'cumsum', 'cumprod', 'var', 'std', 'logsumexp', 'amax', 'amin', 'dot', 'mv', 'bmm', 'outer', 'ger', 'addmm', 'einsum',
  'linalg_vector_norm', 'linalg_norm',
  'l1_loss', 'gaussian_nll_loss', 'huber_loss', 'smooth_l1_loss', 'binary_cross_entropy', 'nll_loss', 'cross_entropy',
  'permute', 'movedim', 'T', 'mT', 'flip', 'roll', 'repeat', 'tile', 'expand', 'expand_as', 'cat', 'stack', 'split', 'chunk', 'unbind',
  'meshgrid', 'tril', 'triu', 'diag',
  'median', 'nanmedian', 'mode', 'kthvalue', 'sort', 'msort', 'topk', 'gather', 'scatter', 'scatter_add', 'take_along_dim',
  'index', 'setitem', 'index_put', 'select', 'narrow', 'index_select', 'masked_fill', 'masked_select', 'take', 'where',
  'absolute', 'arccos', 'arcsin', 'arctan', 'fix', 'negative', 'arctan2', 'multiply', 'subtract', 'concat', 'concatenate', 'swapaxes',
  'swapdims', 'moveaxis', 'ravel', 'type_as', 'view_as', 'reshape_as',
  'addcmul', 'addcdiv', 'xlogy', 'logaddexp2', 'deg2rad', 'rad2deg', 'nan_to_num', 'trace', 'sgn', 'broadcast_to', 'hstack', 'vstack',
  'fill_diagonal_', 'nansum', 'nanmean', 'diff', 'logit', 'cummax', 'cummin', 'kron', 'dstack', 'column_stack', 'broadcast_tensors', 'repeat_interleave', 'cross', 'linalg_cross',
]);

describe('gradgradcheck', () => {
  torch.manual_seed(20261218);
  for (const [name, list] of Object.entries(samples)) {
    list.forEach((s, i) => {
      test(`${name} #${i} ${JSON.stringify(s.shapes)}`, (t) => {
        const inputs = s.shapes.map((shape) => input(shape, s));
        try {
          assert.equal(torch.autograd.gradgradcheck(s.fn, inputs, null, { eps: s.eps ?? 1e-6, atol: 1e-5, rtol: 1e-3 }), true);
        } catch (e) {
          if (SECOND_ORDER.has(name) || !(e instanceof Error) || !/^(the derivative for '.*' is not implemented\.|derivative for aten::\w+ is not implemented)$/.test(e.message)) throw e;
          t.skip(`no second derivative yet: ${e.message}`);
        }
      });
    });
  }
});

test('gradcheck reports a wrong gradient', () => {
  // sigmoid whose backward is deliberately wrong: the graph of x·sigmoid(x) detached in the middle
  const bad = (x: Tensor): Tensor => x.mul(x.detach());
  const x = torch.randn([3], { dtype: torch.float64, generator: gen }).requires_grad_(true);
  assert.throws(() => torch.autograd.gradcheck(bad, [x]), /Jacobian mismatch for output 0 with respect to input 0/);
  assert.equal(torch.autograd.gradcheck(bad, [x], { raise_exception: false }), false);
});

test('gradgradcheck reports a wrong second derivative', () => {
  // x² whose backward detaches x: right first derivative, no second
  class BadSquare extends torch.autograd.Function {
    static override forward(ctx: torch.autograd.FunctionCtx, x: Tensor): Tensor {
      ctx.save_for_backward(x);
      return x.mul(x);
    }
    static override backward(ctx: torch.autograd.FunctionCtx, g: Tensor): Tensor {
      const [x] = ctx.saved_tensors as Tensor[];
      return g.mul(x.detach()).mul(2);
    }
  }
  const x = torch.randn([3], { dtype: torch.float64, generator: gen }).requires_grad_(true);
  const f = (t: Tensor): Tensor => BadSquare.apply(t);
  assert.equal(torch.autograd.gradcheck(f, [x]), true);
  assert.throws(() => torch.autograd.gradgradcheck(f, [x]), /Jacobian mismatch for output 0 with respect to input 0/);
  assert.equal(torch.autograd.gradgradcheck((t: Tensor) => t.mul(t), [x]), true);
});
