// Every flag's edge values (issue 18, item 9): 0, negative, NaN, infinities, huge, empty and wrong types
// are a one-line usage error (exit 2) before any work, or defined behaviour; never an out-of-memory
// crash, a file named '', or Infinity written with exit 0.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { streamCsv } from '../../src/data/csv.js';
import { runCli, type CliRun } from '../helpers/cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'autograd-hostile-flags-'));
const at = (name: string): string => path.join(dir, name);

function usage(r: CliRun, pattern: RegExp, what: string): void {
  assert.equal(r.code, 2, `${what}: ${r.stderr}`);
  assert.match(r.stderr, /^[^\n]+\n$/, `${what}: one line`);
  assert.match(r.stderr, pattern, what);
  assert.doesNotMatch(r.stderr, /\n\s+at |internal error/, what);
}

/** Values no number flag takes. */
const NOT_NUMBERS = ['nan', 'NaN', 'inf', '-inf', 'Infinity', '', ' ', 'abc', '0x10', '1e400', '-1e400', '1,5', '--'];

const NUMBER_FLAGS: Record<string, string[]> = {
  train: ['--lr', '--epochs', '--batch-size', '--seed', '--momentum', '--dampening', '--weight-decay', '--val-split'],
  'gen-data': ['--n-samples', '--n-features', '--n-informative', '--n-targets', '--bias', '--noise', '--effective-rank', '--tail-strength', '--seed'],
};

describe('number flags refuse what is not a finite decimal', () => {
  for (const [command, flags] of Object.entries(NUMBER_FLAGS)) {
    test(command, async () => {
      for (const flag of flags) {
        for (const value of NOT_NUMBERS) {
          // '--' is taken by commander as the end of options: the flag then has no value
          const r = await runCli([command, `${flag}=${value}`]);
          usage(r, new RegExp(`${flag}`), `${command} ${flag}=${JSON.stringify(value)}`);
        }
      }
    });
  }
});

describe('ranges: below, above and fractional', () => {
  const cases: Array<[string[], RegExp]> = [
    [['train', '--lr', '-1'], /--lr <rate>.*must be 0 or greater/],
    [['train', '--lr', '-0.000001'], /must be 0 or greater/],
    [['train', '--epochs', '0'], /must be between 1 and 10000000/],
    [['train', '--epochs', '1e12'], /--epochs <n>.*must be between 1 and 10000000/],
    [['train', '--epochs', '2.5'], /must be a whole number/],
    [['train', '--batch-size', '0'], /--batch-size <n>.*at least 1/],
    [['train', '--batch-size', '-5'], /at least 1/],
    [['train', '--batch-size', '1e300'], /--batch-size <n>.*at most 9007199254740991/],
    [['train', '--seed', '1e30'], /--seed <n>.*at most 9007199254740991/],
    [['train', '--seed', '-1'], /at least 0/],
    [['train', '--val-split', '0'], /between 0 and 1/],
    [['train', '--val-split', '1'], /between 0 and 1/],
    [['train', '--momentum', '-1'], /0 or greater/],
    [['train', '--dtype', 'int8'], /float32 or float64/],
    [['gen-data', '--n-samples', '0'], /at least 1/],
    [['gen-data', '--n-samples', '1e12', '--n-features', '1e9'], /--n-samples 1000000000000 with 1000000000 features and 1 target needs about [\d.]+ GiB of memory, more than this machine has/],
    [['gen-data', '--n-features', '1e9'], /with 1000000000 features and 1 target needs about 1490\.1 GiB/],
    [['gen-data', '--n-targets', '1e9'], /with 1 feature and 1000000000 targets needs about/],
    [['gen-data', '--n-samples', '1e15'], /needs about .* GiB of memory/],
    [['gen-data', '--seed', '4294967296'], /between 0 and 4294967295/],
    [['gen-data', '--tail-strength', '1.5'], /between 0 and 1/],
    [['gen-data', '--noise', '-1'], /0 or greater/],
    [['gen-data', '--rng', 'mt'], /--rng/],
    [['minimize', 'w**2', '--at', 'w=1', '--steps', '1e12'], /--steps <n>.*must be between 1 and 10000000/],
  ];
  for (const [args, pattern] of cases) {
    test(args.join(' '), async () => usage(await runCli(args), pattern, args.join(' ')));
  }
});

describe('empty file names are usage errors before any work', () => {
  const model = at('m.json');
  test('setup: a model', async () => {
    assert.equal((await runCli(['train', '--epochs', '1', '--quiet', '--save', model])).code, 0);
  });
  const cases: Array<[string[], string]> = [
    [['train', '--epochs', '1000000', '--save', ''], '--save'],
    [['train', '--epochs', '1000000', '--save', '   '], '--save'],
    [['train', '--cache-dir', ''], '--cache-dir'],
    [['cache', 'clear', '--cache-dir', ''], '--cache-dir'],
    [['gen-data', '--n-samples', '1000000', '--out', ''], '--out'],
    [['train', '--report', ''], '--report'],
    [['train', '--plot', ''], '--plot'],
  ];
  for (const [args, flag] of cases) {
    test(args.join(' '), async () => {
      const r = await runCli(args, { cwd: dir });
      usage(r, new RegExp(`option '${flag} <[^>]+>' argument '[^']*' is invalid`), args.join(' '));
    });
  }
  test("predict --out ''", async () => {
    writeFileSync(at('x.csv'), 'x0\n1\n');
    usage(await runCli(['predict', '--model', model, '--data', at('x.csv'), '--out', '']), /--out <file>.*A file name is empty/, 'predict');
  });
  test('nothing was written in the working folder', () => {
    assert.deepEqual(readdirSync(dir).sort(), ['m.json', 'x.csv']);
  });
});

