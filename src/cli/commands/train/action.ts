// `autograd train`'s action: header, progress, the run (in memory or --stream), model file, report or JSON.

import path from 'node:path';
import type { TrainOptions } from './options.js';
import type { CliContext } from '../../context.js';
import { AtomicFile, fileExists, readTextFile } from '../../io.js';
import { commitModel, MODEL_VERSION, type ModelFile } from '../../model_file.js';
import { loadPalette, type Palette } from '../../palette.js';
import { createProgress, type Progress } from '../../progress.js';
import type { RunHooks, TrainHeader, TrainResult } from './common.js';
import { finalText, headerText, summarize, summaryJson, type Truth, type TrainSummary } from './report.js';
import { nowMs } from '../../clock.js';
import { PictureFiles } from './pictures.js';

/** A path as the user would write it: relative to the working directory when inside it; 'stdin' for '-'. */
export function displayPath(file: string, cwd: string): string {
  if (file === '-') return 'stdin';
  const rel = path.relative(cwd, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

interface Sidecar {
  coef?: unknown;
  bias?: unknown;
  feature_names?: unknown;
  target_names?: unknown;
}

/** `coef` of a sidecar, reordered to the trained columns by name; null when a column is not in it. */
function alignTruth(m: Sidecar, features: string[], targets: string[]): Truth | null {
  const coef = m.coef as number[][];
  const fNames = Array.isArray(m.feature_names) ? (m.feature_names as string[]) : features;
  const tNames = Array.isArray(m.target_names) ? (m.target_names as string[]) : targets;
  const at = (names: string[]): Map<string, number> => new Map(names.map((n, i): [string, number] => [n, i]).reverse()); // the first of a repeated name
  const fAt = at(fNames);
  const tAt = at(tNames);
  const fi = features.map((f) => fAt.get(f) ?? -1);
  const ti = targets.map((t) => tAt.get(t) ?? -1);
  if (fi.includes(-1) || ti.includes(-1)) return null;
  const aligned = ti.map((k) => fi.map((j) => coef[k]?.[j]));
  return aligned.flat().every((v) => typeof v === 'number' && Number.isFinite(v)) ? { coef: aligned, bias: m.bias as number } : null;
}

/** The true coefficients from DATA.meta.json (written by gen-data), when there is one that fits. */
export function readTruth(data: string, features: string[], targets: string[], warn: (message: string) => void): Truth | null {
  const file = `${data}.meta.json`;
  if (data === '-' || !fileExists(file)) return null;
  try {
    const m = JSON.parse(readTextFile(file, 'metadata')) as Sidecar;
    if (!Array.isArray(m.coef) || typeof m.bias !== 'number') throw new Error("no 'coef' and 'bias'");
    return alignTruth(m, features, targets);
  } catch (err) {
    warn(`ignoring ${file}: ${(err as Error).message}`);
    return null;
  }
}

/** The scores as flat metrics: train_r2, val_mae, test_rmse, ... */
function scoreMetrics(s: TrainSummary): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [part, m] of Object.entries(s.scores)) {
    if (m === null) continue;
    for (const k of ['mse', 'rmse', 'mae', 'r2'] as const) out[`${part}_${k}`] = m[k];
  }
  return out;
}

function modelFile(o: TrainOptions, r: TrainResult, summary: ReturnType<typeof summarize>): ModelFile {
  return {
    format: 'autograd-linear-model',
    version: MODEL_VERSION,
    dtype: o.dtype,
    feature_names: r.header.data.features,
    target_names: r.header.data.targets,
    weight: r.weight,
    bias: r.bias,
    standardization: r.standardization,
    settings: { data: o.data, ...r.header.settings },
    metrics: { ...summary.final, ...scoreMetrics(summary) },
    training_state: r.training_state,
    preprocessing: r.preprocessing,
  };
}

