// torch.autograd.Function against PyTorch 1.13: the catalog of custom Functions of
// test/fixtures/python/gen_custom_function.py (the same forward and backward here) applied to its
// random cases, compared on outputs, grad_fn names, ctx attributes, first and second derivatives,
// .grad, saved_tensors after a freeing backward and error texts; then the tutorial's example.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { FunctionCtx, once_differentiable } from '../../src/autograd/function.js';
import { readFixture } from '../helpers/fixtures.js';
import { decodeNum, encodeNum } from './programs.js';

type Num = number | string;
type G = Tensor | null;

class Exp extends torch.autograd.Function {
  static override forward(ctx: FunctionCtx, x: Tensor): Tensor {
    const r = x.exp();
    ctx.save_for_backward(r);
    return r;
  }
  static override backward(ctx: FunctionCtx, g: Tensor): Tensor {
    const [r] = ctx.saved_tensors as Tensor[];
    return g.mul(r);
  }
}

class MulConst extends torch.autograd.Function {
  static override forward(ctx: FunctionCtx, x: Tensor, c: number): Tensor {
    ctx.c = c;
    return x.mul(c);
  }
  static override backward(ctx: FunctionCtx, g: Tensor): G[] {
    return [g.mul(ctx.c as number), null];
  }
}

class LegendreP3 extends torch.autograd.Function {
  static override forward(ctx: FunctionCtx, x: Tensor): Tensor {
    ctx.save_for_backward(x);
    return torch.mul(0.5, torch.sub(torch.mul(5, x.pow(3)), torch.mul(3, x)));
  }
  static override backward(ctx: FunctionCtx, g: Tensor): Tensor {
    const [x] = ctx.saved_tensors as Tensor[];
    return g.mul(1.5).mul(torch.sub(torch.mul(5, x.pow(2)), 1));
  }
}

class MyReLU extends torch.autograd.Function {
  static override forward(ctx: FunctionCtx, x: Tensor): Tensor {
    ctx.save_for_backward(x);
    return x.relu();
  }
  static override backward(ctx: FunctionCtx, g: Tensor): Tensor {
    const [x] = ctx.saved_tensors as Tensor[];
    const positive = torch.tensor(Array.from(x.detach().numpy(), (v) => (v > 0 ? 1 : 0)), { dtype: g.dtype }).reshape(x.shape);
    return g.mul(positive);
  }
}

class TwoOutputs extends torch.autograd.Function {
  static override forward(ctx: FunctionCtx, x: Tensor, y: Tensor): Tensor[] {
    ctx.save_for_backward(x, y);
    return [x.mul(y), x.add(y)];
  }
  static override backward(ctx: FunctionCtx, ga: Tensor, gb: Tensor): Tensor[] {
    const [x, y] = ctx.saved_tensors as Tensor[];
    return [ga.mul(y).add(gb), ga.mul(x).add(gb)];
  }
}

class NonDiff extends torch.autograd.Function {
  static override forward(ctx: FunctionCtx, x: Tensor): Tensor[] {
    const s = x.sign();
    ctx.mark_non_differentiable(s);
    return [x.mul(2), s];
  }
  static override backward(_ctx: FunctionCtx, g1: Tensor, g2: Tensor): Tensor {
    return g1.mul(2).add(g2);
  }
}

class NoMaterialize extends torch.autograd.Function {
  static override forward(ctx: FunctionCtx, x: Tensor): Tensor[] {
    ctx.set_materialize_grads(false);
    ctx.save_for_backward(x);
    return [x.mul(3), x.mul(5)];
  }
  static override backward(ctx: FunctionCtx, g1: G, g2: G): Tensor {
    const [x] = ctx.saved_tensors as Tensor[];
    let out = x.mul(0);
    if (g1 !== null) out = out.add(g1.mul(3));
    if (g2 !== null) out = out.add(g2.mul(5)).add(100);
    return out;
  }
}

class Dirty extends torch.autograd.Function {
  static override forward(ctx: FunctionCtx, x: Tensor): Tensor {
    x.mul_(2);
    ctx.mark_dirty(x);
    return x;
  }
  static override backward(_ctx: FunctionCtx, g: Tensor): Tensor {
    return g.mul(2);
  }
}

class ReturnsInput extends torch.autograd.Function {
  static override forward(_ctx: FunctionCtx, x: Tensor): Tensor {
    return x;
  }
  static override backward(_ctx: FunctionCtx, g: Tensor): Tensor {
    return g.mul(10);
  }
}

class WrongCount extends torch.autograd.Function {
  static override forward(_ctx: FunctionCtx, x: Tensor): Tensor {
    return x.mul(1);
  }
  static override backward(_ctx: FunctionCtx, g: Tensor): Tensor[] {
    return [g, g];
  }
}

class NonTensorGrad extends torch.autograd.Function {
  static override forward(ctx: FunctionCtx, x: Tensor, k: number): Tensor {
    ctx.k = k;
    return x.mul(k);
  }
  static override backward(ctx: FunctionCtx, g: Tensor): Tensor[] {
    return [g.mul(ctx.k as number), g];
  }
}

