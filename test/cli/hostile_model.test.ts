// Hostile model files and overflowing data for predict and eval (issue 18, items 1-4, 6, 7): each gets
// its one-line documented answer, nothing non-finite leaves with exit 0. Endless sources (/dev/zero,
// /dev/urandom, a FIFO) run in a child process with a timeout, so that a regression fails instead of hanging.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, truncateSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { loadModel } from '../../src/cli/model_file.js';
import { runBin, runCli, type CliRun } from '../helpers/cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'autograd-hostile-model-'));
const at = (name: string): string => path.join(dir, name);
function put(name: string, text: string | Buffer): string {
  writeFileSync(at(name), text);
  return at(name);
}

/** A valid one-feature model (y = 2·x0 + 1) with `patch` applied. */
function model(patch: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    format: 'autograd-linear-model',
    version: 1,
    dtype: 'float64',
    feature_names: ['x0'],
    target_names: ['y'],
    weight: [[2]],
    bias: [1],
    standardization: null,
    settings: {},
    metrics: {},
    ...patch,
  };
}
const modelFile = (name: string, patch: Record<string, unknown> = {}): string => put(name, JSON.stringify(model(patch)));

/** One line on stderr with exit `code`, nothing on stdout, no stack trace. */
function refused(r: CliRun, code: number, pattern: RegExp): void {
  assert.equal(r.code, code, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^[^\n]+\n$/, `one line: ${JSON.stringify(r.stderr)}`);
  assert.doesNotMatch(r.stderr, /\n\s+at |RangeError|internal error/);
  assert.match(r.stderr, pattern);
}

describe('item 1: a non-finite prediction or metric is exit 65 naming the row', () => {
  const data = put('big.csv', 'x0,y\n1,2\n1e308,3\n');
  test('predict: the line of the overflowing row, no Infinity on stdout', async () => {
    const r = await runCli(['predict', '--model', modelFile('m.json'), '--data', data]);
    refused(r, 65, /big\.csv:3: the prediction of 'y' for data row 2 is Infinity/);
  });
  test('predict --out writes no file', async () => {
    const out = at('pred.csv');
    const r = await runCli(['predict', '--model', modelFile('m.json'), '--data', data, '--out', out]);
    refused(r, 65, /big\.csv:3:/);
    assert.ok(!existsSync(out));
  });
  test('eval: the prediction first, in text and in --json', async () => {
    for (const extra of [[], ['--json']]) {
      const r = await runCli(['eval', '--model', modelFile('m.json'), '--data', data, ...extra]);
      refused(r, 65, /big\.csv:3: the prediction of 'y'/);
    }
  });
  test('eval: finite predictions whose squared errors overflow name that row', async () => {
    const f = put('y_big.csv', 'x0,y\n1,3\n0,1.5e308\n0,-1.5e308\n');
    const r = await runCli(['eval', '--model', modelFile('m.json'), '--data', f]);
    refused(r, 65, /y_big\.csv:3: the metrics overflow float64 at data row 2/);
  });
  test('a subnormal std (which makes every prediction infinite) is refused on load', async () => {
    const f = modelFile('sub.json', { standardization: { mean: [0], std: [1e-320] } });
    const r = await runCli(['predict', '--model', f, '--data', put('ok.csv', 'x0\n1\n')]);
    refused(r, 65, /'standardization\.std\[0\]' must be at least 2\.2250738585072014e-308 .* got 1e-320/);
  });
  test('a model whose weights overflow on ordinary rows is still caught at the row', async () => {
    const f = modelFile('w.json', { weight: [[1e308]] });
    const r = await runCli(['predict', '--model', f, '--data', put('two.csv', 'x0\n0.5\n10\n')]);
    refused(r, 65, /two\.csv:3: the prediction of 'y' for data row 2 is Infinity/);
  });
});

