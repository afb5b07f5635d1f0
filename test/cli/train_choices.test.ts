// `autograd train --seed S` with each optimizer, loss and lr schedule, validation and test splits and
// early stopping, against the PyTorch script each command stands for (test/fixtures/torch/train_choices.json
// from gen_train_choices.py): per-epoch losses and lrs, final weights, the early-stopping epochs and the
// scikit-learn scores of each part, within float32 rounding (relative 1e-4).

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { readFixture } from '../helpers/fixtures.js';
import { runCli } from '../helpers/cli.js';

type Scores = { mse: number; rmse: number; mae: number; r2: number; rows: number };
interface Run {
  optimizer: string;
  loss: string;
  scheduler: string | null;
  seed: number;
  batch_size: number;
  epochs: number;
  args: Record<string, number | boolean | number[]>;
  val_split?: number;
  test_split?: number;
  early_stopping?: number;
  min_delta?: number;
  train_loss: number[];
  val_loss: number[] | null;
  lr: number[];
  weight: number[];
  bias: number[];
  best_epoch: number | null;
  stopped_epoch: number | null;
  scores: { train: Scores; val: Scores | null; test: Scores | null };
}
const fx = readFixture<{ runs: Run[] }>('torch/train_choices.json');

/** The CLI flag of each PyTorch argument the fixture sets. */
const FLAGS: Record<string, string> = {
  lr: '--lr', momentum: '--momentum', dampening: '--dampening', weight_decay: '--weight-decay', nesterov: '--nesterov',
  betas: '--betas', eps: '--eps', amsgrad: '--amsgrad', alpha: '--alpha', centered: '--centered', lr_decay: '--lr-decay',
  delta: '--delta', beta: '--beta', step_size: '--step-size', gamma: '--gamma', milestones: '--milestones', t_max: '--t-max',
  eta_min: '--eta-min', start_factor: '--start-factor', total_iters: '--total-iters', factor: '--factor', patience: '--patience',
};

function commandOf(r: Run): string[] {
  const args = ['train', '--data', 'data/tutorial.csv', '--target', 'y', '--json', '--seed', String(r.seed), '--epochs', String(r.epochs),
    '--batch-size', String(r.batch_size), '--optimizer', r.optimizer, '--loss', r.loss];
  if (r.scheduler !== null) args.push('--scheduler', r.scheduler);
  for (const [k, v] of Object.entries(r.args)) {
    const flag = FLAGS[k];
    assert.ok(flag !== undefined, `no flag for ${k}`);
    if (v === true) args.push(flag);
    else if (v !== false) args.push(flag, Array.isArray(v) ? v.join(',') : String(v));
  }
  if (r.val_split !== undefined) args.push('--val-split', String(r.val_split));
  if (r.test_split !== undefined) args.push('--test-split', String(r.test_split));
  if (r.early_stopping !== undefined) args.push('--early-stopping', String(r.early_stopping));
  if (r.min_delta !== undefined) args.push('--min-delta', String(r.min_delta));
  return args;
}

function close(got: number | null | undefined, want: number, what: string, rel = 1e-4): void {
  assert.ok(typeof got === 'number' && Math.abs(got - want) <= rel * Math.abs(want) + 1e-9, `${what}: ${got} vs PyTorch ${want}`);
}

interface Doc {
  history: { train_loss: number[]; val_loss: number[] | null; lr: number[]; best_epoch: number | null; stopped_epoch: number | null };
  weights: { weight: number[][]; bias: number[] };
  scores: { train: Scores | null; val: Scores | null; test: Scores | null };
}

for (const r of fx.runs) {
  const name = `${r.optimizer} ${r.loss} ${r.scheduler ?? 'no schedule'} ${JSON.stringify(r.args)}${r.val_split ? ` val ${r.val_split}` : ''}${r.test_split ? ` test ${r.test_split}` : ''}${r.early_stopping ? ` early ${r.early_stopping}` : ''}`;
  test(`train follows PyTorch: ${name}`, async () => {
    const out = await runCli(commandOf(r));
    assert.equal(out.code, 0, out.stderr);
    const doc = JSON.parse(out.stdout) as Doc;
    assert.equal(doc.history.train_loss.length, r.train_loss.length, 'epochs run');
    r.train_loss.forEach((l, e) => close(doc.history.train_loss[e], l, `epoch ${e + 1} train loss`));
    r.lr.forEach((l, e) => close(doc.history.lr[e], l, `epoch ${e + 1} lr`, 1e-6));
    if (r.val_loss !== null) r.val_loss.forEach((l, e) => close(doc.history.val_loss?.[e], l, `epoch ${e + 1} val loss`));
    close(doc.weights.weight[0][0], r.weight[0], 'weight');
    close(doc.weights.bias[0], r.bias[0], 'bias');
    assert.equal(doc.history.best_epoch, r.best_epoch, 'best epoch');
    assert.equal(doc.history.stopped_epoch, r.stopped_epoch, 'stopped epoch');
    for (const part of ['train', 'val', 'test'] as const) {
      const want = r.scores[part];
      const got = doc.scores[part];
      if (want === null) {
        assert.equal(got, null, `${part} scores`);
        continue;
      }
      assert.equal(got?.rows, want.rows, `${part} rows`);
      for (const k of ['mse', 'rmse', 'mae', 'r2'] as const) close(got?.[k], want[k], `${part} ${k}`, 1e-3);
    }
  });
}

interface Resume extends Run {
  epochs1: number;
  epochs2: number;
  first: Run;
  second: Run;
}
const resumes = (readFixture<{ resumes: Resume[] }>('torch/train_choices.json')).resumes;

for (const r of resumes) {
  test(`train --save then --resume follows PyTorch's saved and reloaded state: ${r.optimizer} ${r.loss} ${r.scheduler ?? 'no schedule'}`, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'autograd-resume-'));
    try {
      const file = path.join(dir, 'model.json');
      for (const [part, epochs, extra] of [[r.first, r.epochs1, ['--save', file]], [r.second, r.epochs2, ['--resume', file, '--save', file]]] as const) {
        const out = await runCli([...commandOf({ ...r, epochs }), ...extra]);
        assert.equal(out.code, 0, out.stderr);
        assert.equal(out.stderr.includes('warning'), false, out.stderr);
        const doc = JSON.parse(out.stdout) as Doc;
        part.train_loss.forEach((l, e) => close(doc.history.train_loss[e], l, `epoch ${e + 1} train loss`));
        part.lr.forEach((l, e) => close(doc.history.lr[e], l, `epoch ${e + 1} lr`, 1e-6));
        close(doc.weights.weight[0][0], part.weight[0], 'weight');
        close(doc.weights.bias[0], part.bias[0], 'bias');
      }
      const saved = JSON.parse(readFileSync(file, 'utf8')) as { version: number; training_state: { epochs_done: number } };
      assert.equal(saved.version, 2);
      assert.equal(saved.training_state.epochs_done, r.epochs1 + r.epochs2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
