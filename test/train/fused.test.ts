// fit()'s fused Linear + MSELoss step gives the same losses and parameters, bit for bit, as the graph
// path (setFusedSteps(false)), and is used only where it applies.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as torch from '../../src/index.js';
import { setFusedSteps } from '../../src/kernels/select.js';
import { allocShared } from '../../src/kernels/shared_memory.js';
import { sharedRowStats } from '../../src/kernels/linear_mse_shared.js';
import { WASM_MIN_WORK } from '../../src/kernels/select.js';
import { gatherRows } from '../../src/data/dataset.js';
import { chooseFusedStep, chooseStep, rowsTake } from '../../src/train/fast_path.js';

interface Case {
  name: string;
  dtype: 'float32' | 'float64';
  rows: number;
  features: number;
  outputs: number;
  batch: number;
  bias?: boolean;
  reduction?: 'mean' | 'sum';
  sgd: { lr: number; momentum?: number; dampening?: number; weight_decay?: number; nesterov?: boolean; maximize?: boolean };
  dropLast?: boolean;
  /** Targets as [N] (the tutorial's y, reshaped by fit) instead of [N, outputs]. */
  flatTarget?: boolean;
  /** X in the shared memory (as `autograd train` loads it): float32 batches big enough for SIMD go to the wasm row kernels. */
  shared?: boolean;
  /** Another optimizer than SGD (the fused paths compute the gradients; any optimizer steps on them). */
  optimizer?: (params: Iterable<torch.Tensor>) => torch.optim.Optimizer<object>;
}

const CASES: Case[] = [
  { name: 'the tutorial: float32, 100×1, batch 16, flat target', dtype: 'float32', rows: 100, features: 1, outputs: 1, batch: 16, sgd: { lr: 0.01 }, flatTarget: true },
  { name: 'float64, 3 outputs, sum, nesterov momentum and weight decay, ragged last batch', dtype: 'float64', rows: 53, features: 4, outputs: 3, batch: 7, reduction: 'sum', sgd: { lr: 1e-3, momentum: 0.9, nesterov: true, weight_decay: 0.01 } },
  { name: 'float32, 100 features, batch 256 (the wasm kernels), dampened momentum', dtype: 'float32', rows: 1000, features: 100, outputs: 1, batch: 256, sgd: { lr: 1e-3, momentum: 0.5, dampening: 0.1 } },
  { name: 'rows read in place: float32, 5 features (a tail after fours), batch 7 (a tail of rows), flat target', dtype: 'float32', rows: 61, features: 5, outputs: 1, batch: 7, sgd: { lr: 0.01 }, flatTarget: true },
  { name: 'rows read in place: float64, 2 features, sum, momentum and weight decay', dtype: 'float64', rows: 45, features: 2, outputs: 1, batch: 10, reduction: 'sum', sgd: { lr: 1e-3, momentum: 0.9, weight_decay: 0.1 } },
  { name: 'rows read in place: float32, 13 features without bias, drop_last', dtype: 'float32', rows: 50, features: 13, outputs: 1, batch: 8, bias: false, dropLast: true, sgd: { lr: 0.01 } },
  { name: 'rows read in place: float64, one feature, batch 13 (the weight gradient as gemmDot sums it)', dtype: 'float64', rows: 150, features: 1, outputs: 1, batch: 13, sgd: { lr: 1e-2 }, flatTarget: true },
  { name: 'rows read in place: float64, 37 features, batch 30 (every sum order shows in float64)', dtype: 'float64', rows: 200, features: 37, outputs: 1, batch: 30, sgd: { lr: 1e-3, momentum: 0.5 } },
  { name: 'float32 without bias, 2 outputs, plain SGD', dtype: 'float32', rows: 40, features: 2, outputs: 2, batch: 8, bias: false, sgd: { lr: 0.05 } },
  { name: 'shared memory: float32, 100 features, batch 256, flat target, momentum', dtype: 'float32', rows: 1000, features: 100, outputs: 1, batch: 256, shared: true, flatTarget: true, sgd: { lr: 1e-3, momentum: 0.9 } },
  { name: 'shared memory: float32, 7 features without bias, batch 999 (tails of rows and columns), sum, drop_last', dtype: 'float32', rows: 3000, features: 7, outputs: 1, batch: 999, bias: false, reduction: 'sum', dropLast: true, shared: true, sgd: { lr: 1e-5 } },
  { name: 'shared memory: float32, 401 features, batch 1024 (k blocks 201 + 200, as OpenBLAS splits them on two threads), momentum', dtype: 'float32', rows: 2100, features: 401, outputs: 1, batch: 1024, shared: true, flatTarget: true, sgd: { lr: 1e-4, momentum: 0.9 } },
  { name: 'shared memory: float32, 100 features, batch 3500 (the weight gradient in blocks of 320 rows, then 310 + 310)', dtype: 'float32', rows: 7100, features: 100, outputs: 1, batch: 3500, shared: true, sgd: { lr: 1e-3 } },
  { name: 'shared memory, small batches: the JavaScript row kernels', dtype: 'float32', rows: 61, features: 5, outputs: 1, batch: 7, shared: true, sgd: { lr: 0.01 } },
  { name: 'Adam (amsgrad, weight decay), float32, rows read in place', dtype: 'float32', rows: 61, features: 5, outputs: 1, batch: 7, sgd: { lr: 0 }, flatTarget: true, optimizer: (p) => new torch.optim.Adam(p, { lr: 0.05, amsgrad: true, weight_decay: 0.01 }) },
  { name: 'AdamW, float64, 3 outputs, batches as tensors', dtype: 'float64', rows: 53, features: 4, outputs: 3, batch: 7, sgd: { lr: 0 }, optimizer: (p) => new torch.optim.AdamW(p, { lr: 0.01 }) },
  { name: 'RMSprop (centered, momentum), float32, 100 features, batch 256 (the wasm kernels)', dtype: 'float32', rows: 1000, features: 100, outputs: 1, batch: 256, sgd: { lr: 0 }, optimizer: (p) => new torch.optim.RMSprop(p, { lr: 1e-3, centered: true, momentum: 0.5 }) },
  { name: 'Adagrad (lr_decay), float32, shared memory, batch 256', dtype: 'float32', rows: 1000, features: 100, outputs: 1, batch: 256, shared: true, flatTarget: true, sgd: { lr: 0 }, optimizer: (p) => new torch.optim.Adagrad(p, { lr: 0.1, lr_decay: 0.01 }) },
];

