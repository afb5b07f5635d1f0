// The training report as pictures: Vega-Lite specifications compiled and rendered to SVG in Node by vega
// (headless: renderer 'none', no canvas, no native code), and one self-contained HTML page holding them
// with the coefficient and settings tables. Nothing in the page fetches anything: no script, no link,
// no font or image URL; the data are inline and vega's loader refuses every request while rendering.

import type { TopLevelSpec } from 'vega-lite';
import { importEsm } from './import_esm.js';

/** A linear model's parameters in raw feature units: weight [targets][features], bias [targets]. */
export interface ReportParams {
  weight: number[][];
  bias: number[];
}

/** What the report draws: the data, the three models, the losses and the settings. */
export interface ReportInput {
  /** Data file as the user gave it (the page's title). */
  file: string;
  features: string[];
  targets: string[];
  rows: number;
  /** Row-major features, rows × features. */
  X: ArrayLike<number>;
  /** Row-major targets, rows × targets. */
  Y: ArrayLike<number>;
  learned: ReportParams;
  /** From the gen-data sidecar; one bias for every target, as make_regression has. */
  truth: { coef: number[][]; bias: number } | null;
  leastSquares: ReportParams | null;
  history: { train_loss: number[]; val_loss: number[] | null };
  final: { train_loss: number; val_loss: number | null; baseline_loss: number; least_squares_loss: number | null };
  /** Model, loss and optimizer as printed (`Linear(in_features=1, ...)`). */
  description: { model: string; loss: string; optimizer: string };
  settings: Record<string, string | number | boolean | null | number[]>;
}

/** At most this many points in a scatter (evenly spaced rows): a page stays small for any file. */
export const MAX_POINTS = 2000;

/** Every loss is drawn on a log axis when they span more than this ratio (two decades). */
export const LOG_RATIO = 100;

const WIDTH = 520;
const HEIGHT = 320;
const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json'; // an identifier: never fetched

/** The rows drawn: all of them up to MAX_POINTS, else evenly spaced ones. */
export function sampledRows(rows: number, max = MAX_POINTS): number[] {
  if (rows <= max) return Array.from({ length: rows }, (_, i) => i);
  return Array.from({ length: max }, (_, i) => Math.floor((i * rows) / max));
}

function predict(p: ReportParams, X: ArrayLike<number>, F: number, row: number, k: number): number {
  let s = p.bias[k];
  for (let j = 0; j < F; j++) s += p.weight[k][j] * X[row * F + j];
  return s;
}

/** Whether `values` (all positive) span more than LOG_RATIO, so a log axis shows them better. */
export function wantsLogAxis(values: readonly number[]): boolean {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0 || finite.some((v) => v <= 0)) return false;
  return Math.max(...finite) / Math.min(...finite) > LOG_RATIO;
}

/** The models drawn as lines, in legend order. */
function models(r: ReportInput): Array<{ name: string; params: ReportParams }> {
  const list = [{ name: 'learned', params: r.learned }];
  if (r.truth !== null) list.push({ name: 'true', params: { weight: r.truth.coef, bias: r.targets.map(() => (r.truth as { bias: number }).bias) } });
  if (r.leastSquares !== null) list.push({ name: 'least squares', params: r.leastSquares });
  return list;
}

const LINE_COLOURS = { domain: ['learned', 'true', 'least squares'], range: ['#d62728', '#2ca02c', '#1f77b4'] };

/**
 * The fit. One feature and one target: the data as a scatter with the learned, true and least-squares
 * lines. Otherwise: predicted vs actual (learned model), with the line predicted = actual.
 */
