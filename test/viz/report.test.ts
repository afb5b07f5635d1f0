// The training report: what its figures draw (points and lines in vega's SVG), the log-axis rule, the
// tables, that the page references nothing outside itself, and `autograd train --report/--plot`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fitSvg, MAX_POINTS, reportHtml, sampledRows, wantsLogAxis, type ReportInput } from '../../src/viz/report.js';
import { runCli } from '../helpers/cli.js';

/** Paths inside each `<g class="mark-KIND role-mark">` group of vega's SVG, group by group. */
export function markPaths(svg: string, kind: 'symbol' | 'line' | 'rect'): number[] {
  const counts: number[] = [];
  const open = new RegExp(`<g class="mark-${kind} role-mark[^"]*"[^>]*>`, 'g');
  for (let m = open.exec(svg); m !== null; m = open.exec(svg)) {
    const rest = svg.slice(m.index + m[0].length);
    counts.push((rest.slice(0, rest.indexOf('</g>')).match(/<path/g) ?? []).length);
  }
  return counts;
}

function oneFeature(rows: number, history: number[]): ReportInput {
  const X = Array.from({ length: rows }, (_, i) => i / 10 - 2);
  return {
    file: 'data.csv', features: ['x0'], targets: ['y'], rows,
    X, Y: X.map((x, i) => 3 * x + 1 + ((i * 7) % 5) - 2),
    learned: { weight: [[2.9]], bias: [1.1] },
    truth: { coef: [[3]], bias: 1 },
    leastSquares: { weight: [[3.01]], bias: [0.99] },
    history: { train_loss: history, val_loss: history.map((v) => v * 1.1) },
    final: { train_loss: 2.5, val_loss: 2.7, baseline_loss: 30, least_squares_loss: 2.4 },
    description: { model: 'Linear(in_features=1, out_features=1, bias=True)', loss: 'MSELoss()', optimizer: 'SGD(lr=0.01)' },
    settings: { lr: 0.01, epochs: 3, val_split: null },
  };
}

test('sampledRows keeps every row up to the limit, then evenly spaced ones; the log axis rule', () => {
  assert.deepEqual(sampledRows(3), [0, 1, 2]);
  assert.deepEqual(sampledRows(10, 4), [0, 2, 5, 7]);
  assert.equal(sampledRows(10 * MAX_POINTS).length, MAX_POINTS);
  assert.equal(wantsLogAxis([1931, 120, 114]), false); // 17×: linear
  assert.equal(wantsLogAxis([1e4, 50]), true); // 200×: log
  assert.equal(wantsLogAxis([1e4, 0]), false); // a zero loss has no log
  assert.equal(wantsLogAxis([1e4, NaN, 1e-3]), true);
});

test('one feature: the fit has one point per row and the learned, true and least-squares lines', async () => {
  const input = oneFeature(57, [100, 10, 0.5]);
  const svg = await fitSvg(input);
  assert.deepEqual(markPaths(svg, 'symbol'), [57]);
  assert.deepEqual(markPaths(svg, 'line'), [1, 1, 1]);
  for (const label of ['learned', 'true', 'least squares']) assert.ok(svg.includes(`>${label}<`), label);
  const alone = await fitSvg({ ...input, truth: null, leastSquares: null });
  assert.deepEqual(markPaths(alone, 'line'), [1]);
});

test('the page: four figures, a log loss axis for a wide range, the tables, no external reference', async () => {
  const html = await reportHtml(oneFeature(57, [1000, 10, 0.5]));
  for (const id of ['fig-fit', 'fig-loss', 'fig-residual-histogram', 'fig-residual-scatter']) assert.match(html, new RegExp(`<figure id="${id}"><svg `));
  assert.match(html, /loss per epoch \(MSE, log axis\)/);
  const loss = html.slice(html.indexOf('id="fig-loss"'), html.indexOf('id="fig-residual-histogram"'));
  assert.deepEqual(markPaths(loss, 'line'), [1, 1]); // train and validation
  assert.match(html, /<td>weight x0<\/td><td>2.9<\/td><td>3<\/td><td>3.01<\/td>/);
  assert.match(html, /<th>lr<\/th><td>0.01<\/td>/);
  assert.doesNotMatch(html, /<script|<link|<img|<iframe|@import|url\(|\s(src|href)=/i);
  assert.doesNotMatch((await reportHtml(oneFeature(57, [20, 10, 5]))), /log axis/);
});

test('several features: predicted against actual, one point per row and target', async () => {
  const rows = 30;
  const X = Array.from({ length: rows * 2 }, (_, i) => Math.sin(i));
  const input: ReportInput = {
    ...oneFeature(rows, [5, 4]),
    features: ['a', 'b'], targets: ['y0', 'y1'], X,
    Y: Array.from({ length: rows * 2 }, (_, i) => Math.cos(i)),
    learned: { weight: [[1, 2], [3, 4]], bias: [0, 1] },
    truth: null, leastSquares: null,
  };
  const svg = await fitSvg(input);
  assert.match(svg, /predicted against actual/);
  assert.deepEqual(markPaths(svg, 'symbol'), [rows * 2]);
  assert.deepEqual(markPaths(svg, 'line'), [1]); // predicted = actual
});

test('autograd train --report and --plot write both files; bad names and --stream are usage errors, before training', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'autograd-report-'));
  const csv = path.join(dir, 'd.csv');
  writeFileSync(csv, `x,y\n${Array.from({ length: 40 }, (_, i) => `${i / 10},${2 * (i / 10) + 1 + (i % 3) / 10}`).join('\n')}\n`);
  const run = await runCli(['train', '--data', 'd.csv', '--epochs', '5', '--lr', '0.1', '--quiet', '--report', 'r.html', '--plot', 'f.svg'], { cwd: dir });
  assert.equal(run.code, 0, run.stderr);
  const html = readFileSync(path.join(dir, 'r.html'), 'utf8');
  assert.match(html, /^<!DOCTYPE html>/);
  assert.deepEqual(markPaths(html.slice(html.indexOf('fig-fit'), html.indexOf('fig-loss')), 'symbol'), [40]);
  assert.deepEqual(markPaths(readFileSync(path.join(dir, 'f.svg'), 'utf8'), 'line'), [1, 1]); // learned, least squares
  for (const [args, message] of [
    [['--report', 'r.htm'], /--report.*ending in \.html/],
    [['--plot', 'f.png'], /--plot.*ending in \.svg/],
    [['--stream', '--report', 'x.html'], /--stream cannot be combined with --report/],
  ] as const) {
    const bad = await runCli(['train', '--data', 'd.csv', '--quiet', ...args], { cwd: dir });
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, message);
  }
  const missing = await runCli(['train', '--data', 'd.csv', '--quiet', '--report', 'no/such/dir/r.html'], { cwd: dir });
  assert.equal(missing.code, 73);
  assert.equal(missing.stdout, '', 'refused before training');
  assert.equal(existsSync(path.join(dir, 'x.html')), false);
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
});
