// Higher-order derivatives of torch.nn.functional's ops against PyTorch 1.13 (higher_order_nn.json,
// test/fixtures/python/gen_higher_order_nn.py): first, second and third derivatives with create_graph,
// values bit for bit and the grad_fn graph of the first and second as PyTorch records it.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { AccumulateGrad, type Node } from '../../src/tensor/autograd/node.js';
import { readFixture } from '../helpers/fixtures.js';
import { decodeNum, encodeNum } from './programs.js';

type Num = number | string;
type Kw = Record<string, unknown>;

interface Snap {
  v: Num[];
  s: number[];
  g: string;
}

interface Case {
  id: string;
  op: string;
  kw: Kw;
  dtype: 'float32' | 'float64';
  inputs: Array<{ s: number[]; v: Num[]; rg: boolean }>;
  extra: Array<{ s: number[]; v: number[]; d: string }>;
  go?: { v: Num[]; rg: boolean };
  y?: Snap;
  g1?: Array<Snap | null>;
  v?: Num[][];
  g2?: Array<Snap | null> | null;
  u?: Num[][];
  g3?: Array<Num[] | null> | null;
  error?: string;
}

const F = torch.nn.functional;

/**
 * Third derivatives compared to a relative 1e-10 (float64) / 1e-3 (float32) instead of bit for bit:
 * gelu 'tanh', whose double backward is some 30 ops over x: its third derivative sums their many
 * contributions to x in an order set by PyTorch's node sequence numbers, which follow C++'s
 * (unspecified) evaluation order of the formula's operands; cancellation (1 - tanh²) magnifies the difference.
 * binary_cross_entropy likewise: its double backward's three formulas are some 20 ops over input.
 */
const CLOSE_G3: ReadonlySet<string> = new Set(['gelutanh', 'binary_cross_entropy']);

function tensorOf(s: readonly number[], v: readonly Num[], dtype: 'float32' | 'float64'): Tensor {
  return torch.tensor(v.map(decodeNum), { dtype }).reshape(s.slice());
}

/** The op as gen_higher_order_nn.py's call() spells it. */
function call(op: string, kw: Kw, xs: Tensor[], extra: Tensor[]): Tensor {
  const r = kw.reduction as 'mean' | 'sum' | 'none';
  switch (op) {
    case 'leaky_relu':
      return kw.inplace === true ? F.leaky_relu(xs[0].clone(), kw.negative_slope as number, true) : F.leaky_relu(xs[0], kw.negative_slope as number);
    case 'elu':
      return kw.inplace === true ? F.elu(xs[0].clone(), kw.alpha as number, true) : F.elu(xs[0], kw.alpha as number);
    case 'softplus':
      return F.softplus(xs[0], kw.beta as number, kw.threshold as number);
    case 'gelu':
      return F.gelu(xs[0], { approximate: kw.approximate as 'none' | 'tanh' });
    case 'silu':
      return F.silu(xs[0]);
    case 'softmax':
      return torch.softmax(xs[0], kw.dim as number);
    case 'log_softmax':
      return torch.log_softmax(xs[0], kw.dim as number);
    case 'flatten':
      return torch.flatten(xs[0], kw.start_dim as number, kw.end_dim as number).square();
    case 'unflatten':
      return torch.unflatten(xs[0], kw.dim as number, kw.sizes as number[]).square();
    case 'l1_loss':
      return F.l1_loss(xs[0], xs[1], r);
    case 'huber_loss':
      return F.huber_loss(xs[0], xs[1], { reduction: r, delta: kw.delta as number });
    case 'smooth_l1_loss':
      return F.smooth_l1_loss(xs[0], xs[1], { reduction: r, beta: kw.beta as number });
    case 'binary_cross_entropy':
      return F.binary_cross_entropy(xs[0], xs[1], { weight: extra[0] ?? null, reduction: r });
    case 'nll_loss':
      return F.nll_loss(xs[0], extra[0], { weight: extra[1] ?? null, reduction: r, ignore_index: kw.ignore_index as number });
    case 'cross_entropy':
      return F.cross_entropy(xs[0], kw.target === 'index' ? extra[0] : xs[1], {
        weight: extra[1] ?? null,
        reduction: r,
        label_smoothing: kw.label_smoothing as number,
      });
    case 'gaussian_nll_loss':
      return F.gaussian_nll_loss(xs[0], xs[1], xs[2], { full: kw.full as boolean, eps: kw.eps as number, reduction: r });
    default:
      throw new Error(`unknown op ${op}`);
  }
}

export function graphOf(fn: Node | null, depth = 0, budget = { n: 60 }): string {
  if (fn === null) return '_';
  budget.n--;
  if (fn instanceof AccumulateGrad) return 'A';
  const name = fn.name();
  if (depth >= 7 || budget.n <= 0) return `${name}(..)`;
  return `${name}(${fn.next_functions.map(([n]) => graphOf(n, depth + 1, budget)).join(', ')})`;
}