function progressFor(o: TrainOptions, ctx: CliContext, header: TrainHeader, samplesPerEpoch: number, palette: Palette): Progress {
  const live = ctx.progressTTY ?? ctx.isTTY;
  return createProgress({
    mode: o.json || o.quiet ? 'off' : live ? 'live' : 'lines',
    epochs: o.epochs,
    samplesPerEpoch,
    validation: header.data.val_rows > 0,
    showLr: header.scheduler !== null,
    write: ctx.stderr,
    chart: o.chart,
    palette,
    columns: ctx.columns,
  });
}

/** Train with a header before the first step and progress during it; the progress display is always closed. */
async function runWithProgress(o: TrainOptions, ctx: CliContext, palette: Palette): Promise<TrainResult> {
  let progress: Progress | null = null;
  const hooks: RunHooks = {
    signal: ctx.signal,
    warn: (m) => ctx.stderr(`warning: ${m}\n`),
    onStart: (header, samplesPerEpoch) => {
      if (!o.json && !o.quiet) ctx.stdout(headerText(header, displayPath(o.data, ctx.cwd)));
      progress = progressFor(o, ctx, header, samplesPerEpoch, palette);
      return progress;
    },
  };
  try {
    const run = o.stream ? (await import('./stream.js')).runStreaming : (await import('./run.js')).runInMemory;
    return await run(o, hooks);
  } catch (err) {
    throw (await import('./data.js')).withHint(err, o);
  } finally {
    (progress as Progress | null)?.finish();
  }
}

/** Files up to this many rows are read again for the terminal scatter (beyond: no scatter). */
const SCATTER_MAX_ROWS = 200_000;

/** After a one-feature, one-target run held in memory: the data and the learned line in braille. */
async function terminalScatter(o: TrainOptions, s: TrainSummary, r: TrainResult, palette: Palette, columns: number): Promise<string | undefined> {
  if (o.stream || s.data.features.length !== 1 || s.data.targets.length !== 1 || !(s.data.rows <= SCATTER_MAX_ROWS)) return undefined;
  const [{ rowsAgain }, { scatterPlot }] = await Promise.all([import('./data.js'), import('../../scatter.js')]);
  const rows = await rowsAgain(o, s.data.targets, r.preprocessing, r.kept_rows);
  const line = { slope: s.weights.weight[0][0], intercept: s.weights.bias[0] };
  return scatterPlot(rows.X, rows.Y, line, { palette, width: Math.min(60, columns - 14), height: 12, xName: s.data.features[0], yName: s.data.targets[0] });
}

export async function trainAction(o: TrainOptions, ctx: CliContext): Promise<void> {
  const t0 = nowMs();
  const palette = await loadPalette(ctx.color && o.color && !o.json);
  // opened now, written at the end: an unwritable --save fails before training, not after
  const out = o.save === undefined ? null : AtomicFile.create(o.save);
  let pictures: PictureFiles | null = null;
  try {
    pictures = new PictureFiles(o);
    const result = await runWithProgress(o, ctx, palette);
    const header = { ...result.header, data: { ...result.header.data, file: displayPath(o.data, ctx.cwd) } };
    const truth = readTruth(o.data, header.data.features, header.data.targets, (m) => ctx.stderr(`warning: ${m}\n`));
    const saved = o.save === undefined ? null : displayPath(o.save, ctx.cwd);
    const summary = summarize({ ...result, header }, truth, saved, (nowMs() - t0) / 1000);
    if (out !== null) commitModel(out, modelFile(o, result, summary));
    await pictures.write(o, summary, result);
    if (o.json) ctx.stdout(summaryJson(summary));
    else {
      const chart = o.chart && !o.quiet;
      const scatter = chart ? await terminalScatter(o, summary, result, palette, ctx.columns) : undefined;
      ctx.stdout(finalText(summary, { chart, perEpoch: !o.quiet, scatter, palette, columns: ctx.columns }));
    }
    if (saved !== null && !o.json) ctx.stderr(`model saved to ${saved}\n`);
  } catch (err) {
    out?.discard(); // Ctrl-C, divergence or any failure: the model file is left as it was
    pictures?.discard();
    throw err;
  }
}
