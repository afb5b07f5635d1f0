// The README's Module example, run as written.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';

class Net extends torch.nn.Module {
  fc1 = new torch.nn.Linear(3, 4);
  act = new torch.nn.GELU({ approximate: 'tanh' });
  declare scale: torch.nn.Parameter;
  constructor() {
    super();
    this.scale = new torch.nn.Parameter(torch.ones(1));
    this.register_buffer('steps', torch.zeros(1));
  }
  forward(x: torch.Tensor): torch.Tensor {
    return this.act.forward(this.fc1.forward(x)).mul(this.scale);
  }
}

test("the README's Net registers what it assigns and trains", () => {
  const net = new Net();
  assert.deepEqual([...net.named_parameters()].map(([n]) => n), ['scale', 'fc1.weight', 'fc1.bias']);
  assert.deepEqual(Object.keys(net.state_dict()), ['scale', 'steps', 'fc1.weight', 'fc1.bias']);
  assert.equal(String(net), "Net(\n  (fc1): Linear(in_features=3, out_features=4, bias=True)\n  (act): GELU(approximate='tanh')\n)");
  const y = net.forward(torch.ones(2, 3));
  assert.equal(y.grad_fn?.name(), 'MulBackward0');
  y.sum().backward();
  assert.ok([...net.parameters()].every((p) => p.grad !== null));
});
