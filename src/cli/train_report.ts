// The text `autograd train` prints, built by pure functions from numbers (tests compare whole outputs).

import chalk, { Chalk } from 'chalk';
import { lossChart } from './chart.js';

export interface TrainSummary {
  data: { file: string; rows: number; trainRows: number; valRows: number; features: string[]; targets: string[] };
  model: string;
  loss: string;
  optimizer: string;
  settings: { epochs: number; batch_size: number; shuffle: boolean; drop_last: boolean; seed: number; dtype: string; standardize: boolean };
  history: { train_loss: number[]; val_loss: number[] | null };
  final: { train_loss: number; val_loss: number | null; baseline_loss: number; least_squares_loss: number | null };
  weights: { weight: number[][]; bias: number[] };
  least_squares: { weight: number[][]; bias: number[] } | null;
  truth: { coef: number[][]; bias: number } | null;
  timings: { load_s: number; train_s: number; samples_per_s: number };
}

const num = (x: number | null | undefined): string => (x === null || x === undefined ? '—' : Number.isFinite(x) ? x.toFixed(4) : String(x));

export function headerText(s: TrainSummary): string {
  const d = s.data;
  const rows = d.valRows > 0 ? `${d.rows} rows (${d.trainRows} train, ${d.valRows} validation)` : `${d.rows} rows`;
  const st = s.settings;
  return [
    `data       ${d.file}: ${rows}, features ${d.features.join(', ')}, target ${d.targets.join(', ')}`,
    `model      ${s.model}`,
    `loss       ${s.loss}`,
    `optimizer  ${s.optimizer}`,
    `training   ${st.epochs} epochs, batch size ${st.batch_size}${st.shuffle ? ', shuffled' : ''}${st.drop_last ? ', drop_last' : ''}, seed ${st.seed}, ${st.dtype}${st.standardize ? ', standardized features' : ''}`,
    '',
  ].join('\n');
}

/** One progress line per epoch shown; at most `limit` lines, always the first and last epoch. */
export function epochLines(train: readonly number[], val: readonly number[] | null, limit = 10): string {
  const n = train.length;
  const every = Math.max(1, Math.ceil(n / limit));
  const lines: string[] = [];
  for (let e = 0; e < n; e++) {
    if (e % every !== 0 && e !== n - 1) continue;
    lines.push(`epoch ${String(e + 1).padStart(String(n).length)}/${n}  train loss ${num(train[e])}${val ? `  val loss ${num(val[e])}` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

function comparisonTable(s: TrainSummary): string {
  const rows: string[][] = [['', 'learned', ...(s.truth ? ['true'] : []), ...(s.least_squares ? ['least squares'] : [])]];
  s.weights.weight.forEach((row, k) => {
    row.forEach((w, j) => {
      const name = `weight ${s.data.features[j]}${s.weights.weight.length > 1 ? ` → ${s.data.targets[k]}` : ''}`;
      rows.push([name, num(w), ...(s.truth ? [num(s.truth.coef[k]?.[j])] : []), ...(s.least_squares ? [num(s.least_squares.weight[k][j])] : [])]);
    });
  });
  s.weights.bias.forEach((b, k) => {
    rows.push([`bias${s.weights.bias.length > 1 ? ` ${s.data.targets[k]}` : ''}`, num(b), ...(s.truth ? [num(s.truth.bias)] : []), ...(s.least_squares ? [num(s.least_squares.bias[k])] : [])]);
  });
  rows.push(['loss (MSE)', num(s.final.train_loss), ...(s.truth ? [''] : []), ...(s.least_squares ? [num(s.final.least_squares_loss)] : [])]);
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('   ').trimEnd()).join('\n');
}

export function finalText(s: TrainSummary, options: { chart: boolean; color: boolean }): string {
  const c = options.color ? new Chalk({ level: Math.max(1, chalk.level) as 1 | 2 | 3 }) : new Chalk({ level: 0 });
  const parts: string[] = [];
  if (options.chart) parts.push(lossChart(s.history.train_loss, s.history.val_loss, { color: options.color }));
  parts.push(`${c.bold('final train loss')} ${num(s.final.train_loss)}${s.final.val_loss !== null ? `   validation loss ${num(s.final.val_loss)}` : ''}`);
  parts.push(`baseline (always predict the mean): loss ${num(s.final.baseline_loss)}`);
  parts.push('');
  parts.push(comparisonTable(s));
  if (s.settings.standardize) parts.push('(weights are in the units of the original features)');
  parts.push('');
  parts.push(`trained in ${s.timings.train_s.toFixed(3)} s (${Math.round(s.timings.samples_per_s).toLocaleString('en-US')} samples/s); data loaded in ${s.timings.load_s.toFixed(3)} s`);
  return `${parts.join('\n')}\n`;
}