class BadShape extends torch.autograd.Function {
  static override forward(_ctx: FunctionCtx, x: Tensor): Tensor {
    return x.mul(1);
  }
  static override backward(_ctx: FunctionCtx, g: Tensor): Tensor {
    return g.sum();
  }
}

class Square extends torch.autograd.Function {
  static override forward(ctx: FunctionCtx, x: Tensor): Tensor {
    ctx.save_for_backward(x);
    ctx.scale = 3;
    return x.mul(x);
  }
  static override backward(ctx: FunctionCtx, g: Tensor): Tensor {
    const [x] = ctx.saved_tensors as Tensor[];
    return g.mul(2).mul(x);
  }
}

class SquareOnce extends torch.autograd.Function {
  static override forward(ctx: FunctionCtx, x: Tensor): Tensor {
    ctx.save_for_backward(x);
    return x.mul(x);
  }
  static override backward = once_differentiable((ctx: FunctionCtx, g: Tensor): Tensor => {
    const [x] = ctx.saved_tensors as Tensor[];
    return g.mul(2).mul(x);
  });
}

class NeedsGrad extends torch.autograd.Function {
  static override forward(ctx: FunctionCtx, x: Tensor, y: Tensor): Tensor {
    ctx.save_for_backward(x, y);
    return x.mul(y);
  }
  static override backward(ctx: FunctionCtx, g: Tensor): G[] {
    const [x, y] = ctx.saved_tensors as Tensor[];
    return [ctx.needs_input_grad[0] ? g.mul(y) : null, ctx.needs_input_grad[1] ? g.mul(x) : null];
  }
}

/* eslint-disable @typescript-eslint/no-explicit-any -- the catalog is applied by name */
const CATALOG: Record<string, { apply(...args: any[]): unknown }> = {
  Exp, MulConst, LegendreP3, MyReLU, TwoOutputs, NonDiff, NoMaterialize, Dirty, ReturnsInput, WrongCount, NonTensorGrad, BadShape, Square, SquareOnce, NeedsGrad,
};
/* eslint-enable @typescript-eslint/no-explicit-any */
const TWO_INPUTS = new Set(['TwoOutputs', 'NeedsGrad']);

interface Snap {
  v?: Num[];
  s?: number[];
  d?: string;
  f?: string | null;
  rg?: boolean;
  leaf?: boolean;
}
type Guarded<T> = T | { err: [string, string] };
interface Case {
  id: string;
  fn: string;
  dtype: 'float32' | 'float64';
  shape: number[];
  data: Num[];
  data2: Num[];
  rg: [boolean, boolean];
  k: number;
  through: boolean;
  order: 1 | 2;
  mode: 'grad' | 'backward';
  modify_after: boolean;
  out: Record<string, unknown>;
}

function snap(t: unknown): Snap | { py: string } {
  if (!(t instanceof torch.Tensor)) return { py: String(t) };
  return { v: Array.from(t.detach().numpy(), encodeNum), s: t.shape.slice(), d: t.dtype.name, f: t.grad_fn?.name().replace('torch::autograd::', '') ?? null, rg: t.requires_grad, leaf: t.is_leaf };
}

function guarded<T>(fn: () => T): Guarded<T> {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof Error)) throw e;
    return { err: [e.name === 'ArgumentTypeError' ? 'TypeError' : e.name, e.message] };
  }
}

/** The case as gen_custom_function.py's make_case runs it. */
function run(c: Case): Record<string, unknown> {
  const make = (data: Num[], rg: boolean): Tensor => torch.tensor(data.map(decodeNum), { dtype: c.dtype }).reshape(c.shape).requires_grad_(rg);
  const x0 = make(c.data, c.rg[0]);
  const y0 = make(c.data2, c.rg[1]);
  const x = c.through ? x0.mul(1) : x0;
  const args = TWO_INPUTS.has(c.fn) ? [x, y0] : c.fn === 'MulConst' || c.fn === 'NonTensorGrad' ? [x, c.k] : [x];
  const out: Record<string, unknown> = {};
  const res = guarded(() => CATALOG[c.fn].apply(...args));
  if (res !== null && typeof res === 'object' && 'err' in res) return { apply: res };
  const outs = (Array.isArray(res) ? res : [res]) as Tensor[];
  out.outputs = outs.map(snap);
  out.is_input = outs.map((o) => o === x);
  const main = outs[0];
  const ctx = main.grad_fn as FunctionCtx | null;
  if (ctx !== null) {
    out.needs_input_grad = ctx.needs_input_grad.slice();
    out.scale = ctx.scale ?? null;
  }
  if (c.modify_after && main.requires_grad) torch.no_grad(() => main.add_(1));
  const parts = outs.filter((o) => o.requires_grad);
  if (parts.length === 0) return { ...out, total: null };
  const total = parts.map((o) => o.sum()).reduce((a, b) => a.add(b));
  const leaves = [x0, y0].filter((t) => t.requires_grad);
  if (c.mode === 'grad') {
    const g = guarded(() => torch.autograd.grad(total, leaves, null, { create_graph: c.order === 2, allow_unused: true }));
    out.grad1 = Array.isArray(g) ? g.map((t) => (t === null ? null : snap(t))) : g;
    if (c.order === 2 && Array.isArray(g) && g.some((t) => t !== null && t.requires_grad)) {
      const s = g.filter((t): t is Tensor => t !== null && t.requires_grad).map((t) => t.sum()).reduce((a, b) => a.add(b));
      out.backward2 = guarded(() => (s.backward(), null));
    }
  } else {
    out.backward1 = guarded(() => (total.backward(null, { create_graph: c.order === 2 }), null));
    if (c.order === 2 && x0.grad !== null && x0.grad.requires_grad) {
      const gx = x0.grad;
      x0.grad = null;
      out.backward2 = guarded(() => (gx.sum().backward(), null));
    }
  }
  out.grads = [x0, y0].map((t) => (t.grad === null ? null : snap(t.grad)));
  if (ctx !== null && ['Exp', 'Square', 'LegendreP3'].includes(c.fn)) out.saved_after = guarded(() => ctx.saved_tensors.map(snap));
  return out;
}

