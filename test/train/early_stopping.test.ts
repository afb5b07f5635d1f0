// fit()'s early_stopping and scheduler options: the stop epoch and the restored weights follow the
// validation losses fit() itself reports; a metric-watching scheduler gets the validation loss, else
// the train loss; wrong settings are refused.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';

function problem(seed: number): { model: torch.nn.Linear; loader: torch.DataLoader; val: torch.Tensor[][]; optimizer: torch.optim.SGD } {
  torch.manual_seed(seed);
  const X = torch.randn([64, 2], { dtype: torch.float64 });
  const Y = X.matmul(torch.tensor([[2], [-1]], { dtype: torch.float64 })).add(torch.randn([64, 1], { dtype: torch.float64 }));
  const Xv = torch.randn([16, 2], { dtype: torch.float64 });
  // validation targets from other weights: the validation loss falls, then rises as training fits the train rows
  const Yv = Xv.matmul(torch.tensor([[0.5], [0.5]], { dtype: torch.float64 }));
  const model = new torch.nn.Linear(2, 1, { dtype: torch.float64 });
  return { model, loader: new torch.DataLoader(new torch.TensorDataset(X, Y), { batch_size: 8, shuffle: true }), val: [[Xv, Yv]], optimizer: new torch.optim.SGD(model.parameters(), { lr: 0.02 }) };
}

test('early stopping stops after `patience` epochs without improvement and restores the best epoch', () => {
  for (const [patience, min_delta] of [[1, 0], [2, 0], [3, 0.01]] as const) {
    const p = problem(1);
    const snapshots: number[][] = [];
    const history = torch.fit({
      model: p.model, loader: p.loader, val_loader: p.val, loss_fn: new torch.nn.MSELoss(), optimizer: p.optimizer, epochs: 60,
      early_stopping: { patience, min_delta },
      callbacks: { on_epoch_end: () => snapshots.push([...Array.from(p.model.weight.detach().numpy()), ...Array.from(p.model.bias!.detach().numpy())]) },
    });
    const v = history.val_loss!;
    // the expected epochs, from the losses fit() reported
    let best = Infinity;
    let bestEpoch = 0;
    let wait = 0;
    let stopped: number | null = null;
    for (let e = 1; e <= v.length; e++) {
      if (v[e - 1] < best - min_delta) {
        best = v[e - 1];
        bestEpoch = e;
        wait = 0;
      } else if (++wait >= patience) {
        stopped = e;
        break;
      }
    }
    assert.ok(stopped !== null && stopped < 60, `patience ${patience} stopped at ${stopped}`);
    assert.equal(history.stopped_epoch, stopped);
    assert.equal(history.best_epoch, bestEpoch);
    assert.equal(v.length, stopped, 'no epoch runs after the stop');
    const now = [...Array.from(p.model.weight.detach().numpy()), ...Array.from(p.model.bias!.detach().numpy())];
    assert.deepEqual(now, snapshots[bestEpoch - 1], 'the best epoch\'s parameters are back');
  }
});

test('early stopping needs a validation loader; patience must be a positive integer', () => {
  const p = problem(2);
  const base = { model: p.model, loader: p.loader, loss_fn: new torch.nn.MSELoss(), optimizer: p.optimizer, epochs: 2 };
  assert.throws(() => torch.fit({ ...base, early_stopping: { patience: 2 } }), { message: 'early_stopping needs a val_loader: it watches the validation loss' });
  assert.throws(() => torch.fit({ ...base, val_loader: p.val, early_stopping: { patience: 0 } }), { message: 'early_stopping.patience must be a positive integer, got 0' });
  assert.throws(() => torch.fit({ ...base, val_loader: p.val, early_stopping: { patience: 1, min_delta: -1 } }), { message: 'early_stopping.min_delta must be a number >= 0, got -1' });
});

test('a scheduler is stepped once after each epoch: with the validation loss when it takes a metric', () => {
  const p = problem(3);
  const plain: number[] = [];
  const watched: number[] = [];
  const h1 = torch.fit({ model: p.model, loader: p.loader, val_loader: p.val, loss_fn: new torch.nn.MSELoss(), optimizer: p.optimizer, epochs: 4, scheduler: { step: () => plain.push(plain.length) } });
  assert.deepEqual(plain, [0, 1, 2, 3]);
  const h2 = torch.fit({ model: p.model, loader: p.loader, val_loader: p.val, loss_fn: new torch.nn.MSELoss(), optimizer: p.optimizer, epochs: 3, scheduler: { takes_metric: true, step: (m: number) => watched.push(m) } });
  assert.deepEqual(watched, h2.val_loss);
  const q = problem(4);
  const trainWatched: number[] = [];
  const h3 = torch.fit({ model: q.model, loader: q.loader, loss_fn: new torch.nn.MSELoss(), optimizer: q.optimizer, epochs: 3, scheduler: { takes_metric: true, step: (m: number) => trainWatched.push(m) } });
  assert.deepEqual(trainWatched, h3.train_loss);
  // the lr each epoch ran with is recorded; a schedule that halves it shows in the next epoch
  const r = problem(5);
  const h4 = torch.fit({ model: r.model, loader: r.loader, loss_fn: new torch.nn.MSELoss(), optimizer: r.optimizer, epochs: 3, scheduler: { step: () => { r.optimizer.param_groups[0].lr /= 2; } } });
  assert.deepEqual(h4.lr, [0.02, 0.01, 0.005]);
  assert.equal(h1.best_epoch, null);
});
