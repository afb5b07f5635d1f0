// The text and JSON `autograd train` prints, built by pure functions from numbers (tests compare whole outputs).

import { lossChart } from '../../chart.js';
import { thousands } from '../../format_values.js';
import { PLAIN, type Palette } from '../../palette.js';
import { escapeText } from '../../../quote.js';
import type { LinearParams, TrainHeader, TrainResult } from './common.js';
import { unstandardize } from './common.js';

/** The true coefficients from a gen-data sidecar, aligned to the trained columns: coef [targets][features]. */
export interface Truth {
  coef: number[][];
  bias: number;
}

/** The `--json` document. Weights are in raw feature units (comparable with the truth and least squares). */
export interface TrainSummary {
  command: 'train';
  data: TrainHeader['data'];
  model: string;
  loss: string;
  optimizer: string;
  settings: TrainHeader['settings'];
  history: TrainResult['history'];
  /** scikit-learn's scores of the final weights on the training, validation and test rows. */
  scores: TrainResult['scores'];
  final: { train_loss: number; val_loss: number | null; baseline_loss: number; least_squares_loss: number | null };
  weights: LinearParams;
  least_squares: LinearParams | null;
  least_squares_note: string | null;
  truth: Truth | null;
  saved: string | null;
  timings: TrainResult['timings'] & { total_s: number };
  /** The columns read, the one-hot encoded ones' categories, and the missing cells' fill. */
  preprocessing?: TrainResult['preprocessing'];
}

export function summarize(r: TrainResult, truth: Truth | null, saved: string | null, total_s: number): TrainSummary {
  const ls = 'skipped' in r.least_squares ? null : r.least_squares;
  return {
    command: 'train',
    ...r.header,
    history: r.history,
    scores: r.scores,
    final: { train_loss: r.final_train_loss, val_loss: r.history.val_loss?.at(-1) ?? null, baseline_loss: r.baseline_loss, least_squares_loss: ls?.loss ?? null },
    weights: unstandardize({ weight: r.weight, bias: r.bias }, r.standardization),
    least_squares: ls === null ? null : { weight: ls.weight, bias: ls.bias },
    least_squares_note: 'skipped' in r.least_squares ? r.least_squares.skipped : null,
    truth,
    saved,
    timings: { ...r.timings, total_s },
    preprocessing: r.preprocessing,
  };
}

/** 4 decimals in the usual range; scientific notation for very small or very large magnitudes. */
export function fmt(x: number | null | undefined): string {
  if (x === null || x === undefined) return '—';
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e7) ? x.toExponential(4) : x.toFixed(4);
}

/** A column name as the terminal shows it: control characters escaped, cut to about 80 characters. */
const show = (name: string): string => escapeText(name);

function names(list: string[], what: string): string {
  const shown = list.length <= 8 ? list.map(show).join(', ') : `${list.slice(0, 3).map(show).join(', ')}, ..., ${show(list[list.length - 1])}`;
  return list.length === 1 ? `${what} ${shown}` : `${list.length} ${what}s (${shown})`;
}

function rowsText(d: TrainHeader['data']): string {
  if (!Number.isFinite(d.rows)) return 'streamed in batches';
  const held = [d.val_rows > 0 ? `${d.val_rows} validation` : '', d.test_rows > 0 ? `${d.test_rows} test` : ''].filter((x) => x !== '');
  return held.length > 0 ? `${d.rows} rows (${d.train_rows} train, ${held.join(', ')})` : `${d.rows} rows`;
}

