// Engine semantics, each checked against what PyTorch 1.13 does (texts verified with torch 1.13.1).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';

const FREED = /^Trying to backward through the graph a second time/;

describe('backward', () => {
  test('implicit gradient only for one-element outputs', () => {
    const a = torch.tensor([1, 2], { requires_grad: true });
    assert.throws(() => a.mul(2).backward(), { message: 'grad can be implicitly created only for scalar outputs' });
    const one = torch.tensor([3], { requires_grad: true });
    one.mul(2).backward();
    assert.deepEqual(Array.from(one.grad!.numpy()), [2]);
  });

  test('backward on a tensor without a graph', () => {
    assert.throws(() => torch.tensor([1, 2]).sum().backward(), {
      message: 'element 0 of tensors does not require grad and does not have a grad_fn',
    });
  });

  test('gradient shape mismatch names both shapes', () => {
    const a = torch.tensor([1, 2], { requires_grad: true });
    assert.throws(() => a.mul(2).backward(torch.ones(3)), {
      message: 'Mismatch in shape: grad_output[0] has a shape of torch.Size([3]) and output[0] has a shape of torch.Size([2]).',
    });
  });

  test('gradients accumulate across backward calls and zero_() resets them', () => {
    const w = torch.tensor([1, 2], { requires_grad: true });
    w.mul(w).sum().backward();
    w.mul(w).sum().backward();
    assert.deepEqual(Array.from(w.grad!.numpy()), [4, 8]);
    w.grad!.zero_();
    assert.deepEqual(Array.from(w.grad!.numpy()), [0, 0]);
  });

  test('a second backward through saved values fails unless retain_graph', () => {
    const a = torch.tensor([1, 2], { requires_grad: true });
    const z = a.mul(a).sum();
    z.backward();
    assert.throws(() => z.backward(), { message: FREED });
    const y = a.mul(a).sum();
    y.backward(null, { retain_graph: true });
    y.backward();
    assert.deepEqual(Array.from(a.grad!.numpy()), [2 + 2 + 2, 4 + 4 + 4]);
  });

  test('nodes that saved nothing can be backpropagated twice (as in PyTorch)', () => {
    const a = torch.tensor([1, 2], { requires_grad: true });
    const y = a.add(1).sum();
    y.backward();
    y.backward();
    assert.deepEqual(Array.from(a.grad!.numpy()), [2, 2]);
  });

  test('intermediate results keep no grad unless retain_grad()', () => {
    const a = torch.tensor([1, 2], { requires_grad: true });
    const b = a.mul(2);
    const c = a.mul(3);
    c.retain_grad();
    b.add(c).sum().backward();
    assert.equal(b.grad, null);
    assert.deepEqual(Array.from(c.grad!.numpy()), [1, 1]);
    assert.equal(c.retains_grad, true);
    assert.deepEqual(Array.from(a.grad!.numpy()), [5, 5]);
  });

  test('a reused intermediate gets the sum of its gradients', () => {
    const a = torch.tensor([2], { requires_grad: true, dtype: torch.float64 });
    const h = a.mul(3);
    h.mul(h).add(h).sum().backward(); // d/da (9a² + 3a) = 18a + 3
    assert.equal(a.grad!.item(), 39);
  });

  test('a 100,000-op chain backpropagates without overflowing the stack', () => {
    const x = torch.tensor([1], { requires_grad: true, dtype: torch.float64 });
    let y = x;
    for (let i = 0; i < 100_000; i++) y = y.add(1);
    y.sum().backward();
    assert.equal(x.grad!.item(), 1);
  });

  test('an in-place change to a saved value is detected', () => {
    const c = torch.tensor([1, 2], { requires_grad: true });
    const h = c.mul(1);
    const h2 = h.mul(h);
    h.add_(1);
    assert.throws(() => h2.sum().backward(), {
      message:
        'one of the variables needed for gradient computation has been modified by an inplace operation: [torch.FloatTensor [2]], which is output 0 of AddBackward0, is at version 1; expected version 0 instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True).',
    });
  });

  test('in-place ops on non-leaves rebase the history', () => {
    const a = torch.tensor([1, 2], { requires_grad: true, dtype: torch.float64 });
    const h = a.mul(2);
    h.mul_(3);
    assert.equal(h.grad_fn?.name(), 'MulBackward0');
    h.sum().backward();
    assert.deepEqual(Array.from(a.grad!.numpy()), [6, 6]);
  });
});

