// nn.Module's forward pre-hooks and forward hooks (they run around forward, as PyTorch's __call__ runs
// them): replaced inputs and outputs, their order, removal, hooks on a Sequential's children and the
// gradient through a replaced output, against PyTorch 1.13 (gen_module_hooks.py).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { readFixture } from '../helpers/fixtures.js';

interface Fixture {
  weight: number[][];
  bias: number[];
  hooked: number[][];
  log: unknown[];
  grad_weight: number[][];
  after_remove: number[][];
  log_after_remove: unknown[];
  seq_state: Record<string, number[] | number[][]>;
  seq_out: number[][];
  seq_shapes: number[][];
}
const fx = readFixture<Fixture>('torch/module_hooks.json');
const { nn } = torch;

test("forward pre-hooks and hooks replace inputs and outputs in PyTorch's order, and remove() takes them off", () => {
  const m = new nn.Linear(3, 2);
  torch.no_grad(() => {
    m.weight.copy_(torch.tensor(fx.weight));
    m.bias?.copy_(torch.tensor(fx.bias));
  });
  const x = torch.tensor([[1.0, -2.0, 0.5], [0.0, 3.0, -1.0]]);
  const log: unknown[] = [];
  const h1 = m.register_forward_pre_hook((_mod, inp) => { log.push(['pre', [...(inp[0] as Tensor).shape]]); });
  const h2 = m.register_forward_pre_hook((_mod, inp) => [(inp[0] as Tensor).mul(2)]);
  const h3 = m.register_forward_hook((_mod, inp, o) => { log.push(['post', (inp[0] as Tensor).tolist(), (o as Tensor).tolist()]); });
  const h4 = m.register_forward_hook((_mod, _inp, o) => (o as Tensor).add(1));
  const y = m.forward(x);
  assert.deepEqual(y.tolist(), fx.hooked);
  assert.deepEqual(log, fx.log);
  y.sum().backward();
  assert.deepEqual(m.weight.grad?.tolist(), fx.grad_weight);
  h2.remove();
  h4.remove();
  log.length = 0;
  assert.deepEqual(m.forward(x).tolist(), fx.after_remove);
  assert.deepEqual(log, fx.log_after_remove);
  h1.remove();
  h3.remove();
  log.length = 0;
  m.forward(x);
  assert.deepEqual(log, []);
});

test("hooks on a Sequential's children run as the Sequential calls them", () => {
  const seq = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 1));
  seq.load_state_dict(Object.fromEntries(Object.entries(fx.seq_state).map(([k, v]) => [k, torch.tensor(v)])));
  const shapes: unknown[] = [];
  [...seq].forEach((child, i) => child.register_forward_hook((_mod, _inp, o) => { shapes.push([i, [...(o as Tensor).shape]]); }));
  seq.at(1).register_forward_hook((_mod, _inp, o) => (o as Tensor).mul(0.5));
  const x = torch.tensor([[1.0, -2.0, 0.5], [0.0, 3.0, -1.0]]);
  assert.deepEqual(seq.forward(x).tolist(), fx.seq_out);
  assert.deepEqual(shapes, fx.seq_shapes);
});
