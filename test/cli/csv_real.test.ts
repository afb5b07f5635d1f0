// Real-world CSVs through the command line (issue 19, item 6): `--data -` from standard input, gzip files
// (in memory and --stream), --delimiter detected or given and reported, --missing and --categorical with
// their state saved in the model (version 3) and applied by predict and eval, `--target y1` leaving y0
// out, and every bad input a one-line error with its exit code.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, test } from 'node:test';
import { loadCsv } from '../../src/data/csv.js';
import { imputationMeans } from '../../src/data/csv_encode.js';
import { trainValTestSplit } from '../../src/data/preprocess.js';
import { default_generator, manual_seed } from '../../src/random/generator.js';
import { from_numpy } from '../../src/tensor/factories.js';
import { binPath, runCli, type CliRun } from '../helpers/cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'autograd-csvcli-'));
const file = (name: string, text?: string | Buffer): string => {
  const p = path.join(dir, name);
  if (text !== undefined) writeFileSync(p, text);
  return p;
};

/** The CLI as a process with `input` on its standard input. */
function withStdin(args: string[], input: string | Buffer): Promise<CliRun> {
  const child = spawn(process.execPath, [binPath(), ...args], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => void (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => void (stderr += d.toString()));
  child.stdin.on('error', () => undefined); // the CLI may stop reading early (an error)
  child.stdin.end(input);
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) => child.on('close', (status) => {
    clearTimeout(timer);
    resolve({ code: status ?? -1, stdout, stderr });
  }));
}

interface RunJson {
  data: { file: string; features: string[]; targets: string[]; delimiter: string; rows: number; dropped_rows?: number; filled_cells?: number };
  settings: Record<string, unknown>;
  weights: { weight: number[][]; bias: number[] };
  history: { train_loss: number[] };
  preprocessing: { columns: string[]; categories: Record<string, string[]>; missing: string; fill: number[] | null };
}

async function trainJson(args: string[]): Promise<RunJson> {
  const r = await runCli(['train', '--json', '--epochs', '4', ...args]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as RunJson;
}

/** A one-line error with this exit code. */
function refused(r: CliRun, code: number, pattern: RegExp): void {
  assert.equal(r.code, code, r.stderr);
  assert.match(r.stderr, pattern);
  assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
}

/** 200 rows: two numeric features (some cells missing), a colour, a target. */
function messy(sep: string): string {
  const colours = ['red', 'green', 'blue'];
  const lines = [['area', 'rooms', 'colour', 'price'].join(sep)];
  for (let i = 0; i < 200; i++) {
    const area = (i * 37) % 101 / 10;
    const rooms = (i * 13) % 7;
    const c = colours[(i * 7) % 3];
    const price = 3 * area - 2 * rooms + (c === 'red' ? 5 : c === 'blue' ? -4 : 0) + ((i * 17) % 11) / 10;
    lines.push([i % 23 === 5 ? '' : String(area), i % 29 === 3 ? 'NA' : String(rooms), i % 31 === 7 ? '' : c, price.toFixed(3)].join(sep));
  }
  return `${lines.join('\n')}\n`;
}

describe('--data -: standard input', () => {
  test('train, predict and eval read a CSV from standard input as from the file', async () => {
    const csv = (await runCli(['gen-data', '--n-samples', '150', '--n-features', '2', '--noise', '1'])).stdout;
    file('gen.csv', csv);
    const fromFile = await trainJson(['--data', file('gen.csv'), '--save', file('gen.json')]);
    const r = await withStdin(['train', '--data', '-', '--json', '--epochs', '4'], csv);
    assert.equal(r.code, 0, r.stderr);
    const fromStdin = JSON.parse(r.stdout) as RunJson;
    assert.equal(fromStdin.data.file, 'stdin');
    assert.deepEqual(fromStdin.weights, fromFile.weights);
    const p = await withStdin(['predict', '--model', file('gen.json'), '--data', '-'], csv);
    assert.equal(p.code, 0, p.stderr);
    assert.equal(p.stdout, (await runCli(['predict', '--model', file('gen.json'), '--data', file('gen.csv')])).stdout);
    const e = await withStdin(['eval', '--model', file('gen.json'), '--data', '-', '--json'], gzipSync(csv));
    assert.equal(e.code, 0, e.stderr);
    assert.equal(JSON.parse(e.stdout).mse, JSON.parse((await runCli(['eval', '--model', file('gen.json'), '--data', file('gen.csv'), '--json'])).stdout).mse);
  });

  test('the terminal scatter and --plot of standard input use the rows it kept', async () => {
    const csv = (await runCli(['gen-data', '--n-samples', '60', '--noise', '2'])).stdout;
    const r = await withStdin(['train', '--data', '-', '--epochs', '3', '--plot', file('stdin.svg')], csv);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^data {7}stdin: 60 rows/);
    assert.match(r.stdout, /y against x0: the data \(dots\)/);
    assert.match(readFileSync(file('stdin.svg'), 'utf8'), /^<svg/);
  });

  test('a bad cell on standard input is named stdin:line:column; --stream cannot read it twice', async () => {
    refused(await withStdin(['train', '--data', '-'], 'x,y\n1,2\n3,oops\n'), 65, /^autograd train: stdin:3:2: invalid number 'oops' in column 2 \('y'\)\n$/);
    refused(await withStdin(['train', '--data', '-'], 'x,y\n1,2\nabc,3\n'), 65, /^autograd train: stdin:3:1: invalid number 'abc' in column 1 \('x'\): a text column\? --categorical x one-hot encodes it\n$/);
    refused(await withStdin(['train', '--data', '-', '--stream'], 'x,y\n1,2\n'), 2, /--stream reads the data once per epoch: standard input/);
  });
});

