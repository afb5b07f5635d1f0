// torch.autograd.functional against PyTorch 1.13: the functions of test/fixtures/python/gen_functional.py
// (the same here) through jacobian, hessian, vjp, jvp, hvp and vhp on its random cases: values, shapes,
// grad_fn names and requires_grad of every result, nested as PyTorch's tuples, and the error texts.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { readFixture } from '../helpers/fixtures.js';
import { encodeNum } from './programs.js';

type Fn = (...xs: Tensor[]) => Tensor | Tensor[];

const FUNCS: Record<string, Fn> = {
  pow3: (x) => x.pow(3),
  sum_sin: (x) => x.sin().mul(x).sum(),
  scalar: (x) => x.pow(2).sum().mul(3),
  mean_sq: (x) => x.pow(2).mean(),
  linear: (x) => x.mul(2),
  linear_sum: (x) => x.mul(2).sum(),
  const: (x) => torch.ones_like(x),
  two: (x, y) => x.mul(y.exp()),
  two_sum: (x, y) => x.tanh().mul(y).sum(),
  indep: (x) => x.exp().sum(),
  two_out: (x) => [x.sin(), x.pow(2).sum()],
  exp_prod: (x, y) => x.mul(y).exp().sum(),
};

interface Case {
  id: string;
  fn: string;
  op: 'jacobian' | 'hessian' | 'vjp' | 'jvp' | 'hvp' | 'vhp';
  dtype: 'float32' | 'float64';
  shape: number[];
  data: number[][];
  tuple: boolean;
  create_graph: boolean;
  strict: boolean;
  v: 'given' | 'none' | 'bad';
  v_data?: number[][];
  v_shapes?: number[][];
  res: unknown;
}

function snap(t: unknown): unknown {
  if (Array.isArray(t)) return t.map(snap);
  if (!(t instanceof torch.Tensor)) return { py: String(t) };
  return { v: Array.from(t.detach().numpy(), encodeNum), s: t.shape.slice(), d: t.dtype, f: t.grad_fn?.name() ?? null, rg: t.requires_grad };
}

function run(c: Case): unknown {
  const F = torch.autograd.functional;
  const xs = c.data.map((d) => torch.tensor(d, { dtype: c.dtype }).reshape(c.shape));
  const inputs = c.tuple ? xs : xs[0];
  const fn = FUNCS[c.fn];
  const arity = c.fn === 'two' || c.fn === 'two_sum' || c.fn === 'indep' || c.fn === 'exp_prod' ? 2 : 1;
  const wrapped = arity === 2 ? fn : (x: Tensor): Tensor | Tensor[] => fn(x);
  const o = { create_graph: c.create_graph, strict: c.strict };
  const vs = c.v_data?.map((d, i) => torch.tensor(d, { dtype: c.dtype }).reshape((c.v_shapes as number[][])[i]));
  // a v for one tensor is that tensor, for a tuple the tuple (as the generator builds it)
  const vFor = (likeTuple: boolean): Tensor | Tensor[] | null => (vs === undefined ? null : likeTuple ? vs : vs[0]);
  try {
    switch (c.op) {
      case 'jacobian':
        return snap(F.jacobian(wrapped, inputs, o));
      case 'hessian':
        return snap(F.hessian(wrapped, inputs, o));
      case 'vjp':
        return snap(F.vjp(wrapped, inputs, vFor(Array.isArray(fn(...xs))), o));
      default:
        return snap(F[c.op](wrapped, inputs, vFor(c.tuple), o));
    }
  } catch (e) {
    if (!(e instanceof Error)) throw e;
    return { err: [e.name === 'ArgumentTypeError' ? 'TypeError' : e.name, e.message] };
  }
}

function close(a: unknown, b: unknown, dtype: string): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => close(v, b[i], dtype));
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a as object);
    return ka.length === Object.keys(b as object).length && ka.every((k) => close((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], dtype));
  }
  if (typeof a === 'number' && typeof b === 'number') {
    const tol = dtype === 'float64' ? 1e-12 : 1e-6;
    return a === b || Math.abs(a - b) <= tol * Math.max(Math.abs(a), Math.abs(b), 1e-30);
  }
  return a === b || (a === '-0' && b === 0) || (a === 0 && b === '-0');
}

describe('torch.autograd.functional', () => {
  const fixture = readFixture<{ torch: string; cases: Case[] }>('torch/functional.json');

  test(`${fixture.cases.length} cases of jacobian, hessian, vjp, jvp, hvp and vhp agree with PyTorch ${fixture.torch}`, () => {
    assert.ok(fixture.cases.length >= 400);
    const bad: string[] = [];
    for (const c of fixture.cases) {
      const ours = JSON.parse(JSON.stringify(run(c))) as unknown;
      if (!close(c.res, ours, c.dtype)) bad.push(`${c.id} ${c.op}(${c.fn}): torch ${JSON.stringify(c.res)}, ours ${JSON.stringify(ours)}`);
    }
    assert.deepEqual(bad.slice(0, 8), [], `${bad.length} differences`);
  });

  test('vectorize=True and forward-mode are refused', () => {
    const x = torch.tensor([1, 2], { requires_grad: true });
    assert.throws(() => torch.autograd.functional.jacobian((t: Tensor) => t.mul(2), x, { vectorize: true }), /vectorize=True/);
    assert.throws(() => torch.autograd.functional.jacobian((t: Tensor) => t.mul(2), x, { strict: true, vectorize: true }), {
      message: 'torch.autograd.functional.jacobian: `strict=True` and `vectorized=True` are not supported together. Please either set `strict=False` or `vectorize=False`.',
    });
    assert.throws(() => torch.autograd.functional.jacobian((t: Tensor) => t.mul(2), x, { strategy: 'forward-mode' }), /forward-mode/);
  });
});