describe('leaves, grad mode, detach', () => {
  test('in-place op on a leaf that requires grad is refused while grad mode is on', () => {
    const a = torch.tensor([1, 2], { requires_grad: true });
    assert.throws(() => a.add_(1), { message: 'a leaf Variable that requires grad is being used in an in-place operation.' });
    torch.no_grad(() => a.add_(1));
    assert.deepEqual(Array.from(a.detach().numpy()), [2, 3]);
  });

  test('no_grad, enable_grad and set_grad_enabled', () => {
    const x = torch.tensor(10, { requires_grad: true, dtype: torch.float64 });
    assert.equal(torch.no_grad(() => x.pow(2)).requires_grad, false);
    assert.equal(torch.no_grad(() => torch.enable_grad(() => x.pow(2))).requires_grad, true);
    assert.equal(torch.set_grad_enabled(false, () => x.pow(2)).requires_grad, false);
    assert.equal(torch.is_grad_enabled(), true);
    torch.set_grad_enabled(false);
    try {
      assert.equal(x.pow(2).requires_grad, false);
    } finally {
      torch.set_grad_enabled(true);
    }
    assert.equal(x.pow(2).requires_grad, true);
  });

  test('detach() shares storage; .data assignment replaces it', () => {
    const t1 = torch.tensor([10, 20], { requires_grad: true });
    const t2 = t1.detach();
    t1.data.numpy()[0] = 100;
    assert.deepEqual(Array.from(t2.numpy()), [100, 20]);
    assert.equal(t2.requires_grad, false);
    assert.equal(t1.requires_grad, true);
    t2.data = torch.tensor([1, 2]);
    assert.deepEqual(Array.from(t1.detach().numpy()), [100, 20]);
  });

  test('numpy() on a tensor that requires grad', () => {
    const x = torch.tensor([10, 20], { requires_grad: true, dtype: torch.float64 });
    assert.throws(() => x.numpy(), {
      message: "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.",
    });
    assert.ok(x.detach().numpy() instanceof Float64Array);
  });

  test('requires_grad can only be turned off on leaves', () => {
    const m = torch.ones(2, 2, { requires_grad: true });
    assert.throws(() => { m.mul(2).requires_grad = false; }, /^RuntimeError|you can only change requires_grad flags of leaf variables/);
    assert.equal(torch.randn(2).requires_grad_().requires_grad, true);
  });

  test('is_leaf, grad_fn and next_functions', () => {
    const x = torch.tensor(10, { requires_grad: true });
    const y = torch.mul(2, x.pow(2));
    assert.equal(x.is_leaf, true);
    assert.equal(y.is_leaf, false);
    assert.equal(y.grad_fn?.name(), 'MulBackward0');
    const [first, second] = y.grad_fn!.next_functions;
    assert.equal(first[0]?.name(), 'PowBackward0');
    assert.equal(second[0], null);
    assert.equal(first[0]?.next_functions[0][0]?.name(), 'torch::autograd::AccumulateGrad');
  });

  test('item() needs exactly one element', () => {
    assert.equal(torch.tensor([[4]]).item(), 4);
    assert.throws(() => torch.ones(3).item(), { message: 'only one element tensors can be converted to Python scalars' });
  });
});

describe('autograd.grad', () => {
  test('returns gradients without touching .grad', () => {
    const x = torch.tensor([1, 2], { requires_grad: true, dtype: torch.float64 });
    const [g] = torch.autograd.grad(x.pow(3).sum(), [x]);
    assert.deepEqual(Array.from(g!.numpy()), [3, 12]);
    assert.equal(x.grad, null);
  });

  test('unused inputs', () => {
    const x = torch.tensor([1, 2], { requires_grad: true });
    const other = torch.tensor([1], { requires_grad: true });
    assert.throws(() => torch.autograd.grad(x.mul(2).sum(), [other]), {
      message: 'One of the differentiated Tensors appears to not have been used in the graph. Set allow_unused=True if this is the desired behavior.',
    });
    assert.deepEqual(torch.autograd.grad(x.mul(2).sum(), [other], null, { allow_unused: true }), [null]);
  });

  test('with grad_outputs (vector-Jacobian product) and for a non-leaf input', () => {
    const x = torch.tensor([1, 2, 3], { requires_grad: true, dtype: torch.float64 });
    const h = x.mul(2);
    const [gh, gx] = torch.autograd.grad(h.pow(2), [h, x], torch.tensor([1, 0.5, 0], { dtype: torch.float64 }));
    assert.deepEqual(Array.from(gh!.numpy()), [4, 4, 0]);
    assert.deepEqual(Array.from(gx!.numpy()), [8, 8, 0]);
  });
});

describe('errors with PyTorch texts', () => {
  test('shapes', () => {
    assert.throws(() => torch.ones(2, 3).matmul(torch.ones(4, 5)), { message: 'mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)' });
    assert.throws(() => torch.ones(2, 3).add(torch.ones(4, 3)), {
      message: 'The size of tensor a (2) must match the size of tensor b (4) at non-singleton dimension 0',
    });
    assert.throws(() => torch.ones(2, 2).sum(2), { message: 'Dimension out of range (expected to be in range of [-2, 1], but got 2)' });
    assert.throws(() => torch.ones(6).reshape(4, -1), { message: "shape '[4, -1]' is invalid for input of size 6" });
  });
});
