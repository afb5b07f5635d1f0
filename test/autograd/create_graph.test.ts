// create_graph, autograd.grad's options and backward(inputs=): the tutorials' cases, with the values,
// grad_fns and texts PyTorch 1.13 gives (each checked with /usr/bin/python3; higher_order.test.ts has
// the random programs).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';

const values = (t: Tensor | null): number[] => Array.from((t as Tensor).detach().numpy());
const near = (a: number[], b: number[], tol = 1e-6): void => {
  assert.equal(a.length, b.length);
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) <= tol * Math.max(1, Math.abs(b[i])), `${i}: ${v} vs ${b[i]}`));
};

function withWarnings<T>(fn: () => T): [T, string[]] {
  const seen: string[] = [];
  torch.resetWarnings();
  const previous = torch.setWarningHandler((m) => seen.push(m));
  try {
    return [fn(), seen];
  } finally {
    torch.setWarningHandler(previous);
  }
}

/** The first three derivatives of sum(f(x)), each summed before the next, as the tutorials chain them. */
function derivatives(f: (x: Tensor) => Tensor, x: Tensor): Array<[number[], string | null]> {
  let g = f(x).sum();
  const out: Array<[number[], string | null]> = [];
  for (let k = 0; k < 3; k++) {
    [g] = torch.autograd.grad(g, x, null, { create_graph: true }) as [Tensor];
    out.push([values(g), g.grad_fn?.name() ?? null]);
    g = g.sum();
  }
  return out;
}