/** What is trained on, with what: printed before the first step. `file` as the user should read it. */
export function headerText(h: TrainHeader, file: string): string {
  const s = h.settings;
  const flags = [s.shuffle === true ? 'shuffled' : 'not shuffled', s.drop_last === true ? 'drop_last' : '', `seed ${s.seed}`, String(s.dtype), s.standardize === true ? 'standardized features' : '', s.stream === true ? 'streamed' : ''];
  const d = h.data;
  const delimiter = d.delimiter === undefined || d.delimiter === ',' ? '' : ` (${d.delimiter === '\t' ? 'tab' : `'${d.delimiter}'`}-separated)`;
  const missing = [
    (d.dropped_rows ?? 0) > 0 ? `${d.dropped_rows} row${d.dropped_rows === 1 ? '' : 's'} with a missing value dropped` : '',
    (d.filled_cells ?? 0) > 0 ? `${d.filled_cells} missing cell${d.filled_cells === 1 ? '' : 's'} filled with the feature's mean over the training rows` : '',
  ].filter((x) => x !== '');
  return [
    `data       ${show(file)}${delimiter}: ${rowsText(h.data)}, ${names(h.data.features, 'feature')}, ${names(h.data.targets, 'target')}`,
    ...(missing.length === 0 ? [] : [`missing    ${missing.join('; ')}`]),
    `model      ${h.model}`,
    `loss       ${h.loss}`,
    `optimizer  ${h.optimizer}`,
    ...(h.scheduler === null ? [] : [`schedule   ${h.scheduler}, stepped after every epoch`]),
    `training   ${s.epochs} epochs, batch size ${s.batch_size}, ${flags.filter((f) => f !== '').join(', ')}`,
    '',
  ].join('\n');
}

/** At most this many weight rows in the table (--json has them all). */
const MAX_WEIGHT_ROWS = 20;

function parameterRows(s: TrainSummary): string[][] {
  const multi = s.weights.weight.length > 1;
  const rows: string[][] = [];
  s.weights.weight.forEach((row, k) => {
    row.forEach((w, j) => {
      const name = `weight ${show(s.data.features[j])}${multi ? ` → ${show(s.data.targets[k])}` : ''}`;
      rows.push([name, fmt(w), ...(s.truth ? [fmt(s.truth.coef[k]?.[j])] : []), ...(s.least_squares ? [fmt(s.least_squares.weight[k][j])] : [])]);
    });
  });
  if (rows.length > MAX_WEIGHT_ROWS) rows.splice(MAX_WEIGHT_ROWS, rows.length - MAX_WEIGHT_ROWS, [`... ${rows.length - MAX_WEIGHT_ROWS} more (see --json)`]);
  s.weights.bias.forEach((b, k) => {
    rows.push([`bias${multi ? ` ${show(s.data.targets[k])}` : ''}`, fmt(b), ...(s.truth ? [fmt(s.truth.bias)] : []), ...(s.least_squares ? [fmt(s.least_squares.bias[k])] : [])]);
  });
  // the least-squares loss is an MSE: beside it the learned weights' MSE, whatever loss trained them
  const learnedMse = s.settings.loss === 'mse' || s.settings.loss === undefined ? s.final.train_loss : (s.scores.train?.mse ?? null);
  rows.push(['loss (MSE)', fmt(learnedMse), ...(s.truth ? [''] : []), ...(s.least_squares ? [fmt(s.final.least_squares_loss)] : [])]);
  return rows;
}

/** Learned parameters beside the true ones and the least-squares ones, aligned in columns. */
export function comparisonTable(s: TrainSummary): string {
  const head = ['', 'learned', ...(s.truth ? ['true'] : []), ...(s.least_squares ? ['least squares'] : [])];
  const rows = [head, ...parameterRows(s)];
  const widths = head.map((_, c) => Math.max(...rows.filter((r) => r.length > 1).map((r) => (r[c] ?? '').length)));
  const line = (r: string[]): string => (r.length === 1 ? r[0] : r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('   ').trimEnd());
  return rows.map(line).join('\n');
}

/**
 * What the final loss is, beside the per-epoch losses of the chart and progress lines (means of each
 * epoch's batch losses, taken while the weights moved). `perEpoch`: whether those were shown.
 */
