// `autograd train --seed S` against the seeds' training script run with torch.manual_seed(S)
// (test/fixtures/torch/train_seed.json from gen_train_seed.py): 30 epochs of mean batch losses and the final
// weights, with and without --val-split (fractions whose row count is a tie too), for batch sizes from 1 to
// larger than the training set, most leaving a partial last batch.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFixture } from '../helpers/fixtures.js';
import { runCli } from '../helpers/cli.js';

interface Run { seed: number; batch_size: number; val_split: number | null; train_loss: number[]; weight: number[]; bias: number[] }
const fx = readFixture<{ runs: Run[] }>('torch/train_seed.json');

function close(got: number, want: number, what: string): void {
  assert.ok(Math.abs(got - want) <= 1e-4 * Math.abs(want), `${what}: ${got} vs PyTorch ${want}`);
}

test(`${fx.runs.length} seeded train runs follow PyTorch's trajectory (relative 1e-4 over 30 epochs)`, async () => {
  for (const r of fx.runs) {
    const args = ['train', '--data', 'data/tutorial.csv', '--target', 'y', '--epochs', '30', '--batch-size', String(r.batch_size), '--seed', String(r.seed), '--json'];
    if (r.val_split !== null) args.push('--val-split', String(r.val_split));
    const out = await runCli(args);
    assert.equal(out.code, 0, out.stderr);
    const doc = JSON.parse(out.stdout) as { history: { train_loss: number[] }; weights: { weight: number[][] | number[]; bias: number[] } };
    const what = `seed ${r.seed} batch ${r.batch_size} val ${r.val_split}`;
    doc.history.train_loss.forEach((l, e) => close(l, r.train_loss[e], `${what} epoch ${e + 1}`));
    close((doc.weights.weight as number[][]).flat()[0], r.weight[0], `${what} weight`);
    close(doc.weights.bias[0], r.bias[0], `${what} bias`);
  }
});
