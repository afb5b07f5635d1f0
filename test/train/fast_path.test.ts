// A seeded training run gives the same losses and parameters, bit for bit, with and without the fast
// kernels (WebAssembly GEMM for float32), and so do matmul / linear values and gradients.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { setFastKernels } from '../../src/kernels/select.js';

function withKernels<T>(allow: boolean, fn: () => T): T {
  const previous = setFastKernels(allow);
  try {
    return fn();
  } finally {
    setFastKernels(previous);
  }
}

interface Run {
  losses: number[];
  weight: number[];
  bias: number[];
}

/** 2,000 × 100 make_regression data, batch 256, shuffled, momentum SGD: every step goes through the kernels. */
function seededRun(): Run {
  const gen = new torch.Generator(11);
  const a = torch.makeRegressionArrays({ n_samples: 2000, n_features: 100, n_informative: 100, noise: 10, bias: 14.5 }, new torch.AleaGenerator(11));
  const X = torch.tensor(a.X, { dtype: 'float32' }).reshape(2000, 100);
  const y = torch.tensor(a.y, { dtype: 'float32' }).reshape(2000, 1);
  const model = new torch.nn.Linear(100, 1, { generator: gen });
  const history = torch.fit({
    model,
    loader: new torch.DataLoader(new torch.TensorDataset(X, y), { batch_size: 256, shuffle: true, generator: gen }),
    loss_fn: new torch.nn.MSELoss(),
    optimizer: new torch.optim.SGD(model.parameters(), { lr: 1e-3, momentum: 0.9 }),
    epochs: 3,
  });
  return { losses: history.step_losses, weight: Array.from(model.weight.detach().numpy()), bias: Array.from(model.bias!.detach().numpy()) };
}

describe('fast kernels change no result', () => {
  test('a seeded float32 training run: same step losses and final parameters, bit for bit', () => {
    const fast = withKernels(true, seededRun);
    const js = withKernels(false, seededRun);
    assert.equal(fast.losses.length, 24);
    assert.deepEqual(fast.losses, js.losses);
    assert.deepEqual(fast.weight, js.weight);
    assert.deepEqual(fast.bias, js.bias);
    assert.ok(fast.losses[23] < fast.losses[0], 'the run trains');
  });

  test('matmul and linear: same outputs and gradients, bit for bit', () => {
    const compute = (): number[][] => {
      const gen = new torch.Generator(3);
      const a = torch.randn(70, 45, { generator: gen, requires_grad: true });
      const b = torch.randn(45, 33, { generator: gen, requires_grad: true });
      const w = torch.randn(5, 45, { generator: gen, requires_grad: true });
      const out = torch.matmul(a, b);
      const lin = torch.nn.functional.linear(a, w);
      out.sum().add(lin.mul(lin).sum()).backward();
      return [out, lin, a.grad!, b.grad!, w.grad!].map((t) => Array.from(t.detach().numpy()));
    };
    assert.deepEqual(withKernels(true, compute), withKernels(false, compute));
  });
});