describe('create_graph', () => {
  test('d/dx x³ at 3 is 27, then 18, then 6 (the issue\'s example)', () => {
    const x = torch.tensor(3, { requires_grad: true });
    const [g1] = torch.autograd.grad(x.pow(3), x, null, { create_graph: true }) as [Tensor];
    const [g2] = torch.autograd.grad(g1, x, null, { create_graph: true }) as [Tensor];
    const [g3] = torch.autograd.grad(g2, x, null, { create_graph: true }) as [Tensor];
    assert.deepEqual([g1.item(), g2.item(), g3.item()], [27, 18, 6]);
    assert.deepEqual([g1, g2, g3].map((g) => String(g)), ['tensor(27., grad_fn=<MulBackward0>)', 'tensor(18., grad_fn=<MulBackward0>)', 'tensor(6., grad_fn=<MulBackward0>)']);
  });

  test('third derivatives of pow, matmul, mean and tanh', () => {
    const x = () => torch.tensor([0.5, 1.5], { requires_grad: true });
    const W = torch.tensor([[1, 2], [3, -1]], { requires_grad: true });
    const check = (got: Array<[number[], string | null]>, want: Array<[number[], string]>): void => {
      got.forEach(([v, f], i) => {
        near(v, want[i][0]);
        assert.equal(f, want[i][1]);
      });
    };
    check(derivatives((t) => t.pow(4), x()), [[[0.5, 13.5], 'MulBackward0'], [[3, 27], 'MulBackward0'], [[12, 36], 'MulBackward0']]);
    check(derivatives((t) => W.matmul(t).pow(2), x()), [[[7, 14], 'MvBackward0'], [[18, 8], 'MvBackward0'], [[0, 0], 'MvBackward0']]);
    check(derivatives((t) => t.pow(3).mean(), x()), [[[0.375, 3.375], 'MulBackward0'], [[1.5, 4.5], 'MulBackward0'], [[3, 3], 'MulBackward0']]);
    check(derivatives((t) => t.tanh(), x()), [
      [[0.7864477038383484, 0.18070662021636963], 'TanhBackwardBackward0'],
      [[-0.7268619537353516, -0.32713258266448975], 'TanhBackwardBackward0'],
      [[-0.565209150314331, 0.5268971920013428], 'TanhBackwardBackward0'],
    ]);
  });

  test('a gradient penalty: grad(out, w, create_graph) -> (g ** 2).sum().backward()', () => {
    const w = torch.tensor([1, -2], { requires_grad: true });
    const x = torch.tensor([0.5, 3]);
    const out = w.mul(x).sin().sum();
    const [g] = torch.autograd.grad(out, w, null, { create_graph: true }) as [Tensor];
    const penalty = g.pow(2).sum();
    penalty.backward();
    near(values(g), [0.43879127502441406, 2.8805108070373535]);
    near([penalty.item()], [8.489879608154297]);
    near(values(w.grad), [-0.10518387705087662, -14.487468719482422]);
  });

  test('backward(create_graph=True): .grad has a grad_fn (CopyBackwards, then AddBackward0) and the reference-cycle warning', () => {
    const x = torch.tensor(3, { requires_grad: true });
    const [, warnings] = withWarnings(() => x.pow(3).backward(null, { create_graph: true }));
    assert.equal(String(x.grad), 'tensor(27., grad_fn=<CopyBackwards>)');
    assert.deepEqual(warnings, [
      'Using backward() with create_graph=True will create a reference cycle between the parameter and its gradient which can cause a memory leak. ' +
        'We recommend using autograd.grad when creating the graph to avoid this. If you have to use this function, make sure to reset the .grad fields ' +
        'of your parameters to None after use to break the cycle and avoid the leak.',
    ]);
    withWarnings(() => x.pow(2).backward(null, { create_graph: true }));
    assert.equal(String(x.grad), 'tensor(33., grad_fn=<AddBackward0>)');
    (x.grad as Tensor).backward(); // d(3x² + 2x)/dx = 20, accumulated in place
    assert.equal(String(x.grad), 'tensor(53., grad_fn=<AddBackward0>)');
  });

  test('retain_graph defaults to create_graph', () => {
    const x = torch.tensor([1, 2], { requires_grad: true });
    const y = x.exp().sum();
    torch.autograd.grad(y, x, null, { create_graph: true });
    const [again] = torch.autograd.grad(y, x) as [Tensor];
    near(values(again), [Math.E, Math.exp(2)]);
    assert.throws(() => torch.autograd.grad(y, x), { name: 'RuntimeError', message: /^Trying to backward through the graph a second time/ });
  });

  test('a 100,000-node chain differentiates twice without recursion', () => {
    const x = torch.tensor(0.5, { dtype: 'float64', requires_grad: true });
    let y = x;
    for (let i = 0; i < 100_000; i++) y = y.mul(1);
    y = y.pow(2);
    const [g] = torch.autograd.grad(y, x, null, { create_graph: true }) as [Tensor];
    const [g2] = torch.autograd.grad(g, x) as [Tensor];
    assert.equal(g.item(), 1);
    assert.equal(g2.item(), 2);
  });
});

describe('autograd.grad options', () => {
  test('allow_unused: PyTorch\'s error, or null', () => {
    const x = torch.tensor([1, 2], { requires_grad: true });
    const u = torch.tensor([3], { requires_grad: true });
    assert.throws(() => torch.autograd.grad(x.sum(), [x, u]), {
      name: 'RuntimeError',
      message: 'One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.',
    });
    const [gx, gu] = torch.autograd.grad(x.sum(), [x, u], null, { allow_unused: true });
    assert.deepEqual(values(gx), [1, 1]);
    assert.equal(gu, null);
  });

  test('empty inputs and inputs that do not require grad', () => {
    const x = torch.tensor([1, 2], { requires_grad: true });
    assert.throws(() => torch.autograd.grad(x.sum(), []), { name: 'ValueError', message: 'grad requires non-empty inputs.' });
    assert.throws(() => torch.autograd.grad(x.sum(), torch.tensor(1)), { message: 'One of the differentiated Tensors does not require grad' });
  });

  test('is_grads_batched: one vector-Jacobian product per row of grad_outputs', () => {
    const x = torch.tensor([1, 2], { requires_grad: true });
    const [j] = torch.autograd.grad(x.mul(x), x, torch.eye(2), { is_grads_batched: true }) as [Tensor];
    assert.deepEqual(j.shape.slice(), [2, 2]);
    assert.deepEqual(values(j), [2, 0, 0, 4]);
    assert.throws(() => torch.autograd.grad(x.sum(), x, null, { is_grads_batched: true }), {
      name: 'ValueError',
      message: 'vmap(vjp, in_dims=0, ...)(<inputs>): Got in_dim=0 for some input, but that input is a Tensor of dimensionality 0 so expected in_dim to satisfy 0 <= in_dim < 0.',
    });
    assert.throws(() => torch.autograd.grad(x.mul(2), x, torch.ones(3, 3), { is_grads_batched: true }), {
      message:
        'If `is_grads_batched=True`, we interpret the first dimension of each grad_output as the batch dimension. The sizes of the remaining dimensions ' +
        'are expected to match the shape of corresponding output, but a mismatch was detected: grad_output[0] has a shape of torch.Size([3, 3]) and ' +
        'output[0] has a shape of torch.Size([2]). If you only want some tensors in `grad_output` to be considered batched, consider using vmap.',
    });
  });

  test('grad_outputs that require grad are differentiated through', () => {
    const x = torch.tensor([1, 2], { requires_grad: true });
    const v = torch.tensor([3, 4], { requires_grad: true });
    const [g] = torch.autograd.grad(x.pow(2), x, v, { create_graph: true }) as [Tensor];
    const [gv] = torch.autograd.grad(g.sum(), v) as [Tensor];
    assert.deepEqual(values(gv), [2, 4]);
  });
});

