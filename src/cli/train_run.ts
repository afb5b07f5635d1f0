// What `autograd train` does: load, split, standardize, train through fit(), compare with least squares, save.
import path from 'node:path';

import * as torch from '../index.js';
import type { Tensor } from '../index.js';
import type { CliContext } from './context.js';
import { lossChart } from './chart.js';
import { saveModel, type ModelFile } from './model_file.js';
import type { TrainOptions } from './commands/train.js';
import type { TrainSummary } from './train_report.js';

type Truth = TrainSummary['truth'];

function rowsOf(t: Tensor): number[][] {
  return t.tolist() as number[][];
}

/** Weights and bias in the units of the raw features, when training used standardized ones. */
function unstandardize(weight: number[][], bias: number[], stats: torch.Standardization | null): { weight: number[][]; bias: number[] } {
  if (stats === null) return { weight, bias };
  const w = weight.map((row) => row.map((v, j) => v / stats.std[j]));
  const b = bias.map((v, k) => v - w[k].reduce((s, wj, j) => s + wj * stats.mean[j], 0));
  return { weight: w, bias: b };
}

/** MSE of always predicting the training targets' mean. */
function baselineLoss(y: Tensor): number {
  const [n, t] = y.shape;
  const Y = y.numpy();
  let s = 0;
  for (let k = 0; k < t; k++) {
    let m = 0;
    for (let i = 0; i < n; i++) m += Y[i * t + k] / n;
    for (let i = 0; i < n; i++) s += (Y[i * t + k] - m) ** 2;
  }
  return s / (n * t);
}

/**
 * On a terminal: a live line (epoch, loss, samples/s, ETA) under the loss chart, redrawn in place on
 * stderr at most every 50 ms and cleared at the end (the final report then prints the finished chart).
 */
function progressReporter(o: TrainOptions, ctx: CliContext, samplesPerEpoch: number): torch.FitCallbacks {
  if (!ctx.isTTY || o.quiet || o.json) return {};
  const t0 = performance.now();
  const losses: number[] = [];
  let drawnLines = 0;
  let lastDraw = -Infinity;
  const clear = (): string => (drawnLines > 0 ? `\x1b[${drawnLines}F\x1b[J` : '');
  return {
    on_epoch_end: (e) => {
      losses.push(e.train_loss);
      const now = performance.now();
      const done = e.epoch === o.epochs;
      if (!done && now - lastDraw < 50) return;
      lastDraw = now;
      if (done) {
        ctx.stderr(clear());
        drawnLines = 0;
        return;
      }
      const elapsed = (now - t0) / 1000;
      const rate = (e.epoch * samplesPerEpoch) / Math.max(elapsed, 1e-9);
      const eta = (elapsed / e.epoch) * (o.epochs - e.epoch);
      const chart = o.chart ? lossChart(losses, null, { color: ctx.color && o.color, width: Math.min(60, ctx.columns - 15) }) : '';
      const line = `epoch ${e.epoch}/${o.epochs}  loss ${e.train_loss.toFixed(4)}  ${Math.round(rate).toLocaleString('en-US')} samples/s  ETA ${eta.toFixed(1)} s\n`;
      ctx.stderr(clear() + chart + line);
      drawnLines = (chart + line).split('\n').length - 1;
    },
  };
}