describe('edge values with a defined meaning', () => {
  test('--lr 0 trains nothing (PyTorch allows lr=0): the weights stay as initialised', async () => {
    const a = await runCli(['train', '--lr', '0', '--epochs', '3', '--json']);
    assert.equal(a.code, 0, a.stderr);
    const b = await runCli(['train', '--lr', '0', '--epochs', '1', '--json']);
    const wa = JSON.parse(a.stdout) as { model: unknown; weights?: unknown };
    const wb = JSON.parse(b.stdout) as { model: unknown; weights?: unknown };
    assert.deepEqual(wa.weights ?? wa.model, wb.weights ?? wb.model);
    const losses = (JSON.parse(a.stdout) as { history: { train_loss: number[] } }).history.train_loss;
    assert.equal(losses.length, 3);
    assert.ok(losses.every(Number.isFinite));
  });
  test("grad: an inf or nan is printed as PyTorch prints it on stdout, then one line on stderr and exit 1", async () => {
    const r = await runCli(['grad', 'log(x)', '--at', 'x=0']);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stdout, 'result = tensor(-inf, grad_fn=<LogBackward0>)\nx.grad = tensor(inf)\n');
    assert.match(r.stderr, /^autograd grad: result is not finite [^\n]*\n$/);
    const j = await runCli(['grad', 'x ** 2', '--at', 'x=1e300', '--json']);
    assert.equal(j.code, 1, j.stderr);
    assert.equal((JSON.parse(j.stdout) as { value: unknown }).value, null);
  });
  test('--batch-size 1e12 is one batch of all rows, in memory and with --stream', async () => {
    for (const extra of [[], ['--stream']]) {
      const r = await runCli(['train', '--batch-size', '1e12', '--epochs', '2', '--json', ...extra]);
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stdout, /Infinity|NaN/);
    }
  });
  test('streamCsv with a huge batchRows allocates as rows arrive', async () => {
    const f = at('s.csv');
    writeFileSync(f, `x,y\n${Array.from({ length: 70_000 }, (_, i) => `${i},${2 * i}`).join('\n')}\n`);
    const batches = [];
    for await (const b of streamCsv(f, { batchRows: 1e13, dtype: 'float64' })) batches.push(b);
    assert.equal(batches.length, 1);
    assert.equal(batches[0].rows, 70_000);
    assert.equal(batches[0].X.length, 70_000);
    assert.equal(batches[0].y[69_999], 139_998);
    const small = [];
    for await (const b of streamCsv(f, { batchRows: 30_000, dtype: 'float32' })) small.push(b.rows);
    assert.deepEqual(small, [30_000, 30_000, 10_000]);
  });
  test('--lr 1e308 diverges with exit 1 and saves nothing', async () => {
    const r = await runCli(['train', '--lr', '1e308', '--epochs', '2', '--quiet', '--save', at('div.json')]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^autograd train: training diverged: .*\n$/);
    assert.ok(!existsSync(at('div.json')));
  });
});

describe('gen-data never writes a non-finite value', () => {
  const cases: Array<[string[], RegExp]> = [
    [['--bias', '1e39', '--dtype', 'float32'], /--bias 1e\+39 and --noise 0 give y = Infinity in float32 at data row 1; values must stay within ±3\.4028234663852886e\+38/],
    [['--noise', '1e308', '--dtype', 'float32'], /give y = -?Infinity in float32/],
    [['--bias', '1.7e308', '--noise', '1e308'], /give y = -?Infinity in float64 at data row \d+; values must stay within ±1\.7976931348623157e\+308/],
    [['--bias', '-1.7e308', '--noise', '1e308', '--n-features', '3', '--n-targets', '2'], /give y\d = -?Infinity in float64/],
  ];
  for (const [args, pattern] of cases) {
    test(args.join(' '), async () => {
      const out = at('g.csv');
      const r = await runCli(['gen-data', ...args, '--out', out]);
      usage(r, pattern, args.join(' '));
      assert.equal(r.stdout, '');
      assert.ok(!existsSync(out) && !existsSync(`${out}.meta.json`));
    });
  }
  test('the largest finite bias is written as it is', async () => {
    const r = await runCli(['gen-data', '--n-samples', '3', '--bias', '3e38', '--dtype', 'float32']);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /Infinity|NaN/);
    assert.match(r.stdout.split('\n')[1], /,3e\+38$|,2\.9999\d*e\+38$|,3\.0000\d*e\+38$/);
  });
  test('a written file has no Infinity either', async () => {
    const out = at('ok.csv');
    assert.equal((await runCli(['gen-data', '--n-samples', '50', '--bias', '1e300', '--out', out])).code, 0);
    assert.doesNotMatch(readFileSync(out, 'utf8'), /Infinity|NaN/);
  });
});