export function lossNote(s: TrainSummary, perEpoch: boolean): string {
  if (s.settings.stream === true) return "  (the mean of the last pass's batch losses: --stream does not read the file again for the final weights)";
  const rows = `${s.data.train_rows} training row${s.data.train_rows === 1 ? '' : 's'}`;
  const what = s.loss.replace(/\(.*$/, '');
  const val = s.final.val_loss === null ? '' : '; validation: on the held-out rows';
  return `  (${what === 'MSELoss' ? 'MSE' : what} of the final weights on all ${rows}${val}${perEpoch ? "; each epoch's loss above is the mean of its batch losses" : ''})`;
}

export interface FinalTextOptions {
  chart: boolean;
  /** Colours (palette.ts); PLAIN when absent. */
  palette?: Palette;
  /** Whether per-epoch losses were shown (progress lines or the chart): the loss note refers to them. */
  perEpoch?: boolean;
  /** The fit drawn in the terminal (scatter.ts), shown after the loss chart. */
  scatter?: string;
  /** Terminal width: the chart is at most this wide. */
  columns?: number;
}

/** The scores table: MSE, RMSE, MAE and R² on each part that has them (empty when none). */
export function scoresTable(s: TrainSummary): string {
  const parts: Array<[string, NonNullable<TrainSummary['scores']['train']>]> = [];
  if (s.scores.train !== null) parts.push(['train', s.scores.train]);
  if (s.scores.val !== null) parts.push(['validation', s.scores.val]);
  if (s.scores.test !== null) parts.push(['test', s.scores.test]);
  if (parts.length === 0) return '';
  const rows = [['', 'rows', 'MSE', 'RMSE', 'MAE', 'R²'], ...parts.map(([name, m]) => [name, String(m.rows), fmt(m.mse), fmt(m.rmse), fmt(m.mae), fmt(m.r2)])];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('   ').trimEnd()).join('\n');
}

/** Everything after training: chart, final and baseline losses, the parameter table, scores, timings. */
export function finalText(s: TrainSummary, o: FinalTextOptions): string {
  const paint = o.palette ?? PLAIN;
  const parts: string[] = [];
  if (o.chart) parts.push(lossChart(s.history.train_loss, s.history.val_loss, { palette: paint, width: Math.min(60, (o.columns ?? 80) - 14) }));
  if (o.scatter !== undefined) parts.push(o.scatter);
  const val = s.final.val_loss === null ? '' : `   validation loss ${fmt(s.final.val_loss)}`;
  parts.push(`${paint.bold('final train loss')} ${fmt(s.final.train_loss)}${val}`);
  parts.push(lossNote(s, o.perEpoch ?? o.chart));
  parts.push(`baseline (always predict the mean): loss ${fmt(s.final.baseline_loss)}`);
  parts.push('');
  parts.push(comparisonTable(s));
  if (s.settings.standardize === true) parts.push('(weights in the units of the original features)');
  if (s.least_squares_note !== null) parts.push(`(least squares: ${s.least_squares_note})`);
  const scores = scoresTable(s);
  if (scores !== '') parts.push('', scores);
  if (s.history.stopped_epoch !== null && s.history.stopped_epoch !== undefined) {
    parts.push(`(early stopping: stopped after epoch ${s.history.stopped_epoch}; kept the weights of epoch ${s.history.best_epoch}, the best validation loss)`);
  } else if (s.history.best_epoch !== null && s.history.best_epoch !== undefined && s.history.best_epoch < s.history.train_loss.length) {
    parts.push(`(early stopping: kept the weights of epoch ${s.history.best_epoch}, the best validation loss)`);
  }
  parts.push('');
  const rate = thousands(s.timings.samples_per_s);
  parts.push(`trained in ${s.timings.train_s.toFixed(3)} s (${rate} samples/s); data loaded in ${s.timings.load_s.toFixed(3)} s`);
  return `${parts.join('\n')}\n`;
}

/** `--json`: the summary as one document; non-finite numbers (none expected) become null. */
export function summaryJson(s: TrainSummary): string {
  return `${JSON.stringify(s, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
}