const vals = (t: Tensor): Num[] => Array.from(t._data, encodeNum);

function sumOfProducts(gs: ReadonlyArray<Tensor | null>, ws: readonly Num[][], dtype: 'float32' | 'float64'): Tensor | null {
  let s: Tensor | null = null;
  gs.forEach((g, i) => {
    if (g === null || !g.requires_grad) return;
    const term = g.mul(tensorOf(g.shape, ws[i], dtype)).sum();
    s = s === null ? term : s.add(term);
  });
  return s;
}

function checkSnaps(ours: ReadonlyArray<Tensor | null>, theirs: ReadonlyArray<Snap | null>, what: string): void {
  assert.equal(ours.length, theirs.length, what);
  theirs.forEach((s, i) => {
    const g = ours[i];
    if (s === null) {
      assert.equal(g, null, `${what}[${i}] should be None`);
      return;
    }
    assert.ok(g !== null, `${what}[${i}] is null`);
    assert.deepEqual(vals(g), s.v, `${what}[${i}] values`);
    assert.deepEqual(g.shape.slice(), s.s, `${what}[${i}] shape`);
    assert.equal(graphOf(g.grad_fn), s.g, `${what}[${i}] graph`);
  });
}

function run(c: Case): void {
  const xs = c.inputs.map((i) => tensorOf(i.s, i.v, c.dtype).requires_grad_(i.rg));
  const extra = c.extra.map((e) => tensorOf(e.s, e.v, e.d === 'int64' ? 'float64' : c.dtype));
  const y = call(c.op, c.kw, xs, extra);
  const snap = c.y as Snap;
  assert.deepEqual(vals(y), snap.v, 'forward values');
  const go = c.go as { v: Num[]; rg: boolean };
  const gout = tensorOf(y.shape, go.v, c.dtype).requires_grad_(go.rg);
  const wrt = xs.filter((x) => x.requires_grad);
  const g1 = torch.autograd.grad(y, wrt, gout, { create_graph: true, allow_unused: true });
  checkSnaps(g1, c.g1 as Snap[], 'g1');
  const s2 = sumOfProducts(g1, c.v as Num[][], c.dtype);
  if (c.g2 === null) {
    assert.equal(s2, null, 'no second derivative');
    return;
  }
  const wrt2 = go.rg ? [...wrt, gout] : wrt;
  const g2 = torch.autograd.grad(s2 as Tensor, wrt2, null, { create_graph: true, allow_unused: true });
  checkSnaps(g2, c.g2 as Snap[], 'g2');
  const s3 = sumOfProducts(g2, c.u as Num[][], c.dtype);
  if (c.g3 === null) {
    assert.equal(s3, null, 'no third derivative');
    return;
  }
  const g3 = torch.autograd.grad(s3 as Tensor, wrt2, null, { allow_unused: true });
  const ours = g3.map((g) => (g === null ? null : vals(g)));
  if (!CLOSE_G3.has(c.op + String(c.kw.approximate ?? ''))) {
    assert.deepEqual(ours, c.g3, 'g3 values');
    return;
  }
  // binary_cross_entropy's float32 third derivative cancels terms of its (1 - x + eps)² denominators
  const rtol = c.dtype === 'float64' ? 1e-10 : c.op === 'binary_cross_entropy' ? 1e-2 : 1e-3;
  (c.g3 as Array<Num[] | null>).forEach((want, i) => {
    const got = ours[i];
    if (want === null || got === null) return assert.equal(got, want);
    want.forEach((w, j) => {
      const a = decodeNum(got[j]);
      const b = decodeNum(w);
      if (!Object.is(a, b)) assert.ok(Math.abs(a - b) <= rtol * Math.abs(b), `g3[${i}][${j}]: ${a} vs ${b}`);
    });
  });
}

const fixture = readFixture<{ torch: string; cases: Case[] }>('torch/higher_order_nn.json');

describe(`higher-order derivatives of nn.functional ops (PyTorch ${fixture.torch})`, () => {
  const byOp = new Map<string, Case[]>();
  for (const c of fixture.cases) byOp.set(c.id.replace(/-\d+$/, ''), [...(byOp.get(c.id.replace(/-\d+$/, '')) ?? []), c]);
  for (const [op, cases] of byOp) {
    test(`${op}: ${cases.length} cases`, () => {
      const failures: string[] = [];
      for (const c of cases) {
        try {
          if (c.error !== undefined) assert.throws(() => run(c), { message: c.error });
          else run(c);
        } catch (e) {
          failures.push(`${c.id}: ${(e as Error).message.split('\n').slice(0, 6).join(' | ')}`);
        }
      }
      assert.deepEqual(failures.slice(0, 6), [], `${failures.length} of ${cases.length} differ`);
    });
  }
});