describe('item 2: any nesting depth is a 65, never a stack overflow', () => {
  for (const depth of [5000, 200_000]) {
    test(`arrays nested ${depth} deep, at the top and inside a field`, async () => {
      const deep = '['.repeat(depth) + ']'.repeat(depth);
      const top = await runCli(['predict', '--model', put(`deep${depth}.json`, deep), '--data', put('ok.csv', 'x0\n1\n')]);
      refused(top, 65, /not a valid model file: the file must be a JSON object, got \[{10}/);
      assert.ok(top.stderr.length < 300, top.stderr);
      const inner = await runCli(['predict', '--model', put(`deepw${depth}.json`, JSON.stringify(model()).replace('[[2]]', deep)), '--data', at('ok.csv')]);
      refused(inner, 65, /'weight/);
      assert.ok(inner.stderr.length < 300, inner.stderr);
    });
  }
  test('objects nested deep', async () => {
    const deep = '{"a":'.repeat(5000) + '1' + '}'.repeat(5000);
    const r = await runCli(['predict', '--model', put('deepo.json', JSON.stringify(model()).replace('[1]', deep)), '--data', put('ok.csv', 'x0\n1\n')]);
    refused(r, 65, /'bias' must be a list of 1 numbers, got \{"a":\{"a":/);
  });
});

describe('item 3: endless and huge model files fail at once with 65', () => {
  const data = put('ok.csv', 'x0\n1\n');
  for (const device of ['/dev/zero', '/dev/urandom']) {
    test(`--model ${device}`, { skip: !existsSync(device) }, async () => {
      const r = await runBin(['predict', '--model', device, '--data', data], { timeoutMs: 15_000 });
      assert.ok(!r.timedOut, 'timed out');
      refused(r, 65, /not a valid model file: invalid JSON \(control byte 0x[0-9a-f]{2} at byte \d+\)/);
    });
  }
  test('a FIFO fed from /dev/urandom (an endless pipe)', { skip: process.platform === 'win32' }, async () => {
    const fifo = at('model.fifo');
    if (spawnSync('mkfifo', [fifo]).status !== 0) return;
    const writer = spawn('sh', ['-c', `exec cat /dev/urandom > '${fifo}'`], { stdio: 'ignore' });
    try {
      const r = await runBin(['predict', '--model', fifo, '--data', data], { timeoutMs: 15_000 });
      assert.ok(!r.timedOut, 'timed out');
      refused(r, 65, /model\.fifo: not a valid model file: invalid JSON \(control byte/);
    } finally {
      writer.kill('SIGKILL');
    }
  });
  test('a FIFO of endless valid-looking text stops at the 256 MiB cap', { skip: process.platform === 'win32' }, async () => {
    const fifo = at('spaces.fifo');
    if (spawnSync('mkfifo', [fifo]).status !== 0) return;
    // spaces are valid JSON whitespace, so only the size cap ends it
    const writer = spawn('sh', ['-c', `exec yes '                                                               ' > '${fifo}'`], { stdio: 'ignore' });
    try {
      const r = await runBin(['predict', '--model', fifo, '--data', data], { timeoutMs: 60_000 });
      assert.ok(!r.timedOut, 'timed out');
      refused(r, 65, /spaces\.fifo: not a valid model file: larger than 256 MiB/);
    } finally {
      writer.kill('SIGKILL');
    }
  });
  test('a 1 GiB (sparse) file is refused before it is read', async () => {
    const f = put('huge.json', '');
    truncateSync(f, 2 ** 30);
    const r = await runCli(['predict', '--model', f, '--data', data]);
    refused(r, 65, /huge\.json: not a valid model file: larger than 256 MiB/);
  });
  test('a directory is 66', async () => {
    const r = await runCli(['predict', '--model', dir, '--data', data]);
    refused(r, 66, /is a directory/);
  });
});

describe('item 4: model validation is linear', () => {
  test('100,000 feature names load, and a duplicate among them is found', { timeout: 20_000 }, () => {
    const names = Array.from({ length: 100_000 }, (_, i) => `f${i}`);
    const ok = modelFile('wide.json', { feature_names: names, weight: [names.map(() => 0.5)] });
    assert.equal(loadModel(ok).feature_names.length, 100_000);
    const dup = modelFile('wide_dup.json', { feature_names: [...names, 'f99999'], weight: [[...names, 'x'].map(() => 0.5)] });
    assert.throws(() => loadModel(dup), /'feature_names' names 'f99999' twice/);
  });
});

describe('item 6: quoted input is escaped and cut', () => {
  test('a duplicate name with terminal escapes, 1 MB long', async () => {
    const evil = 'a\u001b]0;pwned\u0007\u001b[2J'.repeat(60_000);
    const f = modelFile('evil.json', { feature_names: [evil, evil], weight: [[1, 2]] });
    const r = await runCli(['predict', '--model', f, '--data', put('ok.csv', 'x0\n1\n')]);
    refused(r, 65, /'feature_names' names 'a\\u001b\]0;pwned\\u0007.*\.\.\.' twice/);
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(r.stderr, /[\u0000-\u0009\u000b-\u001f\u007f]/);
    assert.ok(r.stderr.length < 300, `${r.stderr.length} characters`);
  });
  test('invalid JSON is located by line and column, with no raw excerpt of the input', async () => {
    const f = put('bad.json', '{\n  "format": "autograd-linear-model",\n  "version": 1 \u0001oops\n}');
    const r = await runCli(['predict', '--model', f, '--data', put('ok.csv', 'x0\n1\n')]);
    refused(r, 65, /bad\.json: not a valid model file: invalid JSON \(control byte 0x01 at byte \d+\)/);
    const g = put('bad2.json', '{\n  "format": "autograd-linear-model",\n  "version": 1 oops\n}');
    const r2 = await runCli(['predict', '--model', g, '--data', at('ok.csv')]);
    refused(r2, 65, /bad2\.json: not a valid model file: invalid JSON.* at line 3 column \d+/);
    assert.doesNotMatch(r2.stderr, /"format"/);
  });
  test('non-finite and wrongly typed values are named with their path', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ weight: [[null]] }, /'weight\[0\]\[0\]' must be a finite number, got null/],
      [{ bias: ['1'] }, /'bias\[0\]' must be a finite number, got "1"/],
      [{ feature_names: [''] }, /'feature_names\[0\]' must be a column name/],
      [{ feature_names: [] }, /'feature_names' must be a non-empty list/],
      [{ version: 4 }, /'version' 4 is not supported \(this autograd reads versions 1, 2 and 3\)/],
      [{ training_state: { optimizer: { name: 'sgd', state_dict: {} }, scheduler: null, epochs_done: -1 } }, /'training_state.epochs_done' must be a whole number >= 0, got -1/],
      [{ training_state: { optimizer: 3, scheduler: null, epochs_done: 1 } }, /'training_state.optimizer' must be a JSON object, got 3/],
      [{ dtype: 'float16' }, /dtype/],
    ];
    for (const [patch, pattern] of cases) {
      const r = await runCli(['predict', '--model', modelFile('case.json', patch), '--data', put('ok.csv', 'x0\n1\n')]);
      refused(r, 65, pattern);
    }
    const big = put('e.json', JSON.stringify(model()).replace('[[2]]', '[[1e999]]'));
    refused(await runCli(['predict', '--model', big, '--data', at('ok.csv')]), 65, /'weight\[0\]\[0\]' must be a finite number, got (null|Infinity)/);
  });
});

describe("item 7: predict's CSV header is RFC 4180", () => {
  test('target names with commas, quotes, line breaks and edge spaces are quoted', async () => {
    const names = ['price, USD', 'say "hi"', 'two\nlines', ' pad', 'plain'];
    const f = modelFile('q.json', { target_names: names, weight: names.map(() => [1]), bias: names.map(() => 0) });
    const r = await runCli(['predict', '--model', f, '--data', put('ok.csv', 'x0\n1\n')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '"price, USD","say ""hi""","two\nlines"," pad",plain\n1,1,1,1,1\n');
    const out = at('q_out.csv');
    assert.equal((await runCli(['predict', '--model', f, '--data', at('ok.csv'), '--out', out])).code, 0);
    assert.equal(readFileSync(out, 'utf8'), r.stdout);
  });
});
