// torch.optim's optimizers beyond the PyTorch trajectories: defaults, refused CUDA/autograd flags,
// Adagrad's up-front state, state_dict special values through JSON, 'step' dtypes, zero_grad.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';

const param = (dtype: torch.DTypeArg = torch.float64): torch.nn.Parameter => new torch.nn.Parameter(torch.tensor([1, -2, 3], { dtype }));

test('PyTorch 1.13 defaults, in param_groups as PyTorch spells them', () => {
  const p = [param()];
  const adam = new torch.optim.Adam(p);
  assert.deepEqual({ ...adam.param_groups[0], params: [] }, {
    lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, amsgrad: false, maximize: false,
    foreach: null, capturable: false, differentiable: false, fused: false, params: [],
  });
  assert.equal(new torch.optim.AdamW(p).param_groups[0].weight_decay, 1e-2);
  const rms = new torch.optim.RMSprop(p).param_groups[0];
  assert.deepEqual([rms.lr, rms.alpha, rms.eps, rms.momentum, rms.centered], [1e-2, 0.99, 1e-8, 0, false]);
  const ada = new torch.optim.Adagrad(p).param_groups[0];
  assert.deepEqual([ada.lr, ada.lr_decay, ada.initial_accumulator_value, ada.eps], [1e-2, 0, 0, 1e-10]);
  assert.equal(new torch.optim.Adamax(p).param_groups[0].lr, 2e-3);
  const nadam = new torch.optim.NAdam(p).param_groups[0];
  assert.deepEqual([nadam.lr, nadam.momentum_decay], [2e-3, 4e-3]);
  assert.equal(new torch.optim.RAdam(p).param_groups[0].lr, 1e-3);
  const options: torch.optim.AdamOptions = { betas: [0.5, 0.75] };
  assert.deepEqual(new torch.optim.Adam(p, options).param_groups[0].betas, [0.5, 0.75]);
});

test('CUDA-only and autograd-through-the-step flags are refused with a ValueError', () => {
  const p = [param()];
  assert.throws(() => new torch.optim.Adam(p, { capturable: true }), { name: 'ValueError', message: 'capturable=True is not supported here: there are no CUDA graphs to capture' });
  assert.throws(() => new torch.optim.Adam(p, { differentiable: true }), { name: 'ValueError', message: 'differentiable=True is not supported here: optimizer steps are not recorded by autograd' });
  assert.throws(() => new torch.optim.AdamW(p, { capturable: true }), { name: 'ValueError' });
  assert.throws(() => new torch.optim.RMSprop(p, { differentiable: true }), { name: 'ValueError' });
  // PyTorch's own text: its fused Adam needs CUDA
  assert.throws(() => new torch.optim.Adam(p, { fused: true }), { name: 'RuntimeError', message: 'FusedAdam requires all the params to be CUDA, floating point' });
  assert.doesNotThrow(() => new torch.optim.Adam(p, { foreach: true, capturable: false, differentiable: false, fused: false }));
});

test('Adagrad makes every state up front; the others on the first step with a gradient', () => {
  const a = param();
  const b = param(torch.float32);
  const ada = new torch.optim.Adagrad([a, b], { initial_accumulator_value: 0.1 });
  const sd = ada.state_dict();
  assert.deepEqual(sd.state[1], { step: { shape: [], dtype: 'float32', values: [0] }, sum: { shape: [3], dtype: 'float32', values: [Math.fround(0.1), Math.fround(0.1), Math.fround(0.1)] } });
  const adam = new torch.optim.Adam([a, b]);
  assert.deepEqual(adam.state_dict().state, {});
  a.grad = torch.tensor([1, 1, 1], { dtype: torch.float64 });
  adam.step();
  assert.deepEqual(Object.keys(adam.state_dict().state), ['0']);
  assert.deepEqual(Object.keys(adam.state_dict().state[0]), ['step', 'exp_avg', 'exp_avg_sq']);
});

test('state_dict keeps inf, nan and -0 through JSON', () => {
  const p = param();
  const opt = new torch.optim.SGD([p], { lr: 0.1, momentum: 0.9 });
  p.grad = torch.tensor([Infinity, NaN, -0], { dtype: torch.float64 });
  opt.step(); // the first buffer is the gradient itself
  const text = JSON.stringify(opt.state_dict());
  const saved = JSON.parse(text) as torch.optim.OptimizerStateDict<torch.optim.SGDHyper>;
  assert.deepEqual((saved.state[0].momentum_buffer as { values: unknown[] }).values, ['inf', 'nan', '-0']);
  const q = new torch.nn.Parameter(p.detach().clone());
  const again = new torch.optim.SGD([q], { lr: 0.5 });
  again.load_state_dict(saved);
  const buf = again.state.get(q)?.momentum_buffer as torch.Tensor;
  assert.ok(buf._data[0] === Infinity && Number.isNaN(buf._data[1]) && Object.is(buf._data[2], -0));
  assert.equal(JSON.stringify(again.state_dict()), text);
});

test("load_state_dict casts the state to the parameters' dtype, except 'step' (a float32 tensor)", () => {
  const p = param(torch.float32);
  const opt = new torch.optim.NAdam([p]);
  p.grad = torch.tensor([1, 1, 1]);
  opt.step();
  const saved = JSON.parse(JSON.stringify(opt.state_dict())) as torch.optim.OptimizerStateDict<torch.optim.NAdamHyper>;
  assert.equal((saved.state[0].mu_product as { dtype: string }).dtype, 'float32');
  const q = param();
  const again = new torch.optim.NAdam([q]);
  again.load_state_dict(saved);
  const state = again.state.get(q);
  assert.equal((state?.step as torch.Tensor).dtype.name, 'float32');
  // NOTE: as in PyTorch, NAdam's mu_product becomes float64 here, and later steps multiply in float64
  assert.equal((state?.mu_product as torch.Tensor).dtype.name, 'float64');
  assert.equal((state?.exp_avg as torch.Tensor).dtype.name, 'float64');
});

test('a step saved as a plain number (an older state_dict) becomes a tensor at the next step', () => {
  const p = param();
  const opt = new torch.optim.Adam([p]);
  opt.load_state_dict({
    state: { 0: { step: 3, exp_avg: { shape: [3], dtype: 'float64', values: [0, 0, 0] }, exp_avg_sq: { shape: [3], dtype: 'float64', values: [0, 0, 0] } } },
    param_groups: [{ ...opt.param_groups[0], params: [0] }],
  });
  p.grad = torch.tensor([1, 1, 1], { dtype: torch.float64 });
  opt.step();
  assert.deepEqual(opt.state_dict().state[0].step, { shape: [], dtype: 'float32', values: [4] });
});

test('zero_grad: zeroes in place by default (PyTorch 1.13), set_to_none nulls', () => {
  const p = param();
  const opt = new torch.optim.RMSprop([p]);
  p.grad = torch.tensor([1, 2, 3], { dtype: torch.float64 });
  const grad = p.grad;
  opt.zero_grad();
  assert.equal(p.grad, grad);
  assert.deepEqual(Array.from(grad._data), [0, 0, 0]);
  opt.step(); // a zero gradient is still a step: RMSprop counts it
  assert.equal(opt.state_dict().state[0].step, 1);
  opt.zero_grad({ set_to_none: true });
  assert.equal(p.grad, null);
});