export async function runTraining(o: TrainOptions, ctx: CliContext, truth: Truth): Promise<TrainSummary> {
  if (o.stream) {
    const { streamTraining } = await import('./train_stream.js');
    const s = await streamTraining(o, ctx, truth);
    if (o.save !== undefined) saveModel(o.save, modelFile(o, s.data.features, s.data.targets, s.weights, null, s));
    return s;
  }
  const { loadCsv } = await import('../data/csv.js');
  const tLoad = performance.now();
  const table = loadCsv(o.data, { target: o.target, features: o.features, dtype: o.dtype });
  const load_s = (performance.now() - tLoad) / 1000;
  const F = table.featureNames.length;
  const T = table.targetNames.length;
  const gen = new torch.Generator(o.seed);
  let X = torch.from_numpy(table.X, [table.rows, F]);
  let Y = torch.from_numpy(table.y, [table.rows, T]);
  let Xv: Tensor | null = null;
  let Yv: Tensor | null = null;
  if (o.valSplit !== undefined) {
    const nVal = Math.round(X.shape[0] * o.valSplit);
    if (nVal < 1 || nVal >= X.shape[0]) {
      throw new torch.UsageError(`--val-split ${o.valSplit} of ${X.shape[0]} rows leaves ${nVal} validation and ${X.shape[0] - nVal} training rows; both need at least one`);
    }
    const split = torch.trainValSplit([X, Y], o.valSplit, gen);
    [X, Y] = split.train;
    [Xv, Yv] = split.val;
  }
  const stats = o.standardize ? torch.fitStandardization(X) : null;
  if (stats !== null) {
    X = torch.applyStandardization(X, stats);
    if (Xv !== null) Xv = torch.applyStandardization(Xv, stats);
  }
  const model = new torch.nn.Linear(F, T, { dtype: o.dtype, generator: gen });
  const loss_fn = new torch.nn.MSELoss();
  const sgd = { lr: o.lr, momentum: o.momentum, dampening: o.dampening, weight_decay: o.weightDecay, nesterov: o.nesterov };
  const optimizer = new torch.optim.SGD(model.parameters(), sgd);
  const loader = new torch.DataLoader(new torch.TensorDataset(X, Y), { batch_size: o.batchSize, shuffle: o.shuffle, drop_last: o.dropLast, generator: gen });
  const valLoader = Xv !== null && Yv !== null ? new torch.DataLoader(new torch.TensorDataset(Xv, Yv), { batch_size: 4096 }) : null;
  if (loader.length === 0) throw new torch.UsageError(`--batch-size ${o.batchSize} with --drop-last leaves no batch from ${X.shape[0]} training rows`);
  const tTrain = performance.now();
  const history = await torch.fitAsync({ model, loader, val_loader: valLoader, loss_fn, optimizer, epochs: o.epochs, signal: ctx.signal, callbacks: progressReporter(o, ctx, X.shape[0]) });
  const train_s = (performance.now() - tTrain) / 1000;

  const fullLoader = new torch.DataLoader(new torch.TensorDataset(X, Y), { batch_size: 65536 });
  const trainLoss = torch.evaluateLoss(model, fullLoader, loss_fn);
  let ls: { weight: number[][]; bias: number[] } | null = null;
  let lsLoss: number | null = null;
  try {
    const sol = torch.lstsq(X.numpy(), X.shape[0], F, Y.numpy(), T);
    ls = { weight: Array.from({ length: T }, (_, k) => Array.from(sol.weight.subarray(k * F, k * F + F))), bias: Array.from(sol.bias) };
    lsLoss = torch.linearMSE(X.numpy(), X.shape[0], F, Y.numpy(), T, sol.weight, sol.bias);
  } catch {
    ls = null; // rank-deficient or too few rows: the report shows no least-squares column
  }
  const learned = { weight: rowsOf(model.weight.detach()), bias: Array.from(model.bias!.detach().numpy()) };
  const shown = unstandardize(learned.weight, learned.bias, stats);
  const summary: TrainSummary = {
    data: { file: displayPath(o.data, ctx.cwd), rows: table.rows, trainRows: X.shape[0], valRows: Xv?.shape[0] ?? 0, features: table.featureNames, targets: table.targetNames },
    model: String(model),
    loss: "MSELoss(reduction='mean')",
    optimizer: `SGD(lr=${o.lr}, momentum=${o.momentum}, dampening=${o.dampening}, weight_decay=${o.weightDecay}, nesterov=${o.nesterov ? 'True' : 'False'})`,
    settings: { epochs: o.epochs, batch_size: o.batchSize, shuffle: o.shuffle, drop_last: o.dropLast, seed: o.seed, dtype: o.dtype, standardize: o.standardize },
    history: { train_loss: history.train_loss, val_loss: history.val_loss },
    final: { train_loss: trainLoss, val_loss: history.val_loss?.at(-1) ?? null, baseline_loss: baselineLoss(Y), least_squares_loss: lsLoss },
    weights: shown,
    least_squares: ls === null ? null : unstandardize(ls.weight, ls.bias, stats),
    truth,
    timings: { load_s, train_s, samples_per_s: (X.shape[0] * o.epochs) / Math.max(train_s, 1e-9) },
  };
  if (o.save !== undefined) saveModel(o.save, modelFile(o, table.featureNames, table.targetNames, learned, stats, summary));
  return summary;
}

function modelFile(o: TrainOptions, features: string[], targets: string[], learned: { weight: number[][]; bias: number[] }, stats: torch.Standardization | null, s: TrainSummary): ModelFile {
  return {
    format: 'autograd-linear-model', version: 1, dtype: o.dtype, feature_names: features, target_names: targets,
    weight: learned.weight, bias: learned.bias, standardization: stats,
    settings: { data: o.data, lr: o.lr, epochs: o.epochs, batch_size: o.batchSize, shuffle: o.shuffle, drop_last: o.dropLast, seed: o.seed, momentum: o.momentum, dampening: o.dampening, weight_decay: o.weightDecay, nesterov: o.nesterov, val_split: o.valSplit ?? null, standardize: o.standardize },
    metrics: { train_loss: s.final.train_loss, val_loss: s.final.val_loss, baseline_loss: s.final.baseline_loss, least_squares_loss: s.final.least_squares_loss },
  };
}

/** A path as the user would write it: relative to the working directory when inside it. */
function displayPath(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}