/** X's values in the shared memory, when the case asks for it. */
function placed(X: torch.Tensor, shared: boolean): torch.Tensor {
  if (!shared) return X;
  const data = allocShared('float32', X.numel()) as Float32Array;
  data.set(X.numpy());
  return torch.from_numpy(data, X.shape.slice());
}

interface Run {
  steps: number[];
  epochs: number[];
  params: number[][];
}

function run(c: Case, fused: boolean): Run {
  const previous = setFusedSteps(fused);
  try {
    const gen = new torch.Generator(5);
    const X = placed(torch.randn(c.rows, c.features, { generator: gen, dtype: c.dtype }), c.shared === true);
    const y = torch.randn(...(c.flatTarget === true ? [c.rows] : [c.rows, c.outputs]), { generator: gen, dtype: c.dtype }).mul(3);
    const model = new torch.nn.Linear(c.features, c.outputs, { bias: c.bias ?? true, dtype: c.dtype, generator: gen });
    const history = torch.fit({
      model,
      loader: new torch.DataLoader(new torch.TensorDataset(X, y), { batch_size: c.batch, shuffle: true, drop_last: c.dropLast ?? false, generator: gen }),
      loss_fn: new torch.nn.MSELoss({ reduction: c.reduction ?? 'mean' }),
      optimizer: c.optimizer === undefined ? new torch.optim.SGD(model.parameters(), c.sgd) : c.optimizer(model.parameters()),
      epochs: 4,
    });
    return { steps: history.step_losses, epochs: history.train_loss, params: [...model.parameters()].map((p) => Array.from(p.detach().numpy())) };
  } finally {
    setFusedSteps(previous);
  }
}

