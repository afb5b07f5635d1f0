// The fit in the terminal: a scatter of one feature against the target in Unicode braille (2×4 dots a
// character), with the learned line drawn through it. A pure function from numbers to text.

import { PLAIN, type Palette } from './palette.js';
import { escapeText } from '../quote.js';

export interface ScatterOptions {
  /** Characters across the plot area (default 60). */
  width?: number;
  /** Rows of the plot area (default 12). */
  height?: number;
  /** The line's colour on a terminal (blue); PLAIN draws it in braille dots like the data. */
  palette?: Palette;
  xName?: string;
  yName?: string;
}

/** Braille dot bits by [row 0..3][column 0..1] within a character (U+2800 + bits). */
const DOT = [
  [0x01, 0x08],
  [0x02, 0x10],
  [0x04, 0x20],
  [0x40, 0x80],
];

function label(v: number): string {
  return (Math.abs(v) < 1e-12 ? 0 : v).toPrecision(4).padStart(10);
}

/**
 * Title, plot (y labels on the first and last rows), x axis with the range of x. Non-finite points are
 * left out. `line`: y = slope·x + intercept, drawn across the whole x range.
 */
export function scatterPlot(x: ArrayLike<number>, y: ArrayLike<number>, line: { slope: number; intercept: number }, o: ScatterOptions = {}): string {
  const W = Math.max(4, Math.floor(o.width ?? 60));
  const H = Math.max(2, Math.floor(o.height ?? 12));
  const xName = o.xName ?? 'x';
  const yName = o.yName ?? 'y';
  const paint = o.palette ?? PLAIN;
  const [xShown, yShown] = [escapeText(xName), escapeText(yName)];
  const title = `${yShown} against ${xShown}: the data (dots) and the learned line ${yShown} = ${line.slope.toPrecision(4)}·${xShown} + ${line.intercept.toPrecision(4)}`;
  const idx: number[] = [];
  for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i]) && Number.isFinite(y[i])) idx.push(i);
  if (idx.length === 0 || !Number.isFinite(line.slope) || !Number.isFinite(line.intercept)) return `${title}\n(not drawn: no finite points)\n`;
  let xmin = Infinity;
  let xmax = -Infinity;
  for (const i of idx) {
    xmin = Math.min(xmin, x[i]);
    xmax = Math.max(xmax, x[i]);
  }
  const at = (v: number): number => line.slope * v + line.intercept;
  let ymin = Math.min(at(xmin), at(xmax));
  let ymax = Math.max(at(xmin), at(xmax));
  for (const i of idx) {
    ymin = Math.min(ymin, y[i]);
    ymax = Math.max(ymax, y[i]);
  }
  if (xmax === xmin) [xmin, xmax] = [xmin - 1, xmax + 1];
  if (ymax === ymin) [ymin, ymax] = [ymin - 1, ymax + 1];
  const PW = 2 * W;
  const PH = 4 * H;
  const px = (v: number): number => Math.min(PW - 1, Math.max(0, Math.round(((v - xmin) / (xmax - xmin)) * (PW - 1))));
  const py = (v: number): number => Math.min(PH - 1, Math.max(0, Math.round(((ymax - v) / (ymax - ymin)) * (PH - 1))));
  const data = new Uint8Array(W * H);
  const ink = new Uint8Array(W * H);
  const set = (grid: Uint8Array, X: number, Y: number): void => {
    grid[(Y >> 2) * W + (X >> 1)] |= DOT[Y & 3][X & 1];
  };
  for (const i of idx) set(data, px(x[i]), py(y[i]));
  // the line: one dot per dot column, the gaps of a steep line filled so that it stays connected
  let previous = -1;
  for (let X = 0; X < PW; X++) {
    const Y = py(at(xmin + ((xmax - xmin) * X) / (PW - 1)));
    const from = previous < 0 ? Y : previous;
    for (let k = Math.min(from, Y); k <= Math.max(from, Y); k++) set(ink, X, k);
    previous = Y;
  }
  const rows: string[] = [];
  for (let r = 0; r < H; r++) {
    let text = '';
    for (let c = 0; c < W; c++) {
      const k = r * W + c;
      const bits = data[k] | ink[k];
      const glyph = bits === 0 ? ' ' : String.fromCharCode(0x2800 + bits); // an empty cell is a plain space
      text += ink[k] !== 0 ? paint.blue(glyph) : glyph;
    }
    const yLabel = r === 0 ? label(ymax) : r === H - 1 ? label(ymin) : ' '.repeat(10);
    rows.push(`${yLabel} ┤${text}`.trimEnd());
  }
  const lo = xmin.toPrecision(4);
  const hi = xmax.toPrecision(4);
  rows.push(`${' '.repeat(10)} └${'─'.repeat(W)}`);
  rows.push(`${' '.repeat(12)}${lo}${' '.repeat(Math.max(1, W - lo.length - hi.length))}${hi}  ${xShown}`);
  return `${title}\n${rows.join('\n')}\n`;
}
