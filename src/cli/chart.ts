// The loss chart: a pure function from numbers to text (asciichart), coloured only when asked.

import asciichart from 'asciichart';
import { PLAIN, type Palette } from './palette.js';

export interface ChartOptions {
  /** Rows of the plot (default 10). */
  height?: number;
  /** At most this many points across (default 60); longer series are thinned. */
  width?: number;
  /** Colours for the train line (blue) and the validation dots (green); the CLI passes chalk's (palette.ts). */
  palette?: Palette;
  /** Colour without a palette: asciichart's own ANSI codes (default false). */
  color?: boolean;
}

/** asciichart's escape codes, for callers that ask for colour without loading chalk. */
const ANSI: Palette = {
  blue: (t) => `${asciichart.blue}${t}${asciichart.reset}`,
  green: (t) => `${asciichart.green}${t}${asciichart.reset}`,
  bold: (t) => t,
};

/** Glyph of the validation points, drawn over the train line so that they stay visible. */
export const VAL_GLYPH = '•';

/** Every loss is drawn on a log10 axis when they span more than this ratio (two decades). */
export const LOG_RATIO = 100;

/** Every k-th point so that at most `width` remain; the first and the last are always kept. */
export function thin(values: readonly number[], width: number): number[] {
  if (values.length <= width) return values.slice();
  const step = (values.length - 1) / (width - 1);
  return Array.from({ length: width }, (_, i) => values[Math.round(i * step)]);
}

/** The epoch each of `width` thinned points stands for (1-based), as thin() picks them. */
export function thinnedEpochs(epochs: number, width: number): number[] {
  return thin(Array.from({ length: epochs }, (_, i) => i + 1), width);
}

/** Whether the (all positive) losses span more than two decades. */
export function wantsLog(values: readonly number[]): boolean {
  return values.every((v) => v > 0) && Math.max(...values) / Math.min(...values) > LOG_RATIO;
}

/** The y-axis labels: 4 significant digits, right-aligned in 10 columns (log axis: the loss, not its log). */
function labeller(log: boolean): (x: number) => string {
  return (x) => (log ? 10 ** x : x).toPrecision(4).padStart(10);
}

/** Validation points over the train plot, at asciichart's rows for their values (validation wins a cell). */
function overlay(rows: string[], val: readonly number[], config: { height: number; min: number; max: number }): string[] {
  const range = config.max - config.min;
  const ratio = range !== 0 ? config.height / range : 1;
  const min2 = Math.round(config.min * ratio);
  const max2 = Math.round(config.max * ratio);
  const out = rows.map((row) => [...row]);
  const axis = rows[0].search(/[┤┼]/);
  val.forEach((v, x) => {
    if (x === 0) return; // the first value sits on the axis itself
    const r = max2 - min2 - (Math.round(v * ratio) - min2);
    const row = out[r];
    if (row === undefined) return;
    while (row.length <= axis + x) row.push(' ');
    row[axis + x] = VAL_GLYPH;
  });
  return out.map((row) => row.join(''));
}

/** Colour the plot area: train line blue, validation points green; labels and axis stay plain. */
function colorize(rows: string[], paint: Palette): string[] {
  return rows.map((row) => {
    const axis = row.search(/[┤┼]/);
    const plot = row.slice(axis + 1).replace(/[^ •]+|•+/g, (run) => (run[0] === VAL_GLYPH ? paint.green(run) : paint.blue(run)));
    return row.slice(0, axis + 1) + plot;
  });
}

/** A round step (1, 2, 5 × 10^k) giving at most `most` ticks over `span`. */
function niceStep(span: number, most: number): number {
  const raw = Math.max(1, span / Math.max(1, most));
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * p).find((v) => v >= raw) ?? 10 * p;
}

/**
 * The x axis: `epoch`, then epoch numbers under the columns that show them: the first (on the y axis), round
 * ones in between, the last. `epochs[i]` is the epoch of the point drawn at column `axis + i`.
 */
export function epochAxis(axis: number, epochs: readonly number[]): string {
  const chars: string[] = [...'epoch'.padStart(axis - 1)];
  const last = epochs.length - 1;
  const put = (col: number, text: string): void => {
    const at = col - Math.floor((text.length - 1) / 2);
    const start = Math.max(at, col === axis ? axis : 0);
    for (let k = start - 1; k < start + text.length + 1; k++) if (chars[k] !== undefined && chars[k] !== ' ') return; // keep a gap
    while (chars.length < start + text.length) chars.push(' ');
    [...text].forEach((c, k) => (chars[start + k] = c));
  };
  put(axis, String(epochs[0]));
  if (last > 0) put(axis + last, String(epochs[last]));
  const step = niceStep(epochs[last] - epochs[0], Math.floor(epochs.length / 7));
  for (let e = step; e < epochs[last]; e += step) {
    let best = 0;
    epochs.forEach((v, i) => (Math.abs(v - e) < Math.abs(epochs[best] - e) ? (best = i) : 0));
    if (best > 0 && best < last) put(axis + best, String(e)); // a column stands for the epochs nearest it
  }
  return chars.join('').trimEnd();
}

/**
 * Title line, plot, epoch axis and (with a validation series) a legend line. Series must be finite; they
 * are thinned to `width` points. A log10 axis when the losses span more than two decades (the title says
 * so). The title is always the first line, so a caller may replace it.
 */
export function lossChart(train: readonly number[], val: readonly number[] | null, options: ChartOptions = {}): string {
  const hasVal = val !== null && val.length > 0;
  const all = hasVal ? [...train, ...val] : [...train];
  const log = train.length > 0 && all.every(Number.isFinite) && wantsLog(all);
  const scale = log ? ', log scale' : '';
  const title = `loss per epoch (${hasVal ? 'train and validation' : 'train'}${scale}), ${train.length} epoch${train.length === 1 ? '' : 's'}`;
  if (train.length === 0) return `${title}\n`;
  if (!all.every(Number.isFinite)) return `${title}\n(not drawn: the losses are not all finite)\n`;
  const width = Math.max(2, Math.floor(options.width ?? 60));
  const y = (values: readonly number[]): number[] => thin(values, width).map((v) => (log ? Math.log10(v) : v));
  const ys = y(all);
  const config = { height: Math.max(1, Math.floor(options.height ?? 10)), min: Math.min(...ys), max: Math.max(...ys), format: labeller(log) };
  let rows = asciichart.plot(y(train), config).split('\n');
  if (hasVal) rows = overlay(rows, y(val), config);
  const paint = options.palette ?? (options.color === true ? ANSI : PLAIN);
  const axis = rows[0].search(/[┤┼]/);
  if (paint !== PLAIN) rows = colorize(rows, paint);
  rows = rows.map((r) => r.trimEnd());
  rows.push(epochAxis(axis, thinnedEpochs(train.length, width)));
  if (hasVal) rows.push(`${' '.repeat(11)}${paint.blue('──')} train   ${paint.green(VAL_GLYPH.repeat(2))} validation`);
  return `${title}\n${rows.join('\n')}\n`;
}