describe('fused Linear + MSELoss step', () => {
  for (const c of CASES) {
    test(`same step losses and parameters as the graph, bit for bit: ${c.name}`, () => {
      const before = { ...sharedRowStats };
      const fast = run(c, true);
      if (c.shared === true && c.batch * c.features >= WASM_MIN_WORK) {
        assert.ok(sharedRowStats.steps > before.steps && sharedRowStats.inexact === before.inexact, 'the steps ran in the wasm kernels of the shared memory');
      }
      const graph = run(c, false);
      assert.equal(fast.steps.length, 4 * (c.dropLast === true ? Math.floor(c.rows / c.batch) : Math.ceil(c.rows / c.batch)));
      assert.deepEqual(fast.steps, graph.steps);
      assert.deepEqual(fast.epochs, graph.epochs);
      assert.deepEqual(fast.params, graph.params);
      // the targets are noise independent of X: a run need not lower its loss, only stay finite
      assert.ok(fast.epochs.every(Number.isFinite), 'the run stays finite');
    });
  }

  test('a diverging run stops at the same step with the same message and parameters either way', () => {
    const attempt = (fused: boolean): { message: string; params: number[][] } => {
      const previous = setFusedSteps(fused);
      try {
        const gen = new torch.Generator(2);
        const X = torch.randn(64, 3, { generator: gen }).mul(1e3);
        const y = torch.randn(64, 1, { generator: gen });
        const model = new torch.nn.Linear(3, 1, { generator: gen });
        const optimizer = new torch.optim.SGD(model.parameters(), { lr: 10 });
        const loader = new torch.DataLoader(new torch.TensorDataset(X, y), { batch_size: 8 });
        const message = (() => {
          try {
            torch.fit({ model, loader, loss_fn: new torch.nn.MSELoss(), optimizer, epochs: 50 });
          } catch (err) {
            return (err as Error).message;
          }
          return 'no error';
        })();
        return { message, params: [...model.parameters()].map((p) => Array.from(p.detach().numpy())) };
      } finally {
        setFusedSteps(previous);
      }
    };
    const fast = attempt(true);
    assert.match(fast.message, /^training diverged: .* at epoch \d+, step \d+/);
    assert.deepEqual(fast, attempt(false));
    assert.ok(fast.params.flat().every(Number.isFinite));
  });

  test('applies only to exactly nn.Linear with nn.MSELoss, and leaves other batches to the graph', () => {
    const model = new torch.nn.Linear(2, 1, { generator: new torch.Generator(1) });
    assert.notEqual(chooseFusedStep(model, new torch.nn.MSELoss()), null);
    assert.equal(chooseFusedStep(model, new torch.nn.MSELoss({ reduction: 'none' })), null);
    assert.equal(chooseFusedStep(model, new torch.nn.BCEWithLogitsLoss()), null);
    assert.equal(chooseFusedStep(model, (a: torch.Tensor, b: torch.Tensor) => torch.nn.functional.mse_loss(a, b)), null);
    class Scaled extends torch.nn.Linear {
      override forward(x: torch.Tensor): torch.Tensor {
        return super.forward(x).mul(2);
      }
    }
    assert.equal(chooseFusedStep(new Scaled(2, 1), new torch.nn.MSELoss()), null);
    const patched = new torch.nn.Linear(2, 1);
    patched.forward = (x: torch.Tensor) => x.sum(1, true);
    assert.equal(chooseFusedStep(patched, new torch.nn.MSELoss()), null);

    const step = chooseFusedStep(model, new torch.nn.MSELoss())!;
    const x = torch.ones(4, 2);
    assert.equal(typeof step.forward(x, torch.ones(4)), 'number');
    assert.equal(step.forward(x.to('float64'), torch.ones(4)), null, 'mixed dtypes');
    assert.equal(step.forward(torch.ones(4, 2, { requires_grad: true }), torch.ones(4)), null, 'input requires grad');
    assert.equal(step.forward(x, torch.ones(4, 2)), null, 'target to be broadcast');
    assert.equal(torch.no_grad(() => step.forward(x, torch.ones(4))), null, 'grad mode off');
    assert.throws(() => step.backward(), /without a forward/);
    assert.equal(rowsTake(step, torch.ones(4, 2), torch.ones(4), 4), true);
    assert.equal(rowsTake(step, torch.ones(4, 2), torch.ones(4, 1), 4), true);
    assert.equal(rowsTake(step, torch.ones(4, 2, { dtype: 'float64' }), torch.ones(4), 4), false, 'mixed dtypes');
    assert.equal(rowsTake(step, torch.ones(4, 3), torch.ones(4), 4), false, 'another feature count');
    const one = chooseFusedStep(new torch.nn.Linear(1, 1), new torch.nn.MSELoss())!;
    assert.equal(rowsTake(step, torch.ones(4096, 2), torch.ones(4096), 4096), false, 'batches big enough for the SIMD kernels are gathered');
    const sharedX = torch.from_numpy(allocShared('float32', 4096 * 2) as Float32Array, [4096, 2]);
    assert.equal(rowsTake(step, sharedX, torch.ones(4096), 4096), true, 'unless the rows are in the shared memory');
    assert.equal(rowsTake(one, torch.ones(4, 1), torch.ones(4), 4), true, 'one feature (the weight gradient is then a dot product over rows)');
  });

  test("chooseStep: the one decision, path by path (fast_path.ts's table)", () => {
    const model = new torch.nn.Linear(2, 1);
    const mse = new torch.nn.MSELoss();
    const small = new torch.DataLoader(new torch.TensorDataset(torch.ones(8, 2), torch.ones(8)), { batch_size: 4 });
    assert.equal(chooseStep(model, mse, small).path, 'fused rows');
    const big = new torch.DataLoader(new torch.TensorDataset(torch.ones(4096, 2), torch.ones(4096)), { batch_size: 4096 });
    const gathered = chooseStep(model, mse, big);
    assert.ok(gathered.path === 'fused' && gathered.reuse === big, 'big float32 heap batches: gathered into reused buffers');
    const listed = chooseStep(model, mse, [[torch.ones(4, 2), torch.ones(4)]]);
    assert.ok(listed.path === 'fused' && listed.reuse === null, 'any other source: its own batches');
    assert.equal(chooseStep(model, new torch.nn.BCEWithLogitsLoss(), small).path, 'graph');
    const previous = setFusedSteps(false);
    try {
      assert.equal(chooseStep(model, mse, small).path, 'graph', 'AUTOGRAD_FUSED=0');
    } finally {
      setFusedSteps(previous);
    }
  });

  test('rows read in place: .grad exactly as loss.backward() on the gathered batch, float64 (where any reordered sum shows)', () => {
    for (const [features, rows] of [[1, 13], [1, 4], [2, 7], [5, 30], [37, 30]]) {
      const gen = new torch.Generator(features * 100 + rows);
      const X = torch.randn(200, features, { generator: gen, dtype: 'float64' });
      const y = torch.randn(200, { generator: gen, dtype: 'float64' });
      const model = new torch.nn.Linear(features, 1, { dtype: 'float64', generator: gen });
      const step = chooseFusedStep(model, new torch.nn.MSELoss())!;
      assert.ok(rowsTake(step, X, y, rows));
      const order = Uint32Array.from({ length: 200 }, (_, i) => (i * 37) % 200);
      const value = step.forwardRows(X, y, { order, start: 50, end: 50 + rows }, false)!;
      step.backward();
      const fusedGrads = [...model.parameters()].map((p) => Array.from(p.grad!.numpy()));
      model.zero_grad();
      const xb = gatherRows(X, order, 50, 50 + rows); // the batch the DataLoader would gather
      const yb = gatherRows(y, order, 50, 50 + rows);
      const loss = torch.nn.functional.mse_loss(model.forward(xb), yb.reshape(-1, 1));
      loss.backward();
      assert.equal(value, loss.item(), `loss, ${features} features, ${rows} rows`);
      assert.deepEqual(fusedGrads, [...model.parameters()].map((p) => Array.from(p.grad!.numpy())), `grads, ${features} features, ${rows} rows`);
    }
  });

  test('backward accumulates into .grad exactly as loss.backward() does', () => {
    const gen = new torch.Generator(8);
    const x = torch.randn(9, 3, { generator: gen });
    const y = torch.randn(9, 2, { generator: gen });
    const model = new torch.nn.Linear(3, 2, { generator: gen });
    const step = chooseFusedStep(model, new torch.nn.MSELoss())!;
    const value = step.forward(x, y)!;
    step.backward();
    const fusedGrads = [...model.parameters()].map((p) => Array.from(p.grad!.numpy()));
    model.zero_grad();
    const loss = torch.nn.functional.mse_loss(model.forward(x), y);
    loss.backward();
    assert.equal(value, loss.item());
    assert.deepEqual(fusedGrads, [...model.parameters()].map((p) => Array.from(p.grad!.numpy())));
  });
});
