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

/** Glyph the validation series is drawn with where the train line does not cover it. */
const VAL_GLYPH = '·';

/** Every k-th point so that at most `width` remain; the first and the last are always kept. */
export function thin(values: readonly number[], width: number): number[] {
  if (values.length <= width) return values.slice();
  const step = (values.length - 1) / (width - 1);
  return Array.from({ length: width }, (_, i) => values[Math.round(i * step)]);
}

/** The y-axis labels: 4 significant digits, right-aligned in 10 columns. */
function label(x: number): string {
  return x.toPrecision(4).padStart(10);
}

/** Two plots drawn on the same axis, overlaid: the train line wins, validation shows as dots elsewhere. */
function overlay(trainPlot: string, valPlot: string): string[] {
  const valRows = valPlot.split('\n');
  return trainPlot.split('\n').map((row, r) => {
    const axis = row.search(/[┤┼]/);
    const other = valRows[r] ?? '';
    let out = row.slice(0, axis + 1);
    if (other[axis] === '┼') out = `${row.slice(0, axis)}┼`;
    for (let i = axis + 1; i < Math.max(row.length, other.length); i++) {
      const t = row[i] ?? ' ';
      const v = other[i] ?? ' ';
      out += t !== ' ' ? t : v !== ' ' ? VAL_GLYPH : ' ';
    }
    return out;
  });
}

/** Colour the plot area: line glyphs blue, validation dots green; labels and axis stay plain. */
function colorize(rows: string[], paint: Palette): string[] {
  return rows.map((row) => {
    const axis = row.search(/[┤┼]/);
    const plot = row.slice(axis + 1).replace(/[^ ·]+|·+/g, (run) => (run[0] === VAL_GLYPH ? paint.green(run) : paint.blue(run)));
    return row.slice(0, axis + 1) + plot;
  });
}

/**
 * Title line, plot, and (with a validation series) a legend line. Series must be finite; they are thinned
 * to `width` points. The title is always the first line, so a caller may replace it.
 */
export function lossChart(train: readonly number[], val: readonly number[] | null, options: ChartOptions = {}): string {
  const hasVal = val !== null && val.length > 0;
  const title = `loss per epoch (${hasVal ? 'train and validation' : 'train'}), ${train.length} epoch${train.length === 1 ? '' : 's'}`;
  const all = hasVal ? [...train, ...val] : [...train];
  if (train.length === 0) return `${title}\n`;
  if (!all.every(Number.isFinite)) return `${title}\n(not drawn: the losses are not all finite)\n`;
  const width = Math.max(2, Math.floor(options.width ?? 60));
  const config = { height: Math.max(1, Math.floor(options.height ?? 10)), min: Math.min(...all), max: Math.max(...all), format: label };
  const trainPlot = asciichart.plot(thin(train, width), config);
  let rows = hasVal ? overlay(trainPlot, asciichart.plot(thin(val, width), config)) : trainPlot.split('\n');
  const paint = options.palette ?? (options.color === true ? ANSI : PLAIN);
  if (paint !== PLAIN) rows = colorize(rows, paint);
  rows = rows.map((r) => r.trimEnd());
  if (hasVal) rows.push(`${' '.repeat(11)}${paint.blue('──')} train   ${paint.green(VAL_GLYPH.repeat(2))} validation`);
  return `${title}\n${rows.join('\n')}\n`;
}