describe('gzip files', () => {
  test('in memory and with --stream: the same run as the plain file', async () => {
    const csv = (await runCli(['gen-data', '--n-samples', '300', '--n-features', '3', '--noise', '1'])).stdout;
    const plain = file('g.csv', csv);
    const gz = file('g.csv.gz', gzipSync(csv));
    for (const extra of [[], ['--stream', '--no-shuffle']]) {
      const a = await trainJson(['--data', plain, ...extra]);
      const b = await trainJson(['--data', gz, ...extra]);
      assert.deepEqual([b.weights, b.history.train_loss], [a.weights, a.history.train_loss]);
    }
    refused(await runCli(['train', '--data', file('cut.csv.gz', gzipSync(csv).subarray(0, 200))]), 65, /cut\.csv\.gz:\d+: the gzip data ends early/);
  });
});

describe('--delimiter', () => {
  const lines = ['area,rooms,colour,price'];
  for (let i = 0; i < 200; i++) lines.push(`${(i * 37) % 101 / 10},${(i * 13) % 7},${['red', 'green', 'blue'][(i * 7) % 3]},${((i * 17) % 11) / 10 + i / 50}`);
  const csv = `${lines.join('\n')}\n`;

  test("detected among , ; tab |, reported in the header (when not ',') and in --json's settings and data", async () => {
    const want = await trainJson(['--data', file('d.csv', csv), '--categorical', 'colour']);
    assert.equal(want.settings.delimiter, ',');
    for (const [sep, shown, flag] of [[';', "(';'-separated)", ';'], ['\t', '(tab-separated)', 'tab'], ['|', "('|'-separated)", '|']] as const) {
      const f = file(`d${shown.length}.csv`, csv.replace(/,/g, sep));
      const got = await trainJson(['--data', f, '--categorical', 'colour']);
      assert.deepEqual([got.settings.delimiter, got.data.delimiter, got.weights], [sep, sep, want.weights]);
      const given = await trainJson(['--data', f, '--categorical', 'colour', '--delimiter', flag]);
      assert.deepEqual(given.weights, want.weights);
      const text = await runCli(['train', '--data', f, '--categorical', 'colour', '--epochs', '1', '--quiet']);
      assert.equal(text.code, 0, text.stderr);
      const header = await runCli(['train', '--data', f, '--categorical', 'colour', '--epochs', '1', '--no-chart']);
      assert.ok(header.stdout.startsWith(`data       ${f} ${shown}: 200 rows, 5 features (area, rooms, colour=blue, colour=green, colour=red), target price`), header.stdout.split('\n')[0]);
    }
    const header = await runCli(['train', '--data', file('d.csv'), '--categorical', 'colour', '--epochs', '1', '--no-chart']);
    assert.match(header.stdout, /^data {7}\S+d\.csv: 200 rows/);
  });

  test('a bad --delimiter is a usage error (2); a wrong one a one-line data error (65)', async () => {
    refused(await runCli(['train', '--delimiter', ':']), 2, /option '--delimiter <char>' argument ':' is invalid\. Expected ',', ';', tab, '\|' or auto\./);
    refused(await runCli(['train', '--data', file('semi.csv', 'a;b;y\n1;2;3\n'), '--delimiter', ',']), 65, /semi\.csv: no feature columns left \(columns: a;b;y\)/);
  });
});

