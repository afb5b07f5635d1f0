// Tensor.register_hook, retain_grad and grad_fn.register_hook / register_prehook: when they run, what
// they see, what their results replace, and PyTorch 1.13's errors (each case checked with
// /usr/bin/python3; higher_order.test.ts runs random programs with hooks too).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';

const values = (t: Tensor | null): number[] => Array.from((t as Tensor).detach().numpy());

describe('Tensor.register_hook', () => {
  test('on a leaf: hooks run in order, each on the previous one\'s result, before accumulation', () => {
    const log: Array<[string, number[]]> = [];
    const x = torch.tensor([1, 2], { requires_grad: true });
    x.register_hook((g) => {
      log.push(['x1', values(g)]);
      return g.mul(10);
    });
    x.register_hook((g) => {
      log.push(['x2', values(g)]);
    });
    x.mul(x).sum().backward();
    assert.deepEqual(log, [['x1', [2, 4]], ['x2', [20, 40]]]);
    assert.deepEqual(values(x.grad), [20, 40]);
  });

  test('retain_grad before a hook keeps the gradient before it; after, the one the hook returns', () => {
    for (const [first, hGrad] of [['retain', [4, 8]], ['hook', [40, 80]]] as const) {
      const x = torch.tensor([1, 2], { requires_grad: true });
      const h = x.mul(2);
      const hook = (g: Tensor): Tensor => g.mul(10);
      if (first === 'retain') {
        h.retain_grad();
        h.register_hook(hook);
      } else {
        h.register_hook(hook);
        h.retain_grad();
      }
      h.mul(h).sum().backward();
      assert.deepEqual(values(h.grad), hGrad);
      assert.deepEqual(values(x.grad), [80, 160]);
    }
  });

  test('hooks run from the output back to the leaves; a removed hook does nothing', () => {
    const order: string[] = [];
    const x = torch.tensor([1, 2], { requires_grad: true });
    const a = x.mul(2);
    const b = a.mul(3);
    const c = b.sum();
    for (const [name, t] of [['x', x], ['a', a], ['b', b], ['c', c]] as const) t.register_hook(() => void order.push(name));
    c.backward();
    assert.deepEqual(order, ['c', 'b', 'a', 'x']);
    const y = torch.tensor([1, 2], { requires_grad: true });
    const handle = y.register_hook((g) => g.mul(10));
    handle.remove();
    handle.remove();
    y.mul(1).sum().backward();
    assert.deepEqual(values(y.grad), [1, 1]);
  });

  test('a leaf reached twice runs its hook once on the summed gradient; a hook on the output scales everything', () => {
    const seen: number[][] = [];
    const x = torch.tensor([1, 2], { requires_grad: true });
    x.register_hook((g) => void seen.push(values(g)));
    x.mul(x).add(x).sum().backward();
    assert.deepEqual(seen, [[3, 5]]);
    const w = torch.tensor([1, 2], { requires_grad: true });
    const y = w.mul(2).sum();
    y.register_hook((g) => g.mul(3));
    y.backward();
    assert.deepEqual(values(w.grad), [6, 6]);
    const leaf = torch.tensor(2, { requires_grad: true });
    leaf.register_hook((g) => g.mul(3));
    leaf.backward();
    assert.equal(leaf.grad?.item(), 3);
  });

  test('autograd.grad: a captured tensor\'s hooks do not run; hooks on the way do', () => {
    const log: string[] = [];
    const x = torch.tensor([1, 2], { requires_grad: true });
    x.register_hook((g) => (log.push('x'), g.mul(10)));
    assert.deepEqual(values(torch.autograd.grad(x.mul(x).sum(), x)[0]), [2, 4]);
    const h = x.mul(2);
    h.register_hook((g) => (log.push('h'), g.mul(10)));
    assert.deepEqual(values(torch.autograd.grad(h.mul(h).sum(), h)[0]), [4, 8]);
    assert.deepEqual(values(torch.autograd.grad(h.mul(h).sum(), x)[0]), [80, 160]);
    assert.deepEqual(log, ['h']);
    const r = torch.tensor([1, 2], { requires_grad: true });
    const rh = r.mul(2);
    rh.retain_grad();
    torch.autograd.grad(rh.mul(rh).sum(), r);
    assert.deepEqual(values(rh.grad), [4, 8]);
  });

  test('with create_graph a leaf\'s hook sees a gradient with a grad_fn', () => {
    const x = torch.tensor(2, { requires_grad: true });
    let seen = '';
    x.register_hook((g) => void (seen = `${g.requires_grad} ${g.grad_fn?.name()}`));
    const previous = torch.setWarningHandler(() => undefined);
    x.pow(3).backward(null, { create_graph: true });
    torch.setWarningHandler(previous);
    assert.equal(seen, 'true MulBackward0');
    assert.equal(String(x.grad), 'tensor(12., grad_fn=<CopyBackwards>)');
  });

  test('PyTorch\'s errors', () => {
    assert.throws(() => torch.tensor(1).register_hook((g) => g), { message: "cannot register a hook on a tensor that doesn't require gradient" });
    const run = (hook: (g: Tensor) => unknown, leaf: boolean): void => {
      const x = torch.tensor([1, 2], { requires_grad: true });
      const h = leaf ? x : x.mul(2);
      h.register_hook(hook as (g: Tensor) => Tensor);
      h.mul(h).sum().backward();
    };
    for (const leaf of [true, false]) {
      assert.throws(() => run((g) => g.sum(), leaf), { name: 'RuntimeError', message: "hook '<lambda>' has changed the size of value" });
      assert.throws(() => run(() => 5, leaf), { name: 'ArgumentTypeError', message: "expected Variable, but hook returned 'int'" });
      assert.throws(() => run((g) => g.double(), leaf), {
        message: "hook '<lambda>' has changed the type of value (was torch.FloatTensor got torch.DoubleTensor)",
      });
    }
    const named = function doubleIt(g: Tensor): Tensor {
      return g.double();
    };
    assert.throws(() => run(named, true), { message: "hook 'doubleIt' has changed the type of value (was torch.FloatTensor got torch.DoubleTensor)" });
  });

  test('retains_grad', () => {
    const x = torch.tensor([1, 2], { requires_grad: true });
    const h = x.mul(2);
    assert.deepEqual([x.retains_grad, h.retains_grad], [false, false]);
    h.retain_grad();
    x.retain_grad();
    assert.deepEqual([x.retains_grad, h.retains_grad], [false, true]);
  });
});

