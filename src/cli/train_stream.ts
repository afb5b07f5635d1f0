// `autograd train --stream`: batches read from the CSV as it streams, so memory stays bounded by a
// shuffle buffer (64 batches) whatever the file size; the file is read again every epoch.

import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import * as torch from '../index.js';
import { DataError, InputError, InterruptedError, IOFailure, TrainingDivergedError } from '../errors.js';
import { defaultTargets, readRow, resolveColumn, type Row } from '../data/csv.js';
import { isStrictNumber } from '../data/parse_number.js';
import { allocStorage } from '../tensor/dtype.js';
import { permutation } from '../random/source.js';
import type { CliContext } from './context.js';
import type { TrainOptions } from './commands/train.js';
import type { TrainSummary } from './train_report.js';

const BUFFER_BATCHES = 64;

interface Columns {
  names: string[];
  features: number[];
  targets: number[];
}

async function* records(file: string): AsyncGenerator<Row> {
  const parser = createReadStream(file).on('error', () => undefined).pipe(parse({ bom: true, skip_empty_lines: true, relax_column_count: true, info: true, trim: true }));
  try {
    for await (const r of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) yield { fields: r.record, line: r.info.lines };
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { lines?: number };
    if (e.code === 'ENOENT' || e.code === 'EACCES' || e.code === 'EISDIR') throw new InputError(`cannot read '${file}': ${e.code === 'ENOENT' ? 'no such file or directory' : e.message}`);
    if (typeof e.code === 'string' && e.code.startsWith('CSV_')) throw new DataError(`${file}:${e.lines ?? '?'}: ${e.message}`, { file, line: e.lines });
    throw new IOFailure(`error while reading '${file}': ${e.message}`);
  }
}

function selectColumns(first: Row, o: TrainOptions): Columns & { header: boolean } {
  const header = !first.fields.every(isStrictNumber);
  const w = first.fields.length;
  const names = header ? first.fields : first.fields.map((_, i) => (i === w - 1 ? 'y' : `x${i}`));
  const targets = o.target === undefined ? defaultTargets(names) : o.target.map((r) => resolveColumn(r, names, o.data, 'target'));
  const features = o.features === undefined ? names.map((_, i) => i).filter((i) => !targets.includes(i)) : o.features.map((r) => resolveColumn(r, names, o.data, 'feature'));
  return { names, features, targets, header };
}

/** One pass over the file: yields [x, y] batches from shuffled buffers. */
async function* epochBatches(o: TrainOptions, gen: torch.Generator, onColumns: (c: Columns) => void): AsyncGenerator<[torch.Tensor, torch.Tensor]> {
  let cols: Columns | null = null;
  let buffer: number[][] = [];
  const flush = function* (final: boolean): Generator<[torch.Tensor, torch.Tensor]> {
    const c = cols as Columns;
    const order = o.shuffle ? permutation(gen, buffer.length) : Uint32Array.from(buffer.keys());
    for (let s = 0; s < buffer.length; s += o.batchSize) {
      const n = Math.min(o.batchSize, buffer.length - s);
      if (n < o.batchSize && (!final || o.dropLast)) break;
      const X = allocStorage(o.dtype, n * c.features.length);
      const Y = allocStorage(o.dtype, n * c.targets.length);
      for (let i = 0; i < n; i++) {
        const v = buffer[order[s + i]];
        X.set(v.slice(0, c.features.length), i * c.features.length);
        Y.set(v.slice(c.features.length), i * c.targets.length);
      }
      yield [torch.from_numpy(X, [n, c.features.length]), torch.from_numpy(Y, [n, c.targets.length])];
    }
    buffer = [];
  };
  let first = true;
  for await (const row of records(o.data)) {
    if (first) {
      first = false;
      const sel = selectColumns(row, o);
      cols = sel;
      onColumns(sel);
      if (sel.header) continue;
    }
    const c = cols as Columns;
    if (row.fields.length !== c.names.length) throw new DataError(`${o.data}:${row.line}: row has ${row.fields.length} fields, expected ${c.names.length}`, { file: o.data, line: row.line });
    buffer.push(readRow(o.data, row, c.names, [...c.features, ...c.targets], 'error') as number[]);
    if (buffer.length >= o.batchSize * BUFFER_BATCHES) yield* flush(false);
  }
  if (cols !== null && buffer.length > 0) yield* flush(true);
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
    for await (const [x, y] of epochBatches(o, gen, (c) => {
      cols = c;
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
    data: { file: o.data, rows, trainRows: rows, valRows: 0, features: c.features.map((i) => c.names[i]), targets: c.targets.map((i) => c.names[i]) },
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