export function fitSpec(r: ReportInput): TopLevelSpec {
  const F = r.features.length;
  const T = r.targets.length;
  const rows = sampledRows(r.rows);
  if (F === 1 && T === 1) {
    const points = rows.map((i) => ({ x: r.X[i], y: r.Y[i] }));
    const xs = rows.map((i) => r.X[i]);
    const lo = Math.min(...xs);
    const hi = Math.max(...xs);
    const lines = models(r).flatMap((m) => [lo, hi].map((x) => ({ model: m.name, x, y: m.params.weight[0][0] * x + m.params.bias[0] })));
    return {
      $schema: SCHEMA,
      title: `${r.targets[0]} against ${r.features[0]}`,
      width: WIDTH,
      height: HEIGHT,
      layer: [
        {
          data: { values: points },
          mark: { type: 'point', filled: true, size: 18, opacity: 0.6, color: '#555' },
          encoding: { x: { field: 'x', type: 'quantitative', title: r.features[0], scale: { zero: false } }, y: { field: 'y', type: 'quantitative', title: r.targets[0], scale: { zero: false } } },
        },
        {
          data: { values: lines },
          mark: { type: 'line', strokeWidth: 2 },
          encoding: {
            x: { field: 'x', type: 'quantitative' },
            y: { field: 'y', type: 'quantitative' },
            color: { field: 'model', type: 'nominal', title: 'line', scale: LINE_COLOURS, sort: LINE_COLOURS.domain },
            strokeDash: { field: 'model', type: 'nominal', title: 'line', sort: LINE_COLOURS.domain, scale: { domain: LINE_COLOURS.domain, range: [[1, 0], [6, 3], [2, 2]] } },
          },
        },
      ],
    };
  }
  const points = rows.flatMap((i) => r.targets.map((t, k) => ({ target: t, actual: r.Y[i * T + k], predicted: predict(r.learned, r.X, F, i, k) })));
  const all = points.flatMap((p) => [p.actual, p.predicted]);
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  return {
    $schema: SCHEMA,
    title: 'predicted against actual (learned model)',
    width: WIDTH,
    height: HEIGHT,
    layer: [
      {
        data: { values: points },
        mark: { type: 'point', filled: true, size: 18, opacity: 0.6 },
        encoding: {
          x: { field: 'actual', type: 'quantitative', scale: { zero: false } },
          y: { field: 'predicted', type: 'quantitative', scale: { zero: false } },
          color: { field: 'target', type: 'nominal', legend: T > 1 ? {} : null },
        },
      },
      {
        data: { values: [{ v: lo }, { v: hi }] },
        mark: { type: 'line', color: '#888', strokeDash: [4, 3] },
        encoding: { x: { field: 'v', type: 'quantitative' }, y: { field: 'v', type: 'quantitative' } },
      },
    ],
  };
}

/** Train and validation loss per epoch; a log axis when the losses span more than two decades. */
export function lossSpec(r: ReportInput): TopLevelSpec {
  const values = r.history.train_loss.map((loss, i) => ({ epoch: i + 1, loss, curve: 'train' }));
  r.history.val_loss?.forEach((loss, i) => values.push({ epoch: i + 1, loss, curve: 'validation' }));
  const log = wantsLogAxis(values.map((v) => v.loss));
  return {
    $schema: SCHEMA,
    title: `loss per epoch (MSE, ${log ? 'log' : 'linear'} axis)`,
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    mark: { type: 'line', point: values.length <= 60, strokeWidth: 2 },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', axis: { tickMinStep: 1 } },
      y: { field: 'loss', type: 'quantitative', scale: log ? { type: 'log' } : { zero: false } },
      color: { field: 'curve', type: 'nominal', scale: { domain: ['train', 'validation'], range: ['#1f77b4', '#ff7f0e'] } },
      strokeDash: { field: 'curve', type: 'nominal', scale: { domain: ['train', 'validation'], range: [[1, 0], [5, 3]] } },
    },
  };
}

/** Residuals (actual − predicted by the learned model) of the drawn rows, first target... every target. */
function residuals(r: ReportInput): Array<{ target: string; predicted: number; residual: number }> {
  const F = r.features.length;
  const T = r.targets.length;
  return sampledRows(r.rows).flatMap((i) =>
    r.targets.map((t, k) => {
      const predicted = predict(r.learned, r.X, F, i, k);
      return { target: t, predicted, residual: r.Y[i * T + k] - predicted };
    }),
  );
}

export function residualHistogramSpec(r: ReportInput): TopLevelSpec {
  return {
    $schema: SCHEMA,
    title: 'residuals (actual − predicted)',
    width: WIDTH / 2 - 30,
    height: HEIGHT - 60,
    data: { values: residuals(r) },
    mark: { type: 'bar', color: '#1f77b4' },
    encoding: { x: { field: 'residual', type: 'quantitative', bin: { maxbins: 30 } }, y: { aggregate: 'count', type: 'quantitative', title: 'rows' } },
  };
}

export function residualScatterSpec(r: ReportInput): TopLevelSpec {
  return {
    $schema: SCHEMA,
    title: 'residual against predicted',
    width: WIDTH / 2 - 30,
    height: HEIGHT - 60,
    layer: [
      {
        data: { values: residuals(r) },
        mark: { type: 'point', filled: true, size: 14, opacity: 0.6 },
        encoding: { x: { field: 'predicted', type: 'quantitative', scale: { zero: false } }, y: { field: 'residual', type: 'quantitative', title: 'residual' }, color: { field: 'target', type: 'nominal', legend: r.targets.length > 1 ? {} : null } },
      },
      { data: { values: [{ zero: 0 }] }, mark: { type: 'rule', color: '#888' }, encoding: { y: { field: 'zero', type: 'quantitative', title: 'residual' } } },
    ],
  };
}

type Vega = typeof import('vega');
type VegaLite = typeof import('vega-lite');

let libraries: Promise<[Vega, VegaLite]> | null = null;