describe('grad_fn hooks', () => {
  test('register_prehook sees the node\'s output gradients; register_hook its input gradients too', () => {
    const log: unknown[] = [];
    const x = torch.tensor([1, 2], { requires_grad: true });
    const y = x.mul(2);
    const fn = y.grad_fn as torch.Node;
    fn.register_hook((gi: Array<Tensor | null>, go: Tensor[]) => void log.push(['post', gi.map((g) => (g === null ? null : values(g))), go.map(values)]));
    fn.register_prehook((go: Tensor[]) => void log.push(['pre', go.map(values)]));
    y.sum().backward();
    assert.deepEqual(log, [['pre', [[1, 1]]], ['post', [[2, 2], null], [[1, 1]]]]);
    assert.deepEqual(values(x.grad), [2, 2]);
  });

  test('their results replace the gradients; a wrong count is PyTorch\'s error', () => {
    const x = torch.tensor([1, 2], { requires_grad: true });
    const y = x.mul(2);
    const fn = y.grad_fn as torch.Node;
    fn.register_prehook((go: Tensor[]) => [go[0].mul(100)]);
    fn.register_hook((gi: Array<Tensor | null>) => [(gi[0] as Tensor).add(1), null]);
    y.sum().backward(null, { retain_graph: true });
    assert.deepEqual(values(x.grad), [201, 201]);
    fn.register_hook((gi: Array<Tensor | null>) => [gi[0]]);
    assert.throws(() => y.sum().backward(), { message: "hook '<lambda>' has returned an incorrect number of values (got 1, but expected 2)" });
    const handle = fn.register_hook(() => undefined);
    assert.equal(String(handle), '<torch.utils.hooks.RemovableHandle object>');
  });
});
