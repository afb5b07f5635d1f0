// `autograd train --stream`: batches read from the CSV as it streams, so memory stays bounded by a
// shuffle buffer (64 batches) whatever the file size; the file is read again every epoch.

import * as torch from '../index.js';
import { DataError, InterruptedError, TrainingDivergedError } from '../errors.js';
import { streamCsv } from '../data/csv_stream.js';
import { gatherRows } from '../data/dataset.js';
import { permutation } from '../random/source.js';
import type { CliContext } from './context.js';
import type { TrainOptions } from './commands/train.js';
import type { TrainSummary } from './train_report.js';

const BUFFER_BATCHES = 64;

interface Columns {
  features: string[];
  targets: string[];
}

/** One pass over the file: [x, y] batches, shuffled within buffers of BUFFER_BATCHES batches. */
async function* epochBatches(o: TrainOptions, gen: torch.Generator, onNames: (f: string[], t: string[]) => void): AsyncGenerator<[torch.Tensor, torch.Tensor]> {
  for await (const chunk of streamCsv(o.data, { target: o.target, features: o.features, dtype: o.dtype, batchRows: o.batchSize * BUFFER_BATCHES })) {
    onNames(chunk.featureNames, chunk.targetNames);
    const F = chunk.featureNames.length;
    const T = chunk.targetNames.length;
    const order = o.shuffle ? permutation(gen, chunk.rows) : Uint32Array.from({ length: chunk.rows }, (_, i) => i);
    const X = torch.from_numpy(chunk.X, [chunk.rows, F]);
    const Y = torch.from_numpy(chunk.y, [chunk.rows, T]);
    const last = chunk.rows < o.batchSize * BUFFER_BATCHES;
    for (let s = 0; s < chunk.rows; s += o.batchSize) {
      const n = Math.min(o.batchSize, chunk.rows - s);
      if (n < o.batchSize && (!last || o.dropLast)) break;
      yield [gatherRows(X, order, s, s + n), gatherRows(Y, order, s, s + n)];
    }
  }
}

export async function streamTraining(o: TrainOptions, ctx: CliContext, truth: TrainSummary['truth']): Promise<TrainSummary> {
  const gen = new torch.Generator(o.seed);
  let cols: Columns | null = null;
  let model: torch.nn.Linear | null = null;
  let optimizer: torch.optim.SGD | null = null;
  const loss_fn = new torch.nn.MSELoss();
  const trainLoss: number[] = [];
  let rows = 0;
  const sums = { y: 0, yy: 0 };
  const t0 = performance.now();
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    let total = 0;
    let steps = 0;
    for await (const [x, y] of epochBatches(o, gen, (features, targets) => {
      cols = { features, targets };
    })) {
      if (ctx.signal.aborted) throw new InterruptedError(`interrupted at epoch ${epoch}, step ${steps + 1}`);
      const c = cols as unknown as Columns;
      model ??= new torch.nn.Linear(c.features.length, c.targets.length, { dtype: o.dtype, generator: gen });
      optimizer ??= new torch.optim.SGD(model.parameters(), { lr: o.lr, momentum: o.momentum, dampening: o.dampening, weight_decay: o.weightDecay, nesterov: o.nesterov });
      if (epoch === 1) {
        rows += x.shape[0];
        for (const v of y.numpy()) {
          sums.y += v;
          sums.yy += v * v;
        }
      }
      const loss = loss_fn.forward(model.forward(x), y);
      const value = loss.item();
      if (!Number.isFinite(value)) throw new TrainingDivergedError(`training diverged: the loss became ${value} at epoch ${epoch}, step ${steps + 1}; try a smaller learning rate (e.g. --lr)`, epoch, steps + 1);
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      total += value;
      steps++;
    }
    if (model === null || cols === null) throw new DataError(`${o.data}: no data rows`, { file: o.data });
    trainLoss.push(total / steps);
  }
  const train_s = (performance.now() - t0) / 1000;
  const c = cols as unknown as Columns;
  const m = model as unknown as torch.nn.Linear;
  const meanY = sums.y / (rows * c.targets.length);
  return {
    data: { file: o.data, rows, trainRows: rows, valRows: 0, features: c.features, targets: c.targets },
    model: String(m),
    loss: "MSELoss(reduction='mean')",
    optimizer: `SGD(lr=${o.lr}, momentum=${o.momentum}, dampening=${o.dampening}, weight_decay=${o.weightDecay}, nesterov=${o.nesterov ? 'True' : 'False'})`,
    settings: { epochs: o.epochs, batch_size: o.batchSize, shuffle: o.shuffle, drop_last: o.dropLast, seed: o.seed, dtype: o.dtype, standardize: false },
    history: { train_loss: trainLoss, val_loss: null },
    final: { train_loss: trainLoss[trainLoss.length - 1], val_loss: null, baseline_loss: sums.yy / (rows * c.targets.length) - meanY * meanY, least_squares_loss: null },
    weights: { weight: m.weight.detach().tolist() as number[][], bias: Array.from(m.bias!.detach().numpy()) },
    least_squares: null,
    truth,
    timings: { load_s: 0, train_s, samples_per_s: (rows * o.epochs) / Math.max(train_s, 1e-9) },
  };
}
