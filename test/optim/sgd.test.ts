// optim.SGD beyond the PyTorch trajectories: validation texts, zero_grad, null grads, state_dict.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';

const param = (): torch.nn.Parameter => new torch.nn.Parameter(torch.tensor([1, 2], { dtype: torch.float64 }));

test('PyTorch\'s validation errors', () => {
  assert.throws(() => new torch.optim.SGD([param()], { lr: -1 }), { message: 'Invalid learning rate: -1' });
  assert.throws(() => new torch.optim.SGD([param()], { lr: 0.1, momentum: -0.5 }), { message: 'Invalid momentum value: -0.5' });
  assert.throws(() => new torch.optim.SGD([param()], { lr: 0.1, weight_decay: -1 }), { message: 'Invalid weight_decay value: -1' });
  assert.throws(() => new torch.optim.SGD([param()], { lr: 0.1, nesterov: true }), { message: 'Nesterov momentum requires a momentum and zero dampening' });
  assert.throws(() => new torch.optim.SGD([param()], { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }), { message: 'Nesterov momentum requires a momentum and zero dampening' });
});

test('parameters whose grad is null are skipped; zero_grad zeroes grads by default (PyTorch 1.13: set_to_none=False)', () => {
  const a = param();
  const b = param();
  const opt = new torch.optim.SGD([a, b], { lr: 0.5 });
  a.mul(a).sum().backward();
  opt.step();
  assert.deepEqual(Array.from(a.detach().numpy()), [0, 0]); // 1 - 0.5·2, 2 - 0.5·4
  assert.deepEqual(Array.from(b.detach().numpy()), [1, 2]);
  opt.zero_grad();
  assert.deepEqual(Array.from(a.grad!.numpy()), [0, 0]);
  opt.zero_grad({ set_to_none: true });
  assert.equal(a.grad, null);
});

test('momentum: the first buffer is the raw gradient; maximize ascends', () => {
  const p = param();
  const opt = new torch.optim.SGD([p], { lr: 0.1, momentum: 0.9, dampening: 0.5 });
  p.grad = torch.tensor([1, 1], { dtype: torch.float64 });
  opt.step(); // buf = g (no dampening on the first step)
  assert.deepEqual(Array.from(p.detach().numpy()), [0.9, 1.9]);
  opt.step(); // buf = 0.9·1 + 0.5·1 = 1.4
  assert.ok(Math.abs(p.detach().numpy()[0] - (0.9 - 0.14)) < 1e-15);
  const q = param();
  q.grad = torch.tensor([1, 1], { dtype: torch.float64 });
  new torch.optim.SGD([q], { lr: 0.1, maximize: true }).step();
  assert.deepEqual(Array.from(q.detach().numpy()), [1.1, 2.1]);
});

test('state_dict / load_state_dict carry the momentum buffers', () => {
  const p = param();
  const opt = new torch.optim.SGD([p], { lr: 0.1, momentum: 0.9 });
  p.grad = torch.tensor([1, 2], { dtype: torch.float64 });
  opt.step();
  const sd = opt.state_dict();
  assert.deepEqual(sd.state[0].momentum_buffer, { shape: [2], dtype: 'float64', values: [1, 2] });
  assert.equal(sd.param_groups[0].momentum, 0.9);
  const p2 = param();
  const opt2 = new torch.optim.SGD([p2], { lr: 0.5 });
  opt2.load_state_dict(JSON.parse(JSON.stringify(sd)));
  assert.equal(opt2.param_groups[0].lr, 0.1);
  p.grad = torch.tensor([1, 1], { dtype: torch.float64 });
  p2.grad = torch.tensor([1, 1], { dtype: torch.float64 });
  p2.data = p.detach().clone();
  opt.step();
  opt2.step();
  assert.deepEqual(Array.from(p2.detach().numpy()), Array.from(p.detach().numpy()));
});

test('parameter groups as PyTorch spells them: per-group options over the defaults, add_param_group, repr', () => {
  const a = param();
  const b = param();
  const opt = new torch.optim.SGD([{ params: [a] }, { params: b, lr: 0.5, momentum: 0.9 }], { lr: 0.1 });
  assert.equal(opt.param_groups.length, 2);
  assert.equal(opt.param_groups[0].lr, 0.1);
  assert.equal(opt.param_groups[1].lr, 0.5);
  assert.equal(opt.param_groups[1].momentum, 0.9);
  assert.equal(opt.param_groups[0].momentum, 0);
  opt.param_groups[0].lr = 1;
  a.grad = torch.tensor([1, 1], { dtype: torch.float64 });
  b.grad = torch.tensor([1, 1], { dtype: torch.float64 });
  opt.step();
  assert.deepEqual(Array.from(a.detach().numpy()), [0, 1]);
  assert.deepEqual(Array.from(b.detach().numpy()), [0.5, 1.5]);
  assert.throws(() => opt.add_param_group({ params: [a] }), { message: 'some parameters appear in more than one parameter group' });
  const c = param();
  opt.add_param_group({ params: [c], nesterov: false });
  assert.equal(opt.param_groups[2].lr, 0.1);
  assert.equal(
    String(opt),
    [
      'SGD (',
      'Parameter Group 0',
      '    dampening: 0',
      '    differentiable: False',
      '    foreach: None',
      '    lr: 1',
      '    maximize: False',
      '    momentum: 0',
      '    nesterov: False',
      '    weight_decay: 0',
      '',
      'Parameter Group 1',
      '    dampening: 0',
      '    differentiable: False',
      '    foreach: None',
      '    lr: 0.5',
      '    maximize: False',
      '    momentum: 0.9',
      '    nesterov: False',
      '    weight_decay: 0',
      '',
      'Parameter Group 2',
      '    dampening: 0',
      '    differentiable: False',
      '    foreach: None',
      '    lr: 0.1',
      '    maximize: False',
      '    momentum: 0',
      '    nesterov: False',
      '    weight_decay: 0',
      ')',
    ].join('\n'),
  );
  assert.throws(() => new torch.optim.SGD([], { lr: 0.1 }), { message: 'optimizer got an empty parameter list' });
  assert.throws(() => new torch.optim.SGD(a as unknown as torch.Tensor[], { lr: 0.1 }), {
    message: 'params argument given to the optimizer should be an iterable of Tensors or dicts, but got torch.DoubleTensor',
  });
  assert.throws(() => new torch.optim.SGD([a.mul(2)], { lr: 0.1 }), { message: "can't optimize a non-leaf Tensor" });
});
