// Every trajectory of PyTorch's training fixture, reproduced step by step through
// DataLoader → nn.Linear → nn.MSELoss → optim.SGD → fit().

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import type { Reduction } from '../../src/nn/functional.js';
import { assertClose } from '../helpers/compare.js';
import { readFixture, type FixtureTensor } from '../helpers/fixtures.js';

interface Trajectory {
  name: string;
  dtype: 'float32' | 'float64';
  X: FixtureTensor;
  Y: FixtureTensor;
  W0: FixtureTensor;
  b0: FixtureTensor;
  batch_size: number;
  epochs: number;
  drop_last: boolean;
  orders: number[][];
  sgd: { lr: number; momentum: number; dampening: number; weight_decay: number; nesterov: boolean };
  loss_reduction: Reduction;
  step_losses: number[];
  epoch_mean_losses: number[];
  W_final: FixtureTensor;
  b_final: FixtureTensor;
}

const fixture = readFixture<{ trajectories: Trajectory[] }>('torch/training.json');

function fromFixture(t: FixtureTensor, dtype: torch.DType): torch.Tensor {
  return torch.tensor(Float64Array.from(t.data), { dtype }).reshape(t.shape);
}

/** Replays the fixture's per-epoch sample orders, one epoch per iteration. */
function replay(orders: number[][]): Iterable<number> {
  let epoch = 0;
  return { [Symbol.iterator]: () => orders[epoch++][Symbol.iterator]() };
}

describe('PyTorch training trajectories', () => {
  for (const tr of fixture.trajectories) {
    test(`${tr.name}`, () => {
      const rtol = tr.dtype === 'float64' ? 1e-9 : 1e-4;
      const X = fromFixture(tr.X, tr.dtype);
      const Y = fromFixture(tr.Y, tr.dtype);
      const model = new torch.nn.Linear(tr.W0.shape[1], tr.W0.shape[0], { dtype: tr.dtype });
      model.load_state_dict({ weight: fromFixture(tr.W0, tr.dtype), bias: fromFixture(tr.b0, tr.dtype) });
      const loader = new torch.DataLoader(new torch.TensorDataset(X, Y), {
        batch_size: tr.batch_size,
        drop_last: tr.drop_last,
        sampler: replay(tr.orders),
      });
      const history = torch.fit({
        model,
        loader,
        loss_fn: new torch.nn.MSELoss({ reduction: tr.loss_reduction }),
        optimizer: new torch.optim.SGD(model.parameters(), tr.sgd),
        epochs: tr.epochs,
      });
      assert.equal(history.step_losses.length, tr.step_losses.length);
      assertClose(history.step_losses, tr.step_losses, rtol, 'step losses');
      assertClose(history.train_loss, tr.epoch_mean_losses, rtol, 'epoch mean losses');
      assertClose(model.weight.detach().numpy(), tr.W_final.data, rtol, 'final weight');
      assertClose(model.bias!.detach().numpy(), tr.b_final.data, rtol, 'final bias');
      assert.equal(model.weight.dtype.name, tr.dtype);
    });
  }
});
