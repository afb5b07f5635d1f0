// The CLI in-process (a fresh program per run): every command, exit codes, --json, non-TTY output, help.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readFixture, type FixtureTensor } from '../helpers/fixtures.js';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'autograd-cli-'));
const file = (name: string): string => path.join(dir, name);
const ESCAPES = /\x1b\[|\r/;

describe('gen-data', () => {
  test('--rng numpy reproduces scikit-learn (the tutorial case) and writes the sidecar', async () => {
    const r = await runCli(['gen-data', '--rng', 'numpy', '--n-samples', '100', '--n-features', '1', '--noise', '10', '--bias', '14.5', '--seed', '0', '--out', file('t.csv')]);
    assert.equal(r.code, 0, r.stderr);
    const sk = readFixture<{ cases: Array<{ X: FixtureTensor; y: FixtureTensor }> }>('sklearn/make_regression.json').cases[0];
    const rows = readFileSync(file('t.csv'), 'utf8').trim().split('\n');
    assert.equal(rows[0], 'x0,y');
    rows.slice(1).forEach((line, i) => {
      const [x, y] = line.split(',').map(Number);
      assert.equal(x, sk.X.data[i]);
      assert.ok(Math.abs(y - sk.y.data[i]) <= 1e-13 * 300);
    });
    const meta = JSON.parse(readFileSync(file('t.csv.meta.json'), 'utf8'));
    assert.deepEqual(meta.coef, [[42.38550485581797]]);
    assert.equal(meta.bias, 14.5);
  });

  test('stdout by default, several targets, float32 values that read back exactly', async () => {
    const r = await runCli(['gen-data', '--n-samples', '5', '--n-features', '2', '--n-targets', '2', '--dtype', 'float32', '--seed', '3', '--signed-coef', '--no-shuffle', '--effective-rank', '1', '--tail-strength', '0.2']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines[0], 'x0,x1,y0,y1');
    assert.equal(lines.length, 6);
    const args64 = ['gen-data', '--n-samples', '5', '--n-features', '2', '--n-targets', '2', '--dtype', 'float64', '--seed', '3', '--signed-coef', '--no-shuffle', '--effective-rank', '1', '--tail-strength', '0.2'];
    const lines64 = (await runCli(args64)).stdout.trim().split('\n');
    lines.slice(1).forEach((line, i) => {
      const f32 = line.split(',').map(Number);
      const f64 = lines64[i + 1].split(',').map(Number);
      // the float32 text reads back as exactly the float32 of the value
      f32.forEach((v, j) => assert.equal(Math.fround(v), Math.fround(f64[j])));
    });
  });

  test('an interrupt before writing leaves no file (exit 130)', async () => {
    const controller = new AbortController();
    controller.abort();
    const r = await runCli(['gen-data', '--out', file('never.csv')], { signal: controller.signal });
    assert.equal(r.code, 130);
    assert.ok(!existsSync(file('never.csv')));
  });

  test('bad values are usage errors', async () => {
    for (const args of [['--n-samples', '0'], ['--noise', '-1'], ['--rng', 'mt'], ['--tail-strength', '2'], ['--seed', 'x']]) {
      const r = await runCli(['gen-data', ...args]);
      assert.equal(r.code, 2, args.join(' '));
      assert.equal(r.stderr.trim().split('\n').length <= 2, true);
    }
  });
});

describe('train', () => {
  test('a bare `train` runs the tutorial and recovers weight ≈ 42.4 and bias ≈ 14.5', async () => {
    const r = await runCli(['train']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /model {6}Linear\(in_features=1, out_features=1, bias=True\)/);
    assert.match(r.stdout, /optimizer  SGD\(lr=0\.01, momentum=0, dampening=0, weight_decay=0, nesterov=False\)/);
    assert.match(r.stdout, /loss per epoch/);
    const weight = Number(/weight x0 +(-?[\d.]+) +42\.3855 +42\.6194/.exec(r.stdout)?.[1]);
    const bias = Number(/bias +(-?[\d.]+) +14\.5000 +13\.6858/.exec(r.stdout)?.[1]);
    assert.ok(Math.abs(weight - 42.4) < 1, `weight ${weight}`);
    assert.ok(Math.abs(bias - 14.5) < 1.5, `bias ${bias}`);
    assert.doesNotMatch(r.stdout + r.stderr, ESCAPES, 'no escape codes or \\r without a terminal');
    assert.ok(r.stdout.split('\n').filter((l) => l.startsWith('epoch')).length <= 11, 'a bounded number of progress lines');
  });

  test('--json: one document with settings, history, final metrics, weights and timings', async () => {
    const r = await runCli(['train', '--json', '--epochs', '20', '--val-split', '0.2', '--standardize', '--momentum', '0.9', '--nesterov', '--weight-decay', '0.001', '--seed', '4', '--dtype', 'float64', '--save', file('m.json')]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.history.train_loss.length, 20);
    assert.equal(doc.history.val_loss.length, 20);
    assert.equal(doc.data.train_rows, 80);
    assert.equal(doc.data.val_rows, 20);
    assert.equal(doc.settings.dtype, 'float64');
    assert.ok(doc.final.train_loss < doc.final.baseline_loss / 5);
    assert.ok(Math.abs(doc.weights.weight[0][0] - doc.least_squares.weight[0][0]) < 2);
    assert.ok(doc.timings.samples_per_s > 0);
    const model = JSON.parse(readFileSync(file('m.json'), 'utf8'));
    assert.equal(model.format, 'autograd-linear-model');
    assert.deepEqual(model.feature_names, ['x0']);
    assert.equal(model.standardization.mean.length, 1);
  });

  test('the same seed gives the same losses; --no-shuffle and --drop-last change the batches', async () => {
    const a = JSON.parse((await runCli(['train', '--json', '--epochs', '5', '--seed', '9'])).stdout);
    const b = JSON.parse((await runCli(['train', '--json', '--epochs', '5', '--seed', '9'])).stdout);
    assert.deepEqual(a.history, b.history);
    const c = JSON.parse((await runCli(['train', '--json', '--epochs', '5', '--seed', '9', '--no-shuffle', '--drop-last', '--batch-size', '30'])).stdout);
    assert.notDeepEqual(a.history, c.history);
    assert.equal(c.settings.drop_last, true);
  });

  test('on a terminal: the chart and a live line redrawn in place on stderr, colour unless --no-color', async () => {
    const r = await runCli(['train', '--epochs', '300', '--batch-size', '4'], { isTTY: true, color: true });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /loss per epoch \(train\)/);
    assert.match(r.stderr, /epoch \d+\/300 {2}batch loss [\d.]+ {2}[\d,]+ samples\/s {2}ETA [\d.]+ s/);
    assert.match(r.stderr, /\x1b\[\d+A\r\x1b\[J/, 'redrawn in place');
    assert.match(r.stdout, /\x1b\[/, 'colour on a terminal');
    const plain = await runCli(['train', '--epochs', '3', '--no-color'], { isTTY: true, color: true });
    assert.doesNotMatch(plain.stdout, /\x1b\[/);
  });

  test('Ctrl-C (an aborted signal) stops training with exit 130 and writes no model', async () => {
    const controller = new AbortController();
    controller.abort();
    const r = await runCli(['train', '--save', file('interrupted.json')], { signal: controller.signal });
    assert.equal(r.code, 130);
    assert.match(r.stderr, /^autograd train: interrupted at epoch 1, step 1\n$/);
    assert.ok(!existsSync(file('interrupted.json')));
  });

  test('--quiet and --no-chart', async () => {
    const q = await runCli(['train', '--quiet', '--epochs', '3']);
    assert.doesNotMatch(q.stdout, /epoch|loss per epoch/);
    assert.match(q.stdout, /final train loss/);
    const n = await runCli(['train', '--no-chart', '--epochs', '3']);
    assert.doesNotMatch(n.stdout, /loss per epoch/);
  });

  test('--stream trains from batches read as the file streams', async () => {
    const r = await runCli(['train', '--stream', '--json', '--epochs', '30', '--seed', '1', '--save', file('s.json')]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.data.rows, 100);
    assert.ok(Math.abs(doc.weights.weight[0][0] - 42.4) < 2);
    assert.ok(existsSync(file('s.json')));
  });

  test('--target and --features select columns by name or index', async () => {
    writeFileSync(file('three.csv'), 'a,b,out\n1,2,3\n2,1,3\n3,5,8\n4,4,8\n5,1,6\n');
    const r = await runCli(['train', '--data', file('three.csv'), '--target', 'out', '--features', 'a,1', '--json', '--epochs', '200', '--lr', '0.02', '--batch-size', '5', '--no-shuffle']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(doc.data.features, ['a', 'b']);
    assert.deepEqual(doc.data.targets, ['out']);
  });

  test('exit codes: usage 2, data 65, input 66, diverged 1, output 73 — one line, no stack trace', async () => {
    writeFileSync(file('bad.csv'), 'x0,y\n1,2\n3,12abc\n');
    const cases: Array<[string[], number, RegExp]> = [
      [['train', '--lr', 'abc'], 2, /argument 'abc' is invalid/],
      [['train', '--lr', '-1'], 2, /must be 0 or greater/],
      [['train', '--epochs', '2.5'], 2, /whole number/],
      [['train', '--batch-size', '0'], 2, /at least 1/],
      [['train', '--frobnicate'], 2, /unknown option '--frobnicate'/],
      [['train', '--nesterov'], 2, /--nesterov needs --momentum/],
      [['train', '--val-split', '1.5'], 2, /between 0 and 1/],
      [['train', '--val-split', '0.001'], 2, /--val-split 0\.001 of 100 rows leaves 0 validation and 100 training rows/],
      [['train', '--data', file('bad.csv')], 65, /bad\.csv:3:2: invalid number '12abc' in column 2 \('y'\)/],
      [['train', '--data', file('nope.csv')], 66, /cannot read '.*nope\.csv': no such file or directory/],
      [['train', '--lr', '1000', '--epochs', '5'], 1, /training diverged: .* at epoch \d+, step \d+/],
      [['train', '--epochs', '1', '--save', file('no/dir/m.json')], 73, /cannot create '.*m\.json': no such file or directory/],
      [['nonsense'], 2, /unknown command/],
    ];
    for (const [args, code, message] of cases) {
      const r = await runCli(args);
      assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
    assert.ok(!readdirSync(dir).some((f) => f.endsWith('.tmp')), 'no temporary files left behind');
  });
});

describe('predict and eval', () => {
  test('apply the saved model with its standardization', async () => {
    await runCli(['train', '--standardize', '--epochs', '50', '--save', file('p.json'), '--quiet']);
    const data = fileURLToPath(new URL('../../../data/tutorial.csv', import.meta.url));
    const p = await runCli(['predict', '--model', file('p.json'), '--data', data]);
    assert.equal(p.code, 0, p.stderr);
    const lines = p.stdout.trim().split('\n');
    assert.equal(lines[0], 'y');
    assert.equal(lines.length, 101);
    const e = await runCli(['eval', '--model', file('p.json'), '--data', data, '--json']);
    const m = JSON.parse(e.stdout);
    assert.ok(m.r2 > 0.9 && m.r2 < 1 && Math.abs(m.rmse - Math.sqrt(m.mse)) < 1e-12 && m.mae > 0);
    const text = await runCli(['eval', '--model', file('p.json'), '--data', data]);
    assert.match(text.stdout, /^100 rows of .*\nMSE {3}[\d.]+\nRMSE {2}[\d.]+\nMAE {3}[\d.]+\nR² {4}0\.9\d+\n$/);
    const out = await runCli(['predict', '--model', file('p.json'), '--data', data, '--out', file('pred.csv')]);
    assert.equal(out.code, 0);
    assert.equal(readFileSync(file('pred.csv'), 'utf8'), p.stdout);
  });

  test('a broken model file is bad data (65); a missing one is 66', async () => {
    writeFileSync(file('broken.json'), '{"format":"autograd-linear-model","version":1,"dtype":"float32","feature_names":["x0"],"target_names":["y"],"weight":[[1,2]],"bias":[0]}');
    const r = await runCli(['eval', '--model', file('broken.json'), '--data', file('three.csv')]);
    assert.equal(r.code, 65);
    assert.match(r.stderr, /not a valid model file: 'weight\[0\]' must have 1 value \(one per feature\), got 2/);
    assert.equal((await runCli(['predict', '--model', file('missing.json'), '--data', file('three.csv')])).code, 66);
  });
});

describe('help and version', () => {
  test('--help on every command shows examples and defaults; exit 0', async () => {
    for (const cmd of ['train', 'gen-data', 'predict', 'eval', 'grad', 'minimize']) {
      const r = await runCli([cmd, '--help']);
      assert.equal(r.code, 0, cmd);
      assert.match(r.stdout, /Examples:/, cmd);
    }
    const train = await runCli(['train', '--help']);
    assert.match(train.stdout, /--lr <rate> +learning rate \(default: 0\.01\)/);
    assert.match(train.stdout, /--epochs <n> +passes over the data \(default: 100\)/);
    const top = await runCli(['--help']);
    assert.match(top.stdout, /Exit codes:\n {2}0 {4}success/);
    assert.equal((await runCli(['--version'])).stdout.trim(), '0.1.0');
  });
});

test('a real Ctrl-C (SIGINT) during a long run stops it with exit 130', async () => {
  const bin = fileURLToPath(new URL('../../../bin/autograd.cjs', import.meta.url));
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [bin, 'train', '--epochs', '1000000', '--quiet', '--save', file('sigint.json')]);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  await new Promise((resolve) => setTimeout(resolve, 700));
  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  assert.equal(code, 130, stderr);
  assert.match(stderr, /^autograd train: interrupted at epoch \d+, step \d+\n$/);
  assert.ok(!existsSync(file('sigint.json')));
});

test('bin/autograd.cjs runs for real as a process', () => {
  const bin = fileURLToPath(new URL('../../../bin/autograd.cjs', import.meta.url));
  const r = spawnSync(process.execPath, [bin, 'train', '--epochs', '2', '--quiet'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /final train loss/);
  const bad = spawnSync(process.execPath, [bin, 'train', '--lr', 'abc'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
});
