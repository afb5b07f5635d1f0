// The last seed's training example through the TypeScript API: make_regression's tutorial data →
// TensorDataset → DataLoader(batch 16, shuffle) → nn.Linear → nn.MSELoss → optim.SGD(lr 0.01), 100 epochs.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { readFixture, type FixtureTensor } from '../helpers/fixtures.js';

interface RegressionCase {
  params: Record<string, number | boolean | null>;
  X: FixtureTensor;
  y: FixtureTensor;
  coef: FixtureTensor;
}

// Case 0 is scikit-learn's make_regression(n_samples=100, n_features=1, noise=10, bias=14.5, random_state=0).
const tutorial = readFixture<{ cases: RegressionCase[] }>('sklearn/make_regression.json').cases[0];

/** Ordinary least squares for one feature: slope = cov(x, y) / var(x), intercept = ȳ - slope·x̄. */
function ols(x: ArrayLike<number>, y: ArrayLike<number>): { w: number; b: number } {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i] / n;
    my += y[i] / n;
  }
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
  }
  return { w: sxy / sxx, b: my - (sxy / sxx) * mx };
}

function trainTutorial(seed: number): { w: number; b: number; losses: number[] } {
  const gen = new torch.Generator(seed);
  const x = torch.tensor(Float64Array.from(tutorial.X.data), { dtype: torch.float32 }).reshape(100, 1);
  const y = torch.tensor(Float64Array.from(tutorial.y.data), { dtype: torch.float32 });
  const dataset = new torch.TensorDataset(x, y);
  const dataloader = new torch.DataLoader(dataset, { batch_size: 16, shuffle: true, generator: gen });
  const model = new torch.nn.Linear(1, 1, { generator: gen });
  const criterion = new torch.nn.MSELoss();
  const optimizer = new torch.optim.SGD(model.parameters(), { lr: 1e-2 });
  const losses: number[] = [];
  for (let epoch = 0; epoch < 100; epoch++) {
    for (const [train_x, train_y] of dataloader) {
      const y_pred = model.forward(train_x.type(torch.float32));
      const loss = criterion.forward(y_pred, train_y.reshape(-1, 1).type(torch.float32));
      losses.push(loss.item());
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
    }
  }
  return { w: model.weight.item(), b: model.bias!.item(), losses };
}

test('the tutorial recovers the true coefficient and bias within what the noise allows', () => {
  const { w, b, losses } = trainTutorial(0);
  const closed = ols(tutorial.X.data, tutorial.y.data);
  const trueCoef = tutorial.coef.data[0]; // 42.38550485581797
  // with noise 10 and 100 samples the least-squares slope has a standard error of about 1
  assert.ok(Math.abs(closed.w - trueCoef) < 3, `OLS slope ${closed.w} vs true ${trueCoef}`);
  assert.ok(Math.abs(closed.b - 14.5) < 3, `OLS intercept ${closed.b}`);
  // SGD with batch 16 and lr 0.01 for 100 epochs ends near the least-squares solution
  assert.ok(Math.abs(w - closed.w) < 0.5, `weight ${w} vs least squares ${closed.w}`);
  assert.ok(Math.abs(b - closed.b) < 0.5, `bias ${b} vs least squares ${closed.b}`);
  assert.equal(losses.length, 100 * 7);
  assert.ok(losses[losses.length - 1] < losses[0] / 10);
});

test('a seeded run is reproducible: same seed, same init, same batch order, same losses', () => {
  const a = trainTutorial(7);
  const b = trainTutorial(7);
  const c = trainTutorial(8);
  assert.deepEqual(a.losses, b.losses);
  assert.equal(a.w, b.w);
  assert.notDeepEqual(a.losses, c.losses);
});

test('fit() reports per step and per epoch and returns the history', () => {
  const gen = new torch.Generator(3);
  const x = torch.tensor(Float32Array.from(tutorial.X.data)).reshape(100, 1);
  const y = torch.tensor(Float32Array.from(tutorial.y.data));
  const split = torch.trainValSplit([x, y], 0.2, gen);
  const model = new torch.nn.Linear(1, 1, { generator: gen });
  let steps = 0;
  const epochs: number[] = [];
  const history = torch.fit({
    model,
    loader: new torch.DataLoader(new torch.TensorDataset(...split.train), { batch_size: 16, shuffle: true, generator: gen }),
    val_loader: new torch.DataLoader(new torch.TensorDataset(...split.val), { batch_size: 64 }),
    loss_fn: new torch.nn.MSELoss(),
    optimizer: new torch.optim.SGD(model.parameters(), { lr: 0.01 }),
    epochs: 20,
    callbacks: { on_step: () => void steps++, on_epoch_end: (e) => void epochs.push(e.epoch) },
  });
  assert.equal(steps, 20 * 5);
  assert.deepEqual(epochs, Array.from({ length: 20 }, (_, i) => i + 1));
  assert.equal(history.train_loss.length, 20);
  assert.equal(history.val_loss!.length, 20);
  assert.ok(history.val_loss![19] < history.val_loss![0]);
});

test('a diverging run stops at once with the epoch and step, and leaves finite parameters', () => {
  const x = torch.tensor(Float64Array.from(tutorial.X.data), { dtype: torch.float32 }).reshape(100, 1);
  const y = torch.tensor(Float64Array.from(tutorial.y.data), { dtype: torch.float32 });
  const model = new torch.nn.Linear(1, 1, { generator: new torch.Generator(1) });
  assert.throws(
    () => torch.fit({
      model,
      loader: new torch.DataLoader(new torch.TensorDataset(x.mul(1e6), y), { batch_size: 16 }),
      loss_fn: new torch.nn.MSELoss(),
      optimizer: new torch.optim.SGD(model.parameters(), { lr: 10 }),
      epochs: 50,
    }),
    (err: unknown) => err instanceof torch.TrainingDivergedError && /^training diverged: .* at epoch \d+, step \d+; try a smaller learning rate/.test(err.message),
  );
  for (const p of model.parameters()) for (const v of p.detach().numpy()) assert.ok(Number.isFinite(v));
});
