// Layers one way: the library modules work without the Tensor methods that src/autograd/ops/methods.ts
// installs for the public API. This file imports no module that installs them (node --test runs each
// test file in its own process), so a library call of an installed method fails here.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mse_loss } from '../../src/autograd/ops/nn.js';
import { DataLoader, TensorDataset } from '../../src/data/dataset.js';
import { Linear } from '../../src/nn/linear.js';
import { MSELoss } from '../../src/nn/loss.js';
import { SGD } from '../../src/optim/sgd.js';
import { Generator } from '../../src/random/generator.js';
import { randn } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { fit } from '../../src/train/fit.js';

test('no Tensor methods are installed in this process', () => {
  for (const name of ['mul', 'reshape', 'zero_', 'copy_', 'fill_', 'sum']) assert.equal(name in Tensor.prototype, false, name);
});

test('fit, DataLoader, Linear, SGD, zero_grad and load_state_dict run on the ops alone', () => {
  const gen = new Generator(3);
  const X = randn([32, 2], { generator: gen });
  const y = randn([32], { generator: gen }); // [N] target beside an [N, 1] prediction: fit reshapes it
  const model = new Linear(2, 1, { generator: gen });
  const optimizer = new SGD(model.parameters(), { lr: 0.05 });
  for (const loss_fn of [new MSELoss(), (a: Tensor, b: Tensor) => mse_loss(a, b)]) {
    const history = fit({ model, loader: new DataLoader(new TensorDataset(X, y), { batch_size: 8 }), loss_fn, optimizer, epochs: 2 });
    assert.equal(history.step_losses.length, 8);
    assert.ok(history.step_losses.every(Number.isFinite));
  }
  assert.equal(new TensorDataset(X, y).get(1)[0].shape.length, 1);
  optimizer.zero_grad({ set_to_none: false });
  model.zero_grad({ set_to_none: false });
  const twin = new Linear(2, 1, { generator: new Generator(4) });
  twin.load_state_dict(model.state_dict());
  assert.deepEqual(Array.from(twin.weight.detach().numpy()), Array.from(model.weight.detach().numpy()));
});
