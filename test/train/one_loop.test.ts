// The one training loop: `train --stream` goes through fit() like the in-memory run, so they share the
// standardization statistics (one accumulator, chunk by chunk for --stream) and the restore on divergence.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import * as torch from '../../src/index.js';
import { StandardizationAccumulator, fitStandardization } from '../../src/data/preprocess.js';
import { allocShared } from '../../src/kernels/shared_memory.js';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'autograd-loop-'));
const file = (name: string): string => path.join(dir, name);

test('--stream --standardize saves the statistics of the in-memory run (chunks of 128 rows; within the data’s own rounding)', async () => {
  // features with a large offset: E[x²] − E[x]² would lose most digits of the std here
  const gen = await runCli(['gen-data', '--n-samples', '1000', '--n-features', '3', '--bias', '5', '--noise', '1', '--seed', '4', '--out', file('d.csv')]);
  assert.equal(gen.code, 0, gen.stderr);
  const lines = readFileSync(file('d.csv'), 'utf8').trim().split('\n');
  const shifted = [lines[0], ...lines.slice(1).map((l) => l.split(',').map((v, j) => (j < 3 ? String(Number(v) * 1e-3 + 1e4) : v)).join(','))].join('\n');
  (await import('node:fs')).writeFileSync(file('shifted.csv'), `${shifted}\n`);
  const stats: Array<{ mean: number[]; std: number[] }> = [];
  for (const stream of [true, false]) {
    const args = ['train', '--data', file('shifted.csv'), '--standardize', '--epochs', '1', '--batch-size', '2', '--dtype', 'float64', '--save', file(`m${stream}.json`), '--quiet'];
    const r = await runCli(stream ? [...args, '--stream'] : args);
    assert.equal(r.code, 0, r.stderr);
    stats.push(JSON.parse(readFileSync(file(`m${stream}.json`), 'utf8')).standardization);
  }
  const [s, m] = stats;
  // values near 1e4 carry 1.8e-12 of rounding each: relative to a spread of ~1e-3 that is ~2e-9, the
  // tolerance of the std; means to a few ulp (E[x²] − E[x]² would give a std off by orders of magnitude)
  const tol = { mean: 1e-14, std: 1e-8 };
  for (const k of ['mean', 'std'] as const) {
    assert.equal(s[k].length, 3);
    s[k].forEach((v, j) => assert.ok(Math.abs(v - m[k][j]) <= tol[k] * Math.abs(m[k][j]), `${k}[${j}]: stream ${v} vs in memory ${m[k][j]}`));
  }
  assert.ok(m.std.every((v) => v > 1e-4 && v < 1e-1), 'the shifted features keep their spread');
});

test('the accumulator: one chunk is the two-pass result exactly; chunks merge within rounding, special values included', () => {
  const g = new torch.Generator(7);
  const X = torch.randn(301, 2, { generator: g, dtype: 'float64' }).mul(1e6).add(3e9);
  const whole = fitStandardization(X);
  const acc = new StandardizationAccumulator();
  for (const [a, b] of [[0, 1], [1, 100], [100, 100], [100, 301]]) acc.add(X._data.subarray(a * 2, b * 2), b - a, 2);
  const merged = acc.result()!;
  assert.equal(acc.rows, 301);
  for (let j = 0; j < 2; j++) {
    assert.ok(Math.abs(merged.mean[j] - whole.mean[j]) <= 1e-15 * Math.abs(whole.mean[j]));
    assert.ok(Math.abs(merged.std[j] - whole.std[j]) <= 1e-9 * whole.std[j], `${merged.std[j]} vs ${whole.std[j]}`);
  }
  const constant = new StandardizationAccumulator();
  constant.add([0, -0, 0, -0], 4, 1);
  assert.deepEqual(constant.result(), { mean: [0], std: [1] }, 'a zero std is stored as 1');
  const inf = new StandardizationAccumulator();
  inf.add([1, Infinity], 2, 1);
  assert.equal(inf.result()!.std[0], 1, 'a non-finite std is stored as 1');
  assert.equal(new StandardizationAccumulator().result(), null);
});

test('fitAsync over an asynchronous source restores the parameters when a step diverges, as over a DataLoader', async () => {
  for (const asyncSource of [true, false]) {
    const model = new torch.nn.Linear(1, 1, { dtype: 'float64', generator: new torch.Generator(0) });
    const optimizer = new torch.optim.SGD(model.parameters(), { lr: 1e305 });
    const batches = [[torch.tensor([[1e3]], { dtype: 'float64' }), torch.tensor([[-1e3]], { dtype: 'float64' })]];
    const before = [...model.parameters()].map((p) => Array.from(p._data));
    async function* source(): AsyncGenerator<torch.Tensor[]> {
      yield* batches;
    }
    await assert.rejects(
      torch.fitAsync({ model, loader: asyncSource ? source() : batches, loss_fn: new torch.nn.MSELoss(), optimizer, epochs: 1 }),
      (e: Error) => e instanceof torch.TrainingDivergedError && /a parameter became non-finite at epoch 1, step 1/.test(e.message),
    );
    assert.deepEqual([...model.parameters()].map((p) => Array.from(p._data)), before, `restored (${asyncSource ? 'async' : 'sync'} source)`);
  }
});

test('fitAsync over rows picked by index (RowsBatch) gives the losses and parameters of the gathered batches', async () => {
  const rows = 4096;
  const F = 64;
  for (const [dtype, loss, shared] of [['float32', 'mse', true], ['float32', 'mse', false], ['float64', 'mse', false], ['float32', 'l1', true]] as const) {
    const g = new torch.Generator(5);
    const data = torch.randn([rows, F], { generator: g, dtype }).numpy();
    const place = shared ? allocShared(dtype, rows * F) : null;
    if (shared) assert.ok(place !== null, 'shared memory available');
    const Xs = place ?? data;
    Xs.set(data);
    const X = torch.from_numpy(Xs, [rows, F]);
    const Y = torch.randn([rows, 1], { generator: g, dtype });
    const order = new Uint32Array(rows);
    for (let i = 0; i < rows; i++) order[i] = (i * 1237) % rows;
    const run = async (asRows: boolean): Promise<unknown> => {
      const model = new torch.nn.Linear(F, 1, { dtype, generator: new torch.Generator(1) });
      const optimizer = new torch.optim.SGD(model.parameters(), { lr: 0.01 });
      async function* source(): AsyncGenerator<torch.Tensor[] | torch.RowsBatch> {
        for (let s = 0; s < rows; s += 512) {
          if (asRows) yield { X, Y, rows: { order, start: s, end: s + 512 } };
          else yield [torch.from_numpy(gatherAll(Xs, order, s, F), [512, F]), torch.from_numpy(gatherAll(Y.numpy(), order, s, 1), [512, 1])];
        }
      }
      const loss_fn = loss === 'mse' ? new torch.nn.MSELoss() : new torch.nn.L1Loss();
      const h = await torch.fitAsync({ model, loader: { [Symbol.asyncIterator]: source }, loss_fn, optimizer, epochs: 2 });
      return [h.train_loss, [...model.parameters()].map((p) => Array.from(p._data))];
    };
    assert.deepEqual(await run(true), await run(false), `${dtype} ${loss}${shared ? ' in the shared memory' : ''}`);
  }
});

function gatherAll(src: torch.Tensor['_data'], order: Uint32Array, start: number, F: number): torch.Tensor['_data'] {
  const out = src.slice(0, 512 * F);
  for (let r = 0; r < 512; r++) out.set(src.subarray(order[start + r] * F, (order[start + r] + 1) * F), r * F);
  return out;
}
