// The per-epoch loss chart: a pure function from numbers to text (asciichart), coloured only when asked.

import asciichart from 'asciichart';

export interface ChartOptions {
  height?: number;
  width?: number;
  color?: boolean;
}

/** Every k-th point so that at most `width` remain (the last point always kept). */
function thin(values: readonly number[], width: number): number[] {
  if (values.length <= width) return values.slice();
  const step = values.length / width;
  const out: number[] = [];
  for (let i = 0; i < width - 1; i++) out.push(values[Math.floor(i * step)]);
  out.push(values[values.length - 1]);
  return out;
}

/** Train (and validation) loss per epoch; a legend line names the series. */
export function lossChart(train: readonly number[], val: readonly number[] | null, options: ChartOptions = {}): string {
  const width = Math.max(10, options.width ?? 60);
  const series = [thin(train, width)];
  if (val !== null && val.length > 0) series.push(thin(val, width));
  const colors = options.color ? [asciichart.blue, asciichart.green] : undefined;
  const plot = asciichart.plot(series, { height: options.height ?? 10, colors, format: (x: number) => x.toPrecision(4).padStart(10) });
  const legend = val !== null && val.length > 0 ? 'train (first line), validation (second line)' : 'train';
  return `loss per epoch — ${legend}, ${train.length} epochs\n${plot}\n`;
}