function close(a: unknown, b: unknown, dtype: string): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => close(v, b[i], dtype));
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a as object);
    return ka.length === Object.keys(b as object).length && ka.every((k) => close((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], dtype));
  }
  if (typeof a === 'number' && typeof b === 'number') {
    const tol = dtype === 'float64' ? 1e-12 : 1e-6;
    return a === b || Math.abs(a - b) <= tol * Math.max(Math.abs(a), Math.abs(b));
  }
  return a === b || (a === '-0' && b === 0) || (a === 0 && b === '-0');
}

describe('torch.autograd.Function', () => {
  const fixture = readFixture<{ torch: string; cases: Case[] }>('torch/custom_function.json');

  test(`${fixture.cases.length} cases of 15 custom Functions agree with PyTorch ${fixture.torch}`, () => {
    assert.ok(fixture.cases.length >= 300);
    const previous = torch.setWarningHandler(() => undefined);
    const bad: string[] = [];
    try {
      for (const c of fixture.cases) {
        const ours = JSON.parse(JSON.stringify(run(c))) as Record<string, unknown>;
        for (const key of new Set([...Object.keys(c.out), ...Object.keys(ours)])) {
          if (!close(c.out[key], ours[key], c.dtype)) bad.push(`${c.id} ${c.fn} ${key}: torch ${JSON.stringify(c.out[key])}, ours ${JSON.stringify(ours[key])}`);
        }
      }
    } finally {
      torch.setWarningHandler(previous);
    }
    assert.deepEqual(bad.slice(0, 10), [], `${bad.length} differences`);
  });

  test('the tutorial\'s LegendrePolynomial3: grad_fn, values, the double backward', () => {
    const x = torch.tensor([0.5, -1.5], { dtype: 'float64', requires_grad: true });
    const y = LegendreP3.apply(x) as Tensor;
    assert.equal(String(y), 'tensor([-0.4375, -6.1875], dtype=torch.float64, grad_fn=<LegendreP3Backward>)');
    const [g] = torch.autograd.grad(y.sum(), x, null, { create_graph: true }) as [Tensor];
    assert.deepEqual(Array.from(g.detach().numpy()), [0.375, 15.375]);
    const [g2] = torch.autograd.grad(g.sum(), x) as [Tensor];
    assert.deepEqual(Array.from(g2.detach().numpy()), [7.5, -22.5]);
  });

  test('a saved input changed in place: PyTorch\'s version error when backward reads it', () => {
    const x = torch.tensor([1, 2], { requires_grad: true });
    const h = x.mul(1);
    const y = Square.apply(h) as Tensor;
    torch.no_grad(() => h.add_(1));
    assert.throws(() => y.sum().backward(), {
      message:
        'one of the variables needed for gradient computation has been modified by an inplace operation: [torch.FloatTensor [2]], which is output 0 of MulBackward0, ' +
        'is at version 1; expected version 0 instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True).',
    });
  });

  test('once_differentiable refuses a second derivative; a Function without forward says so', () => {
    const x = torch.tensor([1, 2], { requires_grad: true });
    const [plain] = torch.autograd.grad((SquareOnce.apply(x) as Tensor).sum(), x, null, { create_graph: true }) as [Tensor];
    assert.equal(plain.requires_grad, false); // no gradient it was given required grad
    const v = torch.ones(2, { requires_grad: true });
    const [g] = torch.autograd.grad(SquareOnce.apply(x) as Tensor, x, v, { create_graph: true }) as [Tensor];
    assert.equal(String(g), 'tensor([2., 4.], grad_fn=<Error>)');
    assert.throws(() => g.sum().backward(), { message: 'trying to differentiate twice a function that was marked with @once_differentiable' });
    class Empty extends torch.autograd.Function {}
    assert.throws(() => (Empty.apply as (...a: unknown[]) => unknown).call(Empty, x), { message: 'You must implement the forward function for custom autograd.Function.' });
  });
});