describe('--missing and --categorical', () => {
  const data = file('messy.csv', messy(';'));

  test('the default is an error, with the flags that get past it on the same line', async () => {
    refused(await runCli(['train', '--data', data]), 65, /messy\.csv:2:3: invalid number 'red' in column 3 \('colour'\): a text column\? --categorical colour one-hot encodes it\n$/);
    refused(await runCli(['train', '--data', data, '--categorical', 'colour']), 65, /messy\.csv:5:2: invalid number 'NA' in column 2 \('rooms'\): a missing value: --missing drop leaves such rows out, --missing mean fills them\n$/);
    refused(await runCli(['train', '--data', file('nt.csv', 'x,y\n1,2\n3,\n'), '--missing', 'mean']), 65, /nt\.csv:3:2: missing target value '' in column 2 \('y'\): --missing drop leaves rows without a target out\n$/);
    refused(await runCli(['train', '--missing', 'zero']), 2, /argument 'zero' is invalid\. Allowed choices are error, drop, mean\./);
  });

  test('drop: the rows are left out and counted in the header', async () => {
    const r = await runCli(['train', '--data', data, '--categorical', 'colour', '--missing', 'drop', '--epochs', '2', '--no-chart']);
    assert.equal(r.code, 0, r.stderr);
    const dropped = messy(';').split('\n').slice(1, -1).filter((l) => l.split(';').some((c) => c === '' || c === 'NA')).length;
    assert.match(r.stdout, new RegExp(`^data {7}\\S+ \\(';'-separated\\): ${200 - dropped} rows, .*\\nmissing {4}${dropped} rows with a missing value dropped\\n`));
  });

  test('mean: the training rows\' means (not the validation rows\'), saved in a version 3 model that predict and eval apply', async () => {
    const model = file('m3.json');
    const run = await trainJson(['--data', data, '--categorical', 'colour', '--missing', 'mean', '--val-split', '0.25', '--save', model, '--seed', '3']);
    // the same split as train's: torch.manual_seed(seed), then random_split
    const raw = await loadCsv(data, { categorical: ['colour'], missing: 'nan' });
    manual_seed(3);
    const parts = trainValTestSplit([from_numpy(raw.X, [raw.rows, raw.featureNames.length]), from_numpy(raw.y, [raw.rows, 1])], { val: 0.25 }, default_generator);
    const trainMeans = imputationMeans(parts.train[0].numpy(), parts.train[0].shape[0], raw.featureNames, data);
    assert.deepEqual(run.preprocessing.fill, trainMeans);
    assert.notDeepEqual(trainMeans, imputationMeans(raw.X, raw.rows, raw.featureNames, data));
    const m = JSON.parse(readFileSync(model, 'utf8')) as { version: number; feature_names: string[]; preprocessing: unknown; weight: number[][]; bias: number[] };
    assert.equal(m.version, 3);
    assert.deepEqual(m.feature_names, ['area', 'rooms', 'colour=blue', 'colour=green', 'colour=red']);
    assert.deepEqual(m.preprocessing, { columns: ['area', 'rooms', 'colour'], categories: { colour: ['blue', 'green', 'red'] }, missing: 'mean', fill: trainMeans });
    // predict: its own one-hot encoding and fill, by the model's columns, whatever their order in the file
    const newData = file('new.csv', 'colour,rooms,area,extra\nred,2,1.5,x\n,NA,,y\nblue,,3,z\n');
    const p = await runCli(['predict', '--model', model, '--data', newData]);
    assert.equal(p.code, 0, p.stderr);
    const f = trainMeans;
    const rows = [[1.5, 2, 0, 0, 1], [f[0], f[1], f[2], f[3], f[4]], [3, f[1], 1, 0, 0]];
    const want = rows.map((x) => m.bias[0] + x.reduce((s, v, j) => s + v * m.weight[0][j], 0));
    const got = p.stdout.trim().split('\n').slice(1).map(Number);
    got.forEach((v, i) => assert.ok(Math.abs(v - want[i]) <= 1e-12 * Math.max(1, Math.abs(want[i])), `${v} vs ${want[i]}`));
    const e = await runCli(['eval', '--model', model, '--data', data, '--json']);
    assert.equal(e.code, 0, e.stderr);
    assert.equal(JSON.parse(e.stdout).rows, 200);
  });

  test('an unseen category in predict or eval is a one-line error naming file:line:column (65)', async () => {
    const model = file('m3b.json');
    await trainJson(['--data', data, '--categorical', 'colour', '--missing', 'mean', '--save', model]);
    const unseen = file('unseen.csv', 'area;rooms;colour;price\n1;2;red;3\n1;2;purple;3\n');
    refused(await runCli(['predict', '--model', model, '--data', unseen]), 65, /^autograd predict: \S+unseen\.csv:3:3: unknown category 'purple' in column 3 \('colour'\) \(known: blue, green, red\)\n$/);
    refused(await runCli(['eval', '--model', model, '--data', unseen]), 65, /unseen\.csv:3:3: unknown category 'purple'/);
    refused(await runCli(['predict', '--model', model, '--data', file('nocol.csv', 'area,rooms\n1,2\n')]), 65, /no feature column named 'colour'/);
  });

  test('--resume keeps the saved categories and fill, without the flags', async () => {
    const first = file('r1.json');
    const second = file('r2.json');
    await trainJson(['--data', data, '--categorical', 'colour', '--missing', 'mean', '--save', first]);
    const r = await trainJson(['--data', data, '--resume', first, '--save', second]);
    const a = JSON.parse(readFileSync(first, 'utf8')) as { preprocessing: unknown };
    const b = JSON.parse(readFileSync(second, 'utf8')) as { preprocessing: unknown; version: number };
    assert.deepEqual([b.version, b.preprocessing], [3, a.preprocessing]);
    assert.deepEqual(r.preprocessing, a.preprocessing);
  });

  test('--stream gives the in-memory run: categories and means from first passes, the same weights', async () => {
    const args = ['--data', data, '--categorical', 'colour', '--missing', 'mean', '--standardize', '--no-shuffle', '--batch-size', '8'];
    const memory = await trainJson(args);
    const streamed = await trainJson([...args, '--stream']);
    assert.deepEqual([streamed.weights, streamed.history.train_loss, streamed.preprocessing], [memory.weights, memory.history.train_loss, memory.preprocessing]);
    assert.deepEqual([streamed.data.filled_cells, streamed.data.features], [memory.data.filled_cells, memory.data.features]);
  });

  test('--report and --plot read the rows again encoded and filled as trained', async () => {
    const one = file('one.csv', 'x;y\n1;2\n;4\n3;6\n4;8\n');
    const r = await runCli(['train', '--data', one, '--missing', 'mean', '--epochs', '2', '--plot', file('one.svg'), '--report', file('one.html')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /missing {4}1 missing cell filled with the feature's mean over the training rows/);
    assert.match(readFileSync(file('one.svg'), 'utf8'), /^<svg/);
  });

  test('a model without them stays a version 2 file', async () => {
    const model = file('m2.json');
    await trainJson(['--save', model]);
    const m = JSON.parse(readFileSync(model, 'utf8')) as { version: number; preprocessing?: unknown };
    assert.deepEqual([m.version, m.preprocessing], [2, undefined]);
  });

  test('a hand-edited version 3 model whose preprocessing does not make its features is refused (65)', async () => {
    const model = file('m3c.json');
    await trainJson(['--data', data, '--categorical', 'colour', '--missing', 'mean', '--save', model]);
    const m = JSON.parse(readFileSync(model, 'utf8')) as { preprocessing: { categories: Record<string, string[]>; fill: number[] } };
    m.preprocessing.categories.colour = ['blue', 'red'];
    refused(await runCli(['predict', '--model', file('bad3.json', JSON.stringify(m)), '--data', data]), 65, /not a valid model file: 'preprocessing' makes the features/);
    m.preprocessing.categories.colour = ['blue', 'green', 'red'];
    m.preprocessing.fill = [1, 2];
    refused(await runCli(['predict', '--model', file('bad4.json', JSON.stringify(m)), '--data', data]), 65, /'preprocessing\.fill' must have 5 values \(one per feature\), got 2/);
  });
});

describe('--target', () => {
  test('--target y1 on a two-target gen-data file: y0 is not a feature unless asked for', async () => {
    const two = file('two.csv');
    assert.equal((await runCli(['gen-data', '--n-features', '2', '--n-targets', '2', '--noise', '1', '--out', two])).code, 0);
    const r = await trainJson(['--data', two, '--target', 'y1', '--lr', '0.05', '--epochs', '30']);
    assert.deepEqual([r.data.features, r.data.targets], [['x0', 'x1'], ['y1']]);
    const asked = await trainJson(['--data', two, '--target', 'y1', '--features', 'x0,x1,y0', '--standardize']);
    assert.deepEqual(asked.data.features, ['x0', 'x1', 'y0']);
    // the truth from the sidecar applies (its columns are all there)
    const text = await runCli(['train', '--data', two, '--target', 'y1', '--lr', '0.05', '--epochs', '30', '--no-chart']);
    assert.match(text.stdout, /weight x0 +\S+ +\S+ +\S+/);
  });
});