/** Vega-Lite specification → SVG text, rendered headless by vega, with every data request refused. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  libraries ??= Promise.all([importEsm<Vega>('vega'), importEsm<VegaLite>('vega-lite')]);
  const [vega, vl] = await libraries;
  const refuse = (uri: string): Promise<never> => Promise.reject(new Error(`the report fetches nothing (asked for ${uri})`));
  const loader = vega.loader();
  loader.load = refuse;
  loader.http = refuse;
  loader.file = refuse;
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none', loader });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** The fit figure alone (`--plot FILE.svg`). */
export async function fitSvg(r: ReportInput): Promise<string> {
  return `${await renderSvg(fitSpec(r))}\n`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Shortest text that reads back as the same number, or an em dash for none. */
function num(x: number | null | undefined): string {
  if (x === null || x === undefined) return '—';
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e7) ? x.toExponential(6) : String(Number(x.toPrecision(8)));
}

function coefficientTable(r: ReportInput): string {
  const head = ['parameter', 'learned', ...(r.truth ? ['true'] : []), ...(r.leastSquares ? ['least squares'] : [])];
  const multi = r.targets.length > 1;
  const rows: string[][] = [];
  r.targets.forEach((t, k) => {
    r.features.forEach((f, j) => {
      rows.push([`weight ${f}${multi ? ` → ${t}` : ''}`, num(r.learned.weight[k][j]), ...(r.truth ? [num(r.truth.coef[k]?.[j])] : []), ...(r.leastSquares ? [num(r.leastSquares.weight[k][j])] : [])]);
    });
  });
  r.targets.forEach((t, k) => {
    rows.push([`bias${multi ? ` ${t}` : ''}`, num(r.learned.bias[k]), ...(r.truth ? [num(r.truth.bias)] : []), ...(r.leastSquares ? [num(r.leastSquares.bias[k])] : [])]);
  });
  rows.push(['train loss (MSE)', num(r.final.train_loss), ...(r.truth ? [''] : []), ...(r.leastSquares ? [num(r.final.least_squares_loss)] : [])]);
  const cells = (row: string[], tag: string): string => `<tr>${row.map((c) => `<${tag}>${escapeHtml(c)}</${tag}>`).join('')}</tr>`;
  return `<table id="coefficients"><thead>${cells(head, 'th')}</thead><tbody>${rows.map((row) => cells(row, 'td')).join('')}</tbody></table>`;
}

function settingsTable(r: ReportInput): string {
  const rows: Array<[string, string]> = [
    ['data', `${r.file}: ${r.rows} rows, features ${r.features.join(', ')}, targets ${r.targets.join(', ')}`],
    ['model', r.description.model],
    ['loss', r.description.loss],
    ['optimizer', r.description.optimizer],
    ...Object.entries(r.settings).map(([k, v]): [string, string] => [k, v === null ? '—' : String(v)]),
  ];
  return `<table id="settings"><tbody>${rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</tbody></table>`;
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222}
h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.6em}figure{margin:0.5em 0;display:inline-block;vertical-align:top}
table{border-collapse:collapse;font-variant-numeric:tabular-nums}td,th{border:1px solid #ccc;padding:0.25em 0.6em;text-align:right}
th{background:#f4f4f4}#settings th,#settings td{text-align:left}p.note{color:#555;font-size:0.9em}`;

/** The whole report: one HTML file with the figures inline (SVG), the tables, and no external reference. */
export async function reportHtml(r: ReportInput): Promise<string> {
  const [fit, loss, hist, scatter] = await Promise.all([fitSpec(r), lossSpec(r), residualHistogramSpec(r), residualScatterSpec(r)].map(renderSvg));
  const drawn = Math.min(r.rows, MAX_POINTS);
  const sampled = drawn < r.rows ? `<p class="note">${drawn} of the ${r.rows} rows are drawn (evenly spaced).</p>` : '';
  const val = r.final.val_loss === null ? '' : `, validation loss ${escapeHtml(num(r.final.val_loss))}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>autograd train: ${escapeHtml(r.file)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>autograd train: ${escapeHtml(r.file)}</h1>
<p>Final train loss (MSE of the final parameters over all training rows) ${escapeHtml(num(r.final.train_loss))}${val}; always predicting the mean: ${escapeHtml(num(r.final.baseline_loss))}.</p>
<h2>Fit</h2>
<figure id="fig-fit">${fit}</figure>
${sampled}
<h2>Loss</h2>
<figure id="fig-loss">${loss}</figure>
<p class="note">Each epoch's train loss is the mean of its batches' losses, taken while the weights were still moving; the validation loss is computed after the epoch.</p>
<h2>Residuals</h2>
<figure id="fig-residual-histogram">${hist}</figure>
<figure id="fig-residual-scatter">${scatter}</figure>
<h2>Coefficients</h2>
${coefficientTable(r)}
<h2>Settings</h2>
${settingsTable(r)}
</body>
</html>
`;
}