describe('backward(inputs=)', () => {
  test('accumulates only into the given tensors; a non-leaf input retains its grad', () => {
    const x = torch.tensor([1, 2], { requires_grad: true });
    const w = torch.tensor([3, 4], { requires_grad: true });
    const h = x.mul(w);
    h.mul(h).sum().backward(null, { inputs: [x], retain_graph: true });
    assert.deepEqual(values(x.grad), [18, 64]);
    assert.equal(w.grad, null);
    h.mul(h).sum().backward(null, { inputs: [h] });
    assert.deepEqual(values(h.grad), [6, 16]);
    assert.equal(h.retains_grad, true);
    assert.deepEqual(values(x.grad), [18, 64]);
  });

  test('an unreachable input gets nothing; empty inputs and inputs without grad are refused', () => {
    const x = torch.tensor([1, 2], { requires_grad: true });
    const w = torch.tensor([3, 4], { requires_grad: true });
    const u = torch.tensor([3, 4], { requires_grad: true });
    x.mul(w).sum().backward(null, { inputs: [x, u], retain_graph: true });
    assert.deepEqual(values(x.grad), [3, 4]);
    assert.equal(u.grad, null);
    assert.throws(() => x.mul(w).sum().backward(null, { inputs: [] }), { message: "'inputs' argument to backward() cannot be empty." });
    assert.throws(() => x.mul(w).sum().backward(null, { inputs: [torch.tensor(1)] }), { message: "can't retain_grad on Tensor that has requires_grad=False" });
    torch.autograd.backward(x.mul(w).sum(), null, { inputs: w });
    assert.deepEqual(values(w.grad), [1, 2]);
  });
});

test('an op with no formula over tensors differentiates once; its gradient\'s derivative is refused', async () => {
  const { attach } = await import('../../src/tensor/autograd/engine.js');
  const cube = (x: Tensor): Tensor => {
    const out = torch.tensor(Array.from(x.detach().numpy(), (v) => v ** 3));
    // storage backward only, saving x: 3x²·g
    return attach(out, 'CubeBackward0', [x], (g) => [Float32Array.from(g, (v, i) => v * 3 * x._data[i] ** 2)], [x]);
  };
  const x = torch.tensor([1, 2], { requires_grad: true });
  const [g] = torch.autograd.grad(torch.no_grad(() => cube(x.detach())).sum().add(cube(x).sum()), x, null, { create_graph: true }) as [Tensor];
  assert.deepEqual(values(g), [3, 12]);
  assert.equal(g.grad_fn?.name(), 'NotImplemented');
  assert.throws(() => g.sum().backward(), { name: 'RuntimeError', message: "the derivative for 'CubeBackward0' is not implemented." });
});
