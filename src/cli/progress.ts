// Training progress on stderr: on a terminal a live line (`\r`, ETA) under a redrawn loss chart; otherwise
// plain lines, at most ~10 per run, with no `\r` and no escape codes.

import type { EpochInfo, FitCallbacks, StepInfo } from '../train/fit.js';
import { lossChart } from './chart.js';
import { thousands } from './format_values.js';
import type { Palette } from './palette.js';
import { nowMs } from './clock.js';

export type ProgressMode = 'live' | 'lines' | 'off';

export interface ProgressOptions {
  mode: ProgressMode;
  epochs: number;
  /** Training rows per epoch (for samples/s and the ETA). */
  samplesPerEpoch: number;
  /** Whether there is a validation set (its loss goes on each line). */
  validation: boolean;
  /** Show the learning rate on each line (when a schedule changes it). */
  showLr?: boolean;
  write: (text: string) => void;
  /** Live mode: redraw the loss chart above the line. */
  chart?: boolean;
  palette?: Palette;
  columns?: number;
  /** Plain lines at most (plus the last epoch). Default 10. */
  maxLines?: number;
  /** Milliseconds between live redraws. Default 100. */
  interval?: number;
  now?: () => number;
}

export interface Progress extends FitCallbacks {
  /** End the live display (clears it); call on success and on failure alike. */
  finish(): void;
}

const fixed = (x: number | null): string => (x === null ? '—' : x.toFixed(4));

/** One plain progress line: `epoch  11/100  train loss 190.0997  val loss 201.0000`. */
export function epochLine(epoch: number, epochs: number, trainLoss: number, valLoss: number | null, lr: number | null = null): string {
  const at = `${String(epoch).padStart(String(epochs).length)}/${epochs}`;
  return `epoch ${at}  train loss ${fixed(trainLoss)}${valLoss === null ? '' : `  val loss ${fixed(valLoss)}`}${lr === null ? '' : `  lr ${lrText(lr)}`}`;
}

/** A learning rate in 4 significant digits: 0.01, 0.002500, 1.000e-05. */
export function lrText(lr: number): string {
  return lr !== 0 && (Math.abs(lr) < 1e-4 || Math.abs(lr) >= 1e4) ? lr.toExponential(3) : String(Number(lr.toPrecision(4)));
}

/** Which epochs (1-based) get a plain line: the first, every ceil(E/maxLines)-th after it, and the last. */
export function shownEpoch(epoch: number, epochs: number, maxLines: number): boolean {
  const every = Math.max(1, Math.ceil(epochs / Math.max(1, maxLines)));
  return (epoch - 1) % every === 0 || epoch === epochs;
}

/** Seconds as `4.2 s`, `3m 05s` or `1h 02m`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  if (seconds < 60) return `${Math.max(0, seconds).toFixed(1)} s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** The live line: epoch, the last batch's loss, throughput and the time left at that pace. */
export function liveLine(epoch: number, epochs: number, loss: number, samplesPerSecond: number, etaSeconds: number, lr: number | null = null): string {
  const rate = thousands(samplesPerSecond);
  return `epoch ${epoch}/${epochs}  batch loss ${loss.toFixed(4)}${lr === null ? '' : `  lr ${lrText(lr)}`}  ${rate} samples/s  ETA ${formatDuration(etaSeconds)}`;
}

function plainProgress(o: ProgressOptions): Progress {
  const maxLines = o.maxLines ?? 10;
  return {
    on_epoch_end: (e: EpochInfo) => {
      if (shownEpoch(e.epoch, o.epochs, maxLines)) o.write(`${epochLine(e.epoch, o.epochs, e.train_loss, e.val_loss, o.showLr === true ? e.lr : null)}\n`);
    },
    finish: () => undefined,
  };
}

/** Terminal progress, redrawn in place at most every `interval` ms: `\r` for the line, cursor-up for the chart. */
function liveProgress(o: ProgressOptions): Progress {
  const now = o.now ?? nowMs;
  const interval = o.interval ?? 100;
  const columns = Math.max(20, o.columns ?? 80);
  const start = now();
  const losses: number[] = [];
  const state = { samples: 0, epoch: 1, loss: NaN, lr: null as number | null, lastDraw: -Infinity, chartRows: 0 };
  const draw = (): void => {
    const elapsed = (now() - start) / 1000;
    const rate = state.samples / Math.max(elapsed, 1e-9);
    const eta = (o.epochs * o.samplesPerEpoch - state.samples) / Math.max(rate, 1e-9);
    const line = liveLine(state.epoch, o.epochs, state.loss, rate, eta, o.showLr === true ? state.lr : null).slice(0, columns - 1);
    const up = state.chartRows > 0 ? `\x1b[${state.chartRows}A` : '';
    const chart = o.chart === true && losses.length > 1 ? lossChart(losses, null, { palette: o.palette, width: Math.min(60, columns - 14) }) : '';
    o.write(`${up}\r\x1b[J${chart}${line}`);
    state.chartRows = chart === '' ? 0 : chart.split('\n').length - 1;
    state.lastDraw = now();
  };
  const maybeDraw = (): void => {
    if (now() - state.lastDraw >= interval) draw();
  };
  return {
    on_step: (s: StepInfo) => {
      state.samples += s.batch_size;
      state.epoch = s.epoch;
      state.loss = s.loss;
      maybeDraw();
    },
    on_epoch_end: (e: EpochInfo) => {
      losses.push(e.train_loss);
      state.loss = e.train_loss;
      state.lr = e.lr;
      // the chart as soon as it has two points, however fast the epochs go; then at the usual pace
      if (o.chart === true && losses.length === 2) draw();
      else maybeDraw();
    },
    finish: () => {
      if (state.lastDraw === -Infinity) return;
      o.write(`${state.chartRows > 0 ? `\x1b[${state.chartRows}A` : ''}\r\x1b[J`);
      state.lastDraw = -Infinity;
    },
  };
}

/** Progress callbacks for fit() in the given mode. */
export function createProgress(o: ProgressOptions): Progress {
  if (o.mode === 'live') return liveProgress(o);
  if (o.mode === 'lines') return plainProgress(o);
  return { finish: () => undefined };
}
